"""tuyentruyen-ics: the ``ics`` export of tuyentruyen (iCalendar, RFC 5545).

``tuyentruyen export PLAN --db DB --format ics -o plan.ics --at 31/10/2023`` writes a
calendar that any calendar or task application imports: one VTODO per task (its
deadline as ``DUE``, its state as ``STATUS``, its classification as ``CATEGORIES``, an
alarm while it is open), an all-day VEVENT per sub-plan deadline and per execution
window, and a recurring VEVENT per periodic reporting duty. Importing a later export
again updates the same items: UIDs depend only on the plan, the task and the kind of
item. docs/export-ics.md describes the file and its options.

Options (``-O KEY=VALUE``): ``alarm_days`` (default ``3``: an alarm 3 days before each
open deadline, at 08:00; ``3,1`` for two alarms; ``off`` for none).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tuyentruyen import hookimpl
from tuyentruyen.hookspecs import Exporter
from tuyentruyen_ics.build import (
    DEFAULT_ALARM_DAYS,
    STATUS,
    IcsOptionError,
    alarm_days_option,
    alarm_trigger,
    build_calendar,
    ics_bytes,
    iter_ics,
    report_days,
    uid,
)

__all__ = [
    "DEFAULT_ALARM_DAYS",
    "STATUS",
    "IcsExporter",
    "IcsOptionError",
    "alarm_days_option",
    "alarm_trigger",
    "build_calendar",
    "ics_bytes",
    "iter_ics",
    "register_exporters",
    "report_days",
    "uid",
]
__version__ = "0.1.0"


class IcsExporter:
    """The ``ics`` exporter: the plan's tasks, windows and reporting duties as an
    iCalendar file (UTF-8, CRLF line endings, lines folded at 75 octets)."""

    suffix = ".ics"

    def export(self, tracker: Any, path: str, options: Mapping[str, Any]) -> None:
        """Write the calendar of ``tracker`` as of ``options["at"]`` to ``path``."""
        with Path(path).open("wb") as out:
            for piece in iter_ics(tracker, options):
                out.write(piece)


@hookimpl
def register_exporters(register: Callable[[str, Exporter], None]) -> None:
    """Offer the ``ics`` format."""
    register("ics", IcsExporter())
