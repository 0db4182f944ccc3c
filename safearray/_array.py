"""The tagged array: :class:`SafeArray` and its two concrete kinds, :class:`View` and :class:`Copy`.

Data flows one way through this module::

    raw ndarray  --_copy / _view_of-->  tagged array
    tagged array --operator / method / __array_ufunc__ / __array_function__-->
        unwrap (SafeArray -> ndarray) -> NumPy -> wrap (ndarray -> View | Copy)

The tag is decided by memory, never by operation name: a result is a
:class:`View` exactly when its buffer belongs to the buffer of one of the
inputs, found through NumPy's (collapsed) ``base`` chain in constant time.
Every write that may need judging (into a View, or into a temporary) goes through
:func:`safearray._policy.on_write` first.
"""

from __future__ import annotations

import inspect
import operator as _operator
import os
import sys
import types
import weakref
from collections.abc import Callable, Iterator
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Generic, Literal, SupportsIndex, cast, overload

import numpy as np
from numpy.typing import NDArray

if sys.version_info >= (3, 13):  # what typing_extensions gives there: not imported with safearray
    from typing import Self, TypeVar
else:
    from typing_extensions import Self, TypeVar

from . import _policy, _stale
from ._errors import CopyRequiredError, ReadOnlyError, SafeArrayTypeError, SafeArrayValueError
from ._validate import check_copy, check_device, check_dtype, check_order

__all__ = ["SafeArray", "View", "Copy"]

_T = TypeVar("_T", bound=np.generic)
#: The scalar type of an array's dtype (``np.float64``, ...), as in ``numpy.typing.NDArray``.
ScalarT_co = TypeVar("ScalarT_co", bound=np.generic, covariant=True, default=Any)
_InexactT = TypeVar("_InexactT", bound=np.inexact[Any])
if TYPE_CHECKING:
    from typing_extensions import TypeAlias

    #: Keys whose result is a Copy whatever the array: integer arrays, lists, masks.
    AdvancedKey: TypeAlias = "NDArray[np.integer[Any]] | NDArray[np.bool_] | list[Any] | SafeArray[Any]"
    #: Keys of integers only: NumPy's scalar when they pick one element, a View otherwise.
    IntegerKey: TypeAlias = "SupportsIndex | tuple[SupportsIndex, ...]"
    #: Keys with a slice, Ellipsis or None: always a View.
    BasicKey: TypeAlias = "slice | EllipsisType | None | tuple[SupportsIndex | slice | EllipsisType | None, ...]"

_ndarray: Any = np.ndarray
operator: Any = _operator  # typeshed's operator functions are generic; here they take arrays
_generic = np.generic
_memmap: Any = np.memmap
_void = np.void
_asarray: Any = np.asarray
_type: Any = type  # type(x) of values typed Any stays Any for the checkers
_new = object.__new__
_getrefcount = sys.getrefcount
_getframe = sys._getframe
if sys.version_info[:2] == (3, 10):
    _sys_getrefcount, _gettrace, _getprofile = sys.getrefcount, sys.gettrace, sys.getprofile

    def _getrefcount(x: object, /) -> int:
        """``sys.getrefcount(x)`` as the calling frame would see it with no tracer. Under
        ``sys.settrace``/``sys.setprofile`` (debuggers, Python-level profilers), CPython 3.10
        copies each traced frame's locals into its ``f_locals`` at every event: one more
        reference to each argument of safearray's own frames, which would make a temporary look
        held. Those dicts are made here (so that they exist, whatever the hook did) and their
        references to ``x`` not counted."""
        if _gettrace() is None and _getprofile() is None:
            return _sys_getrefcount(x) - 2  # this frame's argument, and its push of it
        # this frame's locals first, before any name here holds a frame or a dict (a reference
        # cycle through f_locals would keep x alive past the call)
        copies = 0
        for v in tuple(_getframe(0).f_locals.values()):  # a line tracer refreshes the dict
            copies += v is x
        f: Any = _getframe(1)
        while f is not None and str(f.f_globals.get("__name__", "")).startswith("safearray"):
            for v in tuple(f.f_locals.values()):
                copies += v is x
            f = f.f_back
        f = v = None  # the loop's last value is not held
        return _sys_getrefcount(x) - 2 - copies
_on_write = _policy.on_write
_warn_uncovered = _policy.warn_uncovered
_SETITEM, _INPLACE, _METHOD, _ARGUMENT = _policy.SETITEM, _policy.INPLACE, _policy.METHOD, _policy.ARGUMENT
OpName = _policy.OpName

# The namespace returned by ``__array_namespace__`` (safearray.array_api, imported on first use).
_namespace: Any = None

# The compiled hot core (safearray/_speedups.c), unless it is missing or disabled with
# SAFEARRAY_PURE_PYTHON=1; the pure-Python definitions below behave the same.
_speedups: Any = None
if os.environ.get("SAFEARRAY_PURE_PYTHON", "") in ("", "0"):
    try:
        from . import _speedups
    except ImportError:  # not built (no compiler at install time): pure Python
        _speedups = None
#: The pure-Python core decides ownership in Python; the compiled one in its type slots.
_PURE = _speedups is None
#: Results of temporaries may own their memory (switched off by the import self-test when
#: temporaries cannot be told here: every such result is then a View, the safe direction).
_ADOPT = True


# --------------------------------------------------------------------------------------
# memory ownership


def _root(a: NDArray[Any]) -> object:
    """Return the object that owns ``a``'s memory: ``a`` itself, an ndarray, or a buffer.

    NumPy collapses base chains of same-typed arrays, so this loop runs once or
    twice; it only walks further through ndarray subclasses such as memmap, and through the
    holder NumPy's stride tricks wrap the array they view in (``as_strided(x)``: x's memory).
    """
    b = a.base
    if b is None:
        return a
    while isinstance(b, _ndarray):
        nb = b.base
        if nb is None:
            return b
        b = nb
    if _type(b) is _INTERFACE_HOLDER:
        inner: Any = getattr(b, "base", None)
        if isinstance(inner, _ndarray):
            return _root(inner)
    return b


def _interface_holder() -> Any:
    """The type of the object ``numpy.lib.stride_tricks.as_strided`` (and so
    ``sliding_window_view``) makes its result's base: NumPy's ``DummyArray``, which holds the
    array viewed as its ``base``. Found by asking NumPy, not by its private name (None if a
    NumPy to come makes it otherwise)."""
    x = np.zeros(1)
    holder = np.lib.stride_tricks.as_strided(x).base
    if isinstance(holder, _ndarray) or getattr(holder, "base", None) is not x:
        return None
    return _type(holder)


_INTERFACE_HOLDER: Any = _interface_holder()


def _rebased(r: Any) -> Any:
    """``r``, made by NumPy's stride tricks (its base an interface holder around the array
    viewed), as the same bytes seen through a plain ndarray whose base is their owner, as any
    other View's is; ``r`` itself where NumPy cannot view the owner so (object arrays, strides
    outside the owner's bytes, memory that is not an ndarray's)."""
    holder = getattr(r, "base", None)
    if _type(r) is not _ndarray or _type(holder) is not _INTERFACE_HOLDER or _INTERFACE_HOLDER is None:
        return r
    inner: Any = getattr(holder, "base", None)
    if not isinstance(inner, _ndarray):
        return r
    owner: Any = _root(inner)
    if _type(owner) is not _ndarray or owner.base is not None:
        return r
    offset = r.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
    try:
        plain = _ndarray(r.shape, r.dtype, buffer=owner, offset=offset, strides=r.strides)
    except (TypeError, ValueError):
        return r
    if plain.flags.writeable != r.flags.writeable:
        if r.flags.writeable:  # the owner's buffer came read-only: keep NumPy's array
            return r
        plain.flags.writeable = False  # sliding_window_view, as_strided(writeable=False)
    return plain


def _shares_root(r: NDArray[Any], a: NDArray[Any]) -> bool:
    """True when ``r``'s memory belongs to the buffer that also holds ``a``."""
    rb = r.base
    if rb is None:
        return False
    if rb is a:
        return True
    ab = a.base
    if ab is not None and rb is ab:
        return True
    return _root(r) is _root(a)


class _ReadOnlyMemory:
    """Pure-Python twin of the compiled ``ReadOnlyMemory``: the owner NumPy sees of a sealed
    ndarray. It exports the bytes read-only (``__array_interface__``, removed once the array
    is made) and holds what keeps them alive; it offers no buffer, so NumPy never lets the
    writeable flag of an array over it be set back."""

    __slots__ = ("__array_interface__", "_keep")
    __array_interface__: dict[str, Any]
    _keep: object


def _py_seal(a: NDArray[Any]) -> NDArray[Any]:
    """Pure-Python twin of the compiled ``seal``: a read-only ndarray over ``a``'s bytes that
    can never be made writable (its NumPy base is a :class:`_ReadOnlyMemory`)."""
    x: Any = a
    h = _new(_ReadOnlyMemory)
    b = x.base
    h._keep = x if b is None else b
    dt = x.dtype
    try:
        face = x.__array_interface__
    except (TypeError, ValueError):  # a dtype without a typestr (StringDType): the flag only
        weak: Any = x.view()
        weak.flags.writeable = False
        return weak  # type: ignore[no-any-return]
    face["data"] = (face["data"][0], True)
    face["strides"] = x.strides
    h.__array_interface__ = face
    r: Any = _asarray(h)
    del h.__array_interface__
    if r.dtype is not dt:  # the interface keeps neither metadata nor aligned structs
        r = r.view(dt)
    return r  # type: ignore[no-any-return]


def _calibrate_sealed() -> int:
    """``_rc(x.base)`` for a sealed ndarray ``x`` held by a local, its base held by ``x`` only."""
    x = _py_seal(np.zeros(1))
    b = x.base
    return _rc(b)


def _py_memory_link(x: NDArray[Any]) -> object:
    """Pure-Python twin of the compiled ``memory_link``: ``x.base``, or for a sealed ``x``
    whose ``_ReadOnlyMemory`` nothing else holds, what that one keeps."""
    b: Any = x.base
    if _type(b) is _ReadOnlyMemory and _rc(b) == _RC_SEALED:
        return cast(_ReadOnlyMemory, b)._keep
    return b


#: ``seal(a)`` of the core in use, and the type of the owner NumPy sees of a sealed ndarray.
_seal: Callable[[NDArray[Any]], NDArray[Any]] = _py_seal if _speedups is None else _speedups.seal
_SEALED: type = _ReadOnlyMemory if _speedups is None else _speedups.ReadOnlyMemory


def _is_sealed(a: NDArray[Any]) -> bool:
    """True when ``a`` is a sealed ndarray or a NumPy view of one (it can never be made writable)."""
    return _type(_root(a)) is _SEALED


def memory_root(x: Any) -> object:
    """The object that owns the memory of the tagged array ``x`` (as :func:`_root` of its
    ndarray), seen through a seal: the owner of the sealed bytes, not the seal."""
    r = _root(x._a)
    if _type(r) is _SEALED:
        b = x._base
        if _type(b) is Copy:
            return _root(b._a)
        return _root(b) if isinstance(b, _ndarray) else b
    return r


def _readonly_owner(arr: Any) -> object:
    """``.base`` of a read-only View: its owner when that is read-only already, else a read-only
    stand-in for it (a read-only View of a Copy, a sealed ndarray over an ndarray's bytes, a
    read-only memoryview of a buffer, exported by a sealed ndarray over it)."""
    b = arr._base
    if _type(b) is Copy:
        if not b._a.flags.num & _policy.NPY_WRITEABLE:
            return b
        v = b.readonly()
        v._policy = arr._policy  # a guarded argument's mark names it in the error
        return v
    if isinstance(b, _ndarray):
        return _seal(b) if b.flags.num & _policy.NPY_WRITEABLE else b
    try:
        m = memoryview(b)
    except TypeError:  # no buffer (a sealed array's owner, an object with __array_interface__)
        return b
    if m.readonly:
        return b
    # not m.toreadonly(): its .obj is the writable buffer; a memoryview of a sealed array is not
    try:
        a = _asarray(m)
    except (TypeError, ValueError, NotImplementedError):  # a format NumPy does not read: bytes
        try:
            a = _asarray(m.cast("B"))
        except TypeError:  # not contiguous either
            return m.toreadonly()
    return memoryview(cast(Any, _seal(a)))


# --------------------------------------------------------------------------------------
# reference counts in pure Python (the compiled core counts without these offsets)


def _rc(x: object) -> int:
    return _getrefcount(x)


def _calibrate_rc() -> tuple[int, int]:
    """``_rc`` of an object held once by the calling frame's local, and once by an attribute."""

    class Holder:
        __slots__ = ("x",)
        x: object

    def local() -> int:
        o = object()
        return _rc(o)

    h = Holder()
    h.x = object()
    return local(), _rc(h.x)


#: ``_rc(x)`` when x is held once, by a local of the caller (``_RC_LOCAL``) or an attribute
#: read in the call (``_RC_ATTR``); more means more holders.
_RC_LOCAL, _RC_ATTR = _calibrate_rc()


def _py_memory_private(src: Any, r: NDArray[Any], views: int, extra: int = 0, levels: int = 1) -> bool:
    """Pure-Python twin of the compiled ``memory_private``: ``r`` was just made from the
    temporary Copy ``src``; does anything but ``src`` (and ``views`` Views of it) see its memory?

    ``r`` is held by one local of a caller ``levels`` calls up, passed down as an argument,
    and by ``extra`` other holders known to the caller.
    """
    if (not _ADOPT or _type(src) is not Copy or len(_views_of(src)) != views
            or _rc(r) != _RC_LOCAL + _PARAM_REFS * levels + extra):
        return False
    rb = r.base
    ab = src._a.base
    if _rc(src._a) != _RC_ATTR + 2 * (rb is src._a):  # r.base and the local rb
        return False
    if ab is None:
        return rb is src._a
    return (_type(ab) is _ndarray and ab.base is None and rb is ab
            and _rc(src._a.base) == _RC_ATTR + 1 + 2)  # src._a.base, r.base, and the locals ab and rb


def _calibrate_params() -> int:
    """How many references a parameter adds to its argument (1 up to CPython 3.13, 0 from
    3.14 when the caller passes a borrowed local)."""

    def callee(x: object) -> int:
        return _rc(x)

    def caller() -> int:
        o = object()
        return callee(o)

    return caller() - _RC_LOCAL


_PARAM_REFS = _calibrate_params()
_RC_SEALED = _calibrate_sealed()


def _bounds(x: NDArray[Any]) -> tuple[int, int]:
    """The bytes ``[lo, hi)`` the ndarray ``x`` spans (``hi == lo`` without elements)."""
    lo = hi = x.__array_interface__["data"][0]
    if x.size == 0:
        return lo, lo
    for dim, st in zip(x.shape, x.strides):
        if st > 0:
            hi += st * (dim - 1)
        else:
            lo += st * (dim - 1)
    return lo, hi + x.itemsize


def _written_part(a: NDArray[Any], key: Any) -> NDArray[Any] | None:
    """The View of ``a`` whose bytes ``a[key] = value`` changes, or None when the key does not
    select a View (advanced indexing: then all of ``a`` counts)."""
    k = key._a if isinstance(key, SafeArray) else key
    try:  # with a trailing Ellipsis an element is a 0-d view, not a scalar
        part = a[(*k, Ellipsis) if _type(k) is tuple else (k, Ellipsis)]
    except Exception:  # noqa: BLE001
        try:
            part = a[k]
        except Exception:  # noqa: BLE001  (NumPy reports a bad key when the write runs)
            return None
    if _type(part) is _ndarray and part.base is not None and _shares_root(part, a):
        found: NDArray[Any] = part
        return found
    return None


def _is_element(a: NDArray[Any], key: Any, r: NDArray[Any]) -> bool:
    """Whether ``r``, which ``a[key]`` gave, is an element of the object array ``a``."""
    try:
        part = a[(*key, Ellipsis) if _type(key) is tuple else (key, Ellipsis)]
    except Exception:  # noqa: BLE001  (an advanced key that does not take a trailing Ellipsis)
        return False
    return bool(part.ndim == 0 and part[()] is r)


def _py_sharing(v: Any, key: Any) -> Any:
    """Pure-Python twin of the compiled ``sharing``: True when an ndarray outside safearray's
    bookkeeping sees the bytes that writing ``v[key]`` changes, else ``(holders, views)``: the
    references to the owner besides its Views', and the other live Views of the same owner
    whose bytes may overlap them."""
    lo, hi = _bounds(v._a)
    if key is not None:
        part = _written_part(v._a, key)
        if part is not None:
            lo, hi = _bounds(part)
        del part
    if _type(v._base) is not Copy:
        # the caller's ndarray or buffer: shared unless this View is all that holds it
        held = (v._src is v._base) + 1 + (v._a is v._base) + (v._a.base is v._base)
        alone = _rc(v._base) == _RC_ATTR - 1 + held and (v._a is v._base or _rc(v._a) == _RC_ATTR)
        return (0, []) if alone and (v._src is v._base or v._src is v._a) else True
    views = _py_views_of(v._base)
    held = sum((w._base is v._base) + (w._src is v._base) for w in views)
    outside = _rc(v._base) - (_RC_ATTR - 1) - held
    if _py_memory_held_elsewhere(v._base, views):
        return True
    if hi <= lo:
        return (outside, [])
    others: list[Any] = []
    for w in views:
        if w is not v:
            wlo, whi = _bounds(w._a)
            if wlo < hi and lo < whi:
                others.append(w)
    return (outside, others)


def _py_memory_held_elsewhere(owner: Any, views: list[Any]) -> bool:
    a = owner._a
    m = a if a.base is None else a.base
    if _type(m) is not _ndarray or m.base is not None:
        return True
    # id -> [array, held by the tagged arrays and by the arrays linked to it]
    counts: dict[int, list[Any]] = {}
    for x in [a, *[w._a for w in views], *[w._src for w in views if w._src is not owner]]:
        if _type(x) is not _ndarray:
            return True
        entry = counts.get(id(x))
        if entry is None:
            counts[id(x)] = [x, 1]
        else:
            entry[1] += 1
    # each one but m holds its link once (see _py_memory_link); a link that is not listed (an
    # array between a view of a sealed array and m) is listed with the arrays linked to it
    m_held = 0
    todo = [entry[0] for entry in counts.values()]
    while todo:
        x = todo.pop()
        if x is m:
            continue
        p = _py_memory_link(x)
        if p is m:
            m_held += 1
            continue
        if _type(p) is not _ndarray:
            return True
        entry = counts.get(id(p))
        if entry is None:
            counts[id(p)] = [p, 1]
            todo.append(p)
        else:
            entry[1] += 1
    x = p = entry = None
    for x, n in counts.values():
        if x is m:
            m_held += n
            continue
        # held: n times by tagged arrays and linked arrays, once by ``counts``, by the locals
        # ``x`` and ``a``
        if _rc(x) != _RC_LOCAL + n + 1 + (x is a):
            return True
    x = None
    # m: by the tagged arrays and linked arrays, ``counts`` (when listed), the locals ``m`` and
    # ``a`` (when m is a)
    listed = id(m) in counts
    return bool(_rc(m) != _RC_LOCAL + m_held + listed + (a is m))


_OP_T, _OP_MT, _OP_REAL, _OP_IMAG = OpName(".T"), OpName(".mT"), OpName(".real"), OpName(".imag")
_OP_ROUND, _OP_RESHAPE, _OP_ASTYPE = OpName(".round()"), OpName(".reshape()"), OpName(".astype()")
_OP_READONLY, _OP_WITH_POLICY = OpName(".readonly()"), OpName(".with_policy()")

# --------------------------------------------------------------------------------------
# the only constructors


def _copy(a: NDArray[Any]) -> Copy:
    """A Copy holding the ndarray ``a``."""
    c = _new(Copy)
    c._a = a
    c._views = None
    c._hub = c._stale = None
    return c


def _view_of(r: NDArray[Any], src: SafeArray, op: object) -> View:
    """A View of ``r``, made by ``op`` from the tagged array ``src`` whose buffer holds ``r``.

    ``_src`` remembers ``src`` for messages; when ``src`` is itself a View only
    its ndarray is kept, so that chains of Views never grow (NumPy collapses
    the ndarray's own base chain).
    """
    v = _new(View)
    v._a = r
    v._views = v._hub = v._stale = None
    b = src._base
    if b is None:
        v._base = v._src = src
        _register(src, v)
    else:
        v._base = b
        v._src = src._a
        if _type(b) is Copy:
            _register(b, v)
        else:  # memory safearray does not own: src's hub (or src, its first View) holds v
            hub = src if src._hub is None else src._hub
            v._hub = hub
            _register(hub, v)
    v._op = op
    v._policy = src._policy
    return v


def _register(owner: Any, v: View) -> None:
    """Pure-Python twin of the compiled registry: the owner keeps weak references to its Views."""
    views: list[Any] | None = owner._views
    if views is None:
        owner._views = [weakref.ref(v)]
        return
    if len(views) >= 8 and len(views) & (len(views) - 1) == 0:  # at powers of two: drop the dead
        views[:] = [w for w in views if w() is not None]
    views.append(weakref.ref(v))


def _py_views_of(owner: Any) -> list[Any]:
    """The live Views registered with ``owner``."""
    views: list[Any] | None = getattr(owner, "_views", None)
    if not views:
        return []
    return [v for v in (w() for w in views) if v is not None]


def _view_of_raw(r: NDArray[Any], owner: object, src: object, op: object) -> View:
    """A View of memory owned by a raw ndarray or buffer ``owner``, not by a tagged array."""
    v = _new(View)
    v._a = r
    v._views = v._hub = v._stale = None
    v._base = owner
    v._src = src
    v._op = op
    v._policy = None
    return v


# --------------------------------------------------------------------------------------
# unwrap arguments, wrap results


def _unwrap(obj: Any, srcs: list[Any]) -> Any:
    """Replace tagged arrays in ``obj`` (recursing into lists and tuples) by their ndarrays.

    Every array met (tagged or raw) is appended to ``srcs``; results are
    later tagged as Views when their memory belongs to one of them.
    """
    t = _type(obj)
    if t is Copy or t is View:
        srcs.append(obj)
        return obj._a
    if t is _ndarray:
        srcs.append(obj)
        return obj
    if t is list or t is tuple:
        if not obj:
            return obj
        items = [_unwrap(o, srcs) for o in obj]
        return items if t is list else tuple(items)
    if isinstance(obj, SafeArray):
        srcs.append(obj)
        return obj._a
    if isinstance(obj, _ndarray):
        srcs.append(obj)
    elif obj is NDARRAY or obj is SafeArray:  # ``x.view(np.ndarray)``, ``np.asarray(x, like=...)``
        return _ndarray
    return obj


def _unwrap_out(out: Any, srcs: list[Any], written: list[Any], op: str,
                temps: dict[int, bool] | None = None) -> Any:
    """Unwrap an ``out=`` argument (an array or a tuple of them), judging each write first
    (``temps``: which of them, by id, are temporaries)."""
    if type(out) is tuple:
        items = cast(Any, out)
        return tuple([_unwrap_out(o, srcs, written, op, temps) for o in items])
    if isinstance(out, SafeArray):
        if out._base is not None:
            temp = False if temps is None else temps.get(id(cast(object, out)), False)
            _on_write(out, op, temp, _ARGUMENT)
        srcs.append(out)
        written.append(out)
        return out._a
    if isinstance(out, _ndarray):
        srcs.append(out)
        written.append(out)  # NumPy returns it itself: so does safearray (see _wrap_given)
    return out


def _unwrap_kwargs(kwargs: dict[str, Any], srcs: list[Any], written: list[Any], op: str,
                   temps: dict[int, bool] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in kwargs.items():
        out[k] = _unwrap_out(v, srcs, written, op, temps) if k == "out" else _unwrap(v, srcs)
    return out


def _tag(r: NDArray[Any], srcs: list[Any], op: object) -> Any:
    """Tag the exact ndarray ``r``, the result of an operation on the arrays in ``srcs``."""
    for s in srcs:
        if type(s) is _ndarray:
            if r is s:
                return _view_of_raw(r, _root(s), s, op)
        elif r is s._a:
            return s
    if r.base is None:
        return _copy(r)
    root = _root(r)
    for s in srcs:
        if type(s) is _ndarray:
            sroot = _root(s)
            if root is sroot:
                return _view_of_raw(r, sroot, s, op)
        elif root is _root(s._a):
            return _view_of(r, s, op)
    if not isinstance(root, _ndarray):
        # memory of a buffer or file that NumPy wrapped (frombuffer, memmap, load(mmap_mode=))
        return _view_of_raw(r, root, root, op)
    return _copy(r)


def _wrap(r: Any, srcs: list[Any], op: object) -> Any:
    """Wrap any result of NumPy: arrays are tagged, containers are rebuilt, the rest passes."""
    t = _type(r)
    if t is _ndarray:
        return _tag(r, srcs, op)
    if t is tuple or t is list:
        items = [_wrap(x, srcs, op) for x in r]
        return items if t is list else tuple(items)
    if isinstance(r, (_ndarray, tuple)):
        return _wrap_other(r, srcs, op)
    return r


def _wrap_other(r: Any, srcs: list[Any], op: object) -> Any:
    """Wrap an ndarray subclass or a named tuple (``SVDResult``, ...) that NumPy returned.

    A memmap's memory is the file's: a View of it. Other subclasses (masked arrays,
    matrices, record arrays, the user's own) have semantics safearray does not model:
    NumPy's object is handed over, with one :class:`~safearray.UncoveredWarning` per type.
    """
    if isinstance(r, _ndarray):
        if isinstance(r, _memmap):
            plain: Any = r
            return _tag(plain.view(_ndarray), srcs, op)
        t = _type(r)
        _warn_uncovered(f"{t.__module__}.{t.__qualname__}",
                        "NumPy's own array is returned, untagged (writes through it are not judged)")
        return r
    if hasattr(r, "_fields"):
        return _type(r)(*[_wrap(x, srcs, op) for x in r])
    return r


def _wrap_given(r: Any, written: list[Any], srcs: list[Any], op: object) -> Any:
    """:func:`_wrap` for a call given arrays to write into (``out=``, in ``written``): where NumPy
    returns one of them itself, the very object passed (a SafeArray or an ndarray), as NumPy
    returns its ``out``; tuples of results (ufuncs with several outputs) item by item."""
    for w in written:
        if r is w or (_type(w) is not _ndarray and r is getattr(w, "_a", w)):  # an ndarray out,
            return w  # or a SafeArray's (another ndarray subclass has no ``_a``: w again)
    if _type(r) is tuple:
        return tuple([_wrap_given(x, written, srcs, op) for x in r])
    return _wrap(r, srcs, op)


def _wrap1(r: Any, src: SafeArray, op: object) -> Any:
    """Fast path of :func:`_wrap` for a result computed from the single tagged array ``src``."""
    if type(r) is _ndarray:
        a = src._a
        if r is a:  # NumPy returned the array itself
            return src
        rb = r.base
        if rb is a or (rb is not None and (rb is a.base or _root(r) is _root(a))):
            return _view_of(r, src, op)
        return _copy(r)
    return _wrap(r, [src], op)


def _adopting(r: NDArray[Any], src: SafeArray, op: object, depth: int) -> Any:
    """Pure-Python path of an attribute (``.T``, ...) read from a possible temporary ``src``:
    ``r`` tagged as a Copy when nothing else sees its memory (see ``_py_memory_private``)."""
    if (type(r) is _ndarray and r is not src._a and _shares_root(r, src._a)
            and (not _AMBIG_ATTR or not _held_by_caller(src, depth + 1))):
        if _type(src) is Copy:
            if _py_memory_private(src, r, 0, levels=2):
                return _copy(r)
        else:
            return _through(_wrap1(r, src, op), src)
    return _wrap1(r, src, op)


def _through(out: Any, src: Any) -> Any:
    """``out`` was made from the temporary View ``src``: remember it as made from what ``src``
    was made from, so that ``a[1:].T[0] = 5`` is judged as a write into ``a``."""
    if _type(out) is View and out._src is src._a:
        out._src = src._src
    return out


def _py_adopt(out: Any, src: Any) -> Any:
    """Pure-Python twin of the compiled ``adopt``: the only View ``out`` of the temporary Copy
    ``src`` becomes a Copy."""
    if (_type(out) is not View or out._base is not src or out._src is not src
            or out._policy is not None):
        return out
    r = out._a
    if not _py_memory_private(src, r, 1, 1):
        return out
    del out
    return _copy(r)


def _readonly_error(arr: SafeArray, op: object) -> ReadOnlyError:
    return _policy.readonly_error(arr, op)


def _is_readonly_error(exc: ValueError, arr: NDArray[Any]) -> bool:
    return not arr.flags.writeable and "read-only" in str(exc)


# --------------------------------------------------------------------------------------
# dispatch of ufuncs and NumPy functions


def _run(func: Callable[..., Any], args: Any, kwargs: dict[str, Any], written: list[Any], op: str,
         srcs: list[Any] | None = None) -> Any:
    """Call NumPy; a refused write into a read-only target becomes :class:`ReadOnlyError`.

    Stale Views among the inputs ``srcs`` are judged first; after the writes into
    ``written``, the other Views of their memory whose bytes changed are stale.
    """
    if srcs is not None and (written or _stale_reads) and _any_stale(srcs):
        _stale.check_inputs(srcs, written, op)
    try:
        r = func(*args, **kwargs)
    except ValueError as exc:
        _raise_readonly(exc, written, op)
        raise
    for target in written:
        # an ndarray out is the caller's: no Views of it here
        if type(target) is not _ndarray and _others_see(target):
            _stale.wrote(target, None, None, op)
    return r


def _raise_readonly(exc: ValueError, written: list[Any], op: object) -> None:
    """Raise :class:`ReadOnlyError` when ``exc`` is NumPy refusing to write into a read-only
    tagged array among ``written`` (an ndarray's refusal stays NumPy's own error)."""
    for target in written:
        if isinstance(target, SafeArray) and _is_readonly_error(exc, target._a):
            raise _readonly_error(cast(Any, target), op) from None


def call_ufunc(
    ufunc: np.ufunc, method: str, inputs: tuple[Any, ...], kwargs: dict[str, Any],
    temps: dict[int, bool] | None = None, outpos: int = -1,
) -> Any:
    """Run ``getattr(ufunc, method)`` on unwrapped inputs and wrap its results.

    Writes (``out=``, positional outputs, ``ufunc.at``) are judged before NumPy runs;
    ``temps`` says which outputs (by id) are temporaries; ``outpos``, where among ``inputs``
    a method (``reduce``...) was given its ``out``.
    """
    labels = _LABELS.get(ufunc) or _labels(ufunc)
    srcs: list[Any] = []
    written: list[Any] = []
    if method == "__call__" and len(inputs) > ufunc.nin:  # outputs given by position
        args = [_unwrap(x, srcs) for x in inputs[: ufunc.nin]]
        args += [_unwrap_out(x, srcs, written, labels[1], temps) for x in inputs[ufunc.nin :]]
    elif outpos >= 0:  # ``sa.add.reduce(x, 0, None, out)``
        args = [_unwrap(x, srcs) for x in inputs]
        if inputs[outpos] is not None:
            _unwrap_out(inputs[outpos], [], written, labels[1], temps)
    else:
        args = [_unwrap(x, srcs) for x in inputs]
    if kwargs:
        kwargs = _unwrap_kwargs(kwargs, srcs, written, labels[1], temps)
    if method == "at":
        target = inputs[0]
        if isinstance(target, SafeArray):
            if target._base is not None:
                _on_write(target, labels[2], False, _ARGUMENT)
            written.append(target)
    r = _run(getattr(ufunc, method), args, kwargs, written, labels[0], srcs)
    if written:
        return _wrap_given(r, written, srcs, labels[0])
    return _wrap(r, srcs, labels[0])


#: What safearray needs to know of a NumPy callable, found once each: its operation labels
#: ``np.f()``, ``np.f(out=...)``, ``np.f.at()``; the position of its ``out`` parameter among
#: the positional arguments (:data:`_NO_OUT` when there is none; ufuncs count their outputs by
#: ``nin``); and what to run on plain ndarrays (NumPy's implementation, past its dispatch).
_LABELS: dict[Any, tuple[OpName, OpName, OpName, int, Callable[..., Any]]] = {}
#: The position of ``out`` for a callable without one: no call has that many arguments.
_NO_OUT = 1 << 62

#: NumPy's functions whose results view memory through an interface holder (see
#: :func:`_rebased`).
_STRIDE_TRICKS = frozenset({np.lib.stride_tricks.as_strided, np.lib.stride_tricks.sliding_window_view})


def _labels(func: Any) -> tuple[OpName, OpName, OpName, int, Callable[..., Any]]:
    name = getattr(func, "__name__", None) or type(func).__name__
    impl: Callable[..., Any] = getattr(func, "_implementation", func)
    if isinstance(func, np.ufunc):
        outpos = _NO_OUT
    else:
        outpos = out_position(func)
        outpos = _NO_OUT if outpos < 0 else outpos
        if func in _STRIDE_TRICKS:
            impl = _rebasing(impl)
    labels = (OpName(f"np.{name}()"), OpName(f"np.{name}(out=...)"), OpName(f"np.{name}.at()"),
              outpos, impl)
    try:
        _LABELS[func] = labels
    except TypeError:  # unhashable callables are labelled every time
        pass
    return labels


def _rebasing(impl: Callable[..., Any]) -> Callable[..., Any]:
    """``impl`` whose result is :func:`_rebased`."""

    def rebasing(*args: Any, **kwargs: Any) -> Any:
        return _rebased(impl(*args, **kwargs))

    return rebasing


def out_position(func: Any, like: Any = None) -> int:
    """The index of ``func``'s ``out`` parameter among the arguments it takes by position (its
    ``self`` included, for a method of a class), or -1 when ``out`` cannot be passed by position.

    Read from ``inspect.signature`` (NumPy's functions dispatched through
    ``__array_function__`` show their Python signature, Cython methods theirs), or else from
    the signature NumPy writes on the first lines of a C function's docstring (NumPy < 2.3:
    ``dot(a, b, out=None)``, ``a.sum(axis=None, dtype=None, out=None, ...)``), or else, when
    ``func`` documents neither, from ``like`` (NumPy 2.2's ``ndarray.dot`` has no docstring;
    ``numpy.dot(a, b, out=None)`` takes the array where the method takes ``self``).

    Examples
    --------
    >>> import numpy
    >>> from safearray._array import out_position
    >>> out_position(numpy.cumsum), out_position(numpy.ndarray.sum), out_position(numpy.sort)
    (3, 3, -1)
    """
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):  # a C function without a signature
        names = _documented_positionals(func)
        if names is None:
            return -1 if like is None else out_position(like)
        return names.index("out") if "out" in names else -1
    for i, p in enumerate(params):
        if p.kind is not p.POSITIONAL_ONLY and p.kind is not p.POSITIONAL_OR_KEYWORD:
            return -1
        if p.name == "out":
            return i
    return -1


def _documented_positionals(func: Any) -> list[str] | None:
    """The names of the positional parameters in the signature that opens ``func``'s
    docstring (``self`` first for NumPy's ``a.method(...)``), or None when it opens with none."""
    doc = (getattr(func, "__doc__", None) or "").lstrip()
    name = getattr(func, "__name__", None)
    if not name:
        return None
    method = doc.startswith(f"a.{name}(")
    if not (method or doc.startswith(f"{name}(")):
        return None
    depth, start = 0, doc.index("(") + 1
    parts: list[str] = []
    for i in range(start - 1, len(doc)):
        c = doc[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                parts.append(doc[start:i])
                break
        elif c == "," and depth == 1:
            parts.append(doc[start:i])
            start = i + 1
    else:
        return None
    names = ["self"] if method else []
    for part in (p.strip() for p in parts):
        if part.startswith("*"):  # keyword-only from here (``*``, ``*args``, ``*[, identity]``)
            break
        if part and part != "/":
            names.append(part.split("=")[0].strip())
    return names


def ufunc_method_out(method: str) -> int:
    """Where the ufunc method ``method`` (``reduce(array, axis, dtype, out)``...) takes ``out``
    by position, from its signature (:data:`_NO_OUT` where it takes none): the mirrored ufuncs
    tell :func:`call_ufunc` when a call reaches it (NumPy's own dispatch passes it by keyword)."""
    pos = out_position(getattr(np.add, method))
    return _NO_OUT if pos < 0 else pos




#: NumPy functions that write into an argument: function -> (position, keyword) of it.
#: Register more with :func:`writes_into`.
WRITES_INTO: dict[Callable[..., Any], tuple[int, str]] = {}


def writes_into(func: Callable[..., Any], position: int, keyword: str) -> None:
    """Register ``func`` as writing into its argument at ``position`` (or passed as ``keyword``)."""
    if not callable(func):
        raise TypeError(f"writes_into() needs a callable, got {func!r}")
    if func in WRITES_INTO:
        raise ValueError(f"{func!r} is already registered as writing into an argument")
    WRITES_INTO[func] = (position, keyword)


for _func, _pos, _key in (
    (np.copyto, 0, "dst"),
    (np.put, 0, "a"),
    (np.place, 0, "arr"),
    (np.putmask, 0, "a"),
    (np.fill_diagonal, 0, "a"),
    (np.put_along_axis, 0, "arr"),
):
    writes_into(_func, _pos, _key)


def call_function(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                  temp_first: bool = False) -> Any:
    """Run the NumPy function ``func`` on unwrapped arguments and wrap its results.

    Writes (``out=``, and the argument that functions in :data:`WRITES_INTO`
    fill) are judged before NumPy runs (``temp_first``: the first argument is a temporary,
    ``sa.fill_diagonal(sa.fliplr(a), v)``). Once the arguments are plain ndarrays,
    NumPy's own dispatch has nothing left to decide, so its implementation is
    called directly.
    """
    labels = _LABELS.get(func) or _labels(func)
    written: list[Any] = []
    target_spec = WRITES_INTO.get(func)
    if target_spec is not None:
        pos, key = target_spec
        target = args[pos] if len(args) > pos else kwargs.get(key)
        if isinstance(target, SafeArray):
            if target._base is not None:
                _on_write(target, labels[0], temp_first and pos == 0 and target is args[0], _ARGUMENT)
            written.append(target)
    srcs: list[Any] = []
    impl = labels[4]
    unwrapped = _unwrap(args, srcs)
    outpos = labels[3]
    if len(args) > outpos and args[outpos] is not None:
        # ``np.cumsum(a, 0, None, out)``: judged as ``out=`` is (and unwrapped the same)
        _unwrap_out(args[outpos], [], written, labels[1])
    if kwargs:
        kwargs = _unwrap_kwargs(kwargs, srcs, written, labels[1])
    if written or _stale_reads:
        r = _run(impl, unwrapped, kwargs, written, labels[0], srcs)
    elif kwargs:  # nothing written, nothing to check: NumPy's own call
        r = impl(*unwrapped, **kwargs)
    else:
        r = impl(*unwrapped)
    if written:
        return _wrap_given(r, written, srcs, labels[0])
    return _wrap(r, srcs, labels[0])




# --------------------------------------------------------------------------------------
# method and operator factories


#: Methods whose signature shows ``out`` at a position where NumPy's implementation takes
#: something else: ``a.choose(c1, c2, ...)`` takes every positional argument as a choice, and
#: ``a.all(axis, x)`` / ``a.any`` hand their second one to the reduction as its dtype (NumPy's
#: TypeError). Their ``out`` is a keyword only (tests/test_out.py checks this against NumPy).
_OUT_NOT_BY_POSITION = frozenset({"all", "any", "choose"})


def _method(name: str) -> Callable[..., Any]:
    """A method that runs ``numpy.ndarray.<name>`` and tags its result by memory.

    ``out`` (by keyword or by position) is a write, judged before NumPy runs.
    """
    meth = getattr(_ndarray, name)
    opname = OpName(f".{name}()")
    outname = OpName(f".{name}(out=...)")
    # where ``out`` comes among the arguments after self (negative: nowhere), read from the
    # signature at the first call with an argument (``import safearray`` reads none): until
    # then 0, so that such a call takes the branch that reads it
    outpos = -1 if name in _OUT_NOT_BY_POSITION else 0
    known = outpos < 0

    def adopting(self: SafeArray, *args: Any, **kwargs: Any) -> Any:
        # pure-Python core: a View of a temporary Copy that nothing else sees is a Copy
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        if _getrefcount(self) <= _TEMP_METHOD:
            if not _AMBIG_METHOD or not _held_by_caller(self, 1):
                if _type(self) is Copy:
                    return _py_adopt(method(self, *args, **kwargs), self)
                return _through(method(self, *args, **kwargs), self)
        return method(self, *args, **kwargs)

    def method(self: SafeArray, *args: Any, **kwargs: Any) -> Any:
        nonlocal outpos, known
        if not args and not kwargs:
            return _wrap1(meth(self._a), self, opname)
        srcs: list[Any] = [self]
        written: list[Any] = []
        if args:
            unwrapped = [_unwrap(x, srcs) for x in args]
            if 0 <= outpos < len(args):
                if not known:
                    outpos = out_position(meth, like=getattr(np, name, None)) - 1
                    known = True
                if 0 <= outpos < len(args):
                    unwrapped[outpos] = _unwrap_out(args[outpos], srcs, written, outname)
            args = tuple(unwrapped)
        if kwargs:
            kwargs = _unwrap_kwargs(kwargs, srcs, written, outname)
        r = _run(meth, (self._a, *args), kwargs, written, opname, srcs)
        if written:
            return _wrap_given(r, written, srcs, opname)
        return _wrap(r, srcs, opname)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = (
        f"Tagged version of :meth:`numpy.ndarray.{name}`: array results are a View when "
        f"they share this array's memory and a Copy otherwise."
    )
    if _speedups is not None:
        # NumPy's method called from C: directly with plain arguments (axes, orders, dtypes),
        # with arrays among them unwrapped, and through ``method`` when ``out`` is given
        # (where ``out`` comes by position, -3: asked of ``resolve`` at the first call that needs it)
        def resolve() -> int:
            return out_position(meth, like=getattr(np, name, None)) - 1

        return _speedups.TaggedMethod(  # type: ignore[no-any-return]
            name, method, opname, 5, -1 if known else -3, resolve)
    adopting.__name__ = adopting.__qualname__ = name
    adopting.__doc__ = method.__doc__
    return adopting


def _inplace_method(name: str) -> Callable[..., Any]:
    """A method that writes into the array (``sort``, ``fill``, ...): the write is checked first."""
    meth = getattr(_ndarray, name)
    opname = OpName(f".{name}()")
    outname = OpName(f".{name}(out=...)")

    def method(self: SafeArray, *args: Any, **kwargs: Any) -> Any:
        rc = _getrefcount(self)
        temp = rc <= _TEMP_METHOD and (not _AMBIG_METHOD or not _held_by_caller(self, 1))
        if self._base is not None or temp:
            _on_write(self, opname, temp, _METHOD)
        srcs: list[Any] = [self]
        written: list[Any] = [self]
        if args:
            args = tuple([_unwrap(x, srcs) for x in args])
        if kwargs:
            kwargs = _unwrap_kwargs(kwargs, srcs, written, outname)
        r = _run(meth, (self._a, *args), kwargs, written, opname, srcs)
        return _wrap(r, srcs, opname)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place :meth:`numpy.ndarray.{name}`; the write goes through the write policy."
    return method


def _binary(op: Callable[[Any, Any], Any], name: str) -> Callable[[SafeArray, Any], Any]:
    def method(self: SafeArray, other: Any) -> Any:
        t = _type(other)
        if _stale_reads:
            _stale.check_inputs([self, other] if t is Copy or t is View else [self], [], name)
        if t is Copy or t is View:
            other = other._a
        r = op(self._a, other)
        if type(r) is _ndarray and r.base is None:
            return _copy(r)
        return _wrap(r, [self], name)

    method.__name__ = method.__qualname__ = f"__{name}__"
    return method


def _reflected(op: Callable[[Any, Any], Any], name: str) -> Callable[[SafeArray, Any], Any]:
    def method(self: SafeArray, other: Any) -> Any:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        r = op(other, self._a)
        if type(r) is _ndarray and r.base is None:
            return _copy(r)
        return _wrap(r, [self], name)

    method.__name__ = method.__qualname__ = f"__r{name}__"
    return method


def _inplace(symbol: str) -> Callable[[SafeArray, Any], SafeArray]:
    """Pure-Python ``__iadd__`` & co (the compiled core has them as type slots)."""

    def method(self: SafeArray, other: Any) -> SafeArray:
        rc = _getrefcount(self)
        if self._base is not None:
            temp = rc <= _TEMP_INPLACE and (not _AMBIG_INPLACE or not _held_by_caller(self, 1))
            return _judged_inplace(self, other, symbol, temp)
        return _apply_inplace(self, other, symbol)

    method.__name__ = method.__qualname__ = f"__i{_INPLACE_NAMES[symbol]}__"
    return method


#: In-place operators: symbol -> function.
_INPLACE_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.iadd, "-": operator.isub, "*": operator.imul, "/": operator.itruediv,
    "//": operator.ifloordiv, "%": operator.imod, "**": operator.ipow, "@": operator.imatmul,
    "&": operator.iand, "|": operator.ior, "^": operator.ixor, "<<": operator.ilshift,
    ">>": operator.irshift,
}
_INPLACE_LABELS = {symbol: OpName(f"{symbol}=") for symbol in _INPLACE_OPS}
_INPLACE_NAMES = {
    "+": "add", "-": "sub", "*": "mul", "/": "truediv", "//": "floordiv", "%": "mod", "**": "pow",
    "@": "matmul", "&": "and", "|": "or", "^": "xor", "<<": "lshift", ">>": "rshift",
}


def _field_key(a: NDArray[Any], key: int) -> str:
    """``rec[0]`` on a record (a 0-d structured array): the name of that field."""
    names = a.dtype.names or ()
    if not -len(names) <= key < len(names):
        raise IndexError(f"invalid index {key} for a record of {len(names)} fields")
    return names[key]


def _store(self: SafeArray, key: Any, value: Any) -> None:
    """``self._a[key] = value`` with tagged keys and values unwrapped; read-only is ReadOnlyError."""
    t = _type(key)
    if t is Copy or t is View:
        key = key._a
    elif t is int and self._a.ndim == 0 and self._a.dtype.names is not None:
        key = _field_key(self._a, key)
    source = value
    t = _type(value)
    if t is Copy or t is View:
        if value._stale is not None:
            _stale.stale_source(value, self, key)
        elif t is View and _type(key) is int and _stale._holder(value) is _stale._holder(self):
            _stale.compiled_swap(self, key, value)
        value = value._a
    try:
        self._a[key] = value
    except ValueError as exc:
        if _is_readonly_error(exc, self._a):
            raise _readonly_error(self, key) from None
        raise
    _stale.wrote(self, key, source)


def _same_key(a: object, b: object) -> bool:
    """The same index key, compared by value for ints, slices and tuples of them (CPython
    3.12+ builds a new slice object for the load and for the store of ``x[i:j] += v``)."""
    if a is b:
        return True
    t = _type(a)
    if t is not _type(b):
        return False
    if t is int:
        return bool(a == b)
    if t is slice:
        sa: Any = a
        sb: Any = b
        return (_same_key(sa.start, sb.start) and _same_key(sa.stop, sb.stop)
                and _same_key(sa.step, sb.step))
    if t is tuple:
        ta: Any = a
        tb: Any = b
        return len(ta) == len(tb) and all(_same_key(x, y) for x, y in zip(ta, tb))
    return False


def _judged_setitem(self: SafeArray, key: Any, value: Any, temp: bool) -> None:
    """``self[key] = value`` into a View or a temporary: judge the write, then do it."""
    # ``x[k] op= v`` stores its temporary View back into ``x``: that write was already
    # judged by the in-place operator, and it copies nothing new.
    if not (type(value) is View and _same_key(value._op, key)
            and (value._src is self or value._src is self._a)):
        _on_write(self, key, temp, _SETITEM)
    _store(self, key, value)


def _apply_inplace(self: SafeArray, other: Any, symbol: str) -> SafeArray:
    source = other
    t = _type(other)
    if t is Copy or t is View:
        if other._stale is not None:
            _stale.stale_source(other, self, _INPLACE_LABELS[symbol])
        other = other._a
    try:
        _INPLACE_OPS[symbol](self._a, other)
    except ValueError as exc:
        if _is_readonly_error(exc, self._a):
            raise _readonly_error(self, _INPLACE_LABELS[symbol]) from None
        raise
    _stale.wrote(self, None, source, _INPLACE_LABELS[symbol])
    return self


def _judged_inplace(self: SafeArray, other: Any, symbol: str, temp: bool) -> SafeArray:
    """``self op= other`` on a View: judge the write, then do it."""
    _on_write(self, _INPLACE_LABELS[symbol], temp, _INPLACE)
    return _apply_inplace(self, other, symbol)


def _unary(op: Callable[[Any], Any], name: str) -> Callable[[SafeArray], Any]:
    def method(self: SafeArray) -> Any:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        r = op(self._a)
        if type(r) is _ndarray and r.base is None:
            return _copy(r)
        return _wrap(r, [self], name)

    method.__name__ = method.__qualname__ = f"__{name}__"
    return method


#: The names NumPy accepts for the writeable flag, by attribute and by key.
_WRITEABLE_NAMES = frozenset({"writeable", "WRITEABLE", "W"})


class _Flags:
    """An array's flags (``x.flags.writeable``, ``x.flags["C_CONTIGUOUS"]``), set as NumPy
    allows, with one exception: a read-only array is never made writable again."""

    __slots__ = ("_f",)
    _f: Any

    def __init__(self, flags: Any) -> None:
        object.__setattr__(self, "_f", flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)

    def __getitem__(self, name: str) -> Any:
        return self._f[name]

    def __setattr__(self, name: str, value: object) -> None:
        if name in _WRITEABLE_NAMES and value and not self._f.writeable:
            raise ReadOnlyError(
                f"flags.{name} = True: this array is read-only and stays so; use .copy() for a "
                f"writable Copy."
            )
        if name.isupper():  # x.flags["WRITEABLE"] = ..., "W", "A", ...: NumPy's own rules
            self._f[name] = value
        else:
            setattr(self._f, name, value)

    __setitem__ = __setattr__

    def __repr__(self) -> str:
        return repr(self._f)



# --------------------------------------------------------------------------------------
# NumPy's setters: writes into the array, judged first

_OP_BYTESWAP = OpName(".byteswap(inplace=True)")
_SET_OPS = {name: OpName(f".{name} = ...") for name in ("real", "imag", "flat")}
_OP_FLAT_SET = OpName(".flat[...] = ...")


def _set_part(x: SafeArray, name: str, value: Any, temp: bool) -> None:
    """``x.real = v``, ``x.imag = v``, ``x.flat = v``: a write into ``x``'s elements, as
    NumPy does it, judged by the write policy first (``temp``: ``x`` is a temporary)."""
    op = _SET_OPS.get(name)
    if op is None:  # ``x.T = ...``: NumPy's own error
        setattr(x._a, name, value)
        return
    if x._base is not None or temp:
        _on_write(x, op, temp, _METHOD)
    srcs: list[Any] = []
    _run(setattr, (x._a, name, _unwrap(value, srcs)), {}, [x], op, srcs)


class _Flat:
    """``x.flat``: NumPy's flat iterator over ``x``, whose writes (``x.flat[k] = v``) go
    through the write policy, and whose ``base`` is ``x``."""

    __slots__ = ("_x", "_it")

    def __init__(self, x: SafeArray) -> None:
        self._x = x
        self._it = x._a.flat

    @property
    def base(self) -> SafeArray:
        """The array iterated over."""
        return self._x

    @property
    def coords(self) -> tuple[int, ...]:
        """The N-dimensional index of the next element."""
        value: tuple[int, ...] = self._it.coords
        return value

    @property
    def index(self) -> int:
        """The flat index of the next element."""
        value: int = self._it.index
        return value

    def __iter__(self) -> _Flat:
        return self

    def __next__(self) -> Any:
        return next(self._it)

    def __len__(self) -> int:
        return len(self._it)

    def __getitem__(self, key: Any) -> Any:
        srcs: list[Any] = []
        return _wrap(self._it[_unwrap(key, srcs)], [], _OP_FLAT_SET)  # NumPy copies

    def __setitem__(self, key: Any, value: Any) -> None:
        x = self._x
        if x._base is not None:
            _on_write(x, _OP_FLAT_SET, False, _METHOD)
        srcs: list[Any] = []
        _run(self._it.__setitem__, (_unwrap(key, srcs), _unwrap(value, srcs)), {}, [x], _OP_FLAT_SET,
             srcs)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        return _asarray(self._it, dtype=dtype)

    def copy(self) -> Copy:
        """A 1-d Copy of the elements, as :meth:`numpy.flatiter.copy`."""
        return _copy(self._it.copy())

    def __repr__(self) -> str:
        return f"<safearray flat iterator over {type(self._x).__name__} of shape {self._x.shape}>"


# --------------------------------------------------------------------------------------
# the classes


#: The modules whose Python code sees ``x.__class__`` as ``numpy.ndarray`` (``type(x)`` is
#: always safearray's): NumPy's own (numpy.testing, numpy.polynomial, numpy.ma, ...), and the
#: two of pandas that decide whether an indexing key is a boolean mask (``is_bool_indexer``,
#: ``check_bool_indexer``'s array-like test: ``s[mask]``, ``df.loc[mask]``), which then convert
#: it with ``np.asarray``. The compiled core's ``__class__`` is given this tuple.
_ARRAY_CALLERS = ("numpy.", "pandas.core.common", "pandas.core.dtypes.common")


class _PyBase:
    """Pure-Python twin of ``safearray._speedups.ArrayBase``: the five fields of a tagged array."""

    __slots__ = ("_a", "_base", "_src", "_op", "_policy", "_views", "_hub", "_stale", "__weakref__")

    if not TYPE_CHECKING:

        @property
        def __class__(self):
            # ``type(x)`` everywhere, except to the Python code of _ARRAY_CALLERS, called with
            # SafeArrays by drop-in code: its ``isinstance(x, ndarray)`` checks then take the
            # path they take for an ndarray (the ones that matter convert with ``np.asarray``
            # next, which unwraps)
            if _getframe(1).f_globals.get("__name__", "").startswith(_ARRAY_CALLERS):
                return _ndarray
            return _type(self)

    _a: Any  # the ndarray (typed Any inside safearray: NumPy's stubs are looser than strict checkers)
    _base: object
    _src: object
    _op: object
    _policy: str | None
    _views: list[Any] | None  # on a Copy or a hub: weak references to its live Views (pure Python)
    _hub: Any  # on a View of memory safearray does not own: the View whose registry holds it
    _stale: Any  # on a stale View: what wrote its bytes after it was made (_stale.Staling)


if TYPE_CHECKING:
    _Base = _PyBase
else:
    _Base = _PyBase if _speedups is None else _speedups.ArrayBase


class SafeArray(_Base, Generic[ScalarT_co]):
    """An array that always knows whether it shares memory: either a :class:`View` or a :class:`Copy`.

    Do not instantiate it directly; use :func:`safearray.asarray` or any other
    creation function. ``isinstance(x, safearray.ndarray)`` holds for every
    tagged array.

    Examples
    --------
    >>> import safearray as sa
    >>> data = sa.arange(5.0)
    >>> data
    Copy([0., 1., 2., 3., 4.])
    >>> data[1:3]
    View([1., 2.], base=Copy(shape=(5,), dtype=float64))
    >>> data[[0, 2]]
    Copy([0., 2.])
    """

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
    __array_priority__ = 20.0

    if not TYPE_CHECKING:


        def __class_getitem__(cls, params):
            # ``np.ndarray[tuple[int], np.dtype[T]]``, NumPy's two parameters (shape, dtype),
            # in code that imports safearray as np: an alias, as NumPy's is at run time
            if type(params) is tuple and len(params) == 2:
                return types.GenericAlias(cls, params)
            return super().__class_getitem__(params)

    def __new__(cls, *args: object, **kwargs: object) -> SafeArray:
        raise SafeArrayTypeError(
            f"{cls.__name__} cannot be instantiated directly; use safearray.asarray(), "
            f"safearray.array() or another creation function."
        )

    # ---- information --------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        """Tuple of array dimensions, as :attr:`numpy.ndarray.shape`.

        Setting it reshapes the array in place, by NumPy's rules (no copy; an error when the
        memory layout does not allow it).

        Examples
        --------
        >>> import safearray as sa
        >>> x = sa.arange(6)
        >>> x.shape = (2, 3)
        >>> x.shape
        (2, 3)
        """
        value: tuple[int, ...] = self._a.shape
        return value

    @shape.setter
    def shape(self, value: Any) -> None:
        self._a.shape = value  # the same bytes seen another way: nothing is written

    @property
    def dtype(self) -> np.dtype[Any]:
        """Data type of the elements, as :attr:`numpy.ndarray.dtype` (set as NumPy allows)."""
        value: np.dtype[Any] = self._a.dtype
        return value

    @dtype.setter
    def dtype(self, value: Any) -> None:
        self._a.dtype = value

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        value: int = self._a.ndim
        return value

    @property
    def size(self) -> int:
        """Number of elements."""
        value: int = self._a.size
        return value

    @property
    def nbytes(self) -> int:
        """Bytes taken by the elements (not by the whole buffer of a View)."""
        value: int = self._a.nbytes
        return value

    @property
    def itemsize(self) -> int:
        """Bytes of one element."""
        value: int = self._a.itemsize
        return value

    @property
    def strides(self) -> tuple[int, ...]:
        """Bytes to step in each dimension (set as NumPy allows, with its warnings)."""
        value: tuple[int, ...] = self._a.strides
        return value

    @strides.setter
    def strides(self, value: Any) -> None:
        self._a.strides = value

    @property
    def flags(self) -> _Flags:
        """Memory layout information; read-only (use :meth:`readonly` to forbid writes)."""
        return _Flags(self._a.flags)

    @property
    def device(self) -> str:
        """Always ``"cpu"``."""
        return "cpu"

    @property
    def flat(self) -> Any:
        """A flat iterator over the elements, as :attr:`numpy.ndarray.flat`.

        Writes through it (``x.flat[3] = v``) and to it (``x.flat = v``) are writes into
        ``x``, judged by the write policy; reading ``x.flat[k]`` gives NumPy's copies.

        Examples
        --------
        >>> import safearray as sa
        >>> list(sa.arange(4).reshape(2, 2).flat)
        [np.int64(0), np.int64(1), np.int64(2), np.int64(3)]
        >>> x = sa.zeros(3)
        >>> x.flat = 7
        >>> x
        Copy([7., 7., 7.])
        """
        return _Flat(self)

    @flat.setter
    def flat(self, value: Any) -> None:
        rc = _getrefcount(self)
        _set_part(self, "flat", value, rc <= _TEMP_SETATTR and (not _AMBIG_SETATTR or not _held_by_caller(self, 1)))

    @property
    def base(self) -> object:
        """For a View, the object that owns its memory (a Copy, an ndarray or a buffer); for a Copy, None.

        The base of a read-only View is read-only too, so that there is no way back to writing:
        a read-only View of the Copy, a read-only ndarray (that NumPy cannot make writable)
        of an ndarray, a read-only memoryview of a writable buffer.

        Examples
        --------
        >>> import safearray as sa
        >>> x = sa.arange(4)
        >>> x[1:].base is x
        True
        >>> r = x.readonly()
        >>> type(r.base).__name__, r.base.flags.writeable, sa.shares_memory(r.base, x)
        ('View', False, True)
        """
        b = self._base
        if b is None or self._a.flags.num & _policy.NPY_WRITEABLE:
            return b
        return _readonly_owner(self)

    @property
    def T(self, *_: Any) -> View[ScalarT_co]:
        """Transposed View, as :attr:`numpy.ndarray.T`."""
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        if _PURE and _getrefcount(self) <= _TEMP_ATTR:
            r = self._a.T
            return _adopting(r, self, _OP_T, 1)  # type: ignore[no-any-return]
        view: View[ScalarT_co] = _wrap1(self._a.T, self, _OP_T)
        return view

    @property
    def mT(self, *_: Any) -> View[ScalarT_co]:
        """View transposing the last two axes, as :attr:`numpy.ndarray.mT`."""
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        if _PURE and _getrefcount(self) <= _TEMP_ATTR:
            r = self._a.mT
            return _adopting(r, self, _OP_MT, 1)  # type: ignore[no-any-return]
        view: View[ScalarT_co] = _wrap1(self._a.mT, self, _OP_MT)
        return view

    @property
    def real(self, *_: Any) -> Any:
        """Real part: a View for complex arrays, the array itself otherwise.

        Setting it writes the real parts (``x.real = 0``), judged by the write policy.
        """
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        if _PURE and _getrefcount(self) <= _TEMP_ATTR:
            r = self._a.real
            return _adopting(r, self, _OP_REAL, 1)
        return _wrap1(self._a.real, self, _OP_REAL)

    @real.setter
    def real(self, value: Any, *_: Any) -> None:
        rc = _getrefcount(self)
        _set_part(self, "real", value, rc <= _TEMP_SETATTR and (not _AMBIG_SETATTR or not _held_by_caller(self, 1)))

    @property
    def imag(self, *_: Any) -> Any:
        """Imaginary part: a View for complex arrays, a read-only zero Copy otherwise.

        Setting it writes the imaginary parts of a complex array, judged by the write policy.
        """
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        if _PURE and _getrefcount(self) <= _TEMP_ATTR:
            r = self._a.imag
            return _adopting(r, self, _OP_IMAG, 1)
        return _wrap1(self._a.imag, self, _OP_IMAG)

    @imag.setter
    def imag(self, value: Any, *_: Any) -> None:
        rc = _getrefcount(self)
        _set_part(self, "imag", value, rc <= _TEMP_SETATTR and (not _AMBIG_SETATTR or not _held_by_caller(self, 1)))

    # ---- indexing ---------------------------------------------------------------------

    def _py_getitem(self, key: Any, *_: Any) -> Any:
        # ``*_``: not a "simple" function, so CPython does not specialise x[k] into a call
        # that moves the operand into this frame (the reference counts would change with
        # how hot the line is); the same holds for the properties below.
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        rc = _getrefcount(self)
        t = _type(key)
        if t is Copy or t is View:
            key = key._a
        a = self._a
        if t is int and a.ndim == 0 and a.dtype.names is not None:  # rec[0]: a field by position
            key, t = _field_key(a, key), str
        r = a[key]
        if type(r) is not _ndarray:
            if type(r) is not _void or a.dtype.names is None:
                return r  # NumPy's scalar, or the object of an object array
            r = a[(*key, Ellipsis) if t is tuple else (key, Ellipsis)]  # a record: a View
        elif t is str and r.ndim == 0 and a.ndim == 0:
            return r[()]  # a record's field: NumPy's scalar
        if type(r) is _ndarray:
            rb = r.base
            if rb is a or (rb is not None and (rb is a.base or _root(r) is _root(a))):
                if rc <= _TEMP_GETITEM and (not _AMBIG_GETITEM or not _held_by_caller(self, 1)):
                    if _type(self) is Copy:
                        del a, rb
                        if _py_memory_private(self, r, 0):
                            return _copy(r)
                    else:  # a View of a temporary View: made from what that was made from
                        v = _view_of(r, self, key)
                        v._src = self._src
                        return v
                return _view_of(r, self, key)
            if a.dtype.hasobject and _is_element(a, key, r):
                return r  # an ndarray held by an object array: the object itself
            return _copy(r)
        return r

    def _py_setitem(self, key: Any, value: Any) -> None:
        rc = _getrefcount(self)
        if self._base is not None or rc <= _TEMP_SETITEM:
            temp = rc <= _TEMP_SETITEM and (not _AMBIG_SETITEM or not _held_by_caller(self, 1))
            _judged_setitem(self, key, value, temp)
        else:
            _store(self, key, value)

    def __len__(self) -> int:
        try:
            n: int = len(self._a)
        except TypeError:
            names = self._a.dtype.names
            if self._a.ndim or names is None:
                raise
            return len(names)  # a record: its number of fields, as NumPy's
        return n

    def __iter__(self) -> Iterator[Any]:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        if self._a.ndim == 0:
            names = self._a.dtype.names
            if names is None:
                raise TypeError("iteration over a 0-d array")
            fields: list[Any] = [self[name] for name in names]
            return iter(fields)  # a record: its fields' values
        return self._items()

    def _items(self) -> Iterator[Any]:
        for i in range(len(self._a)):
            yield self[i]

    def __contains__(self, value: object) -> bool:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return value in self._a

    # ---- conversion ---------------------------------------------------------------

    def __bool__(self) -> bool:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return bool(self._a)

    def __int__(self) -> int:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return int(self._a)

    def __float__(self) -> float:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return float(self._a)

    def __complex__(self) -> complex:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return complex(self._a)

    def __index__(self) -> int:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        i: int = operator.index(self._a)
        return i

    def __format__(self, spec: str) -> str:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return format(self._a, spec)

    def __round__(self, ndigits: int | None = None) -> Any:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return _wrap1(round(self._a, ndigits), self, _OP_ROUND)

    def to_numpy(self, dtype: Any = None, copy: bool = False) -> NDArray[Any]:
        """The array as an ndarray, as ``np.asarray(x, dtype)`` gives it (``copy=True``: always
        a new, writable one). Data libraries look for this method (matplotlib, seaborn and
        others call ``to_numpy()`` on what they are given, as for pandas and xarray objects).

        >>> import safearray as sa
        >>> sa.arange(3).to_numpy()
        array([0, 1, 2])
        >>> sa.arange(3).to_numpy().flags.writeable  # read-only under "warn" and "raise"
        False
        """
        if copy:
            return np.array(self, dtype=dtype, copy=True)
        return np.asarray(self, dtype=dtype)

    def tolist(self) -> Any:
        """The array as nested Python lists, as :meth:`numpy.ndarray.tolist`."""
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return self._a.tolist()

    def item(self, *args: Any) -> Any:
        """One element as a Python scalar, as :meth:`numpy.ndarray.item`."""
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return self._a.item(*args)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> NDArray[Any]:
        """NumPy 2's conversion protocol (``np.asarray(x)``): the memory as an ndarray, read-only
        under "warn" and "raise", copied if asked or if the caller is pandas, as NumPy would hand
        it out if the caller is NumPy's own Python code (docs/interop.md, "What a library
        receives")."""
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        a = self._a
        if dtype is not None and np.dtype(dtype) != a.dtype:
            if copy is False:
                raise CopyRequiredError(
                    f"__array__(dtype={dtype!r}, copy=False): changing dtype from {a.dtype} "
                    f"needs a copy."
                )
            converted: NDArray[Any] = a.astype(dtype, order="C")  # NumPy's __array__: C order
            return converted
        caller = "" if copy else _getframe(1).f_globals.get("__name__", "")
        if copy or (copy is None and caller.startswith("pandas.")):
            # pandas copies an ndarray it is given and keeps anything else it converts: it gets
            # its own copy of a SafeArray too, so neither side changes the other afterwards
            copied: NDArray[Any] = a.copy()
            return copied
        if caller.startswith("numpy."):
            # NumPy's own Python code (numpy.ma, numpy.lib, ...) gets the memory as NumPy would
            # (a masked array over x writes into x), as DLPack shares it
            return _policy.export(self)
        return _policy.handout(self)

    def __array_namespace__(self, *, api_version: str | None = None) -> Any:
        """The Array API namespace of safearray (:mod:`safearray.array_api`)."""
        namespace = _namespace if _namespace is not None else _array_api()
        if api_version is not None and api_version not in namespace.SUPPORTED_VERSIONS:
            raise SafeArrayValueError(
                f"api_version={api_version!r} is not supported; use one of "
                f"{', '.join(namespace.SUPPORTED_VERSIONS)} or None."
            )
        return namespace

    def __dlpack__(
        self,
        *,
        stream: Any = None,
        max_version: tuple[int, int] | None = None,
        dl_device: tuple[int, int] | None = None,
        copy: bool | None = None,
    ) -> Any:
        """Export through DLPack, as :meth:`numpy.ndarray.__dlpack__`."""
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        kwargs: dict[str, Any] = {}
        if max_version is not None:
            kwargs["max_version"] = max_version
        if dl_device is not None:
            kwargs["dl_device"] = dl_device
        if copy is not None:
            kwargs["copy"] = copy
        return _policy.export(self).__dlpack__(stream=stream, **kwargs)

    def __dlpack_device__(self) -> tuple[int, int]:
        """The DLPack device: always the CPU."""
        device: tuple[int, int] = self._a.__dlpack_device__()
        return device

    def to_device(self, device: Any, /, *, stream: Any = None) -> SafeArray:
        """Return the array itself: ``device`` must be ``"cpu"``."""
        check_device(device)
        return self

    def __copy__(self) -> Copy:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return _copy(self._a.__copy__())  # NumPy's: the layout kept ("K")

    def __deepcopy__(self, memo: Any) -> Copy:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return _copy(self._a.__deepcopy__(memo))  # NumPy's: object elements copied too

    # NumPy's raw access, handed over (a ``__getattr__`` would slow every attribute lookup)

    @property
    def ctypes(self) -> Any:
        """NumPy's ``x.ctypes`` of the memory (raw pointers bypass the write policy: one
        :class:`~safearray.UncoveredWarning` says so)."""
        _warn_uncovered("x.ctypes", "raw pointers bypass the write policy; NumPy's own object is returned")
        return self._a.ctypes

    @property
    def data(self) -> memoryview:
        """NumPy's ``x.data``, a memoryview of the memory (writes through it bypass the write
        policy: one :class:`~safearray.UncoveredWarning` says so)."""
        _warn_uncovered("x.data", "a buffer's writes bypass the write policy; NumPy's own object is returned")
        view: memoryview = self._a.data
        return view

    # a View of a mapped file: NumPy's memmap knows the file

    def _mapped(self, name: str) -> Any:
        m = None
        for m in (self._a, self._base):  # the owner too: a sealed ndarray hides the chain
            while m is not None and not isinstance(m, _memmap):
                m = getattr(m, "base", None)
            if m is not None:
                break
        if m is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r} "
                                 f"(it is not a View of a mapped file)")
        return getattr(m, name)

    @property
    def filename(self) -> Any:
        """The mapped file's path, as :attr:`numpy.memmap.filename`."""
        return self._mapped("filename")

    @property
    def offset(self) -> int:
        """Where the array starts in the mapped file, as :attr:`numpy.memmap.offset`."""
        value: int = self._mapped("offset")
        return value

    @property
    def mode(self) -> str:
        """The mapped file's mode, as :attr:`numpy.memmap.mode`."""
        value: str = self._mapped("mode")
        return value

    def flush(self) -> None:
        """Write the mapped file's changes to disk, as :meth:`numpy.memmap.flush`."""
        self._mapped("flush")()

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickling always gives a Copy: once unpickled, nothing shares the memory.
        return (_rebuild, (self._a,))

    # ---- NumPy protocols --------------------------------------------------------------

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        for x in inputs:
            if not isinstance(x, _KNOWN_TYPES):
                kind = _type(x)
                hook = getattr(kind, "__array_ufunc__", _ndarray.__array_ufunc__)
                if hook is not _ndarray.__array_ufunc__:
                    return NotImplemented  # another array type (or an opt-out) decides
        return call_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(
        self, func: Callable[..., Any], types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        rc = _getrefcount(self)
        for t in types:
            if t is not View and t is not Copy and not issubclass(t, _KNOWN_TYPES):
                return NotImplemented
        if rc <= _TEMP_DISPATCH and _type(self) is Copy:
            # ``np.reshape(np.arange(6), (2, 3))``: the only View of a temporary owns its memory
            if not _AMBIG_DISPATCH or not _held_by_caller(self, 1):
                return _py_adopt(call_function(func, args, kwargs), self)
        return call_function(func, args, kwargs)

    # ---- shape and memory -------------------------------------------------------------

    def reshape(
        self, *shape: Any, order: str = "C", copy: bool | None = None
    ) -> View[ScalarT_co] | Copy[ScalarT_co]:
        """Reshape, as :meth:`numpy.ndarray.reshape` with NumPy 2.1's ``copy``.

        A View when NumPy can avoid the copy, a Copy otherwise; ``copy=False``
        raises :class:`~safearray.CopyRequiredError` when only a copy would do.

        Examples
        --------
        >>> import safearray as sa
        >>> x = sa.arange(6)
        >>> type(x.reshape(2, 3)).__name__
        'View'
        >>> type(x.reshape(2, 3).T.reshape(6)).__name__
        'Copy'
        """
        if _PURE and _getrefcount(self) <= _TEMP_METHOD:
            if not _AMBIG_METHOD or not _held_by_caller(self, 1):
                out = SafeArray._reshape(self, *shape, order=order, copy=copy)
                return _py_adopt(out, self) if _type(self) is Copy else _through(out, self)  # type: ignore[no-any-return]
        return SafeArray._reshape(self, *shape, order=order, copy=copy)

    def _reshape(
        self, *shape: Any, order: str = "C", copy: bool | None = None
    ) -> View[ScalarT_co] | Copy[ScalarT_co]:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        if copy is None and order == "C":  # the common case, kept short
            fast: View[ScalarT_co] | Copy[ScalarT_co] = _wrap1(self._a.reshape(*shape), self, _OP_RESHAPE)
            return fast
        copy = check_copy(copy)
        order = check_order(order, "CFA") or "C"
        if len(shape) == 1:
            shape = shape[0]
        a = self._a
        r = a.reshape(shape, order=order)
        if copy:
            return _copy(r.copy(order="K") if _shares_root(r, a) or r is a else r)
        if copy is False and r is not a and not _shares_root(r, a) and r.size:
            raise CopyRequiredError(
                f"reshape(copy=False): the memory layout of this {self.shape} array (strides "
                f"{self.strides}) cannot be viewed as {r.shape} in order {order!r}; "
                f"use copy=None to allow a copy."
            )
        result: View[ScalarT_co] | Copy[ScalarT_co] = _wrap1(r, self, _OP_RESHAPE)
        return result

    @overload
    def astype(
        self, dtype: type[_T], order: str = "K", casting: str = "unsafe", subok: bool = True,
        copy: Literal[True] = True,
    ) -> Copy[_T]: ...
    @overload
    def astype(
        self, dtype: Any, order: str = "K", casting: str = "unsafe", subok: bool = True,
        copy: Literal[True] = True,
    ) -> Copy[Any]: ...
    @overload
    def astype(
        self, dtype: Any, order: str = "K", casting: str = "unsafe", subok: bool = True, copy: bool = True
    ) -> SafeArray[Any]: ...
    def astype(
        self, dtype: Any, order: str = "K", casting: str = "unsafe", subok: bool = True, copy: bool = True
    ) -> Any:
        """Cast to ``dtype``: a Copy, or the array itself when ``copy=False`` and nothing changes."""
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        dt = check_dtype(dtype)
        checked = check_copy(copy)
        order = check_order(order) or "K"
        r = self._a.astype(dt, order=order, casting=casting, copy=bool(checked))
        return _wrap1(r, self, _OP_ASTYPE)

    def copy(self, order: str = "C") -> Copy[ScalarT_co]:
        """An independent Copy of the array, in ``order`` (C by default), as
        :meth:`numpy.ndarray.copy` (the function :func:`safearray.copy` keeps the layout, "K").

        Examples
        --------
        >>> import safearray as sa
        >>> v = sa.arange(4)[1:]
        >>> c = v.copy()
        >>> type(c).__name__, c.base is None
        ('Copy', True)
        """
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        if order == "C":
            return _copy(self._a.copy())
        return _copy(self._a.copy(order=check_order(order) or "C"))

    def flatten(self, order: str = "C") -> Copy[ScalarT_co]:
        """A one-dimensional Copy, as :meth:`numpy.ndarray.flatten`."""
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return _copy(self._a.flatten(order=check_order(order) or "C"))

    def readonly(self) -> View[ScalarT_co]:
        """A read-only View of the same memory; writes through it raise :class:`~safearray.ReadOnlyError`.

        Examples
        --------
        >>> import safearray as sa
        >>> x = sa.zeros(3)
        >>> r = x.readonly()
        >>> r[0] = 1.0
        Traceback (most recent call last):
        ...
        safearray.ReadOnlyError: assignment [0]: cannot write into a read-only View (.readonly() of Copy(shape=(3,), dtype=float64)); use .copy() to get a writable Copy.
        """
        return _view_of(_seal(self._a), self, _OP_READONLY)

    def with_policy(self, mode: str) -> View[ScalarT_co]:
        """A View of the same memory whose writes follow ``mode`` ("allow", "warn" or "raise").

        Examples
        --------
        >>> import safearray as sa
        >>> data = sa.zeros(4)
        >>> head = data[:2].with_policy("allow")
        >>> head[:] = 1.0   # an intended write-through: no warning
        >>> data
        Copy([1., 1., 0., 0.])
        """
        v = _view_of(self._a.view(), self, _OP_WITH_POLICY)
        v._policy = _policy.check_mode(mode)
        return v

    def byteswap(self, inplace: bool = False) -> Any:
        """Swap the bytes of each element: a new Copy, or in place (a checked write) if ``inplace``."""
        if inplace:
            rc = _getrefcount(self)  # ``a.view(...).byteswap(inplace=True)``: a write into a
            temp = rc <= _TEMP_METHOD and (not _AMBIG_METHOD or not _held_by_caller(self, 1))
            if self._base is not None or temp:
                _on_write(self, _OP_BYTESWAP, temp, _METHOD)
            _run(self._a.byteswap, (True,), {}, [self], _OP_BYTESWAP)
            return self
        return _copy(self._a.byteswap(False))

    def setflags(self, write: bool | None = None, align: bool | None = None, uic: bool | None = None) -> None:
        """Set flags; a read-only array cannot be made writable again (use :meth:`copy`)."""
        if write and not self._a.flags.writeable:
            raise ReadOnlyError(
                "setflags(write=True): this array is read-only and stays so; use .copy() for a "
                "writable Copy."
            )
        self._a.setflags(write=write, align=align, uic=uic)

    # ---- generated from tables -----------------------------------------------------

    if TYPE_CHECKING:  # what the generated methods and the compiled slots give
        @overload
        def __getitem__(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
            self, key: AdvancedKey
        ) -> Copy[ScalarT_co]: ...
        @overload
        def __getitem__(  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]
            self, key: IntegerKey
        ) -> View[ScalarT_co] | ScalarT_co: ...
        @overload
        def __getitem__(self, key: BasicKey) -> View[ScalarT_co]: ...
        def __getitem__(self, key: Any) -> Any: ...
        def __setitem__(self, key: Any, value: Any) -> None: ...
        def __add__(self, other: Any) -> Copy[Any]: ...
        def __radd__(self, other: Any) -> Copy[Any]: ...
        def __sub__(self, other: Any) -> Copy[Any]: ...
        def __rsub__(self, other: Any) -> Copy[Any]: ...
        def __mul__(self, other: Any) -> Copy[Any]: ...
        def __rmul__(self, other: Any) -> Copy[Any]: ...
        def __truediv__(self, other: Any) -> Copy[Any]: ...
        def __rtruediv__(self, other: Any) -> Copy[Any]: ...
        def __floordiv__(self, other: Any) -> Copy[Any]: ...
        def __rfloordiv__(self, other: Any) -> Copy[Any]: ...
        def __mod__(self, other: Any) -> Copy[Any]: ...
        def __rmod__(self, other: Any) -> Copy[Any]: ...
        def __pow__(self, other: Any) -> Copy[Any]: ...
        def __rpow__(self, other: Any) -> Copy[Any]: ...
        def __matmul__(self, other: Any) -> Copy[Any]: ...
        def __rmatmul__(self, other: Any) -> Copy[Any]: ...
        def __and__(self, other: Any) -> Copy[Any]: ...
        def __rand__(self, other: Any) -> Copy[Any]: ...
        def __or__(self, other: Any) -> Copy[Any]: ...
        def __ror__(self, other: Any) -> Copy[Any]: ...
        def __xor__(self, other: Any) -> Copy[Any]: ...
        def __rxor__(self, other: Any) -> Copy[Any]: ...
        def __lshift__(self, other: Any) -> Copy[Any]: ...
        def __rlshift__(self, other: Any) -> Copy[Any]: ...
        def __rshift__(self, other: Any) -> Copy[Any]: ...
        def __rrshift__(self, other: Any) -> Copy[Any]: ...
        def __divmod__(self, other: Any) -> tuple[Copy[Any], Copy[Any]]: ...
        def __rdivmod__(self, other: Any) -> tuple[Copy[Any], Copy[Any]]: ...
        def __lt__(self, other: Any) -> Copy[np.bool_]: ...
        def __le__(self, other: Any) -> Copy[np.bool_]: ...
        def __gt__(self, other: Any) -> Copy[np.bool_]: ...
        def __ge__(self, other: Any) -> Copy[np.bool_]: ...
        def __eq__(self, other: object) -> Copy[np.bool_]: ...  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        def __ne__(self, other: object) -> Copy[np.bool_]: ...  # type: ignore[override]  # pyright: ignore[reportIncompatibleMethodOverride]
        def __neg__(self) -> Copy[ScalarT_co]: ...
        def __pos__(self) -> Copy[ScalarT_co]: ...
        def __invert__(self) -> Copy[ScalarT_co]: ...
        def __abs__(self) -> Copy[Any]: ...
        def __iadd__(self, other: Any) -> Self: ...
        def __isub__(self, other: Any) -> Self: ...
        def __imul__(self, other: Any) -> Self: ...
        def __itruediv__(self, other: Any) -> Self: ...
        def __ifloordiv__(self, other: Any) -> Self: ...
        def __imod__(self, other: Any) -> Self: ...
        def __ipow__(self, other: Any) -> Self: ...
        def __imatmul__(self, other: Any) -> Self: ...
        def __iand__(self, other: Any) -> Self: ...
        def __ior__(self, other: Any) -> Self: ...
        def __ixor__(self, other: Any) -> Self: ...
        def __ilshift__(self, other: Any) -> Self: ...
        def __irshift__(self, other: Any) -> Self: ...

        # reductions of the whole array give NumPy's scalar; along an axis (or with ``out=``,
        # which gives that array back) a new array
        @overload
        def all(self, axis: None = None, out: None = None) -> np.bool_: ...
        @overload
        def all(self, *args: Any, **kwargs: Any) -> Copy[np.bool_]: ...
        def all(self, *args: Any, **kwargs: Any) -> Any: ...
        @overload
        def any(self, axis: None = None, out: None = None) -> np.bool_: ...
        @overload
        def any(self, *args: Any, **kwargs: Any) -> Copy[np.bool_]: ...
        def any(self, *args: Any, **kwargs: Any) -> Any: ...
        @overload
        def argmax(self, axis: None = None, out: None = None) -> np.intp: ...
        @overload
        def argmax(self, *args: Any, **kwargs: Any) -> Copy[np.intp]: ...
        def argmax(self, *args: Any, **kwargs: Any) -> Any: ...
        @overload
        def argmin(self, axis: None = None, out: None = None) -> np.intp: ...
        @overload
        def argmin(self, *args: Any, **kwargs: Any) -> Copy[np.intp]: ...
        def argmin(self, *args: Any, **kwargs: Any) -> Any: ...
        @overload
        def max(self, axis: None = None, out: None = None) -> ScalarT_co: ...
        @overload
        def max(self, *args: Any, **kwargs: Any) -> Copy[ScalarT_co]: ...
        def max(self, *args: Any, **kwargs: Any) -> Any: ...
        @overload
        def min(self, axis: None = None, out: None = None) -> ScalarT_co: ...
        @overload
        def min(self, *args: Any, **kwargs: Any) -> Copy[ScalarT_co]: ...
        def min(self, *args: Any, **kwargs: Any) -> Any: ...
        # sums and means keep an inexact dtype; integers promote (int64 / uint64, float64)
        @overload
        def sum(self: SafeArray[_InexactT], axis: None = None, dtype: None = None, out: None = None) -> _InexactT: ...
        @overload
        def sum(self, axis: None = None, dtype: None = None, out: None = None) -> Any: ...
        @overload
        def sum(self, *args: Any, **kwargs: Any) -> Copy[Any]: ...
        def sum(self, *args: Any, **kwargs: Any) -> Any: ...
        @overload
        def prod(self: SafeArray[_InexactT], axis: None = None, dtype: None = None, out: None = None) -> _InexactT: ...
        @overload
        def prod(self, axis: None = None, dtype: None = None, out: None = None) -> Any: ...
        @overload
        def prod(self, *args: Any, **kwargs: Any) -> Copy[Any]: ...
        def prod(self, *args: Any, **kwargs: Any) -> Any: ...
        @overload
        def mean(self: SafeArray[_InexactT], axis: None = None, dtype: None = None, out: None = None) -> _InexactT: ...
        @overload
        def mean(self, axis: None = None, dtype: None = None, out: None = None) -> Any: ...
        @overload
        def mean(self, *args: Any, **kwargs: Any) -> Copy[Any]: ...
        def mean(self, *args: Any, **kwargs: Any) -> Any: ...
        @overload
        def std(self, axis: None = None, dtype: None = None, out: None = None) -> Any: ...
        @overload
        def std(self, *args: Any, **kwargs: Any) -> Copy[Any]: ...
        def std(self, *args: Any, **kwargs: Any) -> Any: ...
        @overload
        def var(self, axis: None = None, dtype: None = None, out: None = None) -> Any: ...
        @overload
        def var(self, *args: Any, **kwargs: Any) -> Copy[Any]: ...
        def var(self, *args: Any, **kwargs: Any) -> Any: ...
        # other computations: new arrays
        def argpartition(self, *args: Any, **kwargs: Any) -> Copy[np.intp]: ...
        def argsort(self, *args: Any, **kwargs: Any) -> Copy[np.intp]: ...
        def choose(self, *args: Any, **kwargs: Any) -> Copy[Any]: ...
        def clip(self, *args: Any, **kwargs: Any) -> Copy[ScalarT_co]: ...
        def compress(self, *args: Any, **kwargs: Any) -> Copy[ScalarT_co]: ...
        def conj(self) -> View[ScalarT_co] | Copy[ScalarT_co]: ...
        def conjugate(self) -> View[ScalarT_co] | Copy[ScalarT_co]: ...
        def cumprod(self, *args: Any, **kwargs: Any) -> Copy[Any]: ...
        def cumsum(self, *args: Any, **kwargs: Any) -> Copy[Any]: ...
        def dot(self, *args: Any, **kwargs: Any) -> Any: ...  # a scalar for two 1-d arrays
        def nonzero(self) -> tuple[Copy[np.intp], ...]: ...
        def repeat(self, *args: Any, **kwargs: Any) -> Copy[ScalarT_co]: ...
        def round(self, *args: Any, **kwargs: Any) -> Copy[ScalarT_co]: ...
        def searchsorted(self, *args: Any, **kwargs: Any) -> Copy[np.intp]: ...
        def take(self, *args: Any, **kwargs: Any) -> Copy[ScalarT_co]: ...
        def trace(self, *args: Any, **kwargs: Any) -> Any: ...  # a scalar for 2-d arrays
        # the memory of this array, seen another way
        def diagonal(self, *args: Any, **kwargs: Any) -> View[ScalarT_co]: ...
        def getfield(self, *args: Any, **kwargs: Any) -> View[Any]: ...
        def squeeze(self, *args: Any, **kwargs: Any) -> View[ScalarT_co]: ...
        def swapaxes(self, axis1: SupportsIndex, axis2: SupportsIndex, /) -> View[ScalarT_co]: ...
        def transpose(self, *axes: Any) -> View[ScalarT_co]: ...
        @overload
        def view(self) -> View[ScalarT_co]: ...
        @overload
        def view(self, dtype: Any, /) -> View[Any]: ...
        def view(self, *args: Any, **kwargs: Any) -> Any: ...
        # only run time knows
        def ravel(self, order: str = "C") -> View[ScalarT_co] | Copy[ScalarT_co]: ...
        # leaving the array world
        def tobytes(self, order: str = "C") -> bytes: ...
        def tofile(self, *args: Any, **kwargs: Any) -> None: ...
        def dump(self, file: Any) -> None: ...
        def dumps(self) -> bytes: ...
        # writes into this array (judged by the write policy)
        def fill(self, value: Any, /) -> None: ...
        def partition(self, *args: Any, **kwargs: Any) -> None: ...
        def put(self, *args: Any, **kwargs: Any) -> None: ...
        def resize(self, *args: Any, **kwargs: Any) -> None: ...
        def setfield(self, *args: Any, **kwargs: Any) -> None: ...
        def sort(self, *args: Any, **kwargs: Any) -> None: ...
    else:
        all = _method("all")
        any = _method("any")
        argmax = _method("argmax")
        argmin = _method("argmin")
        argpartition = _method("argpartition")
        argsort = _method("argsort")
        choose = _method("choose")
        clip = _method("clip")
        compress = _method("compress")
        conj = _method("conj")
        conjugate = _method("conjugate")
        cumprod = _method("cumprod")
        cumsum = _method("cumsum")
        diagonal = _method("diagonal")
        dot = _method("dot")
        dump = _method("dump")
        dumps = _method("dumps")
        getfield = _method("getfield")
        max = _method("max")
        mean = _method("mean")
        min = _method("min")
        nonzero = _method("nonzero")
        prod = _method("prod")
        ravel = _method("ravel")
        repeat = _method("repeat")
        round = _method("round")
        searchsorted = _method("searchsorted")
        squeeze = _method("squeeze")
        std = _method("std")
        sum = _method("sum")
        swapaxes = _method("swapaxes")
        take = _method("take")
        tobytes = _method("tobytes")
        tofile = _method("tofile")
        trace = _method("trace")
        transpose = _method("transpose")
        var = _method("var")
        view = _method("view")

        fill = _inplace_method("fill")
        partition = _inplace_method("partition")
        put = _inplace_method("put")
        _resize = _inplace_method("resize")

        def resize(self, *new_shape, refcheck=True):
            """Change the shape and size in place, as :meth:`numpy.ndarray.resize`: with
            ``refcheck`` (the default) NumPy's error when other names or Views see the array."""
            if self._base is not None:
                raise ValueError("cannot resize this array: it does not own its data")
            # NumPy's refcheck: no other name, container or View may see the array (a bound
            # method held elsewhere, ``f = a.resize``, is one more reference of the call's own)
            refs = _RESIZE_REFS + (0 if _policy.called_as_method(_getframe(1), "resize") else _BOUND_REFS)
            if refcheck and (_getrefcount(self) > refs or _views_of(self)):
                raise ValueError(
                    "cannot resize an array that references or is referenced\nby another object "
                    "in this way.\nUse the np.resize function to get a new resized copy or\n "
                    "set refcheck=False to disable this check")
            return self._resize(*new_shape, refcheck=False)
        setfield = _inplace_method("setfield")
        sort = _inplace_method("sort")

    # ---- text -----------------------------------------------------------------------

    def __repr__(self) -> str:
        name = type(self).__name__
        text = repr(self._a)  # "array(...)"
        body = text[6:-1].replace("\n      ", "\n" + " " * (len(name) + 1))
        if self._base is not None:
            return f"{name}({body}, base={_policy.describe(self._base)})"
        return f"{name}({body})"

    def __str__(self) -> str:
        if _stale_reads and self._stale is not None:
            _stale.stale_read(self)
        return str(self._a)


class View(SafeArray[ScalarT_co]):
    """A tagged array whose memory belongs to another array (its :attr:`base`).

    Writing into a View changes its base and every other View of that memory.

    Examples
    --------
    >>> import safearray as sa
    >>> data = sa.arange(6.0)
    >>> s = data[2:4]
    >>> isinstance(s, sa.View), s.base is data
    (True, True)
    """

    __slots__ = ()


class Copy(SafeArray[ScalarT_co]):
    """A tagged array that owns memory no other array sees.

    Examples
    --------
    >>> import safearray as sa
    >>> data = sa.arange(6.0)
    >>> picked = data[data > 2]
    >>> isinstance(picked, sa.Copy), picked.base is None
    (True, True)
    """

    __slots__ = ()
    _base = _src = _op = _policy = None  # a Copy owns its memory and came from nowhere


_KNOWN_TYPES = (_ndarray, SafeArray)


class _NDArrayName:
    """``safearray.ndarray``: what ``numpy.ndarray`` is to code that imports safearray as np.

    * ``isinstance(x, np.ndarray)`` holds for SafeArrays and for NumPy's arrays (and
      ``issubclass`` for their types);
    * ``np.ndarray(shape, dtype, buffer, offset, strides, order)`` builds an array as NumPy's
      constructor does: a Copy of new memory, or a View of ``buffer``;
    * ``class Named(np.ndarray)`` subclasses NumPy's ndarray, which works the NumPy way
      (``__new__``, ``view(cls)``, ``__array_finalize__``): its instances are NumPy's arrays,
      untagged, as one :class:`~safearray.UncoveredWarning` says;
    * other attributes are SafeArray's (``np.ndarray.sum``), and ``np.ndarray[...]`` is a
      generic alias, as in annotations.

    Examples
    --------
    >>> import numpy
    >>> import safearray as sa
    >>> isinstance(sa.arange(3), sa.ndarray), isinstance(numpy.arange(3), sa.ndarray)
    (True, True)
    >>> sa.ndarray((2, 2), dtype=float, order="F").flags.f_contiguous
    True
    """

    __slots__ = ()

    def __instancecheck__(self, obj: object) -> bool:
        return isinstance(obj, _KNOWN_TYPES)

    def __subclasscheck__(self, cls: type) -> bool:
        return issubclass(cls, _KNOWN_TYPES)

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[type, ...]:
        _warn_uncovered("subclasses of numpy.ndarray", "a class derived from np.ndarray derives "
                        "from NumPy's ndarray: its instances are NumPy's arrays, untagged, and "
                        "writes through them are not judged")
        return (_ndarray,)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return call_function(_ndarray, args, kwargs)

    def __getitem__(self, params: Any) -> Any:
        return SafeArray[params]

    def __getattr__(self, name: str) -> Any:
        return getattr(SafeArray, name)

    def __repr__(self) -> str:
        return "<class 'safearray.ndarray'>"


NDARRAY: Any = _NDArrayName()

#: Read-only operators (results are new arrays, hence Copies): name -> function.
_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
    "floordiv": operator.floordiv, "mod": operator.mod, "pow": operator.pow,
    "matmul": operator.matmul, "and": operator.and_, "or": operator.or_, "xor": operator.xor,
    "lshift": operator.lshift, "rshift": operator.rshift, "divmod": divmod,
}
_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
                "eq": operator.eq, "ne": operator.ne}
_UNARY: dict[str, Callable[[Any], Any]] = {"neg": operator.neg, "pos": operator.pos, "invert": operator.invert, "abs": operator.abs}

if _speedups is None:
    # The compiled core implements these as type slots; here they are generated methods.
    SafeArray.__getitem__ = SafeArray._py_getitem  # type: ignore[method-assign]
    SafeArray.__setitem__ = SafeArray._py_setitem  # type: ignore[method-assign]
    for _symbol in _INPLACE_OPS:
        setattr(SafeArray, f"__i{_INPLACE_NAMES[_symbol]}__", _inplace(_symbol))
    for _name, _fn in _BINARY.items():
        setattr(SafeArray, f"__{_name}__", _binary(_fn, _name))
        setattr(SafeArray, f"__r{_name}__", _reflected(_fn, _name))
    for _name, _fn in _COMPARISONS.items():
        setattr(SafeArray, f"__{_name}__", _binary(_fn, _name))
    for _name, _unary_fn in _UNARY.items():
        setattr(SafeArray, f"__{_name}__", _unary(_unary_fn, _name))
else:
    _speedups.configure(View, Copy, _wrap_other, NDARRAY)
    _speedups.set_array_callers(_ARRAY_CALLERS)
    _unwrap = _speedups.unwrap
    _wrap = _speedups.wrap
    _copy = _speedups.new_copy
    _view_of = _speedups.new_view
    _view_of_raw = _speedups.new_view_raw
    _wrap1 = _speedups.wrap1
    _root = _speedups.root
    if _INTERFACE_HOLDER is not None:
        _speedups.set_interface_holder(_INTERFACE_HOLDER)
    _speedups.configure_writes(_judged_setitem, _judged_inplace, _readonly_error, _set_part)
    _speedups.configure_stale(_stale.wrote, _stale.stale_source, _stale.stale_read, _stale.compiled_swap)
    # the Python protocols are the compiled base's type slots (no Python frame per call)
    for _name in ("__len__", "__iter__", "__contains__", "__bool__", "__int__", "__float__",
                  "__index__"):
        delattr(SafeArray, _name)
    for _name in ("T", "mT", "real", "imag"):
        setattr(SafeArray, _name, _speedups.TaggedAttribute(
            _name, getattr(SafeArray, _name).fget, OpName(f".{_name}")))
    # Python methods with a compiled fast path: NumPy's method called directly, its result
    # tagged (astype, copy, flatten: a call NumPy refuses goes to the Python method, which
    # validates and explains; tolist, item: Python objects, returned as they are)
    for _name, _direct, _label in (("astype", 3, _OP_ASTYPE), ("copy", 3, OpName(".copy()")),
                                   ("flatten", 3, OpName(".flatten()")), ("tolist", 4, OpName(".tolist()")),
                                   ("item", 4, OpName(".item()"))):
        setattr(SafeArray, _name, _speedups.TaggedMethod(_name, getattr(SafeArray, _name), _label, _direct))
    # a Python method whose result the compiled core adopts when called on a temporary
    SafeArray._reshape.__doc__ = SafeArray.reshape.__doc__
    SafeArray.reshape = _speedups.TaggedMethod(  # type: ignore[method-assign]
        "reshape", SafeArray._reshape, _OP_RESHAPE, 2)


def _calibrate_compiled() -> tuple[int, int]:
    """The compiled core's reference counts of a temporary at ``x[k] = v`` and ``x op= v``."""
    record = _speedups.record
    named = _copy(np.zeros(2))
    record(True)
    try:
        _copy(np.zeros(2))[0] = 0
        temp_set = record(True)
        named[0] = 0
        named_set = record(True)
        try:
            named.T += 1  # type: ignore[misc]  # in-place on a temporary View, then a refused store  # pyright: ignore[reportAttributeAccessIssue]
        except AttributeError:
            pass
        temp_inplace = record(True)
        view = named.T
        view += 1
        named_inplace = record(True)
    finally:
        record(False)
    return (temp_set if temp_set < named_set else -1,
            temp_inplace if temp_inplace < named_inplace else -1)


if _speedups is not None:
    # up to CPython 3.13 the compiled write sites compare reference counts measured here; from
    # 3.14 they ask CPython (0: on; switch_off() sets -1)
    if _speedups.temporaries_by() == "reference count":
        _speedups.set_temporaries(*_calibrate_compiled())
    else:
        _speedups.set_temporaries(0, 0)



def _calibrate() -> dict[str, tuple[int, int]]:
    """Reference counts of ``self`` at each pure-Python site, for a temporary and for a named
    object, measured on this interpreter with a probe class of the same method shapes."""
    seen: list[int] = []

    class Probe:
        __slots__ = ()

        def __getitem__(self, key: Any, *_: Any) -> Probe:
            seen.append(_getrefcount(self))
            return Probe()

        def __setitem__(self, key: Any, value: Any) -> None:
            seen.append(_getrefcount(self))

        def __iadd__(self, other: Any) -> Probe:
            seen.append(_getrefcount(self))
            return self

        def fill(self, *args: Any, **kwargs: Any) -> None:
            seen.append(_getrefcount(self))

        @property
        def T(self, *_: Any) -> None:
            seen.append(_getrefcount(self))

        @T.setter
        def T(self, value: Any, *_: Any) -> None:
            seen.append(_getrefcount(self))

    def function(*args: Any, **kwargs: Any) -> None:
        seen.append(_getrefcount(args[0]))

    def parameter(obj: Any, dtype: Any = None, order: Any = None, *, copy: Any = None) -> None:
        seen.append(_getrefcount(obj))

    class Dispatched:
        __slots__ = ()

        def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> None:
            seen.append(_getrefcount(self))

    named = Probe()
    counts: dict[str, tuple[int, int]] = {}
    Probe()[0] = 0
    named[0] = 0
    counts[_SETITEM] = (seen[-2], seen[-1])
    other = named[0:1]
    other += 1
    named_inplace = seen[-1]
    named[0:1] += 1  # __getitem__, __iadd__ on the temporary, __setitem__
    counts[_INPLACE] = (seen[-2], named_inplace)
    Probe().fill(0)
    named.fill(0)
    counts[_METHOD] = (seen[-2], seen[-1])
    bound = named.fill
    bound(0)
    del bound
    counts[_BOUND] = (seen[-1], seen[-2])  # (through a bound method held in a name, direct)
    Probe()[0]  # noqa: B018
    named[0]  # noqa: B018
    counts[_GETITEM] = (seen[-2], seen[-1])
    Probe().T  # noqa: B018
    named.T  # noqa: B018
    counts[_ATTR] = (seen[-2], seen[-1])
    Probe().T = 0
    named.T = 0
    counts[_SETATTR] = (seen[-2], seen[-1])
    function(Probe())
    function(named)
    counts[_FUNCTION] = (seen[-2], seen[-1])
    parameter(Probe())
    parameter(named)
    counts[_PARAMETER] = (seen[-2], seen[-1])
    dispatched = Dispatched()
    reshape: Any = np.reshape
    reshape(Dispatched(), 6)
    reshape(dispatched, 6)
    counts[_DISPATCH] = (seen[-2], seen[-1])
    return counts


def _threshold(temp: int, named: int) -> tuple[int, bool]:
    """``(threshold, ambiguous)``: a reference count at most ``threshold`` marks a temporary;
    ``ambiguous`` when a named local looks the same (borrowed locals, CPython 3.14+), so the
    calling frame's locals decide. ``(-1, False)``: not detectable here."""
    if temp < named:
        return temp, False
    if temp == named:
        return temp, True
    return -1, False


_GETITEM, _ATTR, _FUNCTION, _DISPATCH = "getitem", "attribute", "function", "__array_function__"
_SETATTR = "attribute assignment"
_BOUND = "bound method"
_PARAMETER = "parameter"
_COUNTS = _calibrate()
_policy.sharing = _py_sharing if _speedups is None else _speedups.sharing
_policy.written_part = _written_part
_policy.seal = _seal
_policy.is_sealed = _is_sealed


def _set_stale_reads(on: bool) -> None:
    """Whether the general check of stale reads may be on somewhere (``_stale._sync``): read
    by every operation of both cores before it looks at its inputs' ``_stale``."""
    global _stale_reads
    _stale_reads = on
    if _speedups is not None:
        _speedups.set_stale_reads(on)


def _py_others_see(x: Any) -> bool:
    """Pure-Python twin of the compiled ``others_see``: other live Views of x's memory exist."""
    return bool(_stale.views_of(_stale._holder(x)))


def _py_any_stale(arrays: list[Any]) -> bool:
    """Pure-Python twin of the compiled ``any_stale``: a tagged array of the list is stale."""
    return any(type(s) is not _ndarray and s._stale is not None for s in arrays)


_others_see: Callable[[Any], bool] = _py_others_see if _speedups is None else _speedups.others_see
_any_stale: Callable[[list[Any]], bool] = _py_any_stale if _speedups is None else _speedups.any_stale
_stale_reads = False
_stale.set_compiled_flag = _set_stale_reads
_stale._sync()
_views_of: Callable[[Any], list[Any]] = _py_views_of if _speedups is None else _speedups.views_of
_stale.COPY, _stale.VIEW = Copy, View
_stale.views_of = _views_of


def _views_of_owner(owner: Any) -> list[Any]:
    return _views_of(owner) if isinstance(owner, Copy) else []


_policy.views_of = _views_of_owner
_TEMP_SETITEM, _AMBIG_SETITEM = _threshold(*_COUNTS[_SETITEM])
_TEMP_INPLACE, _AMBIG_INPLACE = _threshold(*_COUNTS[_INPLACE])
_TEMP_METHOD, _AMBIG_METHOD = _threshold(*_COUNTS[_METHOD])
_TEMP_GETITEM, _AMBIG_GETITEM = _threshold(*_COUNTS[_GETITEM])
_TEMP_ATTR, _AMBIG_ATTR = _threshold(*_COUNTS[_ATTR])
_TEMP_SETATTR, _AMBIG_SETATTR = _threshold(*_COUNTS[_SETATTR])
#: The references to an array named once while one of its methods runs (NumPy's ``refcheck``),
#: and how many a bound method held in a name adds (``f = a.resize; f(5)``: 1 from 3.11, 0 before).
_RESIZE_REFS = _COUNTS[_METHOD][1]
_BOUND_REFS = _COUNTS[_BOUND][0] - _COUNTS[_BOUND][1]
_TEMP_FUNCTION, _AMBIG_FUNCTION = _threshold(*_COUNTS[_FUNCTION])
_TEMP_DISPATCH, _AMBIG_DISPATCH = _threshold(*_COUNTS[_DISPATCH])
_TEMP_PARAMETER, _AMBIG_PARAMETER = _threshold(*_COUNTS[_PARAMETER])




def fresh_ndarray(obj: Any) -> bool:
    """Does the ndarray ``obj`` (held by the caller's parameter) own its bytes, or view an owner
    that nothing else holds?"""
    if not _ADOPT:
        return False
    b = obj.base
    if b is None:
        return True
    return bool(_type(b) is _ndarray and b.base is None and _rc(obj.base) == _RC_ATTR + 1)  # + the local b


def switch_off(ownership: bool, temporaries: bool) -> None:
    """Switch off what the import self-test found not to work here (see ``_selftest``)."""
    global _ADOPT, _TEMP_SETITEM, _TEMP_INPLACE, _TEMP_METHOD, _TEMP_GETITEM, _TEMP_ATTR
    global _TEMP_FUNCTION, _TEMP_DISPATCH, _TEMP_PARAMETER, _TEMP_SETATTR
    if ownership:
        _ADOPT = False  # pyright: ignore[reportConstantRedefinition]
        _TEMP_GETITEM = _TEMP_ATTR = -1  # pyright: ignore[reportConstantRedefinition]
        _TEMP_FUNCTION = _TEMP_DISPATCH = _TEMP_PARAMETER = -1  # pyright: ignore[reportConstantRedefinition]
        if _speedups is not None:
            _speedups.set_adoption(False)
    if temporaries:
        _TEMP_SETITEM = _TEMP_INPLACE = _TEMP_METHOD = _TEMP_SETATTR = -1  # pyright: ignore[reportConstantRedefinition]
        if _speedups is not None:
            _speedups.set_temporaries(-1, -1)


def _held_by_caller(obj: object, depth: int) -> bool:
    """Is ``obj`` the value of a local variable of the frame ``depth`` levels above the caller?

    Only asked when the reference count cannot tell (a borrowed local looks like a temporary).
    """
    frame = sys._getframe(depth + 1)
    return any(v is obj for v in frame.f_locals.values())


def _array_api() -> Any:
    """:mod:`safearray.array_api`, imported on the first ``__array_namespace__``."""
    global _namespace
    from . import array_api

    _namespace = array_api
    return array_api


def _rebuild(a: NDArray[Any]) -> Copy:
    return _copy(a)


# the override protocols in C, last: their calibration runs the Python methods, which use
# everything above
def _calibrate_dispatch() -> int:
    """The reference count at which the compiled ``__array_function__`` hands a Copy to the
    Python method (which decides whether it is a temporary whose result owns its memory): a
    temporary's, or a named one's too when the two cannot be told apart."""
    record = _speedups.record
    named = _copy(np.arange(6.0))
    record(True)
    try:
        np.reshape(_copy(np.arange(6.0)), (2, 3))
        temp = record(True)
        np.reshape(named, (2, 3))
        held = record(True)
    finally:
        record(False)
    return int(temp if temp < held else max(temp, held))


if _speedups is not None:
    # NumPy's override protocols answered in C for plain calls (``numpy.sqrt(x)``,
    # ``numpy.concatenate([x, y])``); the Python methods take the others
    SafeArray.__array_ufunc__ = _speedups.ArrayUfunc(SafeArray.__array_ufunc__)  # type: ignore[method-assign]
    SafeArray.__array_function__ = _speedups.ArrayFunction(  # type: ignore[method-assign]
        SafeArray.__array_function__)
    _speedups.set_dispatch_temp(_calibrate_dispatch())
    # ``np.asarray(x)`` by a library under "allow" or "warn": the handout made in C
    SafeArray.__array__ = _speedups.ArrayExport(SafeArray.__array__)  # type: ignore[method-assign]
    _speedups.configure_export(_policy._block_mode, _policy)
