"""pytest plugin of the testing kit: fixtures and Hypothesis profiles.

pytest loads it by itself wherever tuyentruyen is installed (entry point ``pytest11``
``tuyentruyen``); it changes nothing until a test asks for one of its fixtures or the
configuration asks for a profile. It needs neither Hypothesis nor anything else beyond
the core to load.

Fixtures:

* ``tt_plan``: the seed plan (Quảng Ninh, 60 years), from ``examples/`` of a checkout
  or the copy inside the installed package;
* ``tt_clock``: a :class:`~tuyentruyen.FixedClock` at :data:`CLOCK_START` (Monday
  2/1/2023, 08:00, Asia/Ho_Chi_Minh); move it with ``tt_clock.advance(days=3)`` or
  ``tt_clock.set(datetime(...))``;
* ``tt_tracker``: an in-memory :class:`~tuyentruyen.Tracker` on ``tt_plan`` and
  ``tt_clock``;
* ``tt_sqlite_tracker``: a tracker on a new SQLite file in the test's ``tmp_path``,
  closed afterwards.

Hypothesis profiles (registered when Hypothesis is installed, loaded only on request):

* ``tuyentruyen-dev``: 50 examples, no deadline;
* ``tuyentruyen-ci``: 200 examples, no deadline, the too-slow health check off, and a
  reproduction blob printed with each failure.

Ask for one with the ini option ``tuyentruyen_hypothesis_profile`` or the command-line
option ``--tt-hypothesis-profile``: a profile name (any registered profile, yours
too), or ``auto`` (``tuyentruyen-ci`` when the ``CI`` environment variable is set and
not empty, else ``tuyentruyen-dev``). The command line wins over the ini file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tuyentruyen.clock import FixedClock
    from tuyentruyen.model import Plan
    from tuyentruyen.tracker import Tracker

__all__ = [
    "CLOCK_START",
    "PROFILE_CI",
    "PROFILE_DEV",
    "register_profiles",
    "tt_clock",
    "tt_plan",
    "tt_sqlite_tracker",
    "tt_tracker",
]

#: Where ``tt_clock`` starts (naive: plan-local time, Asia/Ho_Chi_Minh).
CLOCK_START = datetime(2023, 1, 2, 8, 0)
#: The quick profile.
PROFILE_DEV = "tuyentruyen-dev"
#: The thorough profile.
PROFILE_CI = "tuyentruyen-ci"

_INI = "tuyentruyen_hypothesis_profile"


def register_profiles() -> bool:
    """Register the two profiles with Hypothesis; False when it is not installed."""
    try:
        from hypothesis import HealthCheck, settings
    except ImportError:
        return False
    settings.register_profile(PROFILE_DEV, max_examples=50, deadline=None)
    settings.register_profile(
        PROFILE_CI,
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        print_blob=True,
    )
    return True


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--tt-hypothesis-profile`` and the ini option ``tuyentruyen_hypothesis_profile``."""
    group = parser.getgroup("tuyentruyen", "tuyentruyen testing kit")
    group.addoption(
        "--tt-hypothesis-profile",
        dest="tt_hypothesis_profile",
        default=None,
        metavar="NAME",
        help=f"load this Hypothesis profile: 'auto' ({PROFILE_CI} when CI is set, else "
        f"{PROFILE_DEV}) or any registered profile's name",
    )
    parser.addini(
        _INI,
        help="Hypothesis profile to load: 'auto' or a profile name (default: none)",
        default="",
    )


def _chosen(config: pytest.Config) -> str:
    """The profile asked for ('' when none), 'auto' resolved."""
    choice = config.getoption("tt_hypothesis_profile") or str(config.getini(_INI) or "")
    choice = choice.strip()
    if choice == "auto":
        return PROFILE_CI if os.environ.get("CI") else PROFILE_DEV
    return choice


def pytest_configure(config: pytest.Config) -> None:
    """Register the profiles; load the one asked for, if any."""
    registered = register_profiles()
    name = _chosen(config)
    if not name:
        return
    if not registered:
        raise pytest.UsageError(
            f"a Hypothesis profile ({name!r}) was asked for, but Hypothesis is not "
            "installed: pip install 'tuyentruyen[testing]'"
        )
    from hypothesis import settings
    from hypothesis.errors import InvalidArgument

    try:
        settings.load_profile(name)
    except InvalidArgument as exc:
        raise pytest.UsageError(f"--tt-hypothesis-profile / {_INI}: {exc}") from None


def pytest_report_header(config: pytest.Config) -> str | None:
    """Say which profile was loaded, when one was."""
    name = _chosen(config)
    return f"tuyentruyen: hypothesis profile {name!r}" if name else None


@pytest.fixture(scope="session")
def tt_plan() -> Plan:
    """The seed plan (Quảng Ninh, 60 years): ``examples/`` of a source checkout, else
    the copy packaged with tuyentruyen."""
    from tuyentruyen.demo import find_seed_plan
    from tuyentruyen.io import load_plan

    return load_plan(find_seed_plan())


@pytest.fixture
def tt_clock() -> FixedClock:
    """A clock standing at :data:`CLOCK_START` until moved (``advance(days=1)``,
    ``set(moment)``)."""
    from tuyentruyen.clock import FixedClock

    return FixedClock(CLOCK_START)


@pytest.fixture
def tt_tracker(tt_plan: Plan, tt_clock: FixedClock) -> Tracker:
    """An in-memory tracker on the seed plan and ``tt_clock``."""
    from tuyentruyen.tracker import Tracker

    return Tracker(tt_plan, clock=tt_clock)


@pytest.fixture
def tt_sqlite_tracker(tt_plan: Plan, tt_clock: FixedClock, tmp_path: Path) -> Iterator[Tracker]:
    """A tracker on a new SQLite database (``tmp_path / "tuyentruyen.db"``) holding the
    seed plan; its store is closed after the test."""
    from tuyentruyen.tracker import Tracker

    tracker = Tracker.open(tmp_path / "tuyentruyen.db", tt_plan, clock=tt_clock)
    try:
        yield tracker
    finally:
        close = getattr(tracker.store, "close", None)
        if close is not None:
            close()
