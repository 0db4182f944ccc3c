"""Dask with SafeArrays: plain ``dask.array`` gives NumPy's numbers, ``safearray.dask`` hands
blocks to functions read-only, and the write policy travels to ``dask.distributed`` workers.

The oracle is the same pipeline run by plain Dask on NumPy's ndarrays. The local tests use
Dask's threaded scheduler (its default for arrays); the cluster tests share one
``LocalCluster`` of two worker processes, started once for the module.
"""

from __future__ import annotations

import doctest
import importlib
import pickle
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

da = pytest.importorskip("dask.array")

import safearray as sa  # noqa: E402
import safearray.dask as sad  # noqa: E402

from ._compare import assert_same, same_as_numpy  # noqa: E402

DOCS = Path(__file__).resolve().parents[2] / "docs" / "dask.md"

BASE = np.arange(24.0).reshape(4, 6) * np.array([1.0, -1.0, 0.5, 2.0, -3.0, 1.5])
INTS = np.array([[3, 1, 4, 1, 5, 9], [2, 6, 5, 3, 5, 8], [9, 7, 9, 3, 2, 3], [8, 4, 6, 2, 6, 4]])


# ----------------------------------------------------------------------------------------
# the block functions of the tests (module level: the cluster's workers get them by value)


def normalise(b: Any) -> Any:
    """The planted bug: subtracts the block's mean in place, in Dask's own data."""
    b -= b.mean()
    return b


def centred(b: Any) -> Any:
    """The correct version: a new block."""
    return b - b.mean()


def shared_write(b: Any) -> Any:
    """A real shared write made inside the function: ``w`` sees the bytes ``v`` writes."""
    c = sa.zeros(4)
    v = c[:2]
    w = c[1:3]
    v[:] = 1
    return b + w.sum()


def shared_write_counted(b: Any) -> Any:
    """``shared_write``, returning how many SharedWriteWarnings it raised (on a worker, where
    they would otherwise only be printed: one thread per worker, so catching is safe)."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = shared_write(b)
    return out * 0 + sum(issubclass(w.category, sa.SharedWriteWarning) for w in seen)


def policy_here(b: Any) -> Any:
    """The policy the block function runs under, as a block: 0 allow, 1 warn, 2 raise."""
    return np.zeros_like(b, dtype=np.int64) + sa.MODES.index(sa.get_policy())


def sum_of_squares(b: Any, axis: Any, keepdims: bool) -> Any:
    return (b * b).sum(axis=axis, keepdims=keepdims)


def summed(b: Any, axis: Any, keepdims: bool) -> Any:
    return b.sum(axis=axis, keepdims=keepdims)


def squares_in_place(b: Any, axis: Any, keepdims: bool) -> Any:
    b *= b  # the bug, in a reduction's chunk function
    return b.sum(axis=axis, keepdims=keepdims)


# ----------------------------------------------------------------------------------------
# plain dask.array on SafeArrays: NumPy's numbers, under every policy


def _compute(d: Any) -> Any:
    return d.compute(scheduler="threads")


PLAIN: dict[str, Callable[[Any], Any]] = {
    "sum": lambda d: d.sum(),
    "sum(axis=0)": lambda d: d.sum(axis=0),
    "mean(axis=1)": lambda d: d.mean(axis=1),
    "std": lambda d: d.std(),
    "std(axis=0)": lambda d: d.std(axis=0),
    "argmax(axis=0)": lambda d: d.argmax(axis=0),
    "argmin": lambda d: d.argmin(),
    "cumsum(axis=1)": lambda d: d.cumsum(axis=1),
    "matmul": lambda d: d @ d.T,
    "rechunk": lambda d: d.rechunk((3, 4)),
    "map_overlap": lambda d: d.map_overlap(lambda b: b - b.mean(), depth=1, boundary="reflect"),
    "slicing": lambda d: d[1:, ::2],
    "boolean mask": lambda d: d[d > 5],
    "where": lambda d: da.where(d > 5, d, -d),
    "concatenate": lambda d: da.concatenate([d, d[:1]], axis=0),
    "ufuncs": lambda d: np.sin(d) * 2 + np.exp(-abs(d)),
    "transpose, reshape": lambda d: d.T.reshape(-1),
    "percentile": lambda d: da.percentile(d.ravel(), [10, 50, 90]),  # by the block's type
    "linalg.qr": lambda d: da.linalg.qr(d.rechunk((2, 6)))[1],
    "topk": lambda d: da.topk(d.ravel(), 3),
    "pad": lambda d: da.pad(d, 2, mode="reflect"),
    "store into a SafeArray": None,
}


@pytest.mark.parametrize("name", list(PLAIN))
def test_plain_dask_on_safearrays_gives_numpys_numbers(mode: str, name: str) -> None:
    op = PLAIN[name]

    def run(a: Any) -> Any:
        d = da.from_array(a, chunks=2)
        if op is None:  # da.store: Dask writes each block into the target, region by region
            target = sa.zeros(d.shape) if isinstance(a, sa.SafeArray) else np.zeros(d.shape)
            da.store(d, target, scheduler="threads")
            return target
        return _compute(op(d))

    for result in same_as_numpy(run, BASE):
        if isinstance(result, sa.SafeArray):
            assert type(result) is sa.Copy, type(result)  # .compute() gathers a new array
        else:
            assert isinstance(result, np.generic), type(result)  # NumPy's scalar, as Dask's


@pytest.mark.parametrize("chunks", [2, (2, 3), -1])
def test_argmax_axis0_is_numpys_under_every_policy(mode: str, chunks: Any) -> None:
    """Dask's arg-reductions make ``r[None, :]`` of a fresh result and ``+=`` into it: a View
    whose base nobody else sees, so nothing to report (it once raised SharedWriteError)."""
    for a in (sa.asarray(BASE), sa.asarray(INTS)):
        result = da.from_array(a, chunks=chunks).argmax(axis=0).compute()
        assert type(result) is sa.Copy
        assert_same(result, np.asarray(a).argmax(axis=0))


def test_compute_results_are_copies_and_scalars() -> None:
    x = sa.asarray(BASE)
    d = da.from_array(x, chunks=2)
    assert type(_compute(d)) is sa.Copy
    assert type(_compute(d[:2, 2:4])) is sa.Copy  # a single block: Dask copies it
    assert type(_compute(d.sum())) is np.float64
    out = _compute(d)
    assert not sa.shares_memory(out, x)
    out[0, 0] = 99.0  # the result is the caller's own: no warning, x unchanged
    assert x[0, 0] == BASE[0, 0]


# ----------------------------------------------------------------------------------------
# safearray.dask: blocks are SafeArrays


def test_from_array_gives_safearray_blocks_and_meta() -> None:
    for given in (BASE, sa.asarray(BASE), sa.asarray(BASE)[1:], sa.asarray(BASE).readonly()):
        d = sad.from_array(given, chunks=2)
        assert isinstance(d._meta, sa.SafeArray) and d._meta.size == 0
        # plain Dask hands the blocks over as they are (the wrappers would make them Views)
        seen = da.map_blocks(lambda b: np.full(b.shape, isinstance(b, sa.SafeArray)), d, dtype=bool)
        assert _compute(seen).all()
        assert_same(_compute(d), np.asarray(given))


def test_from_array_does_not_keep_the_callers_array() -> None:
    raw = BASE.copy()
    d = sad.from_array(raw, chunks=2)
    raw[:] = -1.0  # Dask copied it, as it copies an ndarray
    assert_same(_compute(d), BASE)


def test_asarray_of_a_plain_dask_array() -> None:
    plain = da.from_array(BASE.copy(), chunks=2)
    assert type(_compute(plain)) is np.ndarray
    d = sad.asarray(plain)
    assert isinstance(d._meta, sa.SafeArray)
    assert type(_compute(d)) is sa.Copy
    assert_same(_compute(d.sum(axis=0)), BASE.sum(axis=0))
    assert sad.asarray(d) is d  # SafeArray blocks already
    assert_same(_compute(sad.asarray(BASE.copy(), chunks=3)), BASE)


def test_from_array_of_another_array_like_reads_block_by_block() -> None:
    class Store:
        """An array-like that only slices (as zarr and h5py do), counting the reads."""

        def __init__(self, data: np.ndarray) -> None:
            self.data, self.shape, self.dtype, self.ndim, self.reads = data, data.shape, data.dtype, data.ndim, 0

        def __getitem__(self, key: Any) -> np.ndarray:
            self.reads += 1
            return self.data[key].copy()

    store = Store(BASE)
    d = sad.from_array(store, chunks=(2, 6))
    assert isinstance(d._meta, sa.SafeArray)
    result = _compute(d)
    assert type(result) is sa.Copy and store.reads >= 2
    assert_same(result, BASE)


# ----------------------------------------------------------------------------------------
# safearray.dask: clean functions give NumPy's numbers, silently, under every policy


def _dask_for(a: Any) -> Any:
    """safearray.dask for SafeArrays, plain dask.array for ndarrays (the oracle)."""
    return sad if isinstance(a, sa.SafeArray) else da


def test_map_blocks_clean(mode: str) -> None:
    def run(a: Any) -> Any:
        lib = _dask_for(a)
        return _compute(lib.map_blocks(centred, lib.from_array(a, chunks=(2, 3))))

    results = same_as_numpy(run, BASE)
    assert all(type(r) is sa.Copy for r in results)


def test_map_blocks_extra_arguments_and_block_info(mode: str) -> None:
    def scaled(b: Any, w: Any, offset: float = 0.0, block_info: Any = None) -> Any:
        lo, hi = block_info[0]["array-location"][1]
        return b * w[lo:hi] + offset

    weights = np.linspace(0.5, 3.0, 6)

    def run(a: Any) -> Any:
        lib = _dask_for(a)
        return _compute(lib.map_blocks(scaled, lib.from_array(a, chunks=(2, 3)), weights, offset=1.5,
                                        dtype=float))

    same_as_numpy(run, BASE)


def test_blockwise_clean(mode: str) -> None:
    def matmul(a: Any, b: Any) -> Any:
        return a @ b

    def run(a: Any) -> Any:
        lib = _dask_for(a)
        x = lib.from_array(a, chunks=(2, 3))
        return _compute(lib.blockwise(matmul, "ik", x, "ij", x.T, "jk", dtype=x.dtype, concatenate=True))

    same_as_numpy(run, BASE)


def test_blockwise_lists_of_blocks(mode: str) -> None:
    """``concatenate=False``: a contracted index hands the function a list of blocks."""

    def total(blocks: Any) -> Any:
        return sum(b.sum(axis=1) for b in blocks)

    def run(a: Any) -> Any:
        lib = _dask_for(a)
        x = lib.from_array(a, chunks=(2, 2))
        return _compute(lib.blockwise(total, "i", x, "ij", dtype=x.dtype, concatenate=False))

    same_as_numpy(run, BASE)


def test_reduction_clean(mode: str) -> None:
    def run(a: Any, axis: Any) -> Any:
        lib = _dask_for(a)
        x = lib.from_array(a, chunks=(2, 2))
        return _compute(lib.reduction(x, sum_of_squares, summed, axis=axis, dtype=x.dtype, split_every=2))

    for axis in (None, 0, 1):
        same_as_numpy(lambda a: run(a, axis), BASE)


def test_block_function_with_map_overlap(mode: str) -> None:
    def smooth(b: Any) -> Any:
        return (b[:-2] + b[1:-1] + b[2:]) / 3.0

    def run(a: Any) -> Any:
        f = sad.block_function(smooth) if isinstance(a, sa.SafeArray) else smooth
        lib = _dask_for(a)
        x = lib.from_array(a, chunks=(2, 6))
        return _compute(x.map_overlap(f, depth={0: 1, 1: 0}, boundary="reflect", trim=False,
                                      chunks=(2, 6), dtype=x.dtype))

    same_as_numpy(run, BASE)


def test_block_function_with_apply_gufunc(mode: str) -> None:
    def spread(v: Any) -> Any:
        return v.max(axis=-1) - v.min(axis=-1)

    def zeroed(v: Any) -> Any:
        v[...] = 0
        return v.sum(axis=-1)

    d = sad.from_array(BASE.copy(), chunks=(2, 6))
    result = _compute(da.apply_gufunc(sad.block_function(spread), "(i)->()", d, output_dtypes=float))
    assert_same(result, BASE.max(axis=1) - BASE.min(axis=1))
    with pytest.raises(sa.ReadOnlyError, match=r"argument 'v' in block function 'zeroed'"):
        _compute(da.apply_gufunc(sad.block_function(zeroed), "(i)->()", d, output_dtypes=float))


# ----------------------------------------------------------------------------------------
# the planted bug: an in-place block function, caught, with the data intact


def test_in_place_block_function_raises_naming_it(mode: str) -> None:
    x = sa.asarray(BASE.copy())
    d = sad.from_array(x, chunks=2)
    kept = d.persist(scheduler="threads")  # Dask's cached blocks
    for source in (d, kept):
        with pytest.raises(sa.ReadOnlyError, match=r"-=: .*argument 'b' in block function 'normalise'"):
            _compute(sad.map_blocks(normalise, source, dtype=d.dtype))
    assert_same(x, BASE)
    for _ in range(2):
        assert_same(_compute(kept), BASE)
        assert_same(_compute(d), BASE)
    assert_same(_compute(sad.map_blocks(centred, kept)), _compute(da.map_blocks(centred, da.from_array(BASE, chunks=2))))


def test_in_place_bug_in_blockwise_and_reduction(mode: str) -> None:
    d = sad.from_array(BASE.copy(), chunks=2)
    with pytest.raises(sa.ReadOnlyError, match="in block function 'normalise'"):
        _compute(sad.blockwise(normalise, "ij", d, "ij", dtype=d.dtype))
    with pytest.raises(sa.ReadOnlyError, match=r"\*=: .*argument 'b' in block function 'squares_in_place'"):
        _compute(sad.reduction(d, squares_in_place, summed, dtype=d.dtype))

    def first_zeroed(blocks: Any) -> Any:
        blocks[0][:] = 0  # a write into a block handed inside a list
        return blocks[0].sum(axis=1)

    with pytest.raises(sa.ReadOnlyError, match=r"argument 'blocks\[0\]' in block function 'first_zeroed'"):
        _compute(sad.blockwise(first_zeroed, "i", d, "ij", dtype=d.dtype, concatenate=False))

    def into_weights(b: Any, weights: Any) -> Any:
        weights /= weights.sum()  # a write into an extra argument, shared by every block
        return b * weights

    w = np.ones(2)
    with pytest.raises(sa.ReadOnlyError, match="argument 'weights' in block function 'into_weights'"):
        _compute(sad.map_blocks(into_weights, d, weights=w, dtype=d.dtype))
    assert_same(w, np.ones(2))
    assert_same(_compute(d), BASE)


def test_without_dtype_dask_meets_the_bug_when_the_graph_is_built() -> None:
    """Dask calls the function on a small array to infer the dtype: the read-only input fails
    there, and Dask reports it as its own ValueError, the ReadOnlyError quoted."""
    d = sad.from_array(BASE.copy(), chunks=2)
    with pytest.raises(ValueError, match=r"dtype. inference failed[\s\S]*ReadOnlyError"):
        sad.map_blocks(normalise, d)


def test_plain_dask_in_place_function_writes_into_dasks_data() -> None:
    """What the wrapper prevents: given to ``dask.array`` directly, the same function writes
    into Dask's copy of the data. On SafeArray blocks safearray sees it (a write through a View
    whose base the graph holds); under "allow", as with NumPy's ndarrays, every later
    computation of the array silently gives the corrupted values."""
    with sa.policy("warn"), pytest.warns(sa.SharedWriteWarning, match="-= writes through a View"):
        d = sad.from_array(BASE.copy(), chunks=2)
        _compute(da.map_blocks(normalise, d, dtype=d.dtype))
    with sa.policy("raise"), pytest.raises(sa.SharedWriteError, match="-= writes through a View"):
        d = sad.from_array(BASE.copy(), chunks=2)
        _compute(da.map_blocks(normalise, d, dtype=d.dtype))
    assert_same(_compute(d), BASE)  # refused before any byte changed
    for make in (lambda: sad.from_array(BASE.copy(), chunks=2), lambda: da.from_array(BASE.copy(), chunks=2)):
        d = make()
        with sa.policy("allow"):
            _compute(da.map_blocks(normalise, d, dtype=d.dtype))
        assert not np.array_equal(np.asarray(_compute(d)), BASE)  # the array itself changed


def test_blocks_arrive_as_read_only_views_without_copying() -> None:
    d = sad.from_array(BASE.copy(), chunks=(2, 6)).persist(scheduler="threads")
    block = next(iter(d.__dask_graph__().values()))
    seen: list[Any] = []

    def look(b: Any) -> Any:
        seen.append(b)
        return b

    out = sad.block_function(look)(block)
    (b,) = seen
    assert out is b and isinstance(b, sa.View) and not b.flags.writeable
    assert sa.shares_memory(b, block) and np.asarray(b).ctypes.data == np.asarray(block).ctypes.data
    assert block.flags.writeable  # Dask's block itself is left as it is
    with pytest.raises(sa.ReadOnlyError, match=r"\[0\]: .*derived from argument 'b' in block function 'look'"):
        b[0][0] = 1.0


def test_block_function_looks_like_the_function_to_dask() -> None:
    from dask.base import tokenize
    from dask.utils import funcname, getargspec, has_keyword

    def f(b: Any, block_info: Any = None, dtype: Any = None) -> Any:
        return b

    with sa.policy("warn"):
        g = sad.block_function(f)
    assert sad.block_function(g) is g
    assert funcname(g) == "f" and g.__name__ == "f"
    assert has_keyword(g, "block_info") and "dtype" in getargspec(g).args
    with sa.policy("raise"):
        h = sad.block_function(f)
    with sa.policy("warn"):
        assert tokenize(g) == tokenize(sad.block_function(f)) != tokenize(h)
    d = sad.from_array(BASE.copy(), chunks=2)
    with sa.policy("raise"):
        a = sad.map_blocks(f, d)
    with sa.policy("warn"):
        assert a.name != sad.map_blocks(f, d).name  # the mode is part of the keys
    assert a.name.startswith("f-")
    with pytest.raises(TypeError, match="takes a function"):
        sad.block_function(3)


# ----------------------------------------------------------------------------------------
# the policy: captured where the graph is built


def test_policy_is_the_builders_on_the_local_schedulers() -> None:
    d = sad.from_array(BASE.copy(), chunks=2)
    for built in sa.MODES:
        with sa.policy(built):
            graph = sad.map_blocks(policy_here, d, dtype=np.int64)
        for computed in sa.MODES:
            with sa.policy(computed):
                for scheduler in ("threads", "sync"):
                    assert (graph.compute(scheduler=scheduler) == sa.MODES.index(built)).all()


def test_plain_dask_functions_run_under_the_policy_of_compute_on_threads() -> None:
    """Dask copies the caller's context into its threads: a function given to Dask directly
    (not wrapped) runs under the policy in force where ``compute`` is called."""
    d = sad.from_array(BASE.copy(), chunks=2)
    graph = da.map_blocks(policy_here, d, dtype=np.int64)
    for computed in sa.MODES:
        with sa.policy(computed):
            for scheduler in ("threads", "sync"):
                assert (graph.compute(scheduler=scheduler) == sa.MODES.index(computed)).all()


def stale_read(b: Any) -> Any:
    a = sa.arange(4.0)
    head = a[:2]
    a += 1  # head is stale now
    return b + head.sum()  # a use of a stale View: reported only by the general check


def test_the_general_stale_check_travels_too() -> None:
    d = sad.from_array(BASE.copy(), chunks=2)
    meta = sa.empty((0, 0))
    with sa.policy("raise", stale_reads=True):
        checked = sad.map_blocks(stale_read, d, meta=meta)
    with sa.policy("raise"):
        unchecked = sad.map_blocks(stale_read, d, meta=meta)
    assert checked.name != unchecked.name
    with pytest.raises(sa.StaleViewError, match="reading a stale View"):
        _compute(checked)
    assert_same(_compute(unchecked), BASE + 3.0)


def test_a_returned_input_stays_read_only_downstream(mode: str) -> None:
    """``lambda b: b`` returns the read-only View: Dask's own operations after it make new
    arrays, and give NumPy's numbers."""
    d = sad.map_blocks(lambda b: b, sad.from_array(BASE.copy(), chunks=2))
    plain = da.from_array(BASE, chunks=2)
    for name in ("cumsum(axis=1)", "argmax(axis=0)", "rechunk", "std(axis=0)", "map_overlap", "boolean mask"):
        op = PLAIN[name]
        assert op is not None
        assert_same(_compute(op(d)), _compute(op(plain)))
    target = sa.zeros(d.shape)
    da.store(d, target, scheduler="threads")
    assert_same(target, BASE)


def test_shared_write_inside_a_block_function_local() -> None:
    meta = sa.empty((0, 0))  # given: Dask then does not call the function when building
    d = sad.from_array(BASE.copy(), chunks=2)
    with sa.policy("raise"):
        raising = sad.map_blocks(shared_write, d, meta=meta)
    with pytest.raises(sa.SharedWriteError, match="another live View"):
        _compute(raising)
    with sa.policy("warn"):
        warning = sad.map_blocks(shared_write, d, meta=meta)
    with pytest.warns(sa.SharedWriteWarning, match="another live View"):
        result = _compute(warning)
    assert_same(result, BASE + 1.0)  # the write happened: w saw it
    with sa.policy("allow"):
        silent = sad.map_blocks(shared_write, d, meta=meta)
    with sa.policy("raise"):
        assert_same(_compute(silent), BASE + 1.0)


# ----------------------------------------------------------------------------------------
# pickling: blocks and block functions travel


def test_safearrays_and_block_functions_pickle() -> None:
    cloudpickle = pytest.importorskip("cloudpickle")
    x = sa.asarray(BASE.copy())
    for a in (x, x[1:, ::2], x.readonly()):
        for dumps, loads in ((pickle.dumps, pickle.loads), (cloudpickle.dumps, cloudpickle.loads)):
            back = loads(dumps(a))
            assert type(back) is sa.Copy
            assert_same(back, np.asarray(a))
            plain = BASE.copy()
            plain.flags.writeable = a.flags.writeable
            # read-only stays so where NumPy's stays so (protocol 5: cloudpickle, distributed)
            assert back.flags.writeable == loads(dumps(plain)).flags.writeable
    protocol = pytest.importorskip("distributed.protocol")
    for a in (x, x[1:, ::2], x.readonly()):  # how dask.distributed sends a block
        back = protocol.deserialize(*protocol.serialize(a))
        assert type(back) is sa.Copy and back.flags.writeable == a.flags.writeable
        assert_same(back, np.asarray(a))
    with sa.policy("raise"):
        f = sad.block_function(lambda b: b + 1)
    g = cloudpickle.loads(cloudpickle.dumps(f))
    assert repr(g).endswith("policy='raise')") and g.__name__ == "<lambda>"
    assert_same(g(x), BASE + 1)


# ----------------------------------------------------------------------------------------
# a real cluster: two worker processes


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    cloudpickle = pytest.importorskip("cloudpickle")
    module = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(module)  # the workers need not import the tests
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    client = distributed.Client(cluster, set_as_default=False)  # other tests keep threads
    try:
        client.run(importlib.import_module, "safearray.dask")  # part of the start-up
        yield client
    finally:
        client.close()
        cluster.close()
        cloudpickle.unregister_pickle_by_value(module)


def test_workers_run_this_safearray_under_their_own_policy(client: Any) -> None:
    sa.set_policy("raise")
    seen = client.run(lambda: (sa.__file__, sa.get_policy()))
    assert len(seen) == 2
    for path, mode in seen.values():
        assert path == sa.__file__
        assert mode == "warn"  # nothing of the client's global policy reaches the workers


def test_cluster_plain_dask_gives_numpys_numbers(client: Any) -> None:
    d = sad.from_array(BASE.copy(), chunks=2)
    for name in ("sum(axis=0)", "std", "argmax(axis=0)", "matmul", "rechunk", "boolean mask"):
        op = PLAIN[name]
        assert op is not None
        result = op(d).compute(scheduler=client)
        assert isinstance(result, (sa.Copy, np.generic)), type(result)
        assert_same(result, op(da.from_array(BASE, chunks=2)).compute(scheduler="sync"))


def test_cluster_clean_functions(client: Any) -> None:
    d = sad.from_array(BASE.copy(), chunks=(2, 3))
    expected = da.map_blocks(centred, da.from_array(BASE, chunks=(2, 3))).compute(scheduler="sync")
    with sa.policy("raise"):
        result = sad.map_blocks(centred, d).compute(scheduler=client)
        total = sad.reduction(d, sum_of_squares, summed, axis=0, dtype=d.dtype).compute(scheduler=client)
    assert type(result) is sa.Copy
    assert_same(result, expected)
    assert_same(total, (BASE * BASE).sum(axis=0))


def test_cluster_in_place_block_function_raises_naming_it(client: Any) -> None:
    x = sa.asarray(BASE.copy())
    d = sad.from_array(x, chunks=2)
    kept = client.persist(d)  # the blocks live in the workers' memory
    for source in (d, kept):
        with pytest.raises(sa.ReadOnlyError, match=r"-=: .*argument 'b' in block function 'normalise'"):
            sad.map_blocks(normalise, source, dtype=d.dtype).compute(scheduler=client)
    with pytest.raises(sa.ReadOnlyError, match="in block function 'squares_in_place'"):
        sad.reduction(kept, squares_in_place, summed, dtype=d.dtype).compute(scheduler=client)
    assert_same(x, BASE)
    for _ in range(2):
        assert_same(kept.compute(scheduler=client), BASE)


def test_cluster_policy_travels_to_the_workers(client: Any) -> None:
    d = sad.from_array(BASE.copy(), chunks=2)
    for mode in sa.MODES:
        with sa.policy(mode):
            graph = sad.map_blocks(policy_here, d, dtype=np.int64)
        assert (graph.compute(scheduler=client) == sa.MODES.index(mode)).all()
    sa.set_policy("raise")  # the global policy, at build time, travels the same way
    graph = sad.map_blocks(policy_here, d, dtype=np.int64)
    sa.set_policy("warn")
    assert (graph.compute(scheduler=client) == 2).all()


def test_cluster_shared_write_raises_under_raise(client: Any) -> None:
    d = sad.from_array(BASE.copy(), chunks=2)
    with sa.policy("raise"):
        graph = sad.map_blocks(shared_write, d, meta=sa.empty((0, 0)))
    with pytest.raises(sa.SharedWriteError, match=r"assignment \[:\] writes through a View .*another live View"):
        graph.compute(scheduler=client)


def test_cluster_plain_dask_functions_run_under_the_workers_policy(client: Any) -> None:
    d = sad.from_array(BASE.copy(), chunks=2)
    graph = da.map_blocks(policy_here, d, dtype=np.int64)  # not wrapped: nothing captured
    with sa.policy("raise"):
        assert (graph.compute(scheduler=client) == 1).all()  # the workers' "warn"
    client.run(sa.set_policy, "raise")  # the docs' way to set it on the workers one has
    try:
        assert (graph.compute(scheduler=client) == 2).all()
        with pytest.raises(sa.SharedWriteError):
            da.map_blocks(shared_write, d, meta=sa.empty((0, 0))).compute(scheduler=client)
    finally:
        client.run(sa.set_policy, "warn")
    assert set(client.run(sa.get_policy).values()) == {"warn"}


def test_cluster_warnings_stay_on_the_workers(client: Any) -> None:
    """Under "warn" the worker issues the warning (counted there), the write happens, and the
    client's ``warnings`` sees nothing: a worker is another process."""
    d = sad.from_array(BASE.copy(), chunks=2)
    counts = {}
    for mode in ("warn", "allow"):
        with sa.policy(mode):
            graph = sad.map_blocks(shared_write_counted, d, meta=sa.empty((0, 0)))
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            counts[mode] = graph.compute(scheduler=client)
        assert [w for w in seen if issubclass(w.category, sa.MutationWarning)] == []
    assert (counts["warn"] == 1).all()  # one warning in each block's task, on a worker
    assert (counts["allow"] == 0).all()


# ----------------------------------------------------------------------------------------
# docs/dask.md: its examples do what it says


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOCS.read_text(), re.S)


def test_docs_interactive_examples() -> None:
    blocks = [b for b in _blocks("python") if b.startswith(">>>")]
    assert blocks
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    parser = doctest.DocTestParser()
    session = "\n".join(blocks)  # one test, one namespace: the page is one session
    runner.run(parser.get_doctest(session, {}, "docs/dask.md", str(DOCS), 0))
    assert runner.failures == 0, runner.summarize()


def test_docs_cluster_example(client: Any) -> None:
    """The page's cluster block, run on this module's cluster (``client`` is given: the page
    shows how it is made)."""
    (block,) = [b for b in _blocks("python") if "client" in b and not b.startswith(">>>")
                and "LocalCluster(" not in b]
    namespace: dict[str, Any] = {"client": client}
    exec(compile(block, str(DOCS), "exec"), namespace)
