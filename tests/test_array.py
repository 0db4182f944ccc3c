"""The array object against NumPy: attributes, protocols, conversions, and every method."""

from __future__ import annotations

import operator
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import safearray as sa
from tests._asserts import assert_matches, assert_same_array, assert_tag_is_true
from tests.strategies import ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, NUMERIC_DTYPES, arrays

REAL_DTYPES = INT_DTYPES + FLOAT_DTYPES


@given(raw=arrays())
def test_attributes_equal_numpys(raw: np.ndarray) -> None:
    v = sa.asarray(raw)
    for name in ("shape", "dtype", "ndim", "size", "nbytes", "itemsize", "strides"):
        assert getattr(v, name) == getattr(raw, name), name
    for flag in ("c_contiguous", "f_contiguous", "writeable", "aligned"):
        assert getattr(v.flags, flag) == getattr(raw.flags, flag)
        assert v.flags[flag.upper()] == raw.flags[flag.upper()]
    assert v.device == "cpu"
    assert len(v) == len(raw) if raw.ndim else True


def test_flags_are_read_only_information() -> None:
    x = sa.zeros(3)
    for attempt in (lambda: setattr(x.flags, "writeable", False), lambda: x.flags.__setitem__("WRITEABLE", False)):
        with pytest.raises(AttributeError, match="flags are read-only information"):
            attempt()
    assert x.flags.writeable


@given(raw=arrays(min_dims=2))
def test_transposes_are_views(raw: np.ndarray) -> None:
    c = sa.array(raw)
    for result, expected in ((c.T, raw.T), (c.mT, raw.mT), (c.transpose(), raw.transpose())):
        assert isinstance(result, sa.View) and result.base is c
        assert_same_array(result, expected)
        assert_tag_is_true(result, np.asarray(c))


@given(raw=arrays(dtypes=[np.dtype("complex64"), np.dtype("complex128")]))
def test_real_and_imag_of_complex_are_views(raw: np.ndarray) -> None:
    c = sa.array(raw)
    for part in ("real", "imag"):
        result = getattr(c, part)
        assert_same_array(result, getattr(raw, part))
        assert isinstance(result, sa.View)
        assert_tag_is_true(result, np.asarray(c))


def test_real_and_imag_of_real_arrays() -> None:
    c = sa.arange(3.0)
    assert c.real is c  # NumPy returns the array itself
    imag = c.imag
    assert isinstance(imag, sa.Copy) and not imag.flags.writeable
    with pytest.raises(sa.ReadOnlyError):
        imag[0] = 1


# --------------------------------------------------------------------------------------
# conversions


@pytest.mark.parametrize("value", [np.float64(2.5), np.int32(-3), np.complex128(1 + 2j), np.bool_(True)])
def test_scalar_conversions_match_numpy(value: np.generic) -> None:
    raw = np.asarray(value)
    x = sa.asarray(raw)
    conversions: list[Callable[[Any], Any]] = [bool, complex]
    if raw.dtype.kind != "c":
        conversions += [float, int]
    if raw.dtype.kind in "iu":
        conversions += [operator.index]
    for convert in conversions:
        assert convert(x) == convert(raw)
        assert type(convert(x)) is type(convert(raw))
    assert x.item() == raw.item() and x.tolist() == raw.tolist()


@pytest.mark.parametrize("spec", ["", ".2f", "10.3e", ">8"])
def test_format_specs_on_0d_arrays(spec: str) -> None:
    raw = np.asarray(3.14159)
    assert format(sa.asarray(raw), spec) == format(raw, spec)
    assert f"{sa.asarray(raw).sum():{spec}}" == f"{raw.sum():{spec}}"


def test_bool_of_many_elements_is_numpys_error() -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        bool(sa.arange(3))


def test_index_only_for_integers() -> None:
    assert list(range(10))[sa.asarray(3)] == 3
    with pytest.raises(TypeError):
        operator.index(sa.asarray(3.5))


def test_contains_len_iter() -> None:
    x = sa.arange(4)
    assert 2 in x and 7 not in x and len(x) == 4
    with pytest.raises(TypeError, match="0-d"):
        iter(sa.asarray(3)).__next__()


# --------------------------------------------------------------------------------------
# NumPy protocols


@given(raw=arrays())
def test_array_protocol(raw: np.ndarray) -> None:
    c = sa.array(raw)
    memory = np.asarray(c)
    assert np.shares_memory(c.__array__(), memory) or raw.size == 0
    copied = c.__array__(copy=True)
    assert not np.shares_memory(copied, memory)
    assert_same_array(copied, raw)
    assert c.__array__(dtype=raw.dtype, copy=False) is memory


def test_array_protocol_dtype_change() -> None:
    c = sa.arange(3)
    converted = c.__array__(dtype=np.float32)
    assert converted.dtype == np.float32
    with pytest.raises(ValueError, match="needs a copy"):
        c.__array__(dtype=np.float32, copy=False)
    assert np.array(c, dtype=np.float32).dtype == np.float32


@given(raw=arrays(dtypes=NUMERIC_DTYPES[:-1] + [np.dtype("bool")]))
def test_dlpack_round_trip_shares_memory(raw: np.ndarray) -> None:
    if raw.dtype in (np.dtype("longdouble"), np.dtype("clongdouble")):
        return
    c = sa.array(raw)
    out = np.from_dlpack(c)
    assert_same_array(out, raw)
    assert np.shares_memory(out, np.asarray(c)) or raw.size == 0
    assert c.__dlpack_device__() == raw.__dlpack_device__()


def test_array_namespace() -> None:
    x = sa.arange(3)
    assert x.__array_namespace__() is sa.array_api
    assert x.__array_namespace__(api_version=sa.array_api.__array_api_version__) is sa.array_api
    with pytest.raises(ValueError, match="api_version='1999.01' is not supported"):
        x.__array_namespace__(api_version="1999.01")


def test_to_device() -> None:
    x = sa.arange(3)
    assert x.to_device("cpu") is x
    with pytest.raises(ValueError, match="only|must be None or 'cpu'"):
        x.to_device("gpu")


def test_direct_construction_is_refused() -> None:
    for cls in (sa.SafeArray, sa.View, sa.Copy):
        with pytest.raises(TypeError, match="cannot be instantiated directly; use safearray.asarray"):
            cls(np.zeros(3))


def test_pickle_and_copy_give_copies() -> None:
    import copy

    data = sa.arange(6.0)
    for clone in (pickle.loads(pickle.dumps(data[1:4])), copy.copy(data[1:4]), copy.deepcopy(data[1:4])):
        assert isinstance(clone, sa.Copy)
        assert clone.tolist() == [1.0, 2.0, 3.0]


# --------------------------------------------------------------------------------------
# repr


def test_repr_shows_the_tag_and_the_base() -> None:
    c = sa.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert repr(c) == "Copy([1., 2., 3., 4., 5.])"
    assert repr(c[1:3]) == "View([2., 3.], base=Copy(shape=(5,), dtype=float64))"
    raw = np.arange(3, dtype=np.int8)
    assert repr(sa.asarray(raw)) == "View([0, 1, 2], dtype=int8, base=ndarray(shape=(3,), dtype=int8))"
    two = sa.arange(6).reshape(2, 3)
    assert repr(two) == (
        "View([[0, 1, 2],\n      [3, 4, 5]], base=Copy(shape=(6,), dtype=int64))"
    )
    assert str(c) == str(np.asarray(c))
    buffer_view = sa.frombuffer(b"\x00\x01", dtype=np.uint8)
    assert repr(buffer_view).endswith("base=<bytes buffer>)")


# --------------------------------------------------------------------------------------
# reshape, astype, view, copy


@given(raw=arrays(min_dims=1), order=st.sampled_from(["C", "F", "A"]))
def test_reshape_is_a_view_exactly_when_numpy_avoids_the_copy(raw: np.ndarray, order: str) -> None:
    c = sa.array(raw)
    memory = np.asarray(c)
    expected = memory.reshape(-1, order=order)
    result = c.reshape(-1, order=order)
    assert_same_array(result, expected)
    assert_tag_is_true(result, memory)
    assert isinstance(result, sa.View) == np.shares_memory(expected, memory) or raw.size == 0
    forced = c.reshape(-1, order=order, copy=True)
    assert isinstance(forced, sa.Copy)
    assert_tag_is_true(forced, memory)
    if isinstance(result, sa.Copy):
        with pytest.raises(sa.CopyRequiredError, match="copy=False"):
            c.reshape(-1, order=order, copy=False)
    else:
        assert isinstance(c.reshape(-1, order=order, copy=False), sa.View)


def test_reshape_argument_forms_and_errors() -> None:
    c = sa.arange(6)
    assert c.reshape(2, 3).shape == c.reshape((2, 3)).shape == (2, 3)
    with pytest.raises(ValueError):
        c.reshape(4, 2)
    with pytest.raises(TypeError, match="copy=1 is not allowed"):
        c.reshape(6, copy=1)
    with pytest.raises(ValueError, match="order='K' is not a memory order; use one of 'C', 'F', 'A'"):
        c.reshape(6, order="K")


@given(raw=arrays(dtypes=REAL_DTYPES), target=st.sampled_from(REAL_DTYPES))
def test_astype(raw: np.ndarray, target: np.dtype[Any]) -> None:
    c = sa.array(raw)
    with np.errstate(all="ignore"):
        result = c.astype(target)
        expected = raw.astype(target)
    assert isinstance(result, sa.Copy)
    assert_same_array(result, expected)
    same = c.astype(raw.dtype, copy=False)
    assert same is c


@given(raw=arrays(min_dims=1, dtypes=REAL_DTYPES))
def test_view_and_copy(raw: np.ndarray) -> None:
    c = sa.array(raw)
    memory = np.asarray(c)
    v = c.view()
    assert isinstance(v, sa.View) and v.base is c
    assert_tag_is_true(v, memory)
    if raw.flags.c_contiguous and raw.dtype.itemsize == 8 and raw.size:
        reinterpreted = c.view(np.uint8)
        assert_same_array(reinterpreted, memory.view(np.uint8))
        assert isinstance(reinterpreted, sa.View)
    for order in ("K", "C", "F", "A"):
        k = c.copy(order=order)
        assert isinstance(k, sa.Copy)
        assert_same_array(k, raw)
        assert_tag_is_true(k, memory)
    flat = c.flatten()
    assert isinstance(flat, sa.Copy)
    assert_same_array(flat, raw.flatten())


# --------------------------------------------------------------------------------------
# every ndarray method that returns arrays, against NumPy

Args = Callable[[np.ndarray], tuple[Any, ...]]
METHODS: dict[str, tuple[Args, int]] = {  # name: (argument builder, minimum ndim)
    "all": (lambda a: (), 0),
    "any": (lambda a: (), 0),
    "argmax": (lambda a: (), 0),
    "argmin": (lambda a: (), 0),
    "argpartition": (lambda a: (0,), 1),
    "argsort": (lambda a: (), 0),
    "choose": (lambda a: ([a, a],), 0),
    "clip": (lambda a: (1, 3), 0),
    "compress": (lambda a: ([True] * a.shape[0], 0), 1),
    "conj": (lambda a: (), 0),
    "conjugate": (lambda a: (), 0),
    "copy": (lambda a: (), 0),
    "cumprod": (lambda a: (), 0),
    "cumsum": (lambda a: (), 0),
    "diagonal": (lambda a: (), 2),
    "dot": (lambda a: (np.ones(a.shape[-1], a.dtype),), 1),
    "flatten": (lambda a: (), 0),
    "max": (lambda a: (), 0),
    "mean": (lambda a: (), 0),
    "min": (lambda a: (), 0),
    "nonzero": (lambda a: (), 1),
    "prod": (lambda a: (), 0),
    "ravel": (lambda a: (), 0),
    "repeat": (lambda a: (2,), 0),
    "reshape": (lambda a: (-1,), 0),
    "round": (lambda a: (1,), 0),
    "searchsorted": (lambda a: (1,), 1),
    "squeeze": (lambda a: (), 0),
    "std": (lambda a: (), 0),
    "sum": (lambda a: (), 0),
    "swapaxes": (lambda a: (0, -1), 1),
    "take": (lambda a: ([0],), 0),
    "tobytes": (lambda a: (), 0),
    "tolist": (lambda a: (), 0),
    "trace": (lambda a: (), 2),
    "transpose": (lambda a: (), 0),
    "var": (lambda a: (), 0),
    "view": (lambda a: (), 0),
    "astype": (lambda a: (np.float64,), 0),
    "getfield": (lambda a: (a.dtype, 0), 0),
    "item": (lambda a: (0,), 0),
}


@pytest.mark.parametrize("name", sorted(METHODS))
@given(data=st.data())
def test_methods_against_numpy(name: str, data: st.DataObject) -> None:
    build, min_dims = METHODS[name]
    raw = data.draw(arrays(dtypes=REAL_DTYPES, min_dims=min_dims, min_side=1))
    if name == "searchsorted":
        raw = np.sort(raw.ravel())
    if name == "choose":  # an index array into the two choices
        raw = (raw % 2 != 0).astype(np.intp)
    owner = data.draw(st.sampled_from(["copy", "view"]))
    tagged = sa.array(raw) if owner == "copy" else sa.asarray(raw)
    memory = np.asarray(tagged)
    args = build(memory)
    tagged_args = tuple(sa.asarray(x) if isinstance(x, np.ndarray) else x for x in args)
    with np.errstate(all="ignore"):
        expected = getattr(memory, name)(*args)
        result = getattr(tagged, name)(*tagged_args)
    if expected is memory:  # NumPy returned the array itself (conj of a real array, ...)
        assert result is tagged
        return
    if name in PYTHON_VALUES:  # they exist to leave the array world: returned as NumPy does
        assert type(result) is type(expected) and result == expected
        return
    assert_matches(result, expected, memory)


PYTHON_VALUES = {"item", "tolist", "tobytes"}


def test_every_array_returning_method_has_a_row() -> None:
    public = {m for m in dir(np.ndarray) if not m.startswith("_") and callable(getattr(np.ndarray, m))}
    in_place = {"fill", "partition", "put", "resize", "setfield", "setflags", "sort", "byteswap"}
    other = {"dump", "dumps", "tofile", "to_device"}
    assert public - in_place - other - set(METHODS) == set()


@given(raw=arrays(dtypes=ALL_DTYPES))
def test_byteswap_copy(raw: np.ndarray) -> None:
    if raw.dtype.kind == "O":
        return
    c = sa.array(raw)
    swapped = c.byteswap()
    assert isinstance(swapped, sa.Copy)
    assert_same_array(swapped, raw.byteswap())


def test_flat_reads_like_numpy_and_writes_only_into_copies() -> None:
    raw = np.arange(6).reshape(2, 3)
    c = sa.array(raw)
    assert list(c.flat) == list(raw.flat)
    c.flat[0] = 9
    assert int(c[0, 0]) == 9
    view = c[1:]
    assert list(view.flat) == [3, 4, 5]
    with pytest.raises(ValueError, match="read-only"):
        view.flat[0] = 1  # a write the policy could not judge: use view[...] = v
    assert int(c[1, 0]) == 3
