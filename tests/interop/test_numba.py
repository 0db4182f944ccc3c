"""numba given SafeArrays: njit kernels called by a data engineer's `import safearray as np` code.

numba compiles for real ndarrays; safearray's numba extension (safearray/_numba.py, loaded by
numba through its ``numba_extensions`` entry point) hands a kernel the ndarray that
``np.asarray(x)`` hands out, and makes ``np`` = safearray NumPy inside kernels. Calling with
``numpy.asarray(x)`` (NumPy's own asarray: under `import safearray as np`, ``np.asarray(x)``
is ``x`` itself) works the same. Every case runs under each policy (the ``mode`` fixture) and, through
``same_as_numpy``, on a Copy, a View of a Copy and a read-only View.
"""

from __future__ import annotations

from typing import Any

import numpy
import pytest

numba = pytest.importorskip("numba")

import safearray as np  # noqa: E402

from ._compare import allow, as_kind, same_as_numpy, written_as_numpy_or_unchanged  # noqa: E402

RNG = numpy.random.default_rng(0)
VALUES = RNG.normal(size=16)
GRID = RNG.normal(size=(5, 4))


@numba.njit(cache=False)
def running_sum(a: Any) -> Any:
    out = numpy.empty_like(a)
    total = 0.0
    for i in range(a.shape[0]):
        total += a[i]
        out[i] = total
    return out


@numba.njit(cache=False)
def column_means(m: Any) -> Any:
    rows, cols = m.shape
    out = numpy.zeros(cols)
    for j in range(cols):
        for i in range(rows):
            out[j] += m[i, j]
        out[j] /= rows
    return out


@numba.njit(cache=False)
def summary(a: Any) -> Any:
    return a.sum(), a.mean(), a.min(), a.max(), numpy.std(a), numpy.argmax(a)


@numba.njit(cache=False)
def clip_in_place(a: Any, lo: float, hi: float) -> int:
    changed = 0
    for i in range(a.shape[0]):
        if a[i] < lo:
            a[i] = lo
            changed += 1
        elif a[i] > hi:
            a[i] = hi
            changed += 1
    return changed


@numba.njit(cache=False)
def total_with_module_np(a: Any) -> Any:
    # `np` is this module's: safearray, as in drop-in code
    return np.sum(a) + np.zeros(a.shape[0]).sum()


def test_read_loop_through_numpy_asarray(mode: str) -> None:
    same_as_numpy(lambda x: running_sum(numpy.asarray(x)), VALUES)


def test_2d_loops_and_strided_column(mode: str) -> None:
    # a column of a 2-d array is a strided View: numba compiles it as a non-contiguous array
    same_as_numpy(lambda m: (column_means(numpy.asarray(m)), running_sum(numpy.asarray(m[:, 1]))), GRID)


def test_reductions(mode: str) -> None:
    same_as_numpy(lambda x: summary(numpy.asarray(x)), VALUES, rtol=1e-12)


def test_kernel_result_back_into_safearray(mode: str) -> None:
    def pipeline(x: Any) -> Any:
        result = np.asarray(running_sum(numpy.asarray(x)))   # a View of numba's new ndarray
        return result[-1], (result > 0).sum()

    same_as_numpy(pipeline, VALUES)


def test_vectorize_ufunc_on_safearray(mode: str) -> None:
    double = numba.vectorize(["float64(float64)"])(lambda v: 2.0 * v + 1.0)
    for result in same_as_numpy(lambda x: double(x), VALUES):
        assert isinstance(result, np.SafeArray)   # a NumPy ufunc: __array_ufunc__ tags it


def test_write_into_numpy_asarray(mode: str) -> None:
    # a kernel that writes into numpy.asarray(x): the caller's memory under "allow", as for an
    # ndarray; read-only under "warn" and "raise" (np.asarray hands out read-only memory), so
    # numba refuses the store when it compiles, loudly, and nothing changes
    kernel = lambda x: clip_in_place(numpy.asarray(x), -0.5, 0.5)  # noqa: E731
    if mode == "allow":
        outcome = written_as_numpy_or_unchanged(kernel, VALUES, kinds=("copy", "view"))
        assert set(outcome.values()) == {("as numpy",)}
        return
    for kind in ("copy", "view"):
        x = as_kind(VALUES, kind)
        with pytest.raises(numba.core.errors.TypingError, match="readonly"):
            kernel(x)
        numpy.testing.assert_array_equal(numpy.asarray(x), VALUES)


def test_write_into_numpy_asarray_of_allowed_view(mode: str) -> None:
    # the intended write, said so: x.with_policy("allow") hands out its writable memory in
    # every mode, so the kernel writes the caller's array as it writes an ndarray
    outcome = written_as_numpy_or_unchanged(
        lambda x: clip_in_place(numpy.asarray(allow(x)), -0.5, 0.5),
        VALUES,
        kinds=("copy", "view"),
    )
    assert set(outcome.values()) == {("as numpy",)}


def test_direct_call_with_safearray(mode: str) -> None:
    # safearray's numba extension (safearray/_numba.py, loaded by numba): a SafeArray argument
    # is the ndarray np.asarray(x) hands out; NumPy's results, arrays returned as ndarrays
    same_as_numpy(lambda x: (running_sum(x), summary(x)), VALUES, rtol=1e-12)
    assert type(running_sum(np.asarray(VALUES))) is numpy.ndarray


def test_direct_call_writes_only_where_allowed(mode: str) -> None:
    # a store into a SafeArray argument: refused at compile time under "warn" and "raise"
    # (read-only), the caller's memory under "allow" or with x.with_policy("allow")
    x = as_kind(VALUES, "copy")
    if mode == "allow":
        clip_in_place(x, -0.5, 0.5)
        numpy.testing.assert_array_equal(numpy.asarray(x), numpy.clip(VALUES, -0.5, 0.5))
    else:
        with pytest.raises(numba.core.errors.TypingError, match="readonly"):
            clip_in_place(x, -0.5, 0.5)
        numpy.testing.assert_array_equal(numpy.asarray(x), VALUES)
    y = as_kind(VALUES, "view")
    clip_in_place(y.with_policy("allow"), -0.5, 0.5)
    numpy.testing.assert_array_equal(numpy.asarray(y), numpy.clip(VALUES, -0.5, 0.5))


def test_kernel_using_module_np(mode: str) -> None:
    # a kernel written in a module that does `import safearray as np`, given an ndarray
    same_as_numpy(lambda x: total_with_module_np(numpy.asarray(x)), VALUES, rtol=1e-12)
