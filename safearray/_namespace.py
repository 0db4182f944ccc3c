"""The ``safearray.<name>`` mirror of the ``numpy`` namespace, generated from NumPy name by
name, on each name's first use (:data:`MIRROR`).

Every NumPy function becomes one generic wrapper (unwrap -> NumPy -> tag by
memory, :func:`safearray._array.call_function`); every ufunc becomes a
:class:`ufunc` wrapper; dtypes, scalar types and constants are NumPy's own
objects. For the names listed in :data:`UNCOVERED` (masked arrays, matrices, record
arrays, ...) and those outside ``numpy.__all__``, safearray hands over NumPy's own object
with one :class:`~safearray.UncoveredWarning`: what NumPy runs, safearray runs.
"""

from __future__ import annotations

import copyreg
import functools
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


#: Where ``reduce``, ``accumulate`` and ``reduceat`` take ``out`` by position: read from their
#: signatures by the first call with arguments (:func:`_method_outs`; 0 until then).
_REDUCE_OUT = _ACCUMULATE_OUT = _REDUCEAT_OUT = 0


def _method_outs() -> tuple[int, int, int]:
    global _REDUCE_OUT, _ACCUMULATE_OUT, _REDUCEAT_OUT
    _REDUCE_OUT, _ACCUMULATE_OUT, _REDUCEAT_OUT = outs = (  # pyright: ignore[reportConstantRedefinition]
        ufunc_method_out("reduce"), ufunc_method_out("accumulate"), ufunc_method_out("reduceat"))
    return outs


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
            pos = _REDUCE_OUT or _method_outs()[0]
            if len(args) > pos:
                return call_ufunc(self._uf, "reduce", args, kwargs, None, pos)
        return call_ufunc(self._uf, "reduce", args, kwargs)

    def accumulate(self, *args: Any, **kwargs: Any) -> Any:
        """Tagged :meth:`numpy.ufunc.accumulate`."""
        if len(args) > _ACCUMULATE_OUT:
            pos = _ACCUMULATE_OUT or _method_outs()[1]
            if len(args) > pos:
                return call_ufunc(self._uf, "accumulate", args, kwargs, None, pos)
        return call_ufunc(self._uf, "accumulate", args, kwargs)

    def reduceat(self, *args: Any, **kwargs: Any) -> Any:
        """Tagged :meth:`numpy.ufunc.reduceat`."""
        if len(args) > _REDUCEAT_OUT:
            pos = _REDUCEAT_OUT or _method_outs()[2]
            if len(args) > pos:
                return call_ufunc(self._uf, "reduceat", args, kwargs, None, pos)
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


def _by_name(f: Any) -> str:
    """copyreg's reducer of the compiled function objects: ``copy.copy(sa.dot)`` and
    ``copy.deepcopy`` of objects holding one give that object itself, as for a function."""
    return str(f.__name__)


if _speedups is not None:
    copyreg.pickle(_speedups.TaggedFunction, _by_name)
    copyreg.pickle(_speedups.FastAsarray, _by_name)
    # plain calls run in UfuncBase's compiled call; the others in the Python __call__
    _speedups.configure_functions(_labels, ufunc.__call__, WRITES_INTO)
    del ufunc.__call__
    _speedups.enable_vectorcall(ufunc)
    # the methods' calls without ``out`` (NumPy 2's signatures: how many arguments come by
    # position before it) run in C too
    for _name, _positional in (("reduce", 3), ("accumulate", 3), ("reduceat", 4), ("outer", 2)):
        setattr(ufunc, _name, _speedups.UfuncMethod(_name, getattr(ufunc, _name), _positional))

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
        import mmap

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


#: The names made by their own builders (their NumPy objects are not wrapped generically).
_SPECIAL: dict[str, Callable[[], Any]] = {
    "random": lambda: _random().make_random(),
    "lib": lambda: _make_lib(MIRROR["emath"]),
    "load": lambda: _load,
    "memmap": lambda: memmap,
    "vectorize": lambda: vectorize,
    "ndarray": lambda: NDARRAY,
    "ufunc": lambda: ufunc,
    "frompyfunc": lambda: _frompyfunc,
    "nditer": lambda: _nditer,
}
_INDEX_TRICKS = frozenset({"r_", "c_", "mgrid", "ogrid"})
functools.update_wrapper(_load, np.load)


def _random() -> Any:
    from . import _random

    return _random


def _names() -> tuple[str, ...]:
    """The mirror's names, in NumPy's order (``numpy.__all__``), without building anything."""
    names = [name for name in np.__all__
             if name not in UNCOVERED and not name.startswith("_") and name not in ("random", "lib")]
    names += ["random", "lib"]
    names += [name for name in _SPECIAL if name not in names]
    return tuple(names)


def _first_names() -> dict[int, str]:
    """id of a NumPy object -> the first of its names in ``numpy.__all__`` that is mirrored by
    the generic wrapper: an alias (``concat`` is ``concatenate``) gets that name's mirror."""
    global _FIRST_NAMES
    if _FIRST_NAMES is None:
        first: dict[int, str] = {}
        found = vars(np)  # not getattr: NumPy's lazily imported submodules stay unimported
        for name in np.__all__:
            if (name in UNCOVERED or name.startswith("_") or name in _WRAPPED_MODULES
                    or name in _PASSED_MODULES or name in _INDEX_TRICKS or name not in found):
                continue
            obj = found[name]
            if not isinstance(obj, types.ModuleType):
                first.setdefault(id(obj), name)
        _FIRST_NAMES = first  # pyright: ignore[reportConstantRedefinition]
    return _FIRST_NAMES


_FIRST_NAMES: dict[int, str] | None = None
#: id of a NumPy object -> its mirror (NumPy's objects live on, so their ids stay theirs)
_MIRRORED: dict[int, Any] = {}


def _build(name: str) -> Any:
    """The mirror of ``numpy.<name>``, a name of :data:`MIRROR`."""
    special = _SPECIAL.get(name)
    if special is not None:
        return special()
    obj = getattr(np, name)
    if name in _WRAPPED_MODULES:
        return _Module(name, obj)
    if name in _PASSED_MODULES or isinstance(obj, types.ModuleType):
        return obj
    if name in _INDEX_TRICKS:
        return _IndexTrick(obj)
    mirror = _MIRRORED.get(id(obj))
    if mirror is None:  # else an alias (bitwise_not is invert): the same object again
        # a function's wrapper is named by the first of its names (concat is concatenate's)
        first = name if isinstance(obj, (np.ufunc, type)) else _first_names().get(id(obj), name)
        mirror = _MIRRORED.setdefault(id(obj), _mirror(obj, first))
    return mirror


class _Mirror(Mapping[str, Any]):
    """The ``safearray.<name>`` mirror of NumPy's namespace, by name: each object is made on
    its first use (``import safearray`` builds none, and imports none of NumPy's lazily loaded
    submodules: ``numpy.testing``, ``numpy.random``, ...). The names are known from the start;
    iterating over the values builds them all."""

    __slots__ = ("_names", "_known", "_built")

    def __init__(self, names: tuple[str, ...]) -> None:
        self._names = names
        self._known = frozenset(names)
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        try:
            return self._built[name]
        except KeyError:
            if name not in self._known:
                raise
        # made once: a thread that lost the race to build it takes the winner's object
        value = self._built.setdefault(name, _build(name))
        if isinstance(value, types.ModuleType):
            _register(name, value)
        return value

    def __contains__(self, name: object) -> bool:
        return name in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"<safearray's mirror of numpy: {len(self._names)} names, {len(self._built)} built>"


MIRROR: Mapping[str, Any] = _Mirror(_names())


def _register(name: str, module: types.ModuleType) -> None:
    """``import safearray.linalg`` and ``from safearray.random import default_rng`` find the
    mirrored modules, as ``import numpy.linalg`` finds NumPy's (the pass-through ones, such as
    ``safearray.testing``, are NumPy's own modules under both names)."""
    sys.modules.setdefault(f"safearray.{name}", module)
    if isinstance(module, _Module):  # ``import safearray.lib.stride_tricks``
        for attr, sub in vars(module).items():
            if isinstance(sub, _Module):
                sys.modules.setdefault(f"safearray.{name}.{attr}", sub)


def _is_module(name: str) -> bool:
    """Whether the mirror's ``name`` is a module (without building it)."""
    if name in ("random", "lib") or name in _WRAPPED_MODULES or name in _PASSED_MODULES:
        return True
    if name not in MIRROR or name in _SPECIAL or name in _INDEX_TRICKS:
        return False
    return isinstance(getattr(np, name), types.ModuleType)


class _SubmoduleFinder:
    """The :data:`sys.meta_path` entry (the last one) that finds ``import safearray.testing``,
    ``import safearray.random``, ...: the mirror's modules, made on the first import.

    Its spec's loader makes a placeholder module, then puts the mirror's module in its place
    in :data:`sys.modules` (a module may replace itself there while it executes; the import
    system returns what is there): ``safearray.testing`` is NumPy's ``numpy.testing`` itself,
    its ``__spec__`` untouched.
    """

    @classmethod
    def find_spec(cls, fullname: str, path: Any = None, target: Any = None) -> Any:
        package, _, name = fullname.partition(".")
        if package != "safearray" or not name or "." in name or not _is_module(name):
            return None
        import importlib.machinery

        return importlib.machinery.ModuleSpec(fullname, cast(Any, cls))

    @staticmethod
    def create_module(spec: Any) -> types.ModuleType:
        return types.ModuleType(spec.name)

    @staticmethod
    def exec_module(module: types.ModuleType) -> None:
        name = module.__name__
        sys.modules[name] = MIRROR[name.partition(".")[2]]

    def __repr__(self) -> str:
        return "<safearray's finder of its mirrored submodules>"


if not any(finder is _SubmoduleFinder for finder in sys.meta_path):
    sys.meta_path.append(_SubmoduleFinder)


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


def __getattr__(name: str) -> Any:
    # ``sa.random``'s classes lived here before ``safearray/_random.py``: pickles name them so
    if name in ("Generator", "RandomState"):
        return getattr(_random(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
