"""The benchmark script runs and reports every operation for both libraries (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_in_quick_mode(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick", "--sizes", "small",
         "--repeats", "1", "--json", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    rows = data["sizes"]["small"]
    assert len(rows) >= 25
    for name, row in rows.items():
        assert row["numpy"] > 0 and row["safearray"] > 0, name
    assert "geometric mean" in result.stdout
    compared = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--compare", str(out), str(out)],
        capture_output=True, text=True, timeout=60,
    )
    assert compared.returncode == 0 and "+0.0%" in compared.stdout
