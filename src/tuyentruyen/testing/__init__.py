"""Testing kit: hypothesis strategies, a stateful tracker machine, a pytest plugin.

* :mod:`tuyentruyen.testing.strategies`: plans, tasks, units, unit names and their
  spellings, windows, time phrases, plan files, invalid plans, event sequences;
* :class:`TrackerStateMachine` (and :class:`SQLiteTrackerMachine`,
  :class:`PostgresTrackerMachine`) from :mod:`tuyentruyen.testing.machine`;
* :class:`ReferenceModel` and :class:`Attempt` from :mod:`tuyentruyen.testing.reference`;
* the pytest plugin :mod:`tuyentruyen.testing.pytest_plugin` (fixtures ``tt_plan``,
  ``tt_clock``, ``tt_tracker``, ``tt_sqlite_tracker``), loaded by pytest itself.

Needs the ``testing`` extra: ``pip install tuyentruyen[testing]``. The names are loaded
on first use, so that importing the package (as the pytest plugin does) never needs
Hypothesis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tuyentruyen.testing import strategies
    from tuyentruyen.testing.machine import (
        PostgresTrackerMachine,
        SQLiteTrackerMachine,
        TrackerStateMachine,
    )
    from tuyentruyen.testing.reference import Attempt, ReferenceModel

__all__ = [
    "Attempt",
    "PostgresTrackerMachine",
    "ReferenceModel",
    "SQLiteTrackerMachine",
    "TrackerStateMachine",
    "strategies",
]

_FROM_REFERENCE = frozenset({"Attempt", "ReferenceModel"})
_FROM_MACHINE = frozenset(__all__) - {"strategies"} - _FROM_REFERENCE


def __getattr__(name: str) -> Any:
    if name == "strategies":
        return importlib.import_module("tuyentruyen.testing.strategies")
    if name in _FROM_REFERENCE:
        return getattr(importlib.import_module("tuyentruyen.testing.reference"), name)
    if name in _FROM_MACHINE:
        return getattr(importlib.import_module("tuyentruyen.testing.machine"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
