"""pytest plugin (entry point ``pytest11``): run a test suite under a safearray write policy.

* ``pytest --safearray-policy=raise`` runs every test under that policy;
* ``@pytest.mark.safearray_policy("allow")`` sets it for one test (it wins over the flag);
* ``pytest --safearray-stale-reads`` turns on the general check of stale Views for every test
  (every use of a View whose bytes changed through another path after it was made);
* ``pytest --safearray`` installs the import hook for the session (``import numpy`` gives
  safearray in the project's own modules and tests: ``--safearray-include``/``-exclude``, by
  default the rootdir without site-packages) and ends with a "safearray findings" section,
  each finding with the tests that hit it (``--safearray-report FILE``: JSON or SARIF too).
"""

from __future__ import annotations

import warnings
from collections.abc import Generator, Iterator
from typing import Any

import pytest

from ._policy import MODES, check_mode, policy, set_policy

_FINDINGS = pytest.StashKey[Any]()
_UNDO = pytest.StashKey[Any]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("safearray")
    group.addoption(
        "--safearray-policy",
        action="store",
        default=None,
        choices=MODES,
        help="run every test under this safearray write policy (allow, warn or raise)",
    )
    group.addoption(
        "--safearray-stale-reads",
        action="store_true",
        default=False,
        help="report every use of a stale safearray View (bytes changed through another path)",
    )
    group.addoption(
        "--safearray",
        action="store_true",
        default=False,
        help="audit: `import numpy` gives safearray in the project's modules and tests; "
             "a summary of the findings at the end",
    )
    group.addoption(
        "--safearray-include",
        action="append",
        default=None,
        metavar="P",
        help="with --safearray: a module name or path that gets safearray (repeatable; default: the rootdir)",
    )
    group.addoption(
        "--safearray-exclude",
        action="append",
        default=[],
        metavar="P",
        help="with --safearray: a module name or path that keeps NumPy (repeatable)",
    )
    group.addoption(
        "--safearray-report",
        action="store",
        default=None,
        metavar="FILE",
        help="with --safearray: write the findings to FILE (SARIF 2.1.0 for .sarif, else JSON)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    """Install the hook before the project's conftest files are imported."""
    opts = early_config.known_args_namespace
    if not getattr(opts, "safearray", False):
        return
    from . import _findings, _hook

    include = getattr(opts, "safearray_include", None) or [str(early_config.rootpath)]
    mode = getattr(opts, "safearray_policy", None)
    if mode is not None:
        set_policy(check_mode(mode, "--safearray-policy"))
    findings = _findings.Findings()
    early_config.stash[_FINDINGS] = findings
    early_config.stash[_UNDO] = _findings.record_warnings(findings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the modules imported before the hook are listed below
        before = _hook.install(include, getattr(opts, "safearray_exclude", None) or [])
    if before:
        findings.note = f"imported before the hook, keep NumPy: {', '.join(before)}"


def pytest_warning_recorded(warning_message: warnings.WarningMessage, when: str, nodeid: str,
                            location: tuple[str, int, str] | None) -> None:
    findings = _findings_of_session()
    if findings is not None:
        findings.add_warning(warning_message.message, warning_message.category, warning_message.filename,
                             warning_message.lineno, test=nodeid or None)


_session_findings: list[Any] = []


def _findings_of_session() -> Any:
    return _session_findings[-1] if _session_findings else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    findings = item.config.stash.get(_FINDINGS, None)
    if findings is None:
        result = yield
        return result
    findings.test = item.nodeid
    try:
        result = yield
        return result
    finally:
        findings.test = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, object, object]:
    findings = item.config.stash.get(_FINDINGS, None)
    if findings is not None and call.excinfo is not None:
        findings.add_exception(call.excinfo.value, test=item.nodeid)
    result = yield
    return result


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    findings = config.stash.get(_FINDINGS, None)
    if findings is None:
        return
    from ._policy import get_policy

    mode = config.getoption("safearray_policy") or get_policy()
    terminalreporter.section("safearray findings")
    if findings.note:
        terminalreporter.write_line(f"safearray: {findings.note}")
    terminalreporter.write(findings.table(mode))
    report = config.getoption("safearray_report")
    if report:
        findings.write(report, mode, {"exit_status": int(exitstatus)})
        terminalreporter.write_line(f"safearray: findings written to {report}")


def pytest_unconfigure(config: pytest.Config) -> None:
    undo = config.stash.get(_UNDO, None)
    if undo is not None:
        from . import _hook

        undo()
        _hook.uninstall()
        del config.stash[_UNDO]
    if _session_findings and config.stash.get(_FINDINGS, None) is _session_findings[-1]:
        _session_findings.pop()


def pytest_configure(config: pytest.Config) -> None:
    findings = config.stash.get(_FINDINGS, None)
    if findings is not None:
        _session_findings.append(findings)
    config.addinivalue_line(
        "markers", "safearray_policy(mode): run this test under the safearray write policy mode"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[Any]:
    marker = item.get_closest_marker("safearray_policy")
    mode = None
    if marker is not None:
        if len(marker.args) != 1:
            raise pytest.UsageError("safearray_policy takes exactly one mode: allow, warn or raise")
        mode = check_mode(marker.args[0], "safearray_policy")
    else:
        mode = item.config.getoption("safearray_policy")
    stale_reads = True if item.config.getoption("safearray_stale_reads") else None
    if item.config.getoption("safearray"):  # every occurrence counts, unless the project's filters say otherwise
        from ._errors import MutationWarning

        warnings.filterwarnings("always", category=MutationWarning, append=True)
    if mode is None and stale_reads is None:
        yield
        return
    with policy(mode, stale_reads=stale_reads):
        yield
