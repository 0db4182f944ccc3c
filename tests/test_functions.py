"""NumPy functions on SafeArrays, against NumPy on the same memory.

The table :data:`ROWS` has one row per function: the NumPy function and how to build its
arguments from a few generated arrays (:class:`Inputs`). Each row runs as
``numpy.f(tagged...)`` (NumPy's ``__array_function__`` dispatch, when NumPy dispatches the
function) and as ``safearray.f(tagged...)`` (the mirrored namespace); the oracle is NumPy on
the very ndarrays the tagged arrays hold. Values (NaN-aware), dtype and shape equal NumPy's,
the same exception is raised, Python values come back as NumPy returns them, NumPy scalars
come back as 0-d Copies, and every array of the result is tagged as ``np.shares_memory``
says against each input (where NumPy returns an input itself, safearray returns that
tagged array itself).

The tagged inputs are Copies, Views inside a larger tagged buffer (strided), or Views of a
raw ndarray (``sa.asarray``); rows marked ``[any]`` take an array of any dtype (numbers,
strings, bytes, objects, datetimes), any shape (0-d and empty included) and any layout.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import safearray as sa
from tests._asserts import assert_matches, assert_same_array, assert_tag_is_true, base_is, owner_of, memory_of
from tests.strategies import arrays


@dataclass
class Inputs:
    """The arrays a row may use.

    ``a`` 1-d float (NaN and infinities sometimes), ``b`` 2-d float, ``s`` square symmetric
    positive definite, ``i`` 1-d small non-negative ints, ``m`` 1-d bool, ``c`` 1-d complex,
    ``u`` 1-d uint8, ``d`` 1-d datetime64[D], ``t`` 1-d str, ``g`` any dtype, shape and layout.
    ``a``, ``i``, ``m``, ``c``, ``u``, ``d`` and ``t`` have the same length; ``b`` has as many
    columns.
    """

    a: Any
    b: Any
    s: Any
    i: Any
    m: Any
    c: Any
    u: Any
    d: Any
    t: Any
    g: Any


FIELDS = [f.name for f in fields(Inputs)]
Args = tuple[tuple[Any, ...], dict[str, Any]]
Row = Callable[[Inputs], Args]


def r(*args: Callable[[Inputs], Any], **kwargs: Any) -> Row:
    """A row builder: positional arguments are functions of the inputs, keywords are fixed."""
    return lambda x: (tuple(f(x) for f in args), kwargs)


def k(value: Any) -> Callable[[Inputs], Any]:
    """A fixed positional argument."""
    return lambda x: value


A, B, S, I, M = (lambda x: x.a), (lambda x: x.b), (lambda x: x.s), (lambda x: x.i), (lambda x: x.m)  # noqa: E741
C, U, D, T, G = (lambda x: x.c), (lambda x: x.u), (lambda x: x.d), (lambda x: x.t), (lambda x: x.g)
BT = lambda x: x.b.T  # noqa: E731
S0 = lambda x: x.s[:, 0]  # noqa: E731
POS = lambda x: abs(x.a) + 1  # noqa: E731  # a computed argument: a new Copy, not an input
PAIR = lambda *fs: (lambda x: [f(x) for f in fs])  # noqa: E731


ROWS: dict[str, tuple[Callable[..., Any], Row]] = {
    # reductions and statistics
    "all": (np.all, r(M)), "any": (np.any, r(B, axis=0)), "sum": (np.sum, r(B, axis=0)),
    "prod": (np.prod, r(A)), "max": (np.max, r(B, axis=1)), "min": (np.min, r(A)), "amax": (np.amax, r(A)),
    "amin": (np.amin, r(B)), "argmax": (np.argmax, r(A)), "argmin": (np.argmin, r(B, axis=0)),
    "mean": (np.mean, r(B)), "median": (np.median, r(B, axis=0)), "std": (np.std, r(A)),
    "var": (np.var, r(B, axis=1, ddof=1)), "ptp": (np.ptp, r(A)), "average": (np.average, r(B, axis=0, weights=None)),
    "average:weights": (np.average, lambda x: ((x.a,), {"weights": x.i})),
    "count_nonzero": (np.count_nonzero, r(A)), "nansum": (np.nansum, r(A)), "nanprod": (np.nanprod, r(A)),
    "nanmean": (np.nanmean, r(B, axis=0)), "nanmedian": (np.nanmedian, r(A)), "nanstd": (np.nanstd, r(A)),
    "nanvar": (np.nanvar, r(A)), "nanmax": (np.nanmax, r(A)), "nanmin": (np.nanmin, r(B, axis=1)),
    "nanargmax": (np.nanargmax, r(A)), "nanargmin": (np.nanargmin, r(A)), "nancumsum": (np.nancumsum, r(A)),
    "nancumprod": (np.nancumprod, r(A)), "cumsum": (np.cumsum, r(B, axis=1)), "cumprod": (np.cumprod, r(A)),
    "cumulative_sum": (np.cumulative_sum, r(B, axis=0)), "cumulative_prod": (np.cumulative_prod, r(A, include_initial=True)),
    "percentile": (np.percentile, r(A, k(50))), "quantile": (np.quantile, r(B, k(0.25), axis=0)),
    "nanpercentile": (np.nanpercentile, r(A, k(90))), "nanquantile": (np.nanquantile, r(A, k([0.1, 0.5]))),
    "corrcoef": (np.corrcoef, r(B)), "cov": (np.cov, r(B)), "histogram": (np.histogram, r(A, bins=3)),
    "histogram_bin_edges": (np.histogram_bin_edges, r(A, bins=4)),
    "histogram2d": (np.histogram2d, r(A, A, bins=2)), "histogramdd": (np.histogramdd, r(B, bins=2)),
    "bincount": (np.bincount, r(I)), "bincount:weights": (np.bincount, lambda x: ((x.i,), {"weights": x.a})),
    "digitize": (np.digitize, r(A, k([-1.0, 0.0, 1.0]))), "trace": (np.trace, r(B)),
    "diff": (np.diff, r(B, axis=0)), "ediff1d": (np.ediff1d, r(A)), "gradient": (np.gradient, r(A)),
    "gradient:2d": (np.gradient, r(B)), "trapezoid": (np.trapezoid, r(A)),
    # shape and layout (Views where NumPy can)
    "reshape": (np.reshape, r(B, k(-1))), "ravel": (np.ravel, r(B)), "transpose": (np.transpose, r(B)),
    "swapaxes": (np.swapaxes, r(B, k(0), k(1))), "moveaxis": (np.moveaxis, r(B, k(0), k(-1))),
    "rollaxis": (np.rollaxis, r(B, k(1))), "squeeze": (np.squeeze, r(B)), "expand_dims": (np.expand_dims, r(A, k(0))),
    "atleast_1d": (np.atleast_1d, r(A)), "atleast_2d": (np.atleast_2d, r(A, B)), "atleast_3d": (np.atleast_3d, r(B)),
    "broadcast_to": (np.broadcast_to, lambda x: ((x.a, (3, len(x.a))), {})),
    "broadcast_arrays": (np.broadcast_arrays, r(A, B)),
    "flip": (np.flip, r(B)), "fliplr": (np.fliplr, r(B)), "flipud": (np.flipud, r(B)), "rot90": (np.rot90, r(B)),
    "roll": (np.roll, r(A, k(1))), "resize": (np.resize, r(A, k(7))), "repeat": (np.repeat, r(A, k(2))),
    "tile": (np.tile, r(A, k(2))), "pad": (np.pad, r(A, k(1))), "pad:reflect": (np.pad, r(B, k(1), mode="reflect")),
    "diagonal": (np.diagonal, r(B)), "diag": (np.diag, r(A)), "diag:of 2-d": (np.diag, r(B, k(1))),
    "diagflat": (np.diagflat, r(A)), "tril": (np.tril, r(B)), "triu": (np.triu, r(B, k(1))),
    "split": (np.split, r(B, k(1), axis=1)), "array_split": (np.array_split, r(A, k(3))),
    "hsplit": (np.hsplit, r(B, k(1))), "vsplit": (np.vsplit, r(B, k(1))),
    "dsplit": (np.dsplit, lambda x: ((np.atleast_3d(x.b), 1), {})), "unstack": (np.unstack, r(B)),
    "copy": (np.copy, r(A)), "ascontiguousarray": (np.ascontiguousarray, r(B)),
    "asfortranarray": (np.asfortranarray, r(B)), "require": (np.require, r(B)),
    "require:C": (np.require, r(B, requirements="C")), "matrix_transpose": (np.matrix_transpose, r(B)),
    "real": (np.real, r(C)), "real:of floats": (np.real, r(A)), "imag": (np.imag, r(C)), "angle": (np.angle, r(C)),
    "conjugate:of floats": (np.conjugate, r(A)), "sort_complex": (np.sort_complex, r(C)),
    "real_if_close": (np.real_if_close, r(C)), "astype": (np.astype, r(A, k(np.int32))),
    "astype:no copy": (np.astype, r(A, k(np.float64), copy=False)),
    "lib.stride_tricks.sliding_window_view": (np.lib.stride_tricks.sliding_window_view, r(A, k(2))),
    "lib.stride_tricks.as_strided": (np.lib.stride_tricks.as_strided, lambda x: ((x.a,), {"shape": (2, 2), "strides": (x.a.strides[0], 0)})),
    # joining
    "concatenate": (np.concatenate, r(PAIR(A, A))), "concat": (np.concat, r(PAIR(A, I))),
    "concatenate:axis None": (np.concatenate, r(PAIR(B, A), axis=None)),
    "stack": (np.stack, r(PAIR(A, A))), "vstack": (np.vstack, r(PAIR(A, B))),
    "hstack": (np.hstack, r(PAIR(A, I))), "dstack": (np.dstack, r(PAIR(A, A))),
    "column_stack": (np.column_stack, r(PAIR(A, A))), "block": (np.block, r(PAIR(A, A))),
    "append": (np.append, r(A, I)), "insert": (np.insert, r(A, k(1), k(5.0))), "delete": (np.delete, r(A, k(0))),
    # selection
    "where": (np.where, r(M, A, k(0.0))), "where:1 argument": (np.where, r(M)), "nonzero": (np.nonzero, r(B)),
    "flatnonzero": (np.flatnonzero, r(A)), "argwhere": (np.argwhere, r(B)),
    "select": (np.select, lambda x: (([x.m], [x.a]), {"default": 1.0})),
    "choose": (np.choose, lambda x: ((x.i % 2, [x.i, x.a]), {})),
    "compress": (np.compress, r(M, A)), "extract": (np.extract, r(M, A)), "take": (np.take, r(A, k([0, 1]))),
    "take:0-d index": (np.take, r(A, k(0))),
    "take_along_axis": (np.take_along_axis, lambda x: ((x.b, np.argsort(np.asarray(x.b), axis=0)), {"axis": 0})),
    "searchsorted": (np.searchsorted, lambda x: ((np.sort(np.asarray(x.a)), x.a), {})),
    "clip": (np.clip, r(A, k(-1.0), k(1.0))), "around": (np.around, r(A, k(1))), "round": (np.round, r(A)),
    "fix": (np.fix, r(A)), "nan_to_num": (np.nan_to_num, r(A)), "trim_zeros": (np.trim_zeros, r(I)),
    "interp": (np.interp, lambda x: ((x.a, np.sort(np.asarray(x.a)), x.a), {})),
    "piecewise": (np.piecewise, lambda x: ((x.a, [x.m], [1.0, 0.0]), {})),
    "apply_along_axis": (np.apply_along_axis, lambda x: ((np.sum, 0, x.b), {})),
    "apply_over_axes": (np.apply_over_axes, lambda x: ((np.sum, x.b, [0]), {})),
    "ix_": (np.ix_, r(I, A)), "meshgrid": (np.meshgrid, r(A, I)),
    "meshgrid:views": (np.meshgrid, r(A, I, copy=False, sparse=True)),
    "linspace": (np.linspace, r(A, POS, k(3))), "logspace": (np.logspace, r(A, POS, k(3))),
    "geomspace": (np.geomspace, r(POS, k(2.0), k(4))),
    # sorting and sets
    "sort": (np.sort, r(B, axis=0)), "argsort": (np.argsort, r(A, kind="stable")),
    "lexsort": (np.lexsort, lambda x: (((x.a, x.i),), {})),
    "partition": (np.partition, r(A, k(1))), "argpartition": (np.argpartition, r(A, k(1))),
    "unique": (np.unique, r(I, return_counts=True, return_index=True, return_inverse=True)),
    "unique_values": (np.unique_values, r(I)), "unique_counts": (np.unique_counts, r(I)),
    "unique_inverse": (np.unique_inverse, r(I)), "unique_all": (np.unique_all, r(A)),
    "isin": (np.isin, r(I, k([1, 2]))), "intersect1d": (np.intersect1d, r(I, I, return_indices=True)),
    "union1d": (np.union1d, r(I, A)), "setdiff1d": (np.setdiff1d, r(I, k([1]))), "setxor1d": (np.setxor1d, r(I, k([1, 9]))),
    # comparison and predicates
    "isclose": (np.isclose, r(A, A)), "allclose": (np.allclose, r(A, A)), "array_equal": (np.array_equal, r(A, A)),
    "array_equal:equal_nan": (np.array_equal, r(A, A, equal_nan=True)),
    "array_equiv": (np.array_equiv, r(A, B)), "iscomplex": (np.iscomplex, r(C)), "isreal": (np.isreal, r(A)),
    "iscomplexobj": (np.iscomplexobj, r(C)), "isrealobj": (np.isrealobj, r(A)), "isneginf": (np.isneginf, r(A)),
    "isposinf": (np.isposinf, r(A)), "isfortran": (np.isfortran, r(B)), "ndim": (np.ndim, r(B)),
    "shape": (np.shape, r(B)), "size": (np.size, r(B)), "result_type": (np.result_type, r(A, I)),
    "min_scalar_type": (np.min_scalar_type, r(A)), "can_cast": (np.can_cast, lambda x: ((x.a.dtype, np.int8), {})),
    "common_type": (np.common_type, r(A, I)), "may_share_memory": (np.may_share_memory, r(A, A)),
    "shares_memory": (np.shares_memory, r(A, B)), "isscalar": (np.isscalar, r(A)), "iterable": (np.iterable, r(A)),
    # products and polynomials
    "dot": (np.dot, r(B, BT)), "vdot": (np.vdot, r(A, A)), "inner": (np.inner, r(A, A)),
    "outer": (np.outer, r(A, I)), "tensordot": (np.tensordot, r(B, BT, k(1))),
    "kron": (np.kron, r(A, I)), "cross": (np.cross, lambda x: ((x.b[:, :1] * np.ones(3), x.b[:, -1:] * np.arange(3.0)), {})),
    "einsum": (np.einsum, lambda x: (("ij->j", x.b), {})), "einsum:view": (np.einsum, lambda x: (("ii->i", x.s), {})),
    "einsum_path": (np.einsum_path, lambda x: (("ij,jk->ik", x.b, x.b.T), {})),
    "convolve": (np.convolve, r(A, I)), "correlate": (np.correlate, r(A, I, mode="full")),
    "vander": (np.vander, r(A, k(3))), "polyval": (np.polyval, r(A, A)),
    "polyfit": (np.polyfit, lambda x: ((np.arange(len(x.a), dtype=float), x.a, 1), {})),
    "poly": (np.poly, r(A)), "polyder": (np.polyder, r(A)), "polyint": (np.polyint, r(A)),
    "polyadd": (np.polyadd, r(A, A)), "polysub": (np.polysub, r(A, I)), "polymul": (np.polymul, r(A, I)),
    "polydiv": (np.polydiv, r(A, POS)), "roots": (np.roots, r(I)),
    # linear algebra
    "linalg.norm": (np.linalg.norm, r(B)), "linalg.norm:axis": (np.linalg.norm, r(B, axis=0, ord=1)),
    "linalg.det": (np.linalg.det, r(S)), "linalg.inv": (np.linalg.inv, r(S)),
    "linalg.solve": (np.linalg.solve, r(S, S0)), "linalg.eig": (np.linalg.eig, r(S)), "linalg.eigh": (np.linalg.eigh, r(S)),
    "linalg.eigvals": (np.linalg.eigvals, r(S)), "linalg.eigvalsh": (np.linalg.eigvalsh, r(S)),
    "linalg.svd": (np.linalg.svd, r(B)), "linalg.svdvals": (np.linalg.svdvals, r(B)),
    "linalg.qr": (np.linalg.qr, r(S)), "linalg.cholesky": (np.linalg.cholesky, r(S)),
    "linalg.pinv": (np.linalg.pinv, r(B)), "linalg.matrix_rank": (np.linalg.matrix_rank, r(B)),
    "linalg.matrix_power": (np.linalg.matrix_power, r(S, k(2))), "linalg.matrix_power:1": (np.linalg.matrix_power, r(S, k(1))),
    "linalg.slogdet": (np.linalg.slogdet, r(S)), "linalg.lstsq": (np.linalg.lstsq, r(S, S0, rcond=None)),
    "linalg.multi_dot": (np.linalg.multi_dot, r(PAIR(S, S, S))), "linalg.matrix_norm": (np.linalg.matrix_norm, r(B)),
    "linalg.vector_norm": (np.linalg.vector_norm, r(A)), "linalg.outer": (np.linalg.outer, r(A, A)),
    "linalg.diagonal": (np.linalg.diagonal, r(B)), "linalg.trace": (np.linalg.trace, r(B)),
    "linalg.cond": (np.linalg.cond, r(S)), "linalg.cross": (np.linalg.cross, lambda x: ((x.b[:, :1] * np.ones(3), np.arange(3.0)), {})),
    "linalg.matmul": (np.linalg.matmul, r(S, S)), "linalg.matrix_transpose": (np.linalg.matrix_transpose, r(B)),
    "linalg.tensordot": (np.linalg.tensordot, r(B, BT)), "linalg.vecdot": (np.linalg.vecdot, r(B, A)),
    "linalg.tensorinv": (np.linalg.tensorinv, r(S, ind=1)), "linalg.tensorsolve": (np.linalg.tensorsolve, r(S, S0)),
    # fft
    "fft.fft": (np.fft.fft, r(A)), "fft.ifft": (np.fft.ifft, r(C)), "fft.rfft": (np.fft.rfft, r(A)),
    "fft.irfft": (np.fft.irfft, r(C)), "fft.fft2": (np.fft.fft2, r(B)), "fft.ifft2": (np.fft.ifft2, r(B)),
    "fft.fftn": (np.fft.fftn, r(B)), "fft.ifftn": (np.fft.ifftn, r(B)), "fft.rfft2": (np.fft.rfft2, r(B)),
    "fft.irfft2": (np.fft.irfft2, r(B)), "fft.rfftn": (np.fft.rfftn, r(B)), "fft.irfftn": (np.fft.irfftn, r(B)),
    "fft.hfft": (np.fft.hfft, r(C)), "fft.ihfft": (np.fft.ihfft, r(A)),
    "fft.fftshift": (np.fft.fftshift, r(A)), "fft.ifftshift": (np.fft.ifftshift, r(B)),
    "fft.fftfreq": (np.fft.fftfreq, lambda x: ((len(x.a),), {"d": 0.5})), "fft.rfftfreq": (np.fft.rfftfreq, lambda x: ((len(x.a),), {})),
    # emath
    "emath.sqrt": (np.emath.sqrt, r(A)), "emath.log": (np.emath.log, r(A)), "emath.log2": (np.emath.log2, r(A)),
    "emath.log10": (np.emath.log10, r(A)), "emath.logn": (np.emath.logn, r(k(3), A)),
    "emath.power": (np.emath.power, r(A, k(2))), "emath.arccos": (np.emath.arccos, r(A)),
    "emath.arcsin": (np.emath.arcsin, r(A)), "emath.arctanh": (np.emath.arctanh, r(A)),
    # strings
    "strings.upper": (np.strings.upper, r(T)), "strings.lower": (np.strings.lower, r(T)),
    "strings.capitalize": (np.strings.capitalize, r(T)), "strings.title": (np.strings.title, r(T)),
    "strings.swapcase": (np.strings.swapcase, r(T)), "strings.center": (np.strings.center, r(T, k(5))),
    "strings.ljust": (np.strings.ljust, r(T, k(4), k("*"))), "strings.rjust": (np.strings.rjust, r(T, k(4))),
    "strings.zfill": (np.strings.zfill, r(T, k(4))), "strings.replace": (np.strings.replace, r(T, k("a"), k("xy"))),
    "strings.strip": (np.strings.strip, r(T)), "strings.lstrip": (np.strings.lstrip, r(T, k("a"))),
    "strings.rstrip": (np.strings.rstrip, r(T)), "strings.find": (np.strings.find, r(T, k("a"))),
    "strings.rfind": (np.strings.rfind, r(T, k("b"))), "strings.count": (np.strings.count, r(T, k("a"))),
    "strings.startswith": (np.strings.startswith, r(T, k("a"))), "strings.endswith": (np.strings.endswith, r(T, k("b"))),
    "strings.partition": (np.strings.partition, r(T, k("a"))), "strings.rpartition": (np.strings.rpartition, r(T, k("b"))),
    "strings.multiply": (np.strings.multiply, r(T, I)), "strings.mod": (np.strings.mod, r(k(np.array(["%s!"])), T)),
    "strings.expandtabs": (np.strings.expandtabs, r(T)), "strings.encode": (np.strings.encode, r(T)),
    "strings.decode": (np.strings.decode, lambda x: ((np.strings.encode(x.t),), {})),

    "strings.translate": (np.strings.translate, r(T, k(str.maketrans("ab", "ba")))),
    # indices and bits
    "unravel_index": (np.unravel_index, lambda x: ((x.i, (10, 10)), {})),
    "ravel_multi_index": (np.ravel_multi_index, lambda x: (((x.i, x.i), (10, 10)), {})),
    "diag_indices_from": (np.diag_indices_from, r(S)), "tril_indices_from": (np.tril_indices_from, r(B)),
    "triu_indices_from": (np.triu_indices_from, r(B)), "packbits": (np.packbits, r(U)),
    "unpackbits": (np.unpackbits, r(U)), "left_shift:via sa": (np.left_shift, r(U, k(1))),
    # like-creation
    "zeros_like": (np.zeros_like, r(B)), "ones_like": (np.ones_like, r(A, dtype=np.int16)),
    "full_like": (np.full_like, r(A, k(3.0))), "empty_like": (np.empty_like, r(B)),
    # special functions, windows, text
    "i0": (np.i0, r(A)), "sinc": (np.sinc, r(A)), "unwrap": (np.unwrap, r(A)),
    "asarray_chkfinite": (np.asarray_chkfinite, r(A)), "array2string": (np.array2string, r(A)),
    "array_repr": (np.array_repr, r(B)), "array_str": (np.array_str, r(A)),
    # datetimes
    "busday_count": (np.busday_count, r(D, lambda x: x.d[::-1])),
    "busday_offset": (np.busday_offset, r(D, I, roll="forward")), "is_busday": (np.is_busday, r(D)),
    "datetime_as_string": (np.datetime_as_string, r(D, unit="D")),
    # any dtype, any shape, any layout
    "sort[any]": (np.sort, r(G, axis=None)), "argsort[any]": (np.argsort, r(G, axis=-1, kind="stable")),
    "unique[any]": (np.unique, r(G, return_counts=True)), "flip[any]": (np.flip, r(G)),
    "ravel[any]": (np.ravel, r(G)), "reshape[any]": (np.reshape, r(G, k((-1, 1)))),
    "transpose[any]": (np.transpose, r(G)), "squeeze[any]": (np.squeeze, r(G)),
    "expand_dims[any]": (np.expand_dims, r(G, k(-1))), "atleast_2d[any]": (np.atleast_2d, r(G)),
    "atleast_3d[any]": (np.atleast_3d, r(G)), "broadcast_to[any]": (np.broadcast_to, lambda x: ((x.g, (2, *x.g.shape)), {})),
    "concatenate[any]": (np.concatenate, r(PAIR(G, G), axis=None)), "stack[any]": (np.stack, r(PAIR(G, G), axis=-1)),
    "where[any]": (np.where, lambda x: ((np.asarray(x.g) == np.asarray(x.g), x.g, x.g), {})),
    "take[any]": (np.take, r(G, k([0, -1]))), "repeat[any]": (np.repeat, r(G, k(2))), "tile[any]": (np.tile, r(G, k(2))),
    "roll[any]": (np.roll, r(G, k(-1))), "copy[any]": (np.copy, r(G)), "moveaxis[any]": (np.moveaxis, r(G, k(0), k(-1))),
    "swapaxes[any]": (np.swapaxes, r(G, k(0), k(-1))), "diagonal[any]": (np.diagonal, r(G)),
    "nonzero[any]": (np.nonzero, r(G)), "count_nonzero[any]": (np.count_nonzero, r(G)),
    "array_equal[any]": (np.array_equal, r(G, G)), "max[any]": (np.max, r(G, axis=0)),
    "sum[any]": (np.sum, r(G)), "cumsum[any]": (np.cumsum, r(G)), "diff[any]": (np.diff, r(G)),
    "isin[any]": (np.isin, r(G, G)), "searchsorted[any]": (np.searchsorted, lambda x: ((np.sort(np.asarray(x.g), axis=None), x.g), {})),
    "pad[any]": (np.pad, r(G, k(1), mode="edge")), "delete[any]": (np.delete, r(G, k(0))),
    "append[any]": (np.append, r(G, G)), "array_split[any]": (np.array_split, r(G, k(2))),
    "resize[any]": (np.resize, r(G, k(5))), "rot90[any]": (np.rot90, r(G)), "flipud[any]": (np.flipud, r(G)),
    "split[any]": (np.split, r(G, k([1]))), "atleast_1d[any]": (np.atleast_1d, r(G, G)),
    "shape[any]": (np.shape, r(G)), "ndim[any]": (np.ndim, r(G)), "astype[any]": (np.astype, r(G, k(np.str_))),
    "partition[any]": (np.partition, r(G, k(0), axis=None)), "triu[any]": (np.triu, r(G)),
    "put_along_axis-free take_along_axis[any]": (np.take_along_axis, lambda x: ((x.g, np.zeros((1,) * x.g.ndim, dtype=np.intp)), {"axis": 0} if x.g.ndim else {"axis": None})),
}

#: Functions whose values NumPy leaves undefined: only dtype, shape and tags are compared.
UNDEFINED_VALUES = {"empty_like"}

#: Where the dispatched NumPy functions that are not in the table are tested.
if hasattr(np.strings, "slice"):  # NumPy 2.3+
    ROWS["strings.slice"] = (np.strings.slice, r(T, k(1)))

#: Dispatched by older NumPy releases only, deprecated there (NumPy 2.2's in1d: use isin).
DEPRECATED = {"in1d"}

ELSEWHERE = {
    "copyto": "test_functions_that_write_into_an_argument", "put": "test_functions_that_write_into_an_argument",
    "place": "test_functions_that_write_into_an_argument", "putmask": "test_functions_that_write_into_an_argument",
    "fill_diagonal": "test_functions_that_write_into_an_argument",
    "put_along_axis": "test_functions_that_write_into_an_argument",
    "save": "tests/test_namespace.py", "savez": "tests/test_namespace.py", "savez_compressed": "tests/test_namespace.py",
    "savetxt": "tests/test_namespace.py",
}


def function_name(func: Callable[..., Any]) -> str:
    """``"linalg.inv"``, ``"sort"``, ...: where the function lives in NumPy's namespace."""
    for prefix, space in PREFIXES:
        name = getattr(func, "__name__", "")
        if getattr(space, name, None) is func:
            return prefix + name
    raise AssertionError(f"{func!r} is not in NumPy's namespace")


PREFIXES: list[tuple[str, Any]] = [
    ("", np), ("linalg.", np.linalg), ("fft.", np.fft), ("emath.", np.emath), ("strings.", np.strings),
    ("lib.stride_tricks.", np.lib.stride_tricks),
]


def sa_function(func: Callable[..., Any]) -> Callable[..., Any]:
    """The mirrored ``safearray`` function of a NumPy function."""
    target: Any = sa
    for part in function_name(func).split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


FLOATS = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
SPECIAL = st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0])


@st.composite
def with_specials(draw: st.DrawFn, shape: tuple[int, ...]) -> np.ndarray:
    """Floats in [-10, 10], and sometimes NaN, infinities or signed zeros at a few places."""
    x = draw(hnp.arrays(np.float64, shape, elements=FLOATS))
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 2))):
            x[tuple(draw(st.integers(0, n - 1)) for n in shape)] = draw(SPECIAL)
    return x


@st.composite
def spd(draw: st.DrawFn, rows: int) -> np.ndarray:
    base = draw(hnp.arrays(np.float64, (rows, rows), elements=st.floats(-1, 1)))
    return base @ base.T + rows * np.eye(rows)  # symmetric positive definite


def field_strategy(field: str, n: int, rows: int) -> st.SearchStrategy[np.ndarray]:
    """How the raw ndarray of each field of :class:`Inputs` is drawn."""
    if field == "a":
        return with_specials((n,))
    if field == "b":
        return with_specials((rows, n))
    if field == "s":
        return spd(rows)
    if field == "i":
        return hnp.arrays(np.int64, n, elements=st.integers(0, 5))
    if field == "m":
        return hnp.arrays(np.bool_, n)
    if field == "c":
        return st.tuples(with_specials((n,)), hnp.arrays(np.float64, n, elements=FLOATS)).map(lambda p: p[0] + 1j * p[1])
    if field == "u":
        return hnp.arrays(np.uint8, n)
    if field == "d":
        return hnp.arrays(np.int64, n, elements=st.integers(0, 20000)).map(lambda v: v.astype("M8[D]"))
    if field == "t":
        return st.lists(st.text("ab \tB1", max_size=4), min_size=n, max_size=n).map(lambda v: np.array(v, dtype=str))
    assert field == "g"
    return arrays(max_dims=3)


def as_view(raw: np.ndarray) -> Any:
    """A View holding ``raw``'s values at every other element of a larger tagged buffer."""
    if raw.ndim == 0:
        return sa.array(np.stack([raw, raw]))[1, ...]
    big = np.empty((2 * raw.shape[0], *raw.shape[1:]), dtype=raw.dtype)
    big[1::2] = raw
    return sa.array(big)[1::2]


LAYOUTS: dict[str, Callable[[np.ndarray], Any]] = {"copies": sa.array, "views": as_view, "asarray": sa.asarray}


class Example:
    """The inputs of one example, drawn when a row first asks for them (rows use a few each).

    ``tagged`` holds the SafeArray of each field (a Copy, a View into a larger tagged buffer,
    or a View of a raw ndarray, as ``layout`` says); NumPy's oracle gets the very ndarray
    each of them holds.
    """

    def __init__(self, data: st.DataObject, layout: str) -> None:
        self.data, self.make = data, LAYOUTS[layout]
        self.n = data.draw(st.integers(2, 6), label="n")
        self.rows = data.draw(st.integers(2, 5), label="rows")
        self.tagged: dict[str, Any] = {}

    def get(self, field: str) -> Any:
        if field not in self.tagged:
            raw = self.data.draw(field_strategy(field, self.n, self.rows), label=field)
            self.tagged[field] = self.make(raw)
        return self.tagged[field]

    def memory(self) -> dict[str, np.ndarray]:
        return {f: memory_of(t) for f, t in self.tagged.items()}


class Tagged:
    """What a row builder sees: ``x.a`` is a tagged array."""

    def __init__(self, example: Example) -> None:
        self._example = example

    def __getattr__(self, field: str) -> Any:
        if field not in FIELDS:
            raise AttributeError(field)
        return self._example.get(field)


class Plain(Tagged):
    """What a row builder sees for the oracle: ``x.a`` is the ndarray the tagged array holds."""

    def __getattr__(self, field: str) -> Any:
        return memory_of(super().__getattr__(field))


def _lapack(func: Any) -> bool:
    return str(getattr(func, "__module__", "")).startswith("numpy.linalg")


def _finite(value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    if isinstance(value, (np.ndarray, sa.SafeArray)):
        raw = np.asarray(value)
        return raw.dtype.kind not in "fc" or bool(np.isfinite(raw).all())
    return True


def call(func: Callable[..., Any], row: Row, x: Any) -> tuple[Any, type[BaseException] | None]:
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy's RuntimeWarning, RankWarning, ComplexWarning...
        warnings.simplefilter("error", sa.MutationWarning)  # ...but no function here writes
        try:
            args, kwargs = row(x)  # a row may prepare its arguments with NumPy (searchsorted sorts)
        except TypeError as exc:
            return None, type(exc)
        if _lapack(func) and not all(_finite(a) for a in (*args, *kwargs.values())):
            reject()  # LAPACK's SVD and eigen solvers may never return on NaN or infinity
        try:
            return func(*args, **kwargs), None
        except (ValueError, TypeError, np.linalg.LinAlgError, IndexError, OverflowError, ZeroDivisionError) as exc:
            return None, type(exc)


def compare(name: str, result: Any, expected: Any, memory: list[np.ndarray], same: dict[int, Any]) -> None:
    if name not in UNDEFINED_VALUES:
        assert_matches(result, expected, *memory, same=same)
        return
    assert np.asarray(result).shape == expected.shape and np.asarray(result).dtype == expected.dtype
    assert_tag_is_true(result, *memory)


#: NumPy dispatchers that return their argument itself, not a tuple holding it: NumPy then
#: looks for ``__array_function__`` among the *elements* of a 1-d array, finds NumPy scalars,
#: and runs its implementation without asking safearray, which returns a plain ndarray
#: (``numpy.poly(x)``; ``sa.poly(x)`` tags its result).
ITERATING_DISPATCHERS = frozenset({"poly", "roots"})


@pytest.mark.parametrize("name", sorted(ROWS))
@settings(max_examples=10)
@given(data=st.data(), layout=st.sampled_from(sorted(LAYOUTS)))
def test_function_against_numpy(name: str, data: st.DataObject, layout: str) -> None:
    func, row = ROWS[name]
    example = Example(data, layout)
    expected, expected_error = call(func, row, Plain(example))  # the oracle, on the same memory
    memory = example.memory()
    same = {id(memory[f]): t for f, t in example.tagged.items()}
    candidates = [("safearray namespace", sa_function(func))]
    if type(func).__name__ == "_ArrayFunctionDispatcher":  # NumPy hands these to SafeArray
        candidates.append(("numpy dispatch", func))
    for label, f in candidates:
        result, error = call(f, row, Tagged(example))
        assert error is expected_error, (label, error, expected_error)
        if expected_error is None:
            if label == "numpy dispatch" and name in ITERATING_DISPATCHERS and type(result) is np.ndarray:
                assert_same_array(result, expected)
                continue
            compare(name, result, expected, list(memory.values()), same)


def test_the_table_covers_at_least_150_distinct_numpy_functions() -> None:
    distinct = {func for func, _ in ROWS.values()}
    assert len(distinct) >= 150, len(distinct)
    assert len({function_name(f) for f in distinct}) == len(distinct)  # each one a NumPy name


def test_every_dispatched_numpy_function_is_tested() -> None:
    """Each function NumPy hands to ``__array_function__`` has a row or a test named here."""
    in_table = {id(func) for func, _ in ROWS.values()}  # aliases (concat, permute_dims) included
    missing = []
    for prefix, space in PREFIXES:
        for name in getattr(space, "__all__", dir(space)):
            obj = getattr(space, name, None)
            if type(obj).__name__ == "_ArrayFunctionDispatcher":
                if id(obj) not in in_table and prefix + name not in set(ELSEWHERE) | DEPRECATED:
                    missing.append(prefix + name)
    assert not missing, missing


# --------------------------------------------------------------------------------------
# Python values, NumPy scalars, writes into arguments, out=


def test_python_values_come_back_as_numpy_returns_them() -> None:
    raw = np.arange(6.0).reshape(2, 3)
    x = sa.array(raw)
    for f in (np.ndim, np.shape, np.size, np.isfortran, np.iscomplexobj, np.isscalar):
        assert type(f(x)) is type(f(raw)) and f(x) == f(raw)
    for f2 in (np.array_equal, np.allclose, np.array_equiv, np.shares_memory, np.may_share_memory):
        assert f2(x, x) is f2(raw, raw)
    assert np.result_type(x, 1.0) is np.result_type(raw, 1.0)
    assert np.einsum_path("ij,jk", x, x.T) == np.einsum_path("ij,jk", raw, raw.T)


@pytest.mark.parametrize("reduce", [np.sum, np.mean, np.max, np.median, np.linalg.det, np.ptp, np.var,
                                    np.argmax, np.count_nonzero, np.trace, np.vdot], ids=lambda f: f.__name__)
def test_numpy_scalars_come_back_as_numpy_scalars(reduce: Callable[..., Any]) -> None:
    raw = np.arange(1.0, 5.0).reshape(2, 2)
    args = (raw, raw) if reduce is np.vdot else (raw,)
    expected = reduce(*args)
    for f in (reduce, sa_function(reduce)):
        result = f(*(sa.array(a) for a in args))
        # a NumPy scalar (or a Python int: count_nonzero before NumPy 2.3): the same type and value
        assert type(result) is type(expected) and result == expected
    for method in ("sum", "max", "mean", "argmin", "all"):
        assert_matches(getattr(sa.array(raw), method)(), getattr(raw, method)())


#: Functions that write into their first argument: ``write(namespace, target)``.
WRITERS: dict[str, Callable[[Any, Any], Any]] = {
    "copyto": lambda ns, t: ns.copyto(t, 1.0, where=np.asarray(t) > 2),
    "put": lambda ns, t: ns.put(t, [0, 4], [7, 8]),
    "place": lambda ns, t: ns.place(t, np.asarray(t) > 2, [0, -1]),
    "putmask": lambda ns, t: ns.putmask(t, np.asarray(t) > 2, 5),
    "fill_diagonal": lambda ns, t: ns.fill_diagonal(t, 9),
    "put_along_axis": lambda ns, t: ns.put_along_axis(t, np.zeros((1, 3), int), 4, axis=0),
}


@pytest.mark.parametrize("name", sorted(WRITERS))
@pytest.mark.parametrize("space", [np, sa], ids=["numpy dispatch", "safearray namespace"])
@settings(max_examples=10)
@given(raw=hnp.arrays(np.float64, (2, 3), elements=st.floats(-5, 5)))
def test_functions_that_write_into_an_argument(name: str, space: Any, raw: np.ndarray) -> None:
    write = WRITERS[name]
    expected = raw.copy()
    expected_return = write(np, expected)
    # into a Copy: as NumPy, without a warning
    x = sa.array(raw)
    assert write(space, x) is expected_return is None
    np.testing.assert_array_equal(np.asarray(x), expected)
    # into a View: the write reaches the base, once the write policy had its say
    base = sa.array(np.concatenate([raw, raw]))
    with pytest.warns(sa.SharedWriteWarning, match=name):
        write(space, base[2:])
    np.testing.assert_array_equal(np.asarray(base), np.concatenate([raw, expected]))
    with sa.policy("raise"), pytest.raises(sa.SharedWriteError):
        write(space, base[:2])
    np.testing.assert_array_equal(np.asarray(base)[:2], raw)
    # into a read-only View: refused, as NumPy refuses to write into a read-only array
    with pytest.raises(sa.ReadOnlyError):
        write(space, base.readonly()[:2])


def test_out_returns_the_out_array_itself() -> None:
    raw = np.arange(6.0).reshape(2, 3)
    x = sa.array(raw)
    for f, kwargs, expected in (
        ("sum", {"axis": 0}, raw.sum(axis=0)), ("cumsum", {"axis": 1}, raw.cumsum(axis=1)),
        ("clip", {"a_min": 1, "a_max": 3}, raw.clip(1, 3)), ("mean", {"axis": 0}, raw.mean(axis=0)),
        ("take", {"indices": [[0, 1]]}, np.take(raw, [[0, 1]])), ("around", {}, np.around(raw)),
        ("matmul", {}, None), ("concatenate", {}, np.concatenate([raw, raw])),
    ):
        shape = expected.shape if expected is not None else (2, 2)
        for space in (np, sa):
            out = sa.zeros(shape)
            if f == "matmul":
                result = space.matmul(x, x.T, out=out)
                expected = raw @ raw.T
            elif f == "concatenate":
                result = space.concatenate([x, x], out=out)
            else:
                result = getattr(space, f)(x, out=out, **kwargs)
            assert result is out, (space.__name__, f)
            np.testing.assert_array_equal(np.asarray(out), expected)


def test_python_callables_receive_what_numpy_gives_them() -> None:
    """apply_along_axis, piecewise, fromfunction, vectorize: results tagged as Copies."""
    x = sa.arange(6.0).reshape(2, 3)
    raw = np.arange(6.0).reshape(2, 3)
    for ours, theirs in (
        (np.apply_along_axis(lambda v: v[::-1], 1, x), np.apply_along_axis(lambda v: v[::-1], 1, raw)),
        (sa.fromfunction(lambda i, j: i * 10 + j, (2, 3)), np.fromfunction(lambda i, j: i * 10 + j, (2, 3))),
        (sa.vectorize(lambda v: v * 2)(x), np.vectorize(lambda v: v * 2)(raw)),
        (sa.vectorize(lambda v: (v, -v))(x), np.vectorize(lambda v: (v, -v))(raw)),
        (sa.piecewise(x, [x > 2], [lambda v: v * 2, lambda v: v]), np.piecewise(raw, [raw > 2], [lambda v: v * 2, lambda v: v])),
    ):
        assert_matches(ours, theirs, np.asarray(x))


# --------------------------------------------------------------------------------------
# stride tricks and broadcasting: Views whose base is the owner of the memory viewed

#: ``name -> (NumPy's function, args after x, kwargs, dispatched)``: each views ``x``'s bytes
#: (``dispatched``: NumPy hands it to SafeArray when called on one; as_strided is not).
STRIDE_TRICKS: dict[str, Callable[[Any], tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any], bool]]] = {
    "as_strided": lambda raw: (np.lib.stride_tricks.as_strided, (), {}, False),
    "as_strided first row": lambda raw: (np.lib.stride_tricks.as_strided, (raw.shape[1:], raw.strides[1:]), {}, False),
    "as_strided repeated": lambda raw: (np.lib.stride_tricks.as_strided, ((3, *raw.shape), (0, *raw.strides)), {}, False),
    "as_strided read-only": lambda raw: (np.lib.stride_tricks.as_strided, (), {"writeable": False}, False),
    "sliding_window_view": lambda raw: (np.lib.stride_tricks.sliding_window_view, (min(2, raw.shape[0]),), {"axis": 0}, True),
    "broadcast_to": lambda raw: (np.broadcast_to, ((2, *raw.shape),), {}, True),
    "broadcast_arrays": lambda raw: (np.broadcast_arrays, (np.ones((2,) + (1,) * raw.ndim),), {}, True),
}
OWNERS = ["Copy", "View of a Copy", "ndarray", "View of an ndarray"]


def _sa_trick(func: Callable[..., Any]) -> Callable[..., Any]:
    if func in (np.broadcast_to, np.broadcast_arrays):
        return sa_function(func)
    return getattr(sa.lib.stride_tricks, func.__name__)  # type: ignore[no-any-return]


@pytest.mark.parametrize("owner", OWNERS)
@pytest.mark.parametrize("name", sorted(STRIDE_TRICKS))
@settings(max_examples=15)
@given(raw=arrays(dtypes=[np.dtype(t) for t in ("float64", "int16", "complex64", "bool", "U3")],
                  min_dims=1, min_side=1, max_side=4))
def test_stride_tricks_are_views_of_the_owner(name: str, owner: str, raw: np.ndarray) -> None:
    func, args, kwargs, dispatched = STRIDE_TRICKS[name](raw)
    if owner == "Copy":
        x: Any = sa.array(raw, order="K")
        expected_base: Any = x
    elif owner == "View of a Copy":
        held = sa.array(np.concatenate([raw, raw]), order="K")
        x = held[raw.shape[0]:]
        expected_base = held
    elif owner == "ndarray":
        x = raw
        expected_base = owner_of(raw)
    else:
        x = sa.asarray(raw)
        expected_base = x.base
    memory = memory_of(x)
    expected = func(memory, *args, **kwargs)  # the oracle: NumPy on the same bytes
    ways = [("safearray namespace", _sa_trick(func))]
    if dispatched and owner != "ndarray":
        ways.append(("numpy dispatch", func))
    for how, f in ways:
        result = f(x, *args, **kwargs)
        parts = result if isinstance(result, tuple) else (result,)
        for r, e in zip(parts, expected if isinstance(expected, tuple) else (expected,)):
            assert_same_array(r, e)
            with warnings.catch_warnings():  # broadcast_arrays' "warn on write" flag, when read
                warnings.simplefilter("ignore", FutureWarning)
                assert r.strides == e.strides and r.flags.writeable == e.flags.writeable, how
            if not np.shares_memory(e, memory):  # broadcast_arrays' other argument, an ndarray
                assert type(r) is sa.View and base_is(r, args[0]), (how, type(r))
                continue
            assert type(r) is sa.View, (how, type(r))
            assert base_is(r, expected_base), (how, type(r.base))
            assert sa.shares_memory(r, x) and sa.may_share_memory(r, x)


@pytest.mark.parametrize("mode", sa.MODES)
def test_writes_through_as_strided_are_judged_as_writes_through_views_of_x(mode: str) -> None:
    x = sa.arange(10.0)
    expected = np.arange(10.0)
    strided = sa.lib.stride_tricks.as_strided(x, (4,), (16,))
    oracle = np.lib.stride_tricks.as_strided(expected, (4,), (16,))
    with sa.policy(mode), warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            strided[1] = -1.0
        except sa.SharedWriteError:
            assert mode == "raise"
            np.testing.assert_array_equal(np.asarray(x), expected)  # no byte changed
        else:
            oracle[1] = -1.0
            np.testing.assert_array_equal(np.asarray(x), expected)
    assert [w.category for w in record] == ([sa.SharedWriteWarning] if mode == "warn" else [])
    if record:
        assert "np.as_strided() of Copy(shape=(10,), dtype=float64)" in str(record[0].message)
    window = sa.lib.stride_tricks.sliding_window_view(x, 3)
    with sa.policy(mode), pytest.raises(sa.ReadOnlyError):
        window[0, 0] = 1.0  # read-only, as NumPy's


def _strided_temporary() -> Any:
    t = sa.lib.stride_tricks.as_strided(sa.arange(4.0), (2,), (16,))
    t[0] = 7.0  # the only array that sees the arange's bytes: its own memory
    return t


def _strided_dead_name() -> Any:
    x = sa.arange(4.0)
    t = sa.lib.stride_tricks.as_strided(x, (2,), (16,))
    t[0] = 7.0  # x is not read again: nobody else sees the bytes
    return t


@pytest.mark.parametrize("mode", sa.MODES)
def test_as_strided_of_memory_nobody_else_sees_writes_silently(mode: str) -> None:
    with sa.policy(mode):
        temporary = _strided_temporary()
        dead = _strided_dead_name()
    assert type(temporary) is sa.Copy and temporary.tolist() == [7.0, 2.0]
    assert type(dead) is sa.View and dead.tolist() == [7.0, 2.0]


def test_stride_tricks_are_views_of_the_owner_when_numpy_cannot_review_its_bytes() -> None:
    """A View reaching beyond what it was made from is rebased on the owner; an object array's
    bytes cannot be viewed through a buffer, so NumPy's holder stays: the base is still the
    owner, and writes are judged as through any View of it."""
    x = sa.arange(6.0)
    beyond = sa.lib.stride_tricks.as_strided(x[:2], (3,), (16,))  # x[0], x[2], x[4]
    assert type(beyond) is sa.View and beyond.base is x and beyond.tolist() == [0.0, 2.0, 4.0]
    boxes = sa.array([1, "a", None], dtype=object)
    objects = sa.lib.stride_tricks.as_strided(boxes, (2,), (boxes.itemsize,))
    assert type(objects) is sa.View and objects.base is boxes and objects.tolist() == [1, "a"]
    assert sa.shares_memory(objects, boxes)
    with pytest.warns(sa.SharedWriteWarning, match="np.as_strided"):
        objects[0] = 5
    with sa.policy("raise"), pytest.raises(sa.SharedWriteError):
        objects[1] = 6
    assert boxes.tolist() == [5, "a", None]
