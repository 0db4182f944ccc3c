"""Hypothesis strategies shared by the differential tests.

``arrays()`` draws NumPy arrays of every dtype safearray supports, 0-d and
empty ones included, in C order, Fortran order, non-contiguous and with
negative strides (made by slicing a larger array, so they are views of it).
``basic_indices()`` and ``advanced_indices()`` draw index expressions valid
for a shape; ``index_expressions()`` draws either kind.
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
#: datetime64 and timedelta64 with every unit (``ALL_DTYPES`` samples a few of them).
TIME_DTYPES = [np.dtype(f"{kind}[{u}]") for kind in ("datetime64", "timedelta64") for u in TIME_UNITS]
OTHER_DTYPES = [np.dtype("bool"), np.dtype("U5"), np.dtype("S4"), np.dtype("O")] + [
    np.dtype(f"datetime64[{u}]") for u in ("D", "s", "ns")
] + [np.dtype(f"timedelta64[{u}]") for u in ("h", "us")]
ALL_DTYPES = INT_DTYPES + FLOAT_DTYPES + COMPLEX_DTYPES + OTHER_DTYPES
NUMERIC_DTYPES = INT_DTYPES + FLOAT_DTYPES + COMPLEX_DTYPES

#: The layouts ``arrays()`` draws by default; "offset" (a view starting inside a larger
#: buffer) and "broadcast" (zero strides, read-only, as ``np.broadcast_to`` makes) on request.
LAYOUTS = ("C", "F", "strided", "reversed", "transposed")
EVERY_LAYOUT = LAYOUTS + ("offset", "broadcast")


def _elements(dtype: np.dtype[Any], special: bool = False) -> st.SearchStrategy[Any] | None:
    """Element values; ``special`` adds NaN, infinities and -0.0 to floats and complex numbers."""
    if dtype.kind == "O":
        return st.one_of(st.integers(-5, 5), st.text(max_size=3), st.none())
    if dtype.kind == "f":
        width = min(64, dtype.itemsize * 8) if dtype.itemsize <= 8 else 64
        finite = st.floats(-1e3, 1e3, width=width)  # type: ignore[arg-type]
        if special:
            return st.one_of(finite, st.sampled_from([np.nan, np.inf, -np.inf, -0.0]))
        return finite
    if dtype.kind == "c":
        if special:
            parts = st.one_of(st.floats(-1e3, 1e3, width=32), st.sampled_from([np.nan, np.inf, -0.0]))
            return st.builds(complex, parts, parts)
        return st.complex_numbers(max_magnitude=1e3, allow_nan=False, allow_infinity=False)
    return None


@st.composite
def base_arrays(draw: st.DrawFn, dtypes: list[np.dtype[Any]] | None = None, max_dims: int = 3,
                min_dims: int = 0, max_side: int = 5, min_side: int = 0, special: bool = False) -> np.ndarray:
    """A C-contiguous array that owns its data."""
    dtype = draw(st.sampled_from(dtypes or ALL_DTYPES))
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side))
    if dtype.kind == "O":
        flat = draw(st.lists(_elements(dtype), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))  # type: ignore[arg-type]
        a = np.empty(shape, dtype=object)
        a.reshape(-1)[:] = flat if flat else a.reshape(-1)
        return a
    return draw(hnp.arrays(dtype, shape, elements=_elements(dtype, special)))


@st.composite
def arrays(draw: st.DrawFn, dtypes: list[np.dtype[Any]] | None = None, max_dims: int = 3,
           min_dims: int = 0, min_side: int = 0, max_side: int = 6, special: bool = False,
           layouts: tuple[str, ...] = LAYOUTS) -> np.ndarray:
    """An array in any layout: C, Fortran, strided, reversed (a view of a larger array), or 0-d.

    ``layouts`` picks among :data:`EVERY_LAYOUT`; ``special`` adds NaN and infinities.
    """
    a = draw(base_arrays(dtypes, max_dims=max_dims, min_dims=min_dims, max_side=max_side,
                         min_side=min_side, special=special))
    layout = draw(st.sampled_from(layouts))
    if a.ndim == 0 or layout == "C":
        return a
    if layout == "F":
        return np.asfortranarray(a)
    if layout == "transposed":
        return a.T
    if layout == "reversed":
        return a[(slice(None, None, -1),) * a.ndim]
    if layout == "offset":  # starts one row into a larger buffer
        return np.concatenate([a[:1], a], axis=0)[1:]
    if layout == "broadcast":  # the first row repeated with a zero stride (read-only)
        return np.broadcast_to(a[:1], a.shape) if a.shape[0] else a
    # strided: every other element along the first axis of a doubled array
    big = np.concatenate([a, a], axis=0)
    return big[::2]


@st.composite
def basic_indices(draw: st.DrawFn, shape: tuple[int, ...]) -> Any:
    """A basic index (integers, slices, Ellipsis, None) valid for ``shape``."""
    key = draw(hnp.basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))
    if draw(st.booleans()):  # NumPy integers index like Python ints
        if isinstance(key, int):
            return np.intp(key)
        if isinstance(key, tuple):
            return tuple(np.int64(k) if isinstance(k, int) else k for k in key)
    return key


def _slices(n: int) -> st.SearchStrategy[slice]:
    bound = st.none() | st.integers(-n - 1, n + 1)
    return st.builds(slice, bound, bound, st.none() | st.sampled_from([1, 2, -1, -2]))


@st.composite
def advanced_indices(draw: st.DrawFn, shape: tuple[int, ...]) -> Any:
    """An advanced index valid for ``shape``: integer arrays, lists, boolean masks or
    booleans, alone or mixed with integers, slices, ``None`` and ``Ellipsis``.
    """
    assert len(shape) > 0
    ndim = len(shape)
    kind = draw(st.sampled_from(["arrays", "arrays", "mask", "bool"]))
    if kind == "arrays" and not any(shape):
        kind = "mask"
    if kind == "bool":  # a[True], a[..., False]: a new axis of length 1 or 0
        flag = draw(st.sampled_from([True, False, np.True_, np.False_]))
        return draw(st.sampled_from([flag, (Ellipsis, flag), (flag, Ellipsis), (0, flag) if shape[0] else flag]))
    if kind == "mask":
        start = draw(st.integers(0, ndim - 1))
        stop = draw(st.integers(start + 1, ndim))
        mask = draw(hnp.arrays(np.bool_, shape[start:stop]))
        before = [draw(_slices(n) | st.integers(-n, n - 1)) if n else slice(None) for n in shape[:start]]
        comp: Any = mask.tolist() if mask.ndim == 1 and draw(st.booleans()) else mask
        key = [*before, comp]
        if stop < ndim and draw(st.booleans()):
            key.append(Ellipsis)
        return tuple(key) if len(key) > 1 or draw(st.booleans()) else key[0]
    # integer arrays broadcast to one index shape, among slices, integers, None and Ellipsis
    index_shape = draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3))
    covered = draw(st.integers(1, ndim))
    prefix = draw(st.integers(0, covered))
    dims = list(range(prefix)) + list(range(ndim - (covered - prefix), ndim))
    comps: list[str] = []
    for d in dims:
        n = shape[d]
        options = ["slice", "int", "array", "list"] if n else ["slice"]
        comps.append(draw(st.sampled_from(options)))
    arrayable = [i for i, d in enumerate(dims) if shape[d]]
    if not any(c in ("array", "list") for c in comps):
        comps[draw(st.sampled_from(arrayable)) if arrayable else 0] = "array"
    key = []
    for d, c in zip(dims, comps):
        n = shape[d]
        if c == "slice":
            key.append(draw(_slices(n)))
        elif c == "int":
            key.append(draw(st.integers(-n, n - 1)))
        else:
            if not n:  # no valid integer: only an empty index array fits
                key.append(np.zeros(0, dtype=np.intp))
                continue
            idx_shape = tuple(s if draw(st.booleans()) else 1 for s in index_shape)
            idx = draw(hnp.arrays(np.intp, idx_shape, elements=st.integers(-n, n - 1)))
            if c == "list" and idx.ndim:
                key.append(idx.tolist())
            else:
                dt = draw(st.sampled_from([np.intp, np.int8, np.uint8, np.int32])) if n < 100 else np.intp
                if np.dtype(dt).kind == "u":
                    idx = np.asarray(idx % n)
                key.append(idx.astype(dt))
    if prefix < covered or draw(st.booleans()):
        key.insert(prefix, Ellipsis)
    if draw(st.booleans()):
        key.insert(draw(st.integers(0, len(key))), None)
    if len(key) == 1 and isinstance(key[0], (np.ndarray, list)) and draw(st.booleans()):
        return key[0]
    return tuple(key)


def index_expressions(shape: tuple[int, ...]) -> st.SearchStrategy[Any]:
    """A basic or (for arrays with at least one dimension) an advanced index for ``shape``."""
    if not shape:
        return basic_indices(shape) | st.sampled_from([True, False, (), Ellipsis, None])
    return basic_indices(shape) | advanced_indices(shape)
