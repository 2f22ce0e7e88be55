"""``tuyentruyen demo``: replay 2023 on the Quảng Ninh 60-year plan.

Plans issued in February-April, work starting and reporting month by month, a report
sent back for rework, a few tasks late; then the status as of 31/10/2023. The run is
deterministic: the clock is fixed, the SQLite database (``out/demo.db``) is rebuilt
from scratch every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from tuyentruyen.clock import FixedClock
from tuyentruyen.errors import PlanError, Problem
from tuyentruyen.io import load_plan
from tuyentruyen.model import Plan
from tuyentruyen.tracker import Tracker

__all__ = ["SCRIPT", "find_seed_plan", "run_demo"]

_SEED_NAME = "quang-ninh-60-nam.yaml"

#: The story of 2023: (moment, task, event, actor, extra keyword arguments).
SCRIPT: tuple[tuple[datetime, str, str, str, dict[str, Any]], ...] = (
    (datetime(2023, 2, 20, 9, 0), "2.4", "issue", "tt-th", {"note": "Ban hành kế hoạch cuộc thi"}),
    (datetime(2023, 2, 24, 15, 0), "2.5", "issue", "vh-dlxh", {}),
    (datetime(2023, 2, 27, 8, 0), "3.3", "issue", "tt-bc-xb", {}),
    (datetime(2023, 3, 1, 8, 0), "1.1", "issue", "tt-bc-xb", {}),
    (datetime(2023, 3, 1, 8, 30), "1.1", "start", "tt-bc-xb", {}),
    (datetime(2023, 3, 1, 9, 0), "2.5", "start", "vh-dlxh", {}),
    (datetime(2023, 3, 2, 8, 0), "3.3", "start", "tt-bc-xb", {}),
    (datetime(2023, 3, 10, 10, 0), "3.1", "issue", "tt-bc-xb", {}),
    (datetime(2023, 3, 13, 9, 0), "3.1", "start", "tt-bc-xb", {}),
    (
        datetime(2023, 3, 14, 16, 0),
        "1.1",
        "report",
        "tt-bc-xb",
        {"note": "Báo cáo tháng 3", "data": {"articles": 42, "broadcasts": 6}},
    ),
    (datetime(2023, 3, 15, 8, 0), "1.1", "accept", "tt-bc-xb", {}),
    (datetime(2023, 3, 20, 9, 0), "2.6", "issue", "tt-bc-xb", {}),
    (datetime(2023, 3, 22, 9, 0), "2.6", "start", "tt-bc-xb", {}),
    (datetime(2023, 4, 3, 9, 0), "3.4", "issue", "tt-bc-xb", {}),
    (datetime(2023, 4, 12, 14, 0), "1.1", "report", "tt-bc-xb", {"note": "Báo cáo tháng 4"}),
    (datetime(2023, 4, 17, 8, 0), "1.1", "rework", "tt-bc-xb", {"note": "Bổ sung số liệu"}),
    (
        datetime(2023, 4, 19, 8, 0),
        "1.1",
        "report",
        "tt-bc-xb",
        {"note": "Báo cáo tháng 4 (bổ sung)", "data": {"articles": 57}},
    ),
    (datetime(2023, 4, 20, 8, 0), "1.1", "accept", "tt-bc-xb", {}),
    (datetime(2023, 4, 25, 9, 0), "2.4", "start", "tt-th", {}),
    (datetime(2023, 5, 2, 9, 0), "3.2", "issue", "tt-th", {}),
    (datetime(2023, 5, 3, 9, 0), "3.2", "start", "tt-th", {}),
    (datetime(2023, 5, 9, 9, 0), "2.1", "issue", "tt-bc-xb", {"note": "Ban hành muộn"}),
    (
        datetime(2023, 5, 29, 16, 0),
        "3.2",
        "report",
        "tt-th",
        {"data": {"articles": 18, "links": ["https://baoquangninh.vn/"]}},
    ),
    (datetime(2023, 5, 31, 9, 0), "3.2", "accept", "tt-bc-xb", {}),
    (datetime(2023, 6, 5, 9, 0), "2.4", "report", "tt-th", {"data": {"entries": 1250}}),
    (datetime(2023, 6, 7, 9, 0), "2.4", "accept", "tt-bc-xb", {}),
    (datetime(2023, 8, 14, 9, 0), "2.3", "issue", "tt-bc-xb", {}),
    (datetime(2023, 8, 15, 9, 0), "2.3", "start", "tt-bc-xb", {}),
    (datetime(2023, 8, 28, 9, 0), "2.2", "issue", "tt-bc-xb", {}),
    (datetime(2023, 9, 4, 9, 0), "2.1", "start", "tt-bc-xb", {}),
    (datetime(2023, 9, 5, 9, 0), "2.2", "start", "tt-bc-xb", {}),
    (datetime(2023, 9, 8, 9, 0), "2.7", "issue", "llct-lsd", {}),
    (datetime(2023, 9, 11, 9, 0), "2.7", "start", "llct-lsd", {}),
    (datetime(2023, 9, 26, 9, 0), "2.3", "report", "tt-bc-xb", {"data": {"copies": 12000}}),
    (datetime(2023, 9, 28, 9, 0), "2.3", "accept", "tt-bc-xb", {}),
    (datetime(2023, 10, 20, 9, 0), "2.6", "report", "tt-bc-xb", {"data": {"entries": 86}}),
    (datetime(2023, 10, 23, 9, 0), "2.6", "accept", "tt-bc-xb", {}),
    (datetime(2023, 10, 25, 9, 0), "2.5", "report", "vh-dlxh", {"data": {"works": 310}}),
    (datetime(2023, 10, 27, 9, 0), "2.5", "accept", "tt-bc-xb", {}),
)

#: The moment the demo reports on.
AS_OF = datetime(2023, 10, 31, 17, 0)


def find_seed_plan() -> Path:
    """The seed plan file: ``examples/`` of a source checkout, else the packaged copy."""
    here = Path(__file__).resolve()
    candidates = [
        Path.cwd() / "examples" / _SEED_NAME,
        here.parents[2] / "examples" / _SEED_NAME,
        here.parent / "data" / _SEED_NAME,
    ]
    for path in candidates:
        if path.is_file():
            return path
    raise PlanError([Problem(
        "$",
        f"the seed plan {_SEED_NAME} is neither in ./examples nor in the package",
        f"không tìm thấy kế hoạch mẫu {_SEED_NAME} trong ./examples hay trong gói cài đặt",
    )])  # fmt: skip


def replay_script(tracker: Tracker) -> Iterator[tuple[int, int]]:
    """Fire every scripted event on ``tracker``; yields (done, total) for progress."""
    total = len(SCRIPT)
    for done, (at, task, event, actor, extra) in enumerate(SCRIPT, start=1):
        tracker.fire(task, event, actor=actor, at=at, **extra)
        yield done, total


#: The demo's database, in the output folder.
DB_NAME = "demo.db"


#: When the demo runs ``tuyentruyen remind`` (a morning timer, as an office would set
#: one): every working week's Monday-ish mornings are too many for a demo, so the 1st,
#: 10th and 20th of each month at 07:00 — the 10th catches the reports due "trước ngày
#: 15 hằng tháng", the others the plan and window deadlines and what became overdue.
REMIND_AT: tuple[datetime, ...] = tuple(
    datetime(2023, month, day, 7, 0) for month in range(2, 11) for day in (1, 10, 20)
)


def run_demo(
    out_dir: Path,
    plan: Plan | None = None,
    progress: Callable[[int, int], None] | None = None,
    lang: str = "vi",
) -> Tracker:
    """Rebuild ``out_dir/demo.db`` (SQLite, the embedded default store) from the script,
    queueing the reminders and overdue notices ``tuyentruyen remind`` would have queued
    along the way (:data:`REMIND_AT`), and return the tracker on it. ``progress(done,
    total)`` is called after each step."""
    from tuyentruyen.remind import reminders

    plan = plan if plan is not None else load_plan(find_seed_plan())
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / DB_NAME
    for leftover in (db, db.with_name(DB_NAME + "-wal"), db.with_name(DB_NAME + "-shm")):
        leftover.unlink(missing_ok=True)
    tracker = Tracker.open(db, plan, clock=FixedClock(AS_OF))
    store: Any = tracker.store
    steps = sorted(
        [(at, 1, k) for k, (at, *_rest) in enumerate(SCRIPT)] + [(at, 0, -1) for at in REMIND_AT]
    )
    queued: set[str] = set()
    for done, (at, is_event, k) in enumerate(steps, start=1):
        if is_event:
            _, task, event, actor, extra = SCRIPT[k]
            tracker.fire(task, event, actor=actor, at=at, **extra)
        else:
            due = [r for r in reminders(tracker, at, lang=lang) if r.key not in queued]
            store.queue(plan.id, [(r.key, r.kind, r.payload()) for r in due])
            queued.update(r.key for r in due)
        if progress is not None:
            progress(done, len(steps))
    return tracker
