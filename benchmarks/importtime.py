"""What ``import safearray`` costs over ``import numpy``: CPU time of fresh processes.

Each sample is a new interpreter running ``python -c "import numpy"`` or
``python -c "import safearray"``, timed as the CPU it used from start to exit (user + system,
from ``resource.getrusage(RUSAGE_CHILDREN)`` before and after waiting for it: interpreter
start-up, the imports and teardown, every thread of the process, BLAS's included). The
commands alternate (their order reversed from one run to the next), and the report gives the
median of each and the difference to NumPy's, in two conditions:

* ``cached``: bytecode caches as a user has them. Each command is run twice first, with
  ``PYTHONDONTWRITEBYTECODE`` removed from its environment, so that the ``__pycache__``
  files are written where they can be; the samples then read them.
* ``uncached``: no cached bytecode is read: ``-X pycache_prefix=<an empty temporary
  directory>`` (Python then looks for caches only there) with ``PYTHONDONTWRITEBYTECODE=1``
  (so none is written there either): every module is compiled from source.

The environment is the caller's (``PYTHONPATH`` selects the safearray to time,
``SAFEARRAY_PURE_PYTHON=1`` the pure-Python core); the children run in an empty temporary
directory, so that ``python -c`` does not import a ``safearray`` from the current one.
``--checkout DIR`` (repeatable) times the safearray of each checkout instead (DIR put first
on ``PYTHONPATH``), all in the same interleaved runs: the fair comparison of two versions on a
machine whose load changes.

    python benchmarks/importtime.py                 # 10 runs per command and condition
    python benchmarks/importtime.py --runs 20 --json importtime.json
    python benchmarks/importtime.py --checkout /path/to/old --checkout .
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the scripts' shared helpers
from _machine import cpu_model, load_average  # noqa: E402

#: The conditions, in the order they are reported.
CONDITIONS = ("cached", "uncached")
#: What issue 16 asks of the cached condition: ms of CPU over ``import numpy``.
TARGET_MS = 25.0

_INFO = """\
import json, os
import numpy
import safearray
from safearray import _array
speedups = _array._speedups
if speedups is None:
    core = "pure Python"
else:
    here = os.path.dirname(os.path.abspath(_array.__file__))
    core = "compiled" if os.path.dirname(os.path.abspath(speedups.__file__)) == here else (
        "compiled, NOT this checkout's: " + speedups.__file__)
print(json.dumps({"numpy": numpy.__version__, "path": os.path.dirname(os.path.abspath(safearray.__file__)),
                  "core": core, "init": os.path.abspath(safearray.__file__)}))
"""


def environment(condition: str, prefix: str, checkout: str | None = None) -> tuple[list[str], dict[str, str]]:
    """The interpreter's extra options and the environment of a child in ``condition``."""
    env = dict(os.environ)
    if checkout is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (checkout, env.get("PYTHONPATH", "")) if p)
    if condition == "cached":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        return [], env
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return ["-X", f"pycache_prefix={prefix}"], env


def cpu_ms(argv: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    """CPU ms (user + system) and wall ms of one child process running ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu * 1e3, wall * 1e3


def _child_json(code: str, env: dict[str, str], cwd: str) -> Any:
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"the child failed:\n{out.stderr}")
    return json.loads(out.stdout)


def cache_written(init: str, env: dict[str, str], cwd: str) -> bool:
    """Whether the bytecode cache of ``safearray/__init__.py`` exists for the cached runs."""
    code = f"import importlib.util, json, os; print(json.dumps(os.path.exists(importlib.util.cache_from_source({init!r}))))"
    return bool(_child_json(code, env, cwd))


def machine(numpy_version: str) -> dict[str, str]:
    cpu, load = cpu_model(), load_average()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "load": load,
        "python": platform.python_version(),
        "executable": sys.executable,
        "numpy": numpy_version,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def run(runs: int, checkouts: list[str] | None = None) -> dict[str, Any]:
    """Time the commands; ``checkouts``: directories whose safearray is timed (default: the one
    the environment imports)."""
    with tempfile.TemporaryDirectory(prefix="importtime-pycache-") as prefix, \
            tempfile.TemporaryDirectory(prefix="importtime-cwd-") as cwd:
        # name -> checkout given (None: the environment's)
        given: list[str | None] = list(checkouts) if checkouts else [None]
        infos = [_child_json(_INFO, environment("cached", prefix, c)[1], cwd) for c in given]
        names = ["numpy"] + [f"safearray {info['path']}" for info in infos]
        if len(set(names)) != len(names):
            raise SystemExit(f"two checkouts import the same safearray: {names[1:]}")
        results: dict[str, Any] = {
            "machine": machine(str(infos[0]["numpy"])), "runs": runs, "target_ms": TARGET_MS,
            "safearrays": [{"path": info["path"], "core": info["core"]} for info in infos],
            "conditions": {},
        }
        for condition in CONDITIONS:
            commands: list[tuple[str, list[str], dict[str, str]]] = []
            opts, env = environment(condition, prefix)
            commands.append(("numpy", [sys.executable, *opts, "-c", "import numpy"], env))
            for name, checkout in zip(names[1:], given):
                opts, env = environment(condition, prefix, checkout)
                commands.append((name, [sys.executable, *opts, "-c", "import safearray"], env))
            if condition == "cached":  # write the caches (and page the files in) before timing
                for _, argv, env in commands:
                    for _ in range(2):
                        cpu_ms(argv, env, cwd)
            samples: dict[str, list[float]] = {name: [] for name, _, _ in commands}
            walls: dict[str, list[float]] = {name: [] for name, _, _ in commands}
            for i in range(runs):
                for name, argv, env in (commands if i % 2 == 0 else commands[::-1]):
                    cpu, wall = cpu_ms(argv, env, cwd)
                    samples[name].append(cpu)
                    walls[name].append(wall)
            if condition == "uncached" and os.listdir(prefix):
                raise SystemExit(f"bytecode was written under {prefix}: the uncached runs are not")
            numpy_ms = statistics.median(samples["numpy"])
            rows = []
            for name, info, checkout in zip(names[1:], infos, given):
                ms = statistics.median(samples[name])
                row: dict[str, Any] = {"safearray": info["path"], "numpy_ms": numpy_ms, "safearray_ms": ms,
                                       "difference_ms": ms - numpy_ms,
                                       "wall_ms": {"numpy": statistics.median(walls["numpy"]),
                                                   "safearray": statistics.median(walls[name])}}
                if condition == "cached":
                    row["cache_written"] = cache_written(info["init"], environment(condition, prefix, checkout)[1],
                                                         cwd)
                rows.append(row)
            results["conditions"][condition] = {"rows": rows, "samples": samples}
        results["machine"]["load after"] = machine("")["load"]
    return results


def summarise(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"machine: {m['cpu']}, {m['cores']} cores, load {m['load']} (after: {m['load after']})",
        f"Python {m['python']} ({m['executable']}), NumPy {m['numpy']}",
        *(f"safearray: {s['path']} ({s['core']} core)" for s in results["safearrays"]),
        f"CPU ms (user + sys) of a fresh process, median of {results['runs']} runs each, interleaved",
        "",
    ]
    several = len(results["safearrays"]) > 1
    width = max(len(s["path"]) for s in results["safearrays"]) if several else 0
    head = f"{'condition':<10} " + (f"{'safearray':<{width}} " if several else "")
    lines.append(f"{head}{'numpy':>8} {'safearray':>10} {'difference':>11}")
    for condition, block in results["conditions"].items():
        for row in block["rows"]:
            where = f"{row['safearray']:<{width}} " if several else ""
            lines.append(f"{condition:<10} {where}{row['numpy_ms']:8.1f} {row['safearray_ms']:10.1f} "
                         f"{row['difference_ms']:+11.1f}")
    for row in results["conditions"]["cached"]["rows"]:
        if not row["cache_written"]:
            lines.append(f"note: no bytecode cache of {row['safearray']}: 'cached' compiled it from source")
    for row in results["conditions"]["cached"]["rows"]:
        verdict = "PASS" if row["difference_ms"] <= results["target_ms"] else "FAIL"
        what = f" ({row['safearray']})" if several else ""
        lines.append(f"target: cached difference <= {results['target_ms']:.0f} ms{what}: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="processes per command and condition (default 10)")
    parser.add_argument("--json", default=None, help="also write the results (and samples) to this file")
    parser.add_argument("--checkout", action="append", default=None, metavar="DIR",
                        help="time the safearray of this checkout (repeatable; default: the environment's)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    checkouts = None
    if args.checkout:
        checkouts = [os.path.abspath(c) for c in args.checkout]
        for c in checkouts:
            if not os.path.isfile(os.path.join(c, "safearray", "__init__.py")):
                parser.error(f"--checkout: {c} has no safearray/__init__.py")
    results = run(args.runs, checkouts)
    print(summarise(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
