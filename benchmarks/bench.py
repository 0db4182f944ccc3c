"""Time safearray against raw NumPy (and array-api-strict when installed), side by side.

Each operation runs on the same input buffers for every library, in one process,
interleaved sample by sample (the order of the libraries alternates from one repeat to
the next), with the garbage collector off while a sample runs. A sample is an inner loop
calibrated to about 30 ms (``timeit.Timer.autorange`` style). The report gives, per
operation, the median ns per call of each library and the ratio to NumPy (the median of
the per-repeat ratios: each pair of samples ran back to back, so slow drifts of the
machine cancel), then per size the geometric mean of the ratios and the targets, each
marked PASS or FAIL.

    python benchmarks/bench.py                    # full run (~1 min), table on stdout
    python benchmarks/bench.py --quick            # a few short samples: a smoke test
    python benchmarks/bench.py --json out.json    # also write every sample
    python benchmarks/bench.py --compare old.json new.json
    python benchmarks/bench.py --loop "a[3]" --lib safearray --calls 100000   # for profilers
    python benchmarks/bench.py --callgrind "a[3],-a" --calls 20000   # instructions per call

``--callgrind`` counts instructions with valgrind, per operation and library, and subtracts the
loop's own cost: the same loop around an empty operation (``--loop "(empty)"``), counted the
same way, function by function; its header says how much that was.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib.metadata
import json
import math
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import safearray as sa

try:  # optional third column
    import array_api_strict as xp_strict
except ImportError:  # pragma: no cover - depends on the machine
    xp_strict = None

Op = Callable[[], object]

SIZES = {
    # name: (1-d shape, 2-d shape, matmul shape)
    "small": ((10,), (3, 4), (64, 64)),
    "large": ((10**6,), (1000, 1000), (512, 512)),
}
LIBS = ("numpy", "safearray", "strict")

#: Operations whose cost does not grow with the array (views, one element, a 2-element write).
SIZE_INDEPENDENT = ("asarray(ndarray)", "a[1:-1]", "b[1:, ::2]", "a[3]", "reshape", ".T", "ravel",
                    "c[1:3] = 0", "e[1:3] = 0, e[5:] alive")

# Targets of the issue "Speed".
SMALL_GEOMEAN, SMALL_MAX = 2.0, 4.0
LARGE_RATIO, LARGE_FROM_NS = 1.03, 50_000  # data-touching ops where NumPy takes > ~50 us
ASARRAY_NS = 1000  # asarray of an ndarray that needs no copy
WRITE_CHECK_NS = 100  # what the write check adds to a write into a Copy
SIZE_SLACK_NS = 50  # size-independent ops: extra ns at large size over small, within noise


def build(lib: str, size: str) -> dict[str, Op]:
    """The operations of one library on inputs of one size, as zero-argument callables.

    Every library gets the same input buffers (same seed); ``c`` is written into, so each
    library gets its own copy of it.
    """
    shape1, shape2, mat = SIZES[size]
    rng = np.random.default_rng(0)
    raw_a = rng.standard_normal(shape1)
    raw_d = rng.standard_normal(shape1)
    raw_b = rng.standard_normal(shape2)
    raw_m = rng.standard_normal(mat)
    raw_c = rng.standard_normal(shape1)
    floats = rng.standard_normal(1000).tolist()
    fancy = np.array([0, 2, 4, 1, 3])
    mask_raw = raw_a > 0

    if lib == "numpy":
        ns: Any = np
        a, d, b, m, c = raw_a, raw_d, raw_b, raw_m, raw_c.copy()
        mask = mask_raw
        asarray = np.asarray
        concat, where = np.concatenate, np.where
        sa_concat, sa_where = np.concatenate, np.where
        zero: Any = 0.0
    elif lib == "safearray":
        ns = sa
        a, d, b, m = sa.asarray(raw_a), sa.asarray(raw_d), sa.asarray(raw_b), sa.asarray(raw_m)
        c = sa.array(raw_c)  # a Copy: writes into it are not shared
        mask = sa.asarray(mask_raw)
        asarray = sa.asarray
        concat, where = np.concatenate, np.where  # NumPy's functions called on SafeArrays
        sa_concat, sa_where = sa.concatenate, sa.where  # the mirrored namespace
        zero = 0.0
    elif lib == "strict":
        if xp_strict is None:
            raise RuntimeError("array-api-strict is not installed (pip install array-api-strict)")
        ns = xp_strict
        a, d, b, m, c = (xp_strict.asarray(x) for x in (raw_a, raw_d, raw_b, raw_m, raw_c.copy()))
        mask = xp_strict.asarray(mask_raw)
        fancy = xp_strict.asarray(fancy)
        asarray = xp_strict.asarray
        concat, where = xp_strict.concat, xp_strict.where
        sa_concat, sa_where = concat, where
        zero = xp_strict.asarray(0.0)
    else:
        raise ValueError(f"lib={lib!r}: use one of {', '.join(LIBS)}")
    strict = lib == "strict"
    raw_for_asarray = a if strict else raw_a  # array-api-strict has no NumPy input

    def c_setslice() -> None:
        c[1:3] = 0

    # writes into arrays with another live View: its bounds apart (e), or meeting the written
    # bytes, a column of a matrix (g), which the write makes stale (safearray's bookkeeping)
    e, g = (sa.array(raw_c), sa.array(raw_m)) if lib == "safearray" else (
        (xp_strict.asarray(raw_c.copy()), xp_strict.asarray(raw_m.copy())) if strict
        else (raw_c.copy(), raw_m.copy()))
    e_tail, g_column = e[5:], g[:, 0]

    def e_setslice(_alive: Any = e_tail) -> None:
        e[1:3] = 0

    def g_setrow(_alive: Any = g_column) -> None:
        g[1] = 0

    def c_iadd() -> None:
        nonlocal c
        c += 1

    def pipeline() -> object:
        x = a[1:-1]  # view
        y = x * 2.0  # arithmetic
        z = y[y > 0]  # comparison, mask
        w = z - (ns.mean(z) if strict else z.mean())  # reduction, broadcast
        v = b.T  # view
        u = v[1:, ::2]  # strided view
        t = u + 1.0  # arithmetic
        s = ns.reshape(t, (-1,)) if strict else t.reshape(-1)  # a copy (u is not contiguous)
        r = concat([w, s])  # function
        return ns.sum(r) if strict else r.sum()  # reduction

    ops: dict[str, Op] = {
        "asarray(ndarray)": lambda: asarray(raw_for_asarray),
        "asarray(list)": lambda: asarray(floats),
        "asarray(copy=True)": lambda: asarray(a, copy=True),
        "a[1:-1]": lambda: a[1:-1],
        "b[1:, ::2]": lambda: b[1:, ::2],
        "a[3]": lambda: a[3],
        "a[fancy]": lambda: a[fancy],
        "a[mask]": lambda: a[mask],
        "reshape": (lambda: ns.reshape(b, (-1,))) if strict else (lambda: b.reshape(-1)),
        ".T": lambda: b.T,
        "copy": (lambda: ns.asarray(a, copy=True)) if strict else (lambda: a.copy()),
        "flatten": (lambda: ns.reshape(b, (-1,), copy=True)) if strict else (lambda: b.flatten()),
        "ravel": (lambda: ns.reshape(b, (-1,))) if strict else (lambda: b.ravel()),
        "a + b": lambda: a + d,
        "a * 2.0": lambda: a * 2.0,
        "-a": lambda: -a,
        "a > 0": lambda: a > 0,
        "sum": (lambda: ns.sum(a)) if strict else (lambda: a.sum()),
        "mean": (lambda: ns.mean(a)) if strict else (lambda: a.mean()),
        "c[1:3] = 0": c_setslice,
        "e[1:3] = 0, e[5:] alive": e_setslice,
        "g[1] = 0, g[:, 0] alive": g_setrow,
        "c += 1": c_iadd,
        "matmul": lambda: m @ m,
        "concatenate": lambda: concat([a, d]),
        "sa.concatenate": lambda: sa_concat([a, d]),
        "where": lambda: where(mask, a, zero),
        "sa.where": lambda: sa_where(mask, a, zero),
        "pipeline (10 steps)": pipeline,
    }
    return ops


def op_names() -> list[str]:
    """The names of the operations, in the order of the table."""
    return list(build("numpy", "small"))


# --------------------------------------------------------------------------------------
# measuring


def calibrate(fn: Op, target: float) -> int:
    """Calls per sample so that a sample takes about ``target`` seconds (autorange style)."""
    n = 1
    while True:
        gc.disable()
        start = time.perf_counter_ns()
        for _ in range(n):
            fn()
        elapsed = (time.perf_counter_ns() - start) * 1e-9
        gc.enable()
        if elapsed >= target / 5 or n >= 1 << 24:
            return max(1, round(n * target / max(elapsed, 1e-9)))
        n *= 5 if elapsed < target / 100 else 2


def sample(fn: Op, n: int) -> float:
    """ns per call of ``n`` calls of ``fn``, with the garbage collector off."""
    gc.disable()
    try:
        start = time.perf_counter_ns()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter_ns() - start
    finally:
        gc.enable()
    return elapsed / n


def measure(libs: dict[str, dict[str, Op]], name: str, repeats: int, target: float) -> dict[str, Any]:
    """Samples of ``name`` for each library, interleaved; the order alternates per repeat."""
    order = list(libs)
    for lib in order:  # warm up (first-call caches, page faults of the first results)
        libs[lib][name]()
    loops = {lib: calibrate(libs[lib][name], target) for lib in order}
    gc.collect()  # start with no garbage of other operations
    samples: dict[str, list[float]] = {lib: [] for lib in order}
    for i in range(repeats):
        for lib in order if i % 2 == 0 else order[::-1]:
            samples[lib].append(sample(libs[lib][name], loops[lib]))
    row: dict[str, Any] = {lib: statistics.median(v) for lib, v in samples.items()}
    for lib in order:
        if lib != "numpy":
            paired = [x / y for x, y in zip(samples[lib], samples["numpy"])]
            row[f"{lib}/numpy"] = statistics.median(paired)
            row[f"{lib}/numpy spread"] = spread(paired)
            row[f"{lib}/numpy q1"] = quartiles(paired)[0]
    row["loops"] = loops
    row["samples"] = samples
    return row


def quartiles(values: list[float]) -> tuple[float, float]:
    """The lower and upper quartiles (the extremes of fewer than 4 values)."""
    if len(values) < 4:
        return min(values), max(values)
    q1, _, q3 = statistics.quantiles(values, n=4)
    return q1, q3


def spread(values: list[float]) -> float:
    """Half the interquartile range, relative to the median (0.02 means +-2 %)."""
    q1, q3 = quartiles(values)
    return (q3 - q1) / 2 / statistics.median(values)


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    from safearray import _array

    try:
        load = "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:  # pragma: no cover - not on Linux
        load = "unknown"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "load": load,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "safearray": importlib.metadata.version("safearray"),
        "core": _core(_array),
        "array_api_strict": getattr(xp_strict, "__version__", "not installed"),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def _core(array_module: Any) -> str:
    """Which core runs, and from where when the compiled one is not the package's own (an
    editable install elsewhere supplies ``safearray._speedups`` to a checkout on PYTHONPATH
    that has none built: a comparison of two checkouts would then time one C core twice)."""
    speedups = array_module._speedups
    if speedups is None:
        return "pure Python"
    here = os.path.dirname(os.path.abspath(array_module.__file__))
    there = os.path.dirname(os.path.abspath(speedups.__file__))
    return "compiled" if here == there else f"compiled, NOT this checkout's: {speedups.__file__}"


def run(sizes: list[str], repeats: int, target: float, only: list[str] | None,
        with_strict: bool = True) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine(), "repeats": repeats, "target_s": target,
                               "sizes": {}}
    warnings.simplefilter("ignore", sa.MutationWarning)  # the benchmark writes on purpose
    for size in sizes:
        libs = {"numpy": build("numpy", size), "safearray": build("safearray", size)}
        if xp_strict is not None and with_strict:
            libs["strict"] = build("strict", size)
        results["sizes"][size] = {
            name: measure(libs, name, repeats, target)
            for name in libs["numpy"] if not only or name in only
        }
    results["machine"]["load after"] = machine()["load"]
    results["targets"] = targets(results)
    return results


# --------------------------------------------------------------------------------------
# targets and report


def geomean(values: list[float]) -> float:
    return math.exp(statistics.fmean(math.log(x) for x in values))


def extra_ns(row: dict[str, Any]) -> float:
    return float(row["safearray"] - row["numpy"])


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The targets of the issue, each with what was measured and whether it is met."""
    out: list[dict[str, Any]] = []

    def check(name: str, value: float, limit: float, unit: str, ops: str = "", low: float | None = None) -> None:
        status = "PASS" if value <= limit else "FAIL" if low is None or low > limit else "NOISE"
        out.append({"target": name, "value": value, "limit": limit, "unit": unit,
                    "ops": ops, "pass": value <= limit, "status": status})

    sizes = results["sizes"]
    small, large = sizes.get("small"), sizes.get("large")
    if small:
        ratios = {k: r["safearray/numpy"] for k, r in small.items()}
        check("small: geometric mean of ratios", geomean(list(ratios.values())), SMALL_GEOMEAN, "x")
        worst = max(ratios, key=ratios.__getitem__)
        check("small: largest ratio", ratios[worst], SMALL_MAX, "x", worst)
    if large:
        touching = {k: r["safearray/numpy"] for k, r in large.items()
                    if r["numpy"] > LARGE_FROM_NS and k not in SIZE_INDEPENDENT}
        if touching:
            worst = max(touching, key=touching.__getitem__)
            check(f"large: largest ratio of ops > {LARGE_FROM_NS // 1000} us", touching[worst],
                  LARGE_RATIO, "x", worst, large[worst]["safearray/numpy q1"])
    if small and large:
        both = [k for k in SIZE_INDEPENDENT if k in small and k in large]
        if both:
            growth = {k: extra_ns(large[k]) - extra_ns(small[k]) for k in both}
            worst = max(growth, key=growth.__getitem__)
            check("size-independent ops: extra ns, large - small", growth[worst], SIZE_SLACK_NS, "ns",
                  worst)
    for size, rows in sizes.items():
        if "asarray(ndarray)" in rows:
            check(f"{size}: asarray(ndarray), no copy", rows["asarray(ndarray)"]["safearray"],
                  ASARRAY_NS, "ns")
        if "c[1:3] = 0" in rows:
            check(f"{size}: write check on a Copy (c[1:3] = 0)", extra_ns(rows["c[1:3] = 0"]),
                  WRITE_CHECK_NS, "ns")
    return out


def row_flag(size: str, name: str, row: dict[str, Any]) -> str:
    """'FAIL' when this row misses its own target; 'NOISE' when it misses it by less than the
    noise (its lower quartile of paired ratios meets the target); '' otherwise."""
    ratio = row["safearray/numpy"]
    if size == "small" and ratio > SMALL_MAX:
        return "FAIL"
    if size == "large" and name not in SIZE_INDEPENDENT and row["numpy"] > LARGE_FROM_NS \
            and ratio > LARGE_RATIO:
        return "FAIL" if row["safearray/numpy q1"] > LARGE_RATIO else "NOISE"
    return ""


def summarise(results: dict[str, Any]) -> str:
    """The table (at most 100 columns wide)."""
    m = results["machine"]
    lines = [
        f"machine: {m['cpu']}, {m['cores']} cores, load {m['load']} (after: {m.get('load after', '?')})",
        f"Python {m['python']}, NumPy {m['numpy']}, safearray {m['safearray']} ({m['core']} core), "
        f"array-api-strict {m['array_api_strict']}",
        f"median of {results['repeats']} samples of ~{results['target_s'] * 1000:.0f} ms; ratio = "
        f"median of paired ratios, +- half its interquartile range",
    ]
    for size, rows in results["sizes"].items():
        strict = any("strict" in r for r in rows.values())
        head = f"{'operation':20} {size:>5} {'numpy ns':>10} {'safearray ns':>12} {'ratio':>6} {'+-':>5}"
        if strict:
            head += f" {'strict ns':>10} {'ratio':>7}"
        lines += ["", head + "  target"]
        for name, r in rows.items():
            line = (f"{name:26} {r['numpy']:10.0f} {r['safearray']:12.0f} {r['safearray/numpy']:6.2f}"
                    f" {100 * r['safearray/numpy spread']:4.0f}%")
            if strict:
                line += f" {r['strict']:10.0f} {r['strict/numpy']:7.2f}"
            lines.append((line + "  " + row_flag(size, name, r)).rstrip())
        ratios = [r["safearray/numpy"] for r in rows.values()]
        summary = f"{size}: geometric mean {geomean(ratios):.2f}, max {max(ratios):.2f}"
        if strict:
            summary += f"; array-api-strict geometric mean {geomean([r['strict/numpy'] for r in rows.values()]):.2f}"
        lines.append(summary)
    lines += ["", "targets:"]
    for t in results["targets"]:
        value = f"{t['value']:.2f}" if t["unit"] == "x" else f"{t['value']:.0f} ns"
        limit = f"{t['limit']:.2f}" if t["unit"] == "x" else f"{t['limit']:.0f} ns"
        ops = f" ({t['ops']})" if t["ops"] else ""
        lines.append(f"  {t['status']:5} {t['target']}{ops}: {value} <= {limit}")
    if any(t["status"] == "NOISE" for t in results["targets"]):
        lines.append("  (NOISE: above the target, but its lower quartile of paired ratios is not)")
    return "\n".join(lines)


def compare(old_path: str, new_path: str) -> str:
    """Per operation: safearray's time and ratio to NumPy before and after."""
    with open(old_path) as f:
        old = json.load(f)
    with open(new_path) as f:
        new = json.load(f)
    lines = [f"{'operation':20} {'size':>5} {'old ns':>10} {'new ns':>10} {'change':>8} "
             f"{'old ratio':>9} {'new ratio':>9}"]
    for size, rows in new["sizes"].items():
        before_all, after_all = [], []
        for name, r in rows.items():
            o = old["sizes"].get(size, {}).get(name)
            if not o:
                lines.append(f"{name:20} {size:>5} {'-':>10} {r['safearray']:10.0f}  (new operation)")
                continue
            before, after = ratio_of(o), ratio_of(r)
            before_all.append(before)
            after_all.append(after)
            lines.append(f"{name:20} {size:>5} {o['safearray']:10.0f} {r['safearray']:10.0f} "
                         f"{r['safearray'] / o['safearray'] - 1:+8.1%} {before:9.2f} {after:9.2f}")
        if before_all:
            lines.append(f"{size}: geometric mean of ratios {geomean(before_all):.2f} -> "
                         f"{geomean(after_all):.2f}")
    return "\n".join(lines)


def ratio_of(row: dict[str, Any]) -> float:
    """The ratio of a row (older JSON files have no paired ratio)."""
    return float(row.get("safearray/numpy", row["safearray"] / row["numpy"]))


def loop(name: str, lib: str, size: str, calls: int) -> None:
    """Call one operation ``calls`` times and nothing else: a target for profilers.

    The calls run inside :func:`functools.reduce`, which nothing else calls here, so that
    ``valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce``
    counts exactly these calls.
    """
    warnings.simplefilter("ignore", sa.MutationWarning)
    fn = _nothing if name == EMPTY else build(lib, size)[name]
    fn()
    functools.reduce(lambda acc, _: fn(), range(calls), None)


#: The operation of ``--loop`` that does nothing: the loop's own cost, which the instruction
#: counts subtract (two Python frames and an int per call, the same for every library).
EMPTY = "(empty)"


def _nothing() -> None:
    """An operation of the same arity as the others (none) that does nothing."""


def without_loop(functions: dict[str, float], empty: dict[str, float]) -> dict[str, float]:
    """Instructions per call by function, less what the same loop around an empty operation
    spends in each function: what the operation itself costs (small negative remainders,
    noise of a few instructions, are clipped at zero)."""
    own = {k: v - empty.get(k, 0.0) for k, v in functions.items()}
    return {k: v for k, v in own.items() if v > 0.5}


# --------------------------------------------------------------------------------------
# instruction counts (valgrind --tool=callgrind): repeatable, unlike times

#: Exclusive instruction counts are grouped so that the wrapper's cost can be read per kind.
CATEGORIES = ("NumPy", "safearray C core", "object alloc/free", "Python frames",
              "calls, lookups (CPython)", "libc", "other")
_ALLOC = {"PyType_GenericAlloc", "_PyType_AllocNoTrack", "_PyObject_GC_Link", "_PyObject_GC_New",
          "PyObject_GC_Del", "PyObject_GC_UnTrack", "PyObject_GC_Track", "subtype_dealloc",
          "_PyObject_Malloc", "_PyObject_Free", "PyObject_Malloc", "PyObject_Free", "_Py_NewReference",
          "_Py_Dealloc", "object_dealloc", "_PyObject_GC_Alloc", "gc_alloc", "_PyObject_Init",
          "_Py_NewReferenceNoTotal", "PyObject_Init"}
_FRAMES = {"_PyEval_EvalFrameDefault", "_PyEval_Vector", "_PyFunction_Vectorcall", "initialize_locals",
           "_PyEvalFramePushAndInit", "_PyFrame_Clear", "_PyFrame_Push", "_PyThreadState_PopFrame",
           "_PyThreadState_BumpFramePointer", "_PyThreadState_BumpFramePointerSlow", "clear_thread_frame",
           "_PyFrame_ClearExceptCode", "frame_dealloc", "_PyEval_EvalFrame"}


def _category(function: str, obj: str, file: str) -> str:
    name = function.split("'")[0]
    if "numpy" in obj or "openblas" in obj:
        return "NumPy"
    if "_speedups" in obj or file.startswith("safearray/"):
        return "safearray C core"
    if "libc.so" in obj or file.startswith("./"):
        return "libc"
    if name in _ALLOC:
        return "object alloc/free"
    if name in _FRAMES:
        return "Python frames"
    if "libpython" in obj or "Python-3" in file:
        return "calls, lookups (CPython)"
    return "other"


def callgrind_counts(out_file: str) -> dict[str, float]:
    """Exclusive instruction counts per function (``file:function [object]``) of a callgrind file."""
    import re
    import subprocess

    text = subprocess.run(["callgrind_annotate", "--auto=no", "--threshold=100", out_file], capture_output=True,
                          text=True, check=True).stdout
    counts: dict[str, float] = {}
    pattern = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S.*?)(?: \[(.*)\])?$")
    started = False
    for line in text.splitlines():
        if "file:function" in line:
            started = True
            continue
        m = pattern.match(line)
        if started and m:
            where, obj = m.group(2), m.group(3) or ""
            key = f"{where} [{obj}]"
            counts[key] = counts.get(key, 0) + int(m.group(1).replace(",", ""))
    return counts


def callgrind(names: list[str], size: str, calls: int) -> dict[str, Any]:
    """Instructions per call of each operation, per category, for NumPy and safearray."""
    import shutil
    import subprocess
    import tempfile

    if shutil.which("valgrind") is None or shutil.which("callgrind_annotate") is None:
        raise SystemExit("--callgrind needs valgrind (apt-get install valgrind)")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:

        def count(name: str, lib: str) -> dict[str, float]:
            out = os.path.join(tmp, f"{lib}.out")
            subprocess.run(
                ["valgrind", "--tool=callgrind", "--collect-atstart=no",
                 "--toggle-collect=functools_reduce", f"--callgrind-out-file={out}",
                 sys.executable, os.path.abspath(__file__), f"--loop={name}", "--lib", lib,
                 "--sizes", size, "--calls", str(calls)],
                check=True, capture_output=True)
            return {k: v / calls for k, v in callgrind_counts(out).items()}

        empty = count(EMPTY, "numpy")
        results[EMPTY] = {"total": sum(empty.values())}
        for name in names:
            row: dict[str, Any] = {}
            for lib in ("numpy", "safearray"):
                functions = without_loop(count(name, lib), empty)
                per_category = dict.fromkeys(CATEGORIES, 0.0)
                for key, value in functions.items():
                    where, _, obj = key.rpartition(" [")
                    file, _, function = where.rpartition(":")
                    per_category[_category(function, obj.rstrip("]"), file)] += value
                row[lib] = {"total": sum(functions.values()), "categories": per_category,
                            "functions": functions}
            results[name] = row
            print(f"callgrind: {name} done", file=sys.stderr, flush=True)
    return results


def summarise_callgrind(results: dict[str, Any], top: int = 8) -> str:
    """Per operation: instructions per call by category, and the functions that add the most."""
    lines = []
    if EMPTY in results:
        lines.append(f"the loop's own cost, subtracted from every count below: "
                     f"{results[EMPTY]['total']:.0f} instructions per call (an empty operation)")
    for name, row in results.items():
        if name == EMPTY:
            continue
        npy, saf = row["numpy"], row["safearray"]
        lines += ["", f"{name}: {npy['total']:.0f} instructions per call in NumPy, {saf['total']:.0f} "
                      f"in safearray (+{saf['total'] - npy['total']:.0f}, "
                      f"{saf['total'] / max(npy['total'], 1.0):.2f}x; the operation's own cost)",
                  f"  {'category':28} {'numpy':>8} {'safearray':>10} {'extra':>8}"]
        for cat in CATEGORIES:
            a, b = npy["categories"][cat], saf["categories"][cat]
            if a or b:
                lines.append(f"  {cat:28} {a:8.0f} {b:10.0f} {b - a:+8.0f}")
        keys = set(npy["functions"]) | set(saf["functions"])
        extra = {k: saf["functions"].get(k, 0) - npy["functions"].get(k, 0) for k in keys}
        lines.append("  functions that add the most (exclusive instructions per call):")
        for k in sorted(extra, key=extra.__getitem__, reverse=True)[:top]:
            where = k.split(" [")[0]
            lines.append(f"    {extra[k]:+7.0f}  {where.rpartition('/')[2][-70:]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 short samples per operation (a smoke test)")
    parser.add_argument("--sizes", default="small,large", help="comma-separated, of: " + ", ".join(SIZES))
    parser.add_argument("--only", default="", help="comma-separated operation names (see --list)")
    parser.add_argument("--repeats", type=int, default=None, help="samples per operation (default 9)")
    parser.add_argument("--no-strict", action="store_true", help="leave out array-api-strict")
    parser.add_argument("--json", default=None, help="also write the results (and samples) to this file")
    parser.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="compare two JSON results")
    parser.add_argument("--list", action="store_true", help="print the operation names")
    parser.add_argument("--loop", metavar="OP", help="only call OP --calls times (for profilers)")
    parser.add_argument("--lib", default="safearray", help="with --loop: " + ", ".join(LIBS))
    parser.add_argument("--calls", type=int, default=100_000, help="with --loop: number of calls")
    parser.add_argument("--callgrind", metavar="OPS", help="comma-separated operations (or 'all'): "
                        "instructions per call under valgrind, by category (uses --calls, 2000 if unset)")
    args = parser.parse_args(argv)
    names = op_names()
    if args.list:
        print("\n".join(names))
        return 0
    if args.compare:
        print(compare(*args.compare))
        return 0
    sizes = [s for s in args.sizes.split(",") if s]
    for s in sizes:
        if s not in SIZES:
            parser.error(f"--sizes: {s!r} is not one of {', '.join(map(repr, SIZES))}")
    only = [o for o in args.only.split(",") if o] or None
    for o in only or ():
        if o not in names:
            parser.error(f"--only: {o!r} is not an operation; use --list to see them")
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    if args.loop is not None:
        if args.loop not in names and args.loop != EMPTY:
            parser.error(f"--loop: {args.loop!r} is not an operation; use --list to see them")
        if args.lib not in LIBS:
            parser.error(f"--lib: {args.lib!r} is not one of {', '.join(LIBS)}")
        loop(args.loop, args.lib, sizes[0], args.calls)
        return 0
    if args.callgrind is not None:
        chosen = names if args.callgrind == "all" else [o for o in args.callgrind.split(",") if o]
        for o in chosen:
            if o not in names:
                parser.error(f"--callgrind: {o!r} is not an operation; use --list to see them")
        calls = args.calls if "--calls" in (argv if argv is not None else sys.argv) else 2000
        counted = callgrind(chosen, sizes[0], calls)
        print(summarise_callgrind(counted))
        if args.json:
            with open(args.json, "w") as f:
                json.dump(counted, f, indent=1)
        return 0
    repeats = args.repeats or (3 if args.quick else 9)
    target = 0.002 if args.quick else 0.03
    results = run(sizes, repeats, target, only, with_strict=not args.no_strict)
    print(summarise(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
