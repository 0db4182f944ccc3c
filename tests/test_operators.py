"""Every Python operator, with every kind of operand, promotes exactly as NumPy 2 (NEP 50)."""

from __future__ import annotations

import operator
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import safearray as sa
from tests._asserts import assert_same_array

BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "@": operator.matmul,
    "&": operator.and_, "|": operator.or_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift,
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
    "!=": operator.ne, "divmod": divmod,
}
INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "&=": operator.iand,
    "|=": operator.ior, "^=": operator.ixor, "<<=": operator.ilshift, ">>=": operator.irshift,
}
UNARY: dict[str, Callable[[Any], Any]] = {"-": operator.neg, "+": operator.pos, "~": operator.invert, "abs": abs}

DTYPES = [np.dtype(t) for t in ("int8", "int64", "uint8", "float32", "float64", "complex64", "bool")]
OTHERS = ["same array", "ndarray", "0-d ndarray", "python int", "python float", "python complex",
          "python bool", "numpy scalar", "0-d safearray", "list"]


def make_other(kind: str, raw: np.ndarray, dtype: np.dtype[Any]) -> Any:
    return {
        "same array": raw,
        "ndarray": np.ones(raw.shape, dtype=dtype),
        "0-d ndarray": np.asarray(2, dtype=dtype),
        "python int": 2,
        "python float": 2.0,
        "python complex": 2j,
        "python bool": True,
        "numpy scalar": dtype.type(2),
        "0-d safearray": np.asarray(3, dtype=dtype),
        "list": [1] * raw.shape[-1],
    }[kind]


def outcome(fn: Callable[[], Any]) -> tuple[Any, type[BaseException] | None]:
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            return fn(), None
    except (TypeError, ValueError, ZeroDivisionError) as exc:
        return None, type(exc)


def as_tagged(x: Any, kind: str) -> Any:
    return sa.array(x) if kind in ("same array", "0-d safearray") else x


def check(result: Any, expected: Any) -> None:
    if isinstance(expected, tuple):
        assert isinstance(result, tuple) and len(result) == len(expected)
        for r, e in zip(result, expected):
            check(r, e)
        return
    assert isinstance(result, sa.Copy), type(result)
    assert_same_array(result, expected)


@pytest.mark.parametrize("symbol", list(BINARY))
@settings(max_examples=25)
@given(
    dtype=st.sampled_from(DTYPES),
    other_dtype=st.sampled_from(DTYPES),
    kind=st.sampled_from(OTHERS),
    data=st.data(),
)
def test_binary_operators_promote_as_numpy(symbol: str, dtype: Any, other_dtype: Any, kind: str, data: st.DataObject) -> None:
    op = BINARY[symbol]
    n = 3
    raw = data.draw(hnp.arrays(dtype, (n, n) if symbol == "@" else (n,), elements=None if dtype.kind == "b" else st.integers(1, 5).map(dtype.type)))
    other = make_other(kind, raw, other_dtype)
    x = sa.array(raw)
    for left, right, tagged_left, tagged_right in (
        (raw, other, x, as_tagged(other, kind)),
        (other, raw, as_tagged(other, kind), x),
    ):
        expected, error = outcome(lambda: op(left, right))
        result, our_error = outcome(lambda: op(tagged_left, tagged_right))
        assert our_error == error, (symbol, kind, our_error, error)
        if error is None:
            check(result, expected)


@pytest.mark.parametrize("symbol", list(INPLACE))
@given(dtype=st.sampled_from(DTYPES), kind=st.sampled_from(OTHERS), other_dtype=st.sampled_from(DTYPES))
def test_inplace_operators_return_the_array_itself(symbol: str, dtype: Any, kind: str, other_dtype: Any) -> None:
    op = INPLACE[symbol]
    raw = np.arange(1, 4).astype(dtype)
    other = make_other(kind, raw, other_dtype)
    x = sa.array(raw)
    expected, error = outcome(lambda: op(raw.copy(), other))
    result, our_error = outcome(lambda: op(x, as_tagged(other, kind)))
    assert our_error == error
    if error is None:
        assert result is x
        assert_same_array(x, expected)


@pytest.mark.parametrize("symbol", list(UNARY))
@pytest.mark.parametrize("dtype", DTYPES)
def test_unary_operators(symbol: str, dtype: Any) -> None:
    raw = np.arange(-2, 2).astype(dtype)
    expected, error = outcome(lambda: UNARY[symbol](raw))
    result, our_error = outcome(lambda: UNARY[symbol](sa.asarray(raw)))
    assert our_error == error
    if error is None:
        check(result, expected)


def test_scalar_results_are_0d_copies() -> None:
    v = sa.arange(3.0)
    r = v @ v
    assert isinstance(r, sa.Copy) and r.shape == () and float(r) == 5.0
    assert isinstance(sa.asarray(2.0) + 1, sa.Copy)


def test_results_are_copies_even_from_views() -> None:
    data = sa.arange(6.0)
    r = data[1:4] * 2
    assert isinstance(r, sa.Copy)
    assert not np.shares_memory(np.asarray(r), np.asarray(data))


def test_arrays_are_unhashable_like_ndarrays() -> None:
    with pytest.raises(TypeError):
        hash(sa.arange(3))


def test_operators_defer_to_other_array_types() -> None:
    class Other:
        __array_ufunc__ = None

        def __radd__(self, other: Any) -> str:
            return "other"

    assert sa.arange(2) + Other() == "other"
