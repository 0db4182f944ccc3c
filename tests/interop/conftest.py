"""Fixtures of the interop suite: the real PyData libraries, with SafeArrays, under every policy.

Each library's tests are skipped, saying so, when the library is not installed; the
``interop`` extra (``pip install -e ".[test]"``) installs all of them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import safearray as sa


@pytest.fixture(params=["allow", "warn", "raise"])
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test under each global policy (warnings are errors in this suite's pytest
    configuration, so a false alarm under "warn" fails the test as one under "raise" does)."""
    previous = sa.set_policy(request.param)
    yield request.param
    sa.set_policy(previous)
