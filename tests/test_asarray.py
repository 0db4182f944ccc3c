"""sa.asarray and sa.array: every parameter's valid and invalid values, and truthful tags."""

from __future__ import annotations

import array
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import safearray as sa
from safearray import _validate
from tests._asserts import assert_same_array, assert_tag_is_true
from tests.strategies import ALL_DTYPES, TIME_UNITS, arrays

# --------------------------------------------------------------------------------------
# copy


@pytest.mark.parametrize("bad", [0, 1, "yes", "never", 1.0, np.True_, [], object()])
@pytest.mark.parametrize("func", [sa.asarray, sa.array])
def test_copy_accepts_only_true_false_none(func: Any, bad: object) -> None:
    with pytest.raises(TypeError, match=r"copy=.* is not allowed: copy must be True .*, False .* or None"):
        func([1, 2], copy=bad)


@given(raw=arrays())
def test_copy_none_wraps_an_ndarray_without_copying(raw: np.ndarray) -> None:
    v = sa.asarray(raw)
    assert isinstance(v, sa.View)
    assert_same_array(v, raw)
    assert_tag_is_true(v, raw)
    root = raw if raw.base is None else raw.base
    assert v.base is root


@given(raw=arrays(), func=st.sampled_from([sa.asarray, sa.array]))
def test_copy_true_always_copies(raw: np.ndarray, func: Any) -> None:
    c = func(raw, copy=True)
    assert isinstance(c, sa.Copy)
    assert_same_array(c, raw)
    assert_tag_is_true(c, raw)
    c2 = func(sa.asarray(raw), copy=True)
    assert isinstance(c2, sa.Copy)
    assert_tag_is_true(c2, raw)


@given(raw=arrays())
def test_copy_false_never_copies(raw: np.ndarray) -> None:
    v = sa.asarray(raw, copy=False)
    assert isinstance(v, sa.View) and v.base is not None
    assert_tag_is_true(v, raw)
    assert sa.array(raw, copy=False).base is v.base


@pytest.mark.parametrize(
    "obj, kwargs, reason",
    [
        ([1, 2, 3], {}, r"the input is a list, not an array"),
        (np.arange(3), {"dtype": "float64"}, r"changing the dtype from int64 to float64 needs a copy"),
        (np.arange(6).reshape(2, 3).T, {"order": "C"}, r"not C-contiguous"),
        (np.arange(6).reshape(2, 3), {"order": "F"}, r"not Fortran-contiguous"),
        (3.5, {}, r"the input is a float"),
    ],
)
def test_copy_false_says_why_a_copy_is_needed(obj: Any, kwargs: dict[str, Any], reason: str) -> None:
    with pytest.raises(sa.CopyRequiredError, match=reason) as info:
        sa.asarray(obj, copy=False, **kwargs)
    assert isinstance(info.value, ValueError)
    with pytest.raises(sa.CopyRequiredError, match=reason):
        sa.asarray(sa.asarray(obj) if isinstance(obj, np.ndarray) else obj, copy=False, **kwargs)


def test_asarray_of_a_safearray_needing_no_change_is_the_same_object() -> None:
    c = sa.arange(4)
    assert sa.asarray(c) is c
    assert sa.asarray(c, dtype=c.dtype, copy=None) is c
    assert sa.asarray(c, copy=False) is c
    v = c[1:]
    assert sa.asarray(v) is v
    changed = sa.asarray(c, dtype=np.float32)
    assert isinstance(changed, sa.Copy) and changed.dtype == np.float32


@pytest.mark.parametrize("obj", [[1.0, 2.0], (1, 2), 3, 2.5, 1j, True, [[1, 2], [3, 4]], "text", b"by"])
def test_python_objects_give_copies(obj: Any) -> None:
    c = sa.asarray(obj)
    assert isinstance(c, sa.Copy)
    assert_same_array(c, np.asarray(obj))


@pytest.mark.parametrize(
    "make",
    [
        lambda: bytearray(b"\x01\x02\x03\x04"),
        lambda: memoryview(bytearray(8)),
        lambda: array.array("d", [1.0, 2.0]),
    ],
)
def test_buffers_needing_no_change_are_views_of_the_buffer(make: Any) -> None:
    buf = make()
    v = sa.asarray(buf)
    assert isinstance(v, sa.View)
    expected = np.asarray(buf)
    assert_same_array(v, expected)
    with sa.policy("allow"):
        v[0] = 9
    assert np.asarray(buf)[0] == 9  # the write reached the caller's buffer


def test_nested_safearrays_in_lists_are_copied() -> None:
    c = sa.asarray([sa.arange(2), sa.arange(2)])
    assert isinstance(c, sa.Copy) and c.shape == (2, 2)


# --------------------------------------------------------------------------------------
# dtype


DTYPE_NAMES = [
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128", "bool", "str_", "U", "bytes_", "S",
    "object", "longdouble", "clongdouble",
] + [f"datetime64[{u}]" for u in TIME_UNITS] + [f"timedelta64[{u}]" for u in TIME_UNITS]
if hasattr(np, "float128"):
    DTYPE_NAMES += ["float128", "complex256"]


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_every_dtype_name_works(name: str) -> None:
    values = [1, 0] if not name.startswith(("datetime", "timedelta")) else [1, 2]
    c = sa.asarray(values, dtype=name)
    assert_same_array(c, np.asarray(values, dtype=name))  # flexible types get NumPy's size


@pytest.mark.parametrize("dtype", ALL_DTYPES + [np.float32, float, int, complex, bool, str, object])
def test_dtype_objects_and_types(dtype: Any) -> None:
    c = sa.array([1], dtype=dtype)
    assert_same_array(c, np.array([1], dtype=dtype))


@pytest.mark.parametrize(
    "bad, message",
    [
        ("flaot32", r"did you mean 'float32'"),
        ("in64", r"did you mean .*'int64'"),
        ("unicode_", r"`unicode_` was removed in NumPy 2.0; use `str_`"),
        ("float_", r"use `float64`"),
        ("complex_", r"use `complex128`"),
        ("string_", r"use `bytes_`"),
        ("cfloat", r"use `complex128`"),
        ("np.float_", r"use `float64`"),
        ("datetime64[fortnight]", r"not a NumPy data type"),
        (3.5, r"not a NumPy data type"),
    ],
)
def test_unknown_dtypes_suggest_valid_names(bad: Any, message: str) -> None:
    for func in (sa.asarray, sa.array):
        with pytest.raises(sa.DTypeError, match=message) as info:
            func([1, 2], dtype=bad)
        assert isinstance(info.value, TypeError) and "dtype=" in str(info.value)


def test_extended_precision_missing_on_the_platform_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    real = np.dtype

    def no_float128(d: Any, *args: Any, **kwargs: Any) -> Any:
        if d in ("float128", "complex256"):
            raise TypeError(f"data type {d!r} not understood")
        return real(d, *args, **kwargs)

    monkeypatch.setattr(_validate.np, "dtype", no_float128)
    with pytest.raises(sa.DTypeError, match=r"not available on this platform.*longdouble"):
        sa.asarray([1.0], dtype="float128")
    with pytest.raises(sa.DTypeError, match=r"clongdouble"):
        sa.asarray([1.0], dtype="complex256")


# --------------------------------------------------------------------------------------
# order, device, like, ndmin


@pytest.mark.parametrize("order", ["K", "A", "C", "F", "k", "a", "c", "f", None])
def test_orders(order: str | None) -> None:
    raw = np.arange(6.0).reshape(2, 3)
    c = sa.asarray(raw, order=order)
    expected = np.asarray(raw, order=order)
    assert_same_array(c, expected)
    assert c.flags.c_contiguous == expected.flags.c_contiguous
    assert c.flags.f_contiguous == expected.flags.f_contiguous
    assert_tag_is_true(c, raw)


@pytest.mark.parametrize("bad", ["X", "CF", "", "row", 1, True])
def test_bad_orders_list_the_valid_ones(bad: Any) -> None:
    for func in (sa.asarray, sa.array):
        with pytest.raises(ValueError, match=r"order=.* is not a memory order; use one of 'K', 'A', 'C', 'F'"):
            func([1], order=bad)


@pytest.mark.parametrize("device", [None, "cpu", np.arange(2).device, sa.arange(2).device])
def test_cpu_devices(device: Any) -> None:
    assert sa.asarray([1, 2], device=device).device == "cpu"


@pytest.mark.parametrize("bad", ["gpu", "cuda:0", 0, "CPU"])
def test_other_devices_are_refused(bad: Any) -> None:
    with pytest.raises(ValueError, match=r"device=.* is not supported: .* must be None or 'cpu'"):
        sa.asarray([1, 2], device=bad)


class Recorder:
    """A minimal NEP 35 array type: records the call and answers with a marker."""

    calls: list[Any] = []

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        Recorder.calls.append(func)
        return "dispatched"


def test_like_a_safearray_gives_a_safearray() -> None:
    c = sa.asarray([1, 2], like=sa.zeros(1))
    assert isinstance(c, sa.Copy)
    c2 = sa.array([1, 2], like=sa.zeros(1))
    assert isinstance(c2, sa.Copy)


def test_like_another_array_type_is_dispatched_as_numpy_does() -> None:
    Recorder.calls.clear()
    assert sa.asarray([1, 2], like=Recorder()) == "dispatched"
    assert Recorder.calls and Recorder.calls[0].__name__ == "asarray"
    assert isinstance(sa.asarray([1, 2], like=np.zeros(1)), np.ndarray)


@pytest.mark.parametrize("bad", [1, "numpy", [1, 2], object()])
def test_like_without_array_function_is_a_type_error(bad: Any) -> None:
    with pytest.raises(TypeError, match=r"like= must be None or an array object implementing __array_function__"):
        sa.asarray([1], like=bad)


@pytest.mark.parametrize("ndmin", [0, 1, 2, 5])
def test_ndmin(ndmin: int) -> None:
    c = sa.array([1, 2], ndmin=ndmin)
    assert_same_array(c, np.array([1, 2], ndmin=ndmin))


@pytest.mark.parametrize("bad, exc", [(-1, ValueError), (65, ValueError), (1.5, TypeError), ("2", TypeError), (True, TypeError)])
def test_bad_ndmin(bad: Any, exc: type[Exception]) -> None:
    with pytest.raises(exc, match="ndmin="):
        sa.array([1], ndmin=bad)


def test_bad_input_leaves_nothing_half_made() -> None:
    raw = np.arange(3)
    before = (raw.flags.writeable, raw.base, raw.tolist())
    for kwargs in ({"copy": 1}, {"dtype": "nope"}, {"order": "Z"}, {"device": "gpu"}, {"like": 3}):
        with pytest.raises((TypeError, ValueError)):
            sa.asarray(raw, **kwargs)
    assert (raw.flags.writeable, raw.base, raw.tolist()) == before


# --------------------------------------------------------------------------------------
# readonly and memory queries


@given(raw=arrays())
def test_readonly_views_of_ndarrays_and_safearrays(raw: np.ndarray) -> None:
    for ro in (sa.readonly(raw), sa.readonly(sa.array(raw)), sa.array(raw).readonly()):
        assert isinstance(ro, sa.View) and not ro.flags.writeable
        assert_same_array(ro, raw)
    assert raw.flags.writeable or raw.base is not None


def test_readonly_refuses_other_objects() -> None:
    with pytest.raises(TypeError, match="readonly\\(\\) takes a SafeArray or a numpy.ndarray"):
        sa.readonly([1, 2])


def test_shares_memory_accepts_both_kinds() -> None:
    raw = np.arange(10)
    v = sa.asarray(raw)
    assert sa.shares_memory(v[2:], raw) and sa.shares_memory(raw, v)
    assert not sa.shares_memory(v[::2], v[1::2])
    assert sa.may_share_memory(v[::2], v[1::2])
    assert not sa.shares_memory(sa.array(raw), raw)


def test_creation_errors_pickle() -> None:
    try:
        sa.asarray([1], copy=False)
    except sa.CopyRequiredError as exc:
        again = pickle.loads(pickle.dumps(exc))
        assert type(again) is sa.CopyRequiredError and str(again) == str(exc)
