"""Validation of the creation parameters ``copy``, ``dtype``, ``order``, ``device``, ``like``.

Each ``check_<param>`` returns the normalised value or raises an exception
that names the parameter, shows the offending value and lists the valid
choices. Nothing here allocates array memory, so a bad argument never
leaves anything half made.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from ._errors import DTypeError, SafeArrayTypeError, SafeArrayValueError

__all__ = ["check_copy", "check_dtype", "check_order", "check_device", "check_like", "check_ndmin"]

#: NumPy 1 aliases that NumPy 2 removed, with their replacement.
REMOVED_ALIASES: dict[str, str] = {
    "unicode_": "str_",
    "unicode0": "str_",
    "str0": "str_",
    "string_": "bytes_",
    "bytes0": "bytes_",
    "float_": "float64",
    "complex_": "complex128",
    "cfloat": "complex128",
    "singlecomplex": "complex64",
    "longfloat": "longdouble",
    "clongfloat": "clongdouble",
    "longcomplex": "clongdouble",
    "int0": "intp",
    "uint0": "uintp",
    "bool8": "bool",
    "object0": "object_",
    "void0": "void",
}

#: Extended-precision names that exist only where the C long double has that width.
_EXTENDED = {"float128": "float64 or longdouble", "complex256": "complex128 or clongdouble",
             "float96": "float64 or longdouble", "complex192": "complex128 or clongdouble",
             "f16": "'f8' or 'g' (longdouble)", "c32": "'c16' or 'G' (clongdouble)",
             "f12": "'f8' or 'g' (longdouble)", "c24": "'c16' or 'G' (clongdouble)"}

_VALID_NAMES = sorted(
    {k for k in np.sctypeDict if len(k) > 1}
    | {"str", "bytes", "object", "float", "int", "complex", "bool", "datetime64[ns]", "timedelta64[ns]"}
)

_ORDERS = {"K": "K", "A": "A", "C": "C", "F": "F", "k": "K", "a": "A", "c": "C", "f": "F"}


def check_copy(copy: object, param: str = "copy") -> bool | None:
    """Return ``copy`` if it is ``True``, ``False`` or ``None``; raise TypeError otherwise."""
    if copy is None or copy is True or copy is False:
        return copy
    raise SafeArrayTypeError(
        f"{param}={copy!r} is not allowed: {param} must be True (always copy), "
        f"False (never copy, raise if one is needed) or None (copy only if needed)."
    )


#: untyped: NumPy's stubs differ across releases on what ``np.dtype(Any)`` is
_np_dtype: Any = np.dtype


def check_dtype(dtype: Any, param: str = "dtype") -> np.dtype[Any] | None:
    """Return ``numpy.dtype(dtype)``, or raise :class:`DTypeError` with close valid names."""
    if dtype is None:
        return None
    try:
        result: np.dtype[Any] = _np_dtype(dtype)
    except (TypeError, ValueError) as exc:
        raise DTypeError(_dtype_message(dtype, param, exc)) from None
    return result


def _dtype_message(dtype: Any, param: str, exc: Exception) -> str:
    name = dtype if isinstance(dtype, str) else getattr(dtype, "__name__", None)
    if isinstance(name, str):
        base = name.removeprefix("np.").removeprefix("numpy.")
        if base in REMOVED_ALIASES:
            return (f"{param}={dtype!r}: `{base}` was removed in NumPy 2.0; "
                    f"use `{REMOVED_ALIASES[base]}` instead.")
        if base in _EXTENDED:
            return (f"{param}={dtype!r} is not available on this platform (its long double "
                    f"has no such width); use {_EXTENDED[base]}.")
        import difflib  # only for this message: not imported with safearray

        close = difflib.get_close_matches(base, _VALID_NAMES, n=3, cutoff=0.6)
        if close:
            return (f"{param}={dtype!r} is not a NumPy data type; did you mean "
                    + " or ".join(repr(c) for c in close) + "?")
    return (f"{param}={dtype!r} is not a NumPy data type ({exc}); use a name such as "
            f"'float64', 'int32', 'bool', 'U10', 'datetime64[s]', or a numpy scalar type.")


def check_order(order: object, allowed: str = "KACF", param: str = "order") -> str | None:
    """Return the upper-case ``order`` letter, or raise ValueError listing the valid ones.

    Lower case is accepted and normalised, as NumPy does.
    """
    if order is None:
        return None
    if isinstance(order, str):
        norm = _ORDERS.get(order)
        if norm is not None and norm in allowed:
            return norm
    choices = ", ".join(repr(c) for c in allowed)
    raise SafeArrayValueError(f"{param}={order!r} is not a memory order; use one of {choices} or None.")


def check_device(device: object) -> None:
    """Accept ``None`` and ``"cpu"``; raise ValueError for any other device."""
    if device is None or (isinstance(device, str) and device == "cpu"):
        return
    raise SafeArrayValueError(
        f"device={device!r} is not supported: safearray arrays live in host memory, "
        f"so device must be None or 'cpu'."
    )


def check_like(like: object) -> None:
    """Accept ``None`` or an object that implements ``__array_function__`` (NEP 35)."""
    if like is None or getattr(type(like), "__array_function__", None) is not None:
        return
    raise SafeArrayTypeError(
        f"like= must be None or an array object implementing __array_function__ (NEP 35), "
        f"got an object of type {type(like).__name__}."
    )


def check_ndmin(ndmin: object) -> int:
    """Return ``ndmin`` if it is an int between 0 and 64; raise otherwise."""
    if isinstance(ndmin, bool) or not isinstance(ndmin, (int, np.integer)):
        raise SafeArrayTypeError(f"ndmin={ndmin!r} must be an int between 0 and 64.")
    if not 0 <= ndmin <= 64:
        raise SafeArrayValueError(f"ndmin={ndmin!r} is out of range: it must be between 0 and 64.")
    return int(cast(int, ndmin))
