"""Drop-in fidelity on code nobody in this project wrote: real libraries' own test suites.

Each library in ``LIBRARIES`` is fetched from PyPI as its source distribution at a pinned version
(``pip download --no-deps --no-binary :all: NAME==VERSION``, checked against its SHA-256) into
``benchmarks/.suites/`` (ignored by git), unpacked, and laid out twice, fresh on every run:

* ``.suites/numpy/NAME``: the source as released;
* ``.suites/safearray/NAME``: the same, where every ``.py`` file (the library, its tests, its
  conftest) imports safearray instead of NumPy, as a user making the drop-in change would.

The rewrite rule works on the import statements (found with ``ast``; nothing else changes, line
numbers stay):

* ``import numpy`` -> ``import safearray as numpy``; ``import numpy as np`` -> ``import safearray
  as np``; ``import numpy.X`` (which binds ``numpy``) -> ``import safearray as numpy``;
  ``import numpy.X as m`` -> ``import safearray.X as m``;
* ``from numpy import a, b`` -> ``from safearray import a, b``; ``from numpy.X import a`` ->
  ``from safearray.X import a``;
* ``numpy.X`` is rewritten only when ``import safearray.X`` works in this interpreter
  (``linalg``, ``fft``, ``random``, ``testing``, ``typing``, ...; ``safearray.testing`` is NumPy's
  own module, handed over); an import of any other submodule (``numpy.lib.recfunctions``,
  ``numpy.core``, ...) is left on NumPy, and the summary lists each one left;
* ``pytest.importorskip("numpy")`` (and ``"numpy.X"``, same rule) is the one string rewritten:
  it is how opt_einsum's and networkx's tests import NumPy; other strings
  (``importlib.import_module("numpy")``), doctests and relative imports are not touched.

Both copies run their tests the same way, apart from that rewrite: ``python -m pytest`` in a
subprocess, in the copy's root (``--rootdir`` and ``--confcutdir``, so node ids match), the copy
first on ``PYTHONPATH``, and:

* the library's own pytest configuration file, or an empty one (``-c``): never this repository's
  ``pyproject.toml``, which pytest would otherwise find above the copy;
* ``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1`` (no installed plugin, such as pytest-benchmark, changes a
  suite) and ``-p no:cacheprovider``; the only plugin is this module (``-p suites``), which records
  every test report and warning to a JSON-lines file, and seeds ``random`` and NumPy's global
  ``RandomState`` (``numpy.random.seed``, shared by ``safearray.random``) before each test, and
  gives ``numpy.random.default_rng()`` without a seed fixed seeds, so that both runs draw the same
  numbers (an unseeded ``numpy.random.RandomState()`` still draws from the OS: transforms3d's
  ``test_aff2sadn``, which fails now and then with NumPy alone, is left out);
* ``-W always``: every warning is recorded at each occurrence, and no filter of the library's
  configuration turns a warning into an error (a test's own ``pytest.warns``, ``filterwarnings``
  marks and ``simplefilter("error")`` still apply): safearray's warnings are counted, not failures;
* ``--continue-on-collection-errors``; ``SAFEARRAY_POLICY`` from ``--policy`` (``warn`` by
  default), ``SAFEARRAY_STALE_READS`` from ``--stale-reads``, ``PYTHONHASHSEED=0``, ``MPLBACKEND=Agg``, no bytecode written.

Each test (node id) gets an outcome per run (passed, failed, error, skipped, xfailed, xpassed, or
not run: its module failed to import, or the run timed out) and a verdict:

* same: the same outcome in both runs (both pass, or both fail/skip the same way);
* different: passes with NumPy, does not with safearray (the failures that count);
* better: passes with safearray only;
* changed: neither passes, with different outcomes (failed with one, skipped with the other).

The pins (``LIBRARIES``, PyPI sdists with their SHA-256): filterpy 1.4.5, numpy-financial 1.0.0,
opt_einsum 3.4.0, transforms3d 0.4.2 (but one test), uncertainties 3.2.3 (without its timing
test), emcee 3.1.6 (its unit tests; the integration tests take minutes), scikit-fuzzy 0.5.0 (its
``addopts``, which stop at the first failure, cleared) and networkx 3.6.1 (the test files that
name numpy or scipy). Each is pure Python, needs only NumPy and SciPy (installed here) for the
tests that run, and runs them in seconds to a minute on 2 cores; tests that need an absent
optional dependency (torch, pandas, ...) skip themselves in both runs.

Run from the repository root:

    python benchmarks/suites.py                 # fetch what is missing, run all, print the summary
    python benchmarks/suites.py --list          # also each test that is not the same, and warnings
    python benchmarks/suites.py --only networkx --list
    python benchmarks/suites.py --json out.json  # also every test of both runs, as JSON
    python benchmarks/suites.py --policy raise   # SAFEARRAY_POLICY=raise: shared writes fail tests
    python benchmarks/suites.py --stale-reads    # also report every use of a stale View

The output does not depend on the order in which the runs finish; progress and run times go to
stderr. The whole run takes about two and a half minutes with two workers (the downloads, once,
a few seconds more); the copies, records and logs stay in ``benchmarks/.suites/``.
"""

from __future__ import annotations

import argparse
import ast
import collections
import dataclasses
import functools
import hashlib
import importlib
import importlib.metadata
import itertools
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal, TextIO

import pytest

Flavour = Literal["numpy", "safearray"]
Outcome = Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed", "not run"]
Verdict = Literal["same", "different", "better", "changed"]

FLAVOURS: tuple[Flavour, ...] = ("numpy", "safearray")
#: The suites that take longest, started first so that the workers end together.
LONG = ("networkx", "opt_einsum", "filterpy")
HERE = Path(__file__).resolve().parent
WORK = HERE / ".suites"
SEED = 20240607
#: The categories counted in each run, by name (safearray's own warnings).
COUNTED = ("SharedWriteWarning", "LostWriteWarning", "UncoveredWarning", "DetectionWarning")
CLIP = 240  # characters of a message kept


@dataclasses.dataclass(frozen=True)
class Library:
    name: str  # the import name, matched by --only
    project: str  # the PyPI name
    version: str
    sdist: str  # the file pip downloads
    sha256: str
    args: tuple[str, ...]  # pytest arguments (paths relative to the unpacked sdist), both runs
    path: str = "."  # what goes on PYTHONPATH, relative to the unpacked sdist
    #: When set, a directory in ``args`` stands for its test files (``test_*.py``) whose text
    #: matches this regular expression (the same files in both copies: it matches ``numpy``).
    select: str = ""
    note: str = ""

    @property
    def pin(self) -> str:
        return f"{self.project}=={self.version}"


LIBRARIES: tuple[Library, ...] = (
    Library("filterpy", "filterpy", "1.4.5", "filterpy-1.4.5.zip",
            "4f2a4d39e4ea601b9ab42b2db08b5918a9538c168cff1c6895ae26646f3d73b1",
            ("filterpy",), note="tests inside the package; uses scipy"),
    Library("numpy_financial", "numpy-financial", "1.0.0", "numpy-financial-1.0.0.tar.gz",
            "f84341bc62b2485d5604a73d5fac7e91975b4b9cd5f4a5a9cf608902ea00cb40",
            ("numpy_financial",)),
    Library("opt_einsum", "opt-einsum", "3.4.0", "opt_einsum-3.4.0.tar.gz",
            "96ca72f1b886d148241348783498194c577fa30a8faac108586b14f1ba4473ac",
            ("opt_einsum",), note="the torch/jax/cupy/tensorflow/dask backends skip themselves"),
    Library("transforms3d", "transforms3d", "0.4.2", "transforms3d-0.4.2.tar.gz",
            "e8b5df30eaedbee556e81c6938e55aab5365894e47d0a17615d7db7fd2393680",
            ("transforms3d", "--deselect",
             "transforms3d/tests/test_zooms_shears.py::test_aff2sadn"),
            note="test_aff2sadn, which draws from an unseeded RandomState() and fails now and "
                 "then with NumPy alone, left out"),
    Library("uncertainties", "uncertainties", "3.2.3", "uncertainties-3.2.3.tar.gz",
            "76a5653e686f617a42922d546a239e9efce72e6b35411b7750a1d12dcba03031",
            ("tests", "--ignore=tests/test_performance.py"),
            note="tests/test_performance.py times itself, left out"),
    Library("emcee", "emcee", "3.1.6", "emcee-3.1.6.tar.gz",
            "11af4daf6ab8f9ca69681e3c29054665db7bbd87fd4eb8e437d2c3a1248c637d",
            ("src/emcee/tests/unit",), path="src",
            note="the unit tests; the integration tests take three minutes"),
    Library("skfuzzy", "scikit-fuzzy", "0.5.0", "scikit_fuzzy-0.5.0.tar.gz",
            "2ee5340523aa7635ca568b9d8029c7738d05f9ea550fc89d4054b4cb50f34e7f",
            ("skfuzzy", "-o", "addopts="),
            note="addopts (--maxfail=1 --failed-first -s) cleared; uses scipy"),
    Library("networkx", "networkx", "3.6.1", "networkx-3.6.1.tar.gz",
            "26b7c357accc0c8cde558ad486283728b65b6a95d85ee1cd66bafab4c8168509",
            ("networkx",), select=r"numpy|scipy",
            note="the 67 of 265 test files that name numpy or scipy; pandas, pygraphviz, lxml "
                 "tests skip themselves"),
)


# --- the pytest plugin (loaded in the test processes as ``-p suites``) -----------------------


_record: TextIO | None = None
_root = ""
_pending: collections.Counter[tuple[str, str, str, str]] = collections.Counter()


def _write(entry: dict[str, object]) -> None:
    global _record
    if _record is None:
        _record = open(os.environ["SUITES_RECORD"], "a", encoding="utf-8")
    _record.write(json.dumps(entry, sort_keys=True) + "\n")
    _record.flush()


_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")


def _first_line(text: str) -> str:
    """The first line of ``text``, with the next two when it is short (``assert False``, then
    pytest's ``where ...``; ``Regex pattern did not match.``, then the regex and the message)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    text = " | ".join(lines[:1] if lines and len(lines[0]) >= 60 else lines[:3])
    return _ADDRESS.sub("0x...", text)[:CLIP]


def _failure(longrepr: object) -> tuple[str, str]:
    """The first line of a report's error, and where it was raised (``path:line``)."""
    if longrepr is None:
        return "", ""
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        return _first_line(str(longrepr[2])), f"{_relative(str(longrepr[0]))}:{longrepr[1]}"
    crash: Any = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        return _first_line(str(crash.message)), f"{_relative(str(crash.path))}:{crash.lineno}"
    lines = [line for line in str(longrepr).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("E ")]
    return _first_line((errors or lines or [""])[-1].removeprefix("E ")), ""


def _relative(path: str) -> str:
    if _root and path.startswith(_root + os.sep):
        return path[len(_root) + 1:]
    packages = os.sep + "site-packages" + os.sep
    if packages in path:  # an installed package: from its name on
        return path[path.rindex(packages) + len(packages):]
    own = os.sep + "safearray" + os.sep
    return path[path.rindex(own) + 1:] if own in path else path


_seeds = itertools.count(SEED)


def pytest_configure(config: pytest.Config) -> None:
    """``numpy.random.default_rng()`` without a seed gets the next of fixed seeds (restarted for
    each test), in both runs: ``safearray.random.default_rng`` calls it."""
    global _root
    _root = str(config.rootpath)
    import numpy.random

    unseeded = numpy.random.default_rng

    @functools.wraps(unseeded)
    def default_rng(seed: Any = None) -> numpy.random.Generator:
        return unseeded(next(_seeds) if seed is None else seed)

    numpy.random.default_rng = default_rng


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    global _seeds
    _seeds = itertools.count(SEED)
    random.seed(SEED)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(SEED)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    message, where = _failure(report.longrepr)
    _write({"kind": "test", "nodeid": report.nodeid, "when": report.when,
            "outcome": report.outcome, "xfail": hasattr(report, "wasxfail"),
            "message": message, "where": where})


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        message, where = _failure(report.longrepr)
        _write({"kind": "collect", "nodeid": report.nodeid, "message": message, "where": where})


def pytest_warning_recorded(warning_message: warnings.WarningMessage, when: str, nodeid: str,
                            location: tuple[str, int, str] | None) -> None:
    where = f"{_relative(warning_message.filename)}:{warning_message.lineno}"
    _pending[nodeid, warning_message.category.__name__, where,
             _first_line(str(warning_message.message))] += 1


def _flush_warnings() -> None:
    for (nodeid, category, where, message), count in sorted(_pending.items()):
        _write({"kind": "warning", "nodeid": nodeid, "category": category, "where": where,
                "message": message, "count": count})
    _pending.clear()


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    _flush_warnings()


def _bound_modules() -> dict[str, int]:
    """How many of the copy's modules bind the module ``safearray``, or ``numpy``, to a global:
    the check that the rewrite reached the code that runs."""
    found = {"safearray": 0, "numpy": 0}
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if not isinstance(file, str) or not file.startswith(_root + os.sep):
            continue
        values = list(vars(module).values())
        for name in found:
            if sys.modules.get(name) is not None and any(v is sys.modules[name] for v in values):
                found[name] += 1
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _flush_warnings()
    _write({"kind": "modules", **_bound_modules()})
    _write({"kind": "done", "exitstatus": int(exitstatus)})


def pytest_unconfigure(config: pytest.Config) -> None:
    global _record
    if _record is not None:
        _record.close()
        _record = None


# --- fetching and laying out ----------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch(library: Library) -> Path:
    """The unpacked sdist (``.suites/src/PROJECT-VERSION``), downloaded and checked if missing."""
    source = WORK / "src" / f"{library.project}-{library.version}"
    if source.is_dir():
        return source
    archive = WORK / "dl" / library.sdist
    if not archive.is_file():
        print(f"fetching {library.pin}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", library.pin, "-d", str(archive.parent)],
                       check=True, stdout=subprocess.DEVNULL)
    digest = _sha256(archive)
    if digest != library.sha256:
        raise SystemExit(f"{archive}: sha256 {digest}, expected {library.sha256}")
    with tempfile.TemporaryDirectory(dir=WORK) as scratch:
        if archive.suffix == ".zip":
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(scratch)
        else:
            with tarfile.open(archive) as tarred:
                if hasattr(tarfile, "data_filter"):
                    tarred.extractall(scratch, filter="data")
                else:  # Python before 3.10.12 / 3.11.4
                    tarred.extractall(scratch)  # the checked archive
        (top,) = Path(scratch).iterdir()
        source.parent.mkdir(parents=True, exist_ok=True)
        top.rename(source)
    return source


@dataclasses.dataclass(frozen=True)
class Import:
    """One import statement (or one name of an ``import a, b``) that names NumPy."""

    file: str
    line: int
    module: str  # numpy or numpy.X
    rewritten: bool


@functools.cache
def safearray_module(module: str) -> str | None:
    """``module`` (``numpy`` or ``numpy.X``) spelled with safearray, or ``None`` when
    ``import safearray.X`` does not work here."""
    target = "safearray" + module.removeprefix("numpy")
    if target == "safearray":
        return target
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            importlib.import_module(target)
        except ImportError:
            return None
    return target


def _is_numpy(module: str | None) -> bool:
    return module is not None and module.split(".")[0] == "numpy"


def _is_importorskip(func: ast.expr) -> bool:
    """``pytest.importorskip`` or a bare ``importorskip``."""
    return (isinstance(func, ast.Attribute) and func.attr == "importorskip"
            or isinstance(func, ast.Name) and func.id == "importorskip")


_FROM = re.compile(rb"from(?:\s|\\\r?\n)+(numpy(?:(?:\s|\\\r?\n)*\.(?:\s|\\\r?\n)*\w+)*)")


def rewrite(source: bytes, file: str) -> tuple[bytes, list[Import]]:
    """``source`` with its NumPy imports made safearray's (see the module docstring)."""
    tree = ast.parse(source)
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(line: int, col: int) -> int:  # ast's columns count UTF-8 bytes
        return starts[line - 1] + col

    edits: list[tuple[int, int, bytes]] = []
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _is_numpy(alias.name):
                    continue
                target = safearray_module(alias.name)
                found.append(Import(file, alias.lineno, alias.name, target is not None))
                if target is None:
                    continue
                spelled = f"{target} as {alias.asname}" if alias.asname else "safearray as numpy"
                assert alias.end_lineno is not None and alias.end_col_offset is not None
                edits.append((offset(alias.lineno, alias.col_offset),
                              offset(alias.end_lineno, alias.end_col_offset), spelled.encode()))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _is_numpy(node.module):
            assert node.module is not None
            target = safearray_module(node.module)
            found.append(Import(file, node.lineno, node.module, target is not None))
            if target is None:
                continue
            match = _FROM.match(source, offset(node.lineno, node.col_offset))
            assert match is not None, (file, node.lineno)
            edits.append((match.start(1), match.end(1), target.encode()))
        elif (isinstance(node, ast.Call) and node.args and _is_importorskip(node.func)
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and _is_numpy(node.args[0].value)):
            literal = node.args[0]
            assert literal.end_lineno is not None and literal.end_col_offset is not None
            name = str(literal.value)
            target = safearray_module(name)
            found.append(Import(file, node.lineno, name, target is not None))
            if target is None:
                continue
            start = offset(literal.lineno, literal.col_offset)
            end = offset(literal.end_lineno, literal.end_col_offset)
            quote = source[end - 1:end]
            edits.append((start, end, quote + target.encode() + quote))
    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source, found


def lay_out(library: Library, source: Path) -> tuple[dict[Flavour, Path], list[Import]]:
    """Fresh copies of the sdist for both runs; the NumPy imports of the safearray copy."""
    copies: dict[Flavour, Path] = {}
    imports: list[Import] = []
    for flavour in FLAVOURS:
        copy = WORK / flavour / library.name
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        copies[flavour] = copy
    for path in sorted(copies["safearray"].rglob("*.py")):
        original = path.read_bytes()
        if b"numpy" not in original:
            continue
        try:
            new, found = rewrite(original, str(path.relative_to(copies["safearray"])))
        except SyntaxError:
            continue  # not Python 3 (a file no test imports)
        imports.extend(found)
        if new != original:
            path.write_bytes(new)
    return copies, imports


# --- running ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Result:
    outcome: Outcome
    message: str = ""
    where: str = ""


@dataclasses.dataclass(frozen=True)
class WarningSite:
    category: str
    where: str
    message: str
    count: int
    tests: int
    example: str  # the first test (node id) that gave it


@dataclasses.dataclass
class Run:
    tests: dict[str, Result]
    collect_errors: dict[str, Result]
    warnings: collections.Counter[str]  # by category name
    sites: list[WarningSite]  # safearray's warnings, by place
    modules: dict[str, int]  # the copy's modules that bind safearray / numpy (module globals)
    finished: bool
    seconds: float


#: pytest's configuration files, in the order it looks for them, and how each says it is one.
_CONFIGS = (("pytest.ini", ""), (".pytest.ini", ""), ("pytest.toml", ""),
            (".pytest.toml", ""), ("pyproject.toml", "[tool.pytest"), ("tox.ini", "[pytest]"),
            ("setup.cfg", "[tool:pytest]"))


def find_config(copy: Path) -> Path:
    """The library's own pytest configuration file, or an empty one: never one that pytest
    would find above the copy (this repository's own)."""
    for name, header in _CONFIGS:
        path = copy / name
        if path.is_file() and header in path.read_text(encoding="utf-8", errors="replace"):
            return path
    empty = WORK / "pytest.ini"
    if not empty.exists():
        empty.write_text("[pytest]\n", encoding="utf-8")
    return empty


def suite_arguments(library: Library, source: Path) -> list[str]:
    """pytest's arguments for ``library``, its selection made in ``source``, the sdist as released
    (the rewrite takes ``numpy`` out of some files)."""
    if not library.select:
        return list(library.args)
    pattern = re.compile(library.select)
    found: list[str] = []
    for arg in library.args:
        if not (source / arg).is_dir():
            found.append(arg)
            continue
        for path in sorted((source / arg).rglob("test_*.py")):
            if pattern.search(path.read_text(encoding="utf-8", errors="replace")):
                found.append(str(path.relative_to(source)))
    return found


def _command(args: Sequence[str], copy: Path) -> list[str]:
    return [sys.executable, "-m", "pytest", *args, "-c", str(find_config(copy)),
            "--rootdir", str(copy), "--confcutdir", str(copy), "-q", "-p", "no:cacheprovider",
            "-p", "suites", "-W", "always", "--continue-on-collection-errors"]


def run_suite(library: Library, flavour: Flavour, copy: Path, args: Sequence[str], policy: str,
              timeout: float, stale_reads: bool = False) -> Run:
    record = WORK / "records" / f"{library.name}-{flavour}.jsonl"
    record.parent.mkdir(exist_ok=True)
    record.unlink(missing_ok=True)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST_", "SAFEARRAY_")) and key != "PYTHONPATH"}
    env.update(PYTHONPATH=os.pathsep.join([str(copy / library.path), str(HERE)]),
               PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", SUITES_RECORD=str(record),
               SAFEARRAY_POLICY=policy, PYTHONHASHSEED="0", MPLBACKEND="Agg",
               PYTHONDONTWRITEBYTECODE="1", SAFEARRAY_STALE_READS="1" if stale_reads else "0")
    started = time.monotonic()
    log = WORK / "records" / f"{library.name}-{flavour}.log"
    with open(log, "w", encoding="utf-8") as out:
        try:
            subprocess.run(_command(args, copy), cwd=copy, env=env,
                           stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            pass
    seconds = time.monotonic() - started
    entries: list[dict[str, Any]] = []
    for line in record.read_text(encoding="utf-8").splitlines() if record.exists() else []:
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:  # the last line of a run that was stopped
            break
    run = parse_record(entries, seconds)
    print(f"{seconds:5.0f} s  {library.name} {flavour}: {len(run.tests)} tests"
          + ("" if run.finished else " (did not finish: see " + str(log) + ")"), file=sys.stderr)
    return run


def parse_record(entries: Iterable[dict[str, Any]], seconds: float) -> Run:
    phases: dict[str, dict[str, dict[str, Any]]] = collections.defaultdict(dict)
    collect: dict[str, Result] = {}
    counts: collections.Counter[str] = collections.Counter()
    sites: collections.Counter[tuple[str, str, str]] = collections.Counter()
    site_tests: dict[tuple[str, str, str], set[str]] = collections.defaultdict(set)
    finished = False
    modules: dict[str, int] = {}
    for entry in entries:
        kind = entry["kind"]
        if kind == "test":
            phases[entry["nodeid"]][entry["when"]] = entry
        elif kind == "collect":
            collect[entry["nodeid"]] = Result("error", entry["message"], entry["where"])
        elif kind == "warning":
            counts[entry["category"]] += entry["count"]
            if entry["category"] in COUNTED:
                key = (entry["category"], entry["where"], entry["message"])
                sites[key] += entry["count"]
                site_tests[key].add(entry["nodeid"])
        elif kind == "modules":
            modules = {name: entry[name] for name in ("safearray", "numpy")}
        elif kind == "done":
            finished = True
    return Run({nodeid: _outcome(reports) for nodeid, reports in phases.items()}, collect,
               counts, [WarningSite(*key, count, len(site_tests[key]), min(site_tests[key]))
                        for key, count in sorted(sites.items())], modules, finished, seconds)


def _outcome(reports: dict[str, dict[str, Any]]) -> Result:
    """One test's outcome from the reports of its setup, call and teardown."""
    def made(outcome: Outcome, entry: dict[str, Any]) -> Result:
        return Result(outcome, entry["message"], entry["where"])

    setup, call, teardown = (reports.get(when) for when in ("setup", "call", "teardown"))
    if setup is not None and setup["outcome"] == "failed":
        return made("error", setup)
    if setup is not None and setup["outcome"] == "skipped":
        return made("xfailed" if setup["xfail"] else "skipped", setup)
    if call is None:
        return Result("not run", "the run ended during this test")
    if call["outcome"] == "failed":
        return made("failed", call)
    if call["outcome"] == "skipped":
        return made("xfailed" if call["xfail"] else "skipped", call)
    if teardown is not None and teardown["outcome"] == "failed":
        return made("error", teardown)
    return made("xpassed" if call["xfail"] else "passed", call)


# --- judging and reporting --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Comparison:
    nodeid: str
    numpy: Result
    safearray: Result
    verdict: Verdict


@dataclasses.dataclass(frozen=True)
class Counts:
    tests: int
    numpy_passed: int
    safearray_passed: int
    both_passed: int
    same: int
    different: int
    better: int
    changed: int
    shared_writes: int
    lost_writes: int
    uncovered: int


@dataclasses.dataclass
class LibraryReport:
    library: Library
    runs: dict[Flavour, Run]
    tests: list[Comparison]
    imports: list[Import]
    counts: Counts


def _missing(nodeid: str, run: Run) -> Result:
    """A test one run does not have: not collected (its module failed), or not reached."""
    for where, error in sorted(run.collect_errors.items(), key=lambda item: -len(item[0])):
        if nodeid.startswith(where):
            return Result("not run", f"not collected: {error.message}", error.where)
    return Result("not run", "not reached: the run did not finish" if not run.finished
                   else "not collected")


def judge(library: Library, runs: dict[Flavour, Run], imports: list[Import]) -> LibraryReport:
    nodeids = sorted(set(runs["numpy"].tests) | set(runs["safearray"].tests))
    tests: list[Comparison] = []
    for nodeid in nodeids:
        numpy_run, sa_run = (runs[flavour].tests.get(nodeid) or _missing(nodeid, runs[flavour])
                             for flavour in FLAVOURS)
        numpy_ok, sa_ok = numpy_run.outcome == "passed", sa_run.outcome == "passed"
        verdict: Verdict = ("same" if numpy_run.outcome == sa_run.outcome
                            else "different" if numpy_ok
                            else "better" if sa_ok else "changed")
        tests.append(Comparison(nodeid, numpy_run, sa_run, verdict))
    verdicts = collections.Counter(test.verdict for test in tests)
    warned = runs["safearray"].warnings
    counts = Counts(
        tests=len(tests),
        numpy_passed=sum(t.numpy.outcome == "passed" for t in tests),
        safearray_passed=sum(t.safearray.outcome == "passed" for t in tests),
        both_passed=sum(t.numpy.outcome == t.safearray.outcome == "passed" for t in tests),
        same=verdicts["same"], different=verdicts["different"], better=verdicts["better"],
        changed=verdicts["changed"], shared_writes=warned["SharedWriteWarning"],
        lost_writes=warned["LostWriteWarning"], uncovered=warned["UncoveredWarning"])
    return LibraryReport(library, runs, tests, imports, counts)


def total(reports: Sequence[LibraryReport]) -> Counts:
    fields = [field.name for field in dataclasses.fields(Counts)]
    return Counts(*(sum(getattr(r.counts, name) for r in reports) for name in fields))


_COLUMNS = (("tests", "tests"), ("numpy_passed", "numpy ok"), ("both_passed", "both ok"),
            ("different", "different"), ("better", "better"), ("changed", "changed"),
            ("shared_writes", "SharedWrite"), ("lost_writes", "LostWrite"),
            ("uncovered", "Uncovered"))


def format_summary(reports: Sequence[LibraryReport], policy: str) -> str:
    versions = (f"numpy {importlib.metadata.version('numpy')}, safearray "
                f"{importlib.metadata.version('safearray')}, Python {platform.python_version()}, "
                f"policy {policy}")
    rows = [("library", *(title for _, title in _COLUMNS))]
    for report in reports:
        rows.append((report.library.pin, *(str(getattr(report.counts, name))
                                           for name, _ in _COLUMNS)))
    rows.append(("total", *(str(getattr(total(reports), name)) for name, _ in _COLUMNS)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [versions, ""]
    for row in rows:
        lines.append("  ".join([row[0].ljust(widths[0]),
                                *(cell.rjust(width) for cell, width in zip(row[1:], widths[1:]))]))
    lines.append("")
    lines.append("numpy ok: passed with NumPy; both ok: passed in both runs; different: passed "
                 "with NumPy only;")
    lines.append("better: with safearray only; changed: neither, another outcome; the warnings "
                 "are the safearray run's.")
    for report in reports:
        left = collections.Counter(i.module for i in report.imports if not i.rewritten)
        if left:
            kept = ", ".join(f"{module} ({count})" for module, count in sorted(left.items()))
            lines.append(f"{report.library.name}: imports left on NumPy: {kept}")
        for flavour in FLAVOURS:
            if not report.runs[flavour].finished:
                lines.append(f"{report.library.name}: the {flavour} run did not finish")
    return "\n".join(lines)


def _clip(text: str) -> str:
    return text if len(text) <= CLIP else text[:CLIP] + "..."


def format_list(report: LibraryReport) -> str:
    lib, c = report.library, report.counts
    lines = [f"== {lib.pin} ({lib.note or 'sdist'}; sha256 {lib.sha256[:12]}...): {c.different} "
             f"different, {c.better} better, {c.changed} changed"]
    for flavour in FLAVOURS:
        bound = report.runs[flavour].modules
        lines.append(f"  {flavour} run: {len(report.runs[flavour].tests)} tests; modules binding "
                     f"safearray {bound.get('safearray', 0)}, numpy {bound.get('numpy', 0)}")
    causes = collections.Counter((t.safearray.message, t.safearray.where)
                                 for t in report.tests if t.verdict == "different")
    for (message, where), count in sorted(causes.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {count:4} different by  {_clip(message)}" + (f" (at {where})" if where
                                                                        else ""))
    for test in report.tests:
        if test.verdict == "same":
            continue
        lines.append(f"  {test.verdict:9}  {test.nodeid}  "
                     f"[{test.numpy.outcome} -> {test.safearray.outcome}]")
        for flavour, run in (("numpy", test.numpy), ("safearray", test.safearray)):
            if run.outcome not in ("passed", "xpassed") and (flavour == "safearray"
                                                           or test.verdict != "different"):
                where = f" (at {run.where})" if run.where else ""
                lines.append(f"             {flavour:9}  {_clip(run.message)}{where}")
    for flavour in FLAVOURS:
        for nodeid, error in sorted(report.runs[flavour].collect_errors.items()):
            lines.append(f"  collection error ({flavour})  {nodeid}: {_clip(error.message)}"
                         + (f" (at {error.where})" if error.where else ""))
    for site in report.runs["safearray"].sites:
        lines.append(f"  {site.category} x{site.count} in {site.tests} tests (such as "
                     f"{site.example or 'collection'}) at {site.where}: {_clip(site.message)}")
    left = sorted({(i.module, i.file, i.line) for i in report.imports if not i.rewritten})
    for module, file, line in left:
        lines.append(f"  left on NumPy: {module} at {file}:{line}")
    return "\n".join(lines)


def _to_json(reports: Sequence[LibraryReport], policy: str) -> dict[str, object]:
    def run_json(run: Run) -> dict[str, object]:
        return {"finished": run.finished, "modules": run.modules,
                "warnings": dict(sorted(run.warnings.items())),
                "collect_errors": {k: dataclasses.asdict(v)
                                   for k, v in sorted(run.collect_errors.items())},
                "safearray_warning_sites": [dataclasses.asdict(s) for s in run.sites]}

    return {
        "numpy": importlib.metadata.version("numpy"),
        "safearray": importlib.metadata.version("safearray"),
        "python": platform.python_version(), "policy": policy,
        "total": dataclasses.asdict(total(reports)),
        "libraries": [{
            "name": r.library.name, "pin": r.library.pin, "sdist": r.library.sdist,
            "sha256": r.library.sha256, "counts": dataclasses.asdict(r.counts),
            "runs": {flavour: run_json(r.runs[flavour]) for flavour in FLAVOURS},
            "imports": [dataclasses.asdict(i) for i in r.imports],
            "tests": [dataclasses.asdict(t) for t in r.tests],
        } for r in reports],
    }


def _jobs(libraries: Sequence[Library]) -> Iterator[tuple[Library, Flavour]]:
    for library in libraries:
        for flavour in FLAVOURS:
            yield library, flavour


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--list", action="store_true",
                        help="list every test that is not the same, and safearray's warnings")
    parser.add_argument("--json", metavar="FILE", help="also write every test of both runs")
    parser.add_argument("--only", metavar="NAME", action="append",
                        help="only the libraries whose name contains this (repeatable)")
    parser.add_argument("--policy", choices=("allow", "warn", "raise"), default="warn",
                        help="SAFEARRAY_POLICY for both runs (default warn)")
    parser.add_argument("--stale-reads", action="store_true",
                        help="SAFEARRAY_STALE_READS=1: report every use of a stale View")
    parser.add_argument("--workers", type=int, default=2, help="runs at once (default 2)")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds one run of one suite may take (default 300)")
    args = parser.parse_args(argv)

    started = time.monotonic()
    libraries = [lib for lib in LIBRARIES
                 if not args.only or any(name in lib.name for name in args.only)]
    if not libraries:
        parser.error(f"no library matches {args.only}; they are "
                     + ", ".join(lib.name for lib in LIBRARIES))
    WORK.mkdir(exist_ok=True)
    copies: dict[str, dict[Flavour, Path]] = {}
    imports: dict[str, list[Import]] = {}
    arguments: dict[str, list[str]] = {}
    for library in libraries:
        source = fetch(library)
        copies[library.name], imports[library.name] = lay_out(library, source)
        arguments[library.name] = suite_arguments(library, source)
    jobs = sorted(_jobs(libraries), key=lambda job: (LONG + (job[0].name,)).index(job[0].name))
    with ThreadPoolExecutor(max_workers=max(1, args.workers)) as pool:
        futures = {job: pool.submit(run_suite, job[0], job[1], copies[job[0].name][job[1]],
                                    arguments[job[0].name], args.policy, args.timeout,
                                    args.stale_reads)
                   for job in jobs}
    reports = [judge(lib, {flavour: futures[lib, flavour].result() for flavour in FLAVOURS},
                     imports[lib.name]) for lib in libraries]
    if args.list:
        for report in reports:
            print(format_list(report), end="\n\n")
    print(format_summary(reports, args.policy))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump(_to_json(reports, args.policy), file, indent=1)
            file.write("\n")
    print(f"{time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
