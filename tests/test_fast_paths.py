"""The calls the compiled core answers without Python (issue 16), against NumPy and against the
judgements they must still hand to Python: these run in both cores, so any difference between
the compiled path and the pure-Python one fails here."""

from __future__ import annotations

import copy
import operator
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import safearray as sa
from safearray._array import writes_into, WRITES_INTO

from ._asserts import memory_of, runs_ok_in_a_child
from .strategies import EVERY_LAYOUT, arrays


@given(raw=arrays(layouts=EVERY_LAYOUT))
def test_iteration_len_and_membership_are_numpys(raw: np.ndarray) -> None:
    x = sa.asarray(raw)
    if raw.ndim == 0:
        with pytest.raises(TypeError, match="0-d"):
            iter(x)
        with pytest.raises(TypeError, match="unsized"):
            len(x)
        return
    assert len(x) == len(raw)
    items = list(x)
    assert len(items) == len(raw)
    for got, want in zip(items, raw):
        if isinstance(want, np.ndarray):  # a row: a View of x (of no bytes when x is empty)
            assert type(got) is sa.View and sa.shares_memory(got, x) == np.shares_memory(want, raw)
            np.testing.assert_array_equal(memory_of(got), want)
        else:
            assert type(got) is type(want)
            assert got == want or (got != got and want != want)  # NaN is NaN


def test_iteration_stops_as_numpy_when_the_array_shrinks_meanwhile() -> None:
    x = sa.arange(6.0)
    it = iter(x)
    assert next(it) == 0.0
    with warnings.catch_warnings():  # NumPy 2.5 deprecates setting the shape
        warnings.simplefilter("ignore", DeprecationWarning)
        x.shape = (2, 3)  # NumPy's reshape in place: the iterator now reads rows, by index
    assert type(next(it)) is sa.View
    with pytest.raises(IndexError):
        next(it)


@pytest.mark.parametrize("convert, value", [(bool, True), (int, 3), (float, 3.0), (operator.index, 3)])
def test_conversions_are_numpys(convert: Any, value: object) -> None:
    x = sa.asarray(np.int64(3))
    assert convert(x) == convert(np.int64(3)) == value
    with pytest.raises(TypeError):
        operator.index(sa.asarray(3.5))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(sa.arange(3))


def test_ufunc_out_a_copy_returns_it_and_a_view_out_is_still_judged() -> None:
    x = sa.arange(4.0)
    c = sa.zeros(4)
    assert sa.add(x, 1, out=c) is c and np.add(x, 1, out=c) is c
    assert c.tolist() == [1.0, 2.0, 3.0, 4.0]
    base = sa.zeros(5)
    tail = base[1:]  # a named View: writing through it changes base too
    with sa.policy("warn"), pytest.warns(sa.SharedWriteWarning):
        sa.add(x, 1, out=tail)
    with sa.policy("raise"), pytest.raises(sa.MutationError):
        np.add(x, 2, out=tail)
    assert base.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    nd = np.zeros(4)
    assert sa.add(x, 2, out=nd) is nd and nd.tolist() == [2.0, 3.0, 4.0, 5.0]


def test_methods_with_arguments_match_numpy_and_out_is_judged() -> None:
    raw = np.arange(12.0).reshape(3, 4)
    b = sa.asarray(raw.copy())
    for name, args, kwargs in [("sum", (0,), {}), ("sum", (), {"axis": 1}), ("transpose", (1, 0), {}),
                               ("astype", (np.float32,), {}), ("astype", ("int8",), {"copy": True}),
                               ("take", (sa.asarray([0, 2]),), {}), ("clip", (1.0, 5.0), {}),
                               ("mean", (), {"axis": 0, "keepdims": True}), ("item", (5,), {})]:
        got = getattr(b, name)(*args, **kwargs)
        want = getattr(raw, name)(*[a._a if isinstance(a, sa.SafeArray) else a for a in args], **kwargs)
        if isinstance(want, np.ndarray):
            assert isinstance(got, sa.SafeArray)
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_array_equal(memory_of(got), want)
            assert (type(got) is sa.View) == np.shares_memory(want, raw), name
        else:
            assert got == want and type(got) is type(want), name
    with pytest.raises(TypeError, match="copy=1 is not allowed"):
        b.astype(float, copy=1)  # type: ignore[call-overload]
    target = sa.zeros(10)
    head = target[:4]
    with sa.policy("raise"), pytest.raises(sa.MutationError):
        b.sum(0, None, head)


@pytest.mark.parametrize("layout", ["C", "F", "transposed", "reversed"])
def test_methods_without_arguments_match_numpy(layout: str) -> None:
    raw = np.arange(12.0).reshape(3, 4)
    raw = {"C": raw, "F": np.asfortranarray(raw), "transposed": raw.T, "reversed": raw[::-1]}[layout]
    b = sa.asarray(raw)
    for name in ["ravel", "copy", "flatten", "sum", "mean", "max", "argmax", "any", "transpose",
                 "squeeze", "cumsum", "nonzero", "tolist", "item" if raw.size == 1 else "conj"]:
        got = getattr(b, name)()
        want = getattr(raw, name)()
        if isinstance(want, np.ndarray):
            assert isinstance(got, sa.SafeArray), name
            assert got.dtype == want.dtype and got.shape == want.shape, name
            np.testing.assert_array_equal(memory_of(got), want)
            assert (type(got) is sa.View) == np.shares_memory(want, raw), name
        elif isinstance(want, tuple):
            assert all(type(g) is sa.Copy for g in got) and len(got) == len(want), name
        else:
            assert got == want and type(got) is type(want), name
    with pytest.raises(TypeError, match="'dtype'"):
        b.astype()  # type: ignore[call-overload]  # NumPy refuses: the Python method says why


def test_a_function_registered_as_writing_later_is_judged_at_once() -> None:
    def fill_first(a: Any, value: float) -> None:
        np.asarray(a)[...] = value

    wrapped = sa._namespace.wrap_function(fill_first, "fill_first")
    base = sa.zeros(4)
    with sa.policy("allow"):
        wrapped(memory_of(base[1:]), 0.0)  # not registered: an ndarray, nothing to judge
    writes_into(fill_first, 0, "a")
    tail = base[1:]  # a named View: a write through it is a shared write
    try:
        with sa.policy("raise"), pytest.raises(sa.MutationError):
            wrapped(tail, 7.0)
        assert base.tolist() == [0.0] * 4
    finally:
        del WRITES_INTO[fill_first]


def test_asarray_and_array_common_calls_match_the_validated_path() -> None:
    raw = np.arange(4.0)
    x = sa.asarray(raw.copy())
    assert sa.asarray(x) is x and sa.array(x, copy=None) is x
    assert type(sa.asarray(raw, dtype=np.float64)) is sa.View
    assert type(sa.asarray(raw, dtype=np.float32)) is sa.Copy
    assert type(sa.array(raw)) is sa.Copy and not sa.shares_memory(sa.array(raw), raw)
    assert type(sa.asarray(raw, copy=False)) is sa.View
    assert sa.asarray(x, copy=False, order="K") is x and sa.array(x, copy=False) is x
    fortran = np.asfortranarray(np.ones((2, 3)))
    for order, kind in [("K", sa.View), ("A", sa.View), ("F", sa.View), ("C", sa.Copy)]:
        got = sa.asarray(fortran, order=order)
        assert type(got) is kind and got.flags.c_contiguous == np.asarray(fortran, order=order).flags.c_contiguous
    with pytest.raises(sa.CopyRequiredError, match="not C-contiguous"):
        sa.asarray(fortran, order="C", copy=False)
    with pytest.raises(sa.CopyRequiredError, match="changing the dtype"):
        sa.asarray(raw, dtype=np.int32, copy=False)
    with pytest.raises(TypeError, match="copy=0 is not allowed"):
        sa.asarray(raw, copy=0)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="order='q' is not a memory order"):
        sa.array(raw, order="q")  # type: ignore[call-overload]


@pytest.mark.parametrize("mode", sa.MODES)
def test_numpy_asarray_of_a_safearray_hands_out_by_policy(mode: str) -> None:
    x = sa.arange(4.0)
    with sa.policy(mode):
        a = np.asarray(x)
    assert np.shares_memory(a, memory_of(x))
    assert a.flags.writeable == (mode == "allow")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.asarray(x.with_policy("allow")).flags.writeable


def test_copies_of_the_compiled_callables_are_themselves() -> None:
    for f in (sa.dot, sa.zeros, sa.array, sa.asarray, sa.sqrt, sa.add.reduce):
        assert copy.copy(f) is f or copy.copy(f) == f
        assert copy.deepcopy({"f": f})["f"] is f or copy.deepcopy({"f": f})["f"] == f


def test_ufunc_methods_match_numpy() -> None:
    raw = np.arange(1.0, 7.0).reshape(2, 3)
    x = sa.asarray(raw.copy())
    for got, want in [(sa.add.reduce(x), np.add.reduce(raw)), (sa.add.reduce(x, 1), np.add.reduce(raw, 1)),
                      (sa.multiply.accumulate(x, 0), np.multiply.accumulate(raw, 0)),
                      (sa.add.reduceat(x, [0, 2], 1), np.add.reduceat(raw, [0, 2], 1)),
                      (sa.subtract.outer(x[0], x[1]), np.subtract.outer(raw[0], raw[1]))]:
        assert type(got) is sa.Copy
        np.testing.assert_array_equal(memory_of(got), want)
    out = sa.zeros(3)
    assert sa.add.reduce(x, 0, None, out) is out and out.tolist() == [5.0, 7.0, 9.0]


@pytest.mark.parametrize("symbol", ["+", "-", "*", "//", "%", "**", "&", "|", "^", "<<", ">>"])
def test_augmented_assignment_into_a_copy_is_numpys_and_silent(symbol: str) -> None:
    # `c[1:3] op= v`: the temporary View c[1:3] was made from the Copy c, so the write is into c
    raw = np.arange(1, 7)
    c = sa.array(raw)
    later = c[2:]  # a live View whose bytes the write changes: stale afterwards, exactly
    apart = c[4:]  # one whose bytes it does not
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(f"c[1:3] {symbol}= 2")
    want = raw.copy()
    exec(f"want[1:3] {symbol}= 2")
    np.testing.assert_array_equal(memory_of(c), want)
    assert later._stale is not None and apart._stale is None


def test_augmented_assignment_through_a_view_is_still_judged() -> None:
    base = sa.zeros(6)
    v = base[1:5]  # a named View: a write through it changes base, which a name holds
    with sa.policy("raise"), pytest.raises(sa.MutationError):
        v[0:2] += 1
    assert base.tolist() == [0.0] * 6
    frozen = sa.zeros(4).readonly()
    with pytest.raises(sa.ReadOnlyError):
        frozen[1:3] += 1
    with sa.policy("raise"):
        v.with_policy("allow")[0:2] += 1  # said so: the write goes through
    assert base.tolist() == [0.0, 1.0, 1.0, 0.0, 0.0, 0.0]


_DYING_VIEW = """
import gc, weakref
import numpy as np
import safearray as sa

c = sa.zeros(10_000)
kept, dying = c[:5000], c[100:6000]  # too large to be compared in C: _stale lists c's Views
seen = []

def callback(ref):
    # runs while `dying` is being freed: a write into c lists the live Views of c's memory,
    # which must no longer include the dying one
    c[200] = 1
    seen.append(float(kept[200]))

ref = weakref.ref(dying, callback)
del dying
for _ in range(200):  # reuse freed objects: a View freed twice would be handed out twice
    a, b = c[1:4], c[0:2]
del a, b
gc.collect()
assert ref() is None and seen == [1.0], seen
want = np.zeros(10_000)
want[200] = 1
np.testing.assert_array_equal(np.asarray(c.copy()), want)
print("ok")
"""


def test_a_weakref_callback_of_a_dying_view_does_not_find_it_among_the_live_ones() -> None:
    # A View leaves its memory's registry before its weakref callbacks run; before the fix the
    # compiled core revived it there and freed it twice (CPython aborted: "object already tracked
    # by the garbage collector"). In a child process, so that a crash is a failure, not the end
    # of the run.
    runs_ok_in_a_child(_DYING_VIEW)


_COLLECTED_MID_WRITE = """
import gc, weakref
import numpy as np
import safearray as sa

c = sa.zeros(100)
junk = [c[i:i + 1] for i in range(300)]
del junk
gc.collect()
gc.disable()
v = c[5:8]
freed = []
r = weakref.ref(v, lambda _: freed.append(True))
cycle = [v]
cycle.append(cycle)              # a View of c in cyclic garbage, still registered
del cycle, v
kept = c[4:8]                    # a live View the write makes stale (after v in the registry)
junk = [c[i:i + 1] for i in range(300)]
del junk                         # the free list is full: a View that dies is freed for real
gc.set_threshold(1, 1, 1)        # the next allocation collects (CPython 3.10, 3.11: at once)
gc.enable()
c[6] = 1.0                       # the record of this write is made while kept and v overlap it
gc.set_threshold(700, 10, 10)
gc.collect()
assert freed == [True] and r() is None
with sa.policy("raise", stale_reads=True):
    try:
        kept.sum()
    except sa.StaleViewError:
        pass
    else:
        raise AssertionError("kept is not stale")
want = np.zeros(100)
want[6] = 1
np.testing.assert_array_equal(np.asarray(c.copy()), want)
print("ok")
"""


def test_a_collection_while_a_write_is_recorded_frees_views_safely() -> None:
    # Recording a write allocates, and on CPython 3.10 and 3.11 the allocation may run a garbage
    # collection that frees Views of the same registry (here one in a reference cycle); before
    # the fix the compiled core then marked the freed View (a use after free: a segfault with
    # PYTHONMALLOC=debug). The other overlapping View must still be marked stale.
    runs_ok_in_a_child(_COLLECTED_MID_WRITE, env={"PYTHONMALLOC": "debug"})
