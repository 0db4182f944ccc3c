"""The Array API namespace: every name the declared version requires, truthful tags, and
the behaviours where it differs from NumPy. (Conformance is measured with the public suite,
see docs/array_api.md.)"""

from __future__ import annotations

import numpy as np
import pytest

import safearray as sa
from safearray import array_api as xp
from tests._asserts import assert_same_array, assert_tag_is_true

REQUIRED_2024_12 = """
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
broadcast_arrays broadcast_to concat expand_dims flip moveaxis permute_dims repeat reshape roll
squeeze stack tile unstack
argmax argmin count_nonzero nonzero searchsorted where
unique_all unique_counts unique_inverse unique_values
argsort sort
cumulative_sum cumulative_prod max mean min prod std sum var
all any diff
__array_namespace_info__
""".split()
LINALG = """cholesky cross det diagonal eigh eigvalsh inv matmul matrix_norm matrix_power matrix_rank
matrix_transpose outer pinv qr slogdet solve svd svdvals tensordot trace vecdot vector_norm""".split()
FFT = "fft ifft fftn ifftn rfft irfft rfftn irfftn hfft ihfft fftfreq rfftfreq fftshift ifftshift".split()


def test_version_and_namespace() -> None:
    assert xp.__array_api_version__ == "2024.12"
    assert sa.arange(2).__array_namespace__() is xp


@pytest.mark.parametrize("name", REQUIRED_2024_12)
def test_required_name(name: str) -> None:
    assert hasattr(xp, name), name


def test_extensions() -> None:
    for name in LINALG:
        assert callable(getattr(xp.linalg, name)), name
    for name in FFT:
        assert callable(getattr(xp.fft, name)), name


def test_results_are_tagged_truthfully() -> None:
    x = xp.asarray([[3.0, 1.0], [2.0, 4.0]])
    memory = np.asarray(x)
    for result in (xp.permute_dims(x, (1, 0)), xp.reshape(x, (4,)), xp.flip(x), xp.expand_dims(x, axis=0)):
        assert isinstance(result, sa.View)
        assert_tag_is_true(result, memory)
    for result in (xp.sort(x), xp.sum(x), xp.concat([x, x]), xp.matmul(x, x), xp.astype(x, xp.float32)):
        assert isinstance(result, sa.Copy)
        assert_tag_is_true(result, memory)
    for part in [*xp.unstack(x), *xp.broadcast_arrays(x, x[:1])]:
        if part is not x:  # NumPy hands back an input that needs no broadcasting
            assert_tag_is_true(part, memory)


@pytest.mark.parametrize("stable", [True, False])
def test_descending_sort_and_argsort(stable: bool) -> None:
    raw = np.array([[3, 1, 3, 2], [0, 5, 5, 1]])
    x = xp.asarray(raw)
    assert_same_array(xp.sort(x, descending=True, stable=stable), -np.sort(-raw, axis=-1))
    order = xp.argsort(x, descending=True, stable=stable, axis=1)
    if stable:  # equal values keep their order
        assert np.asarray(order).tolist() == [[0, 2, 3, 1], [1, 2, 3, 0]]
    assert_same_array(np.take_along_axis(raw, np.asarray(order), axis=1), -np.sort(-raw, axis=1))
    assert isinstance(xp.sort(x, descending=True), sa.Copy)


def test_finfo_and_iinfo_accept_arrays_and_give_python_numbers() -> None:
    f = xp.finfo(xp.asarray([1.0], dtype=xp.float32))
    assert f.bits == 32 and isinstance(f.eps, float) and f.dtype == np.float32
    assert xp.finfo(xp.complex128).dtype == np.float64
    i = xp.iinfo(xp.asarray([1], dtype=xp.int16))
    assert (i.min, i.max, i.bits) == (-32768, 32767, 16) and isinstance(i.max, int)


def test_list_returning_functions() -> None:
    grids = xp.meshgrid(xp.asarray([1, 2]), xp.asarray([3, 4, 5]))
    assert isinstance(grids, list) and grids[0].shape == (3, 2)
    assert isinstance(xp.broadcast_arrays(xp.asarray([1]), xp.asarray([1, 2])), list)


def test_floor_divide_by_infinities_follows_the_standard() -> None:
    x1 = xp.asarray([5.0, -5.0, xp.inf, 7.0])
    x2 = xp.asarray([-xp.inf, xp.inf, 2.0, 2.0])
    got = np.asarray(xp.floor_divide(x1, x2))
    assert got.tolist() == [-0.0, -0.0, np.inf, 3.0]
    assert np.signbit(got[:2]).all()


def test_clip_astype_and_fftfreq_signatures() -> None:
    x = xp.asarray([-2.0, 0.5, 9.0])
    assert np.asarray(xp.clip(x, min=-1.0, max=1.0)).tolist() == [-1.0, 0.5, 1.0]
    assert xp.astype(x, xp.int32).dtype == np.int32
    with pytest.raises(ValueError, match="device"):
        xp.astype(x, xp.int32, device="gpu")
    freq = xp.fft.fftfreq(4, d=0.5, dtype=xp.float32)
    assert freq.dtype == np.float32 and isinstance(freq, sa.Copy)
