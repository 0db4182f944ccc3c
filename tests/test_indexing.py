"""Indexing against NumPy: values, dtype, shape, and the tag against np.shares_memory.

Generated arrays (every dtype of tests/strategies.py, 0-d, empty, Fortran, strided,
reversed, offset and zero-stride layouts) are indexed by generated expressions, basic
and advanced; NumPy's result is the oracle for the values and ``np.shares_memory`` the
oracle for the tag. The tagged array under test is one of:

* ``copy``: a Copy owning a copy of the data;
* ``view``: a View of the caller's ndarray (``sa.asarray(raw)``);
* ``subview``: a View of a Copy, made by basic indexing (its base is the Copy).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

import safearray as sa
from tests._asserts import assert_same_array, assert_tag_is_true, base_is
from tests.strategies import (
    EVERY_LAYOUT,
    advanced_indices,
    arrays,
    basic_indices,
    index_expressions,
)

OWNERS = ["copy", "view", "subview"]


def tagged_pair(raw: np.ndarray, owner: str) -> tuple[Any, np.ndarray, object]:
    """The array under test, the ndarray holding its memory, and the base its Views must have."""
    if owner == "copy":
        tagged = sa.array(raw)
        return tagged, np.asarray(tagged), tagged
    if owner == "view":
        tagged = sa.asarray(raw)
        return tagged, raw, tagged.base
    big = sa.array(np.concatenate([raw[None], raw[None]]) if raw.size else raw[None])
    tagged = big[0] if raw.ndim else big[0, ...]
    assert isinstance(tagged, sa.View) and tagged.base is big
    return tagged, np.asarray(big), big


def is_advanced(key: Any) -> bool:
    """Whether NumPy treats ``key`` as an advanced index (it then always copies)."""
    keys = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, (np.ndarray, list, bool, np.bool_)) for k in keys)


def check_index(raw: np.ndarray, owner: str, key: Any) -> None:
    tagged, memory, base = tagged_pair(raw, owner)
    try:
        expected = raw[key]
    except IndexError as exc:  # a key this NumPy refuses (NumPy 2.5: empty lists broadcast)
        with pytest.raises(type(exc)):
            tagged[key]
        return
    result = tagged[key]
    record = isinstance(expected, np.void) and raw.dtype.names is not None
    if record:  # NumPy's record is a view into the array: a 0-d View of that element
        expected = raw[(*key, ...) if isinstance(key, tuple) else (key, ...)]
    elif not isinstance(expected, np.ndarray):
        # NumPy's scalar, or an object array's element: the same object, nothing to tag
        assert type(result) is type(expected), (type(result), type(expected))
        if raw.dtype.kind == "O":
            assert result is expected
        else:
            assert_same_array(result, expected)
        return
    assert_same_array(result, expected)
    assert_tag_is_true(result, memory)
    if is_advanced(key):
        assert isinstance(result, sa.Copy), "advanced indexing always copies"
    else:
        assert isinstance(result, sa.View), "basic indexing gives a View"
        assert base_is(result, base), "a View's base is the memory owner, never a chain"
        assert result.flags.writeable == (expected.flags.writeable if owner == "view" else True)


@given(data=st.data(), owner=st.sampled_from(OWNERS))
def test_generated_indices_against_numpy(data: st.DataObject, owner: str) -> None:
    raw = data.draw(arrays(layouts=EVERY_LAYOUT, special=True))
    key = data.draw(index_expressions(raw.shape))
    note(f"owner={owner} shape={raw.shape} strides={raw.strides} dtype={raw.dtype} key={key!r}")
    check_index(raw, owner, key)


@given(data=st.data(), owner=st.sampled_from(OWNERS))
def test_basic_indexing_gives_views_except_single_elements(data: st.DataObject, owner: str) -> None:
    raw = data.draw(arrays())
    key = data.draw(basic_indices(raw.shape))
    note(f"owner={owner} shape={raw.shape} dtype={raw.dtype} key={key!r}")
    check_index(raw, owner, key)


@given(data=st.data(), owner=st.sampled_from(OWNERS))
def test_advanced_indexing_gives_copies(data: st.DataObject, owner: str) -> None:
    raw = data.draw(arrays(min_dims=1))
    key = data.draw(advanced_indices(raw.shape))
    note(f"owner={owner} shape={raw.shape} dtype={raw.dtype} key={key!r}")
    check_index(raw, owner, key)


@pytest.mark.parametrize(
    "key",
    [3, -1, np.int64(2), (1, 2), (-1, 0), slice(3, 3), (slice(None), 1), Ellipsis, None, (3, Ellipsis),
     [1, 3], (np.array([0, 1]), 2), np.array([True, False, True, False, True, False]), True, ()],
    ids=repr,
)
def test_spec_examples(key: Any) -> None:
    """The cases the specification names, on a 1-d and a 2-d array where they apply."""
    for raw in (np.arange(6.0), np.arange(24.0).reshape(6, 4)):
        try:
            raw[key]
        except IndexError:
            continue
        for owner in OWNERS:
            check_index(raw, owner, key)


def tagged_keys(key: Any, inner: bool = False) -> Any:
    """``key`` with its arrays (and lists of integers) given as tagged arrays.

    Inside a tuple only arrays with elements and at least one dimension are converted:
    see the xfail test below for the others.
    """
    if isinstance(key, tuple):
        return tuple(tagged_keys(k, inner=True) for k in key)
    if isinstance(key, np.ndarray) or (isinstance(key, list) and key):
        if inner and np.ndim(key) == 0 or np.size(key) == 0:
            return key
        return sa.asarray(key)
    return key


@given(data=st.data())
def test_tagged_index_arrays_work_like_ndarrays(data: st.DataObject) -> None:
    raw = data.draw(arrays(min_dims=1))
    key = data.draw(advanced_indices(raw.shape))
    tagged_key = tagged_keys(key)
    note(f"shape={raw.shape} key={key!r}")
    expected = raw[key]
    c = sa.array(raw)
    result = c[tagged_key]
    if not isinstance(expected, np.ndarray):  # a 0-d integer key picks one element
        assert type(result) is type(expected)
        assert_same_array(result, expected)
        return
    assert isinstance(result, sa.Copy)
    assert_same_array(result, expected)
    assert_tag_is_true(result, np.asarray(c))


@pytest.mark.xfail(
    strict=True,
    reason="safearray/_array.py (_py_getitem, _store and the compiled getitem/setitem) unwrap a "
    "tagged key only at the top level: inside a tuple NumPy sees a foreign array-like, so an "
    "empty tagged mask is read as integers and a 0-d tagged integer array as a Python int",
)
@pytest.mark.parametrize(
    "shape, key",
    [((0, 0), (np.zeros((0, 0), dtype=bool),)), ((2, 3), (Ellipsis, np.array(0))),
     ((4,), (np.array(1), None))],
    ids=["empty-mask", "0d-integer-array", "0d-integer-array-then-newaxis"],
)
def test_tagged_arrays_inside_tuple_keys_index_like_ndarrays(shape: tuple[int, ...], key: Any) -> None:
    raw = np.arange(int(np.prod(shape))).reshape(shape)
    c = sa.array(raw)
    tagged = tuple(sa.asarray(k) if isinstance(k, np.ndarray) else k for k in key)
    result = c[tagged]
    expected = raw[key]
    assert_same_array(result, expected)
    assert_tag_is_true(result, np.asarray(c))
    assert isinstance(result, sa.View) == np.shares_memory(expected, raw), "NumPy copies here"
    c[tagged] = 7
    raw[key] = 7
    assert_same_array(c, raw)


@given(raw=arrays(min_dims=1, min_side=1))
def test_integers_then_ellipsis_give_a_0d_view(raw: np.ndarray) -> None:
    tagged = sa.array(raw)
    key = (0,) * raw.ndim + (Ellipsis,)
    result = tagged[key]
    assert isinstance(result, sa.View) and result.shape == () and result.base is tagged
    assert_same_array(result, raw[key])
    assert_tag_is_true(result, np.asarray(tagged))


def test_empty_basic_slice_is_a_view_although_shares_memory_says_no() -> None:
    data = sa.arange(6)
    for empty in (data[3:3], data[5:1], data[:0], data[..., 6:]):
        assert isinstance(empty, sa.View) and empty.base is data and empty.size == 0
        assert not np.shares_memory(np.asarray(empty), np.asarray(data))


def test_chains_of_views_never_grow() -> None:
    data = sa.arange(100.0)
    v = data
    for _ in range(50):
        v = v[1:]
        assert v.base is data
    assert v.tolist() == list(np.arange(50.0, 100.0))
    raw = np.arange(10.0)
    w = sa.asarray(raw)[2:][1:][::2]
    assert w.base is raw
    inner = raw[1:]
    assert sa.asarray(inner)[1:][1:][1:].base is raw  # collapsed like NumPy's base
    assert sa.asarray(inner).T[::-1].reshape(9)[None].base is raw


def test_base_of_a_view_of_a_foreign_buffer_is_the_buffer() -> None:
    buf = bytearray(np.arange(4, dtype=np.int32).tobytes())
    v = sa.asarray(buf).view(np.int32)
    assert isinstance(v, sa.View) and v.base is buf
    assert v[1:].base is buf and v[1:][::2].base is buf
    np.testing.assert_array_equal(np.asarray(v), [0, 1, 2, 3])


@pytest.mark.parametrize(
    "key",
    [10, -7, (0, 0, 0), "field", 1.5, [10], (slice(None), [3]), np.array([True, False, True]), (Ellipsis, Ellipsis),
     np.array([0.5]), (0, [0, 1], [[0], [1], [2]])],
    ids=repr,
)
def test_bad_indices_raise_numpys_errors(key: Any) -> None:
    raw = np.arange(6).reshape(2, 3)
    with pytest.raises(Exception) as theirs:
        raw[key]
    with pytest.raises(type(theirs.value)) as ours:
        sa.array(raw)[key]
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


@given(raw=arrays(min_dims=1, min_side=1))
def test_iteration_yields_what_indexing_gives(raw: np.ndarray) -> None:
    tagged = sa.array(raw)
    rows = list(tagged)
    assert len(rows) == len(raw)
    for i, (row, expected) in enumerate(zip(rows, raw)):
        if raw.ndim == 1 and raw.dtype.names is not None:  # records: 0-d Views, as NumPy's
            assert isinstance(row, sa.View) and row.base is tagged
            assert_same_array(row, raw[i, ...])
        elif raw.ndim == 1:  # NumPy's scalars (an object array's elements themselves)
            assert type(row) is type(expected)
            if raw.dtype.kind == "O":
                assert row is expected
            else:
                assert_same_array(row, expected)
        else:
            assert isinstance(row, sa.View) and row.base is tagged
            assert_same_array(row, expected)


# --------------------------------------------------------------------------------------
# assignment through the same keys


def fill_value(raw: np.ndarray, target: Any) -> Any:
    """A value to store at a key: NumPy's selection itself, reversed along its first axis."""
    if isinstance(target, np.ndarray) and target.ndim:
        return target[::-1].copy()
    return raw.reshape(-1)[-1] if raw.size else target


@given(data=st.data())
def test_assignment_into_a_copy_matches_numpy(data: st.DataObject) -> None:
    raw = data.draw(arrays(layouts=EVERY_LAYOUT))
    key = data.draw(index_expressions(raw.shape))
    value = fill_value(raw, raw[key])
    as_tagged = data.draw(st.booleans()) and isinstance(value, np.ndarray)
    note(f"shape={raw.shape} dtype={raw.dtype} key={key!r} value={value!r}")
    expected = raw.copy()
    expected[key] = value
    c = sa.array(raw)
    c[tagged_keys(key) if data.draw(st.booleans()) else key] = sa.asarray(value) if as_tagged else value
    assert_same_array(c, expected)


@given(data=st.data())
def test_assignment_through_a_view_reaches_the_callers_array(data: st.DataObject) -> None:
    raw = data.draw(arrays(layouts=EVERY_LAYOUT))
    key = data.draw(index_expressions(raw.shape))
    try:
        part = raw[key]
    except IndexError:  # a key this NumPy refuses (an empty index list beside others, 2.2/2.5)
        assume(False)
        raise
    value = fill_value(raw, part)
    expected = raw.copy()
    expected[key] = value
    v = sa.asarray(raw)
    if not raw.flags.writeable:  # a broadcast layout: NumPy refuses, safearray says why
        with pytest.raises(sa.ReadOnlyError, match=r"read-only.*\.copy\(\)"):
            v[key] = value
        return
    with sa.policy("allow"):
        v[key] = value
    assert_same_array(raw, expected)
    assert_same_array(v, expected)


def test_writes_through_a_view_warn_by_default() -> None:
    raw = np.arange(4.0)
    v = sa.asarray(raw)
    with pytest.warns(sa.SharedWriteWarning):
        v[0] = 9.0
    assert raw[0] == 9.0


# --------------------------------------------------------------------------------------
# object arrays whose elements are arrays


def test_an_element_of_an_object_array_is_the_object_itself() -> None:
    inner = np.arange(3)
    holder = np.empty(4, dtype=object)
    holder[0], holder[1], holder[2], holder[3] = inner, None, {"k": 1}, [1, 2]
    x = sa.array(holder)
    assert x[0] is inner and x[1] is None and x[2]["k"] == 1
    x[3][0] = 10  # the list held by the array, as in NumPy
    assert np.asarray(x)[3] == [10, 2]
    assert [e for e in x][1] is None


def test_elements_are_numpys_scalars_hashable_and_typed() -> None:
    labels = sa.asarray([2, 0, 2])
    counts: dict[Any, int] = {}
    for i in range(len(labels)):
        counts[labels[i]] = counts.get(labels[i], 0) + 1
    assert counts == {2: 2, 0: 1}
    x = sa.arange(4.0)
    assert isinstance(x.mean(), float) and round(x.mean(), 1) == 1.5
    assert type(sa.asarray(["ab", "c"])[0]) is np.str_ and sa.asarray(["ab"])[0].upper() == "AB"
    assert type(sa.asarray([b"ab"])[0]) is np.bytes_
    assert set(sa.asarray([1, 1, 2])) == {1, 2}


STRUCTURED = np.dtype([("x", np.int64), ("y", np.float64)])


@pytest.mark.parametrize("key", [0, -1, (1,), np.int64(2)], ids=repr)
def test_a_record_is_a_0d_view_of_its_array(key: Any) -> None:
    raw = np.array([(1, 1.5), (2, 2.5), (3, 3.5)], dtype=STRUCTURED)
    st_ = sa.array(raw)
    rec = st_[key]
    assert isinstance(rec, sa.View) and rec.shape == () and rec.dtype == STRUCTURED
    assert rec.base is st_
    assert_tag_is_true(rec, np.asarray(st_))
    assert type(rec["x"]) is type(raw[key]["x"]) and rec["x"] == raw[key]["x"]
    assert rec["y"] == raw[key]["y"]
    assert [r["x"] for r in st_] == [1, 2, 3]


@pytest.mark.parametrize("mode", ["warn", "raise", "allow"])
def test_writes_through_a_record_reach_the_array_and_are_judged(mode: str) -> None:
    raw = np.array([(1, 1.5), (2, 2.5)], dtype=STRUCTURED)
    expected = raw.copy()
    rec_np = expected[0]
    rec_np["x"] = 5  # NumPy's record is a view: the write reaches the array
    st_ = sa.array(raw)
    rec = st_[0]
    with sa.policy(mode):
        if mode == "raise":
            with pytest.raises(sa.SharedWriteError, match="writes through a View"):
                rec["x"] = 5
            assert np.asarray(st_)["x"].tolist() == [1, 2]  # refused, nothing written
            return
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            rec["x"] = 5
    assert_same_array(st_, expected)
    shared = [w for w in caught if issubclass(w.category, sa.SharedWriteWarning)]
    assert len(shared) == (1 if mode == "warn" else 0)
    if shared:
        assert shared[0].filename == __file__


def test_a_record_reads_and_writes_fields_by_position_as_numpys() -> None:
    raw = np.array([[(1.0, 2)]], dtype=[("w", float), ("c", int)])
    ours, theirs = sa.array(raw)[0, 0], raw.copy()[0, 0]
    assert len(ours) == len(theirs) == 2
    assert [type(v) for v in ours] == [type(v) for v in theirs] and list(ours) == list(theirs)
    assert ours[0] == theirs[0] and ours[-1] == theirs[-1] and tuple(ours) == tuple(theirs)
    with pytest.raises(IndexError):
        ours[2]
    expected = raw.copy()
    expected[0, 0][1] = 7
    x = sa.array(raw)
    with sa.policy("allow"):
        x[0, 0][1] = 7
    assert_same_array(x, expected)
    with pytest.raises(TypeError, match="iteration over a 0-d array"):
        iter(sa.asarray(5.0))


def test_a_record_of_a_temporary_is_its_own_copy_and_writes_are_silent() -> None:
    with sa.policy("raise"):
        rec = sa.array(np.zeros(2, dtype=STRUCTURED))[1]
        assert isinstance(rec, sa.Copy)
        rec["y"] = 2.0
        assert rec["y"] == 2.0


def test_the_sequence_protocol_indexes_as_subscription() -> None:
    """C code sees a sequence, as it does an ndarray, in both cores: ``PySequence_Check``
    (pandas' ``is_scalar``, ``Index(x)``, ``isna(x)`` and PyArrow's masks ask it) and
    ``PySequence_GetItem`` (Cython's and C libraries' ``x[i]``) gives what ``x[i]`` gives."""
    import ctypes

    check = ctypes.pythonapi.PySequence_Check
    check.argtypes, check.restype = [ctypes.py_object], ctypes.c_int
    getitem = ctypes.pythonapi.PySequence_GetItem
    getitem.argtypes, getitem.restype = [ctypes.py_object, ctypes.c_ssize_t], ctypes.py_object
    raw = np.arange(6.0).reshape(3, 2)
    c = sa.array(raw)
    assert check(c) == check(raw) == 1
    for i in (0, 2, -1, -3):
        row = getitem(c, i)
        assert isinstance(row, sa.View) and base_is(row, c)
        assert_same_array(row, raw[i])
        assert_tag_is_true(row, np.asarray(c))
    assert getitem(sa.arange(3), -1) == 2 and type(getitem(sa.arange(3), -1)) is np.int64
    # past the end; before the start (i < -len) both cores, as a Python class with __len__,
    # receive i + len, where NumPy's own slot (without sq_length) refuses: left as Python does
    with pytest.raises(IndexError):
        getitem(c, 3)
