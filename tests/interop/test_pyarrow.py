"""pyarrow given SafeArrays: arrays, tables, masks, chunked arrays and the way back to NumPy
and pandas, as a data engineer's `import safearray as np` code calls them.

Every case runs under each policy (the ``mode`` fixture) and, through ``same_as_numpy``, on
a Copy, a View of a Copy and a read-only View. The tests check what Arrow builds (its type
and values, with Arrow's own equality), not how: whether pyarrow converts a SafeArray
through ``__arrow_array__``, ``__array__`` or element by element is not asserted.
"""

from __future__ import annotations

from typing import Any

import numpy
import pytest

pa = pytest.importorskip("pyarrow")

import safearray as np  # noqa: E402

from ._compare import as_kind, assert_same, same_as_numpy  # noqa: E402

ARRAYS = {
    "int64": numpy.arange(6),
    "int8": numpy.arange(6, dtype=numpy.int8),
    "float64": numpy.array([0.5, 1.5, numpy.nan, 3.0, -1.0, 2.25]),
    "float32": numpy.linspace(0, 1, 6, dtype=numpy.float32),
    "bool": numpy.arange(6) % 3 == 0,
    "str": numpy.array(["a", "bb", "", "dddd", "e", "ff"]),
    "datetime64[ns]": numpy.datetime64("2026-01-01", "ns") + numpy.arange(6).astype("timedelta64[h]"),
    "datetime64[D]": numpy.arange("2026-01-01", "2026-01-07", dtype="datetime64[D]"),
}
MASK = numpy.array([False, True, False, False, True, False])


# pyarrow recognises only ndarrays and its own and pandas' objects as arrays: a SafeArray is
# read as a sequence, element by element, which supports every option of pa.array (mask=,
# from_pandas=, size=) but is slow and fails on NumPy's datetime64[D] scalars as pyarrow does
# for a list of them. Where it matters, the documented recipe is pa.array(numpy.asarray(x)).
# SafeArray.__arrow_array__ is not defined on purpose: pyarrow refuses mask= for objects with
# it and silently ignores from_pandas= (NaN would no longer become null).
SEQUENCE_LIMITS = {"datetime64[D]"}


@pytest.mark.parametrize("dtype", sorted(set(ARRAYS) - SEQUENCE_LIMITS))
def test_array(mode: str, dtype: str) -> None:
    same_as_numpy(lambda x: pa.array(x), ARRAYS[dtype])


@pytest.mark.parametrize("dtype", sorted(SEQUENCE_LIMITS))
def test_array_through_numpy_asarray(mode: str, dtype: str) -> None:
    # read as a sequence, NumPy's datetime64[D] scalars fail loudly, as a list of them does
    with pytest.raises(TypeError):
        pa.array(list(ARRAYS[dtype]))
    for kind in ("copy", "view", "readonly"):
        with pytest.raises(TypeError):
            pa.array(as_kind(ARRAYS[dtype], kind))
    same_as_numpy(lambda x: pa.array(numpy.asarray(x)), ARRAYS[dtype])


@pytest.mark.parametrize("dtype", ["int64", "float64", "str"])
def test_array_with_type(mode: str, dtype: str) -> None:
    target = {"int64": pa.int32(), "float64": pa.float32(), "str": pa.large_string()}[dtype]
    same_as_numpy(lambda x: pa.array(x, type=target), ARRAYS[dtype])


def test_array_from_pandas_nan_is_null(mode: str) -> None:
    same_as_numpy(lambda x: pa.array(x, from_pandas=True), ARRAYS["float64"])


@pytest.mark.parametrize("dtype", ["int64", "float64", "str", "datetime64[ns]"])
def test_array_with_ndarray_mask(mode: str, dtype: str) -> None:
    same_as_numpy(lambda x: pa.array(x, mask=MASK), ARRAYS[dtype])


@pytest.mark.parametrize("dtype", ["int64", "float64", "str"])
def test_array_with_safearray_mask(mode: str, dtype: str) -> None:
    # both the values and the mask are what `import safearray as np` code made: pyarrow takes
    # a mask only as an ndarray, an Arrow array or a sequence of Python bools, and refuses a
    # SafeArray loudly; numpy.asarray(mask) is the documented way
    for kind in ("copy", "view", "readonly"):
        with pytest.raises((pa.ArrowInvalid, TypeError)):
            pa.array(as_kind(ARRAYS[dtype], kind), mask=as_kind(MASK, kind))
    same_as_numpy(lambda x, m: pa.array(x, mask=numpy.asarray(m)), ARRAYS[dtype], MASK)


def test_ndarray_with_safearray_mask(mode: str) -> None:
    # values from elsewhere (an ndarray), the mask computed with `import safearray as np`
    values = ARRAYS["float64"]
    for kind in ("copy", "view", "readonly"):
        with pytest.raises((pa.ArrowInvalid, TypeError)):
            pa.array(values, mask=as_kind(MASK, kind))
    same_as_numpy(lambda m: pa.array(values, mask=numpy.asarray(m)), MASK)


def test_table_and_record_batch(mode: str) -> None:
    def build(a: Any, b: Any, c: Any) -> Any:
        return pa.table({"a": a, "b": b, "c": c}), pa.record_batch([a, b], names=["a", "b"])

    same_as_numpy(build, ARRAYS["int64"], ARRAYS["float64"], ARRAYS["str"])


def test_chunked_array(mode: str) -> None:
    same_as_numpy(lambda x: pa.chunked_array([x, x[:2]]), ARRAYS["float64"])


@pytest.mark.parametrize("dtype", ["int64", "float64", "bool", "datetime64[ns]"])
def test_round_trip_to_numpy(mode: str, dtype: str) -> None:
    def round_trip(x: Any) -> Any:
        arrow = pa.array(x)
        return arrow.to_numpy(zero_copy_only=False), numpy.asarray(arrow)

    same_as_numpy(round_trip, ARRAYS[dtype])


def test_arrow_to_pandas(mode: str) -> None:
    same_as_numpy(
        lambda a, b, c: pa.table({"a": a, "b": b, "c": c}).to_pandas(),
        ARRAYS["int64"],
        ARRAYS["float64"],
        ARRAYS["datetime64[ns]"],
    )


def test_2d_is_refused_as_for_ndarray(mode: str) -> None:
    # Arrow arrays are 1-d: a 2-d ndarray is refused; a 2-d SafeArray is too (read as a
    # sequence of rows, which Arrow cannot convert), with Arrow's own message for a sequence
    grid = numpy.arange(6.0).reshape(2, 3)
    with pytest.raises(pa.ArrowInvalid):
        pa.array(grid)
    for kind in ("copy", "view", "readonly"):
        with pytest.raises(pa.ArrowInvalid, match="Could not convert"):
            pa.array(as_kind(grid, kind))


@pytest.mark.parametrize("dtype", ["int64", "float64", "str"])
def test_caller_cannot_be_changed_through_arrow(mode: str, dtype: str) -> None:
    # Arrow is immutable: what it hands back to NumPy is read-only or a copy, so no write
    # through Arrow reaches the caller's array, whichever way Arrow read it
    for kind in ("copy", "view", "readonly"):
        x = as_kind(ARRAYS[dtype], kind)
        before = numpy.array(x)
        arrow = pa.array(x)
        table = pa.table({"a": x})
        for back in (
            arrow.to_numpy(zero_copy_only=False),
            numpy.asarray(arrow),
            table.column("a").to_numpy(),
            table.to_pandas()["a"].to_numpy(),
        ):
            if back.flags.writeable:
                back[...] = back[0]
            else:
                with pytest.raises(ValueError):
                    back[...] = back[0]
        numpy.testing.assert_array_equal(numpy.asarray(x), before, err_msg=kind)
        assert_same(arrow, pa.array(before))


def test_arrow_of_safearray_pipeline(mode: str) -> None:
    # the whole chain written with `import safearray as np`
    prices = np.linspace(10.0, 20.0, 8)
    recent = prices[2:]                        # a View
    flagged = recent > 15                      # a Copy
    table = pa.table({"price": recent, "flag": flagged, "day": np.arange(6)})
    assert table.schema.types == [pa.float64(), pa.bool_(), pa.int64()]
    assert table.column("price").to_pylist() == numpy.asarray(recent).tolist()
    assert table.column("flag").to_pylist() == numpy.asarray(flagged).tolist()
