"""safearray: NumPy arrays that always tell whether they are a View or a Copy.

``import safearray as np`` works as a drop-in for NumPy: every array that
comes back is a :class:`View` (it shares memory with the array it came from)
or a :class:`Copy` (it owns memory no other array sees), and writes through
Views or into thrown-away Copies are reported at the line that makes them.

Examples
--------
>>> import safearray as sa
>>> data = sa.arange(6.0)
>>> data[2:4]
View([2., 3.], base=Copy(shape=(6,), dtype=float64))
>>> data[data > 3]
Copy([4., 5.])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as _numpy

from . import _array, _namespace, _selftest
from ._array import Copy, SafeArray, View
from ._creation import array, asarray, may_share_memory, readonly, shares_memory
from ._errors import (
    CopyRequiredError,
    DetectionWarning,
    DTypeError,
    LostWriteError,
    LostWriteWarning,
    MutationError,
    MutationWarning,
    ReadOnlyError,
    SafeArrayError,
    SafeArrayTypeError,
    SafeArrayValueError,
    SharedWriteError,
    SharedWriteWarning,
    StaleViewError,
    StaleViewWarning,
    UncoveredWarning,
)
from ._guard import guard
from ._hook import install, uninstall
from ._policy import MODES, get_policy, policy, set_policy
from ._selftest import diagnostics

if TYPE_CHECKING:
    from . import array_api as array_api  # imported on first use (see __getattr__)
    # the mirrored functions whose tag is known before run time
    from ._typed import (
        arange as arange,
        broadcast_to as broadcast_to,
        concatenate as concatenate,
        empty as empty,
        empty_like as empty_like,
        eye as eye,
        full as full,
        full_like as full_like,
        identity as identity,
        linspace as linspace,
        ones as ones,
        ones_like as ones_like,
        sort as sort,
        split as split,
        zeros as zeros,
        zeros_like as zeros_like,
    )

#: NumPy's version, as drop-in code reads it (``NumpyVersion(np.__version__)``); safearray's
#: own is ``importlib.metadata.version("safearray")``.
__version__: str = str(getattr(_numpy, "__version__"))

__all__ = ["SafeArray", "View", "Copy", "ndarray"]
__all__ += ["asarray", "array", "readonly", "shares_memory", "may_share_memory"]
__all__ += ["MODES", "get_policy", "set_policy", "policy", "guard", "diagnostics"]
__all__ += ["install", "uninstall"]
__all__ += [
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
__all__ += ["array_api"]
#: The rest of NumPy's namespace, generated (see ``safearray/_namespace.py``).
__all__ += sorted(  # pyright: ignore[reportUnsupportedDunderAll]
    name for name in _namespace.MIRROR if name not in __all__
)

if TYPE_CHECKING:  # for annotations; at run time NumPy's ndarray counts too (_array.NDARRAY)
    ndarray = SafeArray
else:
    ndarray = _array.NDARRAY
_selftest.run()  # every check, once, on this interpreter: a DetectionWarning names those off


def __getattr__(name: str) -> Any:
    # NumPy's namespace is mirrored name by name on first use, and the Array API namespace is
    # imported then too: ``import safearray`` imports neither numpy.testing nor numpy.random
    if name == "array_api":
        import importlib

        value = importlib.import_module(f"{__name__}.array_api")
    else:
        value = _namespace.lookup(name)
    globals()[name] = value  # cache: the next lookup is a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_namespace.MIRROR) | {"array_api"})
