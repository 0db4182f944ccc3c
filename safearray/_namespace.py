"""The ``safearray.<name>`` mirror of the ``numpy`` namespace, generated from NumPy at import.

Every NumPy function becomes one generic wrapper (unwrap -> NumPy -> tag by
memory, :func:`safearray._array.call_function`); every ufunc becomes a
:class:`ufunc` wrapper; dtypes, scalar types and constants are NumPy's own
objects. For the names listed in :data:`UNCOVERED` (masked arrays, matrices, record
arrays, ...) and those outside ``numpy.__all__``, safearray hands over NumPy's own object
with one :class:`~safearray.UncoveredWarning`: what NumPy runs, safearray runs.
"""

from __future__ import annotations

import functools
import mmap
import types
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

import numpy as np

import sys

from ._array import (
    NDARRAY,
    _labels,
    _speedups,
    _AMBIG_FUNCTION,
    _TEMP_FUNCTION,
    Copy,
    SafeArray,
    View,
    _copy,
    _threshold,
    _held_by_caller,
    _py_adopt,
    memory_root,
    _unwrap,
    _view_of_raw,
    _wrap,
    call_function,
    call_ufunc,
    ufunc_method_out,
    WRITES_INTO,
    writes_into,
)
from ._policy import OpName, export, policy, warn_uncovered

__all__ = ["MIRROR", "UNCOVERED", "ufunc", "wrap_function", "lookup"]

_getrefcount = sys.getrefcount
_type: Any = type
_np_memmap: Any = np.memmap

#: NumPy names whose objects safearray cannot tag or judge, and why. Asking for one hands
#: over NumPy's own object, with one :class:`~safearray.UncoveredWarning` that says so.
UNCOVERED: dict[str, str] = {
    "matrix": "np.matrix is an ndarray subclass with its own operator semantics",
    "asmatrix": "np.matrix is an ndarray subclass with its own operator semantics",
    "bmat": "np.matrix is an ndarray subclass with its own operator semantics",
    "recarray": "record arrays are an ndarray subclass (structured dtypes with sa.array are tagged)",
    "record": "record arrays are an ndarray subclass (structured dtypes with sa.array are tagged)",
    "rec": "record arrays are an ndarray subclass (structured dtypes with sa.array are tagged)",
    "char": "numpy.char's chararray is an ndarray subclass (sa.strings is tagged)",
    "ma": "masked arrays are an ndarray subclass with their own memory model (data and mask)",
    "ctypeslib": "raw pointers bypass the write policy",
    "nested_iters": "NumPy's iterators write through raw pointers, bypassing the write policy",
    "f2py": "a build tool, not an array API",
    "core": "numpy.core is NumPy's private namespace",
    "test": "it runs NumPy's own test suite",
}
_HANDED_OVER = "NumPy's own object is used: its arrays are NumPy's, untagged, and their writes are not judged"

#: Modules mirrored function by function (their functions return tagged arrays).
_WRAPPED_MODULES = ("linalg", "fft", "emath", "strings")
#: Modules and names handed through unchanged (types, constants, helpers with no arrays out).
_PASSED_MODULES = ("dtypes", "exceptions", "typing", "testing", "polynomial")


def _count(items: tuple[Any, ...], i: int) -> int:
    return _getrefcount(items[i])


#: Where ``reduce``, ``accumulate`` and ``reduceat`` take ``out`` by position.
_REDUCE_OUT, _ACCUMULATE_OUT, _REDUCEAT_OUT = (
    ufunc_method_out("reduce"), ufunc_method_out("accumulate"), ufunc_method_out("reduceat"))

#: ``ufunc.__call__`` records the reference counts of its outputs here while calibrating.
_OUT_SEEN: list[int] | None = None
#: ``(threshold, ambiguous)`` of a temporary output, given by position and by keyword
_TEMP_OUT_POSITIONAL = _TEMP_OUT_KEYWORD = (-1, False)
_TEMP_OUT = -1  # both unknown until calibrated


class _UfuncType(type):
    """``isinstance(f, sa.ufunc)`` holds for safearray's ufuncs and NumPy's alike, as drop-in
    code that checks ``isinstance(np.fmin, np.ufunc)`` expects."""

    def __instancecheck__(cls, obj: object) -> bool:
        return type.__instancecheck__(cls, obj) or isinstance(obj, np.ufunc)

    def __subclasscheck__(cls, sub: type) -> bool:
        return type.__subclasscheck__(cls, sub) or issubclass(sub, np.ufunc)


if TYPE_CHECKING:
    _UfuncBase = object
else:  # compiled: its fields and its plain calls
    _UfuncBase = object if _speedups is None else _speedups.UfuncBase


class ufunc(_UfuncBase, metaclass=_UfuncType):
    """A NumPy ufunc whose results (and those of its methods) are tagged arrays.

    Attributes that are not methods (``nin``, ``nout``, ``identity``, ``types``,
    ...) are the NumPy ufunc's own; ``isinstance(f, sa.ufunc)`` holds for NumPy's ufuncs too.

    Examples
    --------
    >>> import safearray as sa
    >>> sa.add([1, 2], 3)
    Copy([4, 5])
    >>> sa.add.reduce(sa.arange(4))
    np.int64(6)
    """

    __slots__ = ("_uf", "_nin", "__name__") if _speedups is None else ()  # compiled: UfuncBase's
    __name__: str

    def __init__(self, uf: np.ufunc) -> None:
        self._uf = uf
        self._nin: int = uf.nin
        self.__name__ = str(getattr(uf, "__name__"))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if kwargs or len(args) > self._nin:
            return self._call_with_outs(args, kwargs)
        return call_ufunc(self._uf, "__call__", args, kwargs)

    def _call_with_outs(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if _TEMP_OUT >= 0 or _OUT_SEEN is not None:
            # ``sa.negative(q[1:], q[1:])``: an out that is a temporary View of a Copy is a
            # write into the Copy
            temps: dict[int, bool] = {}
            out = kwargs.get("out")
            keyword = (out,) if out is not None and type(out) is not tuple else ()  # a bare out=
            for outs, (threshold, ambiguous) in ((args[self._nin:], _TEMP_OUT_POSITIONAL),
                                                 (keyword, _TEMP_OUT_KEYWORD)):
                for i in range(len(outs)):
                    rc = _count(outs, i)
                    if _OUT_SEEN is not None:
                        _OUT_SEEN.append(rc)
                    if rc <= threshold and type(outs[i]) is View:
                        o: Any = outs[i]
                        temps[id(o)] = not ambiguous or not _held_by_caller(o, 2)
                        del o
            del outs, out, keyword
            if temps:
                return call_ufunc(self._uf, "__call__", args, kwargs, temps)
        return call_ufunc(self._uf, "__call__", args, kwargs)

    def reduce(self, *args: Any, **kwargs: Any) -> Any:
        """Tagged :meth:`numpy.ufunc.reduce`."""
        if len(args) > _REDUCE_OUT:  # ``sa.add.reduce(x, 0, None, out)``
            return call_ufunc(self._uf, "reduce", args, kwargs, None, _REDUCE_OUT)
        return call_ufunc(self._uf, "reduce", args, kwargs)

    def accumulate(self, *args: Any, **kwargs: Any) -> Any:
        """Tagged :meth:`numpy.ufunc.accumulate`."""
        if len(args) > _ACCUMULATE_OUT:
            return call_ufunc(self._uf, "accumulate", args, kwargs, None, _ACCUMULATE_OUT)
        return call_ufunc(self._uf, "accumulate", args, kwargs)

    def reduceat(self, *args: Any, **kwargs: Any) -> Any:
        """Tagged :meth:`numpy.ufunc.reduceat`."""
        if len(args) > _REDUCEAT_OUT:
            return call_ufunc(self._uf, "reduceat", args, kwargs, None, _REDUCEAT_OUT)
        return call_ufunc(self._uf, "reduceat", args, kwargs)

    def outer(self, *args: Any, **kwargs: Any) -> Any:
        """Tagged :meth:`numpy.ufunc.outer`."""
        return call_ufunc(self._uf, "outer", args, kwargs)

    def at(self, *args: Any, **kwargs: Any) -> Any:
        """:meth:`numpy.ufunc.at`: an unbuffered in-place write, checked by the write policy."""
        return call_ufunc(self._uf, "at", args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name == "_uf":  # not set yet (an instance being unpickled): no recursion
            raise AttributeError(name)
        return getattr(self._uf, name)

    def __reduce__(self) -> tuple[Any, ...]:
        return (ufunc, (self._uf,))  # NumPy pickles the ufunc itself by name

    def __copy__(self) -> ufunc:
        return self  # ufuncs are singletons, as NumPy's are under copy and deepcopy

    def __deepcopy__(self, memo: Any) -> ufunc:
        return self

    def __repr__(self) -> str:
        return f"<safearray ufunc '{self.__name__}'>"


class _UfuncDoc:
    """``ufunc.__doc__``: the class's own on the class, NumPy's ufunc's on an instance."""

    def __init__(self, class_doc: str | None) -> None:
        self._class_doc = class_doc

    def __get__(self, obj: ufunc | None, cls: type | None = None) -> str | None:
        return self._class_doc if obj is None else obj._uf.__doc__


if _speedups is not None:
    # plain calls run in UfuncBase's compiled call; the others in the Python __call__
    _speedups.configure_functions(_labels, ufunc.__call__, WRITES_INTO)
    del ufunc.__call__
    _speedups.enable_vectorcall(ufunc)

ufunc.__doc__ = _UfuncDoc(ufunc.__doc__)  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]


def wrap_function(func: Callable[..., Any], qualname: str | None = None) -> Callable[..., Any]:
    """Wrap a NumPy callable so that its array arguments are unwrapped and its results tagged."""
    writes = WRITES_INTO.get(func, (-1, ""))[0] == 0  # fills its first argument (fill_diagonal, ...)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if args and _getrefcount(args[0]) <= _TEMP_FUNCTION:
            src: Any = args[0]
            t: Any = _type(src)
            if t is Copy and (not _AMBIG_FUNCTION or not _held_by_caller(src, 1)):
                # ``sa.squeeze(sa.array(rows))``: the only View of a temporary owns its memory
                return _py_adopt(call_function(func, args, kwargs), src)
            if t is View and writes and (not _AMBIG_FUNCTION or not _held_by_caller(src, 1)):
                # ``sa.fill_diagonal(sa.fliplr(a), v)``: a write into what the View was made from
                del src
                return call_function(func, args, kwargs, True)
            del src
        return call_function(func, args, kwargs)

    if qualname is not None:
        wrapper.__qualname__ = qualname
    if _speedups is not None:
        # Plain calls are unwrapped, run and tagged in C, the others go to ``wrapper``; the
        # compiled core tells temporaries (the wrapper cannot count references through it)
        # and adopts the result of a temporary Copy itself.
        def temp_first(*args: Any, **kwargs: Any) -> Any:
            return call_function(func, args, kwargs, True)

        return _speedups.TaggedFunction(func, wrapper, temp_first)  # type: ignore[no-any-return]
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

    def __init__(self, name: str, source: types.ModuleType, names: tuple[str, ...] | None = None) -> None:
        super().__init__(f"safearray.{name}", source.__doc__)
        self._source = source
        for attr in names or getattr(source, "__all__", dir(source)):
            if not attr.startswith("_"):
                setattr(self, attr, _mirror(getattr(source, attr), f"{name}.{attr}"))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_source":
            raise AttributeError(name)
        value = getattr(self._source, name)
        if name.startswith("_"):  # NumPy's private names (np.linalg._umath_linalg): NumPy's own
            warn_uncovered(f"{self._source.__name__}.{name}", f"a private name of NumPy's; {_HANDED_OVER}.")
            return value
        return _mirror(value, name)


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


def _make_random() -> _Module:
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


# ----------------------------------------------------------------------------------
# functions whose results need more than the generic wrapper


class vectorize:
    """:class:`numpy.vectorize` whose results are tagged arrays (Copies: vectorize makes new arrays).

    Examples
    --------
    >>> import safearray as sa
    >>> sa.vectorize(lambda v: v * 2)(sa.arange(3))
    Copy([0, 2, 4])
    """

    __slots__ = ("_v",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._v = np.vectorize(*args, **kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        r = call_function(_call_vectorized, (self._v, *args), kwargs)
        return self if r is self._v else r  # ``@sa.vectorize(otypes=...)`` used as a decorator

    def __getattr__(self, name: str) -> Any:
        return getattr(self._v, name)

    def __repr__(self) -> str:
        return f"safearray.vectorize({self._v.pyfunc!r})"


class _VectorizeDoc:
    """``vectorize.__doc__``: the class's own on the class; on an instance NumPy's (the
    function's docstring, or ``doc=``)."""

    def __init__(self, class_doc: str | None) -> None:
        self._class_doc = class_doc

    def __get__(self, obj: vectorize | None, cls: type | None = None) -> str | None:
        return self._class_doc if obj is None else obj._v.__doc__


vectorize.__doc__ = _VectorizeDoc(vectorize.__doc__)  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]


def _call_vectorized(v: Any, *args: Any, **kwargs: Any) -> Any:
    return v(*args, **kwargs)


_call_vectorized.__name__ = "vectorize"


# ----------------------------------------------------------------------------------
# I/O that gives Views of files


class NpzFile(Mapping[str, Any]):
    """A lazily loaded ``.npz`` archive whose arrays come out as Copies (see :func:`numpy.load`).

    A read-only mapping from names to arrays, as NumPy's ``NpzFile``: ``archive["x"]``,
    ``archive.f.x``, ``archive.items()``, ``"x" in archive``, ``dict(archive)``.
    """

    __slots__ = ("_f",)

    def __init__(self, f: Any) -> None:
        self._f = f

    def __getitem__(self, key: str) -> Any:
        return _wrap(self._f[key], [], _OP_LOAD)

    def __iter__(self) -> Iterator[str]:
        return iter(self._f)

    def __len__(self) -> int:
        return len(self._f)

    def __contains__(self, key: object) -> bool:
        return key in self._f

    @property
    def files(self) -> list[str]:
        """Names of the arrays in the archive."""
        return list(self._f.files)

    @property
    def f(self) -> _NpzAttributes:
        """The arrays as attributes: ``archive.f.x`` is ``archive["x"]``."""
        return _NpzAttributes(self)

    def close(self) -> None:
        """Close the archive."""
        self._f.close()

    def __enter__(self) -> NpzFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()

    def __repr__(self) -> str:
        return repr(self._f)  # NumPy's: NpzFile 'name' with keys: x, y


class _NpzAttributes:
    __slots__ = ("_archive",)

    def __init__(self, archive: NpzFile) -> None:
        self._archive = archive

    def __getattr__(self, name: str) -> Any:
        try:
            return self._archive[name]
        except KeyError:
            raise AttributeError(
                f"the archive has no array {name!r}; it has {self._archive.files!r}") from None

    def __dir__(self) -> list[str]:
        return self._archive.files


_OP_LOAD = OpName("sa.load()")


_OP_MEMMAP = OpName("np.memmap()")


def _file_view(r: Any) -> Any:
    """The View of a mapped file that ``sa.memmap`` and ``sa.load(mmap_mode=...)`` return.

    Its base is NumPy's memmap object, which nothing else holds: the file's bytes are the ones
    the caller opened for this array, so writes through it are not writes through someone
    else's memory (Views made from it are judged as usual).
    """
    if _type(r) is not _np_memmap:
        return _wrap(r, [], _OP_MEMMAP)
    plain: Any = r.view(np.ndarray)
    return _view_of_raw(plain, r, r, _OP_MEMMAP)


def _load(*args: Any, **kwargs: Any) -> Any:
    srcs: list[Any] = []
    r = np.load(*[_unwrap(a, srcs) for a in args], **kwargs)
    if isinstance(r, np.lib.npyio.NpzFile):
        return NpzFile(r)
    return _file_view(r) if _type(r) is _np_memmap else _wrap(r, srcs, _OP_LOAD)


class _MemmapType(type):
    """``isinstance(x, sa.memmap)`` holds for the tagged arrays whose memory is a mapped file."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, SafeArray) and isinstance(memory_root(obj), mmap.mmap)


class memmap(metaclass=_MemmapType):
    """Memory-map a file, as :class:`numpy.memmap`: the result is a View whose writes reach the file.

    ``isinstance(x, sa.memmap)`` holds for it, for its Views and for the arrays of
    ``sa.load(..., mmap_mode=...)``. Writes go to the mapping of the file (the array's own
    memory: writing into it is not a shared write; Views made from it are judged as usual);
    ``filename``, ``offset``, ``mode`` and ``flush()`` are NumPy's memmap's.

    Examples
    --------
    >>> import os, tempfile
    >>> import safearray as sa
    >>> path = os.path.join(tempfile.mkdtemp(), "data.bin")
    >>> m = sa.memmap(path, dtype=sa.float32, mode="w+", shape=(3,))
    >>> type(m).__name__, isinstance(m, sa.memmap)
    ('View', True)
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        srcs: list[Any] = []
        return _file_view(np.memmap(*[_unwrap(a, srcs) for a in args], **kwargs))


# ----------------------------------------------------------------------------------
# the mirror


def _make_lib(emath: _Module) -> _Module:
    """``sa.lib``: NumPy's ``numpy.lib``, with the array functions of its submodules tagged."""
    lib = _Module("lib", np.lib)
    tricks = _Module("lib.stride_tricks", np.lib.stride_tricks, ("as_strided", "sliding_window_view"))
    setattr(lib, "stride_tricks", tricks)
    setattr(lib, "array_utils", _Module("lib.array_utils", np.lib.array_utils))
    setattr(lib, "scimath", emath)
    return lib


@functools.wraps(np.frompyfunc)
def _frompyfunc(func: Callable[..., Any], /, nin: int, nout: int, **kwargs: Any) -> ufunc:
    return ufunc(np.frompyfunc(func, nin, nout, **kwargs))


def _nditer(op: Any, *args: Any, **kwargs: Any) -> Any:
    """:class:`numpy.nditer`, NumPy's own iterator, over SafeArray operands' memory.

    NumPy's iterator reads and writes through raw pointers, so its writes are not judged; a
    SafeArray operand is given as its memory, as DLPack shares it (writable, a View's sealed
    under "raise"), not as ``np.asarray`` hands it to libraries (read-only): ``op_flags``
    ``"readwrite"``/``"writeonly"`` write into the array as they write into an ndarray.

    Examples
    --------
    >>> import safearray as sa
    >>> out = sa.zeros(3)
    >>> with sa.nditer(out, op_flags=[["writeonly"]]) as it:
    ...     for i, x in enumerate(it):
    ...         x[...] = i
    >>> out
    Copy([0., 1., 2.])
    """
    operands: Any = op
    if isinstance(operands, (list, tuple)):
        given: list[Any] = [export(o) if isinstance(o, SafeArray) else o for o in cast(Any, operands)]
        operands = tuple(given) if isinstance(operands, tuple) else given
    elif isinstance(operands, SafeArray):
        operands = export(operands)
    return np.nditer(operands, *args, **kwargs)


def _build() -> dict[str, Any]:
    mirror: dict[str, Any] = {}
    mirrored: dict[int, Any] = {}  # id of NumPy's object -> its mirror (NumPy's objects live on)
    for name in np.__all__:
        if name in UNCOVERED or name.startswith("_"):
            continue
        obj = getattr(np, name)
        if name in _WRAPPED_MODULES:
            mirror[name] = _Module(name, obj)
        elif name in _PASSED_MODULES or isinstance(obj, types.ModuleType):
            if name not in ("random", "lib"):
                mirror[name] = obj
        elif name in ("r_", "c_", "mgrid", "ogrid"):
            mirror[name] = _IndexTrick(obj)
        elif id(obj) in mirrored:  # an alias (bitwise_not is invert): the same object again
            mirror[name] = mirrored[id(obj)]
        else:
            mirror[name] = mirrored[id(obj)] = _mirror(obj, name)
    mirror["random"] = _make_random()
    mirror["lib"] = _make_lib(mirror["emath"])
    functools.update_wrapper(_load, np.load)
    mirror["load"] = _load
    mirror["memmap"] = memmap
    mirror["vectorize"] = vectorize
    mirror["ndarray"] = NDARRAY
    mirror["ufunc"] = ufunc
    mirror["frompyfunc"] = _frompyfunc
    mirror["nditer"] = _nditer
    return mirror


MIRROR: dict[str, Any] = _build()


def _calibrate_out() -> tuple[tuple[int, bool], tuple[int, bool]]:
    """The reference count of an output that is a temporary View (``sa.negative(c[:3], c[1:])``)
    against a named one, through the mirrored ufunc, by position and by keyword."""
    global _OUT_SEEN
    negative = MIRROR["negative"]
    c = _copy(np.zeros(4))
    v = c[1:]
    _OUT_SEEN = []  # pyright: ignore[reportConstantRedefinition]
    try:
        with policy("allow"):
            negative(c[:3], c[1:])
            negative(c[:3], v)
            negative(c[:3], out=c[1:])
            negative(c[:3], out=v)
        seen = _OUT_SEEN
    finally:
        _OUT_SEEN = None  # pyright: ignore[reportConstantRedefinition]
    if len(seen) != 4:
        return (-1, False), (-1, False)
    return _threshold(seen[0], seen[1]), _threshold(seen[2], seen[3])


_TEMP_OUT_POSITIONAL, _TEMP_OUT_KEYWORD = _calibrate_out()  # pyright: ignore[reportConstantRedefinition]
_TEMP_OUT = max(_TEMP_OUT_POSITIONAL[0], _TEMP_OUT_KEYWORD[0])  # pyright: ignore[reportConstantRedefinition]


def switch_off() -> None:
    """No temporary outputs: the import self-test found temporaries not to work here."""
    global _TEMP_OUT_POSITIONAL, _TEMP_OUT_KEYWORD, _TEMP_OUT
    _TEMP_OUT_POSITIONAL = _TEMP_OUT_KEYWORD = (-1, False)  # pyright: ignore[reportConstantRedefinition]
    _TEMP_OUT = -1  # pyright: ignore[reportConstantRedefinition]

# ``import safearray.linalg`` and ``from safearray.random import default_rng`` find the
# mirrored modules, as ``import numpy.linalg`` finds NumPy's (the pass-through ones, such as
# ``safearray.testing``, are NumPy's own modules under both names).
for _name, _value in MIRROR.items():
    if isinstance(_value, types.ModuleType):
        sys.modules.setdefault(f"safearray.{_name}", _value)
        if isinstance(_value, _Module):  # ``import safearray.lib.stride_tricks``
            for _attr, _sub in vars(_value).items():
                if isinstance(_sub, _Module):
                    sys.modules.setdefault(f"safearray.{_name}.{_attr}", _sub)


def lookup(name: str) -> Any:
    """Resolve ``safearray.<name>`` for a name not defined in ``safearray/__init__.py``:
    the mirror's object, or NumPy's own (with one :class:`~safearray.UncoveredWarning`)."""
    try:
        return MIRROR[name]
    except KeyError:
        pass
    try:
        value = getattr(np, name)
    except AttributeError as exc:  # NumPy's own message names replacements of removed aliases
        raise AttributeError(f"module 'safearray' has no attribute {name!r} ({exc})") from None
    reason = UNCOVERED.get(name, "it is not in numpy.__all__")
    warn_uncovered(f"numpy.{name}", f"{reason}; {_HANDED_OVER}.")
    return value
