"""The README's embedding example as a script: track the seed plan in memory.

Run it from anywhere: ``python examples/embed_basic.py``. It prints::

    in_progress
    ['2.1 must be issued (it is planned)', '3.1 must be issued (it is planned)']
    [('2.1', (Deadline(kind='plan_due', day=datetime.date(2023, 4, 30)),)), ...]
    0.0

(the tasks overdue on 2 May 2023 with the deadlines they missed, then the plan's
on-time rate on 31 October 2023: nothing else was done yet).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tuyentruyen import FixedClock, Tracker, load_plan

# The seed plan: Quảng Ninh's 60th-anniversary communication plan.
PLAN_FILE = Path(__file__).resolve().parent / "quang-ninh-60-nam.yaml"


def main() -> None:
    plan = load_plan(PLAN_FILE)
    tracker = Tracker(plan, clock=FixedClock(datetime(2023, 10, 31, 17, 0)))  # in-memory store
    tracker.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 20, 9, 0))
    tracker.fire("2.6", "start", actor="tt-bc-xb", at=datetime(2023, 3, 22, 9, 0))
    print(tracker.state("2.6"))  # in_progress
    print([b.message("en") for b in tracker.blockers("2.1")])  # why 2.1 cannot start yet
    print([(o.task.id, o.deadlines) for o in tracker.overdue(at=datetime(2023, 5, 2))])
    print(tracker.summary(at=datetime(2023, 10, 31)).total.on_time_rate)


if __name__ == "__main__":
    main()
