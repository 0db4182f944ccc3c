"""Memory, measured with tracemalloc (NumPy reports its data buffers to it).

- View-producing operations allocate no data bytes, at any size.
- Copy-producing operations allocate what NumPy allocates for the same operation, no more
  (no hidden second copy).
- Making and dropping tagged arrays, writing, and failing leave nothing behind (no reference
  leaks in the compiled core).

Memory is deterministic, so these are tests; times are not, so they stay in benchmarks/.
The allocation tests run again in pure-Python mode (``SAFEARRAY_PURE_PYTHON=1``) in a
subprocess (the leak tests are for the compiled core, whose reference counts are by hand).
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import safearray as sa

N = 10**7  # 80 MB of float64: a copy could not hide under the limit below
SIDE = 3162  # a (SIDE, SIDE) square fits in N: its diagonal (25 KB) is above the limit too
LIMIT = 4096  # bytes: room for the Python objects of a View, never for its data
#: Operations that run NumPy's Python-level helpers, whose temporary objects take more.
LIMITS = {"np.broadcast_arrays": 16384}


@pytest.fixture(scope="module")
def big() -> Any:
    return sa.array(np.arange(N, dtype=np.float64))


@pytest.fixture(scope="module")
def big_complex() -> Any:
    return sa.zeros(N // 2, dtype=np.complex128)


def _square(a: Any) -> Any:
    return a[: SIDE * SIDE].reshape(SIDE, SIDE)


VIEW_OPS: dict[str, Callable[[Any], Any]] = {
    # indexing
    "a[1:-1]": lambda a: a[1:-1],
    "b[1:, ::2]": lambda a: a.reshape(1000, -1)[1:, ::2],
    "a[::-1]": lambda a: a[::-1],
    "a[:]": lambda a: a[:],
    "a[None]": lambda a: a[None],
    "a[..., None]": lambda a: a[..., None],
    "a[3] of 2-d (a row)": lambda a: a.reshape(100, -1)[3],
    "a[::2][::3][1:] (a chain)": lambda a: a[::2][::3][1:],
    # methods and attributes
    "reshape": lambda a: a.reshape(100, -1),
    ".T": lambda a: a.reshape(100, -1).T,
    ".T.T": lambda a: a.reshape(100, -1).T.T,
    ".mT": lambda a: a.reshape(100, -1).mT,
    "ravel (contiguous)": lambda a: a.ravel(),
    "transpose": lambda a: a.reshape(100, -1).transpose(),
    "swapaxes": lambda a: a.reshape(100, -1).swapaxes(0, 1),
    "squeeze": lambda a: a.reshape(1, -1).squeeze(),
    "diagonal": lambda a: _square(a).diagonal(),
    "view()": lambda a: a.view(),
    "view(int64)": lambda a: a.view(np.int64),
    "readonly()": lambda a: a.readonly(),
    "with_policy('allow')": lambda a: a.with_policy("allow"),
    "iter (first row)": lambda a: next(iter(a.reshape(100, -1))),
    # creation
    "sa.asarray(ndarray)": lambda a: sa.asarray(np.asarray(a)),
    "sa.asarray(View)": lambda a: sa.asarray(a[1:]),
    "sa.asarray(memoryview)": lambda a: sa.asarray(memoryview(np.asarray(a))),
    "sa.readonly(ndarray)": lambda a: sa.readonly(np.asarray(a)),
    # NumPy's functions on tagged arrays (__array_function__)
    "np.broadcast_to": lambda a: np.broadcast_to(a[:10], (N // 10, 10)),
    "np.broadcast_arrays": lambda a: np.broadcast_arrays(a.reshape(100, -1), a[:N // 100]),
    "np.split": lambda a: np.split(a, 4),
    "np.hsplit": lambda a: np.hsplit(a.reshape(1000, -1), 4),
    "np.moveaxis": lambda a: np.moveaxis(a.reshape(100, -1), 0, 1),
    "np.flip": lambda a: np.flip(a),
    "np.rot90": lambda a: np.rot90(a.reshape(1000, -1)),
    "np.diagonal": lambda a: np.diagonal(_square(a)),
    "np.atleast_2d": lambda a: np.atleast_2d(a),
    "np.expand_dims": lambda a: np.expand_dims(a, 0),
    "np.matrix_transpose": lambda a: np.matrix_transpose(a.reshape(100, -1)),
    "sliding_window_view": lambda a: np.lib.stride_tricks.sliding_window_view(a, 3),
    # the mirrored namespace
    "sa.reshape": lambda a: sa.reshape(a, (100, -1)),
    "sa.ravel": lambda a: sa.ravel(a),
    "sa.expand_dims": lambda a: sa.expand_dims(a, 0),
    "sa.broadcast_to": lambda a: sa.broadcast_to(a[:10], (N // 10, 10)),
    "sa.split": lambda a: sa.split(a, 4),
    "sa.array_split": lambda a: sa.array_split(a, 3),
    "sa.moveaxis": lambda a: sa.moveaxis(a.reshape(100, -1), 0, 1),
    "sa.flip": lambda a: sa.flip(a),
    "sa.array_api.permute_dims": lambda a: sa.array_api.permute_dims(a.reshape(100, -1), (1, 0)),
}


def allocated(fn: Callable[[], Any]) -> tuple[Any, int]:
    """The result of ``fn()`` and the peak of bytes traced while it ran (its result included)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak - before


def arrays_in(result: Any) -> list[Any]:
    return list(result) if isinstance(result, (list, tuple)) else [result]


@pytest.mark.parametrize("name", list(VIEW_OPS))
def test_view_operations_allocate_no_data(big: Any, name: str) -> None:
    VIEW_OPS[name](big)  # first call: caches (operation labels, NumPy's own) are filled
    result, peak = allocated(lambda: VIEW_OPS[name](big))
    raw = np.asarray(big)
    for r in arrays_in(result):
        if r is big:  # NumPy gave the input back unchanged (np.broadcast_arrays)
            continue
        assert isinstance(r, sa.View), type(r)
        assert np.shares_memory(np.asarray(r), raw)
        # the result is large enough that a copy of it could not hide under the limit
        assert r.nbytes > LIMITS.get(name, LIMIT), r.nbytes
    assert peak < LIMITS.get(name, LIMIT), f"{name} traced {peak} bytes"


@pytest.mark.parametrize("part", ["real", "imag"])
def test_real_and_imag_of_complex_allocate_no_data(big_complex: Any, part: str) -> None:
    for get in (lambda: getattr(big_complex, part), lambda: getattr(np, part)(big_complex)):
        result, peak = allocated(get)
        assert isinstance(result, sa.View)
        assert np.shares_memory(np.asarray(result), np.asarray(big_complex))
        assert peak < LIMIT


def test_asarray_of_a_safearray_is_the_same_object(big: Any) -> None:
    result, peak = allocated(lambda: sa.asarray(big))
    assert result is big and peak < LIMIT


def test_the_limit_does_catch_a_copy(big: Any) -> None:
    """The measurement is real: a Copy of half of the same array is far above the limit."""
    result, peak = allocated(lambda: big[::2].copy())
    assert isinstance(result, sa.Copy)
    assert peak >= 8 * N // 2


# --------------------------------------------------------------------------------------
# Copies: what NumPy allocates, no more

M = 10**6  # 8 MB: a second copy would double the peak

#: name -> (the operation on tagged arrays, the same operation on their ndarrays)
COPY_OPS: dict[str, Callable[[Any, Any, Any], Any]] = {
    "a.copy()": lambda ns, a, b: a.copy(),
    "asarray(a, copy=True)": lambda ns, a, b: ns.asarray(a, copy=True),
    "array(a)": lambda ns, a, b: ns.array(a),
    "asarray(list)": lambda ns, a, b: ns.asarray([1.0] * 1000),
    "a[mask]": lambda ns, a, b: a[a > 0.5],
    "a[fancy]": lambda ns, a, b: a[ns.arange(0, M, 3)],
    "a + b": lambda ns, a, b: a + b,
    "-a": lambda ns, a, b: -a,
    "a * 2.0": lambda ns, a, b: a * 2.0,
    "a > 0": lambda ns, a, b: a > 0,
    "flatten": lambda ns, a, b: a.reshape(1000, -1).flatten(),
    "ravel (strided)": lambda ns, a, b: a.reshape(1000, -1).T.ravel(),
    "reshape (needs a copy)": lambda ns, a, b: a.reshape(1000, -1).T.reshape(-1),
    "astype": lambda ns, a, b: a.astype(np.float32),
    "a @ b": lambda ns, a, b: a.reshape(1000, -1) @ b.reshape(1000, -1),
    "cumsum": lambda ns, a, b: a.cumsum(),
    "np.concatenate": lambda ns, a, b: np.concatenate([a, b]),
    "np.where": lambda ns, a, b: np.where(a > 0.5, a, b),
    "sa/np.where": lambda ns, a, b: ns.where(a > 0.5, a, 0.0),
    "sa/np.sort": lambda ns, a, b: ns.sort(a),
    "a[3] (NumPy's scalar)": lambda ns, a, b: a[3],
}


@pytest.fixture(scope="module")
def pair() -> tuple[Any, Any]:
    rng = np.random.default_rng(1)
    return rng.random(M), rng.random(M)


@pytest.mark.parametrize("name", list(COPY_OPS))
def test_copy_operations_allocate_what_numpy_allocates(pair: tuple[Any, Any], name: str) -> None:
    op = COPY_OPS[name]
    raw_a, raw_b = pair
    a, b = sa.array(raw_a), sa.array(raw_b)
    op(np, raw_a, raw_b), op(sa, a, b)  # caches
    expected, numpy_peak = allocated(lambda: op(np, raw_a, raw_b))
    result, peak = allocated(lambda: op(sa, a, b))
    assert isinstance(result, sa.Copy) or type(result) is type(expected)
    np.testing.assert_array_equal(np.asarray(result), expected)
    assert peak < numpy_peak + LIMIT, f"{name}: safearray {peak} bytes, NumPy {numpy_peak}"


# --------------------------------------------------------------------------------------
# nothing left behind

FEW, MANY = 1000, 11000  # calls; a leak of one object per call leaves >= 16 bytes per call
_NUMPY_DATA = tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)


class Leftover:
    """What calls of an operation left behind, measured three ways."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        for _ in range(3):  # caches
            fn()
        gc.collect()
        tracemalloc.start()
        try:
            start = self._state()
            for _ in range(FEW):
                fn()
            few = self._state()
            for _ in range(MANY - FEW):
                fn()
            many = self._state()
        finally:
            tracemalloc.stop()
        #: tagged arrays still alive (each holds a reference to its class): exact
        self.tagged = many[0] - start[0]
        #: bytes of NumPy data buffers still allocated: exact (NumPy untraces what it frees)
        self.data = many[1] - start[1]
        #: Python bytes per call, from the growth between FEW and MANY calls; free lists
        #: (filled when the collector frees cyclic garbage) add a few bytes, not one per call
        self.per_call = (many[2] - few[2]) / (MANY - FEW)

    @staticmethod
    def _state() -> tuple[int, int, int]:
        gc.collect()  # cyclic garbage (warnings, tracebacks) is not a leak
        tagged = sys.getrefcount(sa.View) + sys.getrefcount(sa.Copy)  # each instance holds its type
        data = sum(t.size for t in tracemalloc.take_snapshot().filter_traces([_NUMPY_DATA]).traces)
        return tagged, data, tracemalloc.get_traced_memory()[0]

    def __repr__(self) -> str:
        return f"tagged arrays +{self.tagged}, NumPy data +{self.data} B, {self.per_call:.2f} B per call"


def _raises(fn: Callable[[], Any], kind: type[BaseException]) -> Callable[[], None]:
    def call() -> None:
        try:
            fn()
        except kind:
            pass
        else:  # pragma: no cover - the operation must fail
            raise AssertionError(f"{fn} did not raise {kind.__name__}")

    return call


def _leak_ops() -> dict[str, Callable[[Any, Any, Any], Callable[[], Any]]]:
    def write_slice(c: Any) -> Callable[[], None]:
        def fn() -> None:
            c[1:3] = 0

        return fn

    def iadd(c: Any) -> Callable[[], None]:
        def fn() -> None:
            x = c
            x += 1

        return fn

    def write_view(c: Any) -> Callable[[], None]:
        v = c[2:].with_policy("allow")

        def fn() -> None:
            v[0:2] = 1.0
            w = v
            w += 1.0

        return fn

    def warned_write(c: Any) -> Callable[[], None]:
        v = c[2:]

        def fn() -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", sa.MutationWarning)
                v[0] = 1.0

        return fn

    return {
        "a[1:-1]": lambda a, b, c: lambda: a[1:-1],
        "b[1:, ::2]": lambda a, b, c: lambda: b[1:, ::2],
        "a[3]": lambda a, b, c: lambda: a[3],
        "b[1, 2]": lambda a, b, c: lambda: b[1, 2],
        "a[fancy]": lambda a, b, c: lambda: a[[0, 2, 4]],
        "a[mask]": lambda a, b, c: lambda: a[a > 0],
        ".T": lambda a, b, c: lambda: b.T,
        "ravel": lambda a, b, c: lambda: b.ravel(),
        "reshape": lambda a, b, c: lambda: b.reshape(-1),
        "sum": lambda a, b, c: lambda: a.sum(),
        "sum(axis=0)": lambda a, b, c: lambda: b.sum(axis=0),
        "a + b": lambda a, b, c: lambda: a + a,
        "2.0 - a": lambda a, b, c: lambda: 2.0 - a,
        "divmod": lambda a, b, c: lambda: divmod(a, 3.0),
        "sa.asarray(ndarray)": lambda a, b, c: lambda: sa.asarray(np.asarray(a)),
        "sa.asarray(list)": lambda a, b, c: lambda: sa.asarray([1.0, 2.0]),
        "np.concatenate": lambda a, b, c: lambda: np.concatenate([a, a]),
        "sa.where": lambda a, b, c: lambda: sa.where(a > 0, a, 0.0),
        "np.add(out=)": lambda a, b, c: lambda: np.add(a, 1.0, out=c),
        "np.split": lambda a, b, c: lambda: np.split(a, 2),
        "c[1:3] = 0 (Copy)": lambda a, b, c: write_slice(c),
        "c += 1 (Copy)": lambda a, b, c: iadd(c),
        "writes through a View (allowed)": lambda a, b, c: write_view(c),
        "a write through a View (warned)": lambda a, b, c: warned_write(c),
        "IndexError": lambda a, b, c: _raises(lambda: a[100], IndexError),
        "ReadOnlyError": lambda a, b, c: _raises(lambda: a.readonly().__setitem__(0, 1.0), sa.ReadOnlyError),
        "bad operand": lambda a, b, c: _raises(lambda: a + "x", TypeError),
        "shape mismatch": lambda a, b, c: _raises(lambda: a + b, ValueError),
    }


LEAK_OPS = _leak_ops()


@pytest.mark.parametrize("name", list(LEAK_OPS))
def test_repeated_operations_leave_nothing_behind(name: str) -> None:
    a = sa.arange(10.0)
    b = sa.arange(12.0).reshape(3, 4)
    c = sa.zeros(10)
    left = Leftover(LEAK_OPS[name](a, b, c))
    assert left.tagged == 0 and left.data == 0 and left.per_call < 4, left


def test_the_leak_check_does_catch_a_leak() -> None:
    """The measurement is real: each kind of leak is seen."""
    a = sa.arange(10.0)
    kept: list[Any] = []
    left = Leftover(lambda: kept.append(a[1:-1]))
    assert left.tagged == MANY and left.data == 0 and left.per_call > 40, left
    kept.clear()
    left = Leftover(lambda: kept.append(np.asarray(a[[1, 2]])))
    assert left.tagged == 0 and left.data == 16 * MANY, left
    kept.clear()
    left = Leftover(lambda: kept.append((1, a)))
    assert left.tagged == 0 and left.data == 0 and left.per_call >= 16, left


# --------------------------------------------------------------------------------------


def test_the_same_in_pure_python_mode() -> None:
    if os.environ.get("SAFEARRAY_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("already in pure-Python mode")
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-k", "not pure_python and not leave_nothing",
         str(Path(__file__).resolve())],
        env=dict(os.environ, SAFEARRAY_PURE_PYTHON="1"), capture_output=True, text=True, cwd=root,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
