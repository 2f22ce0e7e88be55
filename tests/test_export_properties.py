"""Every export format, on plans and histories from the testing kit, says what the
tracker says: read back with the library that reads the format, each task is there
once, in plan order, with its state or classification; the same export gives the same
bytes; the JSON export gives the plan back.

The plugin formats are exercised only where their distribution is installed (``make
test`` installs every in-repo plugin; a missing one here fails, see
``test_every_in_repo_format_is_installed``)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuyentruyen import (
    DependencyNotMet,
    EventError,
    FixedClock,
    InvalidTransition,
    NotPermitted,
    Plan,
    Tracker,
)
from tuyentruyen.export import STATUS_KEYS, export_to
from tuyentruyen.io import plan_from_dict
from tuyentruyen.plugins import collect, get_plugin_manager
from tuyentruyen.testing import strategies as tts
from tuyentruyen.timeexpr import as_local

FORMATS = collect(get_plugin_manager(), "register_exporters")
IN_REPO = ("json", "csv", "markdown", "dot", "mermaid", "xlsx", "docx", "ics", "html")


def test_every_in_repo_format_is_installed() -> None:
    assert set(IN_REPO) <= set(FORMATS)


@st.composite
def histories(draw: st.DrawFn) -> tuple[Tracker, datetime]:
    """A kit plan, a history of attempted fires (refused ones dropped) and a moment."""
    plan: Plan = draw(tts.plans(max_tasks=6, dependency_density=0.4))
    tracker = Tracker(plan, clock=FixedClock(datetime(2030, 1, 1)))
    at = datetime(2023, 1, 2, 8)
    for step in draw(tts.event_steps(plan, max_size=25)):
        at += timedelta(minutes=abs(step.minutes))
        with contextlib.suppress(InvalidTransition, EventError, NotPermitted, DependencyNotMet):
            tracker.fire(step.task, step.event, actor=step.actor, at=at, final=step.final)
    moment = datetime(2022, 6, 1) + timedelta(days=draw(st.integers(0, 1400)), hours=23)
    return tracker, as_local(moment)


def _export(name: str, tracker: Tracker, folder: Path, at: datetime) -> Path:
    exporter = FORMATS[name]
    target = folder / f"out{exporter.suffix}"
    return export_to(exporter, tracker, target, {"at": at, "unit": None, "lang": "vi"}, force=True)


def _read_json(path: Path, tracker: Tracker, at: datetime) -> None:
    data = json.loads(path.read_text("utf-8"))
    statuses = tracker.status(at=at)
    assert [(t["id"], t["state"], t["classification"]) for t in data["tasks"]] == [
        (s.task.id, s.state, s.classification.value) for s in statuses
    ]
    tasks = [{k: v for k, v in t.items() if k not in STATUS_KEYS} for t in data["tasks"]]
    assert plan_from_dict({**data["plan"], "tasks": tasks}) == tracker.plan
    seqs = [e["seq"] for t in data["tasks"] for e in t["history"]]
    assert sorted(seqs) == [e.seq for e in tracker.events if e.at <= at]


def _read_csv(path: Path, tracker: Tracker, at: datetime) -> None:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert [(r[0], r[8]) for r in rows[1:]] == [
        (s.task.id, s.classification.label("vi")) for s in tracker.status(at=at)
    ]


def _read_xlsx(path: Path, tracker: Tracker, at: datetime) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[4]]
    col = header.index("Phân loại")
    got = [(r[0], r[col]) for r in sheet.iter_rows(min_row=5, values_only=True) if r[0]]
    assert got == [(s.task.id, s.classification.label("vi")) for s in tracker.status(at=at)]
    units = book.worksheets[1]
    total = next(r for r in units.iter_rows(values_only=True) if r[0] == "Tổng cộng")
    summary = tracker.summary(at=at).total
    assert (total[1], total[2]) == (summary.total, summary.due)


def _read_ics(path: Path, tracker: Tracker, at: datetime) -> None:
    from icalendar import Calendar

    calendar = Calendar.from_ical(path.read_bytes())
    todos = list(calendar.walk("VTODO"))
    assert [str(c["UID"]).split(".")[-2] for c in todos] == [t.id for t in tracker.plan.tasks]
    statuses = {s.task.id: s.state for s in tracker.status(at=at)}
    expected = {
        "planned": "NEEDS-ACTION", "issued": "NEEDS-ACTION", "in_progress": "IN-PROCESS",
        "reported": "IN-PROCESS", "done": "COMPLETED", "cancelled": "CANCELLED",
    }  # fmt: skip
    for todo, task in zip(todos, tracker.plan.tasks, strict=True):
        assert str(todo["STATUS"]) == expected[statuses[task.id]]
    uids = [str(c["UID"]) for c in calendar.walk() if "UID" in c]
    assert len(uids) == len(set(uids))


def _read_html(path: Path, tracker: Tracker, at: datetime) -> None:
    text = path.read_text("utf-8")
    bars = re.findall(r'class="bar[^"]*" data-task="([^"]*)"[^>]*data-class="([^"]*)"', text)
    assert bars == [(s.task.id, s.classification.value) for s in tracker.status(at=at)]


def _read_docx(path: Path, tracker: Tracker, at: datetime) -> None:
    import docx

    document = docx.Document(str(path))
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    total = next(r for r in rows if r[1] == "Tổng cộng")  # STT, unit, total, due, …
    summary = tracker.summary(at=at).total
    assert [int(total[2]), int(total[3])] == [summary.total, summary.due]


READERS: dict[str, Callable[[Path, Tracker, datetime], None]] = {
    "json": _read_json,
    "csv": _read_csv,
    "xlsx": _read_xlsx,
    "ics": _read_ics,
    "html": _read_html,
    "docx": _read_docx,
}


@pytest.mark.parametrize("name", sorted(READERS))
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories())
def test_each_format_reads_back_as_the_tracker_says(
    name: str, history: tuple[Tracker, datetime], tmp_path: Path
) -> None:
    tracker, at = history
    path = _export(name, tracker, tmp_path, at)
    READERS[name](path, tracker, at)
    first = path.read_bytes()
    assert _export(name, tracker, tmp_path, at).read_bytes() == first  # deterministic


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=histories())
def test_every_format_writes_for_any_kit_history(
    history: tuple[Tracker, datetime], tmp_path: Path
) -> None:
    tracker, at = history
    for name in sorted(FORMATS):
        assert _export(name, tracker, tmp_path, at).stat().st_size > 0, name
