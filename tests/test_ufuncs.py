"""Every ufunc and its methods on SafeArrays, against NumPy on the same memory.

The ufuncs are all the ``numpy.ufunc`` objects of NumPy's namespace (and of
``numpy.strings``). For each one, every inner loop (``ufunc.types``: bool, each integer and
float width, complex, datetime, object) is called on tagged arrays, through NumPy's
``__array_ufunc__`` dispatch (``np.f(x)``) and through the mirror (``sa.f(x)``); values,
dtype and shape equal NumPy's on the very same memory, errors are the same, and every
array of the result is tagged as ``np.shares_memory`` says. ``out=`` gives back the out
array itself; ``reduce``, ``accumulate``, ``reduceat``, ``outer`` and ``at`` are checked the
same way.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import safearray as sa
from safearray._namespace import ufunc as mirrored_ufunc
from tests._asserts import assert_matches, assert_same_array

UFUNCS: list[np.ufunc] = sorted(
    {obj for name in dir(np) if isinstance(obj := getattr(np, name), np.ufunc)}, key=lambda u: u.__name__
)
STRING_UFUNCS = [getattr(np.strings, n) for n in np.strings.__all__ if isinstance(getattr(np.strings, n), np.ufunc)]
#: Generalized ufuncs: core shapes of their inputs, as functions of (n, m).
CORE_SHAPES: dict[str, Callable[[int, int], list[tuple[int, ...]]]] = {
    "matmul": lambda n, m: [(n, m), (m, n)],
    "vecdot": lambda n, m: [(n, m), (m,)],
    "matvec": lambda n, m: [(n, m), (m,)],
    "vecmat": lambda n, m: [(m,), (m, n)],
}
BINARY = [u for u in UFUNCS if u.nin == 2 and u.nout == 1 and u.signature is None]


def loops(ufunc: np.ufunc) -> list[list[np.dtype[Any]]]:
    """The input dtypes of each inner loop of ``ufunc`` (datetimes in seconds)."""
    result = []
    for types in ufunc.types:
        codes = types.split("->")[0]
        result.append([np.dtype(f"{c}8[s]") if c in "Mm" else np.dtype(c) for c in codes])
    return result


def elements(dtype: np.dtype[Any]) -> st.SearchStrategy[Any]:
    """Any value of ``dtype``: NaN, infinities, extremes; datetimes around the epoch."""
    if dtype.kind in "Mm":
        return st.integers(-(10**10), 10**10).map(lambda v: np.int64(v).astype(dtype))
    if dtype.kind == "O":
        return st.integers(-5, 5)
    if dtype.kind == "f" and dtype.itemsize > 8:  # hypothesis draws longdouble as float64
        return st.floats()
    if dtype.kind == "c" and dtype.itemsize > 16:
        return st.complex_numbers()
    return hnp.from_dtype(dtype)


def operands(dtypes: list[np.dtype[Any]], shapes: list[tuple[int, ...]]) -> st.SearchStrategy[list[np.ndarray]]:
    def one(dtype: np.dtype[Any], shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
        if dtype.kind == "O":
            return st.lists(elements(dtype), min_size=int(np.prod(shape)), max_size=int(np.prod(shape))).map(
                lambda v: np.array(v + [None], dtype=object)[:-1].reshape(shape))
        return hnp.arrays(dtype, shape, elements=elements(dtype))

    return st.tuples(*[one(d, s) for d, s in zip(dtypes, shapes)]).map(list)


def quietly(fn: Callable[[], Any]) -> tuple[Any, type[BaseException] | None]:
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return fn(), None
    except (TypeError, ValueError, OverflowError, ZeroDivisionError, AttributeError) as exc:
        return None, type(exc)


def tagged_forms(raws: list[np.ndarray], layout: str) -> tuple[list[Any], list[np.ndarray]]:
    """SafeArrays holding ``raws``: Copies, or Views (reversed, in a larger buffer)."""
    if layout == "copies":
        tagged = [sa.array(r) for r in raws]
    else:
        tagged = [sa.array(np.concatenate([r, r], axis=0) if r.ndim else r)[::-1][: len(r)][::-1]
                  if r.ndim else sa.array(r) for r in raws]
    memory = [np.asarray(t) for t in tagged]
    for m, r in zip(memory, raws):
        assert np.array_equal(m, r, equal_nan=m.dtype.kind in "fc") or m.dtype.kind == "O"
    return tagged, memory


def shapes_of(ufunc: np.ufunc, n: int, m: int) -> list[tuple[int, ...]]:
    if ufunc.signature is not None:
        return CORE_SHAPES[ufunc.__name__](n, m)
    return [(n,)] * ufunc.nin


def check_call(ufunc: np.ufunc, tagged: list[Any], memory: list[np.ndarray]) -> None:
    expected, error = quietly(lambda: ufunc(*memory))
    for label, f in (("numpy dispatch", ufunc), ("safearray mirror", getattr(sa, ufunc.__name__))):
        result, our_error = quietly(lambda: f(*tagged))
        assert our_error is error, (label, our_error, error)
        if error is None:
            assert_matches(result, expected, *memory)


def test_the_ufunc_list_is_numpys() -> None:
    assert len(UFUNCS) >= 90 and np.add in UFUNCS and np.matmul in UFUNCS
    assert {u.__name__ for u in UFUNCS if u.signature} == set(CORE_SHAPES)


@pytest.mark.parametrize("ufunc", UFUNCS, ids=lambda u: u.__name__)
def test_every_loop_of_every_ufunc(ufunc: np.ufunc) -> None:
    """Each inner loop once, with small positive values (so that no loop only raises)."""
    for dtypes in loops(ufunc):
        raws = []
        for d, shape in zip(dtypes, shapes_of(ufunc, 3, 3)):
            values = np.arange(1, 1 + int(np.prod(shape))).reshape(shape) % 4 + 1
            raws.append(values.astype(object) if d.kind == "O" else values.astype(d))
        for layout in ("copies", "views"):
            check_call(ufunc, *tagged_forms(raws, layout))


@pytest.mark.parametrize("ufunc", UFUNCS, ids=lambda u: u.__name__)
@settings(max_examples=8)
@given(data=st.data())
def test_every_ufunc_on_generated_values(ufunc: np.ufunc, data: st.DataObject) -> None:
    dtypes = data.draw(st.sampled_from(loops(ufunc)), label="loop")
    n, m = data.draw(st.integers(0, 4)), data.draw(st.integers(1, 3))
    raws = data.draw(operands(dtypes, shapes_of(ufunc, n, m)), label="inputs")
    check_call(ufunc, *tagged_forms(raws, data.draw(st.sampled_from(["copies", "views"]))))


@pytest.mark.parametrize("ufunc", STRING_UFUNCS, ids=lambda u: u.__name__)
@pytest.mark.parametrize("dtype", [np.dtype("U4"), np.dtype("S4"), np.dtypes.StringDType()], ids=str)
def test_string_ufuncs(ufunc: np.ufunc, dtype: Any) -> None:
    raws = [np.array(["ab", "C d", "12", ""], dtype=dtype), np.array(["ab", "x", "3", ""], dtype=dtype)][: ufunc.nin]
    expected, error = quietly(lambda: ufunc(*raws))
    tagged = [sa.array(r) for r in raws]
    memory = [np.asarray(t) for t in tagged]
    for f in (ufunc, getattr(sa.strings, ufunc.__name__)):
        result, our_error = quietly(lambda: f(*tagged))
        assert our_error is error
        if error is None:
            assert_matches(result, expected, *memory)


# --------------------------------------------------------------------------------------
# out=


@pytest.mark.parametrize("ufunc", UFUNCS, ids=lambda u: u.__name__)
def test_out_returns_the_out_arrays_themselves(ufunc: np.ufunc) -> None:
    for dtypes in loops(ufunc):
        if any(d.kind == "O" for d in dtypes):
            continue
        raws = [(np.arange(int(np.prod(s))).reshape(s) % 3 + 1).astype(d)
                for d, s in zip(dtypes, shapes_of(ufunc, 2, 3))]
        expected, error = quietly(lambda: ufunc(*raws))
        if error is not None:
            continue
        expected = expected if isinstance(expected, tuple) else (expected,)
        for how in ("keyword", "tuple", "positional", "view"):
            if how == "view":  # out= a View: a write through it, into its base
                bases = [sa.zeros((2, *e.shape), dtype=e.dtype) for e in expected]
                outs = [b[1] for b in bases]
            else:
                outs = [sa.zeros(e.shape, dtype=e.dtype) for e in expected]
            tagged = [sa.array(r) for r in raws]
            if how == "positional" and ufunc in (np.maximum, np.minimum):
                continue  # NumPy deprecates their positional out
            with sa.policy("allow"), np.errstate(all="ignore"):
                if how == "positional":
                    result = ufunc(*tagged, *outs)
                elif how == "keyword" and len(outs) == 1:
                    result = ufunc(*tagged, out=outs[0])
                else:
                    result = ufunc(*tagged, out=tuple(outs))
            results = result if isinstance(result, tuple) else (result,)
            assert len(results) == len(outs)
            for r, o, e in zip(results, outs, expected):
                assert r is o, (ufunc.__name__, dtypes, how)
                assert_same_array(o, e)
            if how == "view":
                for b, e in zip(bases, expected):
                    assert_same_array(b[1], e)
                    assert not np.asarray(b[0]).any()


def test_out_through_a_view_is_a_judged_write() -> None:
    data = sa.zeros(6)
    head, tail = data[:3], data[3:]
    with pytest.warns(sa.SharedWriteWarning, match=r"np\.add\(out=\.\.\.\)"):
        np.add(sa.arange(3.0), 1.0, out=head)
    with sa.policy("raise"), pytest.raises(sa.SharedWriteError):
        sa.multiply(sa.arange(3.0), 2.0, out=tail)
    assert data.tolist() == [1.0, 2.0, 3.0, 0.0, 0.0, 0.0]
    with sa.policy("raise"):  # a temporary View of the Copy: a write into data itself
        sa.multiply(sa.arange(3.0), 2.0, out=data[3:])
        sa.negative(data[:3], data[:3])
    assert data.tolist() == [-1.0, -2.0, -3.0, 0.0, 2.0, 4.0]


def test_out_of_the_wrong_shape_fails_as_in_numpy() -> None:
    _, expected = quietly(lambda: np.add(np.arange(3.0), 1.0, out=np.zeros(4)))
    _, ours = quietly(lambda: np.add(sa.arange(3.0), 1.0, out=sa.zeros(4)))
    assert ours is expected is ValueError


@given(raw=hnp.arrays(np.float64, 5, elements=st.floats(-5, 5)), mask=hnp.arrays(np.bool_, 5))
def test_where_keeps_the_out_values_where_false(raw: np.ndarray, mask: np.ndarray) -> None:
    expected = np.full(5, -1.0)
    out = sa.full(5, -1.0)
    with np.errstate(invalid="ignore"):
        np.sqrt(raw, out=expected, where=mask)
        result = np.sqrt(sa.array(raw), out=out, where=sa.array(mask))
    assert result is out
    np.testing.assert_array_equal(np.asarray(out), expected)


# --------------------------------------------------------------------------------------
# methods


#: ``(label, call(ufunc, array))`` for each method of a binary ufunc.
METHODS: list[tuple[str, Callable[[Any, Any], Any]]] = [
    ("reduce axis=0", lambda u, a: u.reduce(a, axis=0)),
    ("reduce axis=None", lambda u, a: u.reduce(a, axis=None)),
    ("reduce keepdims", lambda u, a: u.reduce(a, axis=1, keepdims=True)),
    ("accumulate", lambda u, a: u.accumulate(a, axis=1)),
    ("reduceat", lambda u, a: u.reduceat(a, [0, 2, 1], axis=1)),
    ("outer", lambda u, a: u.outer(a[0], a[-1])),
    ("outer 2-d", lambda u, a: u.outer(a, a[0])),
]


@pytest.mark.parametrize("ufunc", BINARY, ids=lambda u: u.__name__)
def test_methods_of_every_binary_ufunc_on_every_loop(ufunc: np.ufunc) -> None:
    mirror = getattr(sa, ufunc.__name__)
    for dtypes in loops(ufunc):
        raw = (np.arange(12).reshape(3, 4) % 5 + 1).astype(dtypes[0] if dtypes[0].kind != "O" else object)
        for layout in ("copies", "views"):
            (x,), (memory,) = tagged_forms([raw], layout)
            for label, call in METHODS:
                expected, error = quietly(lambda: call(ufunc, memory))
                for f in (ufunc, mirror):
                    result, our_error = quietly(lambda: call(f, x))
                    assert our_error is error, (label, dtypes, our_error, error)
                    if error is None:
                        assert_matches(result, expected, memory)


@pytest.mark.parametrize("ufunc", BINARY, ids=lambda u: u.__name__)
@settings(max_examples=5)
@given(data=st.data())
def test_methods_on_generated_values(ufunc: np.ufunc, data: st.DataObject) -> None:
    dtypes = data.draw(st.sampled_from(loops(ufunc)), label="loop")
    rows, cols = data.draw(st.integers(1, 3)), data.draw(st.integers(3, 4))
    (raw,) = data.draw(operands(dtypes[:1], [(rows, cols)]), label="array")
    (x,), (memory,) = tagged_forms([raw], data.draw(st.sampled_from(["copies", "views"])))
    for label, call in METHODS[:5]:
        expected, error = quietly(lambda: call(ufunc, memory))
        result, our_error = quietly(lambda: call(ufunc, x))
        assert our_error is error, (label, our_error, error)
        if error is None:
            assert_matches(result, expected, memory)


@pytest.mark.parametrize("ufunc", [u for u in UFUNCS if u.signature is None and u.nout == 1],
                         ids=lambda u: u.__name__)
def test_at_writes_in_place_as_numpy(ufunc: np.ufunc) -> None:
    for dtypes in loops(ufunc):
        raw = (np.arange(6) % 4 + 1).astype(dtypes[0] if dtypes[0].kind != "O" else object)
        operand = [(np.arange(3) % 2 + 1).astype(d if d.kind != "O" else object) for d in dtypes[1:]]
        x = sa.array(raw)
        tagged_operand = [sa.array(o) for o in operand]
        _, error = quietly(lambda: ufunc.at(raw, [0, 0, 4], *operand))
        result, our_error = quietly(lambda: getattr(sa, ufunc.__name__).at(x, sa.asarray([0, 0, 4]), *tagged_operand))
        assert our_error is error, (dtypes, our_error, error)
        if error is None:
            assert result is None
            assert_same_array(x, raw)


def test_at_through_a_view_is_a_judged_write() -> None:
    data = sa.zeros(4)
    with pytest.warns(sa.SharedWriteWarning, match=r"np\.add\.at\(\)"):
        np.add.at(data[1:], [0, 0], 1.0)
    assert data.tolist() == [0.0, 2.0, 0.0, 0.0]
    with sa.policy("raise"), pytest.raises(sa.SharedWriteError):
        sa.add.at(data[1:], [0], 1.0)
    assert data.tolist() == [0.0, 2.0, 0.0, 0.0]


def test_reduce_with_out_returns_the_out_array() -> None:
    x = sa.arange(6.0).reshape(2, 3)
    out = sa.zeros(3)
    assert np.add.reduce(x, axis=0, out=out) is out
    assert sa.multiply.accumulate(x[0], out=out) is out
    np.testing.assert_array_equal(np.asarray(out), np.multiply.accumulate(np.arange(3.0)))


# --------------------------------------------------------------------------------------
# the mirror


def test_ufunc_mirror_keeps_numpys_attributes() -> None:
    for ufunc in UFUNCS:
        mirror = getattr(sa, ufunc.__name__)
        assert type(mirror) is mirrored_ufunc
        for attr in ("nin", "nout", "nargs", "ntypes", "types", "identity", "signature", "__doc__"):
            assert getattr(mirror, attr) == getattr(ufunc, attr), (ufunc.__name__, attr)
        assert ufunc.__name__ in repr(mirror)
    # isinstance checks of drop-in code hold for both kinds of ufunc
    assert isinstance(sa.fmin, sa.ufunc) and isinstance(np.fmin, sa.ufunc)
    assert issubclass(np.ufunc, sa.ufunc) and not isinstance(len, sa.ufunc)


def test_ufuncs_on_lists_and_scalars_give_what_numpy_gives() -> None:
    assert isinstance(sa.sqrt([4.0, 9.0]), sa.Copy)
    assert_matches(sa.sqrt([4.0, 9.0]), np.sqrt([4.0, 9.0]))
    for result, expected in ((sa.add(1, 2), np.add(1, 2)), (sa.add.reduce([1, 2, 3]), np.add.reduce([1, 2, 3]))):
        assert type(result) is type(expected) and result == expected  # NumPy's scalars


def test_unknown_array_types_are_left_to_decide() -> None:
    class Other:
        def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
            return "other"

    assert np.add(sa.arange(2), Other()) == "other"
    assert sa.add(sa.arange(2), Other()) == "other"
