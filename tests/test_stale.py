"""Stale Views: a View read after its bytes were written through another path.

The oracle is NumPy: the same statements on ndarrays give the values; a swap is reported
exactly when NumPy's result is not the swap (the first write changed the second source).
"""

from __future__ import annotations

import gc
import warnings
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import safearray as sa
from safearray import _stale

from .strategies import arrays

POLICIES = ["warn", "raise", "allow"]


@pytest.fixture(autouse=True)
def _general_check_off() -> Iterator[None]:
    previous = _stale.set_reads(False)
    yield
    _stale.set_reads(previous)


def stale_warnings(func: Callable[[], Any]) -> list[warnings.WarningMessage]:
    """Run ``func`` under "warn"; the StaleViewWarnings it issued (other warnings ignored)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        func()
    return [w for w in caught if issubclass(w.category, sa.StaleViewWarning)]


def swap_rows(a: Any) -> None:
    a[0], a[1] = a[1], a[0]


def swap_columns(a: Any) -> None:
    a[:, 0], a[:, 1] = a[:, 1], a[:, 0]


def swap_slices(a: Any) -> None:
    a[0:1], a[1:2] = a[1:2], a[0:1]


def swap_named(a: Any) -> None:
    r0, r1 = a[0], a[1]
    a[0], a[1] = r1, r0


def swap_in_a_callee(a: Any) -> None:
    def put(x: Any, i: int, v: Any) -> None:
        x[i] = v

    r0, r1 = a[0], a[1]
    put(a, 0, r1)
    put(a, 1, r0)  # r0 was overwritten at put's line: the same rotation bug


def rotate_in_a_loop(a: Any) -> None:
    rows = [a[i] for i in range(3)]
    for i in range(3):
        a[(i + 1) % 3] = rows[i]


def swap_by_copyto(a: Any) -> None:
    r0, r1 = a[0], a[1]; np.copyto(a[0], r1); np.copyto(a[1], r0)  # noqa: E702


def swap_by_ufunc_out(a: Any) -> None:
    r0 = a[0]; np.add(a[1], 0, out=a[0]); np.add(r0, 0, out=a[1])  # noqa: E702


def swap_in_place(a: Any) -> None:
    r0 = a[0]; a[0] = a[1]; a[1] *= 0; a[1] += r0  # noqa: E702


BUGGY = [swap_rows, swap_columns, swap_slices, swap_named, swap_in_a_callee, rotate_in_a_loop,
         swap_by_copyto, swap_by_ufunc_out, swap_in_place]


def owners() -> list[Callable[[np.ndarray], Any]]:
    """The kinds of tagged arrays a swap can run on: a Copy, a View of the caller's ndarray,
    a View of a Copy."""
    return [sa.asarray, lambda nd: sa.array(nd), lambda nd: sa.array(nd)[:]]


@pytest.mark.parametrize("form", BUGGY, ids=lambda f: f.__name__)
@pytest.mark.parametrize("make", range(3), ids=["caller-ndarray", "copy", "view-of-copy"])
def test_every_form_of_the_swap_is_reported_and_computes_what_numpy_does(form: Any, make: int) -> None:
    nd = np.arange(12.0).reshape(4, 3)
    expected = nd.copy()
    form(expected)
    a = owners()[make](nd.copy())
    found = stale_warnings(lambda: form(a))
    assert found, f"{form.__name__}: no StaleViewWarning"
    assert "stale View" in str(found[0].message)
    assert found[0].filename == __file__
    np.testing.assert_array_equal(np.asarray(a), expected)


#: the forms whose writes go into the array itself (the others write through Views of it,
#: which "raise" refuses first, as shared writes)
INTO_THE_ARRAY = [f for f in BUGGY if f not in (swap_by_copyto, swap_by_ufunc_out)]


@pytest.mark.parametrize("form", INTO_THE_ARRAY, ids=lambda f: f.__name__)
def test_under_raise_the_refused_write_changes_nothing(form: Any) -> None:
    # under "warn", the bytes at the moment the first stale source is reported (before
    # that write runs) are what "raise" must leave
    seen: list[bytes] = []
    a = sa.arange(12.0).reshape(4, 3)

    def hook(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if issubclass(category, sa.StaleViewWarning) and not seen:
            seen.append(a.tobytes())

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = hook
        form(a)
    b = sa.arange(12.0).reshape(4, 3)
    with sa.policy("raise"), pytest.raises(sa.StaleViewError, match="stale View"):
        form(b)
    assert seen and b.tobytes() == seen[0]


def test_allow_is_silent() -> None:
    a = sa.arange(6).reshape(2, 3)
    with sa.policy("allow"), warnings.catch_warnings():
        warnings.simplefilter("error")
        swap_rows(a)
    assert a.tolist() == [[3, 4, 5], [3, 4, 5]]


def test_a_per_array_policy_decides_for_the_stale_view() -> None:
    a = sa.arange(6).reshape(2, 3)
    quiet = a.with_policy("allow")
    assert not stale_warnings(lambda: swap_rows(quiet))


# ---- correct code stays silent ---------------------------------------------------------


def correct_swaps() -> list[Callable[[Any], None]]:
    def fancy(a: Any) -> None:
        a[[0, 1]] = a[[1, 0]]

    def copies(a: Any) -> None:
        a[0], a[1] = a[1].copy(), a[0].copy()

    def through_a_buffer(a: Any) -> None:
        tmp = a[0].copy()
        a[0] = a[1]
        a[1] = tmp

    def same_row(a: Any) -> None:
        a[1], a[1] = a[1], a[1]

    return [fancy, copies, through_a_buffer, same_row]


def assert_silent_as_numpy(code: Callable[[Any], None]) -> None:
    """``code`` on a Copy issues no StaleViewWarning and leaves what it leaves on an ndarray."""
    nd = np.arange(12.0).reshape(4, 3)
    expected = nd.copy()
    code(expected)
    x = sa.array(nd)
    assert not stale_warnings(lambda: code(x))
    np.testing.assert_array_equal(np.asarray(x), expected)


@pytest.mark.parametrize("form", correct_swaps(), ids=lambda f: f.__name__)
def test_correct_swaps_are_silent_and_swap(form: Any) -> None:
    assert_silent_as_numpy(form)


def test_a_one_dimensional_swap_moves_scalars_and_is_right() -> None:
    x = sa.arange(5)
    assert not stale_warnings(lambda: swap_rows(x))
    assert x.tolist() == [1, 0, 2, 3, 4]


def peer_idioms() -> list[Callable[[Any], None]]:
    """What careful NumPy code does with Views of the array it writes: never stale sources."""

    def normalise_rows_by_index(x: Any) -> None:
        for i in range(len(x)):
            x[i] = x[i] / (x[i].sum() + 1)

    def normalise_rows_in_place(x: Any) -> None:
        for row in x:
            row /= row.sum() + 1

    def single_assignment(x: Any) -> None:
        x[0] = x[2]

    def copyto_from_a_view(x: Any) -> None:
        np.copyto(x[1:], x[:-1])
        np.copyto(x[0], x[2])

    def shift_by_slices(x: Any) -> None:
        x[1:] = x[:-1]

    def broadcast_one_row(x: Any) -> None:
        src = x[0]
        for j in range(len(x)):
            x[j] = src

    def cumulative(x: Any) -> None:
        for i in range(1, len(x)):
            x[i] += x[i - 1]

    def by_design(x: Any) -> None:
        col = x[:, 0]
        x += 1
        y = np.zeros_like(np.asarray(x))
        y[:, 0] = col  # col has x's new values, as intended: another line
        str(col)

    def other_columns(x: Any) -> None:
        x[:, 1], x[:, 2] = x[:, 0] * 2, x[:, 0]

    def disjoint_rows_on_one_line(x: Any) -> None:
        r = x[0]; x[1] = 5; x[2] = r  # noqa: E702

    return [normalise_rows_by_index, normalise_rows_in_place, single_assignment, copyto_from_a_view,
            shift_by_slices, broadcast_one_row, cumulative, by_design, other_columns,
            disjoint_rows_on_one_line]


@pytest.mark.parametrize("idiom", peer_idioms(), ids=lambda f: f.__name__)
def test_peer_idioms_are_silent_and_compute_what_numpy_does(idiom: Any) -> None:
    assert_silent_as_numpy(idiom)


# ---- NumPy's generic shuffle -----------------------------------------------------------


NUMPYS_SHUFFLES = {
    "Generator": lambda x: np.random.default_rng(1).shuffle(x),
    "RandomState": lambda x: np.random.RandomState(1).shuffle(x),
    "np.random.shuffle": lambda x: np.random.shuffle(x),
}


@pytest.mark.parametrize("mode", sa.MODES)
@pytest.mark.parametrize("make", [lambda: sa.arange(20).reshape(10, 2), lambda: sa.arange(30).reshape(10, 3)[:, 1:],
                                  lambda: sa.asarray(np.arange(20).reshape(10, 2)), lambda: sa.arange(24).reshape(6, 2, 2)],
                         ids=["Copy", "View of a Copy", "View of an ndarray", "3-d"])
@pytest.mark.parametrize("shuffle", NUMPYS_SHUFFLES.values(), ids=NUMPYS_SHUFFLES.keys())
def test_numpys_own_shuffle_of_a_safearray_is_refused_naming_sa_random(shuffle: Any, make: Any, mode: str) -> None:
    """NumPy's generic path (for anything but an ndarray) swaps rows that are Views: refused,
    under every policy, before a byte changes, with the way out named."""
    x = make()
    before = np.array(x)
    with sa.policy(mode), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "you are shuffling", UserWarning)  # NumPy's own note
        with pytest.raises(sa.SafeArrayTypeError, match=r"rows would be duplicated.*sa\.random\.default_rng"):
            shuffle(x)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("shuffle", NUMPYS_SHUFFLES.values(), ids=NUMPYS_SHUFFLES.keys())
def test_numpys_own_shuffle_of_a_1d_safearray_is_numpys_permutation(shuffle: Any) -> None:
    """One dimension: the elements are values, NumPy's generic path swaps them correctly, and
    gives the permutation it gives an ndarray with the same seed."""
    np.random.seed(7)
    raw = np.arange(10)
    shuffle(raw)
    np.random.seed(7)
    x = sa.arange(10)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "you are shuffling", UserWarning)
        shuffle(x)
    np.testing.assert_array_equal(x, raw)


def test_a_python_swap_of_rows_is_the_stale_view_report_not_the_refusal() -> None:
    """The same swap written in Python is the user's line: reported there (StaleViewWarning),
    not refused as compiled code; row copies through Views of the same array stay silent."""
    x = sa.arange(20).reshape(10, 2)
    found = stale_warnings(lambda: swap_two_rows(x, 0, 1))
    assert found
    y = sa.arange(20).reshape(10, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for i in range(1, 10):
            y[i] = y[i - 1]  # a row copy: no other View holds row i
    assert y[:, 0].tolist() == [0] * 10


def swap_two_rows(x: Any, i: int, j: int) -> None:
    x[i], x[j] = x[j], x[i]


def test_safearrays_shuffle_is_a_permutation_and_silent() -> None:
    x = sa.arange(20).reshape(10, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sa.random.default_rng(1).shuffle(x)
    assert sorted(x[:, 0].tolist()) == list(range(0, 20, 2))


# ---- generated arrays and keys ---------------------------------------------------------


@given(arrays(min_dims=2, min_side=2, layouts=("C", "F", "transposed", "reversed", "offset", "strided")),
       st.data())
def test_generated_swaps_are_reported_exactly_when_numpy_gets_them_wrong(nd: np.ndarray, data: st.DataObject) -> None:
    n = nd.shape[0]
    keys = st.integers(0, n - 1) | st.builds(slice, st.integers(0, n), st.integers(0, n))
    k1, k2 = data.draw(keys), data.draw(keys)
    ref = nd.copy()
    if np.asarray(ref[k1]).shape != np.asarray(ref[k2]).shape:
        return
    want = ref.copy()
    want[k1], want[k2] = ref[k2].copy(), ref[k1].copy()  # the swap meant
    got_np = ref.copy()
    got_np[k1], got_np[k2] = got_np[k2], got_np[k1]  # what NumPy computes
    a = sa.asarray(nd.copy())
    found = stale_warnings(lambda: _swap(a, k1, k2))
    np.testing.assert_array_equal(np.asarray(a), got_np)
    first = ref[k1]
    # reported when the first write changed the second source: a[k1] is written, and unless
    # the write copies a[k1] onto itself, the View taken of a[k1] is stale
    same = first.size == 0 or (ref[k2].__array_interface__ == first.__array_interface__)
    assert bool(found) == (not same), (k1, k2)
    if not found:
        np.testing.assert_array_equal(got_np, want)


def _swap(a: Any, k1: Any, k2: Any) -> None:
    a[k1], a[k2] = a[k2], a[k1]


# ---- the general check -----------------------------------------------------------------


def reads() -> list[Callable[[Any], Any]]:
    return [
        lambda v: v + 1, lambda v: 1 + v, lambda v: -v, lambda v: v == 1, lambda v: v[0], lambda v: v[:1],
        lambda v: v.sum(), lambda v: v.T, lambda v: v.real, lambda v: v.copy(), lambda v: v.astype(float),
        lambda v: v.reshape(-1), lambda v: np.sum(v), lambda v: np.add(v, 1), lambda v: sa.sum(v),
        lambda v: np.asarray(v), lambda v: v.tolist(), lambda v: list(v),
        lambda v: str(v), lambda v: f"{v[:1]}", lambda v: 1 in v, lambda v: bool(v[:1]),
        lambda v: v.item(0), lambda v: np.concatenate([v, v]),
    ]


def stale_view() -> tuple[Any, Any]:
    x = sa.arange(12.0).reshape(4, 3)
    col = x[:, 0]
    x += 1
    return x, col


@pytest.mark.parametrize("read", reads(), ids=range(len(reads())))
@pytest.mark.parametrize("mode", POLICIES)
def test_with_the_general_check_every_use_of_a_stale_view_is_reported(read: Any, mode: str) -> None:
    _, col = stale_view()
    expected = read(np.asarray(col).copy()) if mode == "allow" else None
    with sa.policy(mode, stale_reads=True):
        if mode == "raise":
            with pytest.raises(sa.StaleViewError, match="stale View"):
                read(col)
        elif mode == "warn":
            with pytest.warns(sa.StaleViewWarning, match="stale View"):
                read(col)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                got = read(col)
            if isinstance(expected, np.ndarray):
                np.testing.assert_array_equal(np.asarray(got), expected)


@pytest.mark.parametrize("read", reads(), ids=range(len(reads())))
def test_without_it_reading_a_stale_view_is_silent(read: Any) -> None:
    _, col = stale_view()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read(col)


def test_what_is_not_stale() -> None:
    warnings.simplefilter("ignore", sa.SharedWriteWarning)  # pytest restores the filters
    x = sa.arange(12.0).reshape(4, 3)
    row = x[0]
    row[:] = 1  # its own write
    row[1:][0] = 5  # through a temporary taken from it
    x[1] = 7  # other bytes
    with sa.policy("raise", stale_reads=True):
        row.sum()
        fresh = x[1]
        fresh.sum()
        x.sum()
    col = x[:, 0]
    x[:, 1] = 3  # not col's bytes (exact test, not bounds)
    with sa.policy("raise", stale_reads=True):
        col.sum()


def test_the_general_check_is_scoped_and_switchable() -> None:
    _, col = stale_view()
    assert not _stale.reads_checked()
    with sa.policy(stale_reads=True):
        assert _stale.reads_checked()
        with sa.policy("warn", stale_reads=False):
            col.sum()
        with pytest.warns(sa.StaleViewWarning):
            col.sum()
    assert not _stale.reads_checked()
    sa.set_policy(stale_reads=True)
    try:
        with pytest.warns(sa.StaleViewWarning):
            col.sum()
    finally:
        sa.set_policy(stale_reads=False)
    assert sa.get_policy() == "warn"


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_bad_switches_are_refused(bad: Any) -> None:
    if bad is None:
        with pytest.raises(ValueError, match="'allow', 'warn', 'raise'"):
            sa.set_policy(None)
        with pytest.raises(ValueError, match="'allow', 'warn', 'raise'"):
            with sa.policy(None):
                pass
        return
    with pytest.raises(ValueError, match="stale_reads=.*True or False"):
        sa.set_policy(stale_reads=bad)
    with pytest.raises(ValueError, match="stale_reads=.*True or False"):
        with sa.policy(stale_reads=bad):
            pass
    assert not _stale.reads_checked()


@pytest.mark.parametrize(("value", "on"), [("1", True), ("on", True), ("0", False), ("", False)])
def test_the_environment_variable(monkeypatch: pytest.MonkeyPatch, value: str, on: bool) -> None:
    monkeypatch.setenv("SAFEARRAY_STALE_READS", value)
    assert _stale._env_reads() is on


def test_a_bad_environment_variable_names_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAFEARRAY_STALE_READS", "maybe")
    with pytest.raises(ValueError, match="SAFEARRAY_STALE_READS='maybe'.*1 \\(on\\) or 0 \\(off\\)"):
        _stale._env_reads()


# ---- bookkeeping -----------------------------------------------------------------------


def test_marking_holds_no_frame_and_no_local() -> None:
    class Probe:
        pass

    def stage(x: Any) -> Any:
        probe = Probe()
        r0 = x[0]
        x[0] = 5  # r0 becomes stale here; the record must not keep this frame
        return r0, weakref.ref(probe)

    r0, ref = stage(sa.arange(6.0).reshape(2, 3))
    gc.collect()
    assert r0._stale is not None
    assert ref() is None


def test_views_of_the_callers_ndarray_share_one_registry() -> None:
    nd = np.arange(6.0).reshape(2, 3)
    a = sa.asarray(nd).with_policy("allow")
    hub = a._hub  # the first View of nd (with_policy made a second one)
    r = a[0]
    h = r[1:]
    assert hub is not None and r._hub is hub and h._hub is hub
    del r
    gc.collect()
    assert h._hub is hub
    a[0, 1] = 9
    assert h._stale is not None


# ---- the pytest plugin -----------------------------------------------------------------

pytest_plugins = ["pytester"]

STALE_PLUGIN_TEST = """
import safearray as sa

def test_reads_a_stale_view():
    x = sa.arange(6.0)
    head = x[:2]
    x += 1
    assert head.sum() == 3.0
"""


@pytest.mark.parametrize(("args", "outcome"), [
    ([], {"passed": 1}),
    (["--safearray-stale-reads"], {"passed": 1, "warnings": 1}),
    (["--safearray-stale-reads", "--safearray-policy=raise"], {"failed": 1}),
])
def test_the_plugin_turns_the_general_check_on(pytester: pytest.Pytester, args: list[str],
                                               outcome: dict[str, int]) -> None:
    pytester.makepyfile(STALE_PLUGIN_TEST)
    result = pytester.runpytest_subprocess(*args)
    result.assert_outcomes(**outcome)
    if "--safearray-policy=raise" in args:
        result.stdout.fnmatch_lines(["*StaleViewError: reading a stale View*"])


def test_the_readmes_swap_block_does_what_it_says() -> None:
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = next(b for b in re.findall(r"```python\n(.*?)```", readme, re.S) if "a[0], a[1] = a[1], a[0]" in b)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        namespace: dict[str, Any] = {}
        exec(compile(block, "README.md", "exec"), namespace)
    assert [(w.category, w.lineno) for w in caught] == [(sa.StaleViewWarning, 3)]
    assert namespace["a"].tolist() == [[3, 4, 5], [3, 4, 5]]  # both rows hold a[1]'s values, as with NumPy


@given(arrays(min_dims=1, max_dims=3, min_side=1, layouts=("C", "F", "transposed", "reversed", "strided")),
       st.data())
def test_a_write_makes_stale_exactly_the_views_whose_bytes_it_changes(nd: np.ndarray, data: st.DataObject) -> None:
    from .strategies import basic_indices

    x = sa.array(nd) if data.draw(st.booleans()) else sa.asarray(nd.copy())
    raw = np.asarray(x)
    keys = [data.draw(basic_indices(raw.shape)) for _ in range(3)]
    views = [x[k] for k in keys[:2]]
    views = [v for v in views if isinstance(v, sa.View)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.SharedWriteWarning)
        x[keys[2]] = np.asarray(x[keys[2]])  # the same values: the bytes are written all the same
    k = keys[2] if type(keys[2]) is tuple else (keys[2],)
    written = raw[k if any(i is Ellipsis for i in k) else (*k, Ellipsis)]  # a view, even of one element
    for v in views:
        expected = bool(np.shares_memory(np.asarray(written), np.asarray(v)))
        assert (v._stale is not None) == expected, (keys, v)


@pytest.mark.parametrize(("written", "stale"), [(1, True), (0, False), (2, False)])
def test_views_of_another_item_size_are_judged_by_their_bytes(written: int, stale: bool) -> None:
    x = sa.zeros(4)  # float64
    v = x.view(np.int32)[2:4]  # the bytes of x[1]
    x[written] = 1.0
    assert (v._stale is not None) is stale


def _read_warning(view: Any) -> str:
    """The message of the StaleViewWarning that reading ``view`` gives with the general check on."""
    previous = _stale.set_reads(True)
    try:
        caught = stale_warnings(lambda: view.sum())
    finally:
        _stale.set_reads(previous)
    assert len(caught) == 1
    return str(caught[0].message)


def test_a_view_made_stale_again_names_the_latest_write() -> None:
    # the compiled core keeps a record made by the same statement of the same frame (a loop),
    # and makes a new one for another statement, key or target: the message names the last
    g = sa.zeros((3, 4))
    col = g[:, 0]
    line = test_a_view_made_stale_again_names_the_latest_write.__code__.co_firstlineno
    for _ in range(3):
        g[1] = 1
    g[2] = 2
    assert f"the assignment [2] into Copy(shape=(3, 4), dtype=float64) at test_stale.py:{line + 8} " in _read_warning(col)
    for k in (1, 2, 1, 300 - 299):  # one line, the key changes (an int made at run time, last)
        g[k] = 3
    assert f"the assignment [1] into Copy(shape=(3, 4), dtype=float64) at test_stale.py:{line + 11} " in _read_warning(col)
    for target in (g, g[:2].with_policy("allow")):  # one line, the target changes
        target[1, 0:2] = 4
    assert f"the assignment [1, 0:2] into View(shape=(2, 4), dtype=float64) at test_stale.py:{line + 14} " in _read_warning(col)
    for _ in range(2):
        g[::2] += 1
    assert f"the += into View(shape=(2, 4), dtype=float64) at test_stale.py:{line + 17} " in _read_warning(col)
