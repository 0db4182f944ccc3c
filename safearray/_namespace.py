"""The ``safearray.<name>`` mirror of the ``numpy`` namespace, generated from NumPy at import.

Every NumPy function becomes one generic wrapper (unwrap -> NumPy -> tag by
memory, :func:`safearray._array.call_function`); every ufunc becomes a
:class:`ufunc` wrapper; dtypes, scalar types and constants are NumPy's own
objects. Names that safearray deliberately leaves out are listed in
:data:`NOT_COVERED` with the reason, and asking for one raises
:class:`~safearray.NotCoveredError`.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ._array import SafeArray, _wrap, call_function, call_ufunc, writes_into
from ._errors import NotCoveredError
from ._policy import OpName

__all__ = ["MIRROR", "NOT_COVERED", "ufunc", "wrap_function", "lookup"]

#: NumPy names that safearray does not mirror, and why.
NOT_COVERED: dict[str, str] = {
    "matrix": "np.matrix is an ndarray subclass with its own operator semantics; use 2-d arrays and @",
    "asmatrix": "np.matrix is not covered; use 2-d arrays",
    "bmat": "np.matrix is not covered; use sa.block",
    "recarray": "record arrays are an ndarray subclass; use structured dtypes with sa.array",
    "record": "record arrays are not covered; use structured dtypes",
    "rec": "record arrays are not covered; use structured dtypes",
    "char": "numpy.char is legacy; use sa.strings",
    "ma": "masked arrays are an ndarray subclass with their own memory model; not covered",
    "ctypeslib": "raw pointers bypass the write policy; use np.ctypeslib on np.asarray(x)",
    "f2py": "a build tool, not an array API",
    "core": "numpy.core is NumPy's private namespace",
    "asanyarray": "subclasses are not kept; use sa.asarray",
    "frompyfunc": "returns a NumPy ufunc object; call np.frompyfunc and pass its results to sa.asarray",
    "nested_iters": "raw iterators bypass the write policy; iterate over the array instead",
    "test": "runs NumPy's own test suite",
}

#: Modules mirrored function by function (their functions return tagged arrays).
_WRAPPED_MODULES = ("linalg", "fft", "emath", "strings")
#: Modules and names handed through unchanged (types, constants, helpers with no arrays out).
_PASSED_MODULES = ("dtypes", "exceptions", "typing", "testing", "lib", "polynomial")


class ufunc:
    """A NumPy ufunc whose results (and those of its methods) are tagged arrays.

    Attributes that are not methods (``nin``, ``nout``, ``identity``, ``types``,
    ...) are the NumPy ufunc's own.

    Examples
    --------
    >>> import safearray as sa
    >>> sa.add([1, 2], 3)
    Copy([4, 5])
    >>> sa.add.reduce(sa.arange(4))
    Copy(6)
    """

    __slots__ = ("_uf", "__name__")
    __name__: str

    def __init__(self, uf: np.ufunc) -> None:
        self._uf = uf
        self.__name__ = str(getattr(uf, "__name__"))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return call_ufunc(self._uf, "__call__", args, kwargs)

    def reduce(self, *args: Any, **kwargs: Any) -> Any:
        """Tagged :meth:`numpy.ufunc.reduce`."""
        return call_ufunc(self._uf, "reduce", args, kwargs)

    def accumulate(self, *args: Any, **kwargs: Any) -> Any:
        """Tagged :meth:`numpy.ufunc.accumulate`."""
        return call_ufunc(self._uf, "accumulate", args, kwargs)

    def reduceat(self, *args: Any, **kwargs: Any) -> Any:
        """Tagged :meth:`numpy.ufunc.reduceat`."""
        return call_ufunc(self._uf, "reduceat", args, kwargs)

    def outer(self, *args: Any, **kwargs: Any) -> Any:
        """Tagged :meth:`numpy.ufunc.outer`."""
        return call_ufunc(self._uf, "outer", args, kwargs)

    def at(self, *args: Any, **kwargs: Any) -> Any:
        """:meth:`numpy.ufunc.at`: an unbuffered in-place write, checked by the write policy."""
        return call_ufunc(self._uf, "at", args, kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uf, name)

    def __repr__(self) -> str:
        return f"<safearray ufunc '{self.__name__}'>"


class _UfuncDoc:
    """``ufunc.__doc__``: the class's own on the class, NumPy's ufunc's on an instance."""

    def __init__(self, class_doc: str | None) -> None:
        self._class_doc = class_doc

    def __get__(self, obj: ufunc | None, cls: type | None = None) -> str | None:
        return self._class_doc if obj is None else obj._uf.__doc__


ufunc.__doc__ = _UfuncDoc(ufunc.__doc__)  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]


def wrap_function(func: Callable[..., Any], qualname: str | None = None) -> Callable[..., Any]:
    """Wrap a NumPy callable so that its array arguments are unwrapped and its results tagged."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return call_function(func, args, kwargs)

    if qualname is not None:
        wrapper.__qualname__ = qualname
    return wrapper


class _IndexTrick:
    """``sa.r_``, ``sa.c_``, ``sa.mgrid``, ``sa.ogrid``: NumPy's index tricks with tagged results."""

    __slots__ = ("_trick",)

    def __init__(self, trick: Any) -> None:
        self._trick = trick

    def __getitem__(self, key: Any) -> Any:
        srcs: list[Any] = []
        return _wrap(self._trick[key], srcs, OpName("sa.index_trick"))

    def __len__(self) -> int:
        return len(self._trick)


class _Module(types.ModuleType):
    """A module mirrored function by function (``sa.linalg``, ``sa.fft``, ...)."""

    def __init__(self, name: str, source: types.ModuleType) -> None:
        super().__init__(f"safearray.{name}", source.__doc__)
        self._source = source
        for attr in getattr(source, "__all__", dir(source)):
            if not attr.startswith("_"):
                setattr(self, attr, _mirror(getattr(source, attr), f"{name}.{attr}"))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _mirror(getattr(self._source, name), name)


def _mirror(obj: Any, qualname: str) -> Any:
    """The safearray counterpart of the NumPy object ``obj``."""
    kinds: Any = (type, types.ModuleType)
    scalar: Any = np.generic
    if isinstance(obj, np.ufunc):
        return ufunc(obj)
    if isinstance(obj, kinds):
        return obj
    if callable(obj) and not isinstance(obj, scalar):
        return wrap_function(obj, qualname)
    return obj


# ----------------------------------------------------------------------------------
# np.random: Generators whose results are Copies


class Generator:
    """A :class:`numpy.random.Generator` whose results are Copies.

    ``shuffle`` writes into its argument, so it goes through the write policy.

    Examples
    --------
    >>> import safearray as sa
    >>> rng = sa.random.default_rng(0)
    >>> type(rng.normal(size=3)).__name__
    'Copy'
    """

    __slots__ = ("_g",)

    def __init__(self, bit_generator: Any) -> None:
        self._g = bit_generator if isinstance(bit_generator, np.random.Generator) else (
            np.random.Generator(bit_generator))

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._g, name)
        return wrap_function(attr) if callable(attr) and not name.startswith("_") else attr

    def shuffle(self, x: Any, axis: int = 0) -> None:
        """Shuffle ``x`` in place (a checked write), as :meth:`numpy.random.Generator.shuffle`."""
        call_function(_shuffle, (self._g, x), {"axis": axis})

    def __repr__(self) -> str:
        return f"safearray.random.Generator({self._g.bit_generator!r})"


def _shuffle(gen: np.random.Generator, x: Any, axis: int = 0) -> None:
    gen.shuffle(x, axis=axis)


def _default_rng(seed: Any = None) -> Generator:
    """A :class:`Generator` from :func:`numpy.random.default_rng`.

    Examples
    --------
    >>> import safearray as sa
    >>> sa.random.default_rng(42).integers(0, 10, size=3).shape
    (3,)
    """
    return Generator(np.random.default_rng(seed))


def _make_random() -> _Module:
    mod = _Module("random", np.random)
    mod.default_rng = _default_rng  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    mod.Generator = Generator  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    mod.shuffle = wrap_function(_legacy_shuffle, "random.shuffle")  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
    return mod


def _legacy_shuffle(x: Any) -> None:
    np.random.shuffle(x)


_shuffle.__name__ = "random.Generator.shuffle"
_legacy_shuffle.__name__ = "random.shuffle"
writes_into(_shuffle, 1, "x")
writes_into(_legacy_shuffle, 0, "x")


# ----------------------------------------------------------------------------------
# I/O that gives Views of files


class NpzFile:
    """A lazily loaded ``.npz`` archive whose arrays come out as Copies (see :func:`numpy.load`)."""

    __slots__ = ("_f",)

    def __init__(self, f: Any) -> None:
        self._f = f

    def __getitem__(self, key: str) -> Any:
        return _wrap(self._f[key], [], OpName("sa.load()"))

    def __iter__(self) -> Iterator[str]:
        return iter(self._f)

    def __len__(self) -> int:
        return len(self._f)

    def keys(self) -> Any:
        """Names of the arrays in the archive."""
        return self._f.keys()

    @property
    def files(self) -> list[str]:
        """Names of the arrays in the archive."""
        return list(self._f.files)

    def close(self) -> None:
        """Close the archive."""
        self._f.close()

    def __enter__(self) -> NpzFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()


def _load(*args: Any, **kwargs: Any) -> Any:
    r = call_function(np.load, args, kwargs)
    return NpzFile(r) if isinstance(r, np.lib.npyio.NpzFile) else r


def _memmap(*args: Any, **kwargs: Any) -> Any:
    return call_function(np.memmap, args, kwargs)


# ----------------------------------------------------------------------------------
# the mirror


def _build() -> dict[str, Any]:
    mirror: dict[str, Any] = {}
    for name in np.__all__:
        if name in NOT_COVERED or name.startswith("_"):
            continue
        obj = getattr(np, name)
        if name in _WRAPPED_MODULES:
            mirror[name] = _Module(name, obj)
        elif name in _PASSED_MODULES or isinstance(obj, types.ModuleType):
            if name != "random":
                mirror[name] = obj
        elif name in ("r_", "c_", "mgrid", "ogrid"):
            mirror[name] = _IndexTrick(obj)
        else:
            mirror[name] = _mirror(obj, name)
    mirror["random"] = _make_random()
    functools.update_wrapper(_load, np.load)
    mirror["load"] = _load
    functools.update_wrapper(_memmap, np.memmap.__new__)
    _memmap.__doc__ = "Memory-map a file: the result is a View whose writes reach the file.\n\n" + (
        np.memmap.__doc__ or "")
    mirror["memmap"] = _memmap
    mirror["ndarray"] = SafeArray
    return mirror


MIRROR: dict[str, Any] = _build()


def lookup(name: str) -> Any:
    """Resolve ``safearray.<name>`` for a name not defined in ``safearray/__init__.py``."""
    try:
        return MIRROR[name]
    except KeyError:
        pass
    if name in NOT_COVERED:
        raise NotCoveredError(f"safearray does not cover numpy.{name}: {NOT_COVERED[name]}.")
    try:
        getattr(np, name)
    except AttributeError as exc:  # NumPy's own message names replacements of removed aliases
        raise AttributeError(f"module 'safearray' has no attribute {name!r} ({exc})") from None
    raise NotCoveredError(
        f"safearray does not cover numpy.{name} (it is not in numpy.__all__); "
        f"call numpy.{name} on np.asarray(x) if you need it."
    )
