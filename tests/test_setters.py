"""NumPy's setters (``x.real = v``, ``x.imag = v``, ``x.flat = v``, ``x.flat[k] = v``,
``x.shape = s``) and ``resize``'s refcheck, against NumPy; every write goes through the judge."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import safearray as sa
from tests._asserts import assert_same_array, outcome

#: setter name -> write(array): the same statement on an ndarray and on a SafeArray
WRITES: dict[str, Callable[[Any], None]] = {
    "real": lambda x: setattr(x, "real", 9),
    "imag": lambda x: setattr(x, "imag", [1, 2]),
    "flat": lambda x: setattr(x, "flat", [5, 6]),
    "flat[k]": lambda x: x.flat.__setitem__(1, 7),
    "flat[slice]": lambda x: x.flat.__setitem__(slice(0, 2), 3),
}
RAW = np.array([1 + 1j, 2 + 2j, 3 + 3j, 4 + 4j])


def _caught(mode: str, write: Callable[[], None]) -> tuple[list[type[Warning]], BaseException | None]:
    with sa.policy(mode), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            write()
        except Exception as exc:  # noqa: BLE001  (the test looks at it)
            return [w.category for w in caught], exc
    return [w.category for w in caught], None


@pytest.mark.parametrize("mode", ["warn", "raise", "allow"])
@pytest.mark.parametrize("name", sorted(WRITES))
def test_setters_on_a_copy_write_as_numpy_silently(name: str, mode: str) -> None:
    expected = RAW[:2].copy()
    WRITES[name](expected)
    x = sa.array(RAW[:2])
    categories, error = _caught(mode, lambda: WRITES[name](x))
    assert error is None and categories == []
    assert_same_array(x, expected)


@pytest.mark.parametrize("mode", ["warn", "raise", "allow"])
@pytest.mark.parametrize("name", sorted(WRITES))
def test_setters_through_a_view_are_judged(name: str, mode: str) -> None:
    expected = RAW.copy()
    WRITES[name](expected[1:3])  # NumPy: the write reaches the base
    base = sa.array(RAW)
    v = base[1:3]
    categories, error = _caught(mode, lambda: WRITES[name](v))
    if mode == "raise":
        assert isinstance(error, sa.SharedWriteError) and categories == []
        assert_same_array(base, RAW)  # refused before anything was written
        return
    assert error is None
    assert categories == ([sa.SharedWriteWarning] if mode == "warn" else [])
    assert_same_array(base, expected)


@pytest.mark.parametrize("mode", ["warn", "raise", "allow"])
@pytest.mark.parametrize("name", ["real", "imag", "flat"])
def test_setters_on_a_thrown_away_copy_are_lost_writes(name: str, mode: str) -> None:
    base = sa.array(RAW)
    mask = np.array([True, False, True, False])
    write = {"real": lambda: setattr(base[mask], "real", 0), "imag": lambda: setattr(base[mask], "imag", 0),
             "flat": lambda: setattr(base[mask], "flat", 0)}[name]
    categories, error = _caught(mode, write)
    if mode == "raise":
        assert isinstance(error, sa.LostWriteError)
    else:
        assert error is None
        assert categories == ([sa.LostWriteWarning] if mode == "warn" else [])
    assert_same_array(base, RAW)


@pytest.mark.parametrize("mode", ["warn", "raise", "allow"])
@pytest.mark.parametrize("name", sorted(WRITES))
def test_setters_on_a_read_only_view_are_refused_in_every_mode(name: str, mode: str) -> None:
    base = sa.array(RAW)
    frozen = base[1:3].readonly()
    _, error = _caught(mode, lambda: WRITES[name](frozen))
    assert isinstance(error, sa.ReadOnlyError)
    assert_same_array(base, RAW)


def test_chained_setter_on_a_temporary_view_writes_into_the_named_copy() -> None:
    base = sa.array(RAW)
    with sa.policy("raise"):
        base[1:3].real = 0  # one write into base, which nothing else sees
    expected = RAW.copy()
    expected[1:3].real = 0
    assert_same_array(base, expected)


@pytest.mark.parametrize("shape", [(2, 2), (4,), (-1, 1), (3,), (2, 3)])
def test_shape_setter_as_numpy(shape: tuple[int, ...]) -> None:
    raw, x = RAW.copy(), sa.array(RAW)
    with warnings.catch_warnings(record=True) as numpys:  # NumPy 2.5 deprecates setting shape
        warnings.simplefilter("always")
        ok, theirs = outcome(setattr, raw, "shape", shape)
    with warnings.catch_warnings(record=True) as ours:
        warnings.simplefilter("always")
        mine_ok, mine = outcome(setattr, x, "shape", shape)
    assert [w.category for w in ours] == [w.category for w in numpys]
    assert mine_ok == ok
    if ok:
        assert x.shape == raw.shape
        assert_same_array(x, raw)
    else:
        assert type(mine) is type(theirs) and str(mine) == str(theirs)
    t = sa.arange(6).reshape(2, 3).T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(AttributeError, match="Incompatible shape"):
            t.shape = (6,)


def test_setting_a_non_writable_attribute_fails_as_in_numpy() -> None:
    x = sa.zeros(2)
    for name in ("T", "mT", "ndim", "size"):
        with pytest.raises(AttributeError):
            setattr(x, name, 1)
    with pytest.raises(TypeError, match="imaginary part"):
        x.imag = 1


def test_flat_reads_as_numpy_and_knows_its_base() -> None:
    raw = np.arange(6.0).reshape(2, 3)
    x = sa.array(raw)
    f = x.flat
    assert f.base is x and len(f) == 6
    assert type(f[2]) is type(raw.flat[2]) and f[2] == raw.flat[2]
    assert isinstance(f[1:4], sa.Copy)
    assert_same_array(f[1:4], raw.flat[1:4])
    assert list(x.flat) == list(raw.flat)
    assert_same_array(np.asarray(x.flat), np.asarray(raw.flat))
    it = x.T.flat
    next(it)
    assert it.coords == raw.T.flat.coords or it.index == 1


def _resize_outcome(make: Callable[[Any], Any], ns: Any) -> tuple[bool, Any]:
    a = ns.zeros(3)
    held = make(a)  # noqa: F841  (keeps what the case keeps alive)
    try:
        a.resize(5)  # called directly: NumPy's count of references through a bound method
    except ValueError:  # passed around differs from one CPython to the next
        return False, ValueError
    return True, a.shape


@pytest.mark.parametrize("case", ["alone", "second name", "in a list", "a view alive"])
def test_resize_refcheck_as_numpy(case: str) -> None:
    make: Callable[[Any], Any] = {
        "alone": lambda a: None,
        "second name": lambda a: a,
        "in a list": lambda a: [a],
        "a view alive": lambda a: a[1:],
    }[case]
    assert _resize_outcome(make, sa) == _resize_outcome(make, np)


def test_resize_with_refcheck_false_and_views_of_the_data() -> None:
    a = sa.zeros(3)
    b = a
    a.resize((2, 2), refcheck=False)
    assert b.shape == (2, 2)
    with pytest.raises(ValueError, match="does not own its data"):
        a[1:].resize(2)


def test_resize_refcheck_counts_names_not_the_call() -> None:
    a = sa.zeros(3)
    a.resize(4)  # the name a alone
    grow = a.resize
    grow(5)  # a bound method held elsewhere is the call's own reference, as for NumPy
    assert a.shape == (5,)
    other = a
    with pytest.raises(ValueError, match="referenced"):
        a.resize(sum([3, 3]))
    with pytest.raises(ValueError, match="referenced"):
        grow(7)
    del other, grow
    a.resize(2,
             3)
    assert a.shape == (2, 3)
