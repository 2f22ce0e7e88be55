"""Behaviours the rest of the suite left unpinned (found by benchmarks/mutants.py):
the report-final flag after a rework, the state as of a moment within a busy day,
batches in the event log file, the on-time rate's denominator, and CSV cells
starting with a carriage return."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import attrs

from tuyentruyen import Classification, FixedClock, Plan, Tracker
from tuyentruyen.export import CsvExporter, export_to, safe_cell
from tuyentruyen.store import EventLogFile

MARCH = datetime(2023, 3, 20, 9, 0)


def report_final_then_rework(tracker: Tracker) -> None:
    """2.6 (an ordinary task) reports, by default finally; the report is sent back."""
    tracker.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    tracker.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    assert tracker.fire("2.6", "report", actor="tt-bc-xb", at=MARCH).final is True
    tracker.fire("2.6", "rework", actor="tt-bc-xb", at=MARCH, note="Bổ sung số liệu")


def test_an_interim_report_after_a_reworked_final_one_does_not_close_the_task(
    seed_tracker: Tracker,
) -> None:
    t = seed_tracker
    report_final_then_rework(t)
    t.fire("2.6", "report", actor="tt-bc-xb", at=MARCH, final=False)
    # The report being accepted is the interim one: the task goes on.
    assert t.fire("2.6", "accept", actor="tt-bc-xb", at=MARCH).dest == "in_progress"
    replayed = Tracker.replay(t.plan, t.events, clock=t.clock)
    assert replayed.state("2.6") == "in_progress"


def test_the_latest_report_decides_accept_after_reopening_a_database(
    seed_plan: Plan, clock: FixedClock, tmp_path: Path
) -> None:
    path = tmp_path / "plan.db"
    t = Tracker.open(path, seed_plan, clock=clock)
    report_final_then_rework(t)
    t.fire("2.6", "report", actor="tt-bc-xb", at=MARCH, final=False)
    t.store.close()  # type: ignore[attr-defined]
    reopened = Tracker.open(path, clock=clock)
    assert reopened.fire("2.6", "accept", actor="tt-bc-xb", at=MARCH).dest == "in_progress"
    reopened.store.close()  # type: ignore[attr-defined]


def test_state_as_of_a_moment_leaves_out_later_events_of_the_same_day(
    seed_tracker: Tracker,
) -> None:
    t = seed_tracker
    t.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 20, 9, 0))
    t.fire("2.6", "start", actor="tt-bc-xb", at=datetime(2023, 3, 20, 15, 0))
    assert t.state("2.6", at=datetime(2023, 3, 20, 8, 59)) == "planned"
    assert t.state("2.6", at=datetime(2023, 3, 20, 9, 0)) == "issued"
    assert t.state("2.6", at=datetime(2023, 3, 20, 12, 0)) == "issued"
    assert t.state("2.6", at=datetime(2023, 3, 20, 15, 0)) == "in_progress"
    noon = {s.task.id: s.state for s in t.status(at=datetime(2023, 3, 20, 12, 0))}
    assert noon["2.6"] == "issued"


def test_a_batch_appended_to_an_event_log_file_is_all_there(
    seed_plan: Plan, clock: FixedClock, tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    t = Tracker(seed_plan, store=EventLogFile(path), clock=clock)
    fired = t.fire_many([
        {"task": "2.6", "event": "issue", "actor": "tt-bc-xb", "at": MARCH},
        {"task": "2.6", "event": "start", "actor": "tt-bc-xb", "at": MARCH},
        {"task": "2.4", "event": "issue", "actor": "tt-th", "at": MARCH},
    ])  # fmt: skip
    assert len(EventLogFile(path).load(seed_plan)) == 3
    reopened = Tracker(seed_plan, store=EventLogFile(path), clock=clock)
    assert reopened.events == tuple(fired)
    assert reopened.states() == t.states()
    # The next single event follows the batch in the same file.
    reopened.fire("2.6", "report", actor="tt-bc-xb", at=MARCH)
    assert [e.seq for e in EventLogFile(path).load(seed_plan)] == [1, 2, 3, 4]


def test_the_on_time_rate_counts_only_tasks_already_due(seed_tracker: Tracker) -> None:
    t = seed_tracker
    # tt-th leads 2.4 and 3.2, both to be finished by 31/5/2023.
    t.fire("2.4", "issue", actor="tt-th", at=datetime(2023, 5, 10))
    t.fire("2.4", "start", actor="tt-th", at=datetime(2023, 5, 10))
    t.fire("2.4", "report", actor="tt-th", at=datetime(2023, 5, 19))
    t.fire("2.4", "accept", actor="tt-bc-xb", at=datetime(2023, 5, 20))
    at = datetime(2023, 5, 25)
    row = next(r for r in t.summary(at=at).rows if r.unit == "tt-th")
    # 3.2 is not due yet: of the one task due, one was done on time.
    assert (row.total, row.due, row.done_on_time, row.not_done_on_time) == (2, 1, 1, 1)
    assert row.on_time_rate == 100.0
    statuses = {s.task.id: s.classification for s in t.status(at=at)}
    assert statuses["3.2"] is Classification.NOT_STARTED


def test_a_cell_starting_with_a_carriage_return_is_neutralised(
    seed_plan: Plan, tmp_path: Path
) -> None:
    assert safe_cell("\r=1+1") == "'\r=1+1"
    assert safe_cell("\rbình thường") == "'\rbình thường"
    tasks = list(seed_plan.tasks)
    tasks[0] = attrs.evolve(tasks[0], title='\r=HYPERLINK("http://x","bấm")')
    tracker = Tracker(
        attrs.evolve(seed_plan, tasks=tasks), clock=FixedClock(datetime(2023, 12, 31))
    )
    out = tmp_path / "x.csv"
    export_to(CsvExporter(), tracker, out, {"at": datetime(2023, 10, 31), "lang": "vi"})
    text = out.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][1] == '\'\r=HYPERLINK("http://x","bấm")'
