"""The interop suite's oracle: the same call on ndarrays.

``same_as_numpy(fn, *arrays)`` calls ``fn`` once with plain ndarrays and once for each kind
of SafeArray standing for them (a Copy, a View of a Copy, a read-only View), then checks that
the results agree (values, dtypes, shapes, recursively through tuples, lists, dicts and the
libraries' own objects) and that every input holds afterwards what the ndarray input holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import safearray as sa

KINDS = ("copy", "view", "readonly")


def as_kind(a: np.ndarray, kind: str) -> sa.SafeArray[Any]:
    """A SafeArray of ``kind`` holding ``a``'s values (``a`` itself is left alone)."""
    if kind == "copy":
        return sa.array(a)
    if kind == "view":
        # a View of a larger Copy: a strided window whose base holds a margin on each side
        big = sa.array(np.concatenate([a[:1], a, a[:1]]) if a.ndim and a.shape[0] else a)
        return big[1:-1] if a.ndim and a.shape[0] else big[...]
    if kind == "readonly":
        return sa.array(a).readonly()
    raise ValueError(f"kind={kind!r}: use one of {', '.join(KINDS)}")


def allow(x: Any) -> Any:
    """``x.with_policy("allow")`` for a SafeArray (the write into it is intended); the oracle's
    ndarrays pass as they are."""
    return x.with_policy("allow") if isinstance(x, sa.SafeArray) else x


def to_plain(obj: Any) -> Any:
    """``obj`` with every SafeArray replaced by its ndarray (a copy), recursively."""
    if isinstance(obj, sa.SafeArray):
        return np.array(obj)
    if isinstance(obj, tuple):
        return tuple(to_plain(o) for o in obj)
    if isinstance(obj, list):
        return [to_plain(o) for o in obj]
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    return obj


def assert_same(result: Any, expected: Any, *, rtol: float = 0.0) -> None:
    """``result`` (from SafeArrays) equals ``expected`` (from ndarrays): values, dtype, shape.

    A SafeArray result stands for an ndarray one; pandas, xarray, SciPy sparse and Arrow
    objects are compared with their own testing functions.
    """
    if isinstance(result, sa.SafeArray):
        result = np.asarray(result)
    if isinstance(expected, np.ndarray):
        assert isinstance(result, np.ndarray), type(result)
        assert result.shape == expected.shape, (result.shape, expected.shape)
        assert result.dtype == expected.dtype, (result.dtype, expected.dtype)
        if rtol:
            np.testing.assert_allclose(result, expected, rtol=rtol)
        else:
            np.testing.assert_array_equal(result, expected)
        return
    if isinstance(expected, (tuple, list)):
        assert type(result) is type(expected), (type(result), type(expected))
        assert len(result) == len(expected)
        for r, e in zip(result, expected):
            assert_same(r, e, rtol=rtol)
        return
    if isinstance(expected, dict):
        assert result.keys() == expected.keys()
        for k in expected:
            assert_same(result[k], expected[k], rtol=rtol)
        return
    module = type(expected).__module__.split(".")[0]
    if module == "pandas":
        import pandas as pd

        if isinstance(expected, pd.DataFrame):
            pd.testing.assert_frame_equal(result, expected, check_exact=not rtol, rtol=rtol or 1e-5)
        elif isinstance(expected, pd.Series):
            pd.testing.assert_series_equal(result, expected, check_exact=not rtol, rtol=rtol or 1e-5)
        elif isinstance(expected, pd.Index):
            pd.testing.assert_index_equal(result, expected)
        elif hasattr(pd.api.extensions, "ExtensionArray") and isinstance(
            expected, pd.api.extensions.ExtensionArray
        ):
            pd.testing.assert_extension_array_equal(result, expected)
        else:
            assert type(result) is type(expected) and result == expected, (result, expected)
        return
    if module == "xarray":
        import xarray as xr

        assert type(result) is type(expected), (type(result), type(expected))
        if rtol:
            xr.testing.assert_allclose(result, expected, rtol=rtol)
        else:
            xr.testing.assert_identical(result, expected)
        return
    if module == "scipy" and hasattr(expected, "toarray"):
        assert type(result) is type(expected), (type(result), type(expected))
        assert_same(result.toarray(), expected.toarray(), rtol=rtol)
        return
    if module == "pyarrow":
        assert type(result) is type(expected), (type(result), type(expected))
        if not result.equals(expected):  # Arrow's equality: a NaN is not equal to a NaN
            kind = "schema" if hasattr(expected, "schema") else "type"
            assert getattr(result, kind) == getattr(expected, kind), (result, expected)
            assert _same_values(result.to_pylist(), expected.to_pylist()), (result, expected)
        return
    if isinstance(expected, (float, np.floating)) and rtol:
        np.testing.assert_allclose(result, expected, rtol=rtol)
        return
    if isinstance(expected, np.generic):
        assert type(result) is type(expected), (type(result), type(expected))
    if isinstance(expected, float) and expected != expected:
        assert result != result
        return
    assert result == expected, (result, expected)


def _same_values(result: Any, expected: Any) -> bool:
    """Python values (``to_pylist()``) equal, NaN equal to NaN, through lists and dicts."""
    if isinstance(expected, list):
        return isinstance(result, list) and len(result) == len(expected) and all(
            _same_values(r, e) for r, e in zip(result, expected)
        )
    if isinstance(expected, dict):
        return isinstance(result, dict) and result.keys() == expected.keys() and all(
            _same_values(result[k], expected[k]) for k in expected
        )
    if isinstance(expected, float) and expected != expected:
        return isinstance(result, float) and result != result
    return type(result) is type(expected) and bool(result == expected)


def same_as_numpy(
    fn: Callable[..., Any],
    *arrays: np.ndarray,
    kinds: Iterable[str] = KINDS,
    rtol: float = 0.0,
    compare: Callable[[Any, Any], None] | None = None,
) -> list[Any]:
    """Call ``fn`` on ndarrays and on each kind of SafeArray; check results and inputs agree.

    Returns the SafeArray results (one per kind), for tests that check more (the tag, what
    a library holds). A read-only input to which the call writes is the caller's business:
    leave ``"readonly"`` out of ``kinds`` for calls that write into their arguments.
    """
    plain = [a.copy() for a in arrays]
    expected = fn(*plain)
    results = []
    for kind in kinds:
        tagged = [as_kind(a, kind) for a in arrays]
        result = fn(*tagged)
        (compare or (lambda r, e: assert_same(r, e, rtol=rtol)))(result, expected)
        for t, p in zip(tagged, plain):
            after = np.asarray(t)
            assert after.dtype == p.dtype and after.shape == p.shape
            np.testing.assert_array_equal(after, p, err_msg=f"the {kind} input changed differently")
        results.append(result)
    return results


def written_as_numpy_or_unchanged(
    fn: Callable[..., Any],
    *arrays: np.ndarray,
    kinds: Iterable[str] = KINDS,
    rtol: float = 0.0,
    compare: Callable[[Any, Any], None] | None = None,
) -> dict[str, tuple[str, ...]]:
    """``same_as_numpy`` for calls that may write into their arguments (``copy=False``,
    ``overwrite_a=True``, ``output=``, a compiled kernel's store).

    The results must agree as in ``same_as_numpy``; each SafeArray input must hold afterwards
    either what the ndarray input holds after the same call (the library wrote into the
    caller's memory, as it does into an ndarray) or what it held before (the library was given
    memory it could not write, or copied). Returns, per kind, one word per input: ``"as numpy"``,
    ``"unchanged"``, or ``"not written"`` when the call left the ndarray input unchanged too, so
    that a test can record which (the compatibility table) or insist on one.
    """
    plain = [a.copy() for a in arrays]
    expected = fn(*plain)
    outcomes: dict[str, tuple[str, ...]] = {}
    for kind in kinds:
        tagged = [as_kind(a, kind) for a in arrays]
        result = fn(*tagged)
        (compare or (lambda r, e: assert_same(r, e, rtol=rtol)))(result, expected)
        seen = []
        for t, before, after_numpy in zip(tagged, arrays, plain):
            after = np.asarray(t)
            assert after.dtype == before.dtype and after.shape == before.shape
            if np.array_equal(after_numpy, before, equal_nan=after.dtype.kind in "fc"):
                np.testing.assert_array_equal(after, before, err_msg=f"the {kind} input changed")
                seen.append("not written")
            elif np.array_equal(after, after_numpy, equal_nan=after.dtype.kind in "fc"):
                seen.append("as numpy")
            else:
                np.testing.assert_array_equal(
                    after, before,
                    err_msg=f"the {kind} input holds neither what the ndarray holds nor its values",
                )
                seen.append("unchanged")
        outcomes[kind] = tuple(seen)
    return outcomes
