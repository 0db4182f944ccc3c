"""Every Python operator, with every kind of operand, promotes exactly as NumPy 2 (NEP 50).

Two kinds of tests, NumPy on the same values being the oracle each time:

* exhaustive over dtypes: for each operator, every pair (array dtype, operand) where the
  operand is an ndarray, a 0-d ndarray, a NumPy scalar, a SafeArray (0-d or not) of each of
  the 16 numeric/bool dtypes, or a Python int (small, negative, out of range), float,
  complex, bool, list, None or str, on both sides. Result dtype, shape, values and the
  error raised (NEP 50 raises OverflowError for ``uint8 + 300``) equal NumPy's; results are
  Copies sharing memory with no input;
* generated values (hypothesis): arrays of any layout holding 0, negatives, NaN and
  infinities, so that division by zero, negative shifts and powers behave as NumPy's.
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import safearray as sa
from tests._asserts import NUMPY_2_1, assert_same_array, assert_tag_is_true
from tests.strategies import COMPLEX_DTYPES, FLOAT_DTYPES, INT_DTYPES, arrays

BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "@": operator.matmul,
    "&": operator.and_, "|": operator.or_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
    "!=": operator.ne, "divmod": divmod,
}
INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "@=": operator.imatmul,
    "&=": operator.iand, "|=": operator.ior, "^=": operator.ixor, "<<=": operator.ilshift,
    ">>=": operator.irshift,
}
UNARY: dict[str, Callable[[Any], Any]] = {"-": operator.neg, "+": operator.pos, "~": operator.invert, "abs": abs}

DTYPES = [np.dtype(np.bool_), *INT_DTYPES, *FLOAT_DTYPES, *COMPLEX_DTYPES]
SHAPE = (3, 3)
PYTHON_OPERANDS: list[tuple[str, Any]] = [
    ("python int", 2), ("python negative int", -1), ("python int out of int8", 300),
    ("python int out of int64", 2**70), ("python float", 2.5), ("python complex", 1 + 2j),
    ("python bool", True), ("list", [1, 2, 3]), ("nested list", [[1], [2], [3]]), ("None", None),
    ("str", "a"),
]


def operands(dtype: np.dtype[Any]) -> list[tuple[str, Any, Any]]:
    """``(label, value NumPy gets, value safearray gets)`` for every operand kind of ``dtype``."""
    full = np.full(SHAPE, 2, dtype=dtype)
    zero_d = np.asarray(2, dtype=dtype)
    wide = np.full((SHAPE[0], 2 * SHAPE[1]), 2, dtype=dtype)
    return [
        (f"ndarray {dtype}", full, full),
        (f"0-d ndarray {dtype}", zero_d, zero_d),
        (f"numpy scalar {dtype}", dtype.type(2), dtype.type(2)),
        (f"SafeArray {dtype}", full, sa.array(full)),
        (f"0-d SafeArray {dtype}", zero_d, sa.array(zero_d)),
        (f"strided SafeArray View {dtype}", wide[:, ::2], sa.array(wide)[:, ::2]),
    ]


#: NumPy 2.0 crashes the interpreter (infinite C recursion, segfault) on a bitwise operator
#: between a long double (real or complex) and an object operand, e.g. ``np.longdouble(1) | None``
#: (numpy/numpy#26767, fixed in 2.1 by numpy/numpy#26904); safearray hands the operands to NumPy.
NUMPY_CRASHES = (set() if NUMPY_2_1 else
                 {(s, np.dtype(t), "None") for s in ("&", "|", "^", "<<", ">>") for t in (np.longdouble, np.clongdouble)})


def outcome(fn: Callable[[], Any]) -> tuple[Any, type[BaseException] | None]:
    """The result of ``fn()``, or the type of the exception it raised."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            return fn(), None
    except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
        return None, type(exc)


def undefined_power(symbol: str, left: Any, right: Any) -> bool:
    """``int ** negative int`` on arrays: NumPy's integer loop gives an undefined value (0 ** -1)."""
    if symbol not in ("**", "**="):
        return False
    kinds = [np.asarray(v).dtype.kind for v in (left, right)]
    return all(k in "iub" for k in kinds) and bool(np.any(np.asarray(right) < 0))


def mismatch(result: Any, expected: Any, *memory: Any) -> str | None:
    """Why ``result`` differs from NumPy's ``expected`` (dtype, shape, values, tag), or None."""
    if isinstance(expected, tuple):
        if not isinstance(result, tuple) or len(result) != len(expected):
            return f"expected a tuple of {len(expected)}, got {type(result).__name__}"
        for r, e in zip(result, expected):
            why = mismatch(r, e, *memory)
            if why:
                return why
        return None
    if not isinstance(expected, (np.ndarray, np.generic)):  # str % array: Python's own result
        return None if type(result) is type(expected) and result == expected else f"got {result!r}"
    if isinstance(expected, np.generic):  # an immutable value: NumPy's scalar itself
        if type(result) is not type(expected):
            return f"got a {type(result).__name__}, NumPy gives a {type(expected).__name__}"
    elif not isinstance(result, sa.Copy):
        return f"got a {type(result).__name__}, not a Copy"
    raw, exp = np.asarray(result), np.asarray(expected)
    if (raw.dtype, raw.shape) != (exp.dtype, exp.shape):
        return f"got {raw.dtype}{raw.shape}, NumPy gives {exp.dtype}{exp.shape}"
    if not np.array_equal(raw, exp, equal_nan=raw.dtype.kind in "fc"):
        return f"values {raw.tolist()} != {exp.tolist()}"
    arrays_in = [m for m in memory if isinstance(m, np.ndarray)]
    if any(np.shares_memory(raw, m) for m in arrays_in):
        return "the result shares memory with an input"
    return None


@pytest.mark.parametrize("symbol", list(BINARY))
def test_binary_operator_promotes_as_numpy_for_every_dtype_pair(symbol: str) -> None:
    op = BINARY[symbol]
    problems = []
    checked = 0
    for dtype in DTYPES:
        raw = np.arange(1, 10).reshape(SHAPE).astype(dtype)
        x = sa.array(raw)
        mine = np.asarray(x)
        kinds = [k for d in DTYPES for k in operands(d)] + [(label, v, v) for label, v in PYTHON_OPERANDS]
        for label, plain, tagged in kinds:
            if (symbol, dtype, label) in NUMPY_CRASHES:
                continue
            for side, (left, right), (tleft, tright) in (
                ("array op other", (mine, plain), (x, tagged)),
                ("other op array", (plain, mine), (tagged, x)),
            ):
                checked += 1
                expected, error = outcome(lambda: op(left, right))
                result, our_error = outcome(lambda: op(tleft, tright))
                memory = [mine, plain, np.asarray(tagged) if isinstance(tagged, sa.SafeArray) else plain]
                if our_error is not error:
                    why: str | None = f"raised {our_error}, NumPy raises {error}"
                else:
                    why = None if error else mismatch(result, expected, *memory)
                if why:
                    problems.append(f"{dtype} {symbol} {label} ({side}): {why}")
    skipped = sum(crash[0] == symbol for crash in NUMPY_CRASHES)
    assert checked >= 2 * len(DTYPES) * (6 * len(DTYPES) + len(PYTHON_OPERANDS)) - 2 * skipped
    assert not problems, f"{len(problems)} of {checked} differ from NumPy:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("symbol", list(INPLACE))
def test_inplace_operator_returns_the_array_itself_for_every_dtype_pair(symbol: str) -> None:
    op = INPLACE[symbol]
    problems = []
    for dtype in DTYPES:
        kinds = [k for d in DTYPES for k in operands(d)] + [(label, v, v) for label, v in PYTHON_OPERANDS]
        for label, plain, tagged in kinds:
            raw = np.arange(1, 10).reshape(SHAPE).astype(dtype)
            x = sa.array(raw)
            expected, error = outcome(lambda: op(raw, plain))
            result, our_error = outcome(lambda: op(x, tagged))
            if our_error is not error:
                problems.append(f"{dtype} {symbol} {label}: raised {our_error}, NumPy raises {error}")
            elif error is None and result is not x:
                problems.append(f"{dtype} {symbol} {label}: returned {type(result).__name__}, not the array")
            # after an error too: NumPy leaves the array as it is, and so must safearray
            elif not np.array_equal(np.asarray(x), raw, equal_nan=True) or x.dtype != raw.dtype:
                problems.append(f"{dtype} {symbol} {label}: {np.asarray(x).tolist()} != {raw.tolist()}")
    assert not problems, f"{len(problems)} differ from NumPy:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("symbol", list(UNARY))
def test_unary_operators_for_every_dtype(symbol: str) -> None:
    for dtype in [*DTYPES, np.dtype("m8[s]"), np.dtype("O")]:
        raw = (np.arange(-2, 2) if dtype.kind not in "bu" else np.arange(4)).astype(dtype)
        expected, error = outcome(lambda: UNARY[symbol](raw))
        result, our_error = outcome(lambda: UNARY[symbol](sa.asarray(raw)))
        assert our_error is error, (dtype, our_error, error)
        if error is None:
            if dtype.kind == "O":
                assert isinstance(result, sa.Copy) and np.asarray(result).tolist() == expected.tolist()
            else:
                assert mismatch(result, expected, raw) is None, (dtype, mismatch(result, expected, raw))


# --------------------------------------------------------------------------------------
# generated values


ELEMENT_DTYPES = [np.dtype(np.bool_), *INT_DTYPES, *FLOAT_DTYPES[:3], *COMPLEX_DTYPES[:2]]


@st.composite
def scalar_operands(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["int", "float", "complex", "bool", "numpy"]))
    if kind == "int":
        return draw(st.integers(-(2**65), 2**65) | st.integers(-3, 3))
    if kind == "float":
        return draw(st.floats())
    if kind == "complex":
        return draw(st.complex_numbers(max_magnitude=1e6))
    if kind == "bool":
        return draw(st.booleans())
    dtype = draw(st.sampled_from(ELEMENT_DTYPES))
    return draw(arrays([dtype], max_dims=0))[()]


@pytest.mark.parametrize("symbol", list(BINARY))
@settings(max_examples=30)
@given(data=st.data())
def test_binary_operators_on_generated_values(symbol: str, data: st.DataObject) -> None:
    raw = data.draw(arrays(ELEMENT_DTYPES, max_dims=2), label="array")
    if data.draw(st.booleans(), label="array operand"):
        other_dtype = data.draw(st.sampled_from(ELEMENT_DTYPES))
        shape = raw.shape[::-1] if symbol == "@" else raw.shape
        other: Any = data.draw(arrays([other_dtype], max_dims=0), label="0-d") if not shape else (
            np.resize(data.draw(arrays([other_dtype], min_dims=1, max_dims=1, min_side=1)), shape))
        tagged_other: Any = sa.asarray(other) if isinstance(other, np.ndarray) else other
    else:
        other = tagged_other = data.draw(scalar_operands(), label="scalar")
    assume(not undefined_power(symbol, raw, other) and not undefined_power(symbol, other, raw))
    x = sa.asarray(raw)  # a View of the drawn memory, whatever its layout
    op = BINARY[symbol]
    for (left, right), (tleft, tright) in (((raw, other), (x, tagged_other)), ((other, raw), (tagged_other, x))):
        expected, error = outcome(lambda: op(left, right))
        result, our_error = outcome(lambda: op(tleft, tright))
        assert our_error is error, (our_error, error)
        if error is None:
            assert mismatch(result, expected, raw, other) is None, mismatch(result, expected, raw, other)


@pytest.mark.parametrize("symbol", list(INPLACE))
@settings(max_examples=30)
@given(data=st.data())
def test_inplace_operators_on_generated_views(symbol: str, data: st.DataObject) -> None:
    """``v op= other`` through a View writes into its base exactly where NumPy's would."""
    raw = data.draw(arrays(ELEMENT_DTYPES, min_dims=1, max_dims=2, min_side=1), label="array")
    other = data.draw(scalar_operands(), label="operand")
    assume(not undefined_power(symbol, raw, other))
    base = sa.array(np.concatenate([raw, raw]))
    reference = np.asarray(base).copy()
    view = base[::2]
    before = view
    expected, error = outcome(lambda: INPLACE[symbol](reference[::2], other))
    with sa.policy("allow"):
        result, our_error = outcome(lambda: INPLACE[symbol](view, other))
    assert our_error is error, (our_error, error)
    if error is None:
        assert result is before
    assert_same_array(base, reference)


def test_writes_through_views_by_inplace_operators_are_judged() -> None:
    data = sa.arange(6.0)
    v = data[:3]
    with pytest.warns(sa.SharedWriteWarning, match=r"\+="):
        v += 1
    with sa.policy("raise"), pytest.raises(sa.SharedWriteError):
        v *= 2
    assert data.tolist() == [1.0, 2.0, 3.0, 3.0, 4.0, 5.0]  # the refused write left no trace


def test_scalar_results_are_numpy_scalars() -> None:
    """Where NumPy gives a scalar (a value, sharing no memory), safearray gives the same one."""
    raw = np.arange(3.0)
    v = sa.array(raw)
    pairs = ((v @ v, raw @ raw), (v[0] + 1, raw[0] + 1), (sa.asarray(2.0) * 3, np.asarray(2.0) * 3),
             (-sa.asarray(2), -np.asarray(2)), (v.sum() > 1, raw.sum() > 1))
    for result, expected in pairs:
        assert type(result) is type(expected) and isinstance(result, np.generic)
        assert result == expected
    assert hash(v[1]) == hash(1.0) and isinstance(v.mean(), float)


def test_results_are_copies_even_from_views() -> None:
    data = sa.arange(6.0)
    for r in (data[1:4] * 2, +data[1:4], abs(data[::2]), data[1:4] + 0, divmod(data[:2], 1)[0]):
        assert_tag_is_true(r, np.asarray(data))
        assert isinstance(r, sa.Copy)


def test_three_argument_pow_is_refused_as_by_numpy() -> None:
    raw = np.arange(3)
    _, expected = outcome(lambda: pow(raw, 2, 3))
    _, ours = outcome(lambda: pow(sa.asarray(raw), 2, 3))
    assert ours is expected and expected is TypeError


def test_arrays_are_unhashable_like_ndarrays() -> None:
    with pytest.raises(TypeError):
        hash(sa.arange(3))


def test_operators_defer_to_other_array_types() -> None:
    class Other:
        __array_ufunc__ = None

        def __radd__(self, other: Any) -> str:
            return "other"

        def __rmatmul__(self, other: Any) -> str:
            return "other @"

    assert sa.arange(2) + Other() == "other"
    assert sa.arange(2) @ Other() == "other @"
