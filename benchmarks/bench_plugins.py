"""Hook dispatch cost: the same full-lifecycle fire with no plugin hooks and with two
no-op plugins (each implementing ``on_event`` and ``authorize``), side by side.

Run from the repository root::

    .venv/bin/python benchmarks/bench_plugins.py            # 20,000 tasks
    .venv/bin/python benchmarks/bench_plugins.py --quick    # 2,000 tasks
    .venv/bin/python benchmarks/bench_plugins.py --check    # exit 1 if the target is missed

Target (issue 4): hook dispatch adds at most 2 µs per fire with two no-op plugins.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import Target, print_targets
from bench_lifecycle import (
    ACCEPT_AT,
    CLOCK_NOW,
    PHASES,
    RECEIVER,
    build_plan,
    make_specs,
)

from tuyentruyen import Event, FixedClock, Plan, Task, Tracker, hookimpl
from tuyentruyen.plugins import make_plugin_manager


class NoOp:
    """A plugin that watches every event and has no opinion on permissions."""

    @hookimpl
    def on_event(self, event: Event, task: Task, plan: Plan) -> None:
        pass

    @hookimpl
    def authorize(self, actor: str, task: Task, event: str, plan: Plan) -> bool | None:
        return None


def lifecycle(plan: Plan, plugins: Sequence[object]) -> float:
    """Seconds per event for issue, start, report, accept on every task."""
    pm = make_plugin_manager(plugins, entry_points=False, env={})
    tracker = Tracker(plan, plugins=pm, clock=FixedClock(CLOCK_NOW))
    fire = tracker.fire
    calls = [(t.id, t.lead) for t in plan.tasks]
    gc.collect()
    t0 = time.perf_counter()
    for event, at in PHASES[:3]:
        for task_id, lead in calls:
            fire(task_id, event, actor=lead, at=at)
    for task_id, _ in calls:
        fire(task_id, "accept", actor=RECEIVER, at=ACCEPT_AT)
    return (time.perf_counter() - t0) / (4 * len(calls))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 tasks")
    ap.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    ap.add_argument("--rounds", type=int, default=5, help="runs per contender (best kept)")
    args = ap.parse_args(argv)
    n = 2_000 if args.quick else 20_000
    plan = build_plan(make_specs(n, seed=7))
    best: dict[str, float] = {}
    contenders: dict[str, list[Any]] = {"none": [], "two no-op plugins": [NoOp(), NoOp()]}
    for _ in range(args.rounds):  # alternate, so drift hits both alike
        for name, plugins in contenders.items():
            best[name] = min(best.get(name, float("inf")), lifecycle(plan, plugins))
    base, hooked = best["none"], best["two no-op plugins"]
    print(f"hook dispatch: {n:,} tasks x 4 events, best of {args.rounds}")
    print(f"  fire, no plugin hooks        {base * 1e6:6.2f} µs/event")
    print(f"  fire, two no-op plugins      {hooked * 1e6:6.2f} µs/event")
    print(f"  added per fire               {(hooked - base) * 1e6:6.2f} µs ({hooked / base:.2f}x)")
    missed = print_targets(
        [
            Target(
                "hook dispatch added per fire, two no-op plugins", (hooked - base) * 1e6, 2.0, "µs"
            )
        ]
    )
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
