"""Creation: ``asarray`` and ``array`` with validated parameters, ``readonly``, memory queries."""

from __future__ import annotations

import functools
import inspect
import sys
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast, overload

import numpy as np
from numpy.typing import NDArray

from . import _array
from ._array import (
    Copy, SafeArray, View, _copy, _root, _seal, _shares_root, _speedups, _unwrap, _view_of, _view_of_raw, _wrap,
)
from ._errors import CopyRequiredError, SafeArrayTypeError
from ._policy import OpName
from ._validate import check_copy, check_device, check_dtype, check_like, check_ndmin, check_order

_getrefcount = sys.getrefcount

__all__ = ["asarray", "array", "readonly", "shares_memory", "may_share_memory"]

_ndarray: Any = np.ndarray
#: isinstance() against these keeps values typed Any for the checkers (no Unknown parameters)
_TAGGED: Any = SafeArray
# NumPy's stubs type these by literal arguments; ours arrive validated at run time.
_np_array: Any = np.array
_np_asarray_dispatch: Any = np.asarray
_np_shares_memory: Any = np.shares_memory
_np_may_share_memory: Any = np.may_share_memory
_OP_ASARRAY, _OP_READONLY = OpName("sa.asarray()"), OpName("sa.readonly()")
_OP_ARRAY = OpName("sa.array()")
_np_asarray = np.asarray
#: Inputs from which NumPy always builds a new array.
_FRESH_TYPES = (list, tuple, int, float, complex, bool, str, bytes, np.generic, range)
_type: Any = type
_FRESH_EXACT = frozenset((list, tuple, int, float, complex, bool, str, bytes, range))


def _exact(r: Any) -> Any:
    """``r`` as an exact ndarray (a plain view for subclasses such as memmap)."""
    return r if type(r) is _ndarray else r.view(_ndarray)


def _why_copy(obj: Any, dtype: np.dtype[Any] | None, order: str | None) -> str:
    """Why NumPy cannot make the requested array without copying ``obj``."""
    if isinstance(obj, _TAGGED):
        obj = obj._a
    if not isinstance(obj, (_ndarray, *_FRESH_TYPES)) and _takes_copy(_type(obj)):
        # a buffer or a foreign array: the reason is in the array NumPy sees without copying
        try:
            obj = _np_array(obj, copy=False)
        except Exception:  # noqa: BLE001  (only a message is at stake)
            pass
    if not isinstance(obj, _ndarray):
        if not _takes_copy(_type(obj)):
            return (f"the input's {type(obj).__name__}.__array__ takes no copy= argument (NumPy 1 "
                    f"style), so NumPy cannot get its data without a copy")
        return f"the input is a {type(obj).__name__}, not an array, so a new array must be built"
    if dtype is not None and dtype != obj.dtype:
        return f"changing the dtype from {obj.dtype} to {dtype} needs a copy"
    if order == "C" and not obj.flags.c_contiguous:
        return "the array is not C-contiguous, as order='C' requires"
    if order == "F" and not obj.flags.f_contiguous:
        return "the array is not Fortran-contiguous, as order='F' requires"
    return "NumPy cannot avoid the copy"


def _convert(
    obj: Any, dtype: np.dtype[Any] | None, order: str | None, copy: bool | None, ndmin: int = 0
) -> SafeArray:
    """Convert validated arguments into a tagged array; the shared core of asarray/array."""
    kw: dict[str, Any] = {}
    if ndmin:
        kw["ndmin"] = ndmin
    if isinstance(obj, _TAGGED):
        src = obj._a
        try:
            r = _np_array(src, dtype=dtype, order=order or "K", copy=copy, **kw)
        except ValueError as exc:
            if copy is False:
                raise CopyRequiredError(f"copy=False: {_why_copy(obj, dtype, order)}.") from exc
            raise
        if r is src:
            same: SafeArray[Any] = obj
            return same
        if _shares_root(r, src):
            return _view_of(r, obj, _OP_ASARRAY)
        return _copy(r)
    if isinstance(obj, _ndarray):
        try:
            r = _np_array(obj, dtype=dtype, order=order or "K", copy=copy, **kw)
        except ValueError as exc:
            if copy is False:
                raise CopyRequiredError(f"copy=False: {_why_copy(obj, dtype, order)}.") from exc
            raise
        r = _exact(r)
        root = _root(obj)
        if r is obj or _root(r) is root:
            return _view_of_raw(r, root, obj, _OP_ASARRAY)
        return _copy(r)
    if copy is None and not isinstance(obj, _FRESH_TYPES) and _takes_copy(_type(obj)):
        # buffers, memoryviews and foreign arrays: a View exactly when NumPy needs no copy
        try:
            r = _np_array(obj, dtype=dtype, order=order or "K", copy=False, **kw)
        except ValueError:
            pass
        else:
            r = _exact(r)
            return _view_of_raw(r, _owner(r, obj), obj, _OP_ASARRAY)
    try:
        r = _np_array(obj, dtype=dtype, order=order or "K", copy=copy, **kw)
    except ValueError as exc:
        if copy is False:
            raise CopyRequiredError(f"copy=False: {_why_copy(obj, dtype, order)}.") from exc
        raise
    r = _exact(r)
    if copy is False:
        given = cast(Any, obj)
        return _view_of_raw(r, _owner(r, given), given, _OP_ASARRAY)
    return _copy(r)


def _owner(r: Any, given: Any) -> object:
    """The owner of the memory of ``r``, which NumPy made from ``given`` without copying.

    The caller's own buffer (``bytearray``, ``array.array``, ``memoryview``, ...) rather than
    the memoryview NumPy wraps it in; the memory owner behind a foreign array; ``given``
    itself when the array it handed over owns its memory.
    """
    root: Any = _root(r)
    if root is r:
        return given
    if type(root) is memoryview:
        inner: object = root.obj
        if inner is given or (type(given) is memoryview and inner is given.obj):
            return given
    return root


@functools.lru_cache(maxsize=256)
def _takes_copy(kind: type) -> bool:
    """Whether NumPy can ask objects of type ``kind`` for their data without a copy.

    True unless ``kind.__array__`` is a NumPy 1 style method without a ``copy`` parameter:
    NumPy warns (DeprecationWarning) when asked for ``copy=False`` from those, and
    :func:`numpy.asarray` itself never asks them, so neither does safearray.
    """
    method = getattr(kind, "__array__", None)
    if method is None:
        return True
    try:
        params = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: assume NumPy 2's protocol
        return True
    return any(p.name == "copy" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


_T = TypeVar("_T", bound=np.generic)


@overload
def asarray(obj: list[bool] | tuple[bool, ...] | bool, dtype: None = None, order: str | None = None, *, device: str | None = None, copy: bool | None = None, like: None = None) -> Copy[np.bool_]: ...  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
@overload
def asarray(obj: list[int] | tuple[int, ...] | int, dtype: None = None, order: str | None = None, *, device: str | None = None, copy: bool | None = None, like: None = None) -> Copy[np.int64]: ...
@overload
def asarray(obj: list[float] | tuple[float, ...] | float, dtype: None = None, order: str | None = None, *, device: str | None = None, copy: bool | None = None, like: None = None) -> Copy[np.float64]: ...
@overload
def asarray(obj: list[complex] | tuple[complex, ...] | complex, dtype: None = None, order: str | None = None, *, device: str | None = None, copy: bool | None = None, like: None = None) -> Copy[np.complex128]: ...
@overload
def asarray(obj: list[Any] | tuple[Any, ...], dtype: type[_T], order: str | None = None, *, device: str | None = None, copy: bool | None = None, like: None = None) -> Copy[_T]: ...
@overload
def asarray(obj: NDArray[_T] | SafeArray[_T], dtype: None = None, order: str | None = None, *, device: str | None = None, copy: Literal[True], like: None = None) -> Copy[_T]: ...
@overload
def asarray(obj: NDArray[_T] | SafeArray[_T], dtype: None = None, order: str | None = None, *, device: str | None = None, copy: bool | None = None, like: None = None) -> View[_T] | Copy[_T]: ...
@overload
def asarray(obj: Any, dtype: Any = None, order: str | None = None, *, device: str | None = None, copy: bool | None = None, like: Any = None) -> Any: ...
def asarray(
    obj: Any,
    dtype: Any = None,
    order: str | None = None,
    *,
    device: str | None = None,
    copy: bool | None = None,
    like: Any = None,
) -> Any:
    """Convert ``obj`` to a tagged array, copying only when needed (or as ``copy`` says).

    Parameters
    ----------
    obj : array_like
        An ndarray, a SafeArray, a (nested) list or tuple, a scalar, or any
        object exposing the buffer or array protocol.
    dtype : data-type, optional
        Anything :class:`numpy.dtype` accepts. An unknown name raises
        :class:`~safearray.DTypeError` suggesting close valid names.
    order : {'K', 'A', 'C', 'F'}, optional
        Memory layout (lower case is accepted, as in NumPy).
    device : {None, 'cpu'}, optional
        Only the CPU is supported.
    copy : {None, True, False}, optional
        ``True`` always copies; ``False`` never copies and raises
        :class:`~safearray.CopyRequiredError` (a ValueError) saying why a copy
        is needed; ``None`` copies only when needed. Nothing else is accepted.
    like : array_like, optional
        NEP 35 reference object. A SafeArray gives a SafeArray; another array
        type is dispatched as NumPy does.

    Returns
    -------
    View or Copy
        A View when the result shares the memory of ``obj`` (an ndarray or
        buffer that needed no change); ``obj`` itself when it is a SafeArray
        that needs no change; a Copy otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> import safearray as sa
    >>> raw = np.zeros(3)
    >>> v = sa.asarray(raw)
    >>> type(v).__name__, v.base is raw
    ('View', True)
    >>> sa.asarray([1.0, 2.0])
    Copy([1., 2.])
    >>> sa.asarray(raw, dtype="int64", copy=False)
    Traceback (most recent call last):
    ...
    safearray.CopyRequiredError: copy=False: changing the dtype from float64 to int64 needs a copy.
    """
    if dtype is None and order is None and device is None and like is None:
        # the common calls, validated by identity checks only
        t: Any = _type(obj)
        if copy is None:
            if t is _ndarray:  # wrap the caller's ndarray without copying
                if (_array._PURE and _getrefcount(obj) <= _array._TEMP_PARAMETER
                        and (not _array._AMBIG_PARAMETER or not _array._held_by_caller(obj, 1))
                        and _array.fresh_ndarray(obj)):
                    return _copy(obj)  # a temporary ndarray is handed over: the result owns it
                return _view_of_raw(obj, _root(obj), obj, _OP_ASARRAY)
            if t in _FRESH_EXACT:  # NumPy builds a new array from these
                return _copy(_np_asarray(obj))
        elif copy is True and (t is _ndarray or t is Copy or t is View):
            return _copy(np.array(obj._a if t is not _ndarray else obj, copy=True))
    copy = check_copy(copy)
    dt = check_dtype(dtype)
    order_given, order = order, check_order(order)
    check_device(device)
    check_like(like)
    if like is not None and not isinstance(like, SafeArray):
        # NEP 35: another array type answers, and sees the arguments as the caller gave them
        given = {"dtype": dtype, "order": order_given, "device": device, "copy": copy}
        kwargs = {k: v for k, v in given.items() if v is not None}
        return _np_asarray_dispatch(obj, like=like, **kwargs)
    return _convert(obj, dt, order, copy)


@overload
def array(obj: list[float] | tuple[float, ...] | float, dtype: None = None, *, copy: bool | None = True, order: str | None = "K", subok: bool = False, ndmin: int = 0, ndmax: int = 0, like: None = None) -> Copy[np.float64]: ...
@overload
def array(obj: NDArray[_T] | SafeArray[_T], dtype: None = None, *, copy: Literal[True] = True, order: str | None = "K", subok: bool = False, ndmin: int = 0, ndmax: int = 0, like: None = None) -> Copy[_T]: ...
@overload
def array(obj: Any, dtype: type[_T], *, copy: Literal[True] = True, order: str | None = "K", subok: bool = False, ndmin: int = 0, ndmax: int = 0, like: None = None) -> Copy[_T]: ...
@overload
def array(obj: Any, dtype: Any = None, *, copy: bool | None = True, order: str | None = "K", subok: bool = False, ndmin: int = 0, ndmax: int = 0, like: Any = None) -> Any: ...
def array(
    obj: Any,
    dtype: Any = None,
    *,
    copy: bool | None = True,
    order: str | None = "K",
    subok: bool = False,
    ndmin: int = 0,
    ndmax: int = 0,
    like: Any = None,
) -> Any:
    """Create a tagged array; like :func:`asarray` but copying by default.

    Parameters are those of :func:`asarray`, plus ``ndmin``, the minimum
    number of dimensions (an int from 0 to 64), with ``copy=True`` as default, and NumPy's
    ``subok`` (an ndarray subclass such as a masked array is then NumPy's own, handed over
    with an :class:`~safearray.UncoveredWarning`) and ``ndmax`` (NumPy 2.4).

    Examples
    --------
    >>> import numpy as np
    >>> import safearray as sa
    >>> raw = np.arange(3)
    >>> c = sa.array(raw)
    >>> type(c).__name__, sa.shares_memory(c, raw)
    ('Copy', False)
    >>> sa.array([1, 2], ndmin=2).shape
    (1, 2)
    """
    copy = check_copy(copy)
    dt = check_dtype(dtype)
    order_given, order = order, check_order(order)
    ndmin = check_ndmin(ndmin)
    check_like(like)
    if ndmax or (subok and isinstance(obj, _ndarray) and type(obj) is not _ndarray):
        # NumPy's own rules, then the result tagged (a subclass is handed over)
        srcs: list[Any] = []
        options: dict[str, Any] = {"dtype": dtype, "copy": copy, "order": order_given, "ndmin": ndmin}
        if subok:
            options["subok"] = True
        if ndmax:
            options["ndmax"] = ndmax
        return _wrap(_np_array(_unwrap(obj, srcs), **options), srcs, _OP_ARRAY)
    if like is not None and not isinstance(like, SafeArray):
        # NEP 35: another array type answers, and sees the arguments as the caller gave them
        kwargs: dict[str, Any] = {} if dtype is None else {"dtype": dtype}
        if copy is not True:
            kwargs["copy"] = copy
        if order_given != "K":
            kwargs["order"] = order_given
        if ndmin:
            kwargs["ndmin"] = ndmin
        return _np_array(obj, like=like, **kwargs)
    return _convert(obj, dt, order, copy, ndmin)


@overload
def readonly(obj: SafeArray[_T] | NDArray[_T]) -> View[_T]: ...
@overload
def readonly(obj: Any) -> View[Any]: ...
def readonly(obj: Any) -> View[Any]:
    """A read-only View of a SafeArray or an ndarray; writes through it raise :class:`~safearray.ReadOnlyError`.

    Examples
    --------
    >>> import numpy as np
    >>> import safearray as sa
    >>> raw = np.arange(3)
    >>> r = sa.readonly(raw)
    >>> r.flags.writeable, raw.flags.writeable
    (False, True)
    """
    if isinstance(obj, _TAGGED):
        view: View[Any] = obj.readonly()
        return view
    if isinstance(obj, _ndarray):
        return _view_of_raw(_seal(obj), _root(obj), obj, _OP_READONLY)
    raise SafeArrayTypeError(
        f"readonly() takes a SafeArray or a numpy.ndarray, got {type(obj).__name__}; "
        f"use sa.asarray(obj).readonly()."
    )


def _raw(x: Any) -> Any:
    return x._a if isinstance(x, SafeArray) else x


def shares_memory(a: Any, b: Any, /, max_work: int | None = None) -> bool:
    """Whether ``a`` and ``b`` share memory, exactly (:func:`numpy.shares_memory`).

    Accepts SafeArrays and ndarrays. The exact problem can be expensive; see
    ``max_work`` in NumPy's documentation.

    Examples
    --------
    >>> import safearray as sa
    >>> x = sa.arange(6)
    >>> sa.shares_memory(x, x[2:]), sa.shares_memory(x, x[[0, 1]])
    (True, False)
    """
    return bool(_np_shares_memory(_raw(a), _raw(b), max_work=max_work))


def may_share_memory(a: Any, b: Any, /, max_work: int | None = None) -> bool:
    """Whether ``a`` and ``b`` may share memory, from their bounds (:func:`numpy.may_share_memory`).

    Examples
    --------
    >>> import safearray as sa
    >>> x = sa.arange(6)
    >>> sa.may_share_memory(x[::2], x[1::2]), sa.shares_memory(x[::2], x[1::2])
    (True, False)
    """
    return bool(_np_may_share_memory(_raw(a), _raw(b), max_work=max_work))


if _speedups is not None and not TYPE_CHECKING:
    # ``asarray(ndarray)`` is the hottest creation call, and ``asarray``/``array`` of an
    # ndarray, a SafeArray, a list or a Python scalar with ``dtype``/``copy``/``order`` the
    # common ones: the compiled core answers them without a Python frame and hands every
    # other call (and every call NumPy refuses, to be explained) to the functions above.
    asarray = _speedups.FastAsarray("asarray", asarray, _OP_ASARRAY, 0)
    array = _speedups.FastAsarray("array", array, _OP_ASARRAY, 1)
