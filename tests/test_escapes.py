"""The read-only promise, attacked: every way back to writing into a read-only View.

Each subject is a read-only View (of a Copy, of a View, of a raw ndarray, of a buffer, derived
from a read-only View, or a ``@sa.guard`` argument); each attack is a way a caller could try to
write into its memory (NumPy's writeable flag, ``.base``, the exported ndarray and its base
chain, ``as_strided``, ``nditer``, buffers, DLPack, pickling, ...). Under every policy, each
attack is refused with an exception, or is harmless (it writes only into a copy), and the
owner's bytes are unchanged: nothing is half written. What stays out of reach (``ctypes``, the
interpreter's introspection) is listed in the README; the last tests check that it says so.
"""

from __future__ import annotations

import copy
import ctypes
import itertools
import pickle
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import safearray as sa

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ["allow", "warn", "raise"]

#: An attack that is expected to return normally, writing only into memory of its own.
HARMLESS: tuple[type[BaseException], ...] = ()


# --------------------------------------------------------------------------------------
# the subjects: (the read-only View, the bytes of the memory it sees, the owner kept alive)


@sa.guard
def _grab(x: Any) -> Any:
    return x


@sa.guard
def _grab_in_list(batch: Any) -> Any:
    return batch[0]


@sa.guard
def _grab_in_dict(cfg: Any) -> Any:
    return cfg["deep"][0]


_DEFAULT = np.arange(12.0).reshape(3, 4)


@sa.guard
def _grab_default(x: Any = _DEFAULT) -> Any:
    return x


def _of_copy() -> tuple[Any, Any]:
    x = sa.arange(12.0).reshape(3, 4)
    return x, x


def _of_raw() -> tuple[Any, Any]:
    raw = np.arange(12.0).reshape(3, 4)
    return raw, raw


def _of_buffer() -> tuple[Any, Any]:
    buf = bytearray(np.arange(12.0).tobytes())
    return sa.frombuffer(buf, dtype=np.float64).reshape(3, 4), buf


_FILES = tempfile.TemporaryDirectory(prefix="safearray-escapes-")  # removed at exit
_COUNTER = itertools.count()


def _of_file() -> tuple[Any, Any]:
    path = Path(_FILES.name) / f"mapped{next(_COUNTER)}.dat"
    m = sa.memmap(path, dtype=np.float64, mode="w+", shape=(3, 4))
    with sa.policy("allow"):
        m[...] = np.arange(12.0).reshape(3, 4)
    return m, m


SUBJECTS: dict[str, Callable[[], tuple[Any, Any]]] = {
    "readonly() of a Copy": lambda: (lambda x, o: (x.readonly(), o))(*_of_copy()),
    "readonly() of a View": lambda: (lambda x, o: (x[1:].readonly(), o))(*_of_copy()),
    "a View of a read-only View": lambda: (lambda x, o: (x.readonly()[1:, ::2].T, o))(*_of_copy()),
    "sa.readonly(ndarray)": lambda: (lambda x, o: (sa.readonly(x), o))(*_of_raw()),
    "readonly() of a View of an ndarray": lambda: (lambda x, o: (sa.asarray(x)[:, 1:].readonly(), o))(*_of_raw()),
    "readonly() of a buffer": lambda: (lambda x, o: (x.readonly(), o))(*_of_buffer()),
    "a View of a read-only buffer View": lambda: (lambda x, o: (x.readonly()[::-1], o))(*_of_buffer()),
    "readonly() of a mapped file": lambda: (lambda x, o: (x[1:].readonly(), o))(*_of_file()),
    "guarded Copy": lambda: (lambda x, o: (_grab(x), o))(*_of_copy()),
    "guarded View of a Copy": lambda: (lambda x, o: (_grab(x[1:]), o))(*_of_copy()),
    "guarded ndarray": lambda: (lambda x, o: (_grab(x), o))(*_of_raw()),
    "guarded ndarray in a list": lambda: (lambda x, o: (_grab_in_list([x]), o))(*_of_raw()),
    "guarded Copy in a dict": lambda: (lambda x, o: (_grab_in_dict({"deep": (x,)}), o))(*_of_copy()),
    "guarded buffer View": lambda: (lambda x, o: (_grab(x), o))(*_of_buffer()),
    "guarded default": lambda: (_grab_default(), _DEFAULT),
}


def _bytes_of(owner: Any) -> bytes:
    if isinstance(owner, (bytearray, memoryview)):
        return bytes(owner)
    return bytes(np.ascontiguousarray(np.asarray(owner)).tobytes())


# --------------------------------------------------------------------------------------
# the attacks


def _reopen_and_write(a: Any) -> None:
    """NumPy's way back: turn the writeable flag on again, then write."""
    a.flags.writeable = True
    a[...] = -1


def _setflags_and_write(a: Any) -> None:
    a.setflags(write=True)
    a[...] = -1


def _walk_exported_base_chain(r: Any) -> None:
    """Every object in the base chain of the exported ndarray: none can be written or made
    writable, none exports a writable buffer (each refusal is caught: a success writes -1)."""
    link: Any = np.asarray(r)
    while link is not None:
        if isinstance(link, np.ndarray):
            try:
                _reopen_and_write(link)
            except ValueError:
                pass
            link = link.base
            continue
        try:
            m = memoryview(link)
        except TypeError:
            m = None
        if m is not None and not m.readonly:
            m.cast("B")[:] = b"\xff" * m.nbytes
        for name in dir(link):  # no public attribute hands out the memory's owner (private
            if name.startswith("_"):  # ones are out of reach: see the README)
                continue
            value = getattr(link, name, None)
            if isinstance(value, (np.ndarray, sa.SafeArray, bytearray, memoryview)):
                _reopen_and_write(np.asarray(value))
        break


def _write_the_base(r: Any) -> None:
    b = r.base
    if isinstance(b, memoryview):
        b.cast("B")[0] = 255
    else:
        b[...] = -1


def _write_through_the_base(r: Any) -> None:
    """The owner, by way of ``.base``, converted and reopened; for a buffer also its ``.obj``."""
    b = r.base
    if isinstance(b, memoryview):
        _reopen_and_write(np.asarray(b.obj))
    _reopen_and_write(np.asarray(b))


def _as_strided(r: Any) -> None:
    s = np.lib.stride_tricks.as_strided(r, writeable=True)
    try:
        s[...] = -1
    finally:
        _reopen_and_write(s)


def _nditer(r: Any) -> None:
    with np.nditer(r, op_flags=[["readwrite"]]) as it:
        for x in it:
            x[...] = -1


def _nditer_exported(r: Any) -> None:
    with np.nditer(np.asarray(r), op_flags=[["readwrite"]]) as it:
        for x in it:
            x[...] = -1


def _memoryview_of_export(r: Any) -> None:
    memoryview(np.asarray(r)).cast("B")[0] = 255


def _data(r: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.UncoveredWarning)
        m = r.data
    m.cast("B")[0] = 255


def _from_dlpack(r: Any) -> None:
    d = np.from_dlpack(r)
    try:
        d[...] = -1
    finally:
        _reopen_and_write(d)


def _flat(r: Any) -> None:
    a = np.asarray(r.flat)
    try:
        _reopen_and_write(a)
    except ValueError:
        return  # NumPy's flat array over the sealed memory: refused
    # a copy: harmless


def _unpickled(r: Any) -> None:
    """A pickling round trip (in-band buffers) gives a fresh Copy of its own memory: writable,
    or read-only as NumPy makes it from protocol 5 (over the pickle's immutable bytes)."""
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        c = pickle.loads(pickle.dumps(r, protocol=protocol))
        assert isinstance(c, sa.Copy) and (c.size == 0 or not sa.shares_memory(c, r))
        np.testing.assert_array_equal(np.asarray(c), np.asarray(r))
        if c.flags.writeable:
            c[...] = -1
        else:
            with pytest.raises(ValueError):
                _reopen_and_write(np.asarray(c))


def _unpickled_out_of_band(r: Any) -> None:
    """Protocol 5 with out-of-band buffers: a contiguous array comes back over the same memory,
    read-only for good; another comes back as a fresh copy (NumPy pickles it in band)."""
    buffers: list[Any] = []
    data = pickle.dumps(r, protocol=5, buffer_callback=buffers.append)
    c = pickle.loads(data, buffers=buffers)
    if c.size and sa.shares_memory(c, r):
        with pytest.raises(ValueError):
            _reopen_and_write(np.asarray(c))
        with pytest.raises(sa.ReadOnlyError):
            c[...] = -1
    else:
        c[...] = -1


def _copies(r: Any) -> None:
    for c in (copy.copy(r), copy.deepcopy(r), r.copy(), np.array(r), sa.asarray(r, copy=True)):
        c[...] = -1


#: name -> (attack, the exceptions it may be refused with; HARMLESS: returns, writes a copy)
ATTACKS: dict[str, tuple[Callable[[Any], None], tuple[type[BaseException], ...]]] = {
    "r[...] = -1": (lambda r: r.__setitem__(Ellipsis, -1), (sa.ReadOnlyError,)),
    "r += 1": (lambda r: r.__iadd__(1), (sa.ReadOnlyError,)),
    "np.add(r, 1, out=r)": (lambda r: np.add(r, 1, out=r), (sa.ReadOnlyError,)),
    "r.flags.writeable = True": (lambda r: setattr(r.flags, "writeable", True), (sa.ReadOnlyError,)),
    "r.flags['WRITEABLE'] = True": (lambda r: r.flags.__setitem__("WRITEABLE", True), (sa.ReadOnlyError,)),
    "r.setflags(write=True)": (lambda r: r.setflags(write=True), (sa.ReadOnlyError,)),
    "r.base[...] = -1": (_write_the_base, (sa.ReadOnlyError, ValueError, TypeError)),
    "np.asarray(r.base) reopened": (_write_through_the_base, (ValueError,)),
    "r.base.base ... reopened": (lambda r: _reopen_and_write(np.asarray(r.base.base if isinstance(r.base, sa.SafeArray)
                                                                     else r.base)), (ValueError,)),
    "np.asarray(r)[...] = -1": (lambda r: np.asarray(r).__setitem__(Ellipsis, -1), (ValueError,)),
    "np.asarray(r).flags.writeable = True": (lambda r: _reopen_and_write(np.asarray(r)), (ValueError,)),
    "np.asarray(r).setflags(write=True)": (lambda r: _setflags_and_write(np.asarray(r)), (ValueError,)),
    "np.asarray(r).view() reopened": (lambda r: _reopen_and_write(np.asarray(r).view()), (ValueError,)),
    "r.__array__(copy=False) reopened": (lambda r: _reopen_and_write(r.__array__(copy=False)), (ValueError,)),
    "np.asarray(r.view(np.ndarray)) reopened": (lambda r: _reopen_and_write(np.asarray(r.view(np.ndarray))),
                                                (ValueError,)),
    "np.asarray(r).base chain": (_walk_exported_base_chain, HARMLESS),
    "np.copyto(np.asarray(r), -1)": (lambda r: np.copyto(np.asarray(r), -1), (ValueError,)),
    "sa.asarray(np.asarray(r)) written": (lambda r: sa.asarray(np.asarray(r)).__setitem__(Ellipsis, -1),
                                          (sa.ReadOnlyError,)),
    "as_strided(r, writeable=True)": (_as_strided, (ValueError,)),
    "np.nditer(r, readwrite)": (_nditer, (ValueError,)),
    "np.nditer(np.asarray(r), readwrite)": (_nditer_exported, (ValueError,)),
    "memoryview(r)": (lambda r: memoryview(r), (TypeError,)),
    "memoryview(np.asarray(r)) written": (_memoryview_of_export, (TypeError,)),
    "r.data written": (_data, (TypeError,)),
    "np.from_dlpack(r) reopened": (_from_dlpack, (ValueError, BufferError)),
    "r.__dlpack__() without a version": (lambda r: r.__dlpack__(), (BufferError,)),
    "np.asarray(r.flat) reopened": (_flat, HARMLESS),
    "pickle round trip": (_unpickled, HARMLESS),
    "pickle protocol 5, out-of-band buffers": (_unpickled_out_of_band, HARMLESS),
    "copies": (_copies, HARMLESS),
}


@pytest.mark.parametrize("mode", POLICIES)
@pytest.mark.parametrize("subject", list(SUBJECTS))
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_every_way_back_to_writing_is_refused(attack: str, subject: str, mode: str) -> None:
    fn, refused = ATTACKS[attack]
    with sa.policy(mode):  # type: ignore[arg-type]
        r, owner = SUBJECTS[subject]()
        assert isinstance(r, sa.View) and not r.flags.writeable
        before = _bytes_of(owner)
        oracle = np.array(np.asarray(r))  # NumPy's copy of the values seen
        if refused:
            with pytest.raises(refused):
                fn(r)
        else:
            fn(r)
        assert _bytes_of(owner) == before, "a refused write changed the memory"
        np.testing.assert_array_equal(np.asarray(r), oracle)
        assert not r.flags.writeable


@pytest.mark.parametrize("mode", POLICIES)
@pytest.mark.parametrize("subject", list(SUBJECTS))
def test_the_base_of_a_read_only_view_is_read_only(subject: str, mode: str) -> None:
    with sa.policy(mode):  # type: ignore[arg-type]
        r, owner = SUBJECTS[subject]()
        b = r.base
        if isinstance(b, sa.SafeArray):
            assert isinstance(b, sa.View) and not b.flags.writeable and b.base is not owner
        elif isinstance(b, np.ndarray):
            assert not b.flags.writeable and b is not owner
        else:
            assert isinstance(b, memoryview) and b.readonly
        assert sa.shares_memory(np.asarray(b), np.asarray(r))


@pytest.mark.parametrize("mode", POLICIES)
def test_results_of_read_only_views_are_tagged_as_before(mode: str) -> None:
    with sa.policy(mode):  # type: ignore[arg-type]
        x = sa.arange(12.0).reshape(3, 4)
        r = x.readonly()
        part = r[1:, ::2]
        assert isinstance(part, sa.View) and part._base is x and sa.shares_memory(part, x)
        assert isinstance(r.reshape(12), sa.View) and isinstance(np.transpose(r), sa.View)
        assert isinstance(r.T.reshape(12), sa.Copy)  # NumPy copies: so does safearray
        assert isinstance(r + 1, sa.Copy) and isinstance(r[[0, 2]], sa.Copy)
        assert sa.shares_memory(r, x) and sa.shares_memory(np.asarray(r), np.asarray(x))
        np.testing.assert_array_equal(np.asarray(part), np.arange(12.0).reshape(3, 4)[1:, ::2])


def test_a_writable_view_under_raise_exports_a_sealed_ndarray() -> None:
    x = sa.arange(6.0)
    v = x[1:]
    with sa.policy("raise"):
        a = np.asarray(v)
        with pytest.raises(ValueError, match="WRITEABLE"):
            a.flags.writeable = True
        with pytest.raises(ValueError, match="read-only"):
            a[0] = -1
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    with sa.policy("allow"):
        np.asarray(v)[0] = -1  # under "allow" (and "warn") the ndarray is NumPy's, writable
    assert x[1] == -1


@pytest.mark.parametrize("dtype", ["f8", ">i4", "M8[ns]", "U3", "O", "c16",
                                   np.dtype([("a", "i1"), ("b", "f8")], align=True),
                                   np.dtype([("a", "i4"), ("b", "f8", (2,))])])
def test_sealed_ndarrays_keep_dtype_layout_and_values(dtype: Any) -> None:
    raw = np.zeros((3, 4), dtype=dtype)[:, ::-2]
    r = sa.readonly(raw)
    a = np.asarray(r)
    assert a.dtype == raw.dtype and a.shape == raw.shape and a.strides == raw.strides
    assert a.dtype.isalignedstruct == raw.dtype.isalignedstruct
    assert np.shares_memory(a, raw) and not a.flags.writeable
    with pytest.raises(ValueError, match="WRITEABLE"):
        a.flags.writeable = True


def test_a_read_only_view_of_a_mapped_file_is_still_one() -> None:
    m, _ = _of_file()
    r = m.readonly()[1:]
    assert isinstance(r, sa.memmap) and r.filename == m.filename and r.mode == "w+"
    assert not isinstance(sa.arange(3.0).readonly(), sa.memmap)


# --------------------------------------------------------------------------------------
# with sa.guard(...): the caller's objects, and the Views of them made before the block


@pytest.mark.parametrize("mode", POLICIES)
def test_guard_block_refuses_writes_through_views_made_before_it(mode: str) -> None:
    with sa.policy(mode):  # type: ignore[arg-type]
        x = sa.arange(6.0)
        head = x[:3]
        before = _bytes_of(x)
        with sa.guard(x):
            with pytest.raises(sa.ReadOnlyError, match="guarded as argument 0"):
                head[0] = -1
            with pytest.raises(ValueError, match="WRITEABLE"):  # the owner is read-only: no way back
                np.asarray(head).flags.writeable = True
            with pytest.raises(sa.ReadOnlyError):
                head.flags.writeable = True
            assert _bytes_of(x) == before
        assert head.flags.writeable and x.flags.writeable


# --------------------------------------------------------------------------------------
# out of reach, and said so


def test_ctypes_is_out_of_reach_and_documented() -> None:
    x = sa.arange(3.0)
    r = x.readonly()
    with pytest.warns(sa.UncoveredWarning, match="raw pointers"):
        pointer = r.ctypes.data
    ctypes.memmove(pointer, np.array([-1.0]).ctypes.data, 8)  # C code ignores NumPy's flag
    assert x[0] == -1
    assert "ctypes" in _out_of_reach_section()


def test_what_guard_cannot_reach_is_documented() -> None:
    text = _out_of_reach_section()
    for item in ("ctypes", "gc.get_referents", "attributes", "obtained before", "C code",
                 "out-of-band", "pure-Python core"):
        assert item in text, item
    doc = sa.guard.__doc__ or ""
    for item in ("cannot reach", "attributes", "ctypes", "before"):
        assert item in doc, item


def _out_of_reach_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("What read-only cannot reach")
    return readme[start:start + 3000]
