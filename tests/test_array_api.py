"""The Array API namespace: every name the declared version requires, truthful tags, and
the behaviours where it differs from NumPy. (Conformance is measured with the public suite,
see docs/array_api.md.)"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import safearray as sa
from safearray import array_api as xp
from tests._asserts import assert_same_array, assert_tag_is_true, quiet
from tests.strategies import INT_DTYPES, arrays

# The names of the 2025.12 standard, module by module as its specification lists them.
REQUIRED_2025_12 = """
bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float32 float64 complex64 complex128
e inf nan newaxis pi
arange asarray empty empty_like eye from_dlpack full full_like linspace meshgrid ones ones_like
tril triu zeros zeros_like
astype can_cast finfo iinfo isdtype result_type
abs acos acosh add asin asinh atan atan2 atanh bitwise_and bitwise_left_shift bitwise_invert
bitwise_or bitwise_right_shift bitwise_xor ceil clip conj copysign cos cosh divide equal exp expm1
floor floor_divide greater greater_equal hypot imag isfinite isinf isnan less less_equal log log1p
log2 log10 logaddexp logical_and logical_not logical_or logical_xor maximum minimum multiply
negative nextafter not_equal positive pow real reciprocal remainder round sign signbit sin sinh
square sqrt subtract tan tanh trunc
take take_along_axis
matmul matrix_transpose tensordot vecdot
broadcast_arrays broadcast_shapes broadcast_to concat expand_dims flip moveaxis permute_dims repeat
reshape roll squeeze stack tile unstack
argmax argmin count_nonzero nonzero searchsorted where
isin unique_all unique_counts unique_inverse unique_values
argsort sort
cumulative_sum cumulative_prod max mean min prod std sum var
all any diff
__array_namespace_info__
""".split()
LINALG = """cholesky cross det diagonal eig eigh eigvals eigvalsh inv matmul matrix_norm matrix_power
matrix_rank matrix_transpose outer pinv qr slogdet solve svd svdvals tensordot trace vecdot
vector_norm""".split()
FFT = "fft ifft fftn ifftn rfft irfft rfftn irfftn hfft ihfft fftfreq rfftfreq fftshift ifftshift".split()
INFO = "capabilities default_device default_dtypes devices dtypes".split()

REAL_DTYPES = [np.dtype(t) for t in ("int8", "int64", "uint8", "uint64", "float32", "float64")]
STANDARD_COMPLEX = [np.dtype("complex64"), np.dtype("complex128")]


def test_version_and_namespace() -> None:
    assert xp.__array_api_version__ == "2025.12"
    x = sa.arange(2)
    assert x.__array_namespace__() is xp
    for version in ("2023.12", "2024.12", "2025.12"):
        assert x.__array_namespace__(api_version=version) is xp
    with pytest.raises(ValueError, match="api_version"):
        x.__array_namespace__(api_version="2021.12")


@pytest.mark.parametrize("name", REQUIRED_2025_12)
def test_required_name(name: str) -> None:
    assert hasattr(xp, name), name
    assert name in xp.__all__, name


def test_extensions_and_inspection() -> None:
    for name in LINALG:
        assert callable(getattr(xp.linalg, name)), name
    for name in FFT:
        assert callable(getattr(xp.fft, name)), name
    info = xp.__array_namespace_info__()
    for name in INFO:
        assert callable(getattr(info, name)), name


def test_the_namespace_leaves_numpy_and_the_drop_in_namespace_alone() -> None:
    """The wrapped names live in array_api only: sa.sort, sa.meshgrid, ... stay NumPy's."""
    x = sa.asarray([3, 1, 2])
    with pytest.raises(TypeError):
        sa.sort(x, descending=True)  # type: ignore[call-overload]
    assert np.asarray(sa.floor_divide(sa.asarray([5.0]), sa.asarray([-np.inf]))).tolist() == [-1.0]
    assert xp.sort is not sa.sort and xp.expm1 is not sa.expm1


# --------------------------------------------------------------------------------------
# delegated and wrapped functions: NumPy's values, truthful tags


def _descending_stable_order(raw: np.ndarray) -> np.ndarray:
    """Python's stable sort, reversed, along the last axis: the oracle for argsort."""
    rows = raw.reshape(-1, raw.shape[-1]) if raw.size else raw.reshape(0, raw.shape[-1])
    orders = [sorted(range(len(row)), key=lambda i, row=row: row[i], reverse=True) for row in rows]
    return np.asarray(orders, dtype=np.intp).reshape(raw.shape)


ONE_ARRAY: dict[str, tuple[Callable[[Any], Any], Callable[[np.ndarray], Any], int]] = {
    # name: (namespace call, NumPy oracle, minimum ndim)
    "permute_dims": (lambda x: xp.permute_dims(x, tuple(range(x.ndim))[::-1]), np.transpose, 0),
    "matrix_transpose": (xp.matrix_transpose, lambda a: np.swapaxes(a, -1, -2), 2),
    "reshape": (lambda x: xp.reshape(x, (-1,)), lambda a: np.reshape(a, -1), 0),
    "flip": (xp.flip, np.flip, 0),
    "expand_dims": (lambda x: xp.expand_dims(x, axis=(0, -1)), lambda a: np.expand_dims(a, (0, -1)), 0),
    "asarray": (xp.asarray, np.asarray, 0),
    "asarray copy": (lambda x: xp.asarray(x, copy=True), lambda a: np.array(a, copy=True), 0),
    "astype same": (lambda x: xp.astype(x, x.dtype, copy=False), lambda a: a, 0),
    "astype float64": (lambda x: xp.astype(x, xp.float64), lambda a: a.astype(np.float64), 0),
    "sort": (xp.sort, lambda a: np.sort(a, kind="stable"), 1),
    "sort descending": (lambda x: xp.sort(x, descending=True), lambda a: np.flip(np.sort(a), axis=-1), 1),
    "argsort descending": (lambda x: xp.argsort(x, descending=True), _descending_stable_order, 1),
    "unique_values": (xp.unique_values, np.unique_values, 0),
    "isin": (lambda x: xp.isin(x, xp.flip(x)), lambda a: np.isin(a, np.flip(a)), 0),
    "isin invert": (lambda x: xp.isin(x, 3, invert=True), lambda a: np.isin(a, 3, invert=True), 0),
    "broadcast_arrays": (lambda x: xp.broadcast_arrays(x, x[..., :1]), lambda a: np.broadcast_arrays(a, a[..., :1]), 1),
    "sum": (xp.sum, np.sum, 0),
    "cumulative_sum": (lambda x: xp.cumulative_sum(x, axis=0), lambda a: np.cumsum(a, axis=0), 1),
    "reshape copy": (lambda x: xp.reshape(x, (-1,), copy=True), lambda a: np.reshape(a, -1).copy(), 0),
    "take_along_axis": (
        lambda x: xp.take_along_axis(x, xp.argsort(x)), lambda a: np.take_along_axis(a, np.argsort(a), -1), 1
    ),
    "clip without bounds": (xp.clip, np.copy, 0),
    "clip": (lambda x: xp.clip(x, min=2, max=9), lambda a: np.clip(a, 2, 9), 0),
}
# the namespace's own versions of what NumPy 2.0 lacks, checked against NumPy's (2.1 and later)
if hasattr(np, "cumulative_sum"):
    ONE_ARRAY |= {
        "unstack (NumPy 2.0)": (
            # as the namespace publishes it on NumPy 2.0: 0-d arrays where NumPy gives scalars
            lambda x: xp._arrays_only(xp._unstack)(x, axis=-1),
            lambda a: np.unstack(a, axis=-1),  # type: ignore[attr-defined]
            1,
        ),
        "cumulative_sum (NumPy 2.0)": (
            lambda x: xp._cumulative_sum(x, axis=-1, include_initial=True),
            lambda a: np.cumulative_sum(a, axis=-1, include_initial=True),  # type: ignore[attr-defined]
            1,
        ),
        "cumulative_prod (NumPy 2.0)": (
            lambda x: xp._cumulative_prod(x, axis=0, dtype=xp.float64),
            lambda a: np.cumulative_prod(a, axis=0, dtype=np.float64),  # type: ignore[attr-defined]
            1,
        ),
    }


@pytest.mark.parametrize("name", sorted(ONE_ARRAY))
@given(data=st.data())
def test_functions_match_numpy_and_tag_truthfully(name: str, data: st.DataObject) -> None:
    call, oracle, min_dims = ONE_ARRAY[name]
    raw = data.draw(arrays(dtypes=REAL_DTYPES, min_dims=min_dims, max_side=4), label="raw")
    x = sa.asarray(raw)
    result, expected = call(x), oracle(raw)
    results, expecteds = (result, expected) if isinstance(expected, tuple) else ((result,), (expected,))
    assert type(result) is type(expected) or not isinstance(expected, tuple)
    for got, want in zip(results, expecteds):
        assert_same_array(got, want)
        if got is not x:  # NumPy hands back an input that needs no work
            assert_tag_is_true(got, raw)


def test_tags_of_fixed_examples() -> None:
    x = xp.asarray([[3.0, 1.0], [2.0, 4.0]])
    memory = np.asarray(x)
    for result in (xp.permute_dims(x, (1, 0)), xp.reshape(x, (4,)), xp.flip(x), xp.expand_dims(x, axis=0)):
        assert isinstance(result, sa.View)
        assert_tag_is_true(result, memory)
    for result in (xp.sort(x), xp.sum(x), xp.concat([x, x]), xp.matmul(x, x), xp.astype(x, xp.float32),
                   xp.expm1(x), xp.tanh(x), xp.isin(x, x), xp.linalg.eigvals(x), *xp.linalg.eig(x)):
        assert isinstance(result, sa.Copy)
        assert_tag_is_true(result, memory)


# --------------------------------------------------------------------------------------
# sorting


@pytest.mark.parametrize("stable", [True, False])
def test_descending_sort_and_argsort(stable: bool) -> None:
    raw = np.array([[3, 1, 3, 2], [0, 5, 5, 1]])
    x = xp.asarray(raw)
    assert_same_array(xp.sort(x, descending=True, stable=stable), -np.sort(-raw, axis=-1))
    order = xp.argsort(x, descending=True, stable=stable, axis=1)
    if stable:  # equal values keep their order
        assert_same_array(order, _descending_stable_order(raw))
    assert_same_array(np.take_along_axis(raw, np.asarray(order), axis=1), -np.sort(-raw, axis=1))
    assert isinstance(xp.sort(x, descending=True), sa.Copy)


@given(raw=arrays(dtypes=REAL_DTYPES, min_dims=1, max_dims=3, max_side=5), axis=st.integers(-3, 2))
def test_descending_argsort_along_any_axis(raw: np.ndarray, axis: int) -> None:
    if not -raw.ndim <= axis < raw.ndim:
        with pytest.raises((ValueError, IndexError)):
            xp.argsort(xp.asarray(raw), axis=axis, descending=True)
        return
    order = xp.argsort(xp.asarray(raw), axis=axis, descending=True)
    moved = np.moveaxis(raw, axis, -1)
    assert_same_array(order, np.moveaxis(_descending_stable_order(moved), -1, axis))


# --------------------------------------------------------------------------------------
# data type functions


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
def test_finfo_accepts_dtypes_and_arrays_and_gives_python_numbers(dtype: str) -> None:
    truth = np.finfo(dtype)
    for arg in (getattr(xp, dtype), xp.zeros(2, dtype=getattr(xp, dtype))):
        info = xp.finfo(arg)
        assert (info.bits, info.eps, info.max, info.min, info.smallest_normal) == (
            truth.bits, float(truth.eps), float(truth.max), float(truth.min), float(truth.smallest_normal)
        )
        assert all(isinstance(v, float) for v in (info.eps, info.max, info.min, info.smallest_normal))
        assert info.dtype == truth.dtype  # the real component's dtype for complex ones


@pytest.mark.parametrize("dtype", [str(d) for d in INT_DTYPES])
def test_iinfo_accepts_dtypes_and_arrays_and_gives_python_ints(dtype: str) -> None:
    truth = np.iinfo(dtype)
    for arg in (getattr(xp, dtype), xp.zeros(2, dtype=getattr(xp, dtype))):
        info = xp.iinfo(arg)
        assert (info.bits, info.min, info.max, info.dtype) == (truth.bits, truth.min, truth.max, truth.dtype)
        assert type(info.max) is int and type(info.min) is int


def test_finfo_and_iinfo_refuse_the_other_kind() -> None:
    with pytest.raises(ValueError):
        xp.finfo(xp.int32)
    with pytest.raises(ValueError):
        xp.iinfo(xp.asarray([1.0]))


# --------------------------------------------------------------------------------------
# element-wise special cases the standard specifies differently from NumPy


def test_floor_divide_by_infinities_follows_the_standard() -> None:
    x1 = xp.asarray([5.0, -5.0, xp.inf, -xp.inf, 7.0])
    x2 = xp.asarray([-xp.inf, xp.inf, 2.0, 2.0, 2.0])
    got = np.asarray(xp.floor_divide(x1, x2))
    assert got.tolist() == [-0.0, -0.0, np.inf, -np.inf, 3.0]
    assert np.signbit(got[:2]).all()


# (real, imag) -> (real, imag) of the result, as the 2025.12 specification lists them;
# every zero's sign is checked.
INF, NAN = math.inf, math.nan
EXPM1_CASES = [
    ((0.0, 0.0), (0.0, 0.0)),
    ((-0.0, 0.0), (0.0, 0.0)),
    ((1.0, INF), (NAN, NAN)),
    ((1.0, NAN), (NAN, NAN)),
    ((INF, 0.0), (INF, 0.0)),
    ((-INF, 1.0), (-1.0, 0.0)),  # +0 * cis(1) - 1
    ((-INF, 2.0), (-1.0, 0.0)),  # +0 * cis(2) - 1
    ((-INF, 4.0), (-1.0, -0.0)),  # +0 * cis(4) - 1: sin(4) < 0
    ((-INF, INF), (-1.0, None)),  # sign of the imaginary zero unspecified
    ((INF, INF), (None, NAN)),  # infinity, sign unspecified
    ((-INF, NAN), (-1.0, None)),
    ((INF, NAN), (None, NAN)),
    ((NAN, 0.0), (NAN, 0.0)),
    ((NAN, 1.0), (NAN, NAN)),
    ((NAN, NAN), (NAN, NAN)),
]
TANH_CASES = [
    ((0.0, 0.0), (0.0, 0.0)),
    ((1.0, INF), (NAN, NAN)),
    ((1.0, NAN), (NAN, NAN)),
    ((INF, 1.0), (1.0, 0.0)),
    ((INF, 2.0), (1.0, 0.0)),  # NumPy: 1 - 0j (the sign of sin(4))
    ((INF, 3.0), (1.0, 0.0)),
    ((INF, -2.0), (1.0, -0.0)),  # tanh(conj(x)) == conj(tanh(x))
    ((-INF, 2.0), (-1.0, 0.0)),  # tanh(-x) == -tanh(x)
    ((INF, INF), (1.0, None)),
    ((INF, NAN), (1.0, None)),
    ((NAN, 0.0), (NAN, 0.0)),
    ((NAN, 1.0), (NAN, NAN)),
]


def _same_float(got: float, want: float | None) -> bool:
    if want is None:  # only the magnitude is specified: compare it
        return True
    if math.isnan(want):
        return math.isnan(got)
    return got == want and math.copysign(1, got) == math.copysign(1, want)


@pytest.mark.parametrize("dtype", STANDARD_COMPLEX, ids=str)
@pytest.mark.parametrize(("func", "cases"), [("expm1", EXPM1_CASES), ("tanh", TANH_CASES)])
def test_complex_special_cases_follow_the_standard(func: str, cases: list[Any], dtype: np.dtype[Any]) -> None:
    x = xp.asarray([complex(*arg) for arg, _ in cases], dtype=dtype)
    with np.errstate(invalid="ignore"):  # NumPy warns where the standard's result is NaN
        out = getattr(xp, func)(x)
    assert isinstance(out, sa.Copy) and out.dtype == dtype and out.shape == x.shape
    for (arg, (real, imag)), value in zip(cases, np.asarray(out).tolist()):
        assert _same_float(value.real, real) and _same_float(value.imag, imag), (func, arg, value)
        if real is None:
            assert math.isinf(value.real)
        if imag is None:
            assert value.imag == 0


def _complex_parts() -> st.SearchStrategy[float]:
    return st.one_of(st.floats(-50, 50, width=32), st.sampled_from([0.0, -0.0, INF, -INF, NAN]))


@pytest.mark.parametrize("func", ["expm1", "tanh"])
@given(data=st.data())
def test_expm1_and_tanh_keep_numpy_values_where_it_follows_the_standard(func: str, data: st.DataObject) -> None:
    """Real arrays, and complex elements off the special cases, get NumPy's exact values."""
    dtype = data.draw(st.sampled_from([np.dtype("float32"), np.dtype("float64"), *STANDARD_COMPLEX]))
    elements = st.builds(complex, _complex_parts(), _complex_parts()) if dtype.kind == "c" else _complex_parts()
    raw = data.draw(hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=2), elements=elements))
    with np.errstate(all="ignore"):
        expected = getattr(np, func)(raw)
        got = np.asarray(getattr(xp, func)(xp.asarray(raw)))
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if dtype.kind == "c":  # the special cases are checked above
        regular = np.isfinite(raw) & (raw != 0) if func == "expm1" else ~(np.isinf(raw.real) & np.isfinite(raw.imag))
        got, expected = got[regular], expected[regular]
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(np.signbit(got.real), np.signbit(expected.real))


# --------------------------------------------------------------------------------------
# 2025.12 additions and changes


@given(
    raw=arrays(dtypes=INT_DTYPES[:4], max_side=4),
    other=hnp.arrays(np.int16, hnp.array_shapes(min_dims=0, max_dims=2, max_side=4), elements=st.integers(-3, 3)),
    invert=st.booleans(),
)
def test_isin_matches_numpy(raw: np.ndarray, other: np.ndarray, invert: bool) -> None:
    got = xp.isin(xp.asarray(raw), xp.asarray(other), invert=invert)
    assert_same_array(got, np.isin(raw, other, invert=invert))
    assert_tag_is_true(got, raw, other)


def test_isin_with_a_scalar_gives_a_0d_array() -> None:
    x2 = xp.asarray([1, 2, 3])
    assert_same_array(xp.isin(2, x2), np.asarray(True))
    assert_same_array(xp.isin(7, x2, invert=True), np.asarray(True))
    assert isinstance(xp.isin(2, x2), sa.Copy)
    assert_same_array(xp.isin(x2, 2), np.asarray([False, True, False]))


@given(shapes=st.integers(1, 4).flatmap(lambda n: hnp.mutually_broadcastable_shapes(num_shapes=n)))
def test_broadcast_shapes_matches_numpy(shapes: Any) -> None:
    got = xp.broadcast_shapes(*shapes.input_shapes)
    assert got == np.broadcast_shapes(*shapes.input_shapes) == shapes.result_shape
    assert type(got) is tuple and all(type(n) is int for n in got)


def test_broadcast_shapes_refuses_incompatible_shapes() -> None:
    assert xp.broadcast_shapes() == ()
    with pytest.raises(ValueError):
        xp.broadcast_shapes((2, 3), (4,))


def test_meshgrid_and_broadcast_arrays_return_tuples() -> None:
    a, b = xp.asarray([1, 2]), xp.asarray([3, 4, 5])
    grids = xp.meshgrid(a, b)
    assert type(grids) is tuple and [g.shape for g in grids] == [(3, 2), (3, 2)]
    assert all(isinstance(g, sa.Copy) for g in grids)
    ij = xp.meshgrid(a, b, indexing="ij")
    for got, want in zip(ij, np.meshgrid(np.asarray(a), np.asarray(b), indexing="ij")):
        assert_same_array(got, want)
    wide = xp.broadcast_arrays(a[:1], b)
    assert type(wide) is tuple and isinstance(wide[0], sa.View)
    assert_tag_is_true(wide[0], np.asarray(a))


@given(
    raw=hnp.arrays(
        st.sampled_from([np.dtype("float32"), np.dtype("float64"), *STANDARD_COMPLEX]),
        st.integers(1, 4).map(lambda n: (n, n)) | st.integers(1, 3).map(lambda n: (2, n, n)),
        elements=st.integers(-5, 5),
    ),
)
def test_eig_and_eigvals_are_always_complex(raw: np.ndarray) -> None:
    complex_dtype = np.result_type(raw.dtype, np.complex64)
    values, vectors = xp.linalg.eig(xp.asarray(raw))
    truth = np.linalg.eig(raw)
    assert_same_array(values, truth.eigenvalues.astype(complex_dtype))
    assert_same_array(vectors, truth.eigenvectors.astype(complex_dtype))
    assert_same_array(xp.linalg.eigvals(xp.asarray(raw)), np.linalg.eigvals(raw).astype(complex_dtype))
    result = xp.linalg.eig(xp.asarray(raw))
    assert result.eigenvalues is result[0] and result.eigenvectors is result[1]
    for part in (*result, xp.linalg.eigvals(xp.asarray(raw))):
        assert_tag_is_true(part, raw)


KINDS = [None, "bool", "signed integer", "unsigned integer", "integral", "real floating",
         "complex floating", "numeric", ("bool", "real floating"), ()]


@pytest.mark.skipif(not hasattr(np, "__array_namespace_info__"), reason="NumPy 2.0 has no inspection namespace")
@pytest.mark.parametrize("kind", KINDS)
def test_inspection_namespace_answers_as_numpy(kind: Any) -> None:
    info, truth = xp.__array_namespace_info__(), np.__array_namespace_info__()
    assert info.devices() == tuple(truth.devices()) == ("cpu",) and type(info.devices()) is tuple
    assert info.default_device() == truth.default_device() == "cpu"
    caps = info.capabilities()  # NumPy < 2.3 predates the standard's "max dimensions"
    assert {k: caps[k] for k in truth.capabilities()} == truth.capabilities()
    assert caps["max dimensions"] == 64
    assert info.default_dtypes() == truth.default_dtypes() == info.default_dtypes(device="cpu")
    got = info.dtypes(kind=kind)
    assert got == {name: np.dtype(dtype) for name, dtype in truth.dtypes(kind=kind).items()}
    assert all(type(dtype) is type(np.dtype(name)) for name, dtype in got.items())


def test_inspection_namespace_refuses_bad_arguments() -> None:
    info = xp.__array_namespace_info__()
    for device in info.devices():
        assert xp.zeros(1, device=device).device == device
    with pytest.raises(ValueError, match="device"):
        info.dtypes(device="gpu")
    with pytest.raises(ValueError, match="device"):
        info.default_dtypes(device="gpu")
    with pytest.raises(ValueError, match="kind"):
        info.dtypes(kind="floating")


def test_numpy_2_0_replacements_refuse_what_numpy_refuses() -> None:
    with pytest.raises(ValueError, match="axis"):
        xp._cumulative_sum(xp.ones((2, 2)))
    for func in (xp._cumulative_sum, xp._unstack):
        with pytest.raises(ValueError, match="dimension"):
            func(xp.asarray(1))
    with pytest.raises(ValueError):  # NumPy's AxisError
        xp._unstack(xp.ones((2, 2)), axis=2)


def test_reshape_copy_false_refuses_a_copy() -> None:
    x = xp.permute_dims(xp.reshape(xp.arange(6), (2, 3)), (1, 0))
    with pytest.raises(ValueError, match="copy"):
        xp.reshape(x, (6,), copy=False)
    assert isinstance(xp.reshape(x, (3, 2), copy=False), sa.View)


# --------------------------------------------------------------------------------------
# signatures NumPy does not have


def test_clip_astype_and_fftfreq_signatures() -> None:
    x = xp.asarray([-2.0, 0.5, 9.0])
    assert_same_array(xp.clip(x, min=-1.0, max=1.0), np.clip(np.asarray(x), -1.0, 1.0))
    assert_same_array(xp.clip(x, max=1.0), np.minimum(np.asarray(x), 1.0))
    assert xp.astype(x, xp.int32).dtype == np.int32
    with pytest.raises(ValueError, match="device"):
        xp.astype(x, xp.int32, device="gpu")
    freq = xp.fft.fftfreq(4, d=0.5, dtype=xp.float32)
    assert_same_array(freq, np.fft.fftfreq(4, d=0.5).astype(np.float32))
    assert isinstance(freq, sa.Copy)
    assert_same_array(xp.fft.rfftfreq(5, device="cpu"), np.fft.rfftfreq(5))


# --------------------------------------------------------------------------------------
# beyond the standard: NumPy's functions that xarray calls through the namespace

EXTRA_NAMES = "cross cumprod cumsum einsum gradient median pad quantile transpose".split()

BEYOND_STANDARD: dict[str, tuple[Callable[[Any], Any], Callable[[np.ndarray], Any], int, int]] = {
    # name: (namespace call, NumPy oracle, minimum ndim, minimum side)
    "pad": (lambda x: xp.pad(x, 1), lambda a: np.pad(a, 1), 0, 0),
    "pad nothing": (lambda x: xp.pad(x, 0), lambda a: np.pad(a, 0), 0, 0),
    "pad constant_values": (
        lambda x: xp.pad(x, ((1, 0),) * x.ndim, mode="constant", constant_values=7),
        lambda a: np.pad(a, ((1, 0),) * a.ndim, mode="constant", constant_values=7),
        1, 0,
    ),
    "pad edge": (lambda x: xp.pad(x, (0, 2), mode="edge"), lambda a: np.pad(a, (0, 2), mode="edge"), 1, 1),
    "pad reflect": (lambda x: xp.pad(x, 1, mode="reflect"), lambda a: np.pad(a, 1, mode="reflect"), 1, 1),
    "sliding_window_view": (
        lambda x: xp.lib.stride_tricks.sliding_window_view(x, 2, axis=-1),
        lambda a: np.lib.stride_tricks.sliding_window_view(a, 2, axis=-1),
        1, 2,
    ),
    "einsum transposition": (lambda x: xp.einsum("...ij->...ji", x), lambda a: np.einsum("...ij->...ji", a), 2, 0),
    "einsum contraction": (
        lambda x: xp.einsum("...i,...i->...", x, x), lambda a: np.einsum("...i,...i->...", a, a), 1, 0
    ),
    "einsum to a scalar": (
        lambda x: xp.einsum(x, list(range(x.ndim)), []), lambda a: np.einsum(a, list(range(a.ndim)), []), 0, 0
    ),
    "transpose": (xp.transpose, np.transpose, 0, 0),
    "transpose axes": (
        lambda x: xp.transpose(x, tuple(range(x.ndim))[::-1]),
        lambda a: np.transpose(a, tuple(range(a.ndim))[::-1]),
        0, 0,
    ),
    "cumsum": (xp.cumsum, np.cumsum, 0, 0),
    "cumsum axis": (lambda x: xp.cumsum(x, axis=-1), lambda a: np.cumsum(a, axis=-1), 1, 0),
    "cumprod": (lambda x: xp.cumprod(x, axis=0), lambda a: np.cumprod(a, axis=0), 1, 0),
    "median": (xp.median, np.median, 0, 1),
    "median axis": (lambda x: xp.median(x, axis=-1), lambda a: np.median(a, axis=-1), 1, 1),
    "quantile": (lambda x: xp.quantile(x, 0.3), lambda a: np.quantile(a, 0.3), 0, 1),
    "quantile q array": (
        lambda x: xp.quantile(x, xp.asarray([0.0, 0.5, 1.0]), axis=-1),
        lambda a: np.quantile(a, np.asarray([0.0, 0.5, 1.0]), axis=-1),
        1, 1,
    ),
    "gradient": (xp.gradient, np.gradient, 1, 2),
    "gradient axis": (lambda x: xp.gradient(x, 0.5, axis=0), lambda a: np.gradient(a, 0.5, axis=0), 1, 2),
}


def test_names_beyond_the_standard_are_numpys_and_documented_here() -> None:
    for name in EXTRA_NAMES:
        func = getattr(xp, name)
        assert name in xp.__all__ and name not in REQUIRED_2025_12
        assert func.__module__ == "safearray.array_api" and ">>> " in (func.__doc__ or "")
        assert func.__wrapped__ is getattr(sa, name)  # the drop-in namespace's, only 0-d arrays for scalars
    assert "lib" in xp.__all__
    assert xp.lib.stride_tricks.sliding_window_view is sa.lib.stride_tricks.sliding_window_view


@pytest.mark.parametrize("name", sorted(BEYOND_STANDARD))
@given(data=st.data())
def test_names_beyond_the_standard_match_numpy_and_tag_truthfully(name: str, data: st.DataObject) -> None:
    call, oracle, min_dims, min_side = BEYOND_STANDARD[name]
    raw = data.draw(arrays(dtypes=REAL_DTYPES, min_dims=min_dims, min_side=min_side, max_side=4), label="raw")
    x = sa.asarray(raw)
    with quiet():  # NumPy's overflow warnings (quantile of extreme integers), on both sides
        result, expected = call(x), oracle(raw)
    results, expecteds = (result, expected) if isinstance(expected, tuple) else ((result,), (expected,))
    assert type(result) is type(expected) or not isinstance(expected, tuple)
    for got, want in zip(results, expecteds):
        assert isinstance(got, sa.SafeArray), type(got)  # a 0-d Copy where NumPy gives a scalar
        assert_same_array(got, want)
        assert got.flags.writeable == np.asarray(want).flags.writeable
        if got is not x:  # NumPy hands back an input that needs no work
            assert_tag_is_true(got, raw)


@given(
    raw=hnp.arrays(
        st.sampled_from(REAL_DTYPES),
        hnp.array_shapes(min_dims=1, max_dims=3, max_side=3).map(lambda s: (*s[:-1], 3)),
        elements=st.integers(0, 9),
    )
)
def test_cross_matches_numpy(raw: np.ndarray) -> None:
    other = np.flip(raw, axis=-1)
    got = xp.cross(xp.asarray(raw), xp.asarray(other))
    assert_same_array(got, np.cross(raw, other))
    assert_tag_is_true(got, raw, other)


def test_tags_of_names_beyond_the_standard() -> None:
    raw = np.arange(6.0).reshape(2, 3)
    x = xp.asarray(raw)
    for view in (xp.transpose(x), xp.einsum("ij->ji", x), xp.lib.stride_tricks.sliding_window_view(x, 2, axis=1)):
        assert isinstance(view, sa.View)
        assert_tag_is_true(view, raw)
    copies = (xp.pad(x, 1), xp.pad(x, 0), xp.cumsum(x), xp.gradient(x, axis=1), xp.median(x), xp.einsum("ij,ij", x, x))
    for copy in copies:
        assert isinstance(copy, sa.Copy)
        assert_tag_is_true(copy, raw)
    window = xp.lib.stride_tricks.sliding_window_view(x, 2, axis=1)
    with pytest.raises(sa.ReadOnlyError):  # NumPy's windows are read-only: so are these
        window[0, 0, 0] = 1.0
