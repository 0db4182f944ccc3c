"""Correct NumPy code that safearray leaves alone: writes that nobody else can see.

Run it with ``python examples/ownership.py`` (it also runs clean under
``SAFEARRAY_POLICY=raise``, where any warning would be an error).
"""

import safearray as np


def unit_columns(matrix):
    """Eigenvectors scaled in place: V is not used after, so nobody else sees the writes."""
    w, V = np.linalg.eig(matrix)
    first = np.real(V[:, 0]).squeeze()
    first /= np.abs(first).max()
    return first


grid = np.arange(12.0).reshape(3, 4)  # the arange is gone: grid owns its memory
print("grid          :", type(grid).__name__, "base:", grid.base)
grid[0, 0] = 99.0  # a write into an owner

top = grid[0]  # a View of grid, kept
grid[1:] = 1.0  # still a write into the owner: silent
grid[1:3][0] = 5.0  # chained assignment writes into grid itself, as in NumPy
grid[:2][:, 1] -= 1.0  # and so does the augmented form

x, y, z = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).T  # rows of an unnamed matrix
y -= x  # y and x do not overlap: nobody else sees y's bytes
print("y             :", y.tolist())

print("unit column   :", unit_columns(np.eye(3) * 2.0).tolist())

data = np.arange(10.0)
head = data[:5]
with np.policy("raise"):
    try:
        head[:] = 0.0  # data is used below, so this write changes what it sees
    except np.SharedWriteError as exc:
        print("reported      :", type(exc).__name__)
print("data          :", data.tolist())
print("diagnostics   :", np.diagnostics()["off"] or "every check is active")
