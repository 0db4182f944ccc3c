"""Which checks work on this interpreter: measured at import, reported by :func:`diagnostics`.

The write judge needs to tell a temporary (``a[mask]`` in ``a[mask][0] = 5``) from an
array held by a name, and ownership needs the same at every place a View is made. How that
is told depends on the interpreter (reference counts up to CPython 3.13; from 3.14, where
locals may be borrowed, CPython's ``PyUnstable_Object_IsUniqueReferencedTemporary`` in the
compiled core and the calling frame's locals in Python). Rather than trust the theory, every
check is run once, at import, on real tagged arrays; a check that does not give the right
answer is switched off *and said so*: a :class:`~safearray.DetectionWarning` once, and
:func:`diagnostics` lists it.
"""

from __future__ import annotations

import platform
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _array, _namespace, _policy
from ._array import Copy, View, _copy
from ._errors import DetectionWarning, LostWriteError, SharedWriteError

__all__ = ["diagnostics", "CHECKS"]


def _fresh() -> Any:
    return _copy(np.zeros((2, 2)))


def _lost_at_setitem() -> bool:
    try:
        _fresh()[0] = 1
    except LostWriteError:
        return True
    return False


def _named_setitem_is_silent() -> bool:
    c = _fresh()
    c[0] = 1
    return True


def _lost_at_method() -> bool:
    try:
        _fresh().fill(0)
    except LostWriteError:
        return True
    return False


def _named_method_is_silent() -> bool:
    c = _fresh()
    c.fill(0)
    return True


def _owner_idiom_is_silent() -> bool:
    c = _fresh()
    v = c[1:]  # a live View of the row written below: the owner idiom must still be silent
    c[0:1] += 1
    c[0:1].sort()
    c[:2][:, 1] -= 1  # the store-back keeps c[:2] on CPython's stack
    del v
    return c is not None


def _shared_write_through_named_view() -> bool:
    c = _fresh()
    v = c[0]
    try:
        v += 1
    except SharedWriteError:
        return c is not None
    return False


def _own_by_getitem() -> bool:
    return type(_fresh()[1:]) is Copy


def _own_by_attribute() -> bool:
    return type(_fresh().T) is Copy


def _own_by_method() -> bool:
    return type(_fresh().reshape(4)) is Copy and type(_fresh().ravel()) is Copy


def _own_by_function() -> bool:
    reshape: Any = np.reshape
    return type(reshape(_fresh(), 4)) is Copy


def _view_by_name() -> bool:
    c = _fresh()
    reshape: Any = np.reshape
    return (type(c[1:]) is View and type(c.T) is View and type(c.reshape(4)) is View
            and type(reshape(c, 4)) is View)


#: check -> (what it protects, the probes that must all hold)
CHECKS: dict[str, tuple[str, tuple[Callable[[], bool], ...]]] = {
    "lost writes by assignment": ("a[mask][0] = 5 reported", (_lost_at_setitem, _named_setitem_is_silent)),
    "lost writes by methods": ("a[mask].sort(), a.copy().fill(0) reported", (_lost_at_method, _named_method_is_silent)),
    "owner idioms": ("a[1:3] += 1, a[1:3].sort(), a[:h][:, 1] -= x silent on a Copy", (_owner_idiom_is_silent,)),
    "shared writes": ("v += 1 through a named View reported", (_shared_write_through_named_view,)),
    "ownership by indexing": ("f()[2:5] is a Copy", (_own_by_getitem, _view_by_name)),
    "ownership by attributes": ("np.zeros((4, 4)).T is a Copy", (_own_by_attribute, _view_by_name)),
    "ownership by methods": ("np.arange(12).reshape(3, 4) is a Copy", (_own_by_method, _view_by_name)),
    "ownership by functions": ("np.reshape(np.arange(6), (2, 3)) is a Copy", (_own_by_function, _view_by_name)),
}

#: check -> True when it works here (filled at import by :func:`run`)
RESULTS: dict[str, bool] = {}


def _passes(probes: tuple[Callable[[], bool], ...]) -> bool:
    try:
        with _policy.policy("raise"), warnings.catch_warnings():
            warnings.simplefilter("error")
            return all(probe() for probe in probes)
    except Exception:  # noqa: BLE001  (any failure means: not established here)
        return False


def run() -> dict[str, bool]:
    """Run every check on this interpreter; warn once, naming those that do not work."""
    RESULTS.clear()
    for name, (_, probes) in CHECKS.items():
        RESULTS[name] = _passes(probes)
    ownership = not all(ok for name, ok in RESULTS.items() if name.startswith("ownership"))
    temporaries = not (RESULTS["lost writes by assignment"] and RESULTS["lost writes by methods"])
    if ownership or temporaries:
        _array.switch_off(ownership, temporaries)
    if temporaries:
        _namespace.switch_off()
    report(RESULTS)
    return RESULTS


def report(results: dict[str, bool]) -> None:
    """Issue the one :class:`~safearray.DetectionWarning` for the checks that do not work."""
    off = [name for name, ok in results.items() if not ok]
    if not off:
        return
    what = "; ".join(f"{name} ({CHECKS[name][0]})" for name in off)
    warnings.warn(
        f"safearray cannot establish these checks on {_interpreter()} with its "
        f"{_core()} core, so they are off and what they would report goes unreported: {what}. "
        f"Tags stay conservative (a View when unsure). See safearray.diagnostics().",
        DetectionWarning,
        stacklevel=_importer_stacklevel(),
    )


def _importer_stacklevel() -> int:
    """The stacklevel of the first frame outside safearray (``warnings`` itself does not
    count the frames of the import machinery)."""
    frame = sys._getframe(2)  # report()'s caller, which is stacklevel 2 of report()'s warn
    level = 2
    while frame is not None:
        name = frame.f_code.co_filename
        if not name.startswith(_policy._PACKAGE_DIR):
            if "importlib" not in name or "_bootstrap" not in name:
                break
        else:
            level += 1
        frame = frame.f_back  # type: ignore[assignment]
    return level


def _interpreter() -> str:
    import sysconfig

    build = " free-threaded" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
    return f"{platform.python_implementation()} {platform.python_version()}{build}"


def _core() -> str:
    return "pure-Python" if _array._speedups is None else "compiled"


def diagnostics() -> dict[str, Any]:
    """Which of safearray's checks are active on this interpreter, and how temporaries are told.

    Examples
    --------
    >>> import safearray as sa
    >>> info = sa.diagnostics()
    >>> sorted(info)
    ['checks', 'core', 'interpreter', 'numpy', 'off', 'temporaries']
    >>> info["off"]
    []
    """
    sp = _array._speedups
    if sp is not None:
        how = f"compiled core: {sp.temporaries_by()}; Python paths: {_python_way()}"
    else:
        how = _python_way()
    return {
        "interpreter": _interpreter(),
        "core": _core(),
        "numpy": str(getattr(np, "__version__")),
        "temporaries": how,
        "checks": dict(RESULTS),
        "off": [name for name, ok in RESULTS.items() if not ok],
    }


def _python_way() -> str:
    if not hasattr(sys, "getrefcount"):
        return "not available (no sys.getrefcount)"
    ambiguous = [site for site, (t, n) in _array._COUNTS.items() if t == n]
    if ambiguous:
        return "reference count, and the calling frame's locals where a borrowed local looks like a temporary"
    return "reference count"
