"""Helpers of the xlsx plugin's tests: moments, small plans, export and read back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from tuyentruyen_xlsx import HEADER_ROW, XlsxExporter

from tuyentruyen import FixedClock, Plan, Task, Tracker, Unit, Window
from tuyentruyen.timeexpr import end_of_day


def as_of(day: date) -> datetime:
    """What ``--at D/M/YYYY`` means: the last instant of that day in Vietnam."""
    return end_of_day(day) - timedelta(microseconds=1)


#: The demo's good moment, and one a month later when some tasks are overdue.
AT = as_of(date(2023, 10, 31))
LATER = as_of(date(2023, 11, 30))


def export(tracker: Any, path: Path, **options: Any) -> Path:
    """Write the xlsx export of ``tracker`` to ``path`` (``at`` defaults to AT)."""
    options.setdefault("at", AT)
    options.setdefault("unit", None)
    options.setdefault("lang", "vi")
    XlsxExporter().export(tracker, str(path), options)
    return path


def read(path: Path) -> Workbook:
    return load_workbook(path)


def table(ws: Any) -> list[list[Any]]:
    """The values of the table rows under the header row (header excluded)."""
    return [list(r) for r in ws.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]


def header(ws: Any) -> list[Any]:
    return [c.value for c in ws[HEADER_ROW]]


def small_plan(
    titles: Sequence[str] = ("Nhiệm vụ",),
    *,
    unit_name: str = "Phòng Tuyên truyền",
    ongoing: bool = False,
    end: date | None = date(2024, 6, 30),
) -> Plan:
    """A plan with one task per title, all led by unit ``a`` (named ``unit_name``)
    and supported by ``b``."""
    tasks = [
        Task(
            id=f"{k + 1}",
            title=title,
            lead="a",
            support=("b",),
            support_other=("các cơ quan liên quan",),
            plan_due=date(2024, 2, 28),
            window=Window(date(2024, 3, 1), end),
            ongoing=ongoing,
        )
        for k, title in enumerate(titles)
    ]
    units = [Unit("a", unit_name), Unit("b", "Sở Văn hóa và Thể thao"), Unit("x", "Ban")]
    return Plan(id="nho", title="Kế hoạch nhỏ", issuer="x", units=units, tasks=tasks)


def tracker_of(plan: Plan) -> Tracker:
    return Tracker(plan, clock=FixedClock(datetime(2024, 1, 1)))
