"""The array object against NumPy: attributes, protocols, conversions, and every method.

Each test takes generated arrays (tests/strategies.py) as a Copy (``sa.array(raw)``)
and as a View of the caller's ndarray (``sa.asarray(raw)``), runs the same operation on
NumPy's ndarray and on the tagged array, and compares: values, dtype and shape equal
NumPy's; where NumPy raises, safearray raises the same class; every array in the result
is a View exactly when ``np.shares_memory`` says it shares the input's memory, and a
View's ``base`` is the memory owner.
"""

from __future__ import annotations

import copy as copy_module
import operator
import pickle
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

import safearray as sa
from tests._asserts import NUMPY_2_1, outcome, owner_of, assert_matches, assert_same_array, assert_tag_is_true, base_is, memory_of
from tests.strategies import (
    ALL_DTYPES,
    COMPLEX_DTYPES,
    EVERY_LAYOUT,
    FLOAT_DTYPES,
    INT_DTYPES,
    arrays,
)

REAL_DTYPES = INT_DTYPES + FLOAT_DTYPES


def uses(result: np.ndarray, memory: np.ndarray) -> bool:
    """``np.shares_memory``, and for empty arrays the base chain."""
    return bool(np.shares_memory(result, memory)) or (result.size == 0 and owner_of(result) is owner_of(memory))


def tagged_and_memory(raw: np.ndarray, owner: str) -> tuple[Any, np.ndarray, object]:
    """The tagged array, the ndarray holding its memory, and the base its Views must have."""
    if owner == "copy":
        c = sa.array(raw)
        return c, memory_of(c), c
    v = sa.asarray(raw)
    return v, raw, owner_of(raw)


def same_python_value(result: Any, expected: Any) -> None:
    """Python values (not arrays) equal, NaN included: same type and same repr."""
    assert not isinstance(result, sa.SafeArray)
    assert type(result) is type(expected), (type(result), type(expected))
    assert repr(result) == repr(expected)


def message(exc: BaseException) -> str:
    """An error message with the names of the array types left out."""
    text = re.sub(r"\b(numpy\.ndarray|ndarray|SafeArray|Copy|View)\.", "", str(exc))
    return re.sub(r"\b(numpy\.ndarray|ndarray|SafeArray|Copy|View)\b", "<array>", text)


def same_outcome(ours: tuple[bool, Any], theirs: tuple[bool, Any]) -> None:
    """NumPy raised: the same class (or a safearray subclass of it) and, unless safearray
    explains more, the same message; else the values."""
    if not theirs[0]:
        assert not ours[0], f"NumPy raised {theirs[1]!r}, safearray returned {ours[1]!r}"
        assert isinstance(ours[1], type(theirs[1])), (ours[1], theirs[1])
        if not isinstance(ours[1], sa.SafeArrayError):
            assert message(ours[1]) == message(theirs[1])
        return
    assert ours[0], f"safearray raised {ours[1]!r}, NumPy returned {theirs[1]!r}"


OWNERS = st.sampled_from(["copy", "view"])

# --------------------------------------------------------------------------------------
# attributes


@given(raw=arrays(layouts=EVERY_LAYOUT), owner=OWNERS)
def test_attributes_equal_numpys(raw: np.ndarray, owner: str) -> None:
    x, memory, base = tagged_and_memory(raw, owner)
    for name in ("shape", "dtype", "ndim", "size", "nbytes", "itemsize", "strides"):
        assert getattr(x, name) == getattr(memory, name), name
        assert type(getattr(x, name)) is type(getattr(memory, name)), name
    for flag in ("c_contiguous", "f_contiguous", "writeable", "aligned", "writebackifcopy"):
        assert getattr(x.flags, flag) == getattr(memory.flags, flag), flag
        assert x.flags[flag.upper()] == memory.flags[flag.upper()]
    assert repr(x.flags) == repr(memory.flags)
    assert x.device == "cpu" == memory.device
    assert base_is(x, (base if owner == "view" else None))
    assert outcome(len, x) == outcome(len, memory) if raw.ndim else not outcome(len, x)[0]


#: Attributes NumPy does not let one set (shape, dtype, strides, real, imag and flat have
#: setters: tests/test_setters.py).
INFO = ["ndim", "size", "nbytes", "itemsize", "flags", "T", "mT", "device", "base"]


@pytest.mark.parametrize("name", INFO)
def test_information_attributes_cannot_be_set(name: str) -> None:
    for x in (sa.zeros((2, 3), dtype=np.complex128), sa.zeros((4, 3))[1:]):
        before = (x.shape, x.strides, x.dtype, x.tolist())
        with pytest.raises(AttributeError):
            setattr(x, name, getattr(x, name))
        with pytest.raises(AttributeError):
            delattr(x, name)
        assert (x.shape, x.strides, x.dtype, x.tolist()) == before


def test_flags_are_set_as_numpy_allows_but_read_only_stays_read_only() -> None:
    for make in (lambda: sa.zeros(3), lambda: sa.zeros(4)[1:], lambda: sa.asarray(np.zeros(3))):
        for spelling in ("attribute", "WRITEABLE", "W"):
            x = make()
            if spelling == "attribute":
                x.flags.writeable = False
            else:
                x.flags[spelling] = False
            assert not x.flags.writeable and not np.asarray(x).flags.writeable
            with pytest.raises(sa.ReadOnlyError):
                x[0] = 1.0
            for reopen in (lambda: setattr(x.flags, "writeable", True),
                           lambda: x.flags.__setitem__("WRITEABLE", True), lambda: x.flags.__setitem__("W", 1)):
                with pytest.raises(sa.ReadOnlyError, match="read-only and stays so"):
                    reopen()
            assert not x.flags.writeable
    x = sa.zeros(3)
    x.flags.writeable = True  # already writable: nothing to do, as in NumPy
    x.flags.aligned = True
    with pytest.raises(ValueError, match="WRITEBACKIFCOPY"):  # NumPy's own rule, its message
        x.flags.writebackifcopy = True
    with pytest.raises(ValueError, match="WRITEBACKIFCOPY"):
        np.zeros(3).flags.writebackifcopy = True
    x[0] = 1.0


@given(raw=arrays(min_dims=1, layouts=EVERY_LAYOUT), owner=OWNERS)
def test_views_by_attribute(raw: np.ndarray, owner: str) -> None:
    x, memory, base = tagged_and_memory(raw, owner)
    results = {"T": (x.T, memory.T)}
    if raw.ndim >= 2:
        results["mT"] = (x.mT, memory.mT)
    else:
        assert type(outcome(lambda: x.mT)[1]) is type(outcome(lambda: memory.mT)[1]) is ValueError
    if raw.dtype.kind == "c":
        results.update(real=(x.real, memory.real), imag=(x.imag, memory.imag))
    for name, (result, expected) in results.items():
        assert_same_array(result, expected)
        assert isinstance(result, sa.View) and base_is(result, base), name
        assert_tag_is_true(result, memory)


@given(raw=arrays(dtypes=REAL_DTYPES + [np.dtype("bool"), np.dtype("O")]), owner=OWNERS)
def test_real_and_imag_of_real_arrays(raw: np.ndarray, owner: str) -> None:
    x, memory, _ = tagged_and_memory(raw, owner)
    expected = memory.real
    if expected is memory:  # NumPy returns the array itself
        assert x.real is x
    elif isinstance(expected, np.ndarray):  # object arrays from NumPy 2.5: each element's real part
        assert_same_array(x.real, expected)
        assert_tag_is_true(x.real, memory)
    else:  # NumPy 2.5 gives the element itself for a 0-d object array
        assert type(x.real) is type(expected) and x.real == expected
    imag = x.imag
    if not isinstance(memory.imag, np.ndarray):  # NumPy 2.5, a 0-d object array: the element's
        assert type(imag) is type(memory.imag) and imag == memory.imag
        return
    assert_same_array(imag, memory.imag)
    assert isinstance(imag, sa.Copy)
    assert imag.flags.writeable == memory.imag.flags.writeable
    if raw.size and not imag.flags.writeable:
        with pytest.raises(sa.ReadOnlyError):
            imag[...] = 1


# --------------------------------------------------------------------------------------
# conversions


CONVERSIONS: dict[str, Callable[[Any], Any]] = {
    "bool": bool, "int": int, "float": float, "complex": complex, "index": operator.index, "len": len,
    "str": str, "tolist": lambda a: a.tolist(), "item": lambda a: a.item(), "item0": lambda a: a.item(0),
    "item-1": lambda a: a.item(-1), "format": lambda a: format(a), "format.3": lambda a: f"{a:.3}",
    "format>12": lambda a: f"{a:>12}", "format.2f": lambda a: f"{a:.2f}", "format,": lambda a: f"{a:,}",
    "contains0": lambda a: 0 in a, "hash": hash, "round": lambda a: round(a) if a.ndim == 0 else 0,
}


@given(raw=arrays(max_dims=2, max_side=2, special=True), owner=OWNERS)
def test_conversions_match_numpy(raw: np.ndarray, owner: str) -> None:
    """Every conversion of :data:`CONVERSIONS` (0-d, one element, several, none)."""
    x, memory, _ = tagged_and_memory(raw, owner)
    for name, convert in CONVERSIONS.items():
        note(f"{name}: {memory!r}")
        ours, theirs = outcome(convert, x), outcome(convert, memory)
        same_outcome(ours, theirs)
        if not theirs[0]:
            continue
        if name == "round" and raw.ndim == 0:  # round(0-d array) gives an array: a 0-d Copy
            assert_matches(ours[1], theirs[1], memory)
            continue
        same_python_value(ours[1], theirs[1])


@pytest.mark.parametrize("value", [np.float64(3.14159), np.float32(-2.5), np.int8(-3), np.uint64(7), np.bool_(True),
                                   np.complex64(1 - 2j), np.longdouble(1) / 3, np.str_("ab"), np.datetime64("2001-02-03")])
@pytest.mark.parametrize("spec", ["", ".2f", "10.3e", ">8", "^9", "+", "#x", "s", "%"])
def test_format_specs_on_0d_arrays(value: np.generic, spec: str) -> None:
    raw = np.asarray(value)
    same = outcome(format, sa.asarray(raw), spec), outcome(format, raw, spec)
    same_outcome(*same)
    if same[1][0]:
        assert same[0][1] == same[1][1]
        assert f"{sa.array(raw).reshape(()):{spec}}" == f"{raw:{spec}}"


@given(raw=arrays(min_dims=1, max_side=3), owner=OWNERS)
def test_iteration_matches_numpy(raw: np.ndarray, owner: str) -> None:
    x, memory, _ = tagged_and_memory(raw, owner)
    rows = list(x)
    assert len(rows) == len(memory)
    for row, expected in zip(rows, memory):
        if isinstance(expected, np.ndarray):
            assert_same_array(row, expected)
            assert_tag_is_true(row, memory)
        else:  # NumPy's scalar (an object array's element itself)
            assert type(row) is type(expected)
            assert row is expected if raw.dtype.kind == "O" else assert_same_array(row, expected) is None
    with pytest.raises(TypeError, match="iteration over a 0-d array"):
        iter(sa.asarray(raw[(0,) * raw.ndim] if raw.size else np.asarray(0))).__next__()


# --------------------------------------------------------------------------------------
# NumPy protocols


@given(raw=arrays(layouts=EVERY_LAYOUT), owner=OWNERS)
def test_array_protocol_against_numpy(raw: np.ndarray, owner: str) -> None:
    """``__array__(dtype, copy)`` for each dtype (none, the same, others) and copy value."""
    x, memory, _ = tagged_and_memory(raw, owner)
    for dtype in (None, raw.dtype, np.float32, np.int64, "U3", object):
        for copy in (None, True, False):  # noqa: B007  (read by the oracle's lambda)
            note(f"dtype={dtype!r} copy={copy!r}")
            # NumPy < 2.3 reads a positional dtype=None as float64: the oracle is called without it
            oracle = (lambda: memory.__array__(copy=copy)) if dtype is None else (
                lambda: memory.__array__(dtype, copy=copy))
            ours, theirs = outcome(x.__array__, dtype, copy=copy), outcome(oracle)
            same_outcome(ours, theirs)
            if not theirs[0]:
                if copy is False:
                    assert isinstance(ours[1], sa.CopyRequiredError) and "needs a copy" in str(ours[1])
                continue
            result, expected = ours[1], theirs[1]
            assert type(result) is np.ndarray
            assert_same_array(result, expected)
            assert uses(result, memory) == uses(expected, memory)
            # and through NumPy's own entry point
            ours, theirs = outcome(np.asarray, x, dtype, copy=copy), outcome(np.asarray, memory, dtype, copy=copy)
            same_outcome(ours, theirs)
            if theirs[0]:
                assert_same_array(ours[1], theirs[1])
                assert uses(ours[1], memory) == uses(theirs[1], memory)


def test_numpy_functions_see_the_memory() -> None:
    raw = np.arange(6.0)
    v = sa.asarray(raw)[1:]
    assert np.shares_memory(np.asarray(v), raw) and not np.shares_memory(np.array(v), raw)
    with pytest.raises(ValueError, match="Unable to avoid copy|needs a copy"):
        np.asarray(v, dtype=np.float32, copy=False)


@given(raw=arrays(layouts=EVERY_LAYOUT), owner=OWNERS)
def test_dlpack_round_trip_shares_memory(raw: np.ndarray, owner: str) -> None:
    x, memory, _ = tagged_and_memory(raw, owner)
    ours, theirs = outcome(np.from_dlpack, x), outcome(np.from_dlpack, memory)
    same_outcome(ours, theirs)
    if theirs[0]:
        out = ours[1]
        assert_same_array(out, theirs[1])
        assert np.shares_memory(out, memory) or raw.size == 0
        assert out.flags.writeable == theirs[1].flags.writeable
        if NUMPY_2_1:  # np.from_dlpack(copy=) is NumPy 2.1's
            copied = np.from_dlpack(x, copy=True)
            assert_same_array(copied, raw)
            assert not np.shares_memory(copied, memory)
    assert x.__dlpack_device__() == memory.__dlpack_device__() == (1, 0)


def test_array_namespace() -> None:
    x = sa.arange(3)
    assert x.__array_namespace__() is sa.array_api
    assert x.__array_namespace__(api_version=sa.array_api.__array_api_version__) is sa.array_api
    with pytest.raises(ValueError, match="api_version='1999.01' is not supported"):
        x.__array_namespace__(api_version="1999.01")


def test_to_device() -> None:
    x = sa.arange(3)
    assert x.to_device("cpu") is x
    assert x.to_device(x.device) is x
    with pytest.raises(ValueError, match="must be None or 'cpu'"):
        x.to_device("gpu")


def test_direct_construction_is_refused() -> None:
    for cls in (sa.SafeArray, sa.View, sa.Copy):
        with pytest.raises(TypeError, match="cannot be instantiated directly; use safearray.asarray"):
            cls(np.zeros(3))
    with pytest.raises(TypeError):  # sa.ndarray is NumPy's constructor, which takes a shape
        sa.ndarray(np.zeros(3))


@given(raw=arrays(layouts=EVERY_LAYOUT), owner=OWNERS)
def test_pickle_and_copy_give_copies(raw: np.ndarray, owner: str) -> None:
    x, memory, _ = tagged_and_memory(raw, owner)
    for clone in (pickle.loads(pickle.dumps(x)), copy_module.copy(x), copy_module.deepcopy(x)):
        assert isinstance(clone, sa.Copy) and clone.base is None and clone.flags.writeable
        assert_same_array(clone, memory)
        assert not np.shares_memory(np.asarray(clone), memory)


# --------------------------------------------------------------------------------------
# repr


def test_repr_shows_the_tag_and_the_base() -> None:
    c = sa.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert repr(c) == "Copy([1., 2., 3., 4., 5.])"
    assert repr(c[1:3]) == "View([2., 3.], base=Copy(shape=(5,), dtype=float64))"
    raw = np.arange(3, dtype=np.int8)
    assert repr(sa.asarray(raw)) == "View([0, 1, 2], dtype=int8, base=ndarray(shape=(3,), dtype=int8))"
    two = sa.arange(6).reshape(2, 3)  # the reshaped temporary owns its memory
    assert repr(two) == "Copy([[0, 1, 2],\n      [3, 4, 5]])"
    six = sa.arange(6)
    assert repr(six.reshape(2, 3)) == "View([[0, 1, 2],\n      [3, 4, 5]], base=Copy(shape=(6,), dtype=int64))"
    assert repr(sa.asarray(2.5)) == "Copy(2.5)"
    buffer_view = sa.asarray(bytearray(2))
    assert repr(buffer_view) == "View([0, 0], dtype=uint8, base=<bytearray buffer>)"


def squeeze_spaces(text: str) -> str:
    return re.sub(r"\s+", "", text)


@given(raw=arrays(layouts=EVERY_LAYOUT, special=True), owner=OWNERS)
def test_repr_and_str_follow_numpys(raw: np.ndarray, owner: str) -> None:
    x, memory, _ = tagged_and_memory(raw, owner)
    text = repr(x)
    body = repr(memory)[len("array("):-1]
    kind = "View" if owner == "view" else "Copy"
    assert text.startswith(kind + "(")
    if owner == "view":
        assert squeeze_spaces(text) == squeeze_spaces(f"View({body}, base=ndarray(shape={owner_of(raw).shape}, "
                                                      f"dtype={owner_of(raw).dtype}))")
    else:
        assert squeeze_spaces(text) == squeeze_spaces(f"Copy({body})")
    lines = text.split("\n")
    assert all(line.startswith(" " * (len(kind) + 1)) for line in lines[1:] if line), "continuation lines line up"
    assert str(x) == str(memory)


# --------------------------------------------------------------------------------------
# reshape, ravel, flatten, copy, view, astype


@st.composite
def reshape_targets(draw: st.DrawFn, size: int) -> tuple[int, ...]:
    """A shape with ``size`` elements (one dimension possibly given as -1)."""
    dims: list[int] = []
    rest = size
    for _ in range(draw(st.integers(0, 3))):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0] if rest else [0, 1, 2]
        d = draw(st.sampled_from(divisors))
        dims.append(d)
        rest = rest // d if d else rest
    if rest != 1 or size == 0 and 0 not in dims:
        dims.append(rest if size else 0)
    if dims and size and draw(st.booleans()):
        dims[draw(st.integers(0, len(dims) - 1))] = -1
    return tuple(dims)


# NumPy 2.0's ndarray.reshape has no copy= to check safearray's against: there, copy=None only
@given(data=st.data(), owner=OWNERS, order=st.sampled_from(["C", "F", "A"]),
       copy=st.sampled_from([None, True, False] if NUMPY_2_1 else [None]), form=st.sampled_from(["tuple", "args", "int"]))
def test_reshape_against_numpy(data: st.DataObject, owner: str, order: str, copy: Any, form: str) -> None:
    raw = data.draw(arrays(layouts=EVERY_LAYOUT))
    shape = data.draw(reshape_targets(raw.size))
    x, memory, base = tagged_and_memory(raw, owner)
    note(f"raw.shape={raw.shape} strides={raw.strides} -> {shape} order={order} copy={copy}")
    # an empty shape by position, x.reshape(), is parsed differently from one NumPy to the next
    assume(form != "args" or len(shape) > 0)
    theirs = outcome(memory.reshape, shape, order=order, **({"copy": copy} if NUMPY_2_1 else {}))
    args = (shape,) if form == "tuple" or len(shape) != 1 else (shape[0],)
    if form == "args":
        args = shape
    ours = outcome(x.reshape, *args, order=order, copy=copy)
    same_outcome(ours, theirs)
    if not theirs[0]:
        if copy is False:
            assert isinstance(ours[1], sa.CopyRequiredError)
            assert re.search(r"reshape\(copy=False\): the memory layout .* cannot be viewed as", str(ours[1]))
        return
    result, expected = ours[1], theirs[1]
    assert_same_array(result, expected)
    assert_tag_is_true(result, memory)
    shared = uses(expected, memory)
    assert isinstance(result, sa.View) == shared
    if shared:
        assert base_is(result, base)


@given(raw=arrays(layouts=EVERY_LAYOUT), owner=OWNERS, order=st.sampled_from(["C", "F", "A", "K"]))
def test_ravel_flatten_and_copy_against_numpy(raw: np.ndarray, owner: str, order: str) -> None:
    x, memory, base = tagged_and_memory(raw, owner)
    for name in ("ravel", "flatten", "copy"):
        result = getattr(x, name)(order)
        expected = getattr(memory, name)(order)
        assert_same_array(result, expected)
        assert result.strides == expected.strides, name
        assert_tag_is_true(result, memory)
        shared = uses(expected, memory)
        assert isinstance(result, sa.View) == shared
        assert shared == (name == "ravel" and shared)  # flatten and copy always copy
        if shared:
            assert base_is(result, base)
        else:
            assert result.flags.writeable and result.base is None


@given(raw=arrays(layouts=EVERY_LAYOUT), owner=OWNERS,
       order=st.sampled_from(["C", "F", "A", "K", "c", "f", "a", "k", None, "default"]))
def test_every_copy_keeps_the_layout_numpy_gives(raw: np.ndarray, owner: str, order: Any) -> None:
    """``x.copy(order=...)`` by keyword, ``copy.copy``, ``copy.deepcopy``, ``np.copy`` and
    ``sa.copy``: the strides and contiguity flags NumPy gives the same memory (C, F,
    non-contiguous, reversed, offset and broadcast layouts), a writable Copy of its own."""
    x, memory, _ = tagged_and_memory(raw, owner)
    kwargs = {} if order == "default" else {"order": order}
    pairs = [("x.copy", outcome(x.copy, **kwargs), outcome(memory.copy, **kwargs)),
             ("np.copy", outcome(np.copy, x, **kwargs), outcome(np.copy, memory, **kwargs)),
             ("sa.copy", outcome(sa.copy, x, **kwargs), outcome(np.copy, memory, **kwargs))]
    if order == "default":
        pairs += [("copy.copy", outcome(copy_module.copy, x), outcome(copy_module.copy, memory)),
                  ("copy.deepcopy", outcome(copy_module.deepcopy, x), outcome(copy_module.deepcopy, memory))]
    for name, ours, theirs in pairs:
        same_outcome(ours, theirs)
        if not theirs[0]:
            continue
        result, expected = ours[1], theirs[1]
        assert type(result) is sa.Copy and result.base is None, name
        assert_same_array(result, expected)
        assert result.strides == expected.strides, (name, result.strides, expected.strides)
        for flag in ("c_contiguous", "f_contiguous", "writeable"):
            assert getattr(result.flags, flag) == getattr(expected.flags, flag), (name, flag)
        assert not np.shares_memory(np.asarray(result), memory), name


def test_reshape_argument_forms_and_errors() -> None:
    c = sa.arange(6)
    assert c.reshape(2, 3).shape == c.reshape((2, 3)).shape == (2, 3)
    with pytest.raises(ValueError, match="cannot reshape array of size 6 into shape"):
        c.reshape(4, 2)
    for bad in (1, 0, "yes", np.True_):
        with pytest.raises(TypeError, match=f"copy={bad!r} is not allowed"):
            c.reshape(6, copy=bad)
    for bad in ("K", "X", 1):
        with pytest.raises(ValueError, match=f"order={bad!r} is not a memory order; use one of 'C', 'F', 'A'"):
            c.reshape(6, order=bad)
    assert c.reshape(6, order="c").flags.c_contiguous  # lower case as NumPy accepts


@pytest.mark.xfail(strict=True, reason="safearray/_array.py SafeArray.reshape(*shape, ...) has no `shape=` keyword, "
                   "which ndarray.reshape accepts since NumPy 2.1")
def test_reshape_takes_shape_by_keyword_as_numpy_does() -> None:
    raw = np.arange(6)
    assert sa.asarray(raw).reshape(shape=(2, 3)).shape == raw.reshape(shape=(2, 3)).shape


@given(raw=arrays(layouts=EVERY_LAYOUT), owner=OWNERS, target=st.none() | st.sampled_from(ALL_DTYPES))
def test_view_against_numpy(raw: np.ndarray, owner: str, target: Any) -> None:
    x, memory, base = tagged_and_memory(raw, owner)
    args = () if target is None else (target,)
    ours, theirs = outcome(x.view, *args), outcome(memory.view, *args)
    same_outcome(ours, theirs)
    if theirs[0]:
        assert_same_array(ours[1], theirs[1])
        assert isinstance(ours[1], sa.View) and base_is(ours[1], base)
        assert_tag_is_true(ours[1], memory)


@given(raw=arrays(layouts=EVERY_LAYOUT, special=True), owner=OWNERS, target=st.sampled_from(ALL_DTYPES),
       copy=st.sampled_from([True, False]), order=st.sampled_from(["K", "C", "F", "A"]))
def test_astype_against_numpy(raw: np.ndarray, owner: str, target: Any, copy: bool, order: str) -> None:
    x, memory, _ = tagged_and_memory(raw, owner)
    for dtype in (target, raw.dtype):
        ours, theirs = outcome(x.astype, dtype, order=order, copy=copy), outcome(memory.astype, dtype, order=order, copy=copy)
        same_outcome(ours, theirs)
        if not theirs[0]:
            continue
        if theirs[1] is memory:  # NumPy returned the array itself
            assert ours[1] is x
            continue
        assert isinstance(ours[1], sa.Copy)
        assert_same_array(ours[1], theirs[1])
        assert ours[1].strides == theirs[1].strides
        assert_tag_is_true(ours[1], memory)


def test_astype_validates_its_parameters() -> None:
    x = sa.arange(3)
    with pytest.raises(sa.DTypeError, match="did you mean 'float32'"):
        x.astype("flaot32")
    with pytest.raises(TypeError, match="copy=1 is not allowed"):
        x.astype(float, copy=1)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="order='X' is not a memory order"):
        x.astype(float, order="X")
    assert x.astype(float, casting="safe").dtype == np.float64
    with pytest.raises(TypeError, match="Cannot cast"):
        x.astype(np.int8, casting="safe")


# --------------------------------------------------------------------------------------
# readonly


@given(raw=arrays(dtypes=REAL_DTYPES, min_dims=1, min_side=1), owner=OWNERS)
def test_every_write_into_a_read_only_view_raises(raw: np.ndarray, owner: str) -> None:
    x, memory, _ = tagged_and_memory(raw, owner)
    if not raw.flags.writeable:
        return
    before = memory.copy()
    ro = x.readonly()
    assert isinstance(ro, sa.View) and not ro.flags.writeable
    assert base_is(ro, (x if owner == "copy" else x.base))
    message = r"read-only.*use \.copy\(\) to get a writable Copy"
    writes: list[Callable[[], Any]] = [
        lambda: ro.__setitem__(0, 1), lambda: ro.__setitem__(Ellipsis, ro), lambda: ro.fill(0),
        lambda: ro.sort(), lambda: ro.put([0], [1]), lambda: np.add(ro, 1, out=ro),
        lambda: np.copyto(ro, 0), lambda: ro.__iadd__(1), lambda: ro[:1].__setitem__(0, 1),
        lambda: ro.T.__setitem__(Ellipsis, 0), lambda: ro.byteswap(inplace=True),
    ]
    for write in writes:
        with pytest.raises(sa.ReadOnlyError, match=message):
            write()
    with pytest.raises(sa.ReadOnlyError, match="stays so; use .copy()"):
        ro.setflags(write=True)
    assert_same_array(memory, before)  # nothing was written
    writable = ro.copy()
    assert isinstance(writable, sa.Copy) and writable.flags.writeable
    writable[...] = 0
    assert x.flags.writeable  # the original stays writable
    with sa.policy("allow"):
        x[...] = 1
    assert_same_array(ro, np.ones_like(before))  # and its writes show through the read-only View


# --------------------------------------------------------------------------------------
# every ndarray method that returns arrays, against NumPy

Variants = Callable[[np.ndarray], list[tuple[tuple[Any, ...], dict[str, Any]]]]


def axes(a: np.ndarray, *extra: dict[str, Any]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """No arguments, the last axis, keepdims (where the method takes it), and ``extra``."""
    rows: list[tuple[tuple[Any, ...], dict[str, Any]]] = [((), {})]
    if a.ndim:
        rows.append(((), {"axis": -1}))
    return rows + [((), e) for e in extra]


KEEP = {"keepdims": True}
METHODS: dict[str, tuple[Variants, int]] = {  # name: (argument variants, minimum ndim)
    "all": (lambda a: axes(a, KEEP), 0),
    "any": (lambda a: axes(a, KEEP), 0),
    "argmax": (lambda a: axes(a, KEEP), 0),
    "argmin": (lambda a: axes(a), 0),
    "argpartition": (lambda a: [((0,), {}), ((-1,), {"axis": 0})], 1),
    "argsort": (lambda a: axes(a, {"kind": "stable"}, {"axis": None}), 0),
    "astype": (lambda a: [((np.float64,), {}), ((a.dtype,), {"copy": False}), ((np.int8,), {"order": "F"})], 0),
    "choose": (lambda a: [(([a, a[::-1]],), {}), (([a, a],), {"mode": "clip"})], 1),
    "clip": (lambda a: [((1, 3), {}), ((None, 2), {})], 0),
    "compress": (lambda a: [(([True] * a.shape[0], 0), {}), (([False, True],), {})], 1),
    "conj": (lambda a: [((), {})], 0),
    "conjugate": (lambda a: [((), {})], 0),
    "copy": (lambda a: [((), {}), (("F",), {})], 0),
    "cumprod": (lambda a: axes(a), 0),
    "cumsum": (lambda a: axes(a, {"dtype": np.float64}), 0),
    "diagonal": (lambda a: [((), {}), ((1,), {}), ((0, -1, 0), {})], 2),
    "dot": (lambda a: [((np.ones(a.shape[-1], a.dtype),), {}), ((np.ones((a.shape[-1], 2), a.dtype),), {})], 1),
    "flatten": (lambda a: [((), {}), (("F",), {})], 0),
    "getfield": (lambda a: [((a.dtype, 0), {})], 0),
    "item": (lambda a: [((0,), {}), ((-1,), {})], 0),
    "max": (lambda a: axes(a, KEEP), 0),
    "mean": (lambda a: axes(a, KEEP, {"dtype": np.float64}), 0),
    "min": (lambda a: axes(a, KEEP, {"initial": 5}), 0),
    "nonzero": (lambda a: [((), {})], 1),
    "prod": (lambda a: axes(a, KEEP), 0),
    "ravel": (lambda a: [((), {}), (("F",), {}), (("K",), {})], 0),
    "repeat": (lambda a: [((2,), {}), ((2,), {"axis": 0})] if a.ndim else [((2,), {})], 0),
    "reshape": (lambda a: [((-1,), {}), ((a.size, 1), {"order": "F"})]
                + ([(((-1,),), {"copy": True})] if NUMPY_2_1 else []), 0),  # copy=: NumPy 2.1's
    "round": (lambda a: [((1,), {}), ((), {"decimals": -1})], 0),
    "searchsorted": (lambda a: [((1,), {}), (([0, 3],), {"side": "right"})], 1),
    "squeeze": (lambda a: [((), {})] + ([((0,), {})] if a.ndim and a.shape[0] == 1 else []), 0),
    "std": (lambda a: axes(a, {"ddof": 1}), 0),
    "sum": (lambda a: axes(a, KEEP, {"dtype": np.float64}), 0),
    "swapaxes": (lambda a: [((0, -1), {})], 1),
    "take": (lambda a: [(([0],), {}), (([0, -1],), {"axis": 0}), ((0,), {})], 0),
    "tobytes": (lambda a: [((), {}), (("F",), {})], 0),
    "tolist": (lambda a: [((), {})], 0),
    "trace": (lambda a: [((), {}), ((1,), {})], 2),
    "transpose": (lambda a: [((), {}), (tuple(range(a.ndim))[::-1], {})], 0),
    "var": (lambda a: axes(a), 0),
    "view": (lambda a: [((), {}), ((a.dtype,), {})], 0),
}
#: Methods that exist to leave the array world: Python values, compared as such.
PYTHON_VALUES = {"item", "tolist", "tobytes"}
#: Methods that write into the array: compared by the array's contents afterwards.
IN_PLACE: dict[str, Variants] = {
    "fill": lambda a: [((a.reshape(-1)[0] if a.size else 0,), {})],
    "partition": lambda a: [((0,), {})] if a.ndim and a.shape[-1] else [],
    "put": lambda a: [(([0], [a.reshape(-1)[-1]]), {})] if a.size else [],
    "resize": lambda a: [((a.size,), {"refcheck": False})],
    "setfield": lambda a: [((a.reshape(-1)[0] if a.size else 0, a.dtype), {})],
    "sort": lambda a: [((), {})] + ([((), {"axis": 0})] if a.ndim else []),
    "byteswap": lambda a: [((True,), {})],
}
OTHER = {"dump", "dumps", "tofile", "to_device", "setflags"}
OTHER |= {"tostring"} & set(dir(np.ndarray))  # NumPy < 2.3 only, deprecated: use tobytes


def tagged_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The same arguments with ndarrays (also inside lists) given as tagged arrays."""
    def tag(v: Any) -> Any:
        if isinstance(v, np.ndarray):
            return sa.asarray(v)
        if isinstance(v, list) and any(isinstance(i, np.ndarray) for i in v):
            return [tag(i) for i in v]
        return v
    return tuple(tag(a) for a in args), {k: tag(v) for k, v in kwargs.items()}


@pytest.mark.parametrize("name", sorted(METHODS))
@given(data=st.data())
def test_methods_against_numpy(name: str, data: st.DataObject) -> None:
    variants, min_dims = METHODS[name]
    raw = data.draw(arrays(dtypes=ALL_DTYPES, min_dims=min_dims, max_side=4, special=True, layouts=EVERY_LAYOUT))
    if name == "searchsorted" and raw.dtype.kind not in "OcMm":
        raw = np.sort(raw.ravel())
    if name == "choose":  # an index array into the choices
        raw = (raw.astype(bool) if raw.dtype.kind not in "USMmO" else np.ones(raw.shape, bool)).astype(np.intp)
    owner = data.draw(OWNERS)
    tagged, memory, base = tagged_and_memory(raw, owner)
    for args, kwargs in variants(memory):
        note(f"{name}(*{args!r}, **{kwargs!r}) on {memory!r}")
        targs, tkwargs = tagged_arguments(args, kwargs)
        theirs = outcome(getattr(memory, name), *args, **kwargs)
        ours = outcome(getattr(tagged, name), *targs, **tkwargs)
        same_outcome(ours, theirs)
        if not theirs[0]:
            continue
        expected, result = theirs[1], ours[1]
        if expected is memory:  # NumPy returned the array itself (conj of a real array, ...)
            assert result is tagged
        elif name in PYTHON_VALUES:
            same_python_value(result, expected)
        else:
            assert_matches(result, expected, memory)
            for r in result if isinstance(result, (tuple, list)) else [result]:
                if isinstance(r, sa.View):
                    assert base_is(r, base)


@pytest.mark.parametrize("name", sorted(IN_PLACE))
@given(data=st.data())
def test_in_place_methods_against_numpy(name: str, data: st.DataObject) -> None:
    raw = data.draw(arrays(dtypes=ALL_DTYPES, max_side=4, special=True))
    for args, kwargs in IN_PLACE[name](raw):
        expected = np.array(raw)  # the layout of sa.array(raw): resize follows memory order
        c = sa.array(raw)
        theirs = outcome(getattr(expected, name), *args, **kwargs)
        ours = outcome(getattr(c, name), *args, **kwargs)
        same_outcome(ours, theirs)
        if theirs[0]:
            assert_same_array(c, expected)
            if theirs[1] is None:
                assert ours[1] is None
            else:  # byteswap(inplace=True) returns the array itself
                assert theirs[1] is expected and ours[1] is c


@pytest.mark.parametrize("name", sorted(METHODS))
def test_methods_with_out_give_the_out_array_back(name: str) -> None:
    """``out=`` (where a method takes it): NumPy returns ``out``; safearray the tagged ``out``."""
    raw = np.arange(1.0, 7.0).reshape(2, 3)
    if name == "choose":
        raw = np.array([[0, 1, 0], [1, 0, 1]])
    variants = METHODS[name][0](raw)
    args, kwargs = variants[-1] if name not in ("clip", "round", "take") else variants[0]
    try:
        expected = getattr(raw, name)(*args, **kwargs)
    except Exception:  # noqa: BLE001
        pytest.skip("no plain call to copy the shape from")
    if not isinstance(expected, np.ndarray) or name in ("astype", "copy", "transpose", "view", "reshape",
                                                         "ravel", "flatten", "squeeze", "swapaxes", "diagonal",
                                                         "getfield", "argpartition", "argsort", "searchsorted",
                                                         "repeat", "compress", "nonzero"):
        pytest.skip(f"{name} takes no out=")
    for out_raw in (np.empty_like(expected), np.zeros(expected.shape, expected.dtype, order="F")):
        out_sa = sa.array(out_raw)
        theirs = outcome(getattr(raw, name), *args, out=out_raw, **kwargs)
        ours = outcome(getattr(sa.array(raw), name), *tagged_arguments(args, {})[0], out=out_sa, **kwargs)
        same_outcome(ours, theirs)
        if theirs[0]:
            assert theirs[1] is out_raw and ours[1] is out_sa
            assert_same_array(out_sa, out_raw)


def test_every_ndarray_method_has_a_row() -> None:
    public = {m for m in dir(np.ndarray) if not m.startswith("_") and callable(getattr(np.ndarray, m))}
    assert public - set(IN_PLACE) - OTHER - set(METHODS) == set()
    for name in public - OTHER:
        assert callable(getattr(sa.SafeArray, name)), name


@given(raw=arrays(dtypes=ALL_DTYPES, layouts=EVERY_LAYOUT), owner=OWNERS)
def test_byteswap_copy(raw: np.ndarray, owner: str) -> None:
    x, memory, _ = tagged_and_memory(raw, owner)
    ours, theirs = outcome(x.byteswap), outcome(memory.byteswap)
    same_outcome(ours, theirs)
    if theirs[0]:
        assert isinstance(ours[1], sa.Copy)
        assert_same_array(ours[1], theirs[1])
        assert_tag_is_true(ours[1], memory)


def test_flat_reads_like_numpy_and_its_writes_are_judged() -> None:
    raw = np.arange(6).reshape(2, 3)
    c = sa.array(raw)
    assert list(c.flat) == list(raw.flat)
    c.flat[0] = 9
    assert int(c[0, 0]) == 9
    view = c[1:]
    assert list(view.flat) == [3, 4, 5]
    with pytest.warns(sa.SharedWriteWarning, match=r"\.flat\[\.\.\.\] = \.\.\. writes through a View"):
        view.flat[0] = 1
    assert int(c[1, 0]) == 1  # NumPy's flat iterator writes into the memory it iterates


# --------------------------------------------------------------------------------------
# base


@given(raw=arrays(min_dims=1, min_side=1, layouts=EVERY_LAYOUT), owner=OWNERS)
def test_base_is_the_owner_and_chains_never_grow(raw: np.ndarray, owner: str) -> None:
    x, memory, base = tagged_and_memory(raw, owner)
    steps: list[Callable[[Any], Any]] = [
        lambda a: a[...], lambda a: a.T, lambda a: a[::-1], lambda a: a[None], lambda a: a.view(),
        lambda a: a.swapaxes(0, -1), lambda a: a.transpose(), lambda a: a[1:], lambda a: a.squeeze(),
        lambda a: a.readonly(), lambda a: a.with_policy("allow"), lambda a: a.reshape(a.shape),
    ]
    v = x
    for step in steps:
        v = step(v)
        assert isinstance(v, sa.View) and base_is(v, base)
        assert_tag_is_true(v, memory)
    assert sa.asarray(v) is v
    if owner == "copy":
        assert x.base is None


def test_complex_parts_are_views_for_every_complex_type() -> None:
    for dt in COMPLEX_DTYPES:
        c = sa.array(np.array([1 + 2j, 3 - 4j], dtype=dt))
        for part, expected in ((c.real, [1, 3]), (c.imag, [2, -4])):
            assert isinstance(part, sa.View) and base_is(part, c)
            np.testing.assert_array_equal(np.asarray(part), expected)
