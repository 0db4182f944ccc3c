"""The Array API standard namespace of safearray: ``x.__array_namespace__()``.

Conforms to the 2024.12 version of the standard (``__array_api_version__``), for arrays
that are safearray's tagged Views and Copies. Most functions are the ``sa.`` mirror of
NumPy's own (NumPy 2 follows the standard closely); the few where NumPy differs from the
standard are wrapped here, and only here, so that code written for NumPy elsewhere keeps
NumPy's behaviour:

* ``sort`` / ``argsort`` take ``descending`` and ``stable``;
* ``finfo`` / ``iinfo`` accept arrays and give Python numbers;
* ``meshgrid`` / ``broadcast_arrays`` return lists;
* ``astype`` takes ``device``; ``asarray`` validates like :func:`safearray.asarray`.

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
import types
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._array import SafeArray
from ._creation import asarray
from ._namespace import MIRROR
from ._validate import check_device

_convert: Any = asarray  # internal calls: the argument is already an array

__array_api_version__ = "2024.12"
SUPPORTED_VERSIONS = ("2023.12", "2024.12")

# --------------------------------------------------------------------------------------
# names taken unchanged from the mirror of NumPy's namespace

_FROM_MIRROR = (
    # data types and constants
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float32", "float64", "complex64", "complex128", "e", "inf", "nan", "newaxis", "pi",
    # creation
    "arange", "empty", "empty_like", "eye", "from_dlpack", "full", "full_like", "linspace",
    "ones", "ones_like", "tril", "triu", "zeros", "zeros_like",
    # data type functions
    "can_cast", "isdtype", "result_type",
    # elementwise
    "abs", "acos", "acosh", "add", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and",
    "bitwise_left_shift", "bitwise_invert", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
    "ceil", "conj", "copysign", "cos", "cosh", "divide", "equal", "exp", "expm1", "floor",
    "greater", "greater_equal", "hypot", "imag", "isfinite", "isinf", "isnan",
    "less", "less_equal", "log", "log1p", "log2", "log10", "logaddexp", "logical_and",
    "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "multiply", "negative",
    "nextafter", "not_equal", "positive", "pow", "real", "reciprocal", "remainder", "round",
    "sign", "signbit", "sin", "sinh", "square", "sqrt", "subtract", "tan", "tanh", "trunc",
    # indexing
    "take", "take_along_axis",
    # linear algebra
    "matmul", "matrix_transpose", "tensordot", "vecdot",
    # manipulation
    "broadcast_to", "concat", "expand_dims", "flip", "moveaxis", "permute_dims", "repeat",
    "reshape", "roll", "squeeze", "stack", "tile", "unstack",
    # searching
    "argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where",
    # sets
    "unique_all", "unique_counts", "unique_inverse", "unique_values",
    # statistics
    "cumulative_sum", "cumulative_prod", "max", "mean", "min", "prod", "std", "sum", "var",
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
linspace, ones, ones_like = MIRROR["linspace"], MIRROR["ones"], MIRROR["ones_like"]
tril, triu, zeros, zeros_like = MIRROR["tril"], MIRROR["triu"], MIRROR["zeros"], MIRROR["zeros_like"]

can_cast, isdtype, result_type = MIRROR["can_cast"], MIRROR["isdtype"], MIRROR["result_type"]

abs, acos, acosh, add = MIRROR["abs"], MIRROR["acos"], MIRROR["acosh"], MIRROR["add"]  # noqa: A001
asin, asinh, atan, atan2, atanh = MIRROR["asin"], MIRROR["asinh"], MIRROR["atan"], MIRROR["atan2"], MIRROR["atanh"]
bitwise_and, bitwise_left_shift = MIRROR["bitwise_and"], MIRROR["bitwise_left_shift"]
bitwise_invert, bitwise_or = MIRROR["bitwise_invert"], MIRROR["bitwise_or"]
bitwise_right_shift, bitwise_xor = MIRROR["bitwise_right_shift"], MIRROR["bitwise_xor"]
ceil, conj, copysign = MIRROR["ceil"], MIRROR["conj"], MIRROR["copysign"]
cos, cosh, divide, equal = MIRROR["cos"], MIRROR["cosh"], MIRROR["divide"], MIRROR["equal"]
exp, expm1, floor = MIRROR["exp"], MIRROR["expm1"], MIRROR["floor"]
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
tan, tanh, trunc = MIRROR["tan"], MIRROR["tanh"], MIRROR["trunc"]

take, take_along_axis = MIRROR["take"], MIRROR["take_along_axis"]
matmul, matrix_transpose = MIRROR["matmul"], MIRROR["matrix_transpose"]
tensordot, vecdot = MIRROR["tensordot"], MIRROR["vecdot"]

broadcast_to, concat, expand_dims, flip = MIRROR["broadcast_to"], MIRROR["concat"], MIRROR["expand_dims"], MIRROR["flip"]
moveaxis, permute_dims, repeat = MIRROR["moveaxis"], MIRROR["permute_dims"], MIRROR["repeat"]
reshape, roll, squeeze, stack = MIRROR["reshape"], MIRROR["roll"], MIRROR["squeeze"], MIRROR["stack"]
tile, unstack = MIRROR["tile"], MIRROR["unstack"]

argmax, argmin, count_nonzero = MIRROR["argmax"], MIRROR["argmin"], MIRROR["count_nonzero"]
nonzero, searchsorted, where = MIRROR["nonzero"], MIRROR["searchsorted"], MIRROR["where"]

unique_all, unique_counts = MIRROR["unique_all"], MIRROR["unique_counts"]
unique_inverse, unique_values = MIRROR["unique_inverse"], MIRROR["unique_values"]

cumulative_sum, cumulative_prod = MIRROR["cumulative_sum"], MIRROR["cumulative_prod"]
max, mean, min, prod = MIRROR["max"], MIRROR["mean"], MIRROR["min"], MIRROR["prod"]  # noqa: A001
std, sum, var = MIRROR["std"], MIRROR["sum"], MIRROR["var"]  # noqa: A001
all, any, diff = MIRROR["all"], MIRROR["any"], MIRROR["diff"]  # noqa: A001

__array_namespace_info__ = np.__array_namespace_info__

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


def meshgrid(*arrays: Any, indexing: str = "xy") -> list[Any]:
    """Array API ``meshgrid``: a list of arrays (NumPy 2 returns a tuple)."""
    return list(MIRROR["meshgrid"](*arrays, indexing=indexing))


def broadcast_arrays(*arrays: Any) -> list[Any]:
    """Array API ``broadcast_arrays``: a list of Views (NumPy 2 returns a tuple)."""
    return list(MIRROR["broadcast_arrays"](*arrays))


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
    dtype: np.dtype[Any] = type.dtype if isinstance(type, _ARRAYS) else np.dtype(type)
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
    """Array API ``clip(x, /, min=None, max=None)`` (NumPy's takes ``a_min``/``a_max`` first)."""
    return MIRROR["clip"](x, min=min, max=max)


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
fft = _sub_namespace("fft", (
    "fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft", "ihfft",
    "fftshift", "ifftshift",
))
fft.fftfreq = _freq(MIRROR["fft"].fftfreq)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
fft.rfftfreq = _freq(MIRROR["fft"].rfftfreq)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]

__all__ = [  # pyright: ignore[reportUnsupportedDunderAll]
    "__array_api_version__", "__array_namespace_info__", "asarray", "astype", "sort", "argsort",
    "meshgrid", "broadcast_arrays", "finfo", "iinfo", "clip", "floor_divide", "linalg", "fft",
    *_FROM_MIRROR,
]
