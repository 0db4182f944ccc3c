"""Stale Views: a View whose bytes changed, after it was made, through another path.

A View shares memory with its owner, so "changes made in the view affect the original and
vice versa". The write judge (``_policy.on_write``) reports the first direction. This module
reports the second: a View that is *read* after its bytes were written through the owner or
through another View.

Mostly that is by design (``col = X[:, 0]; X += 1; print(col)`` shows the new values, as
NumPy promises). One form never is: a stale View used as the source of a write in the
statement whose earlier write changed it. That is NumPy's best-known aliasing bug, the swap
of two rows::

    a[0], a[1] = a[1], a[0]   # a[0] is a View: overwritten first, then copied into a[1]

So two rules, both under the write policy's mode ("warn", "raise", "allow"; the stale View's
own, as for writes):

* always: a stale View as the source of a write (``x[k] = v``, ``x op= v``, a ufunc's or
  function's input when it writes an ``out``), when the write that made it stale ran at the
  same line of the same running frame (the same statement, or that line again in a loop);
* with ``stale_reads=True`` (:func:`safearray.set_policy`, :func:`safearray.policy`,
  ``SAFEARRAY_STALE_READS=1``): every use of a stale View.

Bookkeeping. The registry of live Views of each memory (a Copy's own; for memory safearray
does not own, that of the first View made of it, its *hub*) is what a write consults: after a
write into memory with other live Views, those whose bytes overlap the written part get a
:class:`Staling` record (what wrote, where). A write into an array with no other live View
costs one comparison; reading a View costs one pointer test. Writes safearray never sees
(through an ndarray handed out by ``np.asarray(x)``, by C code, or into the caller's own
ndarray behind a View) cannot make a View stale.
"""

from __future__ import annotations

import dis
import os
import warnings
from collections.abc import Generator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

import numpy as np

from . import _policy
from ._errors import SafeArrayTypeError, SafeArrayValueError, StaleViewError, StaleViewWarning

__all__ = ["Staling", "wrote", "stale_source", "stale_read", "reads_checked", "set_reads", "reads_block",
           "compiled_swap"]

#: Set by ``_array``: the Copy type, the registry's reader ``views_of(holder)`` of the core in
#: use, and the compiled core's ``set_stale_reads``.
COPY: Any = None
VIEW: Any = None
views_of: Any = None
set_compiled_flag: Any = None


class Staling:
    """What made a View stale: the write (into ``target``, by ``key`` or ``op``), and where it
    ran (the user's frame, by identity, its code object and line: a frame is never held, so no
    local stays alive). The description is made when a report needs it."""

    __slots__ = ("_kind", "_shape", "_dtype", "_key", "_op", "frame_id", "code", "line")

    def __init__(self, kind: type, shape: tuple[int, ...], dtype: Any, key: object, op: object,
                 frame_id: int, code: Any, line: int | None) -> None:
        self._kind, self._shape, self._dtype, self._key, self._op = kind.__name__, shape, dtype, key, op
        self.frame_id, self.code, self.line = frame_id, code, line

    @classmethod
    def of(cls, target: Any, key: object, op: object, frame: Any) -> Staling:
        """The record of a write into ``target`` made by ``frame``."""
        a: Any = target._a
        # an index array is not kept alive for a message
        key = key if key is None or type(key) in _PLAIN_KEYS else _AN_INDEX
        kind: type[Any] = type(cast(object, target))
        if frame is None:
            return cls(kind, a.shape, a.dtype, key, op, 0, None, None)
        return cls(kind, a.shape, a.dtype, key, op, id(frame), frame.f_code, frame.f_lineno)

    @property
    def what(self) -> str:
        if self._key is _AN_INDEX:
            what = "assignment [<index array>]"
        elif self._key is not None:
            what = _policy._what(self._key)
        else:
            what = "write" if self._op is None else str(self._op)
        return f"the {what} into {self._kind}(shape={self._shape}, dtype={self._dtype})"

    def where(self) -> str:
        if self.code is None:
            return "outside Python code"
        return f"{os.path.basename(self.code.co_filename)}:{self.line}"


def _record(view: Any) -> Staling:
    """``view._stale`` as a :class:`Staling` (the compiled core stores a plain tuple of the same
    fields, ``False`` for an index array it did not keep, and the frame's last instruction)."""
    info: Any = view._stale
    if type(info) is tuple:
        kind, shape, dtype, key, op, frame_id, code, line, _ = cast(Any, info)
        info = Staling(kind, shape, dtype, _AN_INDEX if key is False else key, op, frame_id, code, line)
        view._stale = info
    record: Staling = info
    return record


_PLAIN_KEYS = (int, slice, tuple, type(Ellipsis), str)
_AN_INDEX = object()


# ----------------------------------------------------------------------------------------
# the general check's setting


def _env_reads() -> bool:
    value = os.environ.get("SAFEARRAY_STALE_READS", "0").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise SafeArrayValueError(
        f"SAFEARRAY_STALE_READS={value!r} is not a switch; use 1 (on) or 0 (off)."
    )


_global_reads: bool = _env_reads()
_block_reads: ContextVar[bool | None] = ContextVar("safearray_stale_reads", default=None)
_blocks_on = 0  # open ``policy(stale_reads=True)`` blocks, in any thread or task


#: Whether the general check may be on somewhere (the global setting or an open block):
#: operations test this before looking for stale inputs.
any_reads = False


def _sync() -> None:
    global any_reads
    any_reads = _global_reads or _blocks_on > 0
    if set_compiled_flag is not None:
        set_compiled_flag(any_reads)


def reads_checked() -> bool:
    """Whether every use of a stale View is reported here (the general check)."""
    block = _block_reads.get()
    return _global_reads if block is None else block


def set_reads(on: object) -> bool:
    """Set the general check globally; return the previous setting."""
    global _global_reads
    if type(on) is not bool:
        raise SafeArrayValueError(f"stale_reads={on!r} is not a switch; use True or False.")
    previous = _global_reads
    _global_reads = on
    _sync()
    return previous


@contextmanager
def reads_block(on: object) -> Generator[None, None, None]:
    """The general check on or off inside a ``with`` block (this thread or task only)."""
    global _blocks_on
    if type(on) is not bool:
        raise SafeArrayValueError(f"stale_reads={on!r} is not a switch; use True or False.")
    token = _block_reads.set(on)
    _blocks_on += on
    _sync()
    try:
        yield
    finally:
        _block_reads.reset(token)
        _blocks_on -= on
        _sync()


# ----------------------------------------------------------------------------------------
# bookkeeping: after a write


def _holder(arr: Any) -> Any:
    """The tagged array whose registry holds the Views of ``arr``'s memory."""
    b = arr._base
    if b is None:
        return arr
    if type(b) is COPY:
        return b
    return arr if arr._hub is None else arr._hub


def _overlap(region: Any, other: Any) -> bool:
    if not np.may_share_memory(region, other):
        return False
    try:
        return bool(np.shares_memory(region, other, max_work=cast(Any, _policy._MAX_WORK)))
    except np.exceptions.TooHardError:
        return True


def _same_layout(x: Any, y: Any) -> bool:
    return bool(x.__array_interface__["data"][0] == y.__array_interface__["data"][0]
                and x.shape == y.shape and x.strides == y.strides and x.dtype == y.dtype)


def wrote(target: Any, key: object = None, value: object = None, op: object = None) -> None:
    """After a write into ``target`` (``target[key] = value``; ``key`` None: all of it): the
    other live Views of the same memory whose bytes overlap the written part become stale.

    Not stale: ``target`` itself, and the View a temporary ``target`` was taken from (the
    write went through it: ``row[1:][0] = 5``). A write whose source is a View of the very
    bytes written (``x[0] = v`` with ``v`` a View of ``x[0]``) changes nothing.
    """
    holder = _holder(target)
    views = views_of(holder)
    if not views:
        return
    region = target._a
    if key is not None:
        part = _policy.written_part(region, key)
        if part is not None:
            region = part
    t = type(value)
    if (t is COPY or t is VIEW) and _same_layout(cast(Any, value)._a, region):
        return
    through = target._src
    info: Staling | None = None
    for v in views:
        if v is target or v._a is through or v is holder:
            continue
        if _overlap(region, v._a):
            if info is None:
                info = Staling.of(target, key, op, _policy._user_frame())
            v._stale = info


# ----------------------------------------------------------------------------------------
# the judge: before a write from a stale source, and at a use of a stale View


def _same_statement(info: Staling) -> bool:
    frame = _policy._user_frame()
    return (frame is not None and id(frame) == info.frame_id and frame.f_code is info.code
            and frame.f_lineno == info.line)


def _report(view: Any, message: str) -> None:
    mode = _policy._mode_of(view)
    if mode == "allow":
        return
    if mode == "raise":
        raise StaleViewError(message)
    warnings.warn(message, StaleViewWarning, stacklevel=_policy._user_stacklevel())


#: The instructions of a Python statement writing ``x[k] = v`` (a write asked for by anything
#: else, while the innermost Python frame runs a call, comes from compiled code).
_STORE_OPS = frozenset(dis.opmap[name] for name in ("STORE_SUBSCR",) if name in dis.opmap)


def compiled_swap(target: Any, key: int, value: Any) -> None:
    """Before ``target[key] = value``, ``key`` an int and ``value`` a View of the same memory:
    refuse compiled code swapping rows through the sequence protocol (``x[i], x[j] = x[j],
    x[i]`` with ``x[i]`` still held: NumPy's generic ``shuffle`` for anything but an ndarray),
    which would duplicate rows, before any byte changes. A Python statement doing it is the
    swap that stale Views report at the statement's line."""
    region: Any = target._a[key]
    if not getattr(region, "ndim", 0):  # an element: swapped as a value, correctly
        return
    data, shape, strides = region.__array_interface__["data"][0], region.shape, region.strides
    for v in views_of(_holder(target)):
        if v is value or v is target:
            continue
        a = v._a
        if a.shape == shape and a.strides == strides and a.__array_interface__["data"][0] == data:
            break
    else:
        return  # no other View holds the row about to be overwritten
    frame = _policy._user_frame()
    if frame is None or frame.f_code.co_code[frame.f_lasti] in _STORE_OPS:
        return
    raise SafeArrayTypeError(
        f"compiled code is swapping rows of {_policy.describe(target)} through the sequence "
        f"protocol (x[i], x[j] = x[j], x[i]), as numpy.random's shuffle does for anything but "
        f"an ndarray: its rows are Views, so rows would be duplicated. Nothing was changed. Use "
        f"sa.random.default_rng(seed).shuffle(x) (safearray's Generator shuffles the memory), or "
        f"rng.permutation(len(x)) to index with."
    )


def stale_source(view: Any, target: Any, op: object) -> None:
    """Before a write into ``target`` whose source is the stale View ``view``: reported when
    the write that made it stale ran in this statement (or with the general check on)."""
    info = _record(view)
    if not reads_checked() and not _same_statement(info):
        return
    _report(view, (
        f"{_policy._what(op)} into {_policy.describe(target)} reads a stale View "
        f"({_policy.origin(view)}): {info.what} at {info.where()} changed its bytes after it "
        f"was made, so it no longer holds what it held then. To swap or rotate, copy the "
        f"sources first (a[[i, j]] = a[[j, i]], or a[j].copy())."
    ))


def stale_read(view: Any) -> None:
    """A use of the stale View ``view``: reported when the general check is on here."""
    if not reads_checked():
        return
    info = _record(view)
    _report(view, (
        f"reading a stale View ({_policy.origin(view)}): {info.what} at {info.where()} changed "
        f"its bytes after it was made. Take the View again after the write if its new values "
        f"are meant, or .copy() it before the write to keep the old ones."
    ))


def check_inputs(srcs: list[Any], written: list[Any], op: object) -> None:
    """Before an operation on the arrays ``srcs`` that writes into those in ``written``: the
    stale Views among its sources are judged as sources (:func:`stale_source`), and, with
    the general check on, every stale input as a read."""
    for s in srcs:
        if getattr(s, "_stale", None) is None:
            continue
        if written and not any(s is w for w in written):
            stale_source(s, written[0], op)
        else:
            stale_read(s)
