"""The drop-in measurements run (no thresholds on their numbers: the README reports them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_docstring_corpus_compares_numpy_and_safearray(tmp_path: Path) -> None:
    out = tmp_path / "corpus.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "--only", "numpy.cumsum",
         "--workers", "1", "--json", str(out)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())
    summary = report["summary"]
    assert summary["docstrings"] == 1 and summary["comparable"] > 0
    # every comparable example of numpy.cumsum gives NumPy's result (tags aside)
    assert summary["same"] + summary["tag_only"] == summary["comparable"]
    verdicts = {e["verdict"] for e in report["examples"]}
    assert verdicts <= {"same", "different", "error", "not comparable"}
    assert "same result / comparable" in done.stdout


def test_suites_script_describes_itself() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "suites.py"), "--help"],
                          capture_output=True, text=True, cwd=ROOT, check=False, timeout=60)
    assert done.returncode == 0 and "--only" in done.stdout
