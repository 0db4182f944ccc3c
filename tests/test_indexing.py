"""Indexing against NumPy: values, dtype, shape, and the tag against np.shares_memory."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import safearray as sa
from tests._asserts import assert_same_array, assert_tag_is_true
from tests.strategies import advanced_indices, arrays, basic_indices


def tagged_pair(raw: np.ndarray, owner: str) -> tuple[Any, np.ndarray]:
    """The array under test and the ndarray that holds its memory.

    ``copy``: a Copy owning a copy of ``raw``; ``view``: a View of the caller's ``raw``.
    """
    if owner == "copy":
        tagged = sa.array(raw)
        return tagged, np.asarray(tagged)
    return sa.asarray(raw), raw


def is_single_element(a: np.ndarray, key: Any) -> bool:
    keys = key if isinstance(key, tuple) else (key,)
    return a.ndim > 0 and len(keys) == a.ndim and all(isinstance(k, (int, np.integer)) for k in keys)


@given(data=st.data(), owner=st.sampled_from(["copy", "view"]))
def test_basic_indexing_gives_views_except_single_elements(data: st.DataObject, owner: str) -> None:
    raw = data.draw(arrays())
    key = data.draw(basic_indices(raw.shape))
    note(f"shape={raw.shape} dtype={raw.dtype} key={key!r}")
    tagged, memory = tagged_pair(raw, owner)
    expected = raw[key]
    result = tagged[key]
    if isinstance(expected, np.ndarray):
        assert_same_array(result, expected)
        assert isinstance(result, sa.View)
        assert_tag_is_true(result, memory)
        assert result.base is (tagged if owner == "copy" else tagged.base)
    else:  # NumPy copied a single element out
        assert is_single_element(raw, key) or raw.ndim == 0
        assert isinstance(result, sa.Copy) and result.shape == ()
        assert result.dtype == raw.dtype
        assert_same_array(result, np.asarray(expected, dtype=raw.dtype))
        assert_tag_is_true(result, memory)


@given(data=st.data(), owner=st.sampled_from(["copy", "view"]))
def test_advanced_indexing_gives_copies(data: st.DataObject, owner: str) -> None:
    raw = data.draw(arrays(min_dims=1))
    key = data.draw(advanced_indices(raw.shape))
    note(f"shape={raw.shape} dtype={raw.dtype} key={key!r}")
    tagged, memory = tagged_pair(raw, owner)
    expected = raw[key]
    result = tagged[key]
    assert isinstance(result, sa.Copy)
    assert_same_array(result, expected)
    assert_tag_is_true(result, memory)


@given(data=st.data())
def test_tagged_index_arrays_work_like_ndarrays(data: st.DataObject) -> None:
    raw = data.draw(arrays(min_dims=1, min_side=1))
    key = data.draw(advanced_indices(raw.shape))
    if isinstance(key, tuple):
        key = key[0]
    key_tagged = sa.asarray(key)
    result = sa.array(raw)[key_tagged]
    assert_same_array(result, raw[np.asarray(key)])
    assert isinstance(result, sa.Copy)


@given(raw=arrays(min_dims=1, min_side=1))
def test_ellipsis_after_integers_gives_a_0d_view(raw: np.ndarray) -> None:
    tagged = sa.array(raw)
    key = (0,) * raw.ndim + (Ellipsis,)
    result = tagged[key]
    assert isinstance(result, sa.View) and result.shape == ()
    assert_same_array(result, raw[key])
    assert_tag_is_true(result, np.asarray(tagged))


def test_empty_basic_slice_is_a_view_although_shares_memory_says_no() -> None:
    data = sa.arange(6)
    empty = data[3:3]
    assert isinstance(empty, sa.View) and empty.base is data
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


def test_base_of_a_view_of_a_foreign_buffer_is_the_buffer() -> None:
    buf = bytearray(np.arange(4, dtype=np.int32).tobytes())
    v = sa.frombuffer(buf, dtype=np.int32)
    assert isinstance(v, sa.View)
    assert v[1:].base is v.base
    np.testing.assert_array_equal(np.asarray(v), [0, 1, 2, 3])


@pytest.mark.parametrize(
    "key, exc",
    [
        (10, IndexError),
        ((0, 0, 0), IndexError),
        ("field", IndexError),
        (1.5, IndexError),
        ([10], IndexError),
    ],
)
def test_bad_indices_raise_numpys_errors(key: Any, exc: type[Exception]) -> None:
    raw = np.arange(6).reshape(2, 3)
    with pytest.raises(exc) as ours:
        sa.array(raw)[key]
    with pytest.raises(exc) as theirs:
        raw[key]
    assert str(ours.value) == str(theirs.value)


@given(raw=arrays(min_dims=1, min_side=1))
def test_iteration_yields_rows_as_numpy_does(raw: np.ndarray) -> None:
    tagged = sa.array(raw)
    rows = list(tagged)
    assert len(rows) == len(raw)
    for row, expected in zip(rows, raw):
        if raw.ndim == 1:
            assert isinstance(row, sa.Copy) and row.shape == ()
            assert_same_array(row, np.asarray(expected, dtype=raw.dtype))
        else:
            assert isinstance(row, sa.View) and row.base is tagged
            assert_same_array(row, expected)
