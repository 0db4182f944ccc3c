"""Every exception and warning that safearray raises, in one place.

The hierarchy has one root, :class:`SafeArrayError`. Each concrete class
also derives from the builtin exception a NumPy user already catches
(``TypeError``, ``ValueError``, ``IndexError``, ``AttributeError``), so
code written for NumPy keeps working. Warnings about writes derive from
:class:`MutationWarning`; :class:`UncoveredWarning` (NumPy's own object handed over) and
:class:`DetectionWarning` (a check that cannot run here) are its siblings.
"""

from __future__ import annotations

__all__ = [
    "SafeArrayError",
    "SafeArrayTypeError",
    "SafeArrayValueError",
    "DTypeError",
    "CopyRequiredError",
    "MutationError",
    "ReadOnlyError",
    "SharedWriteError",
    "LostWriteError",
    "StaleViewError",
    "MutationWarning",
    "SharedWriteWarning",
    "LostWriteWarning",
    "StaleViewWarning",
    "UncoveredWarning",
    "DetectionWarning",
]


class SafeArrayError(Exception):
    """Base class of every exception raised by safearray."""


class SafeArrayTypeError(SafeArrayError, TypeError):
    """A parameter has the wrong type (for example ``copy=1``)."""


class SafeArrayValueError(SafeArrayError, ValueError):
    """A parameter has the right type but a value outside its valid choices."""


class DTypeError(SafeArrayTypeError):
    """A ``dtype`` that NumPy does not understand, or that this platform lacks."""


class CopyRequiredError(SafeArrayValueError):
    """``copy=False`` was requested but only a copy can produce the result."""


class MutationError(SafeArrayValueError):
    """Base class of the errors about writing into arrays."""


class ReadOnlyError(MutationError):
    """A write into a read-only array."""


class SharedWriteError(MutationError):
    """A write through a View (its bytes are shared) under the "raise" policy."""


class LostWriteError(MutationError):
    """A write into a temporary Copy that is thrown away, under the "raise" policy."""


class StaleViewError(MutationError):
    """A stale View read under the "raise" policy: its bytes were written through another
    path after it was made (the swap ``a[0], a[1] = a[1], a[0]``)."""


class MutationWarning(UserWarning):
    """Base class of the warnings about writing into arrays."""


class SharedWriteWarning(MutationWarning):
    """A write through a View (its bytes are shared) under the "warn" policy."""


class LostWriteWarning(MutationWarning):
    """A write into a temporary Copy that is thrown away, under the "warn" policy."""


class StaleViewWarning(MutationWarning):
    """A stale View read under the "warn" policy: its bytes were written through another
    path after it was made.

    Examples
    --------
    >>> import warnings
    >>> import safearray as sa
    >>> a = sa.arange(6).reshape(2, 3)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     a[0], a[1] = a[1], a[0]  # a[0] is overwritten first, then copied into a[1]
    >>> caught[0].category.__name__
    'StaleViewWarning'
    >>> a[[0, 1]] = a[[1, 0]]  # fancy indexing copies the sources: a correct swap, silent
    """


class UncoveredWarning(UserWarning):
    """Issued once per name when safearray hands over NumPy's own object because it cannot
    tag or judge it (masked arrays, matrices, record arrays, ``np.char``, ndarray subclasses,
    ...): the program runs as with NumPy, but those arrays are plain NumPy, their writes
    unjudged. Filter it, or make it an error with ``warnings.simplefilter("error",
    sa.UncoveredWarning)``; the write policy does not turn it into one.

    Examples
    --------
    >>> import warnings
    >>> import safearray as sa
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", sa.UncoveredWarning)  # NumPy's own, silently
    ...     type(sa.ma.masked_array([1, 2], mask=[0, 1])).__name__
    'MaskedArray'
    """


class DetectionWarning(UserWarning):
    """Issued once at import when a check cannot be performed on this interpreter or build
    (see :func:`safearray.diagnostics`): what it would report then goes unreported."""


# Shown (and pickled) under the public name, e.g. ``safearray.ReadOnlyError``.
for _cls in (
    SafeArrayError, SafeArrayTypeError, SafeArrayValueError, DTypeError, CopyRequiredError,
    MutationError, ReadOnlyError, SharedWriteError, LostWriteError, StaleViewError,
    MutationWarning, SharedWriteWarning, LostWriteWarning, StaleViewWarning, UncoveredWarning, DetectionWarning,
):
    _cls.__module__ = "safearray"
del _cls
