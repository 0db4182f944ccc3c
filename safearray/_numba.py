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

from typing import Any

import numpy

__all__ = ["init"]


def init() -> None:
    """Register SafeArrays with numba (called once by numba; see the module's docstring)."""
    from numba.core import types
    from numba.core.datamodel.models import ArrayModel
    from numba.core.registry import cpu_target
    from numba.core.typing.typeof import typeof
    from numba.extending import NativeValue, box, register_model, typeof_impl, unbox

    import safearray

    from ._array import SafeArray

    class SafeArrayType(types.Array):  # type: ignore[misc]
        """A SafeArray argument: an array to the kernel, unboxed through ``__array__``."""

        def __init__(self, dtype: Any, ndim: int, layout: str, readonly: bool = False) -> None:
            flag = ", readonly" if readonly else ""
            super().__init__(dtype, ndim, layout, readonly=readonly,
                             name=f"SafeArray({dtype}, {ndim}d, {layout}{flag})")

    register_model(SafeArrayType)(ArrayModel)

    @typeof_impl.register(SafeArray)  # type: ignore[untyped-decorator]
    def _typeof(val: Any, c: Any) -> Any:
        t = typeof(numpy.asarray(val), c)
        return SafeArrayType(t.dtype, t.ndim, t.layout, readonly=not t.mutable)

    def _plain(typ: Any) -> Any:
        return types.Array(typ.dtype, typ.ndim, typ.layout, readonly=not typ.mutable)

    @unbox(SafeArrayType)  # type: ignore[untyped-decorator]
    def _unbox(typ: Any, obj: Any, c: Any) -> Any:
        arr = c.pyapi.call_method(obj, "__array__", ())
        native = c.unbox(_plain(typ), arr)
        c.pyapi.decref(arr)  # numba's array keeps its own reference (its MemInfo)
        return NativeValue(native.value, is_error=native.is_error, cleanup=native.cleanup)

    @box(SafeArrayType)  # type: ignore[untyped-decorator]
    def _box(typ: Any, val: Any, c: Any) -> Any:
        return c.box(_plain(typ), val)  # returned as an ndarray, as numba returns arrays

    # the global `np` of a module that imported safearray as np is NumPy to numba's typing
    cpu_target.typing_context.insert_global(safearray, types.Module(numpy))
