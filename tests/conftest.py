"""Shared fixtures and hypothesis profiles.

Profiles: ``dev`` (default, quick) and ``ci`` (more examples; chosen when ``CI`` is set
or with ``HYPOTHESIS_PROFILE=ci``).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tuyentruyen import FixedClock, Plan, Tracker, load_plan

settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parents[1]
SEED_PLAN = ROOT / "examples" / "quang-ninh-60-nam.yaml"


@pytest.fixture(scope="session")
def seed_plan() -> Plan:
    """The Quảng Ninh 60-year plan from examples/."""
    return load_plan(SEED_PLAN)


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at the end of 2023."""
    return FixedClock(datetime(2023, 12, 31, 17, 0))


@pytest.fixture
def seed_tracker(seed_plan: Plan, clock: FixedClock) -> Tracker:
    """An in-memory tracker on the seed plan."""
    return Tracker(seed_plan, clock=clock)
