"""Helpers of the ics plugin's tests: the demo tracker, export to a file, read it back
with icalendar. (No conftest.py: its name would clash with the root tests' one when
both folders are given to one pytest run.)"""

from __future__ import annotations

import atexit
import functools
import re
import shutil
import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from icalendar import Calendar, Component, vText, vUnknown
from tuyentruyen_ics import IcsExporter

from tuyentruyen import FixedClock, Plan, ReportingRule, Task, Tracker, Unit, Window
from tuyentruyen.demo import run_demo
from tuyentruyen.plugins import make_plugin_manager
from tuyentruyen.timeexpr import as_local

#: The demo's moment: the end of 31/10/2023, as `--at 31/10/2023` means.
DEMO_AT = as_local(datetime(2023, 10, 31, 23, 59, 59))


@functools.cache
def demo_run() -> tuple[Tracker, Path]:
    """The tracker of `tuyentruyen demo` (the Quảng Ninh plan with its 2023 events) and
    the folder of its database (demo.db); made once per test session."""
    folder = Path(tempfile.mkdtemp(prefix="tuyentruyen-ics-demo-"))
    atexit.register(shutil.rmtree, folder, True)
    return run_demo(folder), folder


@functools.cache
def demo_export() -> Path:
    """The ics export of the demo as of 31/10/2023 (end of day), made once."""
    return export(demo_run()[0], demo_run()[1], "demo.ics")


def options(at: datetime = DEMO_AT, **more: Any) -> dict[str, Any]:
    """Export options as the CLI passes them (``at`` aware, ``unit``, ``lang``)."""
    base: dict[str, Any] = {"at": as_local(at), "unit": None, "lang": "vi"}
    base.update(more)
    return base


def export(tracker: Tracker, folder: Path, name: str = "plan.ics", **more: Any) -> Path:
    """Write the ics export of ``tracker`` into ``folder`` with the exporter itself."""
    path = folder / name
    IcsExporter().export(tracker, str(path), options(**more))
    return path


def read(path: Path) -> Calendar:
    """The file read back by icalendar."""
    return Calendar.from_ical(path.read_bytes())


def todos(cal: Calendar) -> list[Component]:
    return list(cal.walk("VTODO"))


def events(cal: Calendar) -> list[Component]:
    return list(cal.walk("VEVENT"))


def by_uid(cal: Calendar) -> dict[str, Component]:
    return {str(c["UID"]): c for c in cal.subcomponents}


def text(component: Component, name: str) -> str:
    """A TEXT property as Python text (unescaped). icalendar 7.3 reads properties it has
    no type for (X-WR-CALNAME, NAME) as raw UNKNOWN values, escapes and all (earlier 7.x
    unescape them as TEXT); they are written as TEXT, so they are unescaped here."""
    value = component[name]
    if isinstance(value, vUnknown) and not isinstance(value, vText):
        return _TEXT_ESCAPE.sub(lambda m: _UNESCAPE[m.group(1)], str(value))
    return str(value)


#: RFC 5545 TEXT escapes: backslash, semicolon, comma, newline (n or N).
_TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")
_UNESCAPE = {"\\": "\\", ";": ";", ",": ",", "n": "\n", "N": "\n"}


def plan_of(tasks: Sequence[Task], *, reporting: Sequence[ReportingRule] = ()) -> Plan:
    """A small plan with two units (``a`` leads, ``b`` receives reports, issues)."""
    return Plan(
        id="p",
        title="Kế hoạch thử",
        issuer="b",
        units=[Unit("a", "Phòng A"), Unit("b", "Ban B")],
        tasks=list(tasks),
        reporting=list(reporting) or [ReportingRule(to="b")],
    )


def tracker_of(plan: Plan) -> Tracker:
    """An in-memory tracker on ``plan`` with only the built-in plugins."""
    return Tracker(
        plan,
        clock=FixedClock(datetime(2030, 1, 1)),
        plugins=make_plugin_manager(entry_points=False),
    )


def task(task_id: str = "1", title: str = "Nhiệm vụ", **more: Any) -> Task:
    """A task (led by ``a``, window March-October 2023 unless given)."""
    more.setdefault("window", Window(date(2023, 3, 1), date(2023, 10, 31)))
    more.setdefault("lead", "a")
    return Task(id=task_id, title=title, **more)
