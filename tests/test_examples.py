"""The examples run, and the plain-NumPy example gives the same numbers under safearray."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import safearray as sa

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_example_runs(path: Path) -> None:
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def load_pipeline(numpy_module: Any) -> Any:
    """examples/numpy_pipeline.py with ``numpy`` bound to ``numpy_module`` (as `import x as np`)."""
    source = (EXAMPLES / "numpy_pipeline.py").read_text()
    source = source.replace("import numpy as np", "")
    module = types.ModuleType("numpy_pipeline")
    module.np = numpy_module  # type: ignore[attr-defined]
    exec(compile(source, str(EXAMPLES / "numpy_pipeline.py"), "exec"), module.__dict__)
    return module.pipeline


def test_numpy_pipeline_gives_the_same_numbers_with_safearray() -> None:
    expected = load_pipeline(np)()
    with sa.policy("raise"):  # and it never writes through a view or into a lost copy
        got = load_pipeline(sa)()
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        ours = got[key]
        if isinstance(value, float):
            assert ours == value, key
            continue
        assert isinstance(ours, sa.SafeArray), (key, type(ours))
        assert np.asarray(ours).dtype == value.dtype, key
        np.testing.assert_array_equal(np.asarray(ours), value, err_msg=key)


def test_quickstart_reports_both_bugs() -> None:
    out = subprocess.run([sys.executable, str(EXAMPLES / "quickstart.py")], capture_output=True, text=True)
    assert "SharedWriteWarning" in out.stdout and "LostWriteWarning" in out.stdout


def test_the_ownership_example_is_silent_even_under_raise() -> None:
    """Every write in examples/ownership.py but the one it reports on purpose is correct code."""
    env = {**os.environ, "SAFEARRAY_POLICY": "raise"}
    out = subprocess.run([sys.executable, "-W", "error", str(EXAMPLES / "ownership.py")],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert "reported      : SharedWriteError" in out.stdout
    assert "grid          : Copy base: None" in out.stdout
    assert "every check is active" in out.stdout


def test_the_stale_views_example_shows_the_swap_bug_and_its_fix() -> None:
    out = subprocess.run([sys.executable, "-W", "error", str(EXAMPLES / "stale_views.py")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "NumPy, naive swap : [[3, 4, 5], [3, 4, 5]]" in out.stdout
    assert "safearray, naive  : [[3, 4, 5], [3, 4, 5]] -> StaleViewWarning" in out.stdout
    assert "safearray, fancy  : [[3, 4, 5], [0, 1, 2]]" in out.stdout
    assert "stale_reads=True  : StaleViewError - reading a stale View" in out.stdout
