"""``sa.guard``: prove that a pipeline stage does not write into its inputs.

* ``@sa.guard`` on a function hands each array argument (SafeArrays and NumPy
  ndarrays) to the body as a read-only View; a write raises
  :class:`~safearray.ReadOnlyError` naming the argument. The caller's arrays
  are never touched.
* ``with sa.guard(a, b):`` makes the caller's own objects read-only for the
  block and restores them afterwards, also when the block raises.
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
from ._array import SafeArray, _root, _view_of, _view_of_raw

_TAGGED: Any = SafeArray
_NDARRAY: Any = np.ndarray
from ._errors import SafeArrayTypeError
from ._policy import OpName

__all__ = ["guard"]

F = TypeVar("F", bound=Callable[..., Any])


def _readonly_argument(value: Any, name: str) -> Any:
    """A read-only View of an array argument, labelled with the argument's name; others pass."""
    op = OpName(f"sa.guard argument {name!r}")
    if isinstance(value, _TAGGED):
        v = value._a.view()
        v.flags.writeable = False
        view = _view_of(v, value, op)
    elif isinstance(value, _NDARRAY):
        v = value.view(np.ndarray)
        v.flags.writeable = False
        view = _view_of_raw(v, _root(value), value, op)
    else:
        return value
    view._policy = _policy.GuardMark(op)  # inherited by the Views made from it
    return view


def _guard_function(func: F) -> F:
    sig = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        bound = sig.bind(*args, **kwargs)
        for name, value in bound.arguments.items():
            kind = sig.parameters[name].kind
            if kind is inspect.Parameter.VAR_POSITIONAL:
                bound.arguments[name] = tuple(
                    _readonly_argument(v, f"{name}[{i}]") for i, v in enumerate(value))
            elif kind is inspect.Parameter.VAR_KEYWORD:
                bound.arguments[name] = {k: _readonly_argument(v, k) for k, v in value.items()}
            else:
                bound.arguments[name] = _readonly_argument(value, name)
        return func(*bound.args, **bound.kwargs)

    return wrapper  # type: ignore[return-value]  # pyright: ignore[reportReturnType]


class GuardBlock:
    """Context manager of ``with sa.guard(a, b, name=c):``; see :func:`guard`."""

    __slots__ = ("_items", "_changed")

    def __init__(self, arrays: tuple[Any, ...], named: dict[str, Any]) -> None:
        items: list[tuple[str, NDArray[Any]]] = []
        for label, value in [(f"argument {i}", v) for i, v in enumerate(arrays)] + [
            (repr(k), v) for k, v in named.items()
        ]:
            if isinstance(value, _TAGGED):
                items.append((label, value._a))
            elif isinstance(value, _NDARRAY):
                items.append((label, value))
            else:
                raise SafeArrayTypeError(
                    f"guard() takes SafeArrays and numpy ndarrays to protect, got "
                    f"{type(value).__name__} for {label}."
                )
        self._items = items
        self._changed: list[tuple[NDArray[Any], int]] = []

    def __enter__(self) -> GuardBlock:
        for label, a in self._items:
            if a.flags.writeable:
                a.flags.writeable = False
                self._changed.append((a, id(a)))
                _policy.guarded[id(a)] = label
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for a, key in reversed(self._changed):
            a.flags.writeable = True
            _policy.guarded.pop(key, None)
        self._changed.clear()


@overload
def guard(func: F, /) -> F: ...
@overload
def guard(*arrays: Any, **named: Any) -> GuardBlock: ...  # pyright: ignore[reportOverlappingOverload]
def guard(*arrays: Any, **named: Any) -> Any:
    """Make array arguments read-only: as a decorator (``@sa.guard``) or a block (``with sa.guard(a):``).

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
    >>> raw.flags.writeable
    True
    >>> with sa.guard(raw):
    ...     raw.flags.writeable
    False
    """
    if (
        len(arrays) == 1
        and not named
        and callable(arrays[0])
        and not isinstance(arrays[0], (SafeArray, np.ndarray))
    ):
        return _guard_function(arrays[0])
    return GuardBlock(arrays, named)
