"""benchmarks/importtime.py runs and reports both conditions (no timing assertions)."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "importtime.py"


def script_module() -> Any:
    spec = importlib.util.spec_from_file_location("safearray_importtime", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Any]:
    out = tmp_path_factory.mktemp("importtime") / "importtime.json"
    # this checkout's safearray, whatever the environment would import outside it
    argv = [sys.executable, str(SCRIPT), "--runs", "2", "--checkout", str(ROOT), "--json", str(out)]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result, json.loads(out.read_text())


def test_json_has_both_conditions_with_every_sample(two_runs: tuple[subprocess.CompletedProcess[str], Any]) -> None:
    _, data = two_runs
    assert data["runs"] == 2 and data["target_ms"] > 0
    for key in ("cpu", "cores", "load", "load after", "python", "numpy"):
        assert data["machine"][key], key
    assert [s["path"] for s in data["safearrays"]] == [str(ROOT / "safearray")]
    assert data["safearrays"][0]["core"] in ("compiled", "pure Python")
    assert list(data["conditions"]) == ["cached", "uncached"]
    for condition, block in data["conditions"].items():
        (row,) = block["rows"]
        for key in ("numpy_ms", "safearray_ms"):
            assert math.isfinite(row[key]) and row[key] > 0, (condition, key)
        assert row["difference_ms"] == pytest.approx(row["safearray_ms"] - row["numpy_ms"])
        assert len(block["samples"]) == 2 and all(len(s) == 2 for s in block["samples"].values())
        assert row["wall_ms"]["numpy"] > 0 and row["wall_ms"]["safearray"] > 0
    assert isinstance(data["conditions"]["cached"]["rows"][0]["cache_written"], bool)


def test_the_table_has_a_row_per_condition_and_the_machine(
    two_runs: tuple[subprocess.CompletedProcess[str], Any],
) -> None:
    result, _ = two_runs
    lines = result.stdout.splitlines()
    assert lines[0].startswith("machine: ") and lines[1].startswith("Python ") and lines[2].startswith("safearray: ")
    header = next(line for line in lines if line.startswith("condition"))
    assert header.split() == ["condition", "numpy", "safearray", "difference"]
    for condition in ("cached", "uncached"):
        (row,) = [line for line in lines if line.startswith(condition + " ")]
        numpy_ms, safearray_ms, difference = (float(v) for v in row.split()[1:])
        assert difference == pytest.approx(safearray_ms - numpy_ms, abs=0.11)
    assert any(line.startswith("target: cached difference <= ") for line in lines)
    assert max(len(line) for line in lines if not line.startswith(("Python ", "safearray: "))) <= 100


@pytest.mark.parametrize(("args", "words"), [
    (["--runs", "0"], ["--runs"]),
    (["--checkout", "/no/such/checkout"], ["--checkout", "safearray/__init__.py"]),
])
def test_bad_options_are_refused(args: list[str], words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        script_module().main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err
