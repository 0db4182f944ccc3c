"""pandas given SafeArrays, as a data engineer's `import safearray as np` code hands them over.

Every case runs under each policy (the ``mode`` fixture) and, through ``same_as_numpy``, on a
Copy, a View of a Copy and a read-only View, against the same call on ndarrays. pandas treats
an ndarray specially (it copies one into a new Series); anything else it converts with
``np.asarray`` and keeps. What that means for a SafeArray is the subject of the first tests:
``np.asarray`` hands out read-only memory under "warn" and "raise", so pandas cannot change the
caller's array behind its back (docs/interop.md, "What a library receives").
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy
import pytest

pd = pytest.importorskip("pandas")

import safearray as np  # noqa: E402

from ._compare import as_kind, same_as_numpy  # noqa: E402

VALUES = numpy.array([1.5, -0.5, numpy.nan, 3.0, 2.0, 0.25])
INTS = numpy.array([3, 1, 3, 2, 1, 3])
LABELS = numpy.array(["a", "b", "a", "c", "b", "a"])
MASK = numpy.array([True, False, True, False, False, True])
#: pandas 3 copies an ndarray into a new Series (copy-on-write); pandas 2 keeps it
PANDAS_COPIES_NDARRAYS = int(pd.__version__.split(".")[0]) >= 3


# ---- what pandas holds, and who can write it ------------------------------------------------


def test_a_series_never_changes_the_callers_array(mode: str) -> None:
    """``pd.Series(x); s.iloc[0] = 100``: with an ndarray pandas copies, and the caller's array
    keeps its values. pandas keeps anything else it converts with np.asarray; a SafeArray's
    ``__array__`` gives pandas its own copy, so the write goes into pandas' memory, under every
    policy, as with an ndarray."""
    raw = VALUES.copy()
    s = pd.Series(raw)
    s.iloc[0] = 100
    s.iloc[1] = 100
    assert (raw[0] == VALUES[0] and raw[1] == VALUES[1]) == PANDAS_COPIES_NDARRAYS
    for kind in ("copy", "view", "readonly"):
        x = as_kind(VALUES, kind)
        s = pd.Series(x)
        s.iloc[0] = 100
        s.iloc[1] = 100
        s += 1
        numpy.testing.assert_array_equal(numpy.asarray(x), VALUES)
        assert s.iloc[0] == 101 and s.iloc[1] == 101


def test_copy_true_and_dict_constructors_own_their_memory(mode: str) -> None:
    # pd.Series(x, copy=True) and DataFrame({...}) copy: their writes stay in pandas' memory
    # under every policy, as with ndarrays
    for kind in ("copy", "view", "readonly"):
        x = as_kind(VALUES, kind)
        s = pd.Series(x, copy=True)
        s.iloc[0] = 100
        df = pd.DataFrame({"a": x, "b": x})
        df.iloc[1, 0] = 100
        df.loc[:, "b"] = 0.0
        numpy.testing.assert_array_equal(numpy.asarray(x), VALUES)
        assert s.iloc[0] == 100 and df.iloc[1, 0] == 100


def test_a_dataframe_of_a_2d_safearray_owns_its_memory(mode: str) -> None:
    grid = numpy.arange(6.0).reshape(3, 2)
    for kind in ("copy", "view", "readonly"):
        x = as_kind(grid, kind)
        df = pd.DataFrame(x, columns=["p", "q"])
        df.iloc[0, 0] = 9
        idx = pd.Index(x[:, 0])
        numpy.testing.assert_array_equal(numpy.asarray(x), grid)
        assert df.iloc[0, 0] == 9 and idx[0] == 0


def test_writing_the_callers_array_leaves_the_series_alone(mode: str) -> None:
    """The other direction: after ``pd.Series(x)``, a write into x changes x only (pandas'
    copy), silently under every policy, as with an ndarray."""
    x = np.array(VALUES)
    s = pd.Series(x)
    frame = pd.DataFrame(x.reshape(3, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x[0] = 7.0
    assert s.iloc[0] == VALUES[0] and frame.iloc[0, 0] == VALUES[0]


def test_other_conversions_keep_numpys_protocol(mode: str) -> None:
    # only pandas' own code gets the copy: np.asarray elsewhere hands out the memory (read-only
    # under "warn" and "raise", docs/interop.md)
    x = np.array(VALUES)
    raw = numpy.asarray(x)
    assert numpy.shares_memory(raw, numpy.asarray(x.with_policy("allow")))
    assert raw.flags.writeable == (mode == "allow")


# ---- recognised as an array ------------------------------------------------------------------


def test_index_cut_qcut(mode: str) -> None:
    same_as_numpy(lambda x: pd.Index(x), INTS)
    same_as_numpy(lambda x: pd.cut(x, 3), numpy.array([0.0, 1.0, 2.0, 3.0, 4.5]))
    same_as_numpy(lambda x: pd.qcut(x, 2, labels=False), numpy.array([0.0, 1.0, 2.0, 3.0, 4.5]))


def test_isna_notna_and_scalars(mode: str) -> None:
    same_as_numpy(lambda x: (pd.isna(x), pd.notna(x)), VALUES)
    same_as_numpy(lambda x: pd.Series([x.sum(), x.mean(), x.max()]), INTS.astype(float))
    same_as_numpy(lambda x: pd.isna(x.sum()), VALUES)


def test_series_and_frames_from_safearrays(mode: str) -> None:
    same_as_numpy(lambda x: pd.Series(x, name="v"), VALUES)
    same_as_numpy(lambda x: pd.Series(x, index=pd.date_range("2026-01-01", periods=6)), VALUES)
    same_as_numpy(lambda x, y: pd.DataFrame({"v": x, "k": y}), VALUES, INTS)
    same_as_numpy(lambda x: pd.DataFrame(x.reshape(3, 2), columns=["p", "q"]), VALUES)
    same_as_numpy(lambda x: pd.Series(x), LABELS)
    same_as_numpy(lambda x: pd.Categorical(x), LABELS)


def test_series_methods_on_safearray_data(mode: str) -> None:
    same_as_numpy(lambda x: pd.Series(x).rolling(2).mean(), VALUES)
    same_as_numpy(lambda x: pd.Series(x).fillna(0).cumsum(), VALUES)
    same_as_numpy(lambda x: pd.Series(x).value_counts().sort_index(), INTS)
    same_as_numpy(lambda x: pd.Series(x).describe(), VALUES)
    same_as_numpy(lambda x: pd.Series(x).rank(), VALUES)
    same_as_numpy(lambda x: pd.Series(x).to_numpy(), VALUES)


def test_frame_columns_and_arithmetic(mode: str) -> None:
    def assign(x: Any) -> Any:
        df = pd.DataFrame({"a": numpy.arange(6.0)})
        df["b"] = x
        return df.assign(c=x * 2, d=df["a"] + x)

    same_as_numpy(assign, VALUES)
    same_as_numpy(lambda x: pd.Series(numpy.arange(6.0)) + x, VALUES)
    same_as_numpy(lambda x: pd.Series(numpy.arange(6.0)).where(x > 0), VALUES)


def test_isin_and_positional_selection(mode: str) -> None:
    s = pd.Series(numpy.arange(6) * 10)
    same_as_numpy(lambda k: s.isin(k), numpy.array([0, 20, 50]))
    same_as_numpy(lambda i: s.iloc[i], numpy.array([0, 2, 5]))
    same_as_numpy(lambda i: pd.DataFrame({"a": s}).iloc[i], numpy.array([4, 1]))
    same_as_numpy(lambda m: s.where(m), MASK)


def test_datetimes(mode: str) -> None:
    days = numpy.datetime64("2026-01-01", "ns") + numpy.arange(6).astype("timedelta64[D]")
    same_as_numpy(lambda d: pd.to_datetime(d), days)
    same_as_numpy(lambda d, v: pd.Series(v, index=pd.DatetimeIndex(d)).resample("2D").sum(), days, VALUES)


def test_boolean_masks(mode: str) -> None:
    """pandas takes a boolean mask only as an ndarray (or its own objects): the two modules that
    decide it see a SafeArray's ``__class__`` as ndarray, then convert it with np.asarray."""
    s = pd.Series(numpy.arange(6) * 10)
    df = pd.DataFrame({"a": numpy.arange(6), "b": numpy.arange(6.0)})
    same_as_numpy(lambda m: (s[m], s.loc[m], s.iloc[numpy.asarray(m)], df.loc[m], df[m], df.loc[m, "b"]), MASK)

    def assign(m: Any) -> Any:
        t, f = s.copy(), df.copy()
        t[m] = -1
        f.loc[m, "a"] = -1
        return t, f

    same_as_numpy(assign, MASK)


# ---- where pandas asks isinstance(x, np.ndarray) elsewhere: documented limits, loud ---------


def test_unique_and_groupby_keys_need_numpy_asarray(mode: str) -> None:
    """``pd.unique``'s argument and a groupby key are taken only as an ndarray (or pandas' own
    objects), in code that hands its input to compiled routines; pandas is deprecating other
    array-likes at such places (pandas GH#52834). A SafeArray there fails loudly, never
    silently; ``numpy.asarray(x)`` is the documented way, and gives what an ndarray gives."""
    s = pd.Series(numpy.arange(6) * 10)
    for kind in ("copy", "view", "readonly"):
        if PANDAS_COPIES_NDARRAYS:
            with pytest.raises(TypeError, match="unique requires"):
                pd.unique(as_kind(INTS, kind))
        else:  # pandas 2: deprecated, converted element by element
            with pytest.warns(FutureWarning, match="unique with argument that is not"):
                pd.unique(as_kind(INTS, kind))
        with pytest.raises(TypeError):
            s.groupby(as_kind(INTS, kind)).sum()
    same_as_numpy(lambda x: pd.unique(numpy.asarray(x)), INTS)
    same_as_numpy(lambda k: s.groupby(numpy.asarray(k)).sum(), INTS)
