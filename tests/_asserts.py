"""Assertions shared by the differential tests: NumPy is the oracle, np.shares_memory the truth."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

import safearray as sa

#: NumPy 2.1 or later: ``ndarray.reshape(copy=)``, ``np.cumulative_sum``, DLPack 1.0 (read-only
#: flag, ``np.from_dlpack(copy=)``). The oldest NumPy safearray supports, 2.0, has none of them,
#: so the differential tests check those against NumPy only from 2.1.
NUMPY_2_1 = np.lib.NumpyVersion(np.__version__) >= "2.1.0"


def assert_tag_is_true(result: Any, *inputs: np.ndarray) -> None:
    """``result`` is a View exactly when it shares memory with one of ``inputs``.

    An empty View is the documented exception: NumPy's ``shares_memory`` says False for
    arrays without elements, while the View's buffer still belongs to its base.
    """
    assert isinstance(result, sa.SafeArray), type(result)
    raw = np.asarray(result)
    truth = any(np.shares_memory(raw, x) for x in inputs)
    if isinstance(result, sa.View):
        assert truth or raw.size == 0, "a View that shares no memory with its inputs"
        assert result.base is not None
    else:
        assert isinstance(result, sa.Copy)
        assert not truth, "a Copy that shares memory with an input"
        assert result.base is None


def _same_objects(a: Any, b: Any) -> bool:
    """Equal elements of object arrays (nested lists from ``tolist``), NaN equal to NaN."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_objects(x, y) for x, y in zip(a, b))
    if a is b:
        return True
    try:
        if a != a and b != b:  # NaN (a new float object each time NumPy converts one)
            return True
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def assert_same_array(result: Any, expected: Any, dtype: Any = None) -> None:
    """Same shape, dtype and values (NaN and NaT where NumPy has them) as ``expected``."""
    raw = np.asarray(result)
    exp = np.asarray(expected)
    assert raw.shape == exp.shape, (raw.shape, exp.shape)
    assert raw.dtype == (exp.dtype if dtype is None else dtype), (raw.dtype, exp.dtype)
    if raw.dtype.kind == "O":
        assert _same_objects(raw.tolist(), exp.tolist()), (raw.tolist(), exp.tolist())
    else:
        with np.errstate(invalid="ignore"):  # byte-swapped floats may be NaN patterns
            np.testing.assert_array_equal(raw, exp.astype(raw.dtype) if dtype is not None else exp)


def assert_matches(
    result: Any, expected: Any, *inputs: np.ndarray, dtype: Any = None, same: dict[int, Any] | None = None
) -> None:
    """Both of the above, recursing into tuples and lists as NumPy returns them.

    ``same`` maps ``id(ndarray input)`` to the tagged array it stands for: where NumPy
    returns one of its inputs itself, safearray must return that tagged array itself.
    """
    if same and id(expected) in same:
        assert result is same[id(expected)]
        return
    if isinstance(expected, (tuple, list)):
        assert type(result) is type(expected) or (
            isinstance(result, tuple) and isinstance(expected, tuple)
        ), (type(result), type(expected))
        assert len(result) == len(expected)
        for r, e in zip(result, expected):
            assert_matches(r, e, *inputs, dtype=dtype, same=same)
        return
    if isinstance(expected, np.generic):
        # an immutable value shares no memory: NumPy's scalar itself, nothing to tag
        assert type(result) is type(expected), (type(result), type(expected))
        assert_same_array(result, expected, dtype)
        return
    if isinstance(expected, np.ndarray):
        assert_same_array(result, expected, dtype)
        assert_tag_is_true(result, *inputs)
        return
    assert not isinstance(result, sa.SafeArray), "a Python value came back as an array"
    assert result == expected or (result != result and expected != expected)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Lossy casts and invalid values are allowed on both sides (NumPy warns, not fails)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # ComplexWarning is one
        yield


def outcome(func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """``(True, result)`` or ``(False, exception)``."""
    try:
        with quiet():
            return True, func(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001  (compared against NumPy's)
        return False, exc


def owner_of(a: np.ndarray) -> object:
    """The object that owns ``a``'s memory: NumPy's base chain, walked to its end."""
    b: Any = a
    while isinstance(b, np.ndarray) and b.base is not None:
        b = b.base
    return b


def base_is(view: Any, owner: object) -> bool:
    """``view.base`` is ``owner``, or, for a read-only View of writable memory, the read-only
    stand-in safearray gives instead (no way back to writing): a read-only View of the Copy,
    a read-only ndarray over the ndarray's bytes, a read-only memoryview (of a read-only
    ndarray) over the buffer."""
    b = view.base
    if b is owner:
        return True
    if view.flags.writeable:
        return False
    if isinstance(owner, sa.Copy):
        return isinstance(b, sa.View) and b._base is owner and not b.flags.writeable
    if isinstance(owner, np.ndarray):
        return (type(b) is np.ndarray and not b.flags.writeable and b.shape == owner.shape
                and b.dtype == owner.dtype and b.strides == owner.strides
                and b.__array_interface__["data"][0] == owner.__array_interface__["data"][0])
    if not (isinstance(b, memoryview) and b.readonly and isinstance(b.obj, np.ndarray)):
        return False
    given = np.asarray(memoryview(owner))  # type: ignore[arg-type]
    return bool(b.obj.__array_interface__["data"][0] == given.__array_interface__["data"][0])


def memory_of(x: Any) -> np.ndarray:
    """The ndarray that is a tagged array's memory (``np.asarray(x)`` hands out a read-only
    view of it under "warn" and "raise"; under "allow" it hands out the memory itself)."""
    with sa.policy("allow"):
        return np.asarray(x)


def runs_ok_in_a_child(script: str, *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> None:
    """Run ``script`` (``python -X faulthandler -c script *args``) in a child process, in the core
    this test run uses, and assert that it printed ``ok`` and exited 0: a crash is then a failure
    with the child's traceback, not the end of the test run. ``env``: added to this environment."""
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-X", "faulthandler", "-c", script, *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
