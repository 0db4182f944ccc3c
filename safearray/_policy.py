"""The write policy: what happens when a write goes through a View or into a lost Copy.

Modes (``MODES``):

* ``"warn"`` (default): the write happens as in NumPy and a warning is issued;
* ``"raise"``: an error is raised before any byte changes;
* ``"allow"``: NumPy's behaviour, silent.

The effective mode of a write is the array's own (``x.with_policy(mode)``),
else the block's (``with safearray.policy(mode):``, a ContextVar, so threads
and asyncio tasks never leak into each other), else the global one
(``safearray.set_policy(mode)``, initialised from ``SAFEARRAY_POLICY``).

:func:`on_write` is the one place where writes are judged. The tagged array
calls it only when a write may need judging (a View, or a temporary Copy),
so a write into a named Copy never reaches this module.
"""

from __future__ import annotations

import contextlib
import dis
import os
import sys
import warnings
from collections.abc import Generator
from contextvars import ContextVar
from typing import Any, Literal, TypeVar, cast

import numpy as np
from numpy.typing import NDArray

from ._errors import (
    LostWriteError,
    LostWriteWarning,
    ReadOnlyError,
    SafeArrayValueError,
    SharedWriteError,
    SharedWriteWarning,
    UncoveredWarning,
)

__all__ = ["OpName", "MODES", "Mode", "get_policy", "set_policy", "policy", "check_mode", "on_write", "export",
           "warn_uncovered", "called_as_method"]

Mode = Literal["allow", "warn", "raise"]
MODES: tuple[Mode, ...] = ("allow", "warn", "raise")

#: Where a write comes from; each site has its own reference-count threshold for temporaries.
SETITEM, INPLACE, METHOD, ARGUMENT = "setitem", "inplace", "method", "argument"

_NDARRAY: Any = np.ndarray  # isinstance() against it keeps values typed Any for the checkers
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

#: ``id(ndarray) -> label`` of the arrays made read-only by a ``with sa.guard(...)`` block.
guarded: dict[int, str] = {}


def check_mode(mode: object, source: str = "mode") -> Mode:
    """Return ``mode`` if it is one of :data:`MODES`; raise ValueError listing them otherwise."""
    if isinstance(mode, str) and mode in MODES:
        return mode
    raise SafeArrayValueError(
        f"{source}={mode!r} is not a write policy; use one of 'allow', 'warn', 'raise'."
    )


_global_mode: Mode = check_mode(os.environ.get("SAFEARRAY_POLICY", "warn"), "SAFEARRAY_POLICY")
_block_mode: ContextVar[Mode | None] = ContextVar("safearray_policy", default=None)


def get_policy() -> Mode:
    """The write policy in force here: the innermost ``policy()`` block's, else the global one.

    Examples
    --------
    >>> import safearray as sa
    >>> with sa.policy("raise"):
    ...     sa.get_policy()
    'raise'
    """
    mode = _block_mode.get()
    return _global_mode if mode is None else mode


def set_policy(mode: Mode | None = None, *, stale_reads: bool | None = None) -> Mode:
    """Set the global write policy and return the previous one.

    ``stale_reads=True`` turns on the general check of stale Views: every use of a View
    whose bytes were written through another path after it was made is reported (under
    the mode: a warning, an error, or nothing). Off (the default, or
    ``SAFEARRAY_STALE_READS=0``), only the case that is never intended is: a stale View as
    the source of a write in the statement that made it stale (the swap). ``None`` leaves
    a setting as it is (one of the two is needed).

    Examples
    --------
    >>> import safearray as sa
    >>> previous = sa.set_policy("raise")
    >>> sa.get_policy()
    'raise'
    >>> _ = sa.set_policy(previous)
    >>> _ = sa.set_policy(stale_reads=True)   # audit every read of a stale View
    >>> _ = sa.set_policy(stale_reads=False)
    """
    global _global_mode
    previous = _global_mode
    new = _global_mode if mode is None and stale_reads is not None else check_mode(mode)
    if stale_reads is not None:
        from . import _stale

        _stale.set_reads(stale_reads)
    _global_mode = new
    return previous


@contextlib.contextmanager
def policy(mode: Mode | None = None, *, stale_reads: bool | None = None) -> Generator[Mode, None, None]:
    """Use write policy ``mode`` inside a ``with`` block (this thread or task only).

    ``stale_reads``: the general check of stale Views on or off in the block (see
    :func:`set_policy`); ``None`` (and ``mode=None``) keep what is in force.

    Examples
    --------
    >>> import safearray as sa
    >>> data = sa.zeros(4)
    >>> with sa.policy("allow"):
    ...     head = data[:2]
    ...     head[:] = 1.0
    >>> data
    Copy([1., 1., 0., 0.])
    >>> col = data[:2]
    >>> data += 1                     # col's bytes change through data: col is stale
    >>> with sa.policy("raise", stale_reads=True):
    ...     col.sum()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    safearray.StaleViewError: reading a stale View (slice [:2] of Copy(shape=(4,), dtype=float64)): the += into Copy(shape=(4,), dtype=float64) at ...
    """
    keep = mode is None and stale_reads is not None
    token = None if keep else _block_mode.set(check_mode(mode))
    try:
        if stale_reads is None:
            yield get_policy()
        else:
            from . import _stale

            with _stale.reads_block(stale_reads):
                yield get_policy()
    finally:
        if token is not None:
            _block_mode.reset(token)


class GuardMark(str):
    """Held in a View's policy slot by ``@sa.guard`` arguments and the Views made from them.

    Such Views are read-only, so no write reaches the policy; the mark only names the
    guarded argument in the error.
    """

    __slots__ = ()


def _mode_of(arr: Any) -> Mode:
    mode = arr._policy
    if mode is None or type(mode) is GuardMark:
        mode = _block_mode.get()
        if mode is None:
            return _global_mode
    return mode  # type: ignore[no-any-return]


# ----------------------------------------------------------------------------------
# messages


def describe(obj: object, tagged_base: bool = False) -> str:
    """Short description of an array or buffer: ``Copy(shape=(5,), dtype=float64)``.

    An ndarray whose memory belongs to a tagged array (``tagged_base``) is the
    array of a View that was not kept (see ``_view_of``), so it is shown as a View.
    """
    arr: Any = obj
    if isinstance(arr, np.memmap):
        return f"<mapped file {arr.filename or '(anonymous)'}>"
    if isinstance(arr, _NDARRAY):
        kind = "View" if tagged_base else "ndarray"
        return f"{kind}(shape={arr.shape}, dtype={arr.dtype})"
    a: Any = getattr(obj, "_a", None)
    if isinstance(a, _NDARRAY):
        return f"{type(obj).__name__}(shape={a.shape}, dtype={a.dtype})"
    return f"<{type(obj).__name__} buffer>"


def _format_key(key: Any) -> str:
    if type(key) is tuple:
        items = cast(Any, key)
        return ", ".join(_format_key(k) for k in items) if items else "()"
    if type(key) is slice:
        bounds: tuple[Any, Any, Any] = (key.start, key.stop, key.step)
        parts = ["" if p is None else str(p) for p in bounds]
        return ":".join(parts[:2]) + (f":{parts[2]}" if bounds[2] is not None else "")
    if key is Ellipsis:
        return "..."
    if key is None:
        return "None"
    if isinstance(key, (int, np.integer, str)):
        return repr(cast(Any, key))
    return f"<{type(key).__name__} index>"


class OpName(str):
    """The name of an operation (``".reshape()"``, ``"np.split()"``, ``"+="``), as opposed to an index key."""

    __slots__ = ()


def _is_key(op: object) -> bool:
    return type(op) is not OpName


def origin(view: Any) -> str:
    """How ``view`` was made: ``slice [10:20] of Copy(shape=(100,), dtype=float64)``."""
    op, src = view._op, view._src
    where = describe(src, getattr(view._base, "_a", None) is not None)
    if _is_key(op):
        parts = cast(Any, op) if type(op) is tuple else (op,)
        kind = "slice" if any(type(k) is slice for k in parts) else "index"
        return f"{kind} [{_format_key(op)}] of {where}"
    return f"{op} of {where}"


def _user_stacklevel() -> int:
    """The ``warnings.warn`` stacklevel of the first frame outside safearray."""
    frame = sys._getframe(2)  # the caller of the function that calls warnings.warn
    level = 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


_CALLS: dict[tuple[Any, int, str], bool] = {}


def called_as_method(frame: Any, name: str) -> bool:
    """Whether the call that ``frame`` is making is ``<expr>.name(...)`` (the object on the
    evaluation stack), not a call of a bound method held elsewhere (``f = x.name; f()``,
    one more reference to ``x``)."""
    code, lasti = frame.f_code, frame.f_lasti
    key = (code, lasti, name)
    known = _CALLS.get(key)
    if known is not None:
        return known
    found = False
    for ins in reversed([i for i in dis.get_instructions(code) if i.offset <= lasti]):
        if ins.opname in ("LOAD_ATTR", "LOAD_METHOD") and ins.argval == name:
            found = True
            break
        if ins.starts_line or ins.opname.startswith("STORE") or ins.opname == "POP_TOP":
            break  # back to the start of the statement
    if len(_CALLS) > 4096:
        _CALLS.clear()
    _CALLS[key] = found
    return found


_UNCOVERED_SEEN: set[str] = set()


def warn_uncovered(name: str, reason: str) -> None:
    """One :class:`~safearray.UncoveredWarning` per ``name``, at the user's line: safearray
    hands over NumPy's own object there (``reason`` says why and what follows)."""
    if name in _UNCOVERED_SEEN:
        return
    _UNCOVERED_SEEN.add(name)
    warnings.warn(f"safearray does not cover {name}: {reason}", UncoveredWarning,
                  stacklevel=_user_stacklevel())


def _what(op: object) -> str:
    return f"assignment [{_format_key(op)}]" if _is_key(op) else f"{op}"


# ----------------------------------------------------------------------------------
# the judge


def _is_copy(obj: object) -> bool:
    return getattr(obj, "_a", None) is not None and getattr(obj, "_base", True) is None


#: ``sharing(view, key)`` of the core in use (set by ``_array``): True when a holder outside
#: safearray's bookkeeping sees the bytes a write changes, else the other live Views of the
#: same owner whose bytes may overlap them.
sharing: Any = None
#: ``written_part(a, key)`` (set by ``_array``): the View of ``a`` that ``a[key] = v`` writes.
written_part: Any = None
#: ``views_of(owner)`` (set by ``_array``): the live Views registered with a tagged owner.
views_of: Any = None
#: ``seal(a)`` (set by ``_array``): a read-only ndarray over ``a``'s bytes that NumPy cannot
#: make writable; ``is_sealed(a)``: whether ``a`` is one (or a NumPy view of one).
seal: Any = None
is_sealed: Any = None
#: NumPy's ``NPY_ARRAY_WRITEABLE`` bit of ``a.flags.num`` (reading ``flags.writeable`` may warn:
#: NumPy's broadcast arrays).
NPY_WRITEABLE = 0x0400

#: Work allowed to ``np.shares_memory`` when two Views' bounds overlap (past it: overlap).
_MAX_WORK = 10_000


def _seen_by_others(arr: Any, key: object, parent: int | None, chain: list[int]) -> str | None:
    """Who else sees the bytes that writing ``arr[key]`` (key None: all of ``arr``) changes:
    a description, or None when nobody does. ``parent`` is the id of the ndarray of the View
    that ``arr`` was indexed from, when ``arr`` is a temporary: writing into it is writing there
    (``chain``: the ids of temporaries between them, which see nothing after the statement)."""
    verdict = sharing(arr, key)
    if verdict is True:
        return f"its base {describe(arr._base)} changes too"
    holders, views = verdict
    if holders and holders != _dead_locals(arr._base):
        return f"its base {describe(arr._base)} changes too"
    if not views:
        return None
    region = arr._a
    if key is not None:
        part = written_part(region, key)
        if part is not None:
            region = part
    for other in views:
        if id(other._a) == parent or id(other._a) in chain:
            continue
        try:
            overlap = np.shares_memory(region, other._a, max_work=cast(Any, _MAX_WORK))
        except np.exceptions.TooHardError:
            overlap = True
        if overlap:
            return f"another live View ({origin(other)}) sees the same bytes"
    return None


def _count(items: list[Any], i: int) -> int:
    return sys.getrefcount(items[i])  # the list's reference and the subscript's own


#: ``_count`` of an object held by the list alone.
_COUNT_BASE = _count([object()], 0)


def _calibrate_store_back() -> int:
    """How many references CPython's stack holds to ``t`` in ``t[k] -= v`` while the in-place
    operator runs, when ``t`` is a temporary (``a[:h]`` in ``a[:h][:, 1] -= x``): one up to
    CPython 3.13, two from 3.14. Measured on probe objects of the same shape."""
    seen: list[int] = []

    class Child:
        __slots__ = ("parent",)

        def __init__(self, parent: object) -> None:
            self.parent = parent

        def __isub__(self, other: object) -> Child:
            seen.append(sys.getrefcount(self.parent) - 2)  # the attribute and the argument
            return self

    class Parent:
        __slots__ = ()

        def __getitem__(self, key: object) -> Child:
            return Child(self)

        def __setitem__(self, key: object, value: object) -> None:
            pass

    class Root:
        __slots__ = ()

        def __getitem__(self, key: object) -> Parent:
            return Parent()

        def __setitem__(self, key: object, value: object) -> None:
            pass

    Root()[0][1] -= 1
    return seen[0]


_STORE_BACK_REFS = _calibrate_store_back()


def _through_temporaries(views: list[Any], parent: int, chain: list[int]) -> int | None:
    """Follow ``parent`` (the id of the ndarray of the View a temporary View was indexed from)
    through Views that are themselves temporaries: None when the chain reaches the owner Copy
    (the write is a write into it), else the id of the ndarray of the first View that is not.

    ``a[:h][:, 1] -= x``: CPython keeps ``a[:h]`` on its stack (to store the result back into
    it) while ``[:, 1]`` is taken from it and written, so it was no temporary by count when
    ``[:, 1]`` was taken; held by that stack reference alone (no name, no container), it is.
    """
    for _ in range(len(views)):
        found = [i for i, v in enumerate(views) if id(v._a) == parent]
        if not found or not _store_back_temporary(views, found[0]):
            return parent
        src = views[found[0]]._src
        if _is_copy(src):
            return None
        chain.append(parent)  # a temporary on the way: it sees nothing after the statement
        parent = id(src)
    return parent


def _store_back_temporary(views: list[Any], i: int) -> bool:
    """Is ``views[i]`` held by CPython's stack alone (for a store-back), by no name?"""
    if _count(views, i) - _COUNT_BASE != _STORE_BACK_REFS:  # the stack's, nothing else
        return False
    frame = _user_frame()
    # a local also looks so from CPython 3.14 (the stack borrows it, the copy does not)
    return frame is not None and not _holding(frame, views[i])


def _user_frame() -> Any:
    """The innermost frame outside safearray: the user's line being judged."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
    return frame


def _holding(frame: Any, obj: object) -> list[str]:
    """The names in ``frame``'s namespace whose value is ``obj``.

    Up to CPython 3.12 ``f_locals`` of a function is a snapshot the frame keeps, which would
    hold a reference to ``obj`` of its own: it is emptied again (it is refilled on each read).
    """
    values = frame.f_locals
    names = [name for name, value in values.items() if value is obj]
    if sys.version_info < (3, 13) and frame.f_code.co_flags & _CO_OPTIMIZED:
        values.clear()
    return names


def _dead_locals(owner: object) -> int:
    """How many local variables hold ``owner`` and are never read again, in the writing frame
    and (CPython 3.11 to 3.13) in the frames that called it.

    ``w, V = np.linalg.eig(M); col = V[:, 0]; col /= norm`` with ``V`` not used after that
    line: the name holds the owner, but nothing will see the bytes through it; the same for a
    caller's name not read after the call that is running (a library writing into the View it
    was given). A name is dead when no path from the current instruction reads it before
    assigning it (see :func:`_dead_after`); cells, module and class namespaces, and frames
    that call ``locals``, ``vars``, ``eval`` or ``exec`` always count as live.
    """
    if sys.gettrace() is not None:
        return 0  # a debugger may read or set any name
    dead = 0
    frame = _user_frame()
    while frame is not None:
        code = frame.f_code
        if code.co_flags & _CO_OPTIMIZED and not _DYNAMIC.intersection(code.co_names):
            cells = set(code.co_cellvars)  # an argument an inner function reads is in both
            names = [name for name in _holding(frame, owner) if name in code.co_varnames and name not in cells]
            dead += sum(1 for name in names if _dead_after(code, frame.f_lasti, name))
        if not _CALLERS_COUNTED:
            break
        frame = frame.f_back
    return dead


_CO_OPTIMIZED = 0x0001
_DYNAMIC = frozenset({"locals", "vars", "eval", "exec", "globals"})
_DEAD: dict[tuple[Any, int, str], bool] = {}


def _dead_after(code: Any, lasti: int, name: str) -> bool:
    """Is the local ``name`` never read again after the instruction at ``lasti``? Cached per
    code object, offset and name.

    From CPython 3.11: no path of the function's control flow from ``lasti`` (jumps, loops,
    and the exception table's edges into ``except``/``with`` handlers) reaches an instruction
    that reads ``name`` before one that assigns it. Before 3.11 (blocks set up by
    instructions, no table): no later instruction reads it and none jumps back to ``lasti``.
    """
    key = (code, lasti, name)
    known = _DEAD.get(key)
    if known is not None:
        return known
    dead = _no_read_on_any_path(code, lasti, name) if _FLOW else _no_later_read(code, lasti, name)
    if len(_DEAD) > 4096:
        _DEAD.clear()
    _DEAD[key] = dead
    return dead


def _reads(ins: Any, name: str) -> bool:
    value = ins.argval
    named = value == name or (type(value) is tuple and name in value)
    op = ins.opname
    return named and "FAST" in op and ("LOAD" in op or "DELETE" in op)


def _assigns(ins: Any, name: str) -> bool:
    value = ins.argval
    return ins.opname in ("STORE_FAST", "STORE_FAST_STORE_FAST") and (
        value == name or (type(value) is tuple and name in value))


def _no_read_on_any_path(code: Any, lasti: int, name: str) -> bool:
    instructions = list(dis.get_instructions(code))
    at = {ins.offset: i for i, ins in enumerate(instructions)}
    entries: Any = getattr(dis.Bytecode(code), "exception_entries")  # CPython 3.11+
    handlers: list[tuple[int, int, int]] = [(e.start, e.end, e.target) for e in entries]
    # a caller's f_lasti may point into the inline cache of an instruction before its call:
    # start from the instruction holding it (earlier, so never fewer reads ahead)
    start = at.get(lasti)
    if start is None:
        before = [i for i, ins in enumerate(instructions) if ins.offset <= lasti]
        if not before:
            return False
        start = before[-1]
    todo: list[int] = [start + 1]
    todo += [at[t] for s0, e0, t in handlers if s0 <= lasti < e0 and t in at]
    seen: set[int] = set()
    while todo:
        i = todo.pop()
        if i in seen or i >= len(instructions):
            continue
        seen.add(i)
        ins = instructions[i]
        if _reads(ins, name):
            return False
        if _assigns(ins, name):
            continue  # a new value before anything could read the old one, on this path
        offset, op = ins.offset, ins.opname
        todo += [at[t] for s0, e0, t in handlers if s0 <= offset < e0 and t in at]
        if ins.opcode in dis.hasjrel or ins.opcode in dis.hasjabs:
            target = ins.argval
            if isinstance(target, int) and target in at:
                todo.append(at[target])
        if op not in _ENDS and op not in _UNCONDITIONAL:
            todo.append(i + 1)
    return True


def _no_later_read(code: Any, lasti: int, name: str) -> bool:
    for ins in dis.get_instructions(code):
        if ins.offset <= lasti:
            continue
        if _reads(ins, name):
            return False
        if ins.opcode in dis.hasjrel or ins.opcode in dis.hasjabs:
            if isinstance(ins.argval, int) and ins.argval <= lasti:
                return False
    return True


#: Instructions after which control does not go on to the next one.
_ENDS = frozenset({"RETURN_VALUE", "RETURN_CONST", "RAISE_VARARGS", "RERAISE"})
_UNCONDITIONAL = frozenset({"JUMP_FORWARD", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT", "JUMP",
                            "JUMP_NO_INTERRUPT", "JUMP_ABSOLUTE"})
#: From CPython 3.11 the exception table says where handlers are: liveness follows the flow.
_FLOW = sys.version_info >= (3, 11)
#: Callers' dead names are counted where each local owns its reference: on 3.10 the caller's
#: stack also holds the arguments, and from 3.14 a parameter may borrow the caller's reference
#: (a live callee name would then hide behind a dead caller name).
_CALLERS_COUNTED = (3, 11) <= sys.version_info < (3, 14)


def on_write(arr: Any, op: object, temp: bool, site: str) -> None:
    """Judge a write into the tagged array ``arr`` before it happens.

    ``op`` is the key of an assignment or the name of the writing operation;
    ``temp`` is True when ``arr`` is a temporary that no name holds; ``site`` is
    where the write comes from. A write into a Copy is only a bug when the Copy is a
    temporary (the write is lost); a write through a View only when someone other
    than the View can see the bytes it changes.
    """
    if arr._base is None:  # a Copy: the only bug is a write that is thrown away
        if temp and site in (SETITEM, METHOD):
            _lost_write(arr, op)
        return
    if not arr._a.flags.writeable:
        raise readonly_error(arr, op)
    parent = None
    chain: list[int] = []
    if temp:
        # ``a[1:3][0] = 5``, ``a[k] += v``, ``a.T.sort()``: the temporary View was made from
        # ``a``, so the write is a write into ``a``: nothing to say when ``a`` is a Copy,
        # judged as a write through ``a`` when it is a View.
        if _is_copy(arr._src):
            return
        parent = id(arr._src)  # an id: a reference held here would count as a holder
        if site == INPLACE:  # ``a[:h][:, 1] -= x``: a[:h] may be a temporary too
            parent = _through_temporaries(views_of(arr._base), parent, chain)
            if parent is None:
                return
    mode = _mode_of(arr)
    if mode == "allow":
        return
    key = op if site == SETITEM and _is_key(op) else None
    who = _seen_by_others(arr, key, parent, chain)
    if who is None:
        return
    if temp:
        msg = (
            f"{_what(op)} through a temporary View ({origin(arr)}) writes into memory that "
            f"another holder sees: {who}; use .copy() for an independent array, or "
            f".with_policy('allow') on the View it was made from if the write-through is intended."
        )
    else:
        msg = (
            f"{_what(op)} writes through a View ({origin(arr)}), so {who}; use .copy() for an "
            f"independent array, or .with_policy('allow') if the write-through is intended."
        )
    if mode == "raise":
        raise refused(SharedWriteError(msg))
    warnings.warn(msg, SharedWriteWarning, stacklevel=_user_stacklevel())


def readonly_error(arr: Any, op: object) -> ReadOnlyError:
    """The error for a write into the read-only array ``arr``, naming a guarded argument."""
    if arr._base is not None:
        what = f"a read-only View ({origin(arr)})"
        mark = arr._policy
        if type(mark) is GuardMark and arr._op != mark:
            what += f", derived from {mark}"
    else:
        what = f"a read-only Copy of shape {arr._a.shape}"
    label = guarded.get(id(arr._a))
    if label is not None:
        what += f", guarded as {label} by sa.guard()"
    return refused(ReadOnlyError(f"{_what(op)}: cannot write into {what}; use .copy() to get a writable Copy."))


#: Called with each refusal (the error about to be raised) and the user's file and line, while
#: an audit records findings (``safearray/_findings.py``): refusals the program catches count too.
refusal_hook: Any = None

_E = TypeVar("_E", bound=BaseException)


def refused(error: _E) -> _E:
    """``error``, passed to :data:`refusal_hook` first when one is set."""
    hook = refusal_hook
    if hook is not None:
        frame = _user_frame()
        if frame is not None:
            hook(error, frame.f_code.co_filename, frame.f_lineno)
    return error


def _lost_write(arr: Any, op: object) -> None:
    mode = _mode_of(arr)
    if mode == "allow":
        return
    msg = (
        f"{_what(op)} writes into a temporary Copy (shape {arr._a.shape}, made by an "
        f"operation that copies, such as x[mask] or x[[0, 2]]) that is then thrown away, "
        f"so the write is lost; assign in one step, e.g. x[mask] = value, or keep the Copy "
        f"in a variable."
    )
    if mode == "raise":
        raise refused(LostWriteError(msg))
    warnings.warn(msg, LostWriteWarning, stacklevel=_user_stacklevel())


def export(arr: Any) -> NDArray[Any]:
    """The ndarray handed out of ``arr`` through DLPack (``__dlpack__``): under "raise", a
    View's is read-only for good (NumPy cannot make it writable), as is every read-only View's
    made by safearray (``readonly()``, ``sa.guard``), whose ndarray is sealed already. A
    DLPack consumer shares the memory by contract, as it does an ndarray's."""
    a: Any = arr._a
    if arr._base is not None and _mode_of(arr) == "raise" and not is_sealed(a):
        a = seal(a)
    exported: NDArray[Any] = a
    return exported


def handout(arr: Any) -> NDArray[Any]:
    """The ndarray ``np.asarray(arr)`` gives (``__array__`` without a copy), see the README's
    "What a library receives": under "warn" and "raise" it is read-only, so that code which
    safearray cannot watch (a library converting its input and then treating the result as its
    own, as pandas does for anything but an ndarray) cannot change the caller's array behind its
    back; a View's is sealed under "raise" (NumPy cannot make it writable again), a Copy's is a
    read-only view of its memory. Under "allow" (the array's own ``with_policy("allow")``, or the
    global policy) it is the array's memory itself, writable, as NumPy hands out an ndarray."""
    a: Any = arr._a
    mode = _mode_of(arr)
    if mode == "allow":
        return a  # type: ignore[no-any-return]
    if mode == "raise" and arr._base is not None and not is_sealed(a):
        return seal(a)  # type: ignore[no-any-return]
    # a read-only view (of a sealed ndarray, it cannot be reopened either); not a.flags:
    # reading the flag of a broadcast_arrays result warns
    r: Any = a.view()
    r.flags.writeable = False
    return r  # type: ignore[no-any-return]
