"""Clocks: where "now" comes from.

The core never reads the wall clock by itself: a :class:`~tuyentruyen.Tracker` asks its
clock. :class:`SystemClock` is the default for production; tests and demos use
:class:`FixedClock` to replay 2023 as if it were today.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from tuyentruyen.timeexpr import ZONE, as_local

__all__ = ["Clock", "FixedClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Anything with a ``now()`` returning an aware datetime."""

    def now(self) -> datetime:
        """The current moment."""
        ...


class SystemClock:
    """The wall clock, in ``Asia/Ho_Chi_Minh``."""

    def now(self) -> datetime:
        """The current moment."""
        return datetime.now(ZONE)


class FixedClock:
    """A clock that shows a set moment until told otherwise.

    >>> clock = FixedClock(datetime(2023, 3, 1, 8, 0))
    >>> clock.advance(days=1).now().isoformat()
    '2023-03-02T08:00:00+07:00'
    """

    def __init__(self, moment: datetime) -> None:
        self._moment = as_local(moment)

    def now(self) -> datetime:
        """The set moment."""
        return self._moment

    def set(self, moment: datetime) -> FixedClock:
        """Move to ``moment`` (naive means plan-local time)."""
        self._moment = as_local(moment)
        return self

    def advance(self, **delta: float) -> FixedClock:
        """Move forward by a ``timedelta(**delta)``."""
        self._moment = self._moment + timedelta(**delta)
        return self
