"""The Array API standard namespace of safearray: ``x.__array_namespace__()``.

Conforms to the 2025.12 version of the standard (``__array_api_version__``), for arrays
that are safearray's tagged Views and Copies. Most functions are the ``sa.`` mirror of
NumPy's own (NumPy 2 follows the standard closely); the few where NumPy differs from the
standard are wrapped here, and only here, so that code written for NumPy elsewhere keeps
NumPy's behaviour:

* ``sort`` / ``argsort`` take ``descending`` and ``stable``;
* ``finfo`` / ``iinfo`` accept arrays and give Python numbers;
* ``astype`` takes ``device``; ``asarray`` validates like :func:`safearray.asarray`;
* ``clip`` takes ``min``/``max``; ``fft.fftfreq``/``rfftfreq`` take ``dtype``/``device``;
* ``floor_divide``, ``expm1`` and ``tanh`` give the standard's special-case values where
  NumPy's differ (infinite operands; complex infinities, NaNs and zeros);
* ``isin`` and ``broadcast_shapes`` take the standard's signatures, ``linalg.eig`` /
  ``linalg.eigvals`` always give complex results, and ``__array_namespace_info__().devices()``
  is a tuple (all new in 2025.12).

Beyond the standard, the namespace has NumPy's ``pad``, ``einsum``, ``transpose``,
``gradient``, ``cross``, ``median``, ``quantile``, ``cumsum``, ``cumprod`` and
``lib.stride_tricks.sliding_window_view``: xarray calls them through ``__array_namespace__``
with no fallback (``docs/array_api.md``, "Beyond the standard").

``meshgrid`` and ``broadcast_arrays`` return tuples, as 2025.12 asks (and NumPy does).
``x.__array_namespace__(api_version="2023.12" | "2024.12")`` is accepted and gives this same
namespace, as NumPy does for its own older versions: the one difference those versions see
is tuples where they specified lists.

Conformance is measured with the public test suite data-apis/array-api-tests; see
``docs/array_api.md`` for the settings, counts and remaining failures.

Examples
--------
>>> import safearray as sa
>>> xp = sa.arange(3).__array_namespace__()
>>> xp.sort(xp.asarray([3, 1, 2]), descending=True)
Copy([3, 2, 1])
"""

from __future__ import annotations

import builtins
import functools
import types
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

import numpy as np

from ._array import SafeArray, _copy
from ._creation import asarray
from ._namespace import MIRROR
from ._validate import check_device

_convert: Any = asarray  # internal calls: the argument is already an array

__array_api_version__ = "2025.12"
SUPPORTED_VERSIONS = ("2023.12", "2024.12", "2025.12")

# --------------------------------------------------------------------------------------
# names taken unchanged from the mirror of NumPy's namespace

_FROM_MIRROR = (
    # data types and constants
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "complex64", "complex128", "e", "inf", "nan", "newaxis", "pi",
    # creation
    "arange", "empty", "empty_like", "eye", "from_dlpack", "full", "full_like", "linspace",
    "meshgrid", "ones", "ones_like", "tril", "triu", "zeros", "zeros_like",
    # data type functions
    "can_cast", "isdtype", "result_type",
    # elementwise
    "abs", "acos", "acosh", "add", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and",
    "bitwise_left_shift", "bitwise_invert", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
    "ceil", "conj", "copysign", "cos", "cosh", "divide", "equal", "exp", "floor",
    "greater", "greater_equal", "hypot", "imag", "isfinite", "isinf", "isnan",
    "less", "less_equal", "log", "log1p", "log2", "log10", "logaddexp", "logical_and",
    "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "multiply", "negative",
    "nextafter", "not_equal", "positive", "pow", "real", "reciprocal", "remainder", "round",
    "sign", "signbit", "sin", "sinh", "square", "sqrt", "subtract", "tan", "trunc",
    # indexing
    "take",
    # linear algebra
    "matmul", "matrix_transpose", "tensordot", "vecdot",
    # manipulation
    "broadcast_arrays", "broadcast_to", "concat", "expand_dims", "flip", "moveaxis", "permute_dims", "repeat",
    "roll", "squeeze", "stack", "tile",
    # searching
    "argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where",
    # sets
    "unique_all", "unique_counts", "unique_inverse", "unique_values",
    # statistics
    "max", "mean", "min", "prod", "std", "sum", "var",
    # utility
    "all", "any", "diff",
)

_missing = [name for name in _FROM_MIRROR if name not in MIRROR]
assert not _missing, f"NumPy lacks names of the Array API standard: {_missing}"

bool = MIRROR["bool"]  # noqa: A001
int8, int16, int32, int64 = MIRROR["int8"], MIRROR["int16"], MIRROR["int32"], MIRROR["int64"]
uint8, uint16, uint32, uint64 = MIRROR["uint8"], MIRROR["uint16"], MIRROR["uint32"], MIRROR["uint64"]
float32, float64 = MIRROR["float32"], MIRROR["float64"]
complex64, complex128 = MIRROR["complex64"], MIRROR["complex128"]
e, inf, nan, newaxis, pi = MIRROR["e"], MIRROR["inf"], MIRROR["nan"], MIRROR["newaxis"], MIRROR["pi"]

arange, empty, empty_like, eye = MIRROR["arange"], MIRROR["empty"], MIRROR["empty_like"], MIRROR["eye"]
from_dlpack, full, full_like = MIRROR["from_dlpack"], MIRROR["full"], MIRROR["full_like"]
linspace, meshgrid, ones, ones_like = MIRROR["linspace"], MIRROR["meshgrid"], MIRROR["ones"], MIRROR["ones_like"]
tril, triu, zeros, zeros_like = MIRROR["tril"], MIRROR["triu"], MIRROR["zeros"], MIRROR["zeros_like"]

can_cast, isdtype, result_type = MIRROR["can_cast"], MIRROR["isdtype"], MIRROR["result_type"]

abs, acos, acosh, add = MIRROR["abs"], MIRROR["acos"], MIRROR["acosh"], MIRROR["add"]  # noqa: A001
asin, asinh, atan, atan2, atanh = MIRROR["asin"], MIRROR["asinh"], MIRROR["atan"], MIRROR["atan2"], MIRROR["atanh"]
bitwise_and, bitwise_left_shift = MIRROR["bitwise_and"], MIRROR["bitwise_left_shift"]
bitwise_invert, bitwise_or = MIRROR["bitwise_invert"], MIRROR["bitwise_or"]
bitwise_right_shift, bitwise_xor = MIRROR["bitwise_right_shift"], MIRROR["bitwise_xor"]
ceil, conj, copysign = MIRROR["ceil"], MIRROR["conj"], MIRROR["copysign"]
cos, cosh, divide, equal = MIRROR["cos"], MIRROR["cosh"], MIRROR["divide"], MIRROR["equal"]
exp, floor = MIRROR["exp"], MIRROR["floor"]
greater, greater_equal, hypot = MIRROR["greater"], MIRROR["greater_equal"], MIRROR["hypot"]
imag, isfinite, isinf, isnan = MIRROR["imag"], MIRROR["isfinite"], MIRROR["isinf"], MIRROR["isnan"]
less, less_equal, log, log1p = MIRROR["less"], MIRROR["less_equal"], MIRROR["log"], MIRROR["log1p"]
log2, log10, logaddexp = MIRROR["log2"], MIRROR["log10"], MIRROR["logaddexp"]
logical_and, logical_not = MIRROR["logical_and"], MIRROR["logical_not"]
logical_or, logical_xor = MIRROR["logical_or"], MIRROR["logical_xor"]
maximum, minimum, multiply, negative = MIRROR["maximum"], MIRROR["minimum"], MIRROR["multiply"], MIRROR["negative"]
nextafter, not_equal, positive, pow = MIRROR["nextafter"], MIRROR["not_equal"], MIRROR["positive"], MIRROR["pow"]  # noqa: A001
real, reciprocal, remainder, round = MIRROR["real"], MIRROR["reciprocal"], MIRROR["remainder"], MIRROR["round"]  # noqa: A001
sign, signbit, sin, sinh = MIRROR["sign"], MIRROR["signbit"], MIRROR["sin"], MIRROR["sinh"]
square, sqrt, subtract = MIRROR["square"], MIRROR["sqrt"], MIRROR["subtract"]
tan, trunc = MIRROR["tan"], MIRROR["trunc"]

take = MIRROR["take"]
matmul, matrix_transpose = MIRROR["matmul"], MIRROR["matrix_transpose"]
tensordot, vecdot = MIRROR["tensordot"], MIRROR["vecdot"]

broadcast_arrays, broadcast_to = MIRROR["broadcast_arrays"], MIRROR["broadcast_to"]
concat, expand_dims, flip = MIRROR["concat"], MIRROR["expand_dims"], MIRROR["flip"]
moveaxis, permute_dims, repeat = MIRROR["moveaxis"], MIRROR["permute_dims"], MIRROR["repeat"]
roll, squeeze, stack, tile = MIRROR["roll"], MIRROR["squeeze"], MIRROR["stack"], MIRROR["tile"]

argmax, argmin, count_nonzero = MIRROR["argmax"], MIRROR["argmin"], MIRROR["count_nonzero"]
nonzero, searchsorted, where = MIRROR["nonzero"], MIRROR["searchsorted"], MIRROR["where"]

unique_all, unique_counts = MIRROR["unique_all"], MIRROR["unique_counts"]
unique_inverse, unique_values = MIRROR["unique_inverse"], MIRROR["unique_values"]

max, mean, min, prod = MIRROR["max"], MIRROR["mean"], MIRROR["min"], MIRROR["prod"]  # noqa: A001
std, sum, var = MIRROR["std"], MIRROR["sum"], MIRROR["var"]  # noqa: A001
all, any, diff = MIRROR["all"], MIRROR["any"], MIRROR["diff"]  # noqa: A001


# --------------------------------------------------------------------------------------
# where NumPy differs from the standard


def astype(x: Any, dtype: Any, /, *, copy: builtins.bool = True, device: Any = None) -> Any:
    """Array API ``astype``: :meth:`SafeArray.astype` with a ``device`` check.

    Examples
    --------
    >>> import safearray as sa
    >>> from safearray import array_api as xp
    >>> xp.astype(sa.asarray([1, 2]), xp.float32).dtype
    dtype('float32')
    """
    check_device(device)
    arr: Any = _convert(x)
    return arr.astype(dtype, copy=copy)


def _normalise_axis(axis: int, ndim: int) -> int:
    return axis + ndim if axis < 0 else axis


def sort(x: Any, /, *, axis: int = -1, descending: builtins.bool = False, stable: builtins.bool = True) -> Any:
    """Array API ``sort``: NumPy's, plus ``descending`` (stable order kept among equal values).

    Examples
    --------
    >>> import safearray as sa
    >>> from safearray import array_api as xp
    >>> xp.sort(sa.asarray([1, 3, 2]), descending=True).tolist()
    [3, 2, 1]
    """
    kind = "stable" if stable else None
    if not descending:
        return MIRROR["sort"](x, axis=axis, kind=kind)
    # a Copy: the flipped View's base is a temporary nobody else holds
    return flip(MIRROR["sort"](x, axis=axis, kind=kind), axis=axis).copy()


def argsort(x: Any, /, *, axis: int = -1, descending: builtins.bool = False, stable: builtins.bool = True) -> Any:
    """Array API ``argsort``: NumPy's, plus ``descending`` (stable among equal values).

    Examples
    --------
    >>> import safearray as sa
    >>> from safearray import array_api as xp
    >>> xp.argsort(sa.asarray([1, 3, 3, 2]), descending=True).tolist()
    [1, 2, 3, 0]
    """
    kind = "stable" if stable else None
    if not descending:
        return MIRROR["argsort"](x, axis=axis, kind=kind)
    # sort the reversed array ascending and stably, then map positions back and reverse
    arr: Any = _convert(x)
    size = arr.shape[_normalise_axis(axis, arr.ndim)] if arr.ndim else 1
    reversed_order = MIRROR["argsort"](flip(x, axis=axis), axis=axis, kind=kind)
    return flip((size - 1) - reversed_order, axis=axis).copy()


@dataclass(frozen=True)
class finfo_object:  # noqa: N801 - the standard's name
    """Machine limits of a floating-point dtype, as Python floats."""

    bits: int
    eps: float
    max: float
    min: float
    smallest_normal: float
    dtype: np.dtype[Any]


@dataclass(frozen=True)
class iinfo_object:  # noqa: N801 - the standard's name
    """Machine limits of an integer dtype, as Python ints."""

    bits: int
    max: int
    min: int
    dtype: np.dtype[Any]


_ARRAYS: Any = (SafeArray, np.ndarray)


def _dtype_of(type: Any) -> np.dtype[Any]:  # noqa: A002 - the standard's parameter name
    make: Any = np.dtype  # NumPy's stubs differ across releases on what np.dtype(Any) is
    dtype: np.dtype[Any] = type.dtype if isinstance(type, _ARRAYS) else make(type)
    return dtype


def finfo(type: Any, /) -> finfo_object:  # noqa: A002
    """Array API ``finfo``: accepts a dtype or an array; fields are Python floats.

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.finfo(xp.float32).bits
    32
    """
    info = np.finfo(_dtype_of(type))
    dtype = info.dtype
    if dtype.kind == "c":  # the standard reports the real component's limits
        dtype = np.dtype(f"f{dtype.itemsize // 2}")
    return finfo_object(
        int(info.bits), float(info.eps), float(info.max), float(info.min), float(info.smallest_normal), dtype
    )


def iinfo(type: Any, /) -> iinfo_object:  # noqa: A002
    """Array API ``iinfo``: accepts a dtype or an array; fields are Python ints.

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.iinfo(xp.int8).max
    127
    """
    info = np.iinfo(_dtype_of(type))
    return iinfo_object(int(info.bits), int(info.max), int(info.min), info.dtype)


def clip(x: Any, /, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    """Array API ``clip(x, /, min=None, max=None)`` (NumPy's takes ``a_min``/``a_max`` first).

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.clip(xp.asarray([-2, 0, 5]), max=1).tolist()
    [-2, 0, 1]
    """
    if min is None and max is None:  # NumPy 2.0 refuses; the standard gives x's values
        return astype(x, _convert(x).dtype, copy=True)
    return MIRROR["clip"](x, min, max)


def reshape(x: Any, /, shape: tuple[int, ...], *, copy: builtins.bool | None = None) -> Any:
    """Array API ``reshape``: :meth:`SafeArray.reshape` with ``copy`` (NumPy 2.0 has none).

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.reshape(xp.arange(6), (2, 3), copy=True).shape
    (2, 3)
    """
    arr: Any = _convert(x)
    return arr.reshape(shape, copy=copy)


def take_along_axis(x: Any, indices: Any, /, *, axis: int = -1) -> Any:
    """Array API ``take_along_axis``: ``axis`` defaults to -1 (NumPy < 2.3 requires it).

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> x = xp.asarray([[3, 1, 2]])
    >>> xp.take_along_axis(x, xp.argsort(x)).tolist()
    [[1, 2, 3]]
    """
    return MIRROR["take_along_axis"](x, indices, axis=axis)


def _unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    """Array API ``unstack`` for NumPy 2.0, which lacks it: Views, one per index along ``axis``."""
    arr: Any = _convert(x)
    if arr.ndim == 0:
        raise ValueError("unstack: x must have at least one dimension, got a 0-d array.")
    moved: Any = moveaxis(arr, axis, 0)
    return tuple(moved[i] for i in range(moved.shape[0]))


def _cumulative(reduce: str, initial: int) -> Any:
    """Array API ``cumulative_sum`` / ``cumulative_prod`` for NumPy 2.0, which lacks them."""

    def cumulative(
        x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: builtins.bool = False
    ) -> Any:
        arr: Any = _convert(x)
        if arr.ndim == 0:
            raise ValueError(f"{cumulative.__name__}: x must have at least one dimension, got a 0-d array.")
        if axis is None:
            if arr.ndim > 1:
                raise ValueError(f"{cumulative.__name__}: axis is required for arrays of more than one dimension.")
            axis = 0
        out: Any = MIRROR[reduce](arr, axis=axis, dtype=dtype)
        if not include_initial:
            return out
        shape = list(out.shape)
        shape[axis] = 1
        return concat([full(tuple(shape), initial, dtype=out.dtype), out], axis=axis)

    return cumulative


_cumulative_sum = _cumulative("cumsum", 0)
_cumulative_prod = _cumulative("cumprod", 1)
_cumulative_sum.__name__ = _cumulative_sum.__qualname__ = "cumulative_sum"
_cumulative_prod.__name__ = _cumulative_prod.__qualname__ = "cumulative_prod"

# NumPy's own where it has them (2.1 and later)
unstack: Any = MIRROR.get("unstack", _unstack)
cumulative_sum: Any = MIRROR.get("cumulative_sum", _cumulative_sum)
cumulative_prod: Any = MIRROR.get("cumulative_prod", _cumulative_prod)


def floor_divide(x1: Any, x2: Any, /) -> Any:
    """Array API ``floor_divide``: NumPy's, with the standard's results for infinite operands.

    NumPy gives NaN for ``x // inf`` and ``inf // x``; the standard asks for the floor of
    the true quotient there (``-0.0``, ``+inf``, ...).

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.floor_divide(xp.asarray([5.0, -5.0]), xp.asarray([-xp.inf, 2.0])).tolist()
    [-0.0, -3.0]
    """
    with np.errstate(invalid="ignore"):  # NumPy's NaN at infinities is replaced below
        result = MIRROR["floor_divide"](x1, x2)
        if result.dtype.kind != "f":
            return result
        infinite = logical_or(isinf(x1), isinf(x2))
        if not any(infinite):
            return result
        return where(infinite, floor(divide(x1, x2)), result)


def expm1(x: Any, /) -> Any:
    """Array API ``expm1``: NumPy's, with the standard's complex special cases.

    For complex infinities, NaNs and zeros NumPy gives ``NaN + NaN j`` or ``-0 + 0j``
    where the standard asks for ``exp(x) - 1`` (``-1 + 0j``, ``inf + 0j``, ``+0 + 0j``, ...);
    real arrays are NumPy's unchanged.

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.expm1(xp.asarray([complex(-xp.inf, xp.inf)])).tolist()
    [(-1+0j)]
    """
    arr: Any = _convert(x)
    if arr.dtype.kind != "c":
        return MIRROR["expm1"](arr)
    special = logical_or(logical_not(isfinite(arr)), equal(arr, 0))
    if not any(special):
        return MIRROR["expm1"](arr)
    with np.errstate(invalid="ignore"):  # the standard defines these NaNs and infinities
        regular = MIRROR["expm1"](where(special, 0, arr))
        edge = subtract(exp(where(special, arr, 0)), 1)
    return where(special, edge, regular)


_UNIT_BY_SIGNS = (complex(1.0, 0.0), complex(1.0, -0.0), complex(-1.0, 0.0), complex(-1.0, -0.0))


def tanh(x: Any, /) -> Any:
    """Array API ``tanh``: NumPy's, with the standard's zero sign at complex infinities.

    ``tanh(±inf + bj)`` for finite ``b`` is ``±1 + 0j`` with the zero taking ``b``'s sign;
    NumPy's zero takes the sign of ``sin(2b)`` instead.

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.tanh(xp.asarray([complex(xp.inf, 2.0), complex(xp.inf, -2.0)])).tolist()
    [(1+0j), (1-0j)]
    """
    result = MIRROR["tanh"](x)
    if result.dtype.kind != "c":
        return result
    arr: Any = _convert(x)
    a, b = real(arr), imag(arr)
    edge = logical_and(isinf(a), isfinite(b))
    if not any(edge):
        return result
    neg_a, neg_b = signbit(a), signbit(b)
    unit = where(
        neg_a,
        where(neg_b, _UNIT_BY_SIGNS[3], _UNIT_BY_SIGNS[2]),
        where(neg_b, _UNIT_BY_SIGNS[1], _UNIT_BY_SIGNS[0]),
    )
    return where(edge, astype(unit, result.dtype), result)


def isin(x1: Any, x2: Any, /, *, invert: builtins.bool = False) -> Any:
    """Array API ``isin`` (2025.12): a boolean array shaped like ``x1`` (0-d for a scalar).

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.isin(xp.asarray([1, 2, 3]), xp.asarray([2]), invert=True).tolist()
    [True, False, True]
    """
    return MIRROR["isin"](x1, x2, invert=invert)


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """Array API ``broadcast_shapes`` (2025.12): the shape the given shapes broadcast to.

    Raises ValueError for shapes that do not broadcast together.

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.broadcast_shapes((2, 1), (3,))
    (2, 3)
    """
    return tuple(builtins.int(n) for n in MIRROR["broadcast_shapes"](*shapes))


class EigResult(NamedTuple):
    """``linalg.eig``'s result: complex ``eigenvalues`` and ``eigenvectors``."""

    eigenvalues: Any
    eigenvectors: Any


def _as_complex(arr: Any) -> Any:
    return astype(arr, result_type(arr.dtype, complex64), copy=False)


def _eig(x: Any, /) -> EigResult:
    """Array API ``linalg.eig`` (2025.12): always complex, even when every eigenvalue is real.

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.linalg.eig(xp.eye(2, dtype=xp.float32)).eigenvalues.dtype
    dtype('complex64')
    """
    values, vectors = MIRROR["linalg"].eig(x)
    return EigResult(_as_complex(values), _as_complex(vectors))


def _eigvals(x: Any, /) -> Any:
    """Array API ``linalg.eigvals`` (2025.12): always complex.

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.linalg.eigvals(xp.eye(2)).dtype
    dtype('complex128')
    """
    return _as_complex(MIRROR["linalg"].eigvals(x))


_eig.__name__ = _eig.__qualname__ = "eig"
_eigvals.__name__ = _eigvals.__qualname__ = "eigvals"


_DTYPE_NAMES = (
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "complex64", "complex128",
)


class Info:
    """What ``__array_namespace_info__()`` returns: the standard's inspection functions.

    The answers are NumPy's (``numpy.__array_namespace_info__``, which NumPy 2.0 lacks),
    except that ``devices()`` is a tuple as 2025.12 specifies (NumPy gives a list) and
    ``dtypes()`` always gives ``numpy.dtype`` objects.
    """

    def capabilities(self) -> dict[str, Any]:
        """The optional features: boolean indexing, data-dependent shapes, max dimensions."""
        return {"boolean indexing": True, "data-dependent shapes": True, "max dimensions": 64}

    def default_device(self) -> str:
        """The only device: ``"cpu"``."""
        return "cpu"

    def default_dtypes(self, *, device: Any = None) -> dict[str, np.dtype[Any]]:
        """The default real, complex, integer and indexing data types."""
        check_device(device)
        index = np.dtype(np.intp)
        return {
            "real floating": np.dtype(float64),
            "complex floating": np.dtype(complex128),
            "integral": index,
            "indexing": index,
        }

    def dtypes(self, *, device: Any = None, kind: Any = None) -> dict[str, np.dtype[Any]]:
        """The supported data types, all or those of ``kind`` (as :func:`isdtype` takes it)."""
        check_device(device)
        every = {name: np.dtype(name) for name in _DTYPE_NAMES}
        if kind is None:
            return every
        return {name: dtype for name, dtype in every.items() if isdtype(dtype, kind)}

    def devices(self) -> tuple[str, ...]:
        """The available devices, as a tuple: ``("cpu",)``."""
        return ("cpu",)


def __array_namespace_info__() -> Info:
    """The Array API inspection namespace.

    Examples
    --------
    >>> from safearray import array_api as xp
    >>> xp.__array_namespace_info__().devices()
    ('cpu',)
    """
    return Info()


def _freq(func: Any) -> Any:
    def freq(n: int, /, *, d: float = 1.0, dtype: Any = None, device: Any = None) -> Any:
        check_device(device)
        out = func(n, d=d)
        return out if dtype is None else out.astype(dtype, copy=False)

    freq.__name__ = freq.__qualname__ = func.__name__
    freq.__doc__ = f"Array API ``fft.{func.__name__}``, with ``dtype`` and ``device``."
    return freq


def _sub_namespace(name: str, names: tuple[str, ...]) -> types.ModuleType:
    """``linalg`` / ``fft``: the standard's names from safearray's mirror of NumPy's module."""
    source = MIRROR[name]
    module = types.ModuleType(f"safearray.array_api.{name}", f"Array API {name} extension.")
    for attr in names:
        setattr(module, attr, getattr(source, attr))
    return module


linalg = _sub_namespace("linalg", (
    "cholesky", "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm",
    "matrix_power", "matrix_rank", "matrix_transpose", "outer", "pinv", "qr", "slogdet", "solve",
    "svd", "svdvals", "tensordot", "trace", "vecdot", "vector_norm",
))
linalg.eig = _eig  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
linalg.eigvals = _eigvals  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
fft = _sub_namespace("fft", (
    "fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft", "ihfft",
    "fftshift", "ifftshift",
))
fft.fftfreq = _freq(MIRROR["fft"].fftfreq)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
fft.rfftfreq = _freq(MIRROR["fft"].rfftfreq)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]

# --------------------------------------------------------------------------------------
# beyond the standard: NumPy's functions that xarray calls through the namespace
#
# xarray looks every duck array's functions up in ``x.__array_namespace__()``; for these
# names its code has no fallback (to NumPy or to a standard name), so without them
# ``shift``, ``pad``, ``rolling``, ``dot``, ``weighted``, ``differentiate``, ``cross``,
# ``cumulative_integrate``, ``apply_ufunc`` with reordered core dimensions, and
# ``median`` / ``quantile`` / ``cumsum`` / ``cumprod`` on integers or with ``skipna=False``
# fail on SafeArrays. They are NumPy's own functions (the standard has none of them), so
# they take NumPy's arguments and give NumPy's values, tagged by memory.

_BEYOND_STANDARD: dict[str, str] = {
    "cross": """NumPy's ``cross`` (the standard has ``linalg.cross`` only): ``xarray.cross``.

    >>> from safearray import array_api as xp
    >>> xp.cross(xp.asarray([1, 0, 0]), xp.asarray([0, 1, 0]))
    Copy([0, 0, 1])
    """,
    "cumprod": """NumPy's ``cumprod`` (the standard's is ``cumulative_prod``): xarray's ``cumprod`` of
    integers or with ``skipna=False``.

    >>> from safearray import array_api as xp
    >>> xp.cumprod(xp.asarray([1, 2, 3]))
    Copy([1, 2, 6])
    """,
    "cumsum": """NumPy's ``cumsum`` (the standard's is ``cumulative_sum``): xarray's ``cumsum`` of
    integers or with ``skipna=False``, and ``cumulative_integrate``.

    >>> from safearray import array_api as xp
    >>> xp.cumsum(xp.asarray([[1, 2], [3, 4]]), axis=1)
    Copy([[1, 3],
          [3, 7]])
    """,
    "einsum": """NumPy's ``einsum``: xarray's ``dot`` and ``weighted``. A result that NumPy gives as a
    view of an operand (a pure transposition) is a View; a full contraction is a 0-d Copy.

    >>> from safearray import array_api as xp
    >>> x = xp.asarray([[0.0, 1.0], [2.0, 3.0]])
    >>> xp.einsum("ij,ij->i", x, x)
    Copy([ 1., 13.])
    >>> xp.einsum("ij->ji", x)
    View([[0., 2.],
          [1., 3.]], base=Copy(shape=(2, 2), dtype=float64))
    >>> xp.einsum("ij,ij", x, x)
    Copy(14.)
    """,
    "gradient": """NumPy's ``gradient``: xarray's ``differentiate``.

    >>> from safearray import array_api as xp
    >>> xp.gradient(xp.asarray([1.0, 2.0, 4.0, 7.0]))
    Copy([1. , 1.5, 2.5, 3. ])
    """,
    "median": """NumPy's ``median``: xarray's ``median`` of integers or with ``skipna=False``
    (a 0-d Copy where NumPy gives a scalar, as the namespace's reductions do).

    >>> from safearray import array_api as xp
    >>> xp.median(xp.asarray([3, 1, 2, 10]))
    Copy(2.5)
    """,
    "pad": """NumPy's ``pad(array, pad_width, mode='constant', **kwargs)``: xarray's ``shift``,
    ``pad``, ``rolling`` (every reduction and ``construct``) and ``cumulative_integrate``.

    >>> from safearray import array_api as xp
    >>> xp.pad(xp.asarray([1, 2]), (1, 2), constant_values=9)
    Copy([9, 1, 2, 9, 9])
    >>> xp.pad(xp.asarray([1, 2, 3]), 2, mode="reflect")
    Copy([3, 2, 1, 2, 3, 2, 1])
    """,
    "quantile": """NumPy's ``quantile``: xarray's ``quantile`` of integers or with ``skipna=False``.

    >>> from safearray import array_api as xp
    >>> xp.quantile(xp.asarray([1, 2, 3, 4]), xp.asarray([0.25, 0.5]))
    Copy([1.75, 2.5 ])
    """,
    "transpose": """NumPy's ``transpose(a, axes=None)`` (the standard's is ``permute_dims``):
    ``xarray.apply_ufunc`` moves core dimensions to the end with it.

    >>> from safearray import array_api as xp
    >>> xp.transpose(xp.reshape(xp.arange(6), (2, 3)), (1, 0)).shape
    (3, 2)
    """,
}

cross, cumprod, cumsum, einsum = MIRROR["cross"], MIRROR["cumprod"], MIRROR["cumsum"], MIRROR["einsum"]
gradient, median, pad = MIRROR["gradient"], MIRROR["median"], MIRROR["pad"]
quantile, transpose = MIRROR["quantile"], MIRROR["transpose"]

_stride_tricks = types.ModuleType(
    "safearray.array_api.lib.stride_tricks", "Array API namespace: NumPy's sliding_window_view."
)
_stride_tricks.sliding_window_view = MIRROR["lib"].stride_tricks.sliding_window_view  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
lib = types.ModuleType(
    "safearray.array_api.lib",
    "NumPy's ``lib.stride_tricks.sliding_window_view``, beyond the standard: xarray's ``rolling``.",
)
lib.stride_tricks = _stride_tricks  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]

# --------------------------------------------------------------------------------------
# 0-d arrays where NumPy gives scalars


_PLAIN_SEQUENCES: frozenset[type[Any]] = frozenset({tuple, list})


def _zero_d(r: Any) -> Any:
    """``r`` with NumPy's scalars made 0-d Copies (recursing into tuples, lists, named tuples)."""
    if isinstance(r, np.generic):
        return _copy(np.asarray(cast(Any, r)))
    t: Any = r.__class__
    if t in _PLAIN_SEQUENCES:
        items: list[Any] = [_zero_d(x) for x in r]
        return t(items)
    if hasattr(t, "_fields") and tuple in t.__mro__:  # a named tuple (EighResult, ...)
        return t(*[_zero_d(x) for x in r])
    return r


def _arrays_only(func: Any) -> Any:
    """``func`` returning 0-d arrays where NumPy returns scalars, as the standard specifies."""

    @functools.wraps(func)
    def standard(*args: Any, **kwargs: Any) -> Any:
        return _zero_d(func(*args, **kwargs))

    return standard


def _is_function(obj: Any) -> builtins.bool:
    return callable(obj) and not isinstance(obj, (type, np.dtype, types.ModuleType))


def _standardise(namespace: dict[str, Any], names: tuple[str, ...]) -> None:
    """Wrap the functions among ``names`` of ``namespace`` with :func:`_arrays_only`."""
    for name in names:
        if _is_function(namespace[name]):
            namespace[name] = _arrays_only(namespace[name])


# NumPy's reductions, and its 0-d arithmetic, give NumPy scalars (as ``import safearray as np``
# must); the standard's functions give arrays.
_standardise(globals(), (
    *_FROM_MIRROR, "asarray", "astype", "sort", "argsort", "clip", "reshape", "take_along_axis",
    "unstack", "cumulative_sum", "cumulative_prod", "floor_divide", "expm1", "tanh", "isin",
    *_BEYOND_STANDARD,
))
_standardise(vars(linalg), tuple(n for n in vars(linalg) if not n.startswith("_")))
_standardise(vars(fft), tuple(n for n in vars(fft) if not n.startswith("_")))


def _document(namespace: dict[str, Any], docs: dict[str, str]) -> None:
    """Give the functions named in ``docs`` this module's docstrings (and so its doctests)."""
    for name, doc in docs.items():
        func = namespace[name]
        func.__doc__, func.__module__ = doc, __name__


_document(globals(), _BEYOND_STANDARD)

__all__ = [  # pyright: ignore[reportUnsupportedDunderAll]
    "__array_api_version__", "__array_namespace_info__", "asarray", "astype", "sort", "argsort",
    "finfo", "iinfo", "clip", "reshape", "take_along_axis", "unstack", "cumulative_sum",
    "cumulative_prod", "floor_divide", "expm1", "tanh", "isin", "broadcast_shapes",
    "linalg", "fft",
    *_FROM_MIRROR,
    # beyond the standard, for xarray
    *_BEYOND_STANDARD, "lib",
]
