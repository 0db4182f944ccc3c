"""The ``sa.`` namespace mirrors ``numpy``: creation, constants, submodules, random, I/O."""

from __future__ import annotations

import pickle
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import safearray as sa
from safearray import _namespace
from tests._asserts import assert_same_array

CREATION: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    "zeros": (((2, 3),), {}), "ones": ((4,), {"dtype": np.int8}), "empty": ((3,), {}),
    "full": (((2, 2), 7.5), {}), "arange": ((1, 10, 2), {}), "linspace": ((0, 1, 5), {}),
    "logspace": ((0, 2, 3), {}), "geomspace": ((1, 100, 3), {}), "eye": ((3,), {"k": 1}),
    "identity": ((2,), {}), "tri": ((3,), {}), "indices": (((2, 3),), {}),
    "fromfunction": ((lambda i, j: i + j, (2, 3)), {}),
    "fromiter": ((iter(range(4)), float), {}), "fromstring": (("1 2 3",), {"sep": " "}),
    "diag_indices": ((3,), {}), "tril_indices": ((3,), {}), "triu_indices": ((3,), {}),
    "hamming": ((5,), {}), "hanning": ((5,), {}), "blackman": ((5,), {}), "bartlett": ((5,), {}),
    "kaiser": ((5, 1.0), {}), "meshgrid": (([1, 2], [3, 4, 5]), {}), "asarray": (([1, 2],), {}),
}


@pytest.mark.parametrize("name", sorted(CREATION))
def test_creation_functions_give_copies(name: str) -> None:
    args, kwargs = CREATION[name]
    if name == "fromiter":
        ours, theirs = getattr(sa, name)(iter(range(4)), float), np.fromiter(iter(range(4)), float)
    else:
        ours, theirs = getattr(sa, name)(*args, **kwargs), getattr(np, name)(*args, **kwargs)
    if name == "empty":
        assert isinstance(ours, sa.Copy) and ours.shape == theirs.shape and ours.dtype == theirs.dtype
        return
    results = ours if isinstance(theirs, tuple) else (ours,)
    expected = theirs if isinstance(theirs, tuple) else (theirs,)
    assert type(ours) is type(theirs) or isinstance(ours, sa.SafeArray)
    for r, e in zip(results, expected):
        assert isinstance(r, sa.Copy)
        assert_same_array(r, e)


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like", "full_like"])
def test_like_family(name: str) -> None:
    base = sa.arange(6.0).reshape(2, 3)
    args = (base, 3.0) if name == "full_like" else (base,)
    result = getattr(sa, name)(*args)
    assert isinstance(result, sa.Copy) and result.shape == (2, 3) and result.dtype == base.dtype
    assert not np.shares_memory(np.asarray(result), np.asarray(base))


def test_frombuffer_is_a_view_of_the_buffer() -> None:
    buf = bytearray(np.arange(4, dtype=np.float64).tobytes())
    v = sa.frombuffer(buf, dtype=np.float64)
    assert isinstance(v, sa.View)
    with sa.policy("allow"):
        v[0] = 42.0
    assert np.frombuffer(buf, dtype=np.float64)[0] == 42.0


def test_constants_dtypes_and_types_are_numpys() -> None:
    assert sa.pi is np.pi and sa.e is np.e and sa.newaxis is None
    assert np.isnan(sa.nan) and sa.inf == np.inf
    for name in ("float32", "float64", "int8", "uint64", "complex128", "bool", "str_", "bytes_", "datetime64",
                 "timedelta64", "dtype", "generic", "number", "finfo", "iinfo", "errstate", "ufunc"):
        assert getattr(sa, name) is getattr(np, name)
    assert sa.ndarray is sa.SafeArray
    assert isinstance(sa.zeros(2), sa.ndarray)


def test_every_public_numpy_name_is_mirrored_or_documented() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "namespace.md").read_text()
    for name in np.__all__:
        if name.startswith("_"):
            continue
        if name in _namespace.NOT_COVERED:
            with pytest.raises(AttributeError, match=f"safearray does not cover numpy.{name}"):
                getattr(sa, name)
            assert f"`{name}`" in doc, f"{name} is not covered but docs/namespace.md does not say why"
        else:
            assert hasattr(sa, name), name


def test_removed_numpy_1_aliases_name_their_replacement() -> None:
    with pytest.raises(AttributeError, match=r"float_.*float64"):
        sa.float_  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        sa.no_such_name  # noqa: B018


def test_submodules() -> None:
    for name in ("linalg", "fft", "random", "emath", "strings"):
        assert isinstance(getattr(sa, name), types.ModuleType)
    s = sa.linalg.inv(sa.eye(2) * 2)
    assert isinstance(s, sa.Copy)
    assert_same_array(s, np.linalg.inv(np.eye(2) * 2))
    f = sa.fft.fft(sa.arange(4.0))
    assert isinstance(f, sa.Copy)
    assert sa.testing is np.testing


def test_index_tricks() -> None:
    r = sa.r_[1:4, [7]]
    assert isinstance(r, sa.Copy) and r.tolist() == [1, 2, 3, 7]
    assert sa.c_[[1, 2], [3, 4]].shape == (2, 2)
    grid = sa.mgrid[0:2, 0:3]
    assert isinstance(grid, sa.Copy) and grid.shape == (2, 2, 3)
    assert sa.s_[1:3] == slice(1, 3)


def test_random_generators_give_copies() -> None:
    rng = sa.random.default_rng(42)
    reference = np.random.default_rng(42)
    for draw, expected in (
        (rng.normal(size=3), reference.normal(size=3)),
        (rng.integers(0, 10, size=4), reference.integers(0, 10, size=4)),
        (rng.choice(sa.arange(5), 2), reference.choice(np.arange(5), 2)),
        (rng.permutation(5), reference.permutation(5)),
    ):
        assert isinstance(draw, sa.Copy)
        assert_same_array(draw, expected)
    x = sa.arange(10)
    rng.shuffle(x)
    assert sorted(x.tolist()) == list(range(10))
    assert isinstance(sa.random.rand(2), sa.Copy)


# --------------------------------------------------------------------------------------
# I/O


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    data = sa.arange(6.0).reshape(2, 3)
    sa.save(tmp_path / "a.npy", data)
    loaded = sa.load(tmp_path / "a.npy")
    assert isinstance(loaded, sa.Copy)
    assert_same_array(loaded, np.arange(6.0).reshape(2, 3))
    sa.savez(tmp_path / "b.npz", x=data, y=data[0])
    with sa.load(tmp_path / "b.npz") as archive:
        assert sorted(archive.files) == ["x", "y"]
        assert isinstance(archive["x"], sa.Copy)
        assert_same_array(archive["y"], np.arange(3.0))


def test_load_with_mmap_mode_gives_views_whose_writes_reach_the_file(tmp_path: Path) -> None:
    path = tmp_path / "m.npy"
    np.save(path, np.zeros(4))
    mapped = sa.load(path, mmap_mode="r+")
    assert isinstance(mapped, sa.View)
    with sa.policy("allow"):
        mapped[1] = 5.0
    del mapped
    assert np.load(path)[1] == 5.0


def test_memmap_is_a_view_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "raw.bin"
    m = sa.memmap(path, dtype=np.float32, mode="w+", shape=(3,))
    assert isinstance(m, sa.View)
    with sa.policy("allow"):
        m[:] = [1.0, 2.0, 3.0]
    del m
    assert np.fromfile(path, dtype=np.float32).tolist() == [1.0, 2.0, 3.0]


def test_text_io(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    sa.savetxt(path, sa.arange(6.0).reshape(2, 3), delimiter=",")
    for loaded in (sa.loadtxt(path, delimiter=","), sa.genfromtxt(path, delimiter=",")):
        assert isinstance(loaded, sa.Copy)
        assert_same_array(loaded, np.arange(6.0).reshape(2, 3))


def test_mirrored_submodules_import_as_numpys_do() -> None:
    """``import safearray.linalg`` and ``from safearray.random import ...`` as with NumPy."""
    import importlib

    for name in ("linalg", "fft", "random", "emath", "strings", "lib"):
        module = importlib.import_module(f"safearray.{name}")
        assert module is getattr(sa, name)
    from safearray.linalg import inv
    from safearray.random import default_rng

    assert isinstance(inv(sa.eye(2)), sa.Copy)
    assert isinstance(default_rng(0).random(3), sa.Copy)


def test_ufuncs_survive_copy_deepcopy_and_pickle_as_numpys_do() -> None:
    """A filter that keeps ``np.subtract`` as an attribute and deep-copies its state."""
    import copy

    u = sa.subtract
    assert copy.copy(u) is u and copy.deepcopy(u) is u
    assert copy.deepcopy({"residual": u})["residual"] is u
    back = pickle.loads(pickle.dumps(u))
    assert isinstance(back(sa.arange(3), 1), sa.Copy)
    assert back(3, 1) == 2
