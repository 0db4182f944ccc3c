"""Dask arrays of SafeArrays: the same checks, past one machine.

Dask splits an array into blocks and runs a function on each, in threads, processes or on the
workers of a ``dask.distributed`` cluster. This module keeps safearray's promises there:

* :func:`from_array` and :func:`asarray` give Dask arrays whose blocks (and ``meta``) are
  SafeArrays, so every block operation is tagged and judged as on one machine. Plain
  ``dask.array`` works on them as it does on NumPy's arrays (its reductions, slicing, linear
  algebra, ``map_overlap``...), and ``.compute()`` gives a SafeArray (a Copy) where Dask gives
  an ndarray, and NumPy's scalar where Dask gives one. Importing this module registers
  SafeArray with the one Dask dispatch that has no generic entry (``da.percentile``'s).
* :func:`map_blocks`, :func:`blockwise` and :func:`reduction` take Dask's own arguments and
  hand each array to your function as a read-only View (a block of the input, Dask's cached
  data, or an array given as an extra argument): a function that writes into its input raises
  :class:`~safearray.ReadOnlyError` naming the function, instead of corrupting the data Dask
  keeps for the next computation. :func:`block_function` is that wrapper, for the other Dask
  calls that take a block function (``x.map_overlap``, ``da.apply_gufunc``...).
* The write policy travels with the graph: a block function runs, wherever it runs, under the
  mode that was in force where the graph was built (where :func:`map_blocks` was called).

Why the policy of the graph's construction, not of ``compute``: the mode is captured in the
function object, which is what Dask sends to the workers; a worker is a separate process with
its own global policy (``"warn"``, or its ``SAFEARRAY_POLICY``), and nothing of the caller's
``with sa.policy(...)`` block at ``compute`` reaches it. The mode is part of the task's key
too, so a graph built under ``"raise"`` never reuses results computed under ``"warn"``.

Warnings raised on a ``dask.distributed`` worker stay in that worker's process (Python prints
them on its standard error); they do not reach the client's ``warnings``. Errors do: under
``"raise"`` the error is sent back and raised by ``compute``. On the local schedulers
(``"threads"``, ``"sync"``) everything runs in the calling process and warnings reach the
caller as usual.

What is not covered: functions given to ``dask.array`` directly (``da.map_blocks(f, x)``)
receive the blocks as they are, writable (a write into a SafeArray block is still judged by
the policy of the process that runs it; into an ndarray block, by nothing); C code that ignores NumPy's writeable flag writes
anyway; Dask's own operations run under the policy of the process that runs them (the
caller's, on the local schedulers; the worker's global one on a cluster).

Examples
--------
>>> import safearray as sa
>>> import safearray.dask as sad
>>> data = sad.from_array(sa.arange(8.0), chunks=4)
>>> def normalise(b):
...     return b - b.mean()       # a new block: the input is left alone
>>> sad.map_blocks(normalise, data).compute(scheduler="sync")
Copy([-1.5, -0.5,  0.5,  1.5, -1.5, -0.5,  0.5,  1.5])
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

try:
    import dask.array as _da
except ImportError as error:  # pragma: no cover - dask is an optional dependency
    raise ImportError(
        "safearray.dask needs Dask's arrays: python -m pip install 'dask[array]'"
    ) from error

from . import _policy, _stale
from ._array import SafeArray
from ._creation import asarray as _sa_asarray
from ._guard import _readonly_argument

__all__ = ["from_array", "asarray", "map_blocks", "blockwise", "reduction", "block_function"]

_NDARRAY: Any = np.ndarray  # isinstance() against these keeps values typed Any for the checkers
_PARTIAL: Any = functools.partial
_DASK: Any = _da
_DaskArray: Any = _DASK.Array


def _register_dispatch() -> None:
    """Dask looks up some block operations by the block's type; all but its percentile have a
    generic entry that NumPy's functions (and so SafeArrays) serve. SafeArray blocks get the
    ndarray's percentile (NumPy's functions again, through ``__array_function__``)."""
    from dask.array.dispatch import percentile_lookup

    lookup: Any = percentile_lookup
    lookup.register(SafeArray, lookup.dispatch(np.ndarray))


_register_dispatch()


def _empty_meta(ndim: int, dtype: Any) -> Any:
    """A SafeArray with no element, Dask's ``meta`` of an array of SafeArray blocks; it holds
    no memory of the data (a ``meta`` sliced from the data would keep all of it alive)."""
    return _sa_asarray(np.empty((0,) * ndim, dtype=dtype))


def from_array(x: Any, chunks: Any = "auto", **kwargs: Any) -> Any:
    """A Dask array over ``x`` (a SafeArray, an ndarray, or any array Dask reads) whose blocks
    are SafeArrays.

    Everything is ``dask.array.from_array``'s (``chunks``, ``name``, ``lock``, ``asarray``,
    ``inline_array``, ``meta``...). An ndarray is taken as ``sa.asarray(x)``; Dask then copies
    it, as it copies an ndarray, so the caller's array is never part of the graph, and the
    blocks are Views of Dask's copy. Another array-like (zarr, h5py) is read by Dask block by
    block, each block made a SafeArray (see :func:`asarray`).

    Examples
    --------
    >>> import numpy as np
    >>> import safearray as sa
    >>> import safearray.dask as sad
    >>> d = sad.from_array(np.arange(6.0).reshape(2, 3), chunks=(1, 3))
    >>> d.blocks[1].compute(scheduler="sync")
    Copy([[3., 4., 5.]])
    >>> d.sum(axis=0).compute(scheduler="sync")
    Copy([3., 5., 7.])
    """
    if isinstance(x, (SafeArray, _NDARRAY)):
        kwargs.setdefault("meta", _empty_meta(x.ndim, x.dtype))
        return _DASK.from_array(_sa_asarray(x), chunks=chunks, **kwargs)
    return asarray(_DASK.from_array(x, chunks=chunks, **kwargs))


def asarray(a: Any, chunks: Any = "auto", **kwargs: Any) -> Any:
    """``a`` as a Dask array of SafeArray blocks.

    A Dask array (``da.from_zarr(...)``, ``da.from_array(ndarray)``, any pipeline) is given
    SafeArray blocks by one ``sa.asarray`` per block (a View of Dask's block: no data is
    copied); one whose ``meta`` is a SafeArray already is returned as it is. Anything else is
    :func:`from_array` of it, with ``chunks`` and ``kwargs``.

    Examples
    --------
    >>> import numpy as np
    >>> import dask.array as da
    >>> import safearray.dask as sad
    >>> plain = da.from_array(np.arange(4.0), chunks=2)
    >>> type(plain.compute(scheduler="sync")).__name__
    'ndarray'
    >>> sad.asarray(plain).compute(scheduler="sync")
    Copy([0., 1., 2., 3.])
    """
    if isinstance(a, _DaskArray):
        if isinstance(a._meta, SafeArray):
            return a
        return a.map_blocks(_sa_asarray, dtype=a.dtype, meta=_empty_meta(a.ndim, a.dtype))
    return from_array(a, chunks=chunks, **kwargs)


def _function_name(func: object) -> str:
    inner: Any = func
    while isinstance(inner, _PARTIAL):
        inner = inner.func
    name = getattr(inner, "__name__", None)
    return name if isinstance(name, str) else type(inner).__name__


def _positional_names(func: Any) -> tuple[tuple[str, ...], str | None]:
    """The names of ``func``'s positional parameters, and of its ``*args`` (None if none);
    ``((), "args")`` when Python cannot tell (the arguments are then named ``args[i]``)."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return (), "args"
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    names = tuple(p.name for p in params if p.kind in kinds)
    star = [p.name for p in params if p.kind is inspect.Parameter.VAR_POSITIONAL]
    return names, (star[0] if star else None)


class _BlockFunction:
    """A block function for Dask: the arrays it is given arrive as read-only Views labelled
    with the function's name, and it runs under the write policy captured when it was made.

    It looks like the function to Dask (``__name__``, ``__wrapped__``: Dask reads the
    signature through it, e.g. for ``block_info``), pickles as (function, policy), and
    tokenizes with the policy, so the mode is part of the task's key.
    """

    def __init__(self, func: Callable[..., Any], mode: _policy.Mode, stale_reads: bool) -> None:
        functools.update_wrapper(self, func, updated=())
        self._sa_func = func
        self._sa_mode: _policy.Mode = mode
        self._sa_stale_reads = stale_reads
        self._sa_names, self._sa_star = _positional_names(func)
        self._sa_fname = _function_name(func)

    def _label(self, name: str) -> str:
        return f"argument {name!r} in block function {self._sa_fname!r}"

    def _name(self, i: int) -> str:
        names = self._sa_names
        if i < len(names):
            return names[i]
        return f"{self._sa_star or 'args'}[{i - len(names)}]"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        memo: dict[int, Any] = {}
        label = self._label
        given = tuple(_readonly_argument(v, self._name(i), memo, label) for i, v in enumerate(args))
        named = {k: _readonly_argument(v, k, memo, label) for k, v in kwargs.items()}
        memo.clear()
        reads = self._sa_stale_reads
        # a block of the general stale check only when it differs (its counter is global)
        with _policy.policy(self._sa_mode, stale_reads=None if reads == _stale.reads_checked() else reads):
            return self._sa_func(*given, **named)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_BlockFunction, (self._sa_func, self._sa_mode, self._sa_stale_reads))

    def __dask_tokenize__(self) -> tuple[Any, ...]:
        from dask.base import tokenize

        return ("safearray.dask.block_function", tokenize(self._sa_func), self._sa_mode, self._sa_stale_reads)

    def __repr__(self) -> str:
        return f"safearray.dask.block_function({self._sa_func!r}, policy={self._sa_mode!r})"


def block_function(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` made a safe Dask block function: each array it is given (SafeArrays and
    ndarrays, also inside lists, tuples and dicts, as Dask passes blocks to ``blockwise`` with
    ``concatenate=False``) reaches it as a read-only View, so a write into one raises
    :class:`~safearray.ReadOnlyError` naming the function and the argument; it runs under the
    write policy in force now (``sa.get_policy()``, and the general stale check), wherever
    Dask runs it. What it returns passes as it is.

    It is what :func:`map_blocks`, :func:`blockwise` and :func:`reduction` do to your
    functions; use it for Dask's other calls that take one (``x.map_overlap``,
    ``da.apply_gufunc``, ``da.map_blocks`` itself). Cheap: one read-only View per array
    argument (no data is copied), and the cost of ``with sa.policy(mode):`` per call. It is
    picklable (by ``cloudpickle``, as ``dask.distributed`` sends it) when ``func`` is.

    Examples
    --------
    >>> import safearray as sa
    >>> import safearray.dask as sad
    >>> def normalise(b):
    ...     b -= b.mean()             # a bug: writes into Dask's block
    ...     return b
    >>> d = sad.from_array(sa.arange(6.0), chunks=3)
    >>> d.map_overlap(sad.block_function(normalise), depth=1, dtype=d.dtype).compute(scheduler="sync")
    Traceback (most recent call last):
    ...
    safearray.ReadOnlyError: -=: cannot write into a read-only View (argument 'b' in block function 'normalise' of Copy(shape=(4,), dtype=float64)); use .copy() to get a writable Copy.
    >>> with sa.policy("raise"):
    ...     safe = sad.block_function(normalise)
    >>> safe  # doctest: +ELLIPSIS
    safearray.dask.block_function(<function normalise at 0x...>, policy='raise')
    """
    if isinstance(func, _BlockFunction):
        return func
    if not callable(func):
        raise TypeError(f"block_function() takes a function, got {type(func).__name__}.")
    return _BlockFunction(func, _policy.get_policy(), _stale.reads_checked())


def map_blocks(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``dask.array.map_blocks(func, *args, **kwargs)``, with ``func`` a :func:`block_function`:
    every block (and every other array argument) reaches it as a read-only View, and it runs
    under the policy in force here. The arguments are Dask's (``dtype``, ``chunks``,
    ``drop_axis``, ``new_axis``, ``meta``, ``block_info``...).

    Examples
    --------
    >>> import safearray as sa
    >>> import safearray.dask as sad
    >>> d = sad.from_array(sa.arange(6.0), chunks=3)
    >>> sad.map_blocks(lambda b: b * 2, d).compute(scheduler="sync")
    Copy([ 0.,  2.,  4.,  6.,  8., 10.])
    >>> def normalise(b):
    ...     b -= b.mean()
    ...     return b
    >>> sad.map_blocks(normalise, d, dtype=d.dtype).compute(scheduler="sync")
    Traceback (most recent call last):
    ...
    safearray.ReadOnlyError: -=: cannot write into a read-only View (argument 'b' in block function 'normalise' of View(shape=(3,), dtype=float64)); use .copy() to get a writable Copy.
    """
    return _DASK.map_blocks(block_function(func), *args, **kwargs)


def blockwise(func: Callable[..., Any], out_ind: Any, *args: Any, **kwargs: Any) -> Any:
    """``dask.array.blockwise(func, out_ind, *args, **kwargs)``, with ``func`` a
    :func:`block_function` (read-only inputs, the policy in force here). The arguments are
    Dask's: arrays each followed by its index, ``dtype``, ``concatenate``, ``new_axes``...

    Examples
    --------
    >>> import safearray as sa
    >>> import safearray.dask as sad
    >>> a = sad.from_array(sa.arange(6.0).reshape(2, 3), chunks=(1, 3))
    >>> b = sad.from_array(sa.ones(3), chunks=3)
    >>> sad.blockwise(sa.add, "ij", a, "ij", b, "j", dtype=a.dtype).compute(scheduler="sync")
    Copy([[1., 2., 3.],
          [4., 5., 6.]])
    """
    return _DASK.blockwise(block_function(func), out_ind, *args, **kwargs)


def reduction(
    x: Any,
    chunk: Callable[..., Any],
    aggregate: Callable[..., Any],
    axis: Any = None,
    keepdims: bool = False,
    dtype: Any = None,
    split_every: Any = None,
    combine: Callable[..., Any] | None = None,
    name: str | None = None,
    out: Any = None,
    concatenate: bool = True,
    output_size: int = 1,
    meta: Any = None,
    weights: Any = None,
) -> Any:
    """``dask.array.reduction`` (same parameters), with ``chunk``, ``combine`` and
    ``aggregate`` made :func:`block_function`\\ s: the blocks, and the partial results handed to
    ``combine`` and ``aggregate``, reach them as read-only Views, and they run under the
    policy in force here.

    Examples
    --------
    >>> import safearray as sa
    >>> import safearray.dask as sad
    >>> d = sad.from_array(sa.arange(10.0), chunks=3)
    >>> def chunk_max(b, axis, keepdims):
    ...     return b.max(axis=axis, keepdims=keepdims)
    >>> sad.reduction(d, chunk_max, chunk_max, dtype=d.dtype).compute(scheduler="sync")
    np.float64(9.0)
    """
    return _DASK.reduction(
        x,
        block_function(chunk),
        block_function(aggregate),
        axis=axis,
        keepdims=keepdims,
        dtype=dtype,
        split_every=split_every,
        combine=None if combine is None else block_function(combine),
        name=name,
        out=out,
        concatenate=concatenate,
        output_size=output_size,
        meta=meta,
        weights=weights,
    )
