"""Time safearray against raw NumPy (and array-api-strict when installed), side by side.

Each operation runs on the same input buffers for every library, interleaved sample by
sample, with the garbage collector off; the report gives the median per-call time of the
samples and the ratio to NumPy, per operation, and the geometric mean per size.

    python benchmarks/bench.py                 # full run, table on stdout
    python benchmarks/bench.py --quick         # a few samples, for a smoke test
    python benchmarks/bench.py --json out.json # also write the results
    python benchmarks/bench.py --compare old.json new.json
"""

from __future__ import annotations

import argparse
import gc
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


def build(lib: str, size: str) -> dict[str, Op]:
    """The operations of one library on inputs of one size, as zero-argument callables."""
    rng = np.random.default_rng(0)
    if size == "small":
        shape1, shape2, mat = (10,), (3, 4), (64, 64)
    else:
        shape1, shape2, mat = (10**6,), (1000, 1000), (512, 512)
    raw_a = rng.standard_normal(shape1)
    raw_b = rng.standard_normal(shape2)
    raw_m = rng.standard_normal(mat)
    raw_c = rng.standard_normal(shape1)
    floats = raw_a[:1000].tolist() if size == "small" else rng.standard_normal(1000).tolist()
    fancy = np.array([0, 2, 4, 1, 3])
    mask_raw = raw_a > 0

    if lib == "numpy":
        ns: Any = np
        a, b, m, c = raw_a, raw_b, raw_m, raw_c.copy()
        mask = mask_raw
        asarray = np.asarray
        concat, where = np.concatenate, np.where
        flatten = lambda x: x.flatten()  # noqa: E731
    elif lib == "safearray":
        ns = sa
        a, b, m, c = sa.asarray(raw_a), sa.asarray(raw_b), sa.asarray(raw_m), sa.array(raw_c)
        mask = sa.asarray(mask_raw)
        asarray = sa.asarray
        concat, where = np.concatenate, np.where  # pipeline code calls NumPy on SafeArrays
        flatten = lambda x: x.flatten()  # noqa: E731
    else:
        ns = xp_strict
        a, b, m, c = (xp_strict.asarray(x) for x in (raw_a, raw_b, raw_m, raw_c.copy()))
        mask = xp_strict.asarray(mask_raw)
        fancy = xp_strict.asarray(fancy)
        asarray = xp_strict.asarray
        concat, where = xp_strict.concat, xp_strict.where
        flatten = lambda x: xp_strict.reshape(x, (-1,))  # noqa: E731

    def c_setslice() -> None:
        c[1:3] = 0

    def c_iadd() -> None:
        nonlocal c
        c += 1

    def pipeline() -> object:
        x = a[1:-1]  # view
        y = x * 2.0  # arithmetic
        z = y[y > 0]  # mask
        w = z - (ns.mean(z) if lib == "strict" else z.mean())
        v = b.T  # view
        u = v[1:, ::2]  # view
        t = u + 1.0  # arithmetic
        s = ns.reshape(t, (-1,)) if lib == "strict" else t.reshape(-1)
        r = concat([w, s])
        return ns.sum(r) if lib == "strict" else r.sum()

    ops: dict[str, Op] = {
        "asarray(ndarray)": lambda: asarray(raw_a) if lib != "strict" else asarray(a),
        "asarray(list)": lambda: asarray(floats),
        "asarray(copy=True)": lambda: asarray(a, copy=True),
        "a[1:-1]": lambda: a[1:-1],
        "b[1:, ::2]": lambda: b[1:, ::2],
        "a[3]": lambda: a[3],
        "a[fancy]": lambda: a[fancy],
        "a[mask]": lambda: a[mask],
        "reshape": (lambda: b.reshape(-1)) if lib != "strict" else (lambda: ns.reshape(b, (-1,))),
        ".T": lambda: b.T,
        "copy": (lambda: a.copy()) if lib != "strict" else (lambda: ns.asarray(a, copy=True)),
        "flatten": lambda: flatten(b),
        "ravel": (lambda: b.ravel()) if lib != "strict" else (lambda: ns.reshape(b, (-1,))),
        "a + b": lambda: a + a,
        "a * 2.0": lambda: a * 2.0,
        "-a": lambda: -a,
        "a > 0": lambda: a > 0,
        "sum": (lambda: a.sum()) if lib != "strict" else (lambda: ns.sum(a)),
        "mean": (lambda: a.mean()) if lib != "strict" else (lambda: ns.mean(a)),
        "c[1:3] = 0": c_setslice,
        "c += 1": c_iadd,
        "matmul": lambda: m @ m,
        "concatenate": lambda: concat([a, a]),
        "where": lambda: where(mask, a, 0.0) if lib != "strict" else where(mask, a, xp_strict.asarray(0.0)),
        "pipeline (10 steps)": pipeline,
    }
    return ops


#: Operations whose cost does not grow with the array (views, one element, a 2-element write).
SIZE_INDEPENDENT = {"asarray(ndarray)", "a[1:-1]", "b[1:, ::2]", "a[3]", "reshape", ".T", "ravel", "c[1:3] = 0"}


def calibrate(fn: Op, target: float) -> int:
    """Calls per sample so that a sample takes about ``target`` seconds."""
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= target / 4 or n >= 1 << 22:
            return max(1, int(n * target / max(elapsed, 1e-9)))
        n *= 4


def measure(libs: dict[str, dict[str, Op]], name: str, repeats: int, target: float) -> dict[str, float]:
    """Median ns per call of ``name`` for each library, samples interleaved."""
    loops = {lib: calibrate(ops[name], target) for lib, ops in libs.items()}
    samples: dict[str, list[float]] = {lib: [] for lib in libs}
    for _ in range(repeats):
        for lib, ops in libs.items():
            fn, n = ops[name], loops[lib]
            gc.disable()
            start = time.perf_counter_ns()
            for _ in range(n):
                fn()
            elapsed = time.perf_counter_ns() - start
            gc.enable()
            samples[lib].append(elapsed / n)
    return {lib: statistics.median(values) for lib, values in samples.items()}


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

    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "safearray": sa.__version__,
        "core": "compiled" if _array._speedups is not None else "pure Python",
        "array_api_strict": getattr(xp_strict, "__version__", "not installed"),
    }


def run(sizes: list[str], repeats: int, target: float, only: list[str] | None) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine(), "sizes": {}}
    warnings.simplefilter("ignore", sa.MutationWarning)  # the benchmark writes on purpose
    for size in sizes:
        libs = {"numpy": build("numpy", size), "safearray": build("safearray", size)}
        if xp_strict is not None:
            libs["strict"] = build("strict", size)
        rows = {}
        for name in libs["numpy"]:
            if only and name not in only:
                continue
            rows[name] = measure(libs, name, repeats, target)
        results["sizes"][size] = rows
    return results


def summarise(results: dict[str, Any]) -> str:
    lines = []
    m = results["machine"]
    lines.append(
        f"machine: {m['cpu']}, {m['cores']} cores; Python {m['python']}, NumPy {m['numpy']}, "
        f"safearray {m['safearray']} ({m['core']} core), array-api-strict {m['array_api_strict']}"
    )
    small = results["sizes"].get("small", {})
    for size, rows in results["sizes"].items():
        strict = any("strict" in r for r in rows.values())
        lines.append("")
        head = f"{'operation':22} {size:>6} {'numpy ns':>11} {'safearray ns':>13} {'ratio':>6}"
        if strict:
            head += f" {'strict ns':>11} {'ratio':>7}"
        lines.append(head)
        ratios, strict_ratios, notes = [], [], []
        for name, r in rows.items():
            ratio = r["safearray"] / r["numpy"]
            ratios.append(ratio)
            line = f"{name:22} {'':>6} {r['numpy']:11.0f} {r['safearray']:13.0f} {ratio:6.2f}"
            if strict and "strict" in r:
                sr = r["strict"] / r["numpy"]
                strict_ratios.append(sr)
                line += f" {r['strict']:11.0f} {sr:7.2f}"
            flag = ""
            if size == "small" and ratio > 4.0:
                flag = "  > 4.0"
            if size == "large" and r["numpy"] > 50_000 and ratio > 1.03:
                flag = "  > 1.03"
            if size == "large" and name in SIZE_INDEPENDENT and name in small:
                extra = (r["safearray"] - r["numpy"]) - (small[name]["safearray"] - small[name]["numpy"])
                if extra > 50:
                    flag = f"  +{extra:.0f} ns over small"
            if name == "asarray(ndarray)" and r["safearray"] > 1000:
                flag = "  > 1 us"
            if flag:
                notes.append(name)
            lines.append(line + flag)
        geo = math.exp(statistics.fmean(math.log(x) for x in ratios))
        summary = f"{size}: geometric mean {geo:.2f}, max {max(ratios):.2f}"
        if strict_ratios:
            sgeo = math.exp(statistics.fmean(math.log(x) for x in strict_ratios))
            summary += f"; array-api-strict geometric mean {sgeo:.2f}"
        target = "geomean <= 2.0 and max <= 4.0" if size == "small" else "data-touching <= 1.03"
        summary += f"; target {target}: {'PASS' if not notes and (size != 'small' or geo <= 2.0) else 'see flags'}"
        lines.append(summary)
    if "small" in results["sizes"]:
        cw = results["sizes"]["small"].get("c[1:3] = 0")
        if cw:
            lines.append(f"write check on a Copy (c[1:3] = 0, small): +{cw['safearray'] - cw['numpy']:.0f} ns")
    return "\n".join(lines)


def compare(old_path: str, new_path: str) -> str:
    with open(old_path) as f:
        old = json.load(f)
    with open(new_path) as f:
        new = json.load(f)
    lines = [f"{'operation':22} {'size':>6} {'old ratio':>10} {'new ratio':>10} {'change':>8}"]
    for size, rows in new["sizes"].items():
        for name, r in rows.items():
            o = old["sizes"].get(size, {}).get(name)
            if not o:
                continue
            before, after = o["safearray"] / o["numpy"], r["safearray"] / r["numpy"]
            lines.append(f"{name:22} {size:>6} {before:10.2f} {after:10.2f} {after / before - 1:+8.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="few, short samples (a smoke test)")
    parser.add_argument("--sizes", default="small,large", help="comma-separated: small,large")
    parser.add_argument("--only", default="", help="comma-separated operation names")
    parser.add_argument("--repeats", type=int, default=None, help="samples per operation (default 9)")
    parser.add_argument("--json", default=None, help="write the results to this file")
    parser.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"), help="compare two JSON results")
    args = parser.parse_args(argv)
    if args.compare:
        print(compare(*args.compare))
        return 0
    repeats = args.repeats or (3 if args.quick else 9)
    target = 0.002 if args.quick else 0.03
    sizes = [s for s in args.sizes.split(",") if s]
    for s in sizes:
        if s not in ("small", "large"):
            parser.error(f"--sizes: {s!r} is not one of 'small', 'large'")
    only = [o for o in args.only.split(",") if o] or None
    results = run(sizes, repeats, target, only)
    print(summarise(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
