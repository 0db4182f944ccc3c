"""The audit: ``sa.install`` (the import hook), ``python -m safearray`` and ``pytest --safearray``.

The sample project (tests/audit_sample, plain ``import numpy as np``) is copied to a temporary
directory; its three planted bugs are in audit_pkg/stats.py: a write through a View of an
argument (line 11), a lost write (line 16), a write into a guarded argument (line 22).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy
import pytest

import safearray as sa
from safearray import _hook

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).resolve().parent / "audit_sample"
BUGS = {("shared-write", 11), ("lost-write", 16), ("read-only", 22)}
STATS = "audit_pkg/stats.py"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(SAMPLE, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def run(project: Path, *args: str, extra_path: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFEARRAY_", "PYTEST_"))}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), extra_path) if p)
    return subprocess.run([sys.executable, *args], cwd=project, env=env, capture_output=True,
                          text=True, timeout=120)


def audit(project: Path, *args: str, extra_path: str = "") -> subprocess.CompletedProcess[str]:
    return run(project, "-m", "safearray", *args, extra_path=extra_path)


def table_rows(stderr: str) -> list[tuple[str, str, int]]:
    """(kind title, location, count) of each row of the findings table."""
    rows: list[tuple[str, str, int]] = []
    for line in stderr.splitlines():
        for title in ("shared write", "lost write", "read-only", "stale view", "uncovered"):
            rest = line[2 + len(title):].split() if line.startswith("  " + title + " ") else []
            if len(rest) >= 2 and rest[1].isdigit():
                rows.append((title, rest[0], int(rest[1])))
    return rows


def validate_sarif(log: dict[str, Any]) -> None:
    """``log`` is SARIF 2.1.0: the required fields below (jsonschema), and sarif-pydantic's
    models of the specification (a test dependency), which parse every object and field."""
    jsonschema.validate(log, SARIF_REQUIRED)
    sarif_pydantic = pytest.importorskip("sarif_pydantic")
    parsed = sarif_pydantic.Sarif.model_validate(log)
    assert parsed.version == "2.1.0" and len(parsed.runs) == len(log["runs"])
    for run, given in zip(parsed.runs, log["runs"]):
        assert len(run.results or []) == len(given.get("results", []))


#: The fields SARIF 2.1.0 requires of what safearray writes, from the OASIS specification
#: (sarif-schema-2.1.0.json itself is not shipped by a package, and is not downloaded here).
SARIF_REQUIRED: dict[str, Any] = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"enum": ["2.1.0"]},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {"type": "array", "items": {"$ref": "#/definitions/run"}},
    },
    "definitions": {
        "message": {"type": "object", "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
                    "properties": {"text": {"type": "string"}}},
        "run": {
            "type": "object", "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"],
                         "properties": {"driver": {"$ref": "#/definitions/toolComponent"}}},
                "results": {"type": "array", "items": {"$ref": "#/definitions/result"}},
                "originalUriBaseIds": {"type": "object", "additionalProperties": {
                    "type": "object", "properties": {"uri": {"type": "string"}}}},
            },
        },
        "toolComponent": {
            "type": "object", "required": ["name"],
            "properties": {"name": {"type": "string"}, "version": {"type": "string"},
                           "rules": {"type": "array", "items": {"$ref": "#/definitions/reportingDescriptor"}}},
        },
        "reportingDescriptor": {
            "type": "object", "required": ["id"],
            "properties": {"id": {"type": "string"}, "shortDescription": {"$ref": "#/definitions/message"},
                           "defaultConfiguration": {"type": "object", "properties": {
                               "level": {"enum": ["none", "note", "warning", "error"]}}}},
        },
        "result": {
            "type": "object", "required": ["message"],
            "properties": {
                "ruleId": {"type": "string"}, "ruleIndex": {"type": "integer", "minimum": -1},
                "level": {"enum": ["none", "note", "warning", "error"]},
                "message": {"$ref": "#/definitions/message"},
                "occurrenceCount": {"type": "integer", "minimum": 1},
                "locations": {"type": "array", "items": {"type": "object", "properties": {
                    "physicalLocation": {"$ref": "#/definitions/physicalLocation"}}}},
                "properties": {"type": "object"},
            },
        },
        "physicalLocation": {
            "type": "object", "anyOf": [{"required": ["address"]}, {"required": ["artifactLocation"]}],
            "properties": {
                "artifactLocation": {"type": "object", "properties": {
                    "uri": {"type": "string"}, "uriBaseId": {"type": "string"}}},
                "region": {"type": "object", "properties": {
                    "startLine": {"type": "integer", "minimum": 1},
                    "snippet": {"$ref": "#/definitions/message"}}},
            },
        },
    },
}


# ----------------------------------------------------------------------------------
# python -m safearray


@pytest.mark.parametrize("args", [[], ["--exit", "3"], ["--crash"], ["a", "--b"]])
def test_clean_script_runs_as_without_the_hook(project: Path, args: list[str]) -> None:
    plain = run(project, "run_clean.py", *args)
    audited = audit(project, "--report", "out.json", "run_clean.py", *args)
    assert audited.stdout == plain.stdout and "argv ['run_clean.py'" in plain.stdout
    assert audited.returncode == plain.returncode
    assert audited.stderr == plain.stderr + "safearray: no findings (policy 'warn')\n"
    report = json.loads((project / "out.json").read_text())
    assert report["findings"] == [] and report["exit_status"] == plain.returncode


def test_exit_status_and_traceback(project: Path) -> None:
    assert audit(project, "run_clean.py", "--exit", "3").returncode == 3
    crash = audit(project, "run_clean.py", "--crash")
    assert crash.returncode == 1
    head, _, tail = crash.stderr.partition("RuntimeError: planned crash\n")
    assert head.startswith("Traceback (most recent call last):\n")
    assert f'File "{project / "run_clean.py"}", line 17, in <module>' in head
    assert "runpy" not in head and "safearray" not in head
    assert tail == "safearray: no findings (policy 'warn')\n"


def test_planted_bugs_each_reported_once(project: Path) -> None:
    result = audit(project, "--report", "out.json", "--report", "out.sarif", "run_bugs.py")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "backends safearray safearray safearray"
    assert "refused ReadOnlyError" in result.stdout
    titles = {"shared-write": "shared write", "lost-write": "lost write", "read-only": "read-only"}
    assert sorted(table_rows(result.stderr)) == sorted(
        [(titles[k], f"{STATS}:{line}", 2 if k == "shared-write" else 1) for k, line in BUGS])
    assert "safearray: 3 findings (4 occurrences, policy 'warn')" in result.stderr
    assert "head -= head.mean()" in result.stderr

    report = json.loads((project / "out.json").read_text())
    found = report["findings"]
    assert {(f["kind"], f["line"]) for f in found} == BUGS and len(found) == 3
    assert all(f["file"] == STATS for f in found)
    by_kind = {f["kind"]: f for f in found}
    assert by_kind["shared-write"]["count"] == 2
    assert by_kind["shared-write"]["category"] == "SharedWriteWarning"
    assert by_kind["read-only"]["category"] == "ReadOnlyError"
    assert by_kind["lost-write"]["source"].startswith("values[values < 0][:] = 0.0")

    sarif = json.loads((project / "out.sarif").read_text())
    validate_sarif(sarif)
    (run_,) = sarif["runs"]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    got = set()
    for res in run_["results"]:
        assert rules[res["ruleIndex"]] == res["ruleId"]
        (loc,) = res["locations"]
        phys = loc["physicalLocation"]
        assert phys["artifactLocation"] == {"uri": STATS, "uriBaseId": "SRCROOT"}
        got.add((res["ruleId"], phys["region"]["startLine"]))
    assert got == BUGS and len(run_["results"]) == 3
    assert run_["originalUriBaseIds"]["SRCROOT"]["uri"] == project.resolve().as_uri() + "/"


def test_raise_stops_at_the_first_finding(project: Path) -> None:
    result = audit(project, "--policy", "raise", "--report", "out.json", "run_bugs.py", "--reraise")
    assert result.returncode == 1
    assert "safearray.SharedWriteError: -= writes through a View" in result.stderr
    assert "done" not in result.stdout
    found = json.loads((project / "out.json").read_text())["findings"]
    assert [(f["kind"], f["line"], f["count"]) for f in found] == [("shared-write", 11, 1)]
    assert table_rows(result.stderr) == [("shared write", f"{STATS}:11", 1)]


def test_module_mode(project: Path) -> None:
    plain = run(project, "-m", "audit_pkg", "x", "-y")
    audited = audit(project, "--report", "out.json", "-m", "audit_pkg", "x", "-y")
    assert plain.stdout.startswith("module ['x', '-y'] numpy")
    assert audited.stdout.startswith("module ['x', '-y'] safearray")
    assert audited.returncode == plain.returncode == 0
    found = json.loads((project / "out.json").read_text())["findings"]
    assert [(f["kind"], f["file"], f["line"]) for f in found] == [("shared-write", STATS, 11)]


def test_importtime(project: Path) -> None:
    result = run(project, "-X", "importtime", "-m", "safearray", "run_clean.py")
    assert result.returncode == 0
    assert result.stdout == run(project, "run_clean.py").stdout
    assert "import time:" in result.stderr and "audit_pkg.clean" in result.stderr


def test_unselected_modules_see_numpy(project: Path) -> None:
    excluded = audit(project, "--exclude", "audit_pkg.probe", "run_bugs.py")
    assert excluded.stdout.splitlines()[0] == "backends safearray safearray numpy"
    by_path = audit(project, "--exclude", "audit_pkg/probe.py", "run_bugs.py")
    assert by_path.stdout.splitlines()[0] == "backends safearray safearray numpy"
    only = audit(project, "--include", "audit_pkg.probe", "run_bugs.py")  # the script is audited too
    assert only.stdout.splitlines()[0] == "backends safearray numpy safearray"
    # an installed library (a site-packages directory, here under the project) keeps NumPy
    site = project / "venv" / "site-packages"
    site.mkdir(parents=True)
    (site / "thirdparty.py").write_text("import numpy\n\nBACKEND = numpy.__name__\n")
    (project / "use_lib.py").write_text(
        "import numpy, thirdparty, numpy.linalg\nprint(numpy.__name__, thirdparty.BACKEND, numpy.linalg.__name__)\n")
    lib = audit(project, "use_lib.py", extra_path=str(site))
    assert lib.stdout == f"safearray numpy {sa.linalg.__name__}\n", lib.stderr


# ----------------------------------------------------------------------------------
# sa.install in this process


@pytest.fixture
def modules(tmp_path: Path) -> Iterator[Path]:
    """A directory on sys.path; its modules are forgotten and the hook removed after the test."""
    sys.path.insert(0, str(tmp_path))
    before = set(sys.modules)
    try:
        yield tmp_path
    finally:
        sa.uninstall()
        sys.path.remove(str(tmp_path))
        for name in set(sys.modules) - before:
            if name.startswith(("hooked", "plain", "nspkg", "early")):
                del sys.modules[name]
        importlib.invalidate_caches()


def test_install_import_forms(modules: Path) -> None:
    (modules / "hooked_forms.py").write_text(textwrap.dedent("""
        import numpy
        import numpy as np
        import numpy.linalg as la
        from numpy import arange, linalg
        from numpy.random import default_rng
        import numpy.fft

        def later():
            import numpy
            from numpy import zeros
            return numpy, zeros
    """))
    (modules / "plain_mod.py").write_text("import numpy\n")
    assert sa.install(include=[str(modules)], exclude=["plain_mod"]) == []
    mod: Any = importlib.import_module("hooked_forms")
    assert mod.numpy is sa and mod.np is sa
    assert mod.la is sa.linalg and mod.linalg is sa.linalg and mod.arange is sa.arange
    assert mod.default_rng is sa.random.default_rng
    assert mod.later() == (sa, sa.zeros)
    assert isinstance(mod.np.arange(3), sa.Copy)
    assert importlib.import_module("plain_mod").numpy is numpy
    assert sys.modules["numpy"] is numpy and numpy.ones(2).__class__ is numpy.ndarray
    assert type(mod.__loader__).__name__ == "_Loader" and mod.__loader__.get_source("hooked_forms")


def test_install_packages_and_namespace_packages(modules: Path) -> None:
    pkg = modules / "hooked_pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("import numpy\nfrom . import core\n")
    (pkg / "core.py").write_text("from numpy import ones\n")
    (pkg / "sub" / "leaf.py").write_text("import numpy as np\n")  # sub: a namespace package
    (modules / "nspkg" / "inner").mkdir(parents=True)
    (modules / "nspkg" / "inner" / "mod.py").write_text("import numpy as np\n")
    sa.install(include=["hooked_pkg", "nspkg"])
    pkg_mod: Any = importlib.import_module("hooked_pkg")
    assert pkg_mod.numpy is sa and pkg_mod.core.ones is sa.ones
    assert importlib.import_module("hooked_pkg.sub.leaf").np is sa  # type: ignore[attr-defined]
    assert importlib.import_module("nspkg.inner.mod").np is sa  # type: ignore[attr-defined]


def test_install_names_modules_imported_before(modules: Path) -> None:
    (modules / "early_mod.py").write_text("import numpy as np\n")
    importlib.import_module("early_mod")
    with pytest.warns(sa.UncoveredWarning, match="early_mod: imported before safearray.install"):
        assert sa.install(include=[str(modules)]) == ["early_mod"]
    assert sys.modules["early_mod"].np is numpy


def test_unselected_imports_are_not_looked_up_twice(modules: Path) -> None:
    """The finder gives up at once on submodules of unselected packages (the next finders
    find them, as without the hook), and returns what it found for the rest (found once)."""
    sa.install(include=[str(modules)])
    finder = sys.meta_path[0]
    assert isinstance(finder, _hook._Finder)  # pyright: ignore[reportPrivateUsage]
    json_dir = os.path.dirname(importlib.import_module("json").__file__ or "")
    assert finder.find_spec("json.decoder", [json_dir]) is None
    assert finder.find_spec("numpy.linalg", list(numpy.__path__)) is None
    spec = finder.find_spec("csv", None)
    assert spec is not None and not isinstance(spec.loader, _hook._Loader)  # pyright: ignore[reportPrivateUsage]
    assert sa.uninstall() and not sa.uninstall()


# ----------------------------------------------------------------------------------
# pytest --safearray


def test_pytest_plugin(project: Path) -> None:
    plain = run(project, "-m", "pytest", "-p", "no:cacheprovider", "-q")
    assert plain.returncode == 0 and "5 passed" in plain.stdout
    assert "safearray findings" not in plain.stdout
    audited = run(project, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--safearray",
                  "--safearray-report", "out.json")
    out = audited.stdout
    assert audited.returncode == 1 and "1 failed, 4 passed" in out  # the guarded write is refused
    section = out[out.index("safearray findings"):]
    assert sorted(table_rows(section)) == sorted(
        [("shared write", f"{STATS}:11", 2), ("lost write", f"{STATS}:16", 1), ("read-only", f"{STATS}:22", 1)])
    assert "tests: checks/check_stats.py::check_center, checks/check_stats.py::check_center_again" in section
    found = {f["kind"]: f for f in json.loads((project / "out.json").read_text())["findings"]}
    assert set(found) == {"shared-write", "lost-write", "read-only"}
    assert found["read-only"]["tests"] == ["checks/check_stats.py::check_scale"]
    assert found["lost-write"]["tests"] == ["checks/check_stats.py::check_clip"]
    clean = run(project, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--safearray",
                "--safearray-policy", "raise", "checks/check_stats.py::check_clean")
    assert clean.returncode == 0 and "safearray: no findings (policy 'raise')" in clean.stdout


def test_findings_kinds_and_formats(tmp_path: Path) -> None:
    from safearray import _findings

    assert _findings.kind_of(sa.StaleViewWarning) == _findings.kind_of(sa.StaleViewError) == "stale-view"
    assert _findings.kind_of(sa.UncoveredWarning) == "uncovered" and _findings.kind_of(UserWarning) is None
    found = _findings.Findings()
    src = tmp_path / "mod.py"
    src.write_text("x = 1\ny = x[0]\n")
    for _ in range(3):
        assert found.add_warning(sa.StaleViewWarning("stale"), sa.StaleViewWarning, str(src), 2)
    assert found.add_warning("np.ma", sa.UncoveredWarning, str(src), 1, test="t::a")
    assert not found.add_warning("other", DeprecationWarning, str(src), 1)
    (uncovered, stale) = found.items()
    assert (stale.kind, stale.count, stale.source, stale.message) == ("stale-view", 3, "y = x[0]", "stale")
    assert (uncovered.kind, uncovered.tests) == ("uncovered", ["t::a"])
    table = found.table("warn")
    assert "stale view" in table and "tests: t::a" in table and "3  y = x[0]" in table
    sarif = found.to_sarif("warn")
    validate_sarif(sarif)
    assert [r["level"] for r in sarif["runs"][0]["results"]] == ["note", "warning"]
    assert _findings.Findings().table("raise") == "safearray: no findings (policy 'raise')\n"
