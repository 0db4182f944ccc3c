"""Audit code nobody here wrote, unmodified: a real library's own test suite under
``pytest --safearray`` and its example scripts under ``python -m safearray``.

The library is scikit-fuzzy 0.5.0 (pure Python on NumPy and SciPy), fetched and checked by
``benchmarks/suites.py``'s pins into ``benchmarks/.suites/`` (ignored by git) and run as
released: nothing is rewritten, the import hook swaps NumPy in the library's own modules
(``--include skfuzzy``). Each test suite and script runs twice in a subprocess, as released and
under the hook, and the report compares them:

* tests: the pytest summary of both runs (the same library configuration: its ``addopts``
  cleared, as suites.py does; NumPy's own DeprecationWarnings shown, not failures) and the
  hook's findings, each with the test ids that hit it;
* scripts (``docs/examples/plot_*.py``, with matplotlib's Agg backend): exit status, whether
  standard output is byte for byte the same, and the findings.

    python benchmarks/audit.py                 # both policies' findings, a table on stdout
    python benchmarks/audit.py --policy raise  # the hook's policy (default warn)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import suites  # noqa: E402  (the pins and the fetching live there)

LIBRARY = next(lib for lib in suites.LIBRARIES if lib.name == "skfuzzy")
SCRIPTS = ("plot_cmeans.py", "plot_defuzzify.py", "plot_tipping_problem.py",
           "plot_control_system_advanced.py")


def _env(source: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(source), str(REPO)]), MPLBACKEND="Agg",
               PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    env.pop("SAFEARRAY_POLICY", None)
    return env


def _findings(report: Path) -> list[dict[str, object]]:
    if not report.exists():
        return []
    found: list[dict[str, object]] = json.loads(report.read_text(encoding="utf-8"))["findings"]
    return found


def run_tests(source: Path, policy: str, hook: bool, report: Path) -> tuple[str, list[dict[str, object]]]:
    """The pytest summary line of one run, and the hook's findings."""
    args = [sys.executable, "-m", "pytest", *LIBRARY.args, "-c", str(suites.find_config(source)),
            "--rootdir", str(source), "-q", "-p", "no:cacheprovider", "-p", "safearray._pytest_plugin",
            "-W", "default::DeprecationWarning"]
    if hook:
        args += ["--safearray", "--safearray-include", "skfuzzy", "--safearray-policy", policy,
                 "--safearray-report", str(report)]
    done = subprocess.run(args, cwd=source, env=_env(source), capture_output=True, text=True, timeout=600)
    summary = [line for line in done.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    return (summary[-1].strip("= ") if summary else done.stdout[-300:]), _findings(report)


def run_script(source: Path, script: str, policy: str, hook: bool,
               report: Path) -> tuple[int, str, list[dict[str, object]]]:
    """Exit status and standard output of one run of an example script, and the findings."""
    path = source / "docs" / "examples" / script
    args = [sys.executable, str(path)]
    if hook:
        args = [sys.executable, "-m", "safearray", "--policy", policy, "--include", "skfuzzy",
                "--report", str(report), str(path)]
    done = subprocess.run(args, cwd=source, env=_env(source), capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout, _findings(report)


def _describe(findings: Sequence[dict[str, object]]) -> list[str]:
    return [f"    {f['kind']} at {f['file']}:{f['line']} x{f['count']}: {f['source']}"
            + (f" (tests: {', '.join(map(str, f.get('tests', []))[:3])})" if f.get("tests") else "")
            for f in findings]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policy", choices=("warn", "raise"), default="warn", help="the hook's policy")
    options = parser.parse_args(argv)
    source = suites.fetch(LIBRARY)
    lines = [f"== {LIBRARY.pin}, as released, audited with --include skfuzzy, policy {options.policy!r}"]
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        plain, _ = run_tests(source, options.policy, False, Path(tmp) / "none.json")
        hooked, found = run_tests(source, options.policy, True, Path(tmp) / "tests.json")
        total += len(found)
        lines += [f"  test suite  as released: {plain}", f"              under the hook: {hooked}",
                  f"              findings: {len(found)}", *_describe(found)]
        for script in SCRIPTS:
            status, out, _ = run_script(source, script, options.policy, False, Path(tmp) / "none.json")
            status2, out2, found = run_script(source, script, options.policy, True, Path(tmp) / f"{script}.json")
            total += len(found)
            lines += [f"  {script:34} exit {status} / {status2} under the hook, standard output "
                      f"{'the same' if out == out2 else 'DIFFERENT'}, findings: {len(found)}", *_describe(found)]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
