"""numba with SafeArrays: loaded by numba itself (entry point ``numba_extensions``, ``init``)
when it compiles its first function, so ``import safearray`` never imports numba.

* An ``@numba.njit`` function called with a SafeArray receives the ndarray ``np.asarray(x)``
  hands out: read-only under "warn" and "raise" (a write in the kernel is refused when numba
  compiles it), the array's writable memory under "allow" (``x.with_policy("allow")`` says a
  write is intended). Arrays the kernel returns are ndarrays, as for ndarray arguments.
* In a module that does ``import safearray as np``, ``np.sum``, ``np.zeros``, ``np.random`` ...
  inside a kernel are NumPy's own, which numba compiles.

>>> import numba, safearray as sa        # doctest: +SKIP
>>> numba.njit(lambda a: a.sum())(sa.arange(4.0))  # doctest: +SKIP
6.0
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy

__all__ = ["init"]


def init() -> None:
    """Register SafeArrays with numba (called once by numba; see the module's docstring)."""
    # numba has no type information: its objects are Any here
    numba_types: Any = importlib.import_module("numba.core.types")
    models: Any = importlib.import_module("numba.core.datamodel.models")
    registry: Any = importlib.import_module("numba.core.registry")
    typeof: Any = importlib.import_module("numba.core.typing.typeof").typeof
    extending: Any = importlib.import_module("numba.extending")

    import safearray

    from ._array import SafeArray

    def __init__(self: Any, dtype: Any, ndim: int, layout: str, readonly: bool = False) -> None:
        flag = ", readonly" if readonly else ""
        numba_types.Array.__init__(self, dtype, ndim, layout, readonly=readonly,
                                   name=f"SafeArray({dtype}, {ndim}d, {layout}{flag})")

    # a SafeArray argument: an array to the kernel, unboxed through __array__
    safe_array_type: Any = type("SafeArrayType", (numba_types.Array,), {"__init__": __init__})
    extending.register_model(safe_array_type)(models.ArrayModel)

    def _plain(typ: Any) -> Any:
        return numba_types.Array(typ.dtype, typ.ndim, typ.layout, readonly=not typ.mutable)

    def _typeof(val: Any, c: Any) -> Any:
        t = typeof(numpy.asarray(val), c)
        return safe_array_type(t.dtype, t.ndim, t.layout, readonly=not t.mutable)

    def _unbox(typ: Any, obj: Any, c: Any) -> Any:
        arr = c.pyapi.call_method(obj, "__array__", ())
        native = c.unbox(_plain(typ), arr)
        c.pyapi.decref(arr)  # numba's array keeps its own reference (its MemInfo)
        return extending.NativeValue(native.value, is_error=native.is_error, cleanup=native.cleanup)

    def _box(typ: Any, val: Any, c: Any) -> Any:
        return c.box(_plain(typ), val)  # returned as an ndarray, as numba returns arrays

    extending.typeof_impl.register(SafeArray)(_typeof)
    extending.unbox(safe_array_type)(_unbox)
    extending.box(safe_array_type)(_box)
    # the global `np` of a module that imported safearray as np is NumPy to numba's typing
    registry.cpu_target.typing_context.insert_global(safearray, numba_types.Module(numpy))
