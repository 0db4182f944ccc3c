"""NumPy functions on SafeArrays, against NumPy on the same memory.

One row per function: how to build its arguments from a few generated arrays. Each row
runs twice, as ``numpy.f(tagged...)`` (dispatch through ``__array_function__``) and as
``safearray.f(tagged...)`` (the mirrored namespace); values, dtype and shape equal NumPy's
on plain ndarrays, and every array in the result is tagged as ``np.shares_memory`` says.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import safearray as sa
from tests._asserts import assert_matches


@dataclass
class Inputs:
    """The arrays a row may use: ``a`` 1-d float, ``b`` 2-d float, ``s`` square invertible,
    ``i`` 1-d small non-negative ints, ``m`` 1-d bool, ``c`` 1-d complex, ``u`` 1-d uint8."""

    a: Any
    b: Any
    s: Any
    i: Any
    m: Any
    c: Any
    u: Any


Row = Callable[[Inputs], tuple[tuple[Any, ...], dict[str, Any]]]


def r(*args: Callable[[Inputs], Any], **kwargs: Any) -> Row:
    """A row builder: positional arguments are functions of the inputs, keywords are fixed."""
    return lambda x: (tuple(f(x) for f in args), kwargs)


A = lambda x: x.a  # noqa: E731
B = lambda x: x.b  # noqa: E731
S = lambda x: x.s  # noqa: E731
I = lambda x: x.i  # noqa: E731, E741
M = lambda x: x.m  # noqa: E731
C = lambda x: x.c  # noqa: E731
U = lambda x: x.u  # noqa: E731


def k(value: Any) -> Callable[[Inputs], Any]:
    return lambda x: value


ROWS: dict[str, tuple[Callable[..., Any], Row]] = {
    # reductions and statistics
    "all": (np.all, r(M)), "any": (np.any, r(M)), "sum": (np.sum, r(B, axis=0)), "prod": (np.prod, r(A)),
    "max": (np.max, r(B, axis=1)), "min": (np.min, r(A)), "amax": (np.amax, r(A)), "amin": (np.amin, r(B)),
    "argmax": (np.argmax, r(A)), "argmin": (np.argmin, r(B, axis=0)), "mean": (np.mean, r(B)),
    "median": (np.median, r(B, axis=0)), "std": (np.std, r(A)), "var": (np.var, r(B, axis=1)),
    "ptp": (np.ptp, r(A)), "average": (np.average, r(B, axis=0)), "count_nonzero": (np.count_nonzero, r(A)),
    "nansum": (np.nansum, r(A)), "nanprod": (np.nanprod, r(A)), "nanmean": (np.nanmean, r(B)),
    "nanmedian": (np.nanmedian, r(A)), "nanstd": (np.nanstd, r(A)), "nanvar": (np.nanvar, r(A)),
    "nanmax": (np.nanmax, r(A)), "nanmin": (np.nanmin, r(A)), "nanargmax": (np.nanargmax, r(A)),
    "nanargmin": (np.nanargmin, r(A)), "nancumsum": (np.nancumsum, r(A)), "nancumprod": (np.nancumprod, r(A)),
    "cumsum": (np.cumsum, r(B, axis=1)), "cumprod": (np.cumprod, r(A)),
    "percentile": (np.percentile, r(A, k(50))), "quantile": (np.quantile, r(B, k(0.25), axis=0)),
    "nanpercentile": (np.nanpercentile, r(A, k(90))), "nanquantile": (np.nanquantile, r(A, k(0.5))),
    "corrcoef": (np.corrcoef, r(B)), "cov": (np.cov, r(B)), "histogram": (np.histogram, r(A, bins=3)),
    "histogram_bin_edges": (np.histogram_bin_edges, r(A, bins=4)),
    "histogram2d": (np.histogram2d, r(A, A, bins=2)), "histogramdd": (np.histogramdd, r(B, bins=2)),
    "bincount": (np.bincount, r(I)), "digitize": (np.digitize, r(A, k([-1.0, 0.0, 1.0]))),
    "trace": (np.trace, r(B)), "diff": (np.diff, r(B, axis=0)), "ediff1d": (np.ediff1d, r(A)),
    "gradient": (np.gradient, r(A)), "trapezoid": (np.trapezoid, r(A)) if hasattr(np, "trapezoid") else (np.sum, r(A)),
    # shape and layout (views where NumPy can)
    "reshape": (np.reshape, r(B, k(-1))), "ravel": (np.ravel, r(B)), "transpose": (np.transpose, r(B)),
    "swapaxes": (np.swapaxes, r(B, k(0), k(1))), "moveaxis": (np.moveaxis, r(B, k(0), k(-1))),
    "rollaxis": (np.rollaxis, r(B, k(1))), "squeeze": (np.squeeze, r(B)), "expand_dims": (np.expand_dims, r(A, k(0))),
    "atleast_1d": (np.atleast_1d, r(A)), "atleast_2d": (np.atleast_2d, r(A)), "atleast_3d": (np.atleast_3d, r(B)),
    "broadcast_to": (np.broadcast_to, lambda x: ((x.a, (3, len(x.a))), {})),
    "broadcast_arrays": (np.broadcast_arrays, r(A, B)),
    "flip": (np.flip, r(B)), "fliplr": (np.fliplr, r(B)), "flipud": (np.flipud, r(B)), "rot90": (np.rot90, r(B)),
    "roll": (np.roll, r(A, k(1))), "resize": (np.resize, r(A, k(7))), "repeat": (np.repeat, r(A, k(2))),
    "tile": (np.tile, r(A, k(2))), "pad": (np.pad, r(A, k(1))), "diagonal": (np.diagonal, r(B)),
    "diag": (np.diag, r(A)), "diagflat": (np.diagflat, r(A)), "tril": (np.tril, r(B)), "triu": (np.triu, r(B)),
    "split": (np.split, r(B, k(1), axis=1)), "array_split": (np.array_split, r(A, k(3))),
    "hsplit": (np.hsplit, r(B, k(1))), "vsplit": (np.vsplit, r(B, k(1))),
    "dsplit": (np.dsplit, lambda x: ((np.atleast_3d(x.b), 1), {})),
    "unstack": (np.unstack, r(B)) if hasattr(np, "unstack") else (np.ravel, r(B)),
    "copy": (np.copy, r(A)), "ascontiguousarray": (np.ascontiguousarray, r(B)),
    "asfortranarray": (np.asfortranarray, r(B)), "require": (np.require, r(B)),
    "matrix_transpose": (np.matrix_transpose, r(B)) if hasattr(np, "matrix_transpose") else (np.transpose, r(B)),
    "real": (np.real, r(C)), "imag": (np.imag, r(C)), "angle": (np.angle, r(C)),
    "sort_complex": (np.sort_complex, r(C)), "real_if_close": (np.real_if_close, r(C)),
    # joining
    "concatenate": (np.concatenate, lambda x: (([x.a, x.a],), {})),
    "concat": (np.concat, lambda x: (([x.a, x.a],), {})) if hasattr(np, "concat") else (np.concatenate, lambda x: (([x.a],), {})),
    "stack": (np.stack, lambda x: (([x.a, x.a],), {})), "vstack": (np.vstack, lambda x: (([x.a, x.a],), {})),
    "hstack": (np.hstack, lambda x: (([x.a, x.i],), {})), "dstack": (np.dstack, lambda x: (([x.a, x.a],), {})),
    "column_stack": (np.column_stack, lambda x: (([x.a, x.a],), {})),
    "row_stack": (np.vstack, lambda x: (([x.b, x.b],), {})),
    "block": (np.block, lambda x: (([x.a, x.a],), {})), "append": (np.append, r(A, I)),
    "insert": (np.insert, r(A, k(1), k(5.0))), "delete": (np.delete, r(A, k(0))),
    # selection
    "where": (np.where, r(M, A, k(0.0))), "where1": (np.where, r(M)), "nonzero": (np.nonzero, r(B)),
    "flatnonzero": (np.flatnonzero, r(A)), "argwhere": (np.argwhere, r(B)),
    "select": (np.select, lambda x: (([x.m], [x.a]), {"default": 1.0})),
    "choose": (np.choose, lambda x: ((x.i % 2, [x.i, x.i * 2]), {})),
    "compress": (np.compress, r(M, A)), "extract": (np.extract, r(M, A)), "take": (np.take, r(A, k([0, 1]))),
    "take_along_axis": (np.take_along_axis, lambda x: ((x.b, np.zeros((1, x.b.shape[1]), dtype=np.intp)), {"axis": 0})),
    "searchsorted": (np.searchsorted, lambda x: ((np.sort(np.asarray(x.a)), x.a), {})),
    "clip": (np.clip, r(A, k(-1.0), k(1.0))), "around": (np.around, r(A, k(1))), "round": (np.round, r(A)),
    "fix": (np.fix, r(A)), "nan_to_num": (np.nan_to_num, r(A)), "trim_zeros": (np.trim_zeros, r(I)),
    "interp": (np.interp, lambda x: ((x.a, np.sort(np.asarray(x.a)), x.a), {})),
    "piecewise": (np.piecewise, lambda x: ((x.a, [x.m], [1.0, 0.0]), {})),
    "apply_along_axis": (np.apply_along_axis, lambda x: ((np.sum, 0, x.b), {})),
    "apply_over_axes": (np.apply_over_axes, lambda x: ((np.sum, x.b, [0]), {})),
    # sorting and sets
    "sort": (np.sort, r(B, axis=0)), "argsort": (np.argsort, r(A)), "lexsort": (np.lexsort, lambda x: (((x.a, x.i),), {})),
    "partition": (np.partition, r(A, k(1))), "argpartition": (np.argpartition, r(A, k(1))),
    "unique": (np.unique, r(I, return_counts=True, return_index=True)),
    "unique_values": (np.unique_values, r(I)) if hasattr(np, "unique_values") else (np.unique, r(I)),
    "unique_counts": (np.unique_counts, r(I)) if hasattr(np, "unique_counts") else (np.unique, r(I)),
    "unique_inverse": (np.unique_inverse, r(I)) if hasattr(np, "unique_inverse") else (np.unique, r(I)),
    "unique_all": (np.unique_all, r(I)) if hasattr(np, "unique_all") else (np.unique, r(I)),
    "isin": (np.isin, r(I, k([1, 2]))), "intersect1d": (np.intersect1d, r(I, I)), "union1d": (np.union1d, r(I, A)),
    "setdiff1d": (np.setdiff1d, r(I, k([1]))), "setxor1d": (np.setxor1d, r(I, k([1, 9]))),
    # comparison and predicates
    "isclose": (np.isclose, r(A, A)), "allclose": (np.allclose, r(A, A)), "array_equal": (np.array_equal, r(A, A)),
    "array_equiv": (np.array_equiv, r(A, B)), "iscomplex": (np.iscomplex, r(C)), "isreal": (np.isreal, r(A)),
    "iscomplexobj": (np.iscomplexobj, r(C)), "isrealobj": (np.isrealobj, r(A)), "isneginf": (np.isneginf, r(A)),
    "isposinf": (np.isposinf, r(A)), "isfortran": (np.isfortran, r(B)), "ndim": (np.ndim, r(B)),
    "shape": (np.shape, r(B)), "size": (np.size, r(B)), "result_type": (np.result_type, r(A, I)),
    "min_scalar_type": (np.min_scalar_type, r(A)), "can_cast": (np.can_cast, lambda x: ((x.a.dtype, np.int8), {})),
    "may_share_memory": (np.may_share_memory, r(A, A)), "shares_memory": (np.shares_memory, r(A, B)),
    # products and linear algebra
    "dot": (np.dot, r(B, lambda x: x.b.T)), "vdot": (np.vdot, r(A, A)), "inner": (np.inner, r(A, A)),
    "outer": (np.outer, r(A, I)), "tensordot": (np.tensordot, r(B, lambda x: x.b.T, k(1))),
    "kron": (np.kron, r(A, I)), "cross": (np.cross, lambda x: ((x.b[:, :1] * np.ones(3), x.b[:, :1] * np.arange(3.0)), {})),
    "einsum": (np.einsum, lambda x: (("ij->j", x.b), {})), "convolve": (np.convolve, r(A, I)),
    "correlate": (np.correlate, r(A, I)), "vander": (np.vander, r(A, k(3))), "polyval": (np.polyval, r(A, A)),
    "polyfit": (np.polyfit, lambda x: ((np.arange(len(x.a), dtype=float), x.a, 1), {})),
    "poly": (np.poly, r(A)), "polyder": (np.polyder, r(A)), "polyint": (np.polyint, r(A)),
    "polyadd": (np.polyadd, r(A, A)), "polymul": (np.polymul, r(A, I)),
    "linalg.norm": (np.linalg.norm, r(B)), "linalg.det": (np.linalg.det, r(S)), "linalg.inv": (np.linalg.inv, r(S)),
    "linalg.solve": (np.linalg.solve, r(S, lambda x: x.s[:, 0])), "linalg.eigh": (np.linalg.eigh, r(S)),
    "linalg.eigvalsh": (np.linalg.eigvalsh, r(S)), "linalg.svd": (np.linalg.svd, r(B)),
    "linalg.svdvals": (np.linalg.svdvals, r(B)) if hasattr(np.linalg, "svdvals") else (np.linalg.norm, r(B)),
    "linalg.qr": (np.linalg.qr, r(S)), "linalg.cholesky": (np.linalg.cholesky, r(S)),
    "linalg.pinv": (np.linalg.pinv, r(B)), "linalg.matrix_rank": (np.linalg.matrix_rank, r(B)),
    "linalg.matrix_power": (np.linalg.matrix_power, r(S, k(2))), "linalg.slogdet": (np.linalg.slogdet, r(S)),
    "linalg.lstsq": (np.linalg.lstsq, r(S, lambda x: x.s[:, 0], rcond=None)),
    "linalg.multi_dot": (np.linalg.multi_dot, lambda x: (([x.s, x.s, x.s],), {})),
    "linalg.matrix_norm": (np.linalg.matrix_norm, r(B)) if hasattr(np.linalg, "matrix_norm") else (np.linalg.norm, r(B)),
    "linalg.vector_norm": (np.linalg.vector_norm, r(A)) if hasattr(np.linalg, "vector_norm") else (np.linalg.norm, r(A)),
    "linalg.outer": (np.linalg.outer, r(A, A)) if hasattr(np.linalg, "outer") else (np.outer, r(A, A)),
    "linalg.diagonal": (np.linalg.diagonal, r(B)) if hasattr(np.linalg, "diagonal") else (np.diagonal, r(B)),
    "linalg.trace": (np.linalg.trace, r(B)) if hasattr(np.linalg, "trace") else (np.trace, r(B)),
    "linalg.cond": (np.linalg.cond, r(S)), "linalg.eigvals": (np.linalg.eigvals, r(S)),
    "fft.fft": (np.fft.fft, r(A)), "fft.ifft": (np.fft.ifft, r(C)), "fft.rfft": (np.fft.rfft, r(A)),
    "fft.irfft": (np.fft.irfft, r(C)), "fft.fft2": (np.fft.fft2, r(B)), "fft.fftn": (np.fft.fftn, r(B)),
    "fft.fftshift": (np.fft.fftshift, r(A)), "fft.ifftshift": (np.fft.ifftshift, r(A)),
    "fft.hfft": (np.fft.hfft, r(C)),
    # indices
    "unravel_index": (np.unravel_index, lambda x: ((x.i, (10, 10)), {})),
    "ravel_multi_index": (np.ravel_multi_index, lambda x: (((x.i, x.i), (10, 10)), {})),
    "diag_indices_from": (np.diag_indices_from, r(S)), "tril_indices_from": (np.tril_indices_from, r(B)),
    "triu_indices_from": (np.triu_indices_from, r(B)), "packbits": (np.packbits, r(U)),
    "unpackbits": (np.unpackbits, r(U)), "zeros_like": (np.zeros_like, r(B)), "ones_like": (np.ones_like, r(A)),
    "full_like": (np.full_like, r(A, k(3.0))),
    "i0": (np.i0, r(A)), "sinc": (np.sinc, r(A)), "unwrap": (np.unwrap, r(A)),
    "asarray_chkfinite": (np.asarray_chkfinite, r(A)), "array2string": (np.array2string, r(A)),
    "array_repr": (np.array_repr, r(B)), "array_str": (np.array_str, r(A)),
}

SA_NAMES = {name: name.split(":")[0] for name in ROWS}


def sa_function(func: Callable[..., Any]) -> Callable[..., Any] | None:
    """The mirrored ``safearray`` function of a NumPy function (None for the test's lambdas)."""
    module = getattr(func, "__module__", "") or ""
    name = getattr(func, "__name__", "")
    if name == "<lambda>":
        return None
    for space, mirror in ((np.linalg, sa.linalg), (np.fft, sa.fft)):
        if getattr(space, name, None) is func:
            return getattr(mirror, name)  # type: ignore[no-any-return]
    if getattr(np, name, None) is func:
        return getattr(sa, name)  # type: ignore[no-any-return]
    return None if module else None


FLOATS = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


@st.composite
def inputs(draw: st.DrawFn) -> Inputs:
    n = draw(st.integers(2, 6))
    rows = draw(st.integers(2, 5))
    a = draw(hnp.arrays(np.float64, n, elements=FLOATS))
    b = draw(hnp.arrays(np.float64, (rows, n), elements=FLOATS))
    base = draw(hnp.arrays(np.float64, (rows, rows), elements=st.floats(-1, 1)))
    s = base @ base.T + rows * np.eye(rows)  # symmetric positive definite
    i = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 5)))
    m = draw(hnp.arrays(np.bool_, n))
    c = a + 1j * draw(hnp.arrays(np.float64, n, elements=FLOATS))
    u = draw(hnp.arrays(np.uint8, n))
    if draw(st.booleans()):  # non-contiguous and reversed layouts too
        b = np.asfortranarray(b)
        a = np.concatenate([a, a])[::-2][: len(a)]
    return Inputs(a, b, s, i, m, c, u)


def tagged_inputs(raw: Inputs) -> tuple[Inputs, list[np.ndarray]]:
    tagged = Inputs(*(sa.array(getattr(raw, f)) for f in raw.__dataclass_fields__))
    memory = [np.asarray(getattr(tagged, f)) for f in raw.__dataclass_fields__]
    return tagged, memory


def call(func: Callable[..., Any], row: Row, x: Inputs) -> tuple[Any, BaseException | None]:
    args, kwargs = row(x)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return func(*args, **kwargs), None
    except (ValueError, TypeError, np.linalg.LinAlgError, IndexError) as exc:
        return None, exc


@pytest.mark.parametrize("name", sorted(ROWS))
@settings(max_examples=10)
@given(raw=inputs())
def test_function_against_numpy(name: str, raw: Inputs) -> None:
    func, row = ROWS[name]
    tagged, memory = tagged_inputs(raw)
    plain = Inputs(*memory)  # NumPy's oracle runs on the very same memory
    expected, expected_error = call(func, row, plain)
    candidates = []
    if type(func).__name__ == "_ArrayFunctionDispatcher":  # NumPy hands these to SafeArray
        candidates.append(("numpy dispatch", func))
    mirrored = sa_function(func)
    if mirrored is not None:
        candidates.append(("safearray namespace", mirrored))
    assert candidates, f"{name}: neither dispatched by NumPy nor mirrored by safearray"
    for label, f in candidates:
        result, error = call(f, row, tagged)
        if expected_error is not None:
            assert type(error) is type(expected_error), (label, error, expected_error)
            continue
        assert error is None, (label, error)
        same = {id(m): getattr(tagged, f) for m, f in zip(memory, raw.__dataclass_fields__)}
        assert_matches(result, expected, *memory, same=same)


def test_the_table_covers_at_least_150_distinct_numpy_functions() -> None:
    distinct = {func for func, _ in ROWS.values() if getattr(func, "__name__", "") != "<lambda>"}
    assert len(distinct) >= 150, len(distinct)


def test_python_values_come_back_as_numpy_returns_them() -> None:
    x = sa.arange(6.0).reshape(2, 3)
    assert np.ndim(x) == 2 and type(np.ndim(x)) is int
    assert np.shape(x) == (2, 3)
    assert np.array_equal(x, x) is True
    total = np.sum(x)
    assert isinstance(total, sa.Copy) and total.shape == () and float(total) == 15.0
    assert isinstance(x.max(), sa.Copy)


def test_functions_that_write_into_an_argument_work_as_in_numpy() -> None:
    raw = np.arange(6.0).reshape(2, 3)
    x = sa.array(raw)
    targets: list[tuple[Callable[[Any], Any], Callable[[np.ndarray], Any]]] = [
        (lambda t: np.copyto(t, 1.0), lambda t: np.copyto(t, 1.0)),
        (lambda t: np.put(t, [0, 4], [7, 8]), lambda t: np.put(t, [0, 4], [7, 8])),
        (lambda t: np.place(t, np.asarray(t) > 2, [0]), lambda t: np.place(t, t > 2, [0])),
        (lambda t: np.putmask(t, np.asarray(t) > 2, 5), lambda t: np.putmask(t, t > 2, 5)),
        (lambda t: np.fill_diagonal(t, 9), lambda t: np.fill_diagonal(t, 9)),
        (lambda t: np.put_along_axis(t, np.zeros((1, 3), int), 4, axis=0),
         lambda t: np.put_along_axis(t, np.zeros((1, 3), int), 4, axis=0)),
    ]
    for ours, theirs in targets:
        assert ours(x) is None
        theirs(raw)
        np.testing.assert_array_equal(np.asarray(x), raw)


def test_out_returns_the_out_array_itself() -> None:
    x = sa.arange(6.0).reshape(2, 3)
    out = sa.zeros(3)
    assert np.sum(x, axis=0, out=out) is out
    assert sa.sum(x, axis=0, out=out) is out
    np.testing.assert_array_equal(np.asarray(out), [3.0, 5.0, 7.0])
    assert np.cumsum(x[0], out=out) is out
