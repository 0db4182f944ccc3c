"""``sa.guard``: prove that a pipeline stage does not write into its inputs.

* ``@sa.guard`` on a function hands each array argument (SafeArrays and NumPy
  ndarrays, also inside list, tuple and dict arguments, and default values) to
  the body as a read-only View; a write raises :class:`~safearray.ReadOnlyError`
  naming the argument. The caller's arrays are never touched.
* ``with sa.guard(a, b):`` makes the caller's own objects (and the Views of a
  SafeArray made before the block) read-only for the block and restores them
  afterwards, also when the block raises.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar, overload

import numpy as np
from numpy.typing import NDArray

from . import _policy
from ._array import SafeArray, _bounds, _root, _seal, _type, _view_of, _view_of_raw

_TAGGED: Any = SafeArray
_NDARRAY: Any = np.ndarray
from ._errors import SafeArrayTypeError
from ._policy import OpName

__all__ = ["guard"]

F = TypeVar("F", bound=Callable[..., Any])


def _guard_label(name: str) -> str:
    return f"sa.guard argument {name!r}"


def _readonly_argument(
    value: Any, name: str, memo: dict[int, Any], label: Callable[[str], str] = _guard_label
) -> Any:
    """``value`` for the body of a guarded function: arrays become read-only Views labelled
    with the argument's name, lists, tuples (named ones too) and dicts are rebuilt with their
    arrays so handed over (recursively), anything else passes as it is.

    ``memo`` maps the ids of the objects met to what replaces them: an array met twice gives
    one View, and a container that holds itself is rebuilt once. ``label`` makes the View's
    label (what errors name) from the argument's name (``safearray.dask`` names its block
    function there).
    """
    t = _type(value)
    if t is list or t is tuple or t is dict or _is_named_tuple(value):
        done = memo.get(id(value))
        if done is not None:
            return done[0]
        return _readonly_container(value, name, memo, label)
    if not isinstance(value, (_TAGGED, _NDARRAY)):
        return value
    done = memo.get(id(value))
    if done is not None:
        return done[0]
    op = OpName(label(name))
    if isinstance(value, _TAGGED):
        view = _view_of(_seal(value._a), value, op)
    else:
        view = _view_of_raw(_seal(value), _root(value), value, op)
    view._policy = _policy.GuardMark(op)  # inherited by the Views made from it
    memo[id(value)] = (view, value)  # the value is kept so that its id is not reused
    return view


def _is_named_tuple(obj: object) -> bool:
    return isinstance(obj, tuple) and hasattr(obj, "_fields")  # pyright: ignore[reportUnknownArgumentType]


def _readonly_container(value: Any, name: str, memo: dict[int, Any], label: Callable[[str], str]) -> Any:
    """A list, tuple or dict argument rebuilt (same type) with its arrays as read-only Views;
    the container itself when it holds no array."""
    out: Any
    kind = _type(value)  # compared as a name: the checkers do not narrow ``value`` to Unknown
    if kind is dict:
        given: dict[Any, Any] = value
        out = {}
        memo[id(value)] = (out, value)
        for k, v in given.items():
            out[k] = _readonly_argument(v, f"{name}[{k!r}]", memo, label)
        changed = any(out[k] is not v for k, v in given.items())
    elif kind is list:
        seq: list[Any] = value
        out = []
        memo[id(value)] = (out, value)
        out.extend(_readonly_argument(v, f"{name}[{i}]", memo, label) for i, v in enumerate(seq))
        changed = any(o is not v for o, v in zip(out, seq))
    else:  # a tuple cannot hold itself but through a list or a dict, which the memo catches
        tup: tuple[Any, ...] = value
        items = [_readonly_argument(v, f"{name}[{i}]", memo, label) for i, v in enumerate(tup)]
        changed = any(o is not v for o, v in zip(items, tup))
        out = (tuple(items) if kind is tuple else kind(*items)) if changed else value
        memo[id(value)] = (out, value)
    if not changed:
        memo[id(value)] = (value, value)
        return value
    return out


def _guard_function(func: F) -> F:
    sig = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()  # a default array is the caller's too (shared by every call)
        memo: dict[int, Any] = {}
        for name, value in bound.arguments.items():
            kind = sig.parameters[name].kind
            if kind is inspect.Parameter.VAR_POSITIONAL:
                bound.arguments[name] = tuple(
                    _readonly_argument(v, f"{name}[{i}]", memo) for i, v in enumerate(value))
            elif kind is inspect.Parameter.VAR_KEYWORD:
                bound.arguments[name] = {k: _readonly_argument(v, k, memo) for k, v in value.items()}
            else:
                bound.arguments[name] = _readonly_argument(value, name, memo)
        memo.clear()
        return func(*bound.args, **bound.kwargs)

    return wrapper  # type: ignore[return-value]  # pyright: ignore[reportReturnType]


def _overlapping_views(value: Any) -> list[Any]:
    """The live Views registered with ``value``'s owner (a Copy) whose bytes overlap ``value``'s:
    made before the block, they would write into the guarded memory."""
    owner = value if value._base is None else value._base
    views = _policy.views_of(owner)
    if not views:
        return []
    lo, hi = _bounds(value._a)
    out: list[Any] = []
    for w in views:
        if w is value:
            continue
        wlo, whi = _bounds(w._a)
        if wlo < hi and lo < whi:
            out.append(w)
    return out


def _depth(a: NDArray[Any]) -> int:
    """How many ndarrays lie between ``a`` and the owner of its bytes (0: ``a`` has no base)."""
    n = 0
    b: Any = a.base
    while isinstance(b, _NDARRAY):
        n += 1
        b = b.base
    return n + (b is not None)


class GuardBlock:
    """Context manager of ``with sa.guard(a, b, name=c):``; see :func:`guard`."""

    __slots__ = ("_items", "_changed")

    def __init__(self, arrays: tuple[Any, ...], named: dict[str, Any]) -> None:
        items: list[tuple[str, Any]] = []
        for label, value in [(f"argument {i}", v) for i, v in enumerate(arrays)] + [
            (repr(k), v) for k, v in named.items()
        ]:
            if not isinstance(value, (_TAGGED, _NDARRAY)):
                raise SafeArrayTypeError(
                    f"guard() takes SafeArrays and numpy ndarrays to protect, got "
                    f"{type(value).__name__} for {label}."
                )
            items.append((label, value))
        self._items = items
        self._changed: list[tuple[NDArray[Any], int]] = []

    def __enter__(self) -> GuardBlock:
        arrays: list[tuple[str, NDArray[Any]]] = []
        for label, value in self._items:
            if isinstance(value, _TAGGED):  # and the Views made before the block that overlap it
                arrays.append((label, value._a))
                arrays.extend((label, w._a) for w in _overlapping_views(value))
            else:
                arrays.append((label, value))
        for label, a in arrays:
            if a.flags.writeable:
                a.flags.writeable = False
                self._changed.append((a, id(a)))
                _policy.guarded[id(a)] = label
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # owners before their views: NumPy reopens a view only while its base is writable
        for a, key in sorted(self._changed, key=lambda item: _depth(item[0])):
            a.flags.writeable = True
            _policy.guarded.pop(key, None)
        self._changed.clear()


@overload
def guard(func: F, /) -> F: ...
@overload
def guard(*arrays: Any, **named: Any) -> GuardBlock: ...  # pyright: ignore[reportOverlappingOverload]
def guard(*arrays: Any, **named: Any) -> Any:
    """Make array arguments read-only: as a decorator (``@sa.guard``) or a block (``with sa.guard(a):``).

    As a decorator, every array the function is given (SafeArrays and ndarrays, positional,
    keyword, ``*args``, ``**kwargs``, default values, and arrays inside list, tuple, named tuple
    and dict arguments, at any depth) reaches the body as a read-only View of the same memory,
    labelled with the argument's name (``'x'``, ``'batch[0]'``, ``"cfg['w']"``). Its ndarray is
    sealed: NumPy cannot make it writable again (``np.asarray(x).flags.writeable = True``
    raises), and its ``.base`` is read-only too. A list or dict that holds arrays is handed to
    the body as a new list or dict: what the body appends to it or sets in it does not reach
    the caller's container.

    As a block, the ndarrays of the objects given (a SafeArray's, and those of its live Views
    made before the block whose bytes overlap it) are made read-only for the block and
    writable again after it.

    What guard cannot reach: arrays held in attributes of other objects (``obj.data``) or in
    containers other than lists, tuples and dicts (sets, deques, subclasses of list and dict,
    your classes); raw pointers
    (``x.ctypes``, ``ctypes``, ``x.__array_interface__["data"]``) and C code that ignores
    NumPy's writeable flag; the interpreter's introspection (``gc.get_referents``, private
    attributes); and, for a block, ndarrays obtained before it (NumPy views of a raw ndarray,
    Views of a raw ndarray, ``np.asarray(x)``), which keep their flag, and the caller's own
    ndarrays, whose flag anyone holding them may set back.

    Examples
    --------
    >>> import numpy as np
    >>> import safearray as sa
    >>> @sa.guard
    ... def normalise(x):
    ...     x /= x.max()          # a bug: writes into the caller's array
    ...     return x
    >>> raw = np.array([1.0, 2.0])
    >>> normalise(raw)
    Traceback (most recent call last):
    ...
    safearray.ReadOnlyError: /=: cannot write into a read-only View (sa.guard argument 'x' of ndarray(shape=(2,), dtype=float64)); use .copy() to get a writable Copy.
    >>> @sa.guard
    ... def total(batch):
    ...     batch[0][:] = 0       # arrays inside lists, tuples and dicts are guarded too
    >>> total([raw, raw])
    Traceback (most recent call last):
    ...
    safearray.ReadOnlyError: assignment [:]: cannot write into a read-only View (sa.guard argument 'batch[0]' of ndarray(shape=(2,), dtype=float64)); use .copy() to get a writable Copy.
    >>> raw.flags.writeable
    True
    >>> x = sa.arange(3.0)
    >>> head = x[:2]              # a View made before the block is covered too
    >>> with sa.guard(x):
    ...     head.flags.writeable
    False
    >>> head.flags.writeable
    True
    """
    if (
        len(arrays) == 1
        and not named
        and callable(arrays[0])
        and not isinstance(arrays[0], (SafeArray, np.ndarray))
    ):
        return _guard_function(arrays[0])
    return GuardBlock(arrays, named)
