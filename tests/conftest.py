"""Shared fixtures and the hypothesis profiles.

Under CI (``CI=true``) hypothesis is derandomized so that a run is repeatable;
locally it explores with random seeds.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

import safearray as sa

settings.register_profile(
    "ci", derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _reset_policy() -> Iterator[None]:
    """Every test starts with the default global policy, "warn"."""
    previous = sa.set_policy("warn")
    yield
    sa.set_policy(previous)
