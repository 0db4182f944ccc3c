"""Checked by mypy and pyright (tests/test_typing.py), never run: what is known before run time.

Every ``assert_type`` line is an overload the checkers must resolve as written; every line
with an ignore comment must stay an error (both checkers report ignores that are no longer
needed).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from typing_extensions import assert_type

import safearray as sa

f64 = sa.zeros(3)
i64 = sa.arange(5)
c = sa.asarray([1.0, 2.0])
raw = np.zeros(4, dtype=np.float32)

# creation: Copies, with the dtype where it is known
assert_type(f64, sa.Copy[np.float64])
assert_type(sa.ones(3), sa.Copy[np.float64])
assert_type(sa.empty((2, 2)), sa.Copy[np.float64])
assert_type(sa.zeros(3, dtype=np.int8), sa.Copy[np.int8])
assert_type(sa.full(3, 1, dtype=np.int16), sa.Copy[np.int16])
assert_type(i64, sa.Copy[np.int64])
assert_type(sa.arange(0.0, 1.0, 0.1), sa.Copy[np.float64])
assert_type(sa.linspace(0, 1, 5), sa.Copy[np.float64])
assert_type(sa.eye(3), sa.Copy[np.float64])
assert_type(sa.identity(2), sa.Copy[np.float64])
assert_type(sa.zeros_like(i64), sa.Copy[np.int64])
assert_type(sa.ones_like(f64), sa.Copy[np.float64])
assert_type(sa.empty_like(f64), sa.Copy[np.float64])
assert_type(sa.full_like(f64, 2.0), sa.Copy[np.float64])
assert_type(c, sa.Copy[np.float64])
assert_type(sa.asarray([1, 2]), sa.Copy[np.int64])
assert_type(sa.asarray([True]), sa.Copy[np.bool_])
assert_type(sa.asarray([1j]), sa.Copy[np.complex128])
assert_type(sa.asarray([1, 2], dtype=np.uint8), sa.Copy[np.uint8])
assert_type(sa.array([1.0]), sa.Copy[np.float64])
assert_type(sa.array(raw), sa.Copy[np.float32])

# asarray of an array: only run time knows whether NumPy needed a copy
assert_type(sa.asarray(raw), sa.View[np.float32] | sa.Copy[np.float32])
assert_type(sa.asarray(f64), sa.View[np.float64] | sa.Copy[np.float64])
assert_type(sa.asarray(raw, copy=True), sa.Copy[np.float32])

# indexing
assert_type(f64[1:], sa.View[np.float64])
assert_type(f64[...], sa.View[np.float64])
assert_type(f64[None], sa.View[np.float64])
assert_type(f64[1:, None], sa.View[np.float64])
assert_type(f64[0, ...], sa.View[np.float64])
assert_type(f64[2], sa.View[np.float64] | np.float64)
assert_type(f64[2, 1], sa.View[np.float64] | np.float64)
assert_type(f64[[0, 2]], sa.Copy[np.float64])
assert_type(f64[np.array([0, 1], dtype=np.intp)], sa.Copy[np.float64])
assert_type(f64[f64 > 0], sa.Copy[np.float64])

# views of the same memory
assert_type(f64.T, sa.View[np.float64])
assert_type(f64.mT, sa.View[np.float64])
assert_type(f64.transpose(), sa.View[np.float64])
assert_type(f64.swapaxes(0, 1), sa.View[np.float64])
assert_type(f64.view(), sa.View[np.float64])
assert_type(f64.view(np.int64), sa.View[Any])
assert_type(f64.readonly(), sa.View[np.float64])
assert_type(sa.readonly(raw), sa.View[np.float32])
assert_type(sa.readonly(i64), sa.View[np.int64])
assert_type(sa.broadcast_to(f64, (2, 3)), sa.View[np.float64])
assert_type(sa.split(f64, 3), list[sa.View[np.float64]])
assert_type(f64.with_policy("allow"), sa.View[np.float64])

# copies
assert_type(f64.copy(), sa.Copy[np.float64])
assert_type(f64.flatten(), sa.Copy[np.float64])
assert_type(f64.astype(np.int8), sa.Copy[np.int8])
assert_type(f64.astype("float32"), sa.Copy[Any])
assert_type(f64.astype(np.int8, copy=False), sa.SafeArray[Any])
assert_type(f64 + 1, sa.Copy[Any])
assert_type(1 + f64, sa.Copy[Any])
assert_type(f64 * f64, sa.Copy[Any])
assert_type(-f64, sa.Copy[np.float64])
assert_type(f64 > 0, sa.Copy[np.bool_])
assert_type(f64 == 0, sa.Copy[np.bool_])
assert_type(f64.sum(axis=0), sa.Copy[Any])
assert_type(f64.max(0), sa.Copy[np.float64])
assert_type(f64.argmax(axis=1), sa.Copy[np.intp])

# whole-array reductions and single elements: NumPy's scalars
assert_type(f64.sum(), np.float64)
assert_type(f64.mean(), np.float64)
assert_type(f64.max(), np.float64)
assert_type(f64.argmax(), np.intp)
assert_type(f64.all(), np.bool_)
assert_type(sa.concatenate([f64, f64]), sa.Copy[np.float64])
assert_type(sa.sort(i64), sa.Copy[np.int64])

# only run time knows
assert_type(f64.reshape(3, 1), sa.View[np.float64] | sa.Copy[np.float64])
assert_type(f64.ravel(), sa.View[np.float64] | sa.Copy[np.float64])
maybe = f64.reshape(-1)
if isinstance(maybe, sa.Copy):
    assert_type(maybe, sa.Copy[np.float64])
else:
    assert_type(maybe, sa.View[np.float64])

# in-place operators return the array itself
g = sa.zeros(2)
g += 1
assert_type(g, sa.Copy[np.float64])


# the README example: a function that must not receive a View
def normalize(x: sa.Copy[np.float64]) -> sa.Copy[np.float64]:
    x /= x.max()
    return x


normalize(sa.zeros(3))
normalize(f64.copy())
normalize(f64[1:])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
normalize(sa.asarray(np.zeros(3)))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
normalize(sa.asarray([True]))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

# a View is not a Copy, a Copy is not a View, both are SafeArrays
view_only: sa.View[np.float64] = f64.copy()  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


def either(x: sa.SafeArray[np.float64]) -> None:
    assert_type(x.copy(), sa.Copy[np.float64])


either(f64[1:])
either(f64)
