"""numpy.testing's assertions, called from NumPy's own module as third-party tests call them,
treat SafeArrays as they treat ndarrays: the same pass or failure, in every path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.testing as npt
import pytest

import safearray as sa


def _tagged(obj: Any) -> Any:
    """``obj`` with every ndarray in it (lists, tuples, dicts) made a SafeArray."""
    if isinstance(obj, np.ndarray):
        return sa.array(obj)
    if isinstance(obj, (list, tuple)):
        return type(obj)(_tagged(o) for o in obj)
    if isinstance(obj, dict):
        return {k: _tagged(v) for k, v in obj.items()}
    return obj


def _outcome(check: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    try:
        check(*args, **kwargs)
    except AssertionError:
        return "AssertionError"
    except Exception as exc:  # noqa: BLE001  (compared against NumPy's)
        return type(exc).__name__
    return "passed"


NAN3 = np.array([1.0, 2.0, np.nan])
PAIRS: list[tuple[Any, Any]] = [
    (NAN3, [1, 2, np.nan]),
    (NAN3, NAN3.copy()),
    (np.arange(3) * 0 + 3, 3),
    (np.arange(3), [0, 1, 3]),
    (np.array(2.0), 2.0),
    (np.array([1.0]), [1.0000001]),
    (np.array([1.0, 2.0]), np.array([1.0, 2.5])),
    ([np.arange(2), np.arange(3)], [np.arange(2), np.arange(3)]),
    ({"a": np.arange(2), "b": [np.ones(1)]}, {"a": np.arange(2), "b": [np.ones(1)]}),
    ({"a": np.arange(2)}, {"a": np.arange(3)}),
    ((np.zeros(2), 1.0), (np.zeros(2), 1.0)),
    (np.array(["a", "b"]), ["a", "b"]),
    (np.array([np.datetime64("2020-01-01"), np.datetime64("NaT", "D")]), np.array(["2020-01-01", "NaT"], "M8[D]")),
    (np.array([1 + 1j, np.nan]), [1 + 1j, np.nan]),
    (np.array(-0.0), 0.0),
]
CHECKS: dict[str, Callable[..., Any]] = {
    "assert_equal": npt.assert_equal,
    "assert_equal strict": lambda a, b: npt.assert_equal(a, b, strict=True),
    "assert_array_equal": npt.assert_array_equal,
    "assert_almost_equal": npt.assert_almost_equal,
    "assert_array_almost_equal": npt.assert_array_almost_equal,
    "assert_allclose": npt.assert_allclose,
    "assert_array_less": npt.assert_array_less,
    "assert_approx_equal": npt.assert_approx_equal,
    "assert_array_max_ulp": npt.assert_array_max_ulp,
    "assert_array_almost_equal_nulp": npt.assert_array_almost_equal_nulp,
}


@pytest.mark.parametrize("name", sorted(CHECKS))
@pytest.mark.parametrize("pair", range(len(PAIRS)))
@pytest.mark.parametrize("side", ["actual", "desired", "both"])
def test_numpy_testing_treats_safearrays_as_ndarrays(name: str, pair: int, side: str) -> None:
    actual, desired = PAIRS[pair]
    check = CHECKS[name]
    expected = _outcome(check, actual, desired)
    tagged = (_tagged(actual) if side != "desired" else actual, _tagged(desired) if side != "actual" else desired)
    assert _outcome(check, *tagged) == expected


def test_the_failure_message_shows_the_arrays_as_numpy_does() -> None:
    with pytest.raises(AssertionError) as theirs:
        npt.assert_equal(np.arange(3), [0, 1, 3])
    with pytest.raises(AssertionError) as ours:
        npt.assert_equal(sa.arange(3), [0, 1, 3])
    assert str(ours.value) == str(theirs.value)


def test_class_is_the_real_type_outside_numpy() -> None:
    x = sa.arange(3)
    assert x.__class__ is sa.Copy and x[1:].__class__ is sa.View
    assert not isinstance(x, np.ndarray)  # a SafeArray is not an ndarray subclass
