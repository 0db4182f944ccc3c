"""Every ufunc and its methods on SafeArrays, against NumPy on the same memory."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import safearray as sa
from tests._asserts import assert_matches

UFUNCS = sorted(
    {obj for name in dir(np) if isinstance(obj := getattr(np, name), np.ufunc)}, key=lambda u: u.__name__
)


def operand(ufunc: np.ufunc) -> st.SearchStrategy[np.ndarray]:
    """Inputs of a type the ufunc has a loop for (the first of its float, int or bool loops)."""
    for code in ("d", "l", "?", "M", "m"):
        if any(t.startswith(code * ufunc.nin) for t in ufunc.types):
            dtype = np.dtype(code if code not in "Mm" else f"{code}8[s]")
            break
    else:
        dtype = np.dtype("O")
    if dtype.kind == "f":
        elements: Any = st.floats(-5, 5, allow_nan=False)
    elif dtype.kind == "i":
        elements = st.integers(1, 5)
    elif dtype.kind in "Mm":
        elements = st.integers(0, 10**6)
    elif dtype.kind == "O":
        elements = st.integers(1, 5)
    else:
        elements = None
    if dtype.kind in "Mm":
        return hnp.arrays(np.int64, 4, elements=elements).map(lambda a: a.astype(dtype))
    return hnp.arrays(dtype, 4, elements=elements)


def quietly(fn: Any) -> tuple[Any, BaseException | None]:
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(), None
    except (TypeError, ValueError) as exc:
        return None, exc


@pytest.mark.parametrize("ufunc", UFUNCS, ids=lambda u: u.__name__)
@settings(max_examples=5)
@given(data=st.data())
def test_every_ufunc_called_on_safearrays(ufunc: np.ufunc, data: st.DataObject) -> None:
    if ufunc.signature is not None and ufunc is not np.matmul and ufunc.__name__ not in ("vecdot", "matvec", "vecmat"):
        pytest.skip(f"{ufunc.__name__}: a generalized ufunc covered elsewhere")
    strategy = operand(ufunc)
    raws = [data.draw(strategy) for _ in range(ufunc.nin)]
    tagged = [sa.array(x) for x in raws]
    memory = [np.asarray(t) for t in tagged]
    expected, error = quietly(lambda: ufunc(*memory))
    for call in (lambda: ufunc(*tagged), lambda: getattr(sa, ufunc.__name__)(*tagged)):
        result, our_error = quietly(call)
        if error is not None:
            assert type(our_error) is type(error)
            continue
        assert our_error is None, our_error
        assert_matches(result, expected, *memory)


@pytest.mark.parametrize("ufunc", [np.add, np.multiply, np.maximum, np.logical_and, np.subtract])
@given(raw=hnp.arrays(np.float64, (3, 4), elements=st.floats(-5, 5)))
def test_ufunc_methods(ufunc: np.ufunc, raw: np.ndarray) -> None:
    x = sa.array(raw)
    memory = np.asarray(x)
    with np.errstate(all="ignore"):
        cases = [
            (ufunc.reduce(x, axis=0), ufunc.reduce(memory, axis=0)),
            (ufunc.accumulate(x, axis=1), ufunc.accumulate(memory, axis=1)),
            (ufunc.reduceat(x, [0, 2], axis=1), ufunc.reduceat(memory, [0, 2], axis=1)),
            (ufunc.outer(x[0], x[1]), ufunc.outer(memory[0], memory[1])),
            (getattr(sa, ufunc.__name__).reduce(x), ufunc.reduce(memory)),
            (getattr(sa, ufunc.__name__).outer(x[0], [1.0, 2.0]), ufunc.outer(memory[0], [1.0, 2.0])),
        ]
    for result, expected in cases:
        assert_matches(result, expected, memory)


def test_ufunc_at_writes_in_place() -> None:
    raw = np.arange(5.0)
    x = sa.array(raw)
    np.add.at(x, [0, 0, 2], 1.0)
    np.add.at(raw, [0, 0, 2], 1.0)
    np.testing.assert_array_equal(np.asarray(x), raw)
    sa.multiply.at(x, [1], 3.0)
    np.multiply.at(raw, [1], 3.0)
    np.testing.assert_array_equal(np.asarray(x), raw)


@pytest.mark.parametrize("how", ["keyword", "tuple", "positional"])
def test_out_returns_the_out_array_itself(how: str) -> None:
    x = sa.arange(4.0)
    out = sa.zeros(4)
    if how == "keyword":
        result = np.add(x, 1.0, out=out)
    elif how == "tuple":
        result = np.add(x, 1.0, out=(out,))
    else:
        result = sa.add(x, 1.0, out)
    assert result is out
    np.testing.assert_array_equal(np.asarray(out), [1.0, 2.0, 3.0, 4.0])
    q, rem = sa.zeros(4), sa.zeros(4)
    results = np.divmod(x, 3.0, out=(q, rem))
    assert results[0] is q and results[1] is rem


def test_ufunc_mirror_keeps_numpys_attributes() -> None:
    assert sa.add.nin == 2 and sa.add.nout == 1 and sa.add.identity == 0
    assert sa.add.types == np.add.types
    assert "add" in repr(sa.add)
    assert sa.add.__doc__ == np.add.__doc__


def test_all_ufuncs_are_mirrored() -> None:
    from safearray._namespace import ufunc as wrapper

    for ufunc in UFUNCS:
        if ufunc.__name__ in np.__all__:
            assert type(getattr(sa, ufunc.__name__)) is wrapper
    assert sa.ufunc is np.ufunc  # types pass through: isinstance checks keep working


def test_ufuncs_on_lists_give_copies() -> None:
    r = sa.sqrt([4.0, 9.0])
    assert isinstance(r, sa.Copy) and r.tolist() == [2.0, 3.0]


def test_unknown_array_types_are_left_to_decide() -> None:
    class Other:
        def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
            return "other"

    assert np.add(sa.arange(2), Other()) == "other"
