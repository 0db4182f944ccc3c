"""The README's first example does what the README says, line by line."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np

import safearray as sa

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def first_python_block() -> str:
    return re.search(r"```python\n(.*?)```", README, re.S).group(1)  # type: ignore[union-attr]


def test_the_bug_in_plain_numpy() -> None:
    namespace: dict[str, object] = {}
    exec(compile(first_python_block(), "pipeline.py", "exec"), namespace)
    data = namespace["data"]
    assert isinstance(data, np.ndarray)
    assert (data[10:20] == 0).all()  # the view wrote into data
    assert data[51] == 51  # the write into the copy was lost


def test_the_same_code_with_safearray_reports_both_lines() -> None:
    source = first_python_block().replace("import numpy as np", "import safearray as np")
    namespace: dict[str, object] = {}
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        exec(compile(source, "pipeline.py", "exec"), namespace)
    found = [(w.category, w.filename, w.lineno) for w in record]
    assert found == [(sa.SharedWriteWarning, "pipeline.py", 3), (sa.LostWriteWarning, "pipeline.py", 5)]
    for w in record:  # the README shows these messages verbatim, with their lines
        assert f"pipeline.py:{w.lineno}: {w.category.__name__}: {w.message}" in README
    data = namespace["data"]
    assert isinstance(data, sa.Copy)
    np.testing.assert_array_equal(np.asarray(data)[10:20], 0)
    assert data[51] == 51


def test_the_silent_examples_are_silent_even_under_raise() -> None:
    """Every block that starts with ``import safearray as np`` and is not the bug runs without
    a single warning or error under "raise"."""
    blocks = [b for b in re.findall(r"```python\n(.*?)```", README, re.S)
              if b.startswith("import safearray as np")]
    assert blocks
    for block in blocks:
        with sa.policy("raise"), warnings.catch_warnings():
            warnings.simplefilter("error")
            exec(compile(block, "README.md", "exec"), {})


def test_the_interactive_examples_print_what_the_readme_shows() -> None:
    """Every ``>>>`` block of the README, run by doctest."""
    import doctest

    blocks = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if b.startswith(">>>")]
    assert blocks
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    parser = doctest.DocTestParser()
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {"sa": sa}, f"README block {i}", "README.md", 0)
        runner.run(test)
    assert runner.failures == 0, runner.summarize()
