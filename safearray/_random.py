"""``safearray.random``: NumPy's ``numpy.random`` with Generators whose results are Copies.

Imported on the first use of ``safearray.random`` (``import safearray`` does not import
``numpy.random``): :func:`safearray._namespace.lookup` builds the mirrored module with
:func:`make_random`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._array import call_function, writes_into
from ._namespace import _Module, wrap_function

__all__ = ["Generator", "RandomState", "make_random"]

def _method_caller(kind: str, name: str, numpy_method: Any) -> Callable[..., Any]:
    """A function ``f(obj, *args, **kwargs)`` calling ``obj.<name>``, labelled ``random.<kind>.<name>``.

    Made once per method name, so that the calls of every Generator share one
    function (a bound method per call would be a new callable each time). Its signature is
    NumPy's method's (``obj`` in the place of ``self``), so that a positional ``out``
    (``rng.random(None, "f8", v)``) is found and judged as ``out=`` is.
    """
    key = (kind, name)
    caller = _CALLERS.get(key)
    if caller is None:

        def call(obj: Any, *args: Any, **kwargs: Any) -> Any:
            return getattr(obj, name)(*args, **kwargs)

        call.__name__ = call.__qualname__ = f"random.{kind}.{name}"
        setattr(call, "__wrapped__", numpy_method)  # what inspect.signature reads
        caller = _CALLERS[key] = call
    return caller


_CALLERS: dict[tuple[str, str], Callable[..., Any]] = {}


class _NumPysToo(type):
    """The metaclass of :class:`Generator` and :class:`RandomState`: ``isinstance(x,
    sa.random.Generator)`` holds for NumPy's own Generators too, as drop-in code that checks
    a NumPy object against ``np.random.Generator`` expects."""

    _numpy: type

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls._numpy)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls._numpy)


def _delegate(cls: Any, kind: str) -> None:
    """Give ``cls`` every public method of NumPy's ``cls._numpy``, run on the NumPy object it
    holds (``self._g``, which shares its bit generator) with the results tagged: NumPy's own
    code calls NumPy's methods on that object, never these."""
    for name in dir(cls._numpy):
        attr = getattr(cls._numpy, name)
        if name.startswith("_") or name in vars(cls) or not callable(attr):
            continue
        caller = _method_caller(kind, name, attr)

        def method(self: Any, *args: Any, __caller: Callable[..., Any] = caller, **kwargs: Any) -> Any:
            return call_function(__caller, (self._g, *args), kwargs)

        method.__name__ = name
        method.__qualname__ = f"{cls.__name__}.{name}"
        method.__doc__ = (f":meth:`numpy.random.{kind}.{name}`, run on NumPy's {kind}; arrays "
                          f"come back as Copies (see NumPy's documentation of the method).")
        setattr(cls, name, method)


class Generator(np.random.Generator, metaclass=_NumPysToo):
    """A :class:`numpy.random.Generator` whose results are Copies.

    It is a NumPy Generator (SciPy and other libraries accept it as one), and
    ``isinstance(x, sa.random.Generator)`` holds for NumPy's Generators too. ``shuffle``
    writes into its argument, so it goes through the write policy; ``out=`` arguments
    (``rng.random(out=x)``) are judged writes that return ``x`` itself.

    Examples
    --------
    >>> import safearray as sa
    >>> rng = sa.random.default_rng(0)
    >>> type(rng.normal(size=3)).__name__
    'Copy'
    """

    __slots__ = ("_g",)
    _g: np.random.Generator
    _numpy = np.random.Generator

    def __init__(self, bit_generator: Any) -> None:
        if type(bit_generator) is Generator:
            bit_generator = bit_generator._g
        inner = bit_generator if isinstance(bit_generator, np.random.Generator) else (
            np.random.Generator(bit_generator))
        np.random.Generator.__init__(self, inner.bit_generator)
        self._g = inner

    def shuffle(self, x: Any, axis: int = 0) -> None:
        """Shuffle ``x`` in place (a checked write), as NumPy's ``shuffle``."""
        call_function(_shuffle, (self._g, x), {"axis": axis})

    def spawn(self, n_children: int) -> list[np.random.Generator]:
        """Independent child Generators (safearray's), as :meth:`numpy.random.Generator.spawn`."""
        return [Generator(g) for g in self._g.spawn(n_children)]

    def __reduce__(self) -> tuple[Any, ...]:
        return (Generator, (self._g,))


class RandomState(np.random.RandomState, metaclass=_NumPysToo):
    """NumPy's legacy :class:`numpy.random.RandomState` whose results are Copies.

    It is a NumPy RandomState, and ``isinstance(x, sa.random.RandomState)`` holds for
    NumPy's own (``np.random.mtrand._rand``, ...).

    Examples
    --------
    >>> import safearray as sa
    >>> type(sa.random.RandomState(0).uniform(size=2)).__name__
    'Copy'
    """

    __slots__ = ("_g",)
    _g: np.random.RandomState
    _numpy = np.random.RandomState

    def __init__(self, seed: Any = None) -> None:
        if type(seed) is RandomState:
            seed = seed._g
        inner = seed if isinstance(seed, np.random.RandomState) else np.random.RandomState(seed)
        np.random.RandomState.__init__(self, getattr(inner, "_bit_generator"))
        self._g = inner

    def shuffle(self, x: Any) -> None:
        """Shuffle ``x`` in place (a checked write), as NumPy's ``shuffle``."""
        call_function(_legacy_shuffle_of, (self._g, x), {})

    def __reduce__(self) -> tuple[Any, ...]:
        return (RandomState, (self._g,))


def _shuffle(gen: np.random.Generator, x: Any, axis: int = 0) -> None:
    gen.shuffle(x, axis=axis)


def _legacy_shuffle_of(state: np.random.RandomState, x: Any) -> None:
    state.shuffle(x)


def _default_rng(seed: Any = None) -> Generator:
    """A :class:`Generator` from :func:`numpy.random.default_rng` (a Generator given is returned).

    Examples
    --------
    >>> import safearray as sa
    >>> sa.random.default_rng(42).integers(0, 10, size=3).shape
    (3,)
    """
    if type(seed) is Generator:
        return seed
    return Generator(np.random.default_rng(seed))


def make_random() -> _Module:
    """The mirrored ``safearray.random`` module (made once, by :func:`safearray._namespace.lookup`)."""
    mod = _Module("random", np.random)
    mod.default_rng = _default_rng  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    mod.Generator = Generator  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    mod.RandomState = RandomState  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    mod.shuffle = wrap_function(_legacy_shuffle, "random.shuffle")  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    return mod


def _legacy_shuffle(x: Any) -> None:
    np.random.shuffle(x)


_shuffle.__name__ = "random.Generator.shuffle"
_legacy_shuffle.__name__ = "random.shuffle"
_legacy_shuffle_of.__name__ = "random.RandomState.shuffle"
writes_into(_shuffle, 1, "x")
writes_into(_legacy_shuffle, 0, "x")
writes_into(_legacy_shuffle_of, 1, "x")
_delegate(Generator, "Generator")
_delegate(RandomState, "RandomState")
