"""One exception hierarchy: a common base, the builtin a NumPy user already catches, pickling."""

from __future__ import annotations

import pickle

import pytest

import safearray as sa

HIERARCHY = {
    sa.SafeArrayTypeError: (sa.SafeArrayError, TypeError),
    sa.SafeArrayValueError: (sa.SafeArrayError, ValueError),
    sa.DTypeError: (sa.SafeArrayTypeError, TypeError),
    sa.CopyRequiredError: (sa.SafeArrayValueError, ValueError),
    sa.MutationError: (sa.SafeArrayValueError, ValueError),
    sa.ReadOnlyError: (sa.MutationError, ValueError),
    sa.SharedWriteError: (sa.MutationError, ValueError),
    sa.LostWriteError: (sa.MutationError, ValueError),
    sa.SharedWriteWarning: (sa.MutationWarning, UserWarning),
    sa.LostWriteWarning: (sa.MutationWarning, UserWarning),
    sa.UncoveredWarning: (UserWarning,),
    sa.DetectionWarning: (UserWarning,),
}


@pytest.mark.parametrize("cls", list(HIERARCHY), ids=lambda c: c.__name__)
def test_bases(cls: type) -> None:
    for base in HIERARCHY[cls]:
        assert issubclass(cls, base)


@pytest.mark.parametrize("cls", list(HIERARCHY), ids=lambda c: c.__name__)
@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_round_trip_under_the_public_name(cls: type, protocol: int) -> None:
    err = cls("what failed; the fix")
    again = pickle.loads(pickle.dumps(err, protocol=protocol))
    assert type(again) is cls and str(again) == "what failed; the fix"
    assert cls.__module__ == "safearray" and getattr(sa, cls.__name__) is cls


def test_every_error_class_is_public() -> None:
    from safearray import _errors

    for name in _errors.__all__:
        assert name in sa.__all__ and getattr(sa, name) is getattr(_errors, name)


def test_every_public_function_of_safearray_has_an_example() -> None:
    import inspect

    for name in sa.__all__:
        obj = getattr(sa, name)
        if not callable(obj) or not (getattr(obj, "__module__", "") or "").startswith("safearray"):
            continue  # NumPy's own objects carry NumPy's documentation
        if isinstance(obj, type) and issubclass(obj, BaseException):
            continue
        assert "Examples" in (inspect.getdoc(obj) or ""), name
