"""Hypothesis strategies shared by the differential tests.

``arrays()`` draws NumPy arrays of every dtype safearray supports, 0-d and
empty ones included, in C order, Fortran order, non-contiguous and with
negative strides (made by slicing a larger array, so they are views of it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

INT_DTYPES = [np.dtype(t) for t in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")]
FLOAT_DTYPES = [np.dtype(t) for t in ("float16", "float32", "float64", "longdouble")]
COMPLEX_DTYPES = [np.dtype(t) for t in ("complex64", "complex128", "clongdouble")]
TIME_UNITS = ["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"]
OTHER_DTYPES = [np.dtype("bool"), np.dtype("U5"), np.dtype("S4"), np.dtype("O")] + [
    np.dtype(f"datetime64[{u}]") for u in ("D", "s", "ns")
] + [np.dtype(f"timedelta64[{u}]") for u in ("h", "us")]
ALL_DTYPES = INT_DTYPES + FLOAT_DTYPES + COMPLEX_DTYPES + OTHER_DTYPES
NUMERIC_DTYPES = INT_DTYPES + FLOAT_DTYPES + COMPLEX_DTYPES


def _elements(dtype: np.dtype[Any]) -> st.SearchStrategy[Any] | None:
    if dtype.kind == "O":
        return st.one_of(st.integers(-5, 5), st.text(max_size=3), st.none())
    if dtype.kind == "f":
        return st.floats(-1e3, 1e3, width=min(64, dtype.itemsize * 8) if dtype.itemsize <= 8 else 64)
    if dtype.kind == "c":
        return st.complex_numbers(max_magnitude=1e3, allow_nan=False, allow_infinity=False)
    return None


@st.composite
def base_arrays(draw: st.DrawFn, dtypes: list[np.dtype[Any]] | None = None, max_dims: int = 3,
                min_dims: int = 0, max_side: int = 5, min_side: int = 0) -> np.ndarray:
    """A C-contiguous array that owns its data."""
    dtype = draw(st.sampled_from(dtypes or ALL_DTYPES))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side))
    if dtype.kind == "O":
        flat = draw(st.lists(_elements(dtype), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))  # type: ignore[arg-type]
        a = np.empty(shape, dtype=object)
        a.reshape(-1)[:] = flat if flat else a.reshape(-1)
        return a
    return draw(hnp.arrays(dtype, shape, elements=_elements(dtype)))


@st.composite
def arrays(draw: st.DrawFn, dtypes: list[np.dtype[Any]] | None = None, max_dims: int = 3,
           min_dims: int = 0, min_side: int = 0) -> np.ndarray:
    """An array in any layout: C, Fortran, strided, reversed (a view of a larger array), or 0-d."""
    a = draw(base_arrays(dtypes, max_dims=max_dims, min_dims=min_dims, max_side=6, min_side=min_side))
    layout = draw(st.sampled_from(["C", "F", "strided", "reversed", "transposed"]))
    if a.ndim == 0 or layout == "C":
        return a
    if layout == "F":
        return np.asfortranarray(a)
    if layout == "transposed":
        return a.T
    if layout == "reversed":
        return a[(slice(None, None, -1),) * a.ndim]
    # strided: every other element along the first axis of a doubled array
    big = np.concatenate([a, a], axis=0)
    return big[::2]


@st.composite
def basic_indices(draw: st.DrawFn, shape: tuple[int, ...]) -> Any:
    """A basic index (integers, slices, Ellipsis, None) valid for ``shape``."""
    return draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))


@st.composite
def advanced_indices(draw: st.DrawFn, shape: tuple[int, ...]) -> Any:
    """An advanced index: an integer array, a list, a boolean mask, or a mix with slices."""
    assert len(shape) > 0
    kind = draw(st.sampled_from(["int_array", "list", "mask", "mixed"]))
    n = shape[0]
    if kind == "mask":
        return draw(hnp.arrays(np.bool_, shape[: draw(st.integers(1, len(shape)))]))
    ints = st.integers(-n, n - 1) if n else st.nothing()
    idx = draw(st.lists(ints, min_size=0 if n == 0 else 1, max_size=4)) if n else []
    if kind == "list":
        return idx if idx else [0][:0]
    arr = np.array(idx, dtype=np.intp)
    if kind == "int_array" or len(shape) == 1:
        return arr
    return (slice(None), ) * 0 + (arr, slice(None))
