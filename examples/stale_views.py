"""Both directions of aliasing: a write through a View changes its base, and a write into the
base changes every View of it. The second one makes NumPy's best-known bug, the row swap.

Run it: ``python examples/stale_views.py``.
"""

import warnings

import numpy

import safearray as sa


def swap_rows_naively(a):
    a[0], a[1] = a[1], a[0]  # a[0] is a View: overwritten first, then copied into a[1]


def swap_rows(a):
    a[[0, 1]] = a[[1, 0]]  # fancy indexing copies the sources


def main():
    plain = numpy.arange(6).reshape(2, 3)
    swap_rows_naively(plain)
    print("NumPy, naive swap :", plain.tolist(), "(both rows are the old row 1, silently)")

    a = sa.arange(6).reshape(2, 3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        swap_rows_naively(a)
    print("safearray, naive  :", a.tolist(), "->", caught[0].category.__name__)

    b = sa.arange(6).reshape(2, 3)
    swap_rows(b)
    print("safearray, fancy  :", b.tolist(), "(a correct swap, silent)")

    # A View whose base changed by design is fine to read: reported only on request.
    x = sa.arange(6.0).reshape(2, 3)
    col = x[:, 0]
    x += 1
    print("col after x += 1  :", col.tolist(), "(the new values, as NumPy promises)")
    with sa.policy("raise", stale_reads=True):
        try:
            col.sum()
        except sa.StaleViewError as exc:
            print("stale_reads=True  :", type(exc).__name__, "-", str(exc).split(" (")[0])


if __name__ == "__main__":
    main()
