"""pytest plugin (entry point ``pytest11``): run a test suite under a safearray write policy.

* ``pytest --safearray-policy=raise`` runs every test under that policy;
* ``@pytest.mark.safearray_policy("allow")`` sets it for one test (it wins over the flag);
* ``pytest --safearray-stale-reads`` turns on the general check of stale Views for every test
  (every use of a View whose bytes changed through another path after it was made).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ._policy import MODES, check_mode, policy


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


def pytest_configure(config: pytest.Config) -> None:
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
    if mode is None and stale_reads is None:
        yield
        return
    with policy(mode, stale_reads=stale_reads):
        yield
