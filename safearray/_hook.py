"""The import hook: ``import numpy`` gives safearray inside the selected modules only.

A :data:`sys.meta_path` finder looks up each module with the finders after it (so the
import system does the lookup once, as without the hook) and, when the module is selected,
wraps the spec's loader: before the module's code runs, its namespace gets a ``__builtins__``
of its own whose ``__import__`` maps ``numpy`` and ``numpy.<sub>`` to ``safearray`` and
``safearray.<sub>``. Functions defined in the module keep that namespace's builtins, so an
``import numpy`` inside a function, run later, is mapped too. NumPy itself, the standard
library and every module that is not selected keep the real ``__import__`` and the real
NumPy: nothing is rewritten on disk and ``sys.modules["numpy"]`` stays NumPy.

Not mapped: ``importlib.import_module("numpy")`` and ``sys.modules["numpy"]`` (they bypass
``__import__``), and modules imported before :func:`install` (:func:`install` names them).
"""

from __future__ import annotations

import builtins
import functools
import importlib.machinery
import os
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any, cast

from ._errors import SafeArrayValueError, UncoveredWarning

try:  # importlib.abc.Loader itself, defined there (CPython 3.10+), without the rest of importlib.abc
    from importlib._abc import Loader as _LoaderABC
except ImportError:  # pragma: no cover - another implementation
    from importlib.abc import Loader as _LoaderABC

__all__ = ["install", "uninstall", "Selection", "safe_builtins", "active"]

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_real_import = builtins.__import__
_ALWAYS_REAL = ("numpy", "safearray")
_BUILTIN_NAMES = frozenset(sys.builtin_module_names)


@functools.lru_cache(maxsize=8192)
def _realpath(path: str) -> str:
    return os.path.realpath(path)


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _never_dirs() -> tuple[str, ...]:
    """Where installed code lives: the standard library, site-packages, NumPy, safearray."""
    import sysconfig

    dirs: set[str] = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        value = sysconfig.get_paths().get(key)
        if value:
            dirs.add(os.path.realpath(value))
    for entry in sys.path:
        if entry and os.path.basename(entry) in ("site-packages", "dist-packages"):
            dirs.add(os.path.realpath(entry))
    import numpy

    dirs.add(os.path.realpath(os.path.dirname(numpy.__file__ or "")))
    dirs.add(os.path.realpath(_PACKAGE_DIR))
    return tuple(sorted(dirs))


def _is_path(entry: str) -> bool:
    return os.sep in entry or "/" in entry or entry.endswith(".py") or entry in (".", "..")


class Selection:
    """Which modules get safearray for ``numpy``: by dotted name (a package and everything
    under it) or by path (a directory and the files under it, or one file). ``exclude`` wins
    over ``include``; NumPy and safearray are never selected; a path include does not reach
    into the standard library or a site-packages directory below it (a name include does:
    ``include=["somelib"]`` audits an installed library)."""

    def __init__(self, include: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> None:
        inc = [os.getcwd()] if include is None else list(include)
        self.names, self.paths = self._split(inc)
        self.exclude_names, self.exclude_paths = self._split(exclude)
        self._under_cache: dict[tuple[str, tuple[str, ...]], bool] = {}
        self.never = tuple(d for d in _never_dirs() if not any(_under(p, d) and p != d for p in self.paths))

    @staticmethod
    def _split(entries: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        names: list[str] = []
        paths: list[str] = []
        for entry in entries:
            if not isinstance(entry, str) or not entry:  # pyright: ignore[reportUnnecessaryIsInstance]
                raise SafeArrayValueError(f"{entry!r} is not a module name or a path")
            if _is_path(entry) or os.path.isdir(entry):
                paths.append(os.path.realpath(entry))
            else:
                names.append(entry)
        return tuple(names), tuple(paths)

    def __repr__(self) -> str:
        return (f"Selection(names={list(self.names)}, paths={list(self.paths)}, "
                f"exclude={list(self.exclude_names + self.exclude_paths)})")

    def _name_in(self, fullname: str, names: Sequence[str]) -> bool:
        return any(fullname == n or fullname.startswith(n + ".") for n in names)

    def _path_selected(self, path: str) -> bool:
        if any(_under(path, p) for p in self.exclude_paths):
            return False
        for root in self.paths:
            if _under(path, root):
                # a site-packages or the standard library strictly inside the include is not code here
                return not any(_under(path, d) and _under(d, root) and d != root for d in self.never)
        return False

    def selects(self, fullname: str, origin: str | None) -> bool:
        """Whether the module ``fullname`` found at ``origin`` (a file, or None) is selected."""
        if fullname.partition(".")[0] in _ALWAYS_REAL or self._name_in(fullname, self.exclude_names):
            return False
        real = _realpath(origin) if origin else None
        if real is not None and any(_under(real, p) for p in self.exclude_paths):
            return False
        if self._name_in(fullname, self.names):
            return True
        return real is not None and self._path_selected(real)

    def excluded(self, fullname: str, origin: str | None) -> bool:
        """Whether ``exclude`` names the module ``fullname`` (found at ``origin``)."""
        real = _realpath(origin) if origin else None
        return self._name_in(fullname, self.exclude_names) or (
            real is not None and any(_under(real, p) for p in self.exclude_paths))

    def may_select_under(self, parent: str, locations: Iterable[str]) -> bool:
        """Whether any submodule of the package ``parent`` (searched in ``locations``) may be
        selected: the quick test that keeps the unselected packages' imports at full speed
        (cached per package and locations)."""
        key = (parent, tuple(locations))
        known = self._under_cache.get(key)
        if known is None:
            known = self._under_cache[key] = self._may_select_under(parent, key[1])
        return known

    def _may_select_under(self, parent: str, locations: tuple[str, ...]) -> bool:
        if parent.partition(".")[0] in _ALWAYS_REAL or self._name_in(parent, self.exclude_names):
            return False
        if self._name_in(parent, self.names) or any(n.startswith(parent + ".") for n in self.names):
            return True
        for loc in locations:
            real = _realpath(loc)
            if any(_under(real, p) or _under(p, real) for p in self.paths):
                return True
        return False


def _numpy_to_safearray(name: str) -> str | None:
    if name == "numpy":
        return "safearray"
    if name.startswith("numpy.") and not name[6:].startswith("_"):
        return "safearray" + name[5:]
    return None


def _import(name: str, globals: Mapping[str, Any] | None = None, locals: Mapping[str, Any] | None = None,
            fromlist: Sequence[str] | None = (), level: int = 0) -> ModuleType:
    """``__import__`` of a selected module: ``numpy[.sub]`` is ``safearray[.sub]``.

    C code (NumPy's own lazy imports, ``PyImport_Import``) calls the ``__import__`` of the
    frame it runs in, with a list as ``fromlist`` (the ``import`` statement passes None or a
    tuple) and reads ``sys.modules`` afterwards: those imports, and NumPy's private modules,
    are NumPy's.
    """
    from_c = type(cast(object, fromlist)) is list
    target = _numpy_to_safearray(name) if level == 0 and not from_c else None
    if target is None:
        return _real_import(name, globals, locals, fromlist, level)
    try:
        return _real_import(target, globals, locals, fromlist, level)
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("safearray"):
            raise
    # a NumPy submodule safearray does not mirror (numpy.lib.format): NumPy's own, said once
    from ._policy import warn_uncovered

    warn_uncovered(name, "safearray has no module of that name; NumPy's own module is used: its "
                         "arrays are NumPy's, untagged, and their writes are not judged.")
    module = _real_import(name, globals, locals, fromlist, level)
    return module if fromlist else _real_import("safearray")


_BUILTINS: dict[str, Any] = dict(vars(builtins))
_BUILTINS["__import__"] = _import


def safe_builtins() -> dict[str, Any]:
    """The ``__builtins__`` a selected module runs with (shared by all of them)."""
    return _BUILTINS


class _Loader(_LoaderABC):
    """A loader that runs the wrapped loader's module with :func:`safe_builtins`."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:  # get_source, get_resource_reader, is_package, ...
        return getattr(self._loader, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        create = getattr(self._loader, "create_module", None)
        return None if create is None else create(spec)

    def exec_module(self, module: ModuleType) -> None:
        module.__dict__["__builtins__"] = _BUILTINS
        self._loader.exec_module(module)

    def __repr__(self) -> str:
        return f"<safearray loader of {self._loader!r}>"


class _Finder:
    """The :data:`sys.meta_path` entry: finds with the finders after it, wraps selected specs."""

    def __init__(self, selection: Selection) -> None:
        self.selection = selection

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname in _BUILTIN_NAMES:
            return None
        if path is not None and not self.selection.may_select_under(fullname.rpartition(".")[0], path):
            return None  # the next finders find it, as without the hook
        meta = sys.meta_path
        try:
            rest = meta[meta.index(self) + 1:]
        except ValueError:
            return None
        for finder in rest:
            find = getattr(finder, "find_spec", None)
            if find is None:
                continue
            spec: importlib.machinery.ModuleSpec | None = find(fullname, path, target)
            if spec is None:
                continue
            # found: returned either way, so the import system does not look it up again
            loader = spec.loader
            if (loader is not None and spec.origin is not None and hasattr(loader, "exec_module")
                    and not isinstance(loader, (importlib.machinery.ExtensionFileLoader, _Loader))
                    and self.selection.selects(fullname, spec.origin)):
                spec.loader = _Loader(loader)
            return spec
        return None

    def __repr__(self) -> str:
        return f"<safearray import hook {self.selection!r}>"


_active: _Finder | None = None


def active() -> Selection | None:
    """The selection of the installed hook, or None."""
    return None if _active is None else _active.selection


def _already_imported(selection: Selection) -> list[str]:
    import numpy

    found: list[str] = []
    for name, module in list(sys.modules.items()):
        if name == "__main__" or not isinstance(module, ModuleType):  # pyright: ignore[reportUnnecessaryIsInstance]
            continue
        origin = getattr(module, "__file__", None)
        if not isinstance(origin, str) or not selection.selects(name, origin):
            continue
        if any(value is numpy for value in vars(module).values()):
            found.append(name)
    return sorted(found)


def install(include: Iterable[str] | None = None, exclude: Iterable[str] = ()) -> list[str]:
    """Make ``import numpy`` give safearray in the selected modules imported from now on.

    ``include``: module names (``"mypkg"`` selects the package and its submodules) or paths
    (a directory, or a ``.py`` file); the default is the current directory, without the
    standard library and site-packages directories under it. ``exclude`` (names or paths)
    wins over ``include``. NumPy, safearray and the modules that are not selected keep the
    real NumPy. Installing again replaces the selection. Modules imported before the call
    keep what they imported: those that hold NumPy are returned (and named in one
    :class:`~safearray.UncoveredWarning`).

    Examples
    --------
    >>> import safearray as sa
    >>> sa.install(include=["my_project"])
    []
    >>> sa.uninstall()
    True
    """
    global _active
    selection = Selection(include, exclude)
    uninstall()
    _active = _Finder(selection)
    sys.meta_path.insert(0, _active)
    importlib.invalidate_caches()
    before = _already_imported(selection)
    if before:
        warnings.warn(
            f"safearray does not cover {', '.join(before)}: imported before safearray.install(), "
            f"they keep NumPy's own numpy; install the hook before importing them.",
            UncoveredWarning, stacklevel=2)
    return before


def uninstall() -> bool:
    """Remove the import hook; True if one was installed. Modules imported under it keep
    safearray.

    Examples
    --------
    >>> import safearray as sa
    >>> sa.uninstall()
    False
    """
    global _active
    if _active is None:
        return False
    try:
        sys.meta_path.remove(_active)
    except ValueError:
        pass
    _active = None
    return True
