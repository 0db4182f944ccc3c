"""View-producing operations allocate no data bytes, at any size.

Memory is deterministic, so this is a test (times are not: they stay in benchmarks/).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import safearray as sa

N = 10**7  # 80 MB of float64: a copy could not hide under the limit below
LIMIT = 4096  # bytes: room for the Python objects of a View, never for its data


@pytest.fixture(scope="module")
def big() -> Any:
    return sa.array(np.arange(N, dtype=np.float64))


@pytest.fixture(scope="module")
def big_complex() -> Any:
    return sa.zeros(N // 2, dtype=np.complex128)


VIEW_OPS: dict[str, Callable[[Any], Any]] = {
    "a[1:-1]": lambda a: a[1:-1],
    "b[1:, ::2]": lambda a: a.reshape(1000, -1)[1:, ::2],
    "a[::-1]": lambda a: a[::-1],
    "a[5, ...] (0-d)": lambda a: a[5, ...],
    "reshape": lambda a: a.reshape(100, -1),
    ".T": lambda a: a.reshape(100, -1).T,
    ".mT": lambda a: a.reshape(100, -1).mT,
    "ravel (contiguous)": lambda a: a.ravel(),
    "transpose": lambda a: a.reshape(100, -1).transpose(),
    "swapaxes": lambda a: a.reshape(100, -1).swapaxes(0, 1),
    "squeeze": lambda a: a.reshape(1, -1).squeeze(),
    "diagonal": lambda a: a.reshape(1000, -1).diagonal(),
    "view": lambda a: a.view(),
    "readonly()": lambda a: a.readonly(),
    "with_policy": lambda a: a.with_policy("allow"),
    "asarray(ndarray)": lambda a: sa.asarray(np.asarray(a)),
    "np.broadcast_to": lambda a: np.broadcast_to(a[:10], (N // 10, 10)),
    "np.split": lambda a: np.split(a, 4),
    "np.moveaxis": lambda a: np.moveaxis(a.reshape(100, -1), 0, 1),
    "np.flip": lambda a: np.flip(a),
    "sa.expand_dims": lambda a: sa.expand_dims(a, 0),
    "iter rows": lambda a: next(iter(a.reshape(100, -1))),
}


def allocated(fn: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak - before


@pytest.mark.parametrize("name", list(VIEW_OPS))
def test_view_operations_allocate_no_data(big: Any, name: str) -> None:
    result, peak = allocated(lambda: VIEW_OPS[name](big))
    arrays = result if isinstance(result, list) else [result]
    for r in arrays:
        assert isinstance(r, sa.View), type(r)
        assert np.shares_memory(np.asarray(r), np.asarray(big))
    assert peak < LIMIT, f"{name} traced {peak} bytes"


@pytest.mark.parametrize("part", ["real", "imag"])
def test_real_and_imag_of_complex_allocate_no_data(big_complex: Any, part: str) -> None:
    result, peak = allocated(lambda: getattr(big_complex, part))
    assert isinstance(result, sa.View)
    assert peak < LIMIT


def test_asarray_of_a_safearray_is_the_same_object(big: Any) -> None:
    result, peak = allocated(lambda: sa.asarray(big))
    assert result is big and peak < LIMIT


def test_the_limit_does_catch_a_copy(big: Any) -> None:
    """The measurement is real: a Copy of the same array is far above the limit."""
    result, peak = allocated(lambda: big[::2].copy())
    assert isinstance(result, sa.Copy)
    assert peak >= 8 * N // 2
