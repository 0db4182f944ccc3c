"""A small data pipeline where safearray tells which results are views and which are copies.

Run it with ``python examples/quickstart.py``.
"""

import warnings

import safearray as np  # a drop-in import: the pipeline below is plain NumPy code

rng = np.random.default_rng(0)
readings = rng.normal(20.0, 5.0, size=12)  # sensor readings, a Copy
print("readings       :", type(readings).__name__)

window = readings[2:8]  # basic slicing: a View of `readings`
print("window         :", type(window).__name__, "of", type(window.base).__name__)

hot = readings[readings > 20.0]  # boolean mask: a Copy
print("hot            :", type(hot).__name__)

grid = readings.reshape(3, 4)  # reshape of contiguous data: a View
print("grid           :", type(grid).__name__)
print("grid.T.ravel() :", type(grid.T.ravel()).__name__, "(not contiguous, so NumPy copied)")

centred = readings - readings.mean()  # arithmetic: a Copy
print("centred        :", type(centred).__name__)

# The two silent bugs of NumPy, reported at the line that makes them:
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    window[:] = 0.0  # writes into `readings` too
    readings[readings > 20.0][0] = 99.0  # writes into a temporary Copy: lost
for w in caught:
    print(f"line {w.lineno}: {w.category.__name__}: {str(w.message)[:70]}...")

# Say what you mean: an independent copy, or an intended write-through.
safe = readings[2:8].copy()
safe[:] = 1.0
readings[2:8].with_policy("allow")[:] = 2.0
print("readings[2:8]  :", readings[2:8].tolist())
