"""The type checkers accept safearray and tests/typing/check_types.py (strict), and reject
what that file marks as errors; plus the run-time side of the generic classes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import safearray as sa

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MYPY_FORCE_COLOR="0", NO_COLOR="1")
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)


def test_mypy_strict() -> None:
    pytest.importorskip("mypy", reason="install the test extra: pip install -e '.[test]'")
    result = run([sys.executable, "-m", "mypy", "--no-incremental"])  # files and flags: pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyright_strict() -> None:
    pytest.importorskip("pyright", reason="install the test extra: pip install -e '.[test]'")
    command = [sys.executable, "-m", "pyright"] if shutil.which("pyright") is None else ["pyright"]
    result = run([*command, "--project", str(ROOT), "--pythonpath", sys.executable])  # rules: pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors" in result.stdout


def test_generic_classes_at_run_time() -> None:
    alias = sa.Copy[np.float64]
    assert alias.__origin__ is sa.Copy  # type: ignore[attr-defined]
    assert sa.View[np.int8] is not None and sa.SafeArray[np.bool_] is not None
    x = sa.zeros(3)
    assert isinstance(x, sa.Copy) and isinstance(x, sa.SafeArray)
