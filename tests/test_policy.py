"""The write policy: every write path under every mode, the idioms that must stay silent,
lost writes, read-only views, guards, threads and tasks, and the pytest plugin."""

from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pytest

import safearray as sa

from tests._asserts import NUMPY_2_1, memory_of

HERE = os.path.abspath(__file__)

# --------------------------------------------------------------------------------------
# every write path, as a function of the target array. Each lambda sits on its own line,
# which is the line a warning must point at.

Write = Callable[[Any], Any]

WRITES: dict[str, Write] = {
    "setitem int": lambda t: t.__setitem__(0, 7),
    "setitem slice": lambda t: t.__setitem__(slice(None), 7),
    "setitem mask": lambda t: t.__setitem__(np.asarray(t) > -1, 7),
    "setitem fancy": lambda t: t.__setitem__([0, 1], 7),
    "iadd": lambda t: t.__iadd__(1),
    "isub": lambda t: t.__isub__(1),
    "imul": lambda t: t.__imul__(3),
    "ifloordiv": lambda t: t.__ifloordiv__(2),
    "imod": lambda t: t.__imod__(2),
    "ipow": lambda t: t.__ipow__(2),
    "iand": lambda t: t.__iand__(1),
    "ior": lambda t: t.__ior__(8),
    "ixor": lambda t: t.__ixor__(8),
    "ilshift": lambda t: t.__ilshift__(1),
    "irshift": lambda t: t.__irshift__(1),
    "fill": lambda t: t.fill(7),
    "sort": lambda t: t.sort(),
    "partition": lambda t: t.partition(1),
    "put": lambda t: t.put([0], 7),
    "byteswap inplace": lambda t: t.byteswap(inplace=True),
    "ufunc out kw": lambda t: np.add(t, 1, out=t),
    "ufunc out positional": lambda t: sa.add(t, 1, t),
    "ufunc unary out": lambda t: np.negative(t, out=t),
    "ufunc at": lambda t: np.add.at(t, [0, 1], 5),
    "sa ufunc at": lambda t: sa.add.at(t, [0], 5),
    "function out": lambda t: np.cumsum(t, out=t),
    "method out": lambda t: t.cumsum(out=t),
    "clip out": lambda t: np.clip(t, 2, 3, out=t),
    "copyto": lambda t: np.copyto(t, 7),
    "put function": lambda t: np.put(t, [0], 7),
    "place": lambda t: np.place(t, np.asarray(t) > -1, [7]),
    "putmask": lambda t: np.putmask(t, np.asarray(t) > -1, 7),
    "put_along_axis": lambda t: np.put_along_axis(t, np.array([0]), 7, axis=0),
    "shuffle": lambda t: sa.random.default_rng(0).shuffle(t),
    "sa copyto": lambda t: sa.copyto(t, 7),
}
LINES = {name: fn.__code__.co_firstlineno for name, fn in WRITES.items()}
#: Writes that may legitimately leave the values as they were (so "changed" is not checked).
MAY_NOT_CHANGE = {"sort", "partition", "shuffle", "clip out"}


def make_base() -> Any:
    """A Copy of 8 small ints (so that every write path above applies)."""
    return sa.array([5, 3, 6, 1, 4, 2, 0, 7], dtype=np.int64)


def check_changed(name: str, before: np.ndarray, after: np.ndarray) -> None:
    if name not in MAY_NOT_CHANGE:
        assert not np.array_equal(before, after), f"{name} did not write"


@pytest.mark.parametrize("name", list(WRITES))
def test_write_through_view_warns_at_the_users_line(name: str) -> None:
    base = make_base()
    view = base[1:7]
    before = np.array(base)
    with pytest.warns(sa.SharedWriteWarning) as record:
        WRITES[name](view)
    assert len(record) == 1, [str(w.message) for w in record]
    warning = record[0]
    assert warning.filename == HERE
    assert warning.lineno == LINES[name]
    message = str(warning.message)
    assert "slice [1:7] of Copy(shape=(8,), dtype=int64)" in message
    assert ".copy()" in message and "with_policy('allow')" in message
    check_changed(name, before, np.array(base))


@pytest.mark.parametrize("name", list(WRITES))
def test_write_through_view_raises_before_any_byte_changes(name: str) -> None:
    base = make_base()
    view = base[1:7]
    before = np.array(base)
    with sa.policy("raise"), pytest.raises(sa.SharedWriteError, match=r"writes through a View"):
        WRITES[name](view)
    np.testing.assert_array_equal(np.array(base), before)


@pytest.mark.parametrize("name", list(WRITES))
def test_write_through_view_allowed_is_silent_and_reaches_the_base(name: str) -> None:
    base = make_base()
    view = base[1:7]
    before = np.array(base)
    expected = np.array(base)
    WRITES[name](expected[1:7])  # NumPy as the oracle, on a plain copy
    with sa.policy("allow"):
        WRITES[name](view)
    check_changed(name, before, np.array(base))
    if name != "shuffle":  # same seed, but NumPy's oracle here has a different generator state
        np.testing.assert_array_equal(np.array(base), expected)


@pytest.mark.parametrize("mode", sa.MODES)
@pytest.mark.parametrize("name", list(WRITES))
def test_write_into_a_named_copy_is_never_reported(name: str, mode: str) -> None:
    copy = make_base()
    before = np.array(copy)
    with sa.policy(mode):
        WRITES[name](copy)  # filterwarnings=error turns any warning into a failure
    check_changed(name, before, np.array(copy))


@pytest.mark.parametrize("mode", sa.MODES)
@pytest.mark.parametrize("name", list(WRITES))
def test_read_only_view_refuses_every_write_under_every_mode(name: str, mode: str) -> None:
    base = make_base()
    before = np.array(base)
    ro = base[1:7].readonly()
    with sa.policy(mode), pytest.raises(sa.ReadOnlyError, match="read-only"):
        WRITES[name](ro)
    np.testing.assert_array_equal(np.array(base), before)


@pytest.mark.parametrize("name", ["setitem slice", "iadd", "fill", "ufunc out kw", "copyto"])
def test_numpy_read_only_views_are_read_only_too(name: str) -> None:
    base = make_base()
    view = np.broadcast_to(base[:1], (4,))
    assert isinstance(view, sa.View)
    with pytest.raises(sa.ReadOnlyError):
        WRITES[name](view)


@pytest.mark.parametrize("mode", ["warn", "raise", "allow"])
def test_resize_of_a_view_is_numpys_error_before_any_judgement(mode: str) -> None:
    base = make_base()
    view = base[1:7]
    with sa.policy(mode), warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="does not own its data"):
            view.resize(3)
    assert base.shape == (8,)


# --------------------------------------------------------------------------------------
# idioms that write into the owner: never a warning on a Copy


def test_owner_idioms_are_silent_and_match_numpy() -> None:
    raw = np.arange(24.0).reshape(4, 6)
    a = sa.array(raw)
    m = np.arange(4.0)
    idx = np.array([0, 2])
    mask = raw > 10
    b = sa.asarray(np.full((4, 6), 2.0))

    a[1:3] += 1
    raw[1:3] += 1
    a[:, 0] -= m
    raw[:, 0] -= m
    a[idx] *= 2
    raw[idx] *= 2
    a[mask] = 0
    raw[mask] = 0
    a[1:3, ::2] /= 4
    raw[1:3, ::2] /= 4
    a[sa.asarray(idx)] += 1
    raw[idx] += 1
    np.testing.assert_array_equal(np.asarray(a), raw)
    a[...] = b
    raw[...] = 2.0
    np.testing.assert_array_equal(np.asarray(a), raw)
    a[1:3].fill(9)
    raw[1:3].fill(9)
    a[0].sort()
    raw[0].sort()
    np.testing.assert_array_equal(np.asarray(a), raw)


def test_augmented_assignment_through_a_view_warns_once() -> None:
    base = make_base()
    view = base[1:7]
    with pytest.warns(sa.SharedWriteWarning) as record:
        view[1:3] += 1
    assert len(record) == 1
    assert record[0].lineno == sys._getframe().f_lineno - 2
    np.testing.assert_array_equal(np.asarray(base)[2:4], [7, 2])


def test_chained_assignment_is_judged_as_a_write_into_the_indexed_array() -> None:
    """``a[1:3][0] = v`` always writes into ``a`` (NumPy's temporary View is a View of ``a``):
    silent on a Copy, a shared write when ``a`` is a View whose base someone else sees."""
    a = make_base()
    with sa.policy("raise"):
        a[1:3][0] = 50
        a[1:][::2][1] = 60
        a.T[0] = 70
    assert a.tolist() == [70, 50, 6, 60, 4, 2, 0, 7]  # written, as in NumPy
    v = a[2:]
    with pytest.warns(sa.SharedWriteWarning, match=r"assignment \[0\] through a temporary View") as record:
        v[1:3][0] = 80
    assert record[0].lineno == sys._getframe().f_lineno - 1
    assert int(a[3]) == 80


# --------------------------------------------------------------------------------------
# lost writes

LOST: dict[str, Write] = {
    "mask item": lambda a: a[np.asarray(a) > 2].__setitem__(0, 99),
    "fancy slice": lambda a: a[[0, 2]].__setitem__(slice(None), 99),
    "mask sort": lambda a: a[np.asarray(a) > 2].sort(),
    "fancy fill": lambda a: a[[0, 1]].fill(99),
    "arithmetic item": lambda a: (a + 1).__setitem__(0, 99),
}


def _lost_mask_item(a: Any) -> None:
    a[np.asarray(a) > 2][0] = 99


def _lost_fancy_slice(a: Any) -> None:
    a[[0, 2]][:] = 99


def _lost_mask_sort(a: Any) -> None:
    a[np.asarray(a) > 2].sort()


def _lost_fancy_fill(a: Any) -> None:
    a[[0, 1]].fill(99)


def _lost_augmented(a: Any) -> None:
    a[[0, 1]][0] += 99


LOST_STATEMENTS = [_lost_mask_item, _lost_fancy_slice, _lost_mask_sort, _lost_fancy_fill, _lost_augmented]


@pytest.mark.parametrize("write", LOST_STATEMENTS, ids=lambda f: f.__name__)
def test_lost_write_warns_at_the_users_line(write: Write) -> None:
    a = make_base()
    before = np.array(a)
    with pytest.warns(sa.LostWriteWarning, match="thrown away") as record:
        write(a)
    assert len(record) == 1
    assert record[0].filename == HERE
    assert record[0].lineno == write.__code__.co_firstlineno + 1
    np.testing.assert_array_equal(np.asarray(a), before)  # lost, as in NumPy


@pytest.mark.parametrize("write", LOST_STATEMENTS, ids=lambda f: f.__name__)
def test_lost_write_raises_under_raise(write: Write) -> None:
    a = make_base()
    with sa.policy("raise"), pytest.raises(sa.LostWriteError):
        write(a)


@pytest.mark.parametrize("write", LOST_STATEMENTS, ids=lambda f: f.__name__)
def test_lost_write_is_silent_under_allow(write: Write) -> None:
    a = make_base()
    with sa.policy("allow"):
        write(a)


def test_fancy_augmented_assignment_stores_back_and_is_not_lost() -> None:
    a = make_base()
    raw = np.array(a)
    idx = [0, 2]
    a[idx] += 1
    raw[idx] += 1
    np.testing.assert_array_equal(np.asarray(a), raw)


def test_a_copy_kept_in_a_container_is_not_lost() -> None:
    a = make_base()
    held = {"picked": a[[0, 1]]}
    held["picked"][0] = 99
    items = [a[[0, 1]]]
    items[0][:] = 5
    assert int(held["picked"][0]) == 99
    assert items[0].tolist() == [5, 5]


# --------------------------------------------------------------------------------------
# policy settings


def test_precedence_array_over_block_over_global() -> None:
    base = make_base()
    assert sa.get_policy() == "warn"
    sa.set_policy("raise")
    shared = base[1:3]
    with pytest.raises(sa.SharedWriteError):
        shared[...] = 1
    with sa.policy("allow"):
        view = base[1:3]
        view[0] = 1  # block beats global
        strict = view.with_policy("raise")
        with pytest.raises(sa.SharedWriteError):
            strict[0] = 2  # array beats block
    lenient = base[1:3].with_policy("allow")
    lenient[0] = 3  # array beats global
    lenient[1:][0] = 4  # views of it inherit its policy
    assert base[1:3].tolist() == [3, 4]


@pytest.mark.parametrize("bad", ["strict", "", None, 1, "RAISE"])
def test_unknown_modes_are_refused_listing_the_modes(bad: Any) -> None:
    for call in (sa.set_policy, sa.policy, make_base().with_policy):
        with pytest.raises(ValueError, match="'allow', 'warn', 'raise'"):
            cm = call(bad)
            if hasattr(cm, "__enter__"):
                with cm:
                    pass
    assert sa.get_policy() == "warn"


def test_set_policy_returns_the_previous_mode() -> None:
    assert sa.set_policy("allow") == "warn"
    assert sa.set_policy("warn") == "allow"


def test_block_restores_after_an_exception() -> None:
    with pytest.raises(KeyError), sa.policy("raise"):
        raise KeyError
    assert sa.get_policy() == "warn"


@pytest.mark.parametrize("mode", sa.MODES)
def test_environment_variable_sets_the_global_policy(mode: str) -> None:
    env = dict(os.environ, SAFEARRAY_POLICY=mode)
    out = subprocess.run(
        [sys.executable, "-c", "import safearray as sa; print(sa.get_policy())"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == mode


def test_unknown_environment_variable_is_a_value_error() -> None:
    env = dict(os.environ, SAFEARRAY_POLICY="loud")
    out = subprocess.run([sys.executable, "-c", "import safearray"], env=env, capture_output=True, text=True)
    assert out.returncode != 0
    assert "ValueError" in out.stderr and "SAFEARRAY_POLICY='loud'" in out.stderr
    assert "'allow', 'warn', 'raise'" in out.stderr


def test_threads_start_with_the_global_policy_and_do_not_leak() -> None:
    seen: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def worker(name: str, mode: str | None) -> None:
        if mode is None:
            barrier.wait()
            seen[name] = sa.get_policy()
            barrier.wait()
            return
        with sa.policy(mode):
            barrier.wait()
            seen[name] = sa.get_policy()
            barrier.wait()

    with sa.policy("raise"):  # the main thread's block is not inherited by new threads
        threads = [
            threading.Thread(target=worker, args=("allow", "allow")),
            threading.Thread(target=worker, args=("plain", None)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sa.get_policy() == "raise"
    assert seen == {"allow": "allow", "plain": "warn"}


def test_asyncio_tasks_do_not_leak_into_each_other() -> None:
    async def task(mode: str, started: asyncio.Event, other: asyncio.Event) -> str:
        with sa.policy(mode):
            started.set()
            await other.wait()
            await asyncio.sleep(0)
            return sa.get_policy()

    async def main() -> list[str]:
        e1, e2 = asyncio.Event(), asyncio.Event()
        return list(await asyncio.gather(task("allow", e1, e2), task("raise", e2, e1)))

    assert asyncio.run(main()) == ["allow", "raise"]
    assert sa.get_policy() == "warn"


# --------------------------------------------------------------------------------------
# what safearray hands out of a View


@pytest.mark.parametrize("mode", sa.MODES)
def test_handed_out_ndarrays_are_writable_only_under_allow(mode: str) -> None:
    """``np.asarray(x)``: the caller's memory, read-only under "warn" and "raise" (a library
    that converts and then writes cannot change the caller's array behind its back); the
    memory itself under "allow", for a Copy and a View alike. DLPack shares the memory by
    contract, as for an ndarray: read-only only for a View under "raise"."""
    base = make_base()
    view = base[1:4]
    memory = memory_of(base)
    with sa.policy(mode):
        for x in (base, view):
            for raw in (np.asarray(x), x.__array__(), np.asarray(x, copy=False)):
                assert np.shares_memory(raw, memory)
                assert raw.flags.writeable == (mode == "allow")
                if mode != "allow":
                    with pytest.raises(ValueError, match="read-only"):
                        raw[...] = 0
            assert (np.asarray(x) is memory) == (mode == "allow" and x is base)
            assert x.__array__(copy=True).flags.writeable
            assert not np.shares_memory(x.__array__(copy=True), memory)
        if NUMPY_2_1:
            assert np.from_dlpack(view).flags.writeable == (mode != "raise")
            assert np.from_dlpack(base).flags.writeable
        else:  # NumPy 2.0 (DLPack 0.8): every import read-only, a read-only array not exported
            assert not np.from_dlpack(base).flags.writeable and not np.from_dlpack(memory).flags.writeable
            if mode == "raise":
                with pytest.raises(BufferError, match="readonly"):
                    np.from_dlpack(view)
            else:
                assert np.shares_memory(np.from_dlpack(view), memory)
    np.testing.assert_array_equal(memory, make_base())  # nothing was written
    # an array's own "allow" hands out its memory whatever the global policy
    with sa.policy("raise"):
        assert np.asarray(view.with_policy("allow")).flags.writeable


@pytest.mark.parametrize("mode", sa.MODES)
def test_numpys_own_python_code_receives_the_memory_as_numpy_would(mode: str) -> None:
    """NumPy's Python code (numpy.ma here, NumPy's docstring example) converting a SafeArray
    gets its memory as NumPy would hand out an ndarray's: a masked array over a Copy writes
    into it. A View's is sealed under "raise", as DLPack's."""
    x = sa.arange(10)
    with sa.policy(mode), warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.UncoveredWarning)  # numpy.ma is NumPy's own
        m = np.ma.masked_array(x, np.asarray(x) > 5)
        m[8] = 42
        assert x[8] == 42 and not m.mask[8]
        v = x[2:]
        mv = np.ma.masked_array(v)
        if mode == "raise":
            with pytest.raises(ValueError, match="read-only"):
                mv[0] = 7
        else:
            mv[0] = 7
            assert x[2] == 7


# --------------------------------------------------------------------------------------
# guards


@sa.guard
def _careless_stage(prices: Any, weights: Any, *rest: Any, scale: Any = None) -> Any:
    total = prices * weights  # reading is fine
    if scale is not None:
        scale[0] = 0  # a bug: writes into an input
    prices[1:][0] = 0  # a bug: writes into an input through a derived view
    return total


def test_guard_decorator_refuses_writes_naming_the_argument() -> None:
    prices = sa.asarray([1.0, 2.0, 3.0])
    weights = np.array([1.0, 1.0, 1.0])
    with pytest.raises(sa.ReadOnlyError, match="sa.guard argument 'prices'"):
        _careless_stage(prices, weights)
    with pytest.raises(sa.ReadOnlyError, match="sa.guard argument 'scale'"):
        _careless_stage(prices, weights, scale=np.ones(2))
    # the caller's arrays are untouched and writable
    assert prices.tolist() == [1.0, 2.0, 3.0]
    prices[0] = 10.0
    weights[0] = 10.0
    assert weights.flags.writeable


def test_guard_decorator_passes_results_and_other_arguments() -> None:
    @sa.guard
    def stage(x: Any, factor: float, *more: Any, **named: Any) -> Any:
        assert isinstance(x, sa.View) and not x.flags.writeable
        assert all(not m.flags.writeable for m in more)
        assert all(not v.flags.writeable for v in named.values())
        return x * factor

    raw = np.arange(3.0)
    out = stage(raw, 2.0, np.zeros(2), extra=sa.zeros(2))
    assert isinstance(out, sa.Copy)
    np.testing.assert_array_equal(np.asarray(out), raw * 2.0)


def test_guard_block_makes_the_callers_objects_read_only_and_restores_them() -> None:
    raw = np.arange(4.0)
    tagged = sa.zeros(3)
    view = sa.arange(5.0)[1:]
    already = np.zeros(2)
    already.flags.writeable = False
    with pytest.raises(RuntimeError), sa.guard(raw, tagged, v=view, frozen=already):
        with pytest.raises(ValueError, match="read-only"):
            raw[0] = 1  # NumPy's own error on a raw ndarray
        with pytest.raises(sa.ReadOnlyError, match="argument 1"):
            tagged[0] = 1
        with pytest.raises(sa.ReadOnlyError, match="'v'"):
            view += 1
        raise RuntimeError("the body failed")
    assert raw.flags.writeable and tagged.flags.writeable and view.flags.writeable
    assert not already.flags.writeable  # what was read-only before stays so
    raw[0] = 1
    tagged[0] = 1


def test_guard_block_refuses_non_arrays() -> None:
    with pytest.raises(TypeError, match="guard\\(\\) takes SafeArrays and numpy ndarrays"):
        sa.guard([1, 2])


class _Pair(NamedTuple):
    left: Any
    right: Any


def test_guard_decorator_walks_containers_and_defaults() -> None:
    raw = np.arange(4.0)
    tagged = sa.arange(3.0)
    seen: dict[str, Any] = {}

    @sa.guard
    def stage(batch: Any, cfg: Any, pair: Any, same: Any, plain: Any, w: Any = np.ones(2)) -> None:
        seen.update(batch=batch, cfg=cfg, pair=pair, same=same, plain=plain, w=w)
        writes = {
            "batch[0]": lambda: batch[0].__setitem__(0, 9), "batch[1][0]": lambda: batch[1][0].fill(9),
            "cfg['w']": lambda: cfg["w"].__setitem__(0, 9), "cfg['deep']['x'][0]": lambda: cfg["deep"]["x"][0].sort(),
            "pair.left": lambda: pair.left.__iadd__(1), "w": lambda: w.__setitem__(0, 9),
        }
        for label, write in writes.items():
            with pytest.raises(sa.ReadOnlyError, match="sa.guard argument"):
                write()
        with pytest.raises(sa.ReadOnlyError, match=r"'batch\[0\]'"):
            batch[0][0] = 9

    batch = [raw, (tagged, 1)]
    cfg = {"w": raw, "deep": {"x": [tagged]}, "n": 3}
    plain = [1, "a", (2.0,)]
    before = (raw.copy(), tagged.copy(), list(batch), dict(cfg))
    stage(batch, cfg, _Pair(raw, 2), (raw, raw), plain)
    # rebuilt with the same container types, arrays as read-only Views, the rest as it is
    assert type(seen["batch"]) is list and type(seen["batch"][1]) is tuple and seen["batch"][1][1] == 1
    assert type(seen["cfg"]) is dict and seen["cfg"]["n"] == 3 and type(seen["cfg"]["deep"]["x"]) is list
    assert type(seen["pair"]) is _Pair and seen["pair"].right == 2
    assert all(isinstance(v, sa.View) and not v.flags.writeable
               for v in (seen["batch"][0], seen["batch"][1][0], seen["cfg"]["w"], seen["pair"].left, seen["w"]))
    assert seen["same"][0] is seen["same"][1]  # an array met twice: one View
    assert seen["plain"] is plain  # a container without arrays is passed as it is
    # the caller's containers and arrays are unchanged
    np.testing.assert_array_equal(raw, before[0])
    np.testing.assert_array_equal(np.asarray(tagged), np.asarray(before[1]))
    assert batch == before[2] and batch[0] is raw and cfg["w"] is raw and cfg == before[3]
    assert raw.flags.writeable and tagged.flags.writeable


def test_guard_decorator_rebuilds_a_container_that_holds_itself() -> None:
    raw = np.zeros(2)
    loop: list[Any] = [raw]
    loop.append(loop)

    @sa.guard
    def stage(items: Any) -> Any:
        assert items[1] is items and isinstance(items[0], sa.View) and not items[0].flags.writeable
        return items

    out = stage(loop)
    assert out is not loop and loop[1] is loop and loop[0] is raw


def test_guard_block_covers_views_made_before_it_and_restores_them() -> None:
    x = sa.arange(8.0)
    head, tail, ro = x[:4], x[5:], x.readonly()
    part = x[2:4]
    with sa.guard(x):
        for v in (head, tail):
            assert not v.flags.writeable
            with pytest.raises(sa.ReadOnlyError, match="guarded as argument 0 by sa.guard"):
                v[0] = 1
    assert head.flags.writeable and tail.flags.writeable and not ro.flags.writeable
    with sa.guard(part):  # a View: the Views whose bytes overlap it
        assert not head.flags.writeable and tail.flags.writeable
    assert head.flags.writeable and part.flags.writeable
    with sa.policy("allow"):
        head[0] = 5
    assert x[0] == 5


def test_guard_block_covers_views_made_between_the_call_and_the_block() -> None:
    x = sa.arange(4.0)
    block = sa.guard(x)
    late = x[1:]
    with block:
        assert not late.flags.writeable
    assert late.flags.writeable


@pytest.mark.parametrize("order", ["owner first", "view first"])
def test_guard_block_restores_raw_views_in_any_order(order: str) -> None:
    a = np.zeros(4)
    b = a[1:]
    with sa.guard(*((a, b) if order == "owner first" else (b, a))):
        assert not a.flags.writeable and not b.flags.writeable
    assert a.flags.writeable and b.flags.writeable


# --------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize(
    "cls, bases",
    [
        (sa.SharedWriteError, (sa.MutationError, ValueError, sa.SafeArrayError)),
        (sa.LostWriteError, (sa.MutationError, ValueError, sa.SafeArrayError)),
        (sa.ReadOnlyError, (sa.MutationError, ValueError, sa.SafeArrayError)),
        (sa.SharedWriteWarning, (sa.MutationWarning, UserWarning)),
        (sa.LostWriteWarning, (sa.MutationWarning, UserWarning)),
    ],
)
def test_mutation_hierarchy(cls: type, bases: tuple[type, ...]) -> None:
    assert all(issubclass(cls, b) for b in bases)
    err = cls("message")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is cls and str(again) == "message"


# --------------------------------------------------------------------------------------
# the pytest plugin

pytest_plugins = ["pytester"]

PLUGIN_TEST = """
import pytest
import safearray as sa

def test_view_write():
    data = sa.zeros(4)
    head = data[:2]
    head[:] = 1.0
    assert data[0] == 1.0

@pytest.mark.safearray_policy("allow")
def test_marked_allow():
    data = sa.zeros(4)
    head = data[:2]
    head[:] = 1.0
    assert data[0] == 1.0
"""


@pytest.mark.parametrize(
    "args, outcome",
    [
        (["--safearray-policy=raise"], {"passed": 1, "failed": 1}),
        (["--safearray-policy=allow"], {"passed": 2}),
        (["--safearray-policy=warn", "-W", "error::safearray.SharedWriteWarning"], {"passed": 1, "failed": 1}),
    ],
)
def test_pytest_plugin_flag_and_marker(pytester: pytest.Pytester, args: list[str], outcome: dict[str, int]) -> None:
    pytester.makepyfile(PLUGIN_TEST)
    result = pytester.runpytest_subprocess(*args)
    result.assert_outcomes(**outcome)
    if "raise" in args[0]:
        result.stdout.fnmatch_lines(["*SharedWriteError*"])


def test_pytest_plugin_rejects_unknown_modes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(PLUGIN_TEST)
    result = pytester.runpytest_subprocess("--safearray-policy=loud")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*invalid choice*'loud'*"])


def test_warnings_never_point_inside_safearray() -> None:
    package = os.path.dirname(sa.__file__)
    base = make_base()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for write in WRITES.values():
            write(base[1:7])
    assert record and all(not w.filename.startswith(package) for w in record)


@pytest.mark.parametrize("name", ["setitem int", "setitem slice", "iadd", "imul"])
def test_errors_of_the_compiled_core_point_at_the_users_line(name: str) -> None:
    from safearray import _array

    if _array._speedups is None:
        pytest.skip("pure-Python mode: the traceback also shows safearray's frames")
    import traceback

    base = make_base()
    view = base[1:7]
    with sa.policy("raise"), pytest.raises(sa.SharedWriteError) as info:
        WRITES[name](view)
    frames = traceback.extract_tb(info.value.__traceback__)
    assert frames[-1].filename == HERE and frames[-1].lineno == LINES[name]


@pytest.mark.parametrize("mode", ["warn", "raise", "allow"])
def test_writes_through_a_temporary_view_into_a_named_copy_are_silent(mode: str) -> None:
    a = sa.zeros((3, 3), dtype=np.int16)
    expected = np.zeros((3, 3), dtype=np.int16)
    with sa.policy(mode), warnings.catch_warnings():
        warnings.simplefilter("error")
        sa.fill_diagonal(sa.fliplr(a), [1, 2, 3])  # NumPy's docstring: a changes
        np.fill_diagonal(np.fliplr(expected), [1, 2, 3])
        a.view(a.dtype.newbyteorder()).byteswap(inplace=True)
        expected.view(expected.dtype.newbyteorder()).byteswap(inplace=True)
    assert np.asarray(a).tolist() == expected.tolist()


@pytest.mark.parametrize("mode", ["warn", "raise"])
def test_named_views_given_to_filling_functions_are_judged(mode: str) -> None:
    a = sa.zeros((3, 3))
    flipped = sa.fliplr(a)
    with sa.policy(mode), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            sa.fill_diagonal(flipped, 1.0)
        except sa.SharedWriteError:
            assert mode == "raise"
        else:
            assert [w.category for w in caught] == [sa.SharedWriteWarning]
        try:
            flipped.byteswap(inplace=True)
        except sa.SharedWriteError:
            assert mode == "raise"
