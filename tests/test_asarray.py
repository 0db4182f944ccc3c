"""sa.asarray and sa.array against np.asarray and np.array.

* generated arrays (every dtype and layout of tests/strategies.py) given as an ndarray, a
  Copy, a View, a memoryview or a nested list, with generated ``dtype``, ``order``,
  ``copy`` and ``ndmin``: values, dtype, shape and layout equal NumPy's; the tag equals
  ``np.shares_memory`` ground truth; ``.base`` is the memory owner; where NumPy raises,
  safearray raises the same class (``copy=False`` gives CopyRequiredError saying why);
* every parameter's valid and invalid values as parametrized rows;
* dtypes: every name, removed NumPy 1 aliases, extended precision missing on a platform;
* buffers, foreign array objects, ndarray subclasses, ``like=`` (NEP 35);
* readonly() and the memory queries.
"""

from __future__ import annotations

import array
import contextlib
import mmap
import pickle
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import safearray as sa
from tests._asserts import outcome, owner_of, assert_same_array, assert_tag_is_true, base_is, memory_of
from tests.strategies import ALL_DTYPES, EVERY_LAYOUT, TIME_DTYPES, TIME_UNITS, arrays

ORDERS = [None, "K", "A", "C", "F", "k", "a", "c", "f"]
COPIES = [None, True, False]


def buffer_owner(a: np.ndarray) -> object:
    """Like :func:`owner_of`, and through the memoryviews NumPy wraps buffers in."""
    b = owner_of(a)
    while isinstance(b, memoryview):
        b = b.obj
        if isinstance(b, np.ndarray):
            b = owner_of(b)
    return b


def numpy_shares(expected: np.ndarray, memory: np.ndarray | None) -> bool:
    """Whether NumPy's own result uses ``memory``; for empty arrays, by the base chain."""
    if memory is None:
        return False
    if expected.size == 0:
        return expected is memory or buffer_owner(expected) is buffer_owner(memory)
    return bool(np.shares_memory(expected, memory))


def expected_reason(obj: Any, memory: np.ndarray | None, dtype: Any, order: str | None) -> str:
    """The reason CopyRequiredError must give for this request."""
    if memory is None:
        return rf"the input is a {type(obj).__name__}, not an array"
    if dtype is not None and np.dtype(dtype) != memory.dtype:
        return re.escape(f"changing the dtype from {memory.dtype} to {np.dtype(dtype)} needs a copy")
    if order in ("C", "c"):
        return "not C-contiguous"
    if order in ("F", "f"):
        return "not Fortran-contiguous"
    return "cannot avoid"


def make_input(raw: np.ndarray, form: str) -> tuple[Any, np.ndarray | None, np.ndarray | None, Any]:
    """``(obj, what NumPy is given, the memory obj uses, the base Views of it must have)``."""
    if form == "Copy":
        obj = sa.array(raw)
        memory = memory_of(obj)
        return obj, memory, memory, obj
    if form == "View":
        obj = sa.asarray(raw)
        return obj, raw, raw, owner_of(raw)
    if form == "memoryview":
        try:
            mv = memoryview(raw)
        except (ValueError, TypeError, BufferError):  # datetimes and objects export no buffer
            return raw, raw, raw, owner_of(raw)
        return mv, mv, raw, mv  # type: ignore[return-value]
    if form == "list":
        obj = raw.tolist()
        return obj, obj, None, None
    return raw, raw, raw, owner_of(raw)


def check_against_numpy(func: Any, np_func: Any, raw: np.ndarray, form: str, kwargs: dict[str, Any]) -> None:
    obj, given, memory, base = make_input(raw, form)
    with contextlib.suppress(Exception):  # outside hypothesis there is nothing to note
        note(f"form={form} raw.shape={raw.shape} strides={raw.strides} dtype={raw.dtype} kwargs={kwargs}")
    ok, expected = outcome(np_func, given, **kwargs)
    got, result = outcome(func, obj, **kwargs)
    if not ok:
        assert not got, f"NumPy raised {expected!r}, safearray returned {result!r}"
        assert isinstance(result, type(expected)), (result, expected)
        if "Unable to avoid copy" in str(expected):
            assert isinstance(result, sa.CopyRequiredError)
            assert re.search(expected_reason(obj, memory, kwargs.get("dtype"), kwargs.get("order")), str(result))
        return
    if not got:
        raise AssertionError(f"safearray raised {result!r}, NumPy returned {expected!r}")
    assert isinstance(expected, np.ndarray)
    assert_same_array(result, expected)
    for flag in ("c_contiguous", "f_contiguous", "writeable"):
        assert getattr(result.flags, flag) == getattr(expected.flags, flag), flag
    if expected is memory and isinstance(obj, sa.SafeArray):
        assert result is obj, "a SafeArray needing no change comes back itself"
        return
    shares = numpy_shares(expected, memory)
    assert isinstance(result, sa.View) == shares, "the tag must follow NumPy's memory"
    if memory is not None:
        assert_tag_is_true(result, memory)
    if not shares:
        assert result.base is None
        return
    assert base_is(result, base), (result.base, base)
    if expected is given:  # NumPy handed back the caller's own ndarray: so does the View
        assert memory_of(result) is given


@given(
    raw=arrays(layouts=EVERY_LAYOUT, special=True),
    form=st.sampled_from(["ndarray", "Copy", "View", "memoryview", "list"]),
    dtype=st.none() | st.sampled_from(ALL_DTYPES) | st.sampled_from(["U", "S", "M8", "m8", "O"]),
    order=st.sampled_from(ORDERS),
    copy=st.sampled_from(COPIES),
)
def test_asarray_against_numpy(raw: np.ndarray, form: str, dtype: Any, order: Any, copy: Any) -> None:
    check_against_numpy(sa.asarray, np.asarray, raw, form, {"dtype": dtype, "order": order, "copy": copy})


@given(
    raw=arrays(layouts=EVERY_LAYOUT),
    form=st.sampled_from(["ndarray", "Copy", "View", "memoryview", "list"]),
    dtype=st.none() | st.sampled_from(ALL_DTYPES),
    order=st.sampled_from(ORDERS),
    copy=st.sampled_from(COPIES),
    ndmin=st.integers(0, 4),
)
def test_array_against_numpy(raw: np.ndarray, form: str, dtype: Any, order: Any, copy: Any, ndmin: int) -> None:
    kwargs = {"dtype": dtype, "copy": copy, "ndmin": ndmin}
    if order is not None:  # np.array(order=None) means "K" as well, but spell it
        kwargs["order"] = order
    check_against_numpy(sa.array, np.array, raw, form, kwargs)


@given(raw=arrays(dtypes=TIME_DTYPES, layouts=EVERY_LAYOUT), target=st.sampled_from(TIME_DTYPES + [None]))
def test_every_time_unit_against_numpy(raw: np.ndarray, target: Any) -> None:
    for form in ("ndarray", "Copy"):
        for copy in COPIES:
            check_against_numpy(sa.asarray, np.asarray, raw, form, {"dtype": target, "copy": copy})


# --------------------------------------------------------------------------------------
# every parameter: valid values (against NumPy) and invalid ones (exception and message)


RAW = np.arange(6.0).reshape(2, 3)

#: (parameter, value): each valid value, run on a list, an ndarray and a Copy.
VALID = [
    *[("copy", c) for c in COPIES],
    *[("order", o) for o in ORDERS],
    *[("dtype", d) for d in [None, "float64", "f4", np.int16, float, "complex128", "U", "S", "O", "<f8", ">i4",
                             np.dtype("uint8"), "longdouble", "clongdouble", "M8[s]", "m8[ms]", bool, "bool"]],
    *[("device", d) for d in [None, "cpu", RAW.device, sa.zeros(1).device]],
]


@pytest.mark.parametrize("param, value", VALID, ids=[f"{p}={v!r}" for p, v in VALID])
@pytest.mark.parametrize("form", ["list", "ndarray", "Copy"])
def test_valid_parameter_values(param: str, value: Any, form: str) -> None:
    raw = RAW.T.copy() if form == "list" else RAW.T  # Fortran-ordered: every order matters
    if value is not None and param == "dtype" and np.dtype(value).kind in "Mm":
        raw = raw.astype(np.int64)
    check_against_numpy(sa.asarray, np.asarray, raw, form, {param: value})
    if param != "device":
        check_against_numpy(sa.array, np.array, raw, form, {param: value})


@pytest.mark.parametrize("ndmin", [0, 1, 2, 5, 64, np.int8(3)])
@pytest.mark.parametrize("form", ["list", "ndarray", "Copy"])
def test_ndmin_values(ndmin: Any, form: str) -> None:
    for copy in COPIES:
        check_against_numpy(sa.array, np.array, RAW[:, 1:], form, {"ndmin": ndmin, "copy": copy})


COPY_MESSAGE = r"copy=.* is not allowed: copy must be True \(always copy\), False \(.*\) or None \(.*\)"
DTYPE_MESSAGE = r"dtype=.* is not a NumPy data type"
ORDER_MESSAGE = r"order=.* is not a memory order; use one of 'K', 'A', 'C', 'F' or None"
DEVICE_MESSAGE = r"device=.* is not supported: .*host memory.* must be None or 'cpu'"
LIKE_MESSAGE = r"like= must be None or an array object implementing __array_function__ \(NEP 35\), got .*"

#: (functions, kwargs, exception class, message regex)
INVALID: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    *[("both", {"copy": bad}, sa.SafeArrayTypeError, COPY_MESSAGE)
      for bad in [0, 1, 2, -1, 1.0, 0.0, "yes", "never", "", "True", np.True_, np.False_, np.int8(1), [], (), object()]],
    ("both", {"dtype": "flaot32"}, sa.DTypeError, r"dtype='flaot32' is not a NumPy data type; did you mean 'float32'"),
    ("both", {"dtype": "in64"}, sa.DTypeError, r"did you mean .*'int64'"),
    ("both", {"dtype": "Float64"}, sa.DTypeError, r"did you mean 'float64'"),
    ("both", {"dtype": "boolean"}, sa.DTypeError, r"did you mean .*'bool'"),
    ("both", {"dtype": "datetime64[fortnight]"}, sa.DTypeError, DTYPE_MESSAGE),
    ("both", {"dtype": "xyzzy"}, sa.DTypeError, DTYPE_MESSAGE + r" \(.*\); use a name such as 'float64'"),
    ("both", {"dtype": 3.5}, sa.DTypeError, DTYPE_MESSAGE),
    ("both", {"dtype": [1, 2]}, sa.DTypeError, DTYPE_MESSAGE),
    ("both", {"dtype": object()}, sa.DTypeError, DTYPE_MESSAGE),
    ("both", {"dtype": "float96"}, sa.DTypeError, r"'float96' is not available on this platform.*use float64 or longdouble"),
    ("both", {"dtype": "complex192"}, sa.DTypeError, r"not available on this platform.*clongdouble"),
    *[("both", {"order": bad}, sa.SafeArrayValueError, ORDER_MESSAGE)
      for bad in ["X", "CF", "", "row", "fortran", "KK", 1, 0, True, b"C", ["C"]]],
    *[("asarray", {"device": bad}, sa.SafeArrayValueError, DEVICE_MESSAGE)
      for bad in ["gpu", "cuda:0", "CPU", "cpu:0", "", 0, 1, True, ("cpu",), np.array(["cpu"])]],
    *[("both", {"like": bad}, sa.SafeArrayTypeError, LIKE_MESSAGE)
      for bad in [1, "numpy", [1, 2], (1,), object(), np.float64(1.0), memoryview(b"ab"), np.ndarray]],
    *[("array", {"ndmin": bad}, sa.SafeArrayValueError, r"ndmin=.* is out of range: it must be between 0 and 64")
      for bad in [-1, 65, 1000, np.int64(-2)]],
    *[("array", {"ndmin": bad}, sa.SafeArrayTypeError, r"ndmin=.* must be an int between 0 and 64")
      for bad in [1.5, 2.0, "2", None, True, [2]]],
]


def funcs_for(which: str) -> list[Any]:
    return {"both": [sa.asarray, sa.array], "asarray": [sa.asarray], "array": [sa.array]}[which]


@pytest.mark.parametrize(
    "which, kwargs, exc, message", INVALID, ids=[f"{w}-{next(iter(k))}={next(iter(k.values()))!r}" for w, k, _, __ in INVALID]
)
def test_invalid_parameter_values(which: str, kwargs: dict[str, Any], exc: type[Exception], message: str) -> None:
    """Each bad value raises the documented class with a message naming the parameter and
    the valid choices, for every kind of input, and leaves the input as it was."""
    raw = np.arange(6.0)[::2]
    tagged_view = sa.asarray(raw)
    before = (raw.tolist(), raw.flags.writeable, raw.base is not None, raw.strides)
    for func in funcs_for(which):
        for obj in ([1.0, 2.0], raw, tagged_view, sa.array(raw), bytearray(8)):
            with pytest.raises(exc, match=message) as info:
                func(obj, **kwargs)
            builtin = TypeError if issubclass(exc, TypeError) else ValueError
            assert isinstance(info.value, builtin) and isinstance(info.value, sa.SafeArrayError)
    assert (raw.tolist(), raw.flags.writeable, raw.base is not None, raw.strides) == before
    assert tagged_view.base is owner_of(raw) and tagged_view.flags.writeable


@pytest.mark.parametrize(
    "obj, kwargs, reason",
    [
        ([1, 2, 3], {}, r"the input is a list, not an array"),
        ((1, 2), {}, r"the input is a tuple, not an array"),
        (3.5, {}, r"the input is a float, not an array"),
        (np.float64(3.5), {}, r"the input is a float64, not an array"),
        (np.arange(3), {"dtype": "float64"}, r"changing the dtype from int64 to float64 needs a copy"),
        (np.arange(3), {"dtype": ">i8"}, r"changing the dtype from int64 to >i8 needs a copy"),
        (np.arange(6).reshape(2, 3).T, {"order": "C"}, r"the array is not C-contiguous, as order='C' requires"),
        (np.arange(6)[::2], {"order": "c"}, r"not C-contiguous"),
        (np.arange(6).reshape(2, 3), {"order": "F"}, r"the array is not Fortran-contiguous, as order='F' requires"),
        (bytearray(8), {"dtype": "float64"}, r"changing the dtype from uint8 to float64 needs a copy"),
        (array.array("d", [1.0, 2.0]), {"dtype": "float32"}, r"changing the dtype from float64 to float32"),
    ],
    ids=repr,
)
def test_copy_false_says_why_a_copy_is_needed(obj: Any, kwargs: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValueError, match="Unable to avoid copy"):
        np.asarray(obj, copy=False, **kwargs)  # NumPy agrees that a copy is needed
    inputs = [obj] + ([sa.asarray(obj), sa.asarray(obj).T.T] if isinstance(obj, np.ndarray) else [])
    if isinstance(obj, np.ndarray) and "dtype" in kwargs:  # a Copy is contiguous: only the dtype matters
        inputs.append(sa.array(obj))
    for given in inputs:
        for func in (sa.asarray, sa.array):
            with pytest.raises(sa.CopyRequiredError, match=r"^copy=False: .*" + reason) as info:
                func(given, copy=False, **kwargs)
            assert isinstance(info.value, ValueError)
            assert isinstance(info.value.__cause__, ValueError)  # NumPy's own error is kept


def test_copy_true_on_a_safearray_fast_paths() -> None:
    """The shortcuts for ``asarray(x, copy=True)`` give what the general path gives."""
    raw = np.arange(12.0).reshape(3, 4).T[::-1]
    for given in (raw, sa.asarray(raw), sa.array(raw), sa.array(raw)[...]):
        c = sa.asarray(given, copy=True)
        expected = np.asarray(raw, copy=True)
        assert isinstance(c, sa.Copy) and c.base is None
        assert_same_array(c, expected)
        assert c.strides == expected.strides
        assert not np.shares_memory(np.asarray(c), raw)


# --------------------------------------------------------------------------------------
# dtype


DTYPE_NAMES = [
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "intp", "uintp",
    "float16", "float32", "float64", "complex64", "complex128", "bool", "bool_", "str_", "U", "U7", "bytes_", "S",
    "S3", "object", "object_", "longdouble", "clongdouble", "half", "single", "double", "csingle", "cdouble",
    "i1", "u8", "f2", "c8", "?", "b", "B", "h", "l", "q", "e", "d", "g", "G", "O", "M8", "m8",
    "datetime64", "timedelta64",
] + [f"datetime64[{u}]" for u in TIME_UNITS] + [f"timedelta64[{u}]" for u in TIME_UNITS] + [
    f"M8[5{u}]" for u in ("s", "ms")
]
if hasattr(np, "float128"):
    DTYPE_NAMES += ["float128", "complex256", "f16", "c32"]


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_every_dtype_name_works_as_numpy_does(name: str) -> None:
    values: Any = ["2001-01-01", "2002-02-02"] if name.startswith(("datetime", "M8")) else [1, 0]
    for func, np_func in ((sa.asarray, np.asarray), (sa.array, np.array)):
        ok, expected = outcome(np_func, values, dtype=name)
        got, result = outcome(func, values, dtype=name)
        assert ok == got, (expected, result)
        if ok:
            assert isinstance(result, sa.Copy)
            assert_same_array(result, expected)  # flexible types get NumPy's size and unit
        else:
            assert type(result) is type(expected) and str(result) == str(expected)


@pytest.mark.parametrize(
    "dtype", ALL_DTYPES + TIME_DTYPES + [np.float32, np.float16, np.longdouble, np.clongdouble, np.bytes_, np.str_,
                                         np.datetime64, np.timedelta64, float, int, complex, bool, str, bytes, object],
    ids=str,
)
def test_dtype_objects_and_types(dtype: Any) -> None:
    values = [1, 0] if np.dtype(dtype).kind != "M" else ["1970-01-02", "2000-01-01"]
    for func, np_func in ((sa.asarray, np.asarray), (sa.array, np.array)):
        ok, expected = outcome(np_func, values, dtype=dtype)
        got, result = outcome(func, values, dtype=dtype)
        assert ok and got, (expected, result)
        assert_same_array(result, expected)


#: NumPy 1 names that NumPy 2 removed, with the replacement the message must name.
REMOVED = {
    "unicode_": "str_", "unicode0": "str_", "str0": "str_", "string_": "bytes_", "bytes0": "bytes_",
    "float_": "float64", "complex_": "complex128", "cfloat": "complex128", "singlecomplex": "complex64",
    "longfloat": "longdouble", "clongfloat": "clongdouble", "longcomplex": "clongdouble", "int0": "intp",
    "uint0": "uintp", "bool8": "bool", "object0": "object_", "void0": "void",
}


@pytest.mark.parametrize("alias", sorted(REMOVED) + ["np.float_", "numpy.unicode_"])
def test_removed_numpy1_aliases_name_their_replacement(alias: str) -> None:
    base = alias.rsplit(".", 1)[-1]
    with pytest.raises(TypeError):
        np.dtype(alias)  # really gone from NumPy
    for func in (sa.asarray, sa.array):
        with pytest.raises(sa.DTypeError, match=re.escape(
            f"dtype={alias!r}: `{base}` was removed in NumPy 2.0; use `{REMOVED[base]}` instead."
        )):
            func([1, 2], dtype=alias)
    assert np.dtype(REMOVED[base]) is not None  # the advice is itself valid


@pytest.mark.parametrize("name, advice", [("float128", "float64 or longdouble"), ("complex256", "complex128 or clongdouble")])
def test_extended_precision_missing_on_the_platform_is_explained(
    monkeypatch: pytest.MonkeyPatch, name: str, advice: str
) -> None:
    """This machine has float128: a platform without it is simulated by removing the name
    from NumPy's table of type names, where ``numpy.dtype`` looks names up."""
    assert np.dtype(name).itemsize >= 16
    monkeypatch.delitem(np.sctypeDict, name)
    with pytest.raises(TypeError):
        np.dtype(name)
    for func in (sa.asarray, sa.array):
        with pytest.raises(sa.DTypeError, match=re.escape(
            f"dtype={name!r} is not available on this platform (its long double has no such width); use {advice}."
        )):
            func([1.0], dtype=name)
    monkeypatch.undo()
    assert sa.asarray([1.0], dtype=name).dtype == np.dtype(name)


def test_dtype_errors_pickle_and_keep_no_numpy_traceback() -> None:
    with pytest.raises(sa.DTypeError) as info:
        sa.asarray([1], dtype="flaot32")
    assert info.value.__cause__ is None and info.value.__suppress_context__
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is sa.DTypeError and str(again) == str(info.value)


# --------------------------------------------------------------------------------------
# like= (NEP 35)


class Recorder:
    """A minimal NEP 35 array type: records each call and answers with a marker."""

    calls: list[tuple[Any, tuple[Any, ...], dict[str, Any]]] = []

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        Recorder.calls.append((func, args, dict(kwargs)))
        return "dispatched"


def recorded(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    Recorder.calls.clear()
    answer = func(*args, **kwargs)
    assert len(Recorder.calls) == 1
    return answer, Recorder.calls[0]


@pytest.mark.parametrize(
    "func, np_func, kwargs",
    [(sa.asarray, np.asarray, k) for k in [{}, {"dtype": "f4"}, {"dtype": np.int8}, {"order": "c"}, {"order": "F"},
                                            {"copy": True}, {"copy": False}, {"device": "cpu"},
                                            {"dtype": "U", "order": "A", "copy": False}]]
    + [(sa.array, np.array, k) for k in [{}, {"dtype": "f4"}, {"copy": False}, {"copy": None}, {"order": "F"},
                                         {"order": "c"}, {"ndmin": 2}, {"dtype": "i2", "ndmin": 3, "order": "C"}]],
    ids=repr,
)
def test_like_another_array_type_is_dispatched_as_numpy_does(func: Any, np_func: Any, kwargs: dict[str, Any]) -> None:
    ours = recorded(func, [1, 2], like=Recorder(), **kwargs)
    theirs = recorded(np_func, [1, 2], like=Recorder(), **kwargs)
    assert ours == theirs == ("dispatched", theirs[1])
    assert theirs[1][0] is np_func


@pytest.mark.parametrize("func", [sa.asarray, sa.array])
def test_like_a_safearray_gives_a_safearray(func: Any) -> None:
    raw = np.arange(3.0)
    for like in (sa.zeros(1), sa.zeros(4)[1:], sa.asarray(np.zeros(2)).readonly()):
        c = func([1, 2], like=like)
        assert isinstance(c, sa.Copy)
        assert_same_array(c, np.asarray([1, 2]))
        v = func(raw, like=like, copy=None)
        assert isinstance(v, sa.View) and v.base is raw
        assert func(v, like=like, copy=None) is v


def test_like_an_ndarray_is_numpys_answer() -> None:
    """An ndarray is another array type to safearray: NumPy answers with an ndarray."""
    for func, np_func in ((sa.asarray, np.asarray), (sa.array, np.array)):
        result = func([1, 2], like=np.zeros(1))
        expected = np_func([1, 2], like=np.zeros(1))
        assert type(result) is type(expected) is np.ndarray
        np.testing.assert_array_equal(result, expected)


# --------------------------------------------------------------------------------------
# ndarrays, SafeArrays, buffers and foreign objects: the tag and the base


@given(raw=arrays(layouts=EVERY_LAYOUT))
def test_asarray_of_an_ndarray_is_a_view_of_it(raw: np.ndarray) -> None:
    for func in (sa.asarray, lambda x: sa.asarray(x, copy=None), lambda x: sa.array(x, copy=False)):
        v = func(raw)
        assert isinstance(v, sa.View) and base_is(v, owner_of(raw))
        assert memory_of(v) is raw
        assert_same_array(v, raw)
        assert v.flags.writeable == raw.flags.writeable
    if raw.size and raw.flags.writeable:
        last = raw.reshape(-1)[-1:].copy()
        with sa.policy("allow"):
            v[(0,) * raw.ndim] = last[0]
        assert_same_array(raw[(0,) * raw.ndim + (None,)], last)  # the write reached the caller's array


@given(raw=arrays())
def test_asarray_of_a_safearray_needing_no_change_is_the_same_object(raw: np.ndarray) -> None:
    c = sa.array(raw)
    v = c[...]
    for x in (c, v, sa.asarray(raw)):
        assert sa.asarray(x) is x
        assert sa.asarray(x, dtype=raw.dtype, order="K") is x
        assert sa.asarray(x, copy=False, device="cpu") is x
        assert sa.array(x, copy=False) is x and sa.array(x, copy=None) is x
        assert sa.asarray(x, like=c) is x


@pytest.mark.parametrize(
    "make",
    [
        lambda: bytearray(b"\x01\x02\x03\x04\x05\x06\x07\x08"),
        lambda: memoryview(bytearray(8)),
        lambda: memoryview(bytearray(16)).cast("d"),
        lambda: memoryview(bytearray(16))[::2],
        lambda: array.array("d", [1.0, 2.0]),
        lambda: array.array("i", [1, 2, 3]),
        lambda: mmap.mmap(-1, 8),
    ],
    ids=["bytearray", "memoryview", "memoryview-cast", "memoryview-strided", "array-d", "array-i", "mmap"],
)
def test_buffers_needing_no_change_are_views_of_the_callers_buffer(make: Any) -> None:
    buf = make()
    expected = np.asarray(buf)
    for v in (sa.asarray(buf), sa.asarray(buf, copy=False), sa.array(buf, copy=False), sa.array(buf, copy=None)):
        assert isinstance(v, sa.View) and v.base is buf
        assert_same_array(v, expected)
        assert_tag_is_true(v, expected)
        assert v[1:].base is buf  # chains never grow
        assert "base=<" in repr(v)
    with sa.policy("allow"):
        v[0] = 9
    assert np.asarray(buf)[0] == 9  # the write reached the caller's buffer
    for c in (sa.asarray(buf, copy=True), sa.array(buf), sa.asarray(buf, dtype=np.complex128)):
        assert isinstance(c, sa.Copy) and c.base is None
        assert not np.shares_memory(np.asarray(c), expected)


def test_read_only_buffers_give_read_only_views() -> None:
    data = b"\x00\x01\x02\x03"
    for given in (memoryview(data), memoryview(data)[1:]):
        v = sa.asarray(given)
        assert isinstance(v, sa.View) and v.base is given and not v.flags.writeable
        with pytest.raises(sa.ReadOnlyError, match=r"read-only.*\.copy\(\)"):
            v[0] = 1
    assert data == b"\x00\x01\x02\x03"
    assert isinstance(sa.asarray(data), sa.Copy)  # bytes are a scalar to NumPy ('S4')
    assert sa.asarray(data).dtype == np.asarray(data).dtype


class Interface:
    """An object exposing another array's memory through ``__array_interface__``."""

    def __init__(self, a: np.ndarray) -> None:
        self.keep = a
        self.__array_interface__ = a.__array_interface__


class Protocol:
    """NumPy 2's ``__array__``: hands out a view of its own data unless asked to copy."""

    def __init__(self) -> None:
        self.data = np.arange(6.0)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if copy:
            return self.data[1:].astype(dtype, copy=True)
        if dtype is not None and np.dtype(dtype) != self.data.dtype:
            if copy is False:
                raise ValueError("Unable to avoid copy while creating an array as requested.")
            return self.data[1:].astype(dtype)
        return self.data[1:]


class Legacy:
    """NumPy 1's ``__array__`` without ``copy``: NumPy warns if asked for copy=False or True."""

    def __array__(self, dtype: Any = None) -> np.ndarray:
        return np.arange(3, dtype=dtype)


def test_foreign_array_objects() -> None:
    raw = np.arange(4)
    inter = Interface(raw)
    v = sa.asarray(inter)
    assert isinstance(v, sa.View) and np.shares_memory(np.asarray(v), raw)
    assert_same_array(v, np.asarray(inter))
    proto = Protocol()
    v = sa.asarray(proto)
    assert isinstance(v, sa.View) and v.base is proto.data
    assert_same_array(v, np.asarray(proto))
    for kwargs in ({"copy": True}, {"dtype": np.float32}):
        c = sa.asarray(proto, **kwargs)
        assert isinstance(c, sa.Copy) and not np.shares_memory(np.asarray(c), proto.data)
        assert_same_array(c, np.asarray(proto, **kwargs))
    with pytest.raises(sa.CopyRequiredError, match="changing the dtype from float64 to float32"):
        sa.asarray(proto, dtype=np.float32, copy=False)


def test_numpy1_style_array_method_warns_no_more_than_numpy() -> None:
    """``np.asarray`` does not ask a NumPy 1 style ``__array__`` for ``copy=``, so it does not
    warn; neither does ``sa.asarray`` (the test runs with warnings as errors)."""
    expected = np.asarray(Legacy())
    c = sa.asarray(Legacy())
    assert isinstance(c, sa.Copy)
    assert_same_array(c, expected)
    assert_same_array(sa.asarray(Legacy(), dtype=np.float32), np.asarray(Legacy(), dtype=np.float32))
    # asked for copy=False, NumPy warns and refuses; so does safearray, saying why
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="Unable to avoid copy"):
        np.asarray(Legacy(), copy=False)
    with pytest.warns(DeprecationWarning), pytest.raises(
        sa.CopyRequiredError, match=r"Legacy.__array__ takes no copy= argument"
    ):
        sa.asarray(Legacy(), copy=False)


def test_ndarray_subclasses_give_plain_views_of_their_memory(tmp_path: Any) -> None:
    mm = np.memmap(tmp_path / "data.bin", dtype=np.float64, mode="w+", shape=(4,))
    for given in (mm, mm[1:]):
        v = sa.asarray(given)
        assert isinstance(v, sa.View) and type(np.asarray(v)) is np.ndarray
        assert base_is(v, owner_of(given))
        assert np.shares_memory(np.asarray(v), mm)
    masked = np.ma.masked_array([1, 2, 3], mask=[0, 1, 0])
    v = sa.asarray(masked)
    assert isinstance(v, sa.View) and np.shares_memory(np.asarray(v), masked.data)
    assert_same_array(v, np.asarray(masked))
    c = sa.array(mm)
    assert isinstance(c, sa.Copy) and type(np.asarray(c)) is np.ndarray
    del v, c, mm


@pytest.mark.parametrize(
    "obj",
    [[1.0, 2.0], (1, 2), 3, 2.5, 1j, True, [[1, 2], [3, 4]], "text", b"by", None, range(4), np.float32(1.5),
     [np.arange(2), np.arange(2)], [sa.arange(2), sa.arange(2)[::-1]], {"a": 1}],
    ids=repr,
)
def test_python_objects_give_copies(obj: Any) -> None:
    for func, np_func in ((sa.asarray, np.asarray), (sa.array, np.array)):
        c = func(obj)
        assert isinstance(c, sa.Copy) and c.base is None
        expected = np_func([np.asarray(o) for o in obj] if isinstance(obj, list) and isinstance(obj[0], sa.SafeArray)
                           else obj)
        assert_same_array(c, expected)
        if isinstance(obj, list) and isinstance(obj[0], sa.SafeArray):
            assert not any(np.shares_memory(np.asarray(c), np.asarray(o)) for o in obj)


def test_bad_input_leaves_nothing_half_made() -> None:
    """A refused call changes neither the input nor its flags, and leaves no array behind."""
    import gc

    raw = np.arange(3.0)
    tagged = sa.array(raw)
    before = (raw.flags.writeable, raw.base, raw.tolist(), tagged.flags.writeable, tagged.tolist())
    gc.collect()
    # type(), not isinstance: a dead weakref.proxy among gc's objects (a library's) would raise
    count = sum(type(o) in (sa.View, sa.Copy) for o in gc.get_objects())
    for kwargs in ({"copy": 1}, {"dtype": "nope"}, {"order": "Z"}, {"device": "gpu"}, {"like": 3},
                   {"copy": False, "dtype": np.int8}, {"dtype": "float33"}):
        for obj in (raw, tagged, [1.0, 2.0]):
            with pytest.raises((TypeError, ValueError)):
                sa.asarray(obj, **kwargs)
    with pytest.raises(ValueError):
        sa.array(raw, ndmin=99)
    gc.collect()
    assert sum(type(o) in (sa.View, sa.Copy) for o in gc.get_objects()) == count
    assert (raw.flags.writeable, raw.base, raw.tolist(), tagged.flags.writeable, tagged.tolist()) == before


# --------------------------------------------------------------------------------------
# readonly and memory queries


@given(raw=arrays(layouts=EVERY_LAYOUT))
def test_readonly_views_of_ndarrays_and_safearrays(raw: np.ndarray) -> None:
    writeable = raw.flags.writeable
    c = sa.array(raw)
    for ro, base, memory in ((sa.readonly(raw), owner_of(raw), raw), (sa.readonly(c), c, np.asarray(c)),
                             (c.readonly(), c, np.asarray(c)), (sa.readonly(sa.asarray(raw)), owner_of(raw), raw)):
        assert isinstance(ro, sa.View) and not ro.flags.writeable and base_is(ro, base)
        assert_same_array(ro, raw)
        assert_tag_is_true(ro, memory)
        if raw.size:
            with pytest.raises(sa.ReadOnlyError, match=r"read-only.*use \.copy\(\) to get a writable Copy"):
                ro[...] = raw.reshape(-1)[0]
    assert raw.flags.writeable == writeable and c.flags.writeable  # the originals stay writable


def test_readonly_refuses_other_objects() -> None:
    for bad in ([1, 2], 3, memoryview(b"ab"), None):
        with pytest.raises(TypeError, match=r"readonly\(\) takes a SafeArray or a numpy.ndarray, got .*; use sa.asarray\(obj\).readonly\(\)"):
            sa.readonly(bad)


@given(raw=arrays(min_dims=1, min_side=2))
def test_shares_memory_accepts_both_kinds(raw: np.ndarray) -> None:
    v = sa.asarray(raw)
    c = sa.array(raw)
    pairs = [(v[1:], raw), (raw, v), (v[::2], v[1::2]), (c, raw), (c[:1], c), (v, c), (np.asarray(c), c[::-1])]
    for a, b in pairs:
        ra = np.asarray(a) if isinstance(a, sa.SafeArray) else a
        rb = np.asarray(b) if isinstance(b, sa.SafeArray) else b
        assert sa.shares_memory(a, b) == np.shares_memory(ra, rb)
        assert sa.may_share_memory(a, b) == np.may_share_memory(ra, rb)
        assert sa.shares_memory(a, b, max_work=None) == sa.shares_memory(b, a)
