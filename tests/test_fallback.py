"""The compiled core and its pure-Python twin behave the same.

The core tests run a second time in a subprocess with ``SAFEARRAY_PURE_PYTHON=1``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import safearray as sa
from safearray import _array

ROOT = Path(__file__).resolve().parent.parent
#: The test files that exercise the core (tagging, indexing, operators, the write policy).
CORE_TESTS = ["test_judge.py", "test_policy.py", "test_readme.py", "test_indexing.py", "test_array.py", "test_operators.py",
              "test_setters.py", "test_numpy_testing.py", "test_stale.py", "test_escapes.py", "test_out.py"]


def test_compiled_core_is_used_when_built() -> None:
    built = list((ROOT / "safearray").glob("_speedups*.so")) + list((ROOT / "safearray").glob("_speedups*.pyd"))
    if not built and _array._speedups is None:
        pytest.skip("the compiled core was not built here (no C compiler): pure-Python mode")
    if os.environ.get("SAFEARRAY_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("SAFEARRAY_PURE_PYTHON is set")
    assert _array._speedups is not None
    assert type(sa.arange(3)).__mro__[2] is _array._speedups.ArrayBase


def test_core_tests_pass_in_pure_python_mode() -> None:
    if os.environ.get("SAFEARRAY_PURE_PYTHON", "") not in ("", "0"):
        pytest.skip("already in pure-Python mode")
    files = [str(ROOT / "tests" / name) for name in CORE_TESTS if (ROOT / "tests" / name).exists()]
    env = dict(os.environ, SAFEARRAY_PURE_PYTHON="1")
    probe = subprocess.run(
        [sys.executable, "-c", "from safearray import _array; print(_array._speedups)"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert probe.stdout.strip() == "None"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *files],
        env=env, capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
