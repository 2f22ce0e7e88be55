"""Lifecycle benchmark: tuyentruyen vs raw ``transitions`` vs ``python-statemachine``.

Run from the repository root::

    .venv/bin/python benchmarks/bench_lifecycle.py            # N = 100,000 tasks
    .venv/bin/python benchmarks/bench_lifecycle.py --quick    # N = 5,000, a few seconds
    .venv/bin/python benchmarks/bench_lifecycle.py --check    # exit 1 if a target is missed

What is measured (all in one process, same interpreter, same synthetic plan):

1. *Ready to fire*: the time to make N tasks ready to receive events, starting from
   pre-built task definitions (the plan's ``Task`` objects).

   - tuyentruyen: ``Tracker(plan)`` on a freshly built plan that has never had a
     tracker, so plan validation and the plan's cached indexes are paid here ("cold").
     Building the ``Task`` objects and the ``Plan`` is timed separately and reported,
     and so is a second ``Tracker`` on the same plan ("warm": validation cached).
   - transitions: ``Machine(model=[n models], ...)`` with the same six states, the same
     seven transitions and the same guards. Creating the n model objects is included.
     ``add_model`` checks ``model not in self.models`` (a list) for every model, so the
     cost grows quadratically (transitions issue #434); it is therefore measured at
     several smaller n and reported per task, labelled with its n. ``--full-peers``
     measures it at n = N instead (slow: minutes at 100,000).
   - python-statemachine: one ``StateMachine`` instance per task, same states,
     transitions and guards; measured at smaller n as well, labelled.

2. *Full lifecycle*: issue -> start -> report -> accept for every task, fired phase by
   phase (all issues, then all starts, ...) so every dependency holds. Timed is the
   firing only, not building the tracker or the models. tuyentruyen goes through the
   whole public path ``tracker.fire(task_id, event, actor=..., at=...)`` (task lookup,
   transition table, time checks, permission policy, dependency check, Event record,
   store append). The peers use bare triggers (``model.issue()``,
   ``sm.send("issue")``) whose only domain logic is the two guards: ``deps_ok`` on
   ``start`` (reads the dependencies' states) and ``report_final`` on ``accept`` (the
   guard tuyentruyen's lifecycle has too). The peers run at a smaller n (building them
   is the slow part); their per-event cost barely depends on n for transitions, while
   python-statemachine gets somewhat dearer at large n (about 17 KB of GC-tracked
   objects per instance). tuyentruyen is reported at N and at the peers' n.
   Best of 3 runs; the garbage collector stays enabled for everyone (collect before
   each run), as in an application. tuyentruyen keeps every Event in its log, so at
   large N its full collections get dearer; a diagnostic row repeats the run with the
   collector disabled to show that share. The ratio targets use tuyentruyen at N
   against the peers at their smaller n (the conservative pairing); the same-n ratio
   is printed too.

3. *Memory at rest* (tracemalloc, bytes still allocated once the build returned, after
   ``gc.collect()``): tuyentruyen ``Tracker(plan)`` on a fresh plan, without events
   (the plan's cached ``task_index`` it creates is counted against the tracker); the
   Plan's own memory (Task/Window/Dependency objects, strings, dates) is reported
   separately. transitions: models + Machine. python-statemachine: the instances.
   Peer models reference the pre-built ``Task`` (not counted) and hold their own list
   of dependency models (counted, like the tracker's dependency table).

4. ``tracker.summary(at)`` and ``tracker.overdue(at)`` over N tasks in mixed states
   (half done, the rest reported / in progress / issued / planned, some overdue),
   best of 5 after ``gc.collect()``, at a moment after the last event (the tracker's
   current state). Also reported: the first call (it builds the plan's deadline
   timeline), the median and worst of 11 back-to-back calls without ``gc.collect()``
   (what a polling dashboard sees), and a query dated *before* the last event, which
   replays the event log.

Targets are defined at N = 100,000 and scaled linearly with N when N differs (the
printout says so): ready <= 1 s, summary and overdue <= 100 ms each; the fire ratio
(peer time / tuyentruyen time) >= 1.0 vs transitions and >= 20 vs python-statemachine;
<= 600 B per task at rest.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, TypeVar

from transitions import Machine

from tuyentruyen import (
    Dependency,
    FixedClock,
    Plan,
    ReportingRule,
    Task,
    Tracker,
    Unit,
    Window,
    lifecycle,
)
from tuyentruyen.plugins import make_plugin_manager

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the shared _report module
from _report import Report, Target, fmt_s, pkg, print_targets

try:
    from statemachine import State, StateMachine

    HAVE_PSM = True
except ImportError:  # pragma: no cover - the "bench" extra is not installed
    HAVE_PSM = False

T = TypeVar("T")

# --- the synthetic plan ----------------------------------------------------------------

FULL_N = 100_000
QUICK_N = 5_000
N_UNITS = 50
DEP_PROBABILITY = 0.3
BASE_DAY = date(2025, 1, 1)
CLOCK_NOW = datetime(2030, 1, 1)
ISSUE_AT = datetime(2025, 2, 1, 9)
START_AT = datetime(2025, 3, 1, 9)
REPORT_AT = datetime(2025, 6, 1, 9)
ACCEPT_AT = datetime(2025, 6, 15, 9)
QUERY_AT = datetime(2025, 9, 1, 12)  # after every event: the tracker's current state
PAST_AT = datetime(2025, 4, 1, 12)  # before the last event: the log is replayed
RECEIVER = "u0"
PHASES = (("issue", ISSUE_AT), ("start", START_AT), ("report", REPORT_AT), ("accept", ACCEPT_AT))

STATES = list(lifecycle.STATES)
#: tuyentruyen's own lifecycle, with the peers' dependency guard added on ``start``
#: (tuyentruyen checks dependencies in the tracker, not in the machine).
TRANSITIONS: list[dict[str, Any]] = [
    {**t, "conditions": "deps_ok"} if t["trigger"] == "start" else dict(t)
    for t in lifecycle.TRANSITIONS
]
#: Progress rank of a state for the peers' dependency guard (cancelled never satisfies).
RANK = {"planned": 0, "issued": 1, "in_progress": 2, "reported": 3, "done": 4, "cancelled": -1}


class Spec(NamedTuple):
    """A task definition as plain numbers: what every contender starts from."""

    lead: int  # unit number, 1..N_UNITS-1
    due: int  # plan_due as days after BASE_DAY, -1 for none
    start: int  # window start, days after BASE_DAY
    end: int  # window end, days after BASE_DAY, -1 for none
    dep: int  # index of an earlier task this one depends on, -1 for none


def make_specs(n: int, seed: int) -> list[Spec]:
    """n task definitions; task i > 0 depends on an earlier task with probability 0.3."""
    rng = random.Random(seed)
    specs = []
    for i in range(n):
        start = rng.randrange(0, 240)
        end = start + rng.randrange(15, 180) if rng.random() < 0.9 else -1
        due = max(0, start - rng.randrange(0, 20)) if rng.random() < 0.7 else -1
        dep = rng.randrange(0, i) if i > 0 and rng.random() < DEP_PROBABILITY else -1
        specs.append(Spec(1 + rng.randrange(N_UNITS - 1), due, start, end, dep))
    return specs


def build_plan(specs: Sequence[Spec]) -> Plan:
    """The tuyentruyen Plan for ``specs`` (strings and dates are created here)."""

    def day(offset: int) -> date | None:
        return None if offset < 0 else BASE_DAY + timedelta(days=offset)

    tasks = [
        Task(
            id=f"t{i}",
            title=f"Nhiệm vụ tuyên truyền số {i}",
            lead=f"u{s.lead}",
            plan_due=day(s.due),
            window=Window(day(s.start), day(s.end)),
            depends_on=(Dependency(task=f"t{s.dep}", state="issued"),) if s.dep >= 0 else (),
        )
        for i, s in enumerate(specs)
    ]
    return Plan(
        id="bench",
        title="Kế hoạch tổng hợp để đo hiệu năng",
        issuer=RECEIVER,
        units=[Unit(f"u{k}", f"Đơn vị {k}") for k in range(N_UNITS)],
        tasks=tasks,
        reporting=[ReportingRule(to=RECEIVER)],
    )


def new_tracker(plan: Plan) -> Tracker:
    # The core alone: plugins installed in the environment (the in-repo example plugin
    # watches every event) are not part of what is compared; bench_plugins.py measures
    # hook dispatch.
    return Tracker(
        plan, clock=FixedClock(CLOCK_NOW), plugins=make_plugin_manager(entry_points=False)
    )


# --- the peers -------------------------------------------------------------------------


class TransitionsModel:
    """A plain model for ``transitions``: the task definition plus its dependencies.

    transitions cannot bind triggers onto slotted classes, so this has a ``__dict__``.
    """

    def __init__(self, task: Task, deps: list[tuple[TransitionsModel, int]]) -> None:
        self.task = task
        self.deps = deps

    def deps_ok(self) -> bool:
        return all(RANK[m.state] >= rank for m, rank in self.deps)  # type: ignore[attr-defined]

    def report_final(self) -> bool:
        return True


def transitions_models(tasks: Sequence[Task]) -> list[TransitionsModel]:
    index = {t.id: i for i, t in enumerate(tasks)}
    models: list[TransitionsModel] = []
    for t in tasks:
        deps = [(models[index[d.task]], RANK[d.state]) for d in t.depends_on]
        models.append(TransitionsModel(t, deps))
    return models


def transitions_ready(tasks: Sequence[Task]) -> tuple[Machine, list[TransitionsModel]]:
    models = transitions_models(tasks)
    machine = Machine(
        model=models,
        states=STATES,
        transitions=TRANSITIONS,
        initial="planned",
        auto_transitions=False,
    )
    return machine, models


if HAVE_PSM:

    class TaskMachine(StateMachine):
        """The same lifecycle for python-statemachine, one instance per task."""

        planned = State(initial=True)
        issued = State()
        in_progress = State()
        reported = State()
        done = State(final=True)
        cancelled = State(final=True)

        issue = planned.to(issued)
        start = issued.to(in_progress, cond="deps_ok")
        report = in_progress.to(reported)
        accept = reported.to(done, cond="report_final") | reported.to(
            in_progress, unless="report_final"
        )
        rework = reported.to(in_progress)
        cancel = (
            planned.to(cancelled)
            | issued.to(cancelled)
            | in_progress.to(cancelled)
            | reported.to(cancelled)
        )

        def __init__(self, task: Task, deps: list[tuple[Any, int]]) -> None:
            self.task = task
            self.deps = deps
            super().__init__()

        def deps_ok(self) -> bool:
            return all(RANK[m.current_state_value] >= rank for m, rank in self.deps)

        def report_final(self) -> bool:
            return True


def psm_ready(tasks: Sequence[Task]) -> list[Any]:
    index = {t.id: i for i, t in enumerate(tasks)}
    machines: list[Any] = []
    for t in tasks:
        deps = [(machines[index[d.task]], RANK[d.state]) for d in t.depends_on]
        machines.append(TaskMachine(t, deps))
    return machines


# --- measuring -------------------------------------------------------------------------


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds taken by ``fn()`` (garbage collected first) and its result."""
    gc.collect()
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def best_of(fn: Callable[[], object], reps: int, budget: float = 20.0) -> tuple[float, int]:
    """Best time of up to ``reps`` runs (fewer once ``budget`` seconds are spent)."""
    best, spent, runs = float("inf"), 0.0, 0
    while runs < reps and (runs == 0 or spent + best <= budget):
        seconds, result = timed(fn)
        del result
        best, spent, runs = min(best, seconds), spent + seconds, runs + 1
    return best, runs


def allocated(fn: Callable[[], object]) -> int:
    """Bytes still allocated (tracemalloc) once ``fn()`` returned, its result kept alive."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = fn()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del result
    return after - before


def tt_lifecycle(plan: Plan, *, gc_off: bool = False) -> float:
    """Seconds to fire the four events on every task through ``Tracker.fire``.

    ``gc_off`` disables the cyclic garbage collector while firing (a diagnostic only).
    """
    tracker = new_tracker(plan)
    calls = [(t.id, t.lead) for t in plan.tasks]
    fire = tracker.fire
    gc.collect()
    if gc_off:
        gc.disable()
    try:
        t0 = time.perf_counter()
        for event, at in PHASES[:3]:
            for task_id, lead in calls:
                fire(task_id, event, actor=lead, at=at)
        for task_id, _ in calls:
            fire(task_id, "accept", actor=RECEIVER, at=ACCEPT_AT)
        elapsed = time.perf_counter() - t0
    finally:
        gc.enable()
    assert tracker.state(calls[-1][0]) == "done"
    return elapsed


def transitions_lifecycle(tasks: Sequence[Task]) -> float:
    _machine, models = transitions_ready(tasks)
    gc.collect()
    t0 = time.perf_counter()
    for m in models:
        m.issue()  # type: ignore[attr-defined]
    for m in models:
        m.start()  # type: ignore[attr-defined]
    for m in models:
        m.report()  # type: ignore[attr-defined]
    for m in models:
        m.accept()  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - t0
    assert models[-1].state == "done"  # type: ignore[attr-defined]
    return elapsed


def psm_lifecycle(tasks: Sequence[Task]) -> float:
    machines = psm_ready(tasks)
    gc.collect()
    t0 = time.perf_counter()
    for event, _ in PHASES:
        for sm in machines:
            sm.send(event)
    elapsed = time.perf_counter() - t0
    assert machines[-1].current_state_value == "done"
    return elapsed


def best_run(fn: Callable[[], float], reps: int) -> float:
    return min(fn() for _ in range(reps))


def back_to_back(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and worst seconds of ``runs`` consecutive calls, each result kept until the
    next call returns, no ``gc.collect()`` in between: what a polling dashboard sees."""
    times = []
    result: object = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    del result
    return statistics.median(times), max(times)


def partial_tracker(plan: Plan) -> Tracker:
    """A tracker with half the tasks done and the rest spread over the other states."""
    tracker = new_tracker(plan)
    stage: list[int] = []  # how many of the four events each task gets
    index = plan.task_index
    for i, t in enumerate(plan.tasks):
        want = (4, 4, 4, 4, 3, 2, 1, 0)[i % 8]
        if want >= 2 and any(stage[index[d.task]] < 1 for d in t.depends_on):
            want = 1  # a dependency is not issued: this task cannot start
        stage.append(want)
    for k, (event, at) in enumerate(PHASES):
        for i, t in enumerate(plan.tasks):
            if stage[i] > k:
                actor = RECEIVER if event == "accept" else t.lead
                tracker.fire(t.id, event, actor=actor, at=at)
    return tracker


# --- reporting -------------------------------------------------------------------------


def fmt_us(seconds: float) -> str:
    return f"{seconds * 1e6:,.2f} µs"


# --- main ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--tasks", type=int, default=FULL_N, help="N, the number of tasks")
    parser.add_argument(
        "--quick", action="store_true", help=f"N = {QUICK_N:,} and small peer sizes (a few seconds)"
    )
    parser.add_argument(
        "--peer-sizes",
        default=None,
        help="comma-separated n for the peers' ready-time runs "
        "(default 2000,5000,10000; quick 500,1000)",
    )
    parser.add_argument(
        "--full-peers",
        action="store_true",
        help="measure the peers at n = N too (slow: minutes at 100,000)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)

    n = QUICK_N if args.quick else args.tasks
    if args.peer_sizes:
        sizes = sorted({int(s) for s in args.peer_sizes.split(",")})
    else:
        sizes = [500, 1_000] if args.quick else [2_000, 5_000, 10_000]
    sizes = [s for s in sizes if s < n]
    if args.full_peers or not sizes:
        sizes.append(n)
    # Lifecycle and memory of the peers: per-item costs that do not depend on n.
    peer_n = n if args.full_peers else min(n, 1_000 if args.quick else 5_000)
    scale = n / FULL_N
    have_psm = HAVE_PSM

    specs = make_specs(n, args.seed)
    n_deps = sum(s.dep >= 0 for s in specs)
    print(
        f"tuyentruyen lifecycle benchmark: N={n:,} tasks, {N_UNITS} units, "
        f"{n_deps:,} dependencies (seed {args.seed})"
    )
    print(
        f"Python {platform.python_version()} ({platform.machine()}, {os.cpu_count()} CPU), "
        f"tuyentruyen {pkg('tuyentruyen')}, transitions {pkg('transitions')}, "
        f"python-statemachine {pkg('python-statemachine')}"
    )
    print()

    rep = Report(("", "n", "total", "per item", ""))
    targets: list[Target] = []
    nan = float("nan")

    # 1. ready to fire ------------------------------------------------------------------
    rep.section("1. Ready to fire (from pre-built task definitions)")
    plan_s, ready_s = float("inf"), float("inf")
    for _ in range(3):
        s, plan = timed(functools.partial(build_plan, specs))
        plan_s = min(plan_s, s)
        s, _tracker = timed(functools.partial(new_tracker, plan))
        ready_s = min(ready_s, s)
        del _tracker
    warm_s, _ = best_of(lambda: new_tracker(plan), 3)
    rep.add("tuyentruyen  build Task objects + Plan", n, fmt_s(plan_s), fmt_us(plan_s / n))
    rep.add(
        "tuyentruyen  Tracker(plan), fresh plan",
        n,
        fmt_s(ready_s),
        fmt_us(ready_s / n),
        "<- target",
    )
    rep.add(
        "tuyentruyen  Tracker(plan), warm plan",
        n,
        fmt_s(warm_s),
        fmt_us(warm_s / n),
        "validation cached",
    )
    rep.add(
        "tuyentruyen  both (plan + tracker)",
        n,
        fmt_s(plan_s + ready_s),
        fmt_us((plan_s + ready_s) / n),
    )
    tasks = plan.tasks
    tr_ready: dict[int, float] = {}
    for k in sizes:
        s, runs = best_of(functools.partial(transitions_ready, tasks[:k]), 3)
        tr_ready[k] = s
        rep.add(
            "transitions  Machine(model=[n models])", k, fmt_s(s), fmt_us(s / k), f"best of {runs}"
        )
    psm_ready_s: dict[int, float] = {}
    if have_psm:
        for k in sizes:
            s, runs = best_of(functools.partial(psm_ready, tasks[:k]), 3)
            psm_ready_s[k] = s
            rep.add(
                "python-statemachine  n instances", k, fmt_s(s), fmt_us(s / k), f"best of {runs}"
            )
    big = max(sizes)
    if big < n:
        k0 = sizes[0]
        growth = (tr_ready[big] / big) / (tr_ready[k0] / k0) if k0 < big else 1.0
        rep.add(
            f"transitions  linear extrapolation to N from n={big:,}",
            n,
            fmt_s(tr_ready[big] / big * n),
            fmt_us(tr_ready[big] / big),
            f"lower bound: per-task cost grew x{growth:.2f} from n={k0:,} to {big:,}",
        )
    targets.append(Target(f"ready: Tracker(plan) for {n:,} tasks", ready_s, 1.0 * scale, "s"))

    # 2. full lifecycle -----------------------------------------------------------------
    rep.section("2. Full lifecycle issue->start->report->accept, per event (best of 3)")
    tt_fire = best_run(lambda: tt_lifecycle(plan), 3) / (4 * n)
    rep.add(
        "tuyentruyen  tracker.fire(...)",
        4 * n,
        fmt_s(tt_fire * 4 * n),
        fmt_us(tt_fire),
        "<- ratio targets",
    )
    tt_fire_nogc = best_run(lambda: tt_lifecycle(plan, gc_off=True), 3) / (4 * n)
    rep.add(
        "tuyentruyen  tracker.fire(...), gc disabled",
        4 * n,
        fmt_s(tt_fire_nogc * 4 * n),
        fmt_us(tt_fire_nogc),
        "diagnostic: share of the cyclic GC",
    )
    small_plan = build_plan(specs[:peer_n])
    tt_fire_small = best_run(lambda: tt_lifecycle(small_plan), 3) / (4 * peer_n)
    rep.add(
        "tuyentruyen  tracker.fire(...)",
        4 * peer_n,
        fmt_s(tt_fire_small * 4 * peer_n),
        fmt_us(tt_fire_small),
        "same n as the peers",
    )
    peer_tasks = tasks[:peer_n]
    tr_fire = best_run(lambda: transitions_lifecycle(peer_tasks), 3) / (4 * peer_n)
    rep.add(
        "transitions  model.<trigger>()", 4 * peer_n, fmt_s(tr_fire * 4 * peer_n), fmt_us(tr_fire)
    )
    psm_fire = nan
    if have_psm:
        psm_fire = best_run(lambda: psm_lifecycle(peer_tasks), 3) / (4 * peer_n)
        rep.add(
            "python-statemachine  sm.send(event)",
            4 * peer_n,
            fmt_s(psm_fire * 4 * peer_n),
            fmt_us(psm_fire),
        )
    targets.append(
        Target(
            "fire ratio vs transitions (their µs / ours)",
            tr_fire / tt_fire,
            1.0,
            "x",
            higher_is_better=True,
        )
    )
    targets.append(
        Target(
            "fire ratio vs python-statemachine",
            psm_fire / tt_fire,
            20.0,
            "x",
            higher_is_better=True,
        )
    )

    # 3. memory at rest -----------------------------------------------------------------
    rep.section("3. Memory at rest (tracemalloc, bytes kept after the build)")
    plan_b = allocated(lambda: build_plan(specs))
    fresh = build_plan(specs)
    tt_b = allocated(lambda: new_tracker(fresh))
    warm_b = allocated(lambda: new_tracker(fresh))
    rep.add(
        "tuyentruyen  Plan (Task objects, strings, dates)",
        n,
        f"{plan_b / 1e6:,.1f} MB",
        f"{plan_b / n:,.0f} B",
    )
    rep.add(
        "tuyentruyen  Tracker(plan), fresh plan",
        n,
        f"{tt_b / 1e6:,.1f} MB",
        f"{tt_b / n:,.0f} B",
        "<- target (includes plan.task_index)",
    )
    rep.add(
        "tuyentruyen  Tracker(plan), warm plan",
        n,
        f"{warm_b / 1e6:,.1f} MB",
        f"{warm_b / n:,.0f} B",
        "plan indexes already built",
    )
    tr_b = allocated(lambda: transitions_ready(peer_tasks))
    rep.add(
        "transitions  models + Machine", peer_n, f"{tr_b / 1e6:,.1f} MB", f"{tr_b / peer_n:,.0f} B"
    )
    psm_b = nan
    if have_psm:
        psm_b = allocated(lambda: psm_ready(peer_tasks))
        rep.add(
            "python-statemachine  instances",
            peer_n,
            f"{psm_b / 1e6:,.1f} MB",
            f"{psm_b / peer_n:,.0f} B",
        )
    targets.append(Target("memory: Tracker at rest per task", tt_b / n, 600.0, "B"))

    # 4. queries ------------------------------------------------------------------------
    rep.section("4. Queries over N tasks in mixed states")
    tracker = partial_tracker(plan)
    n_events = len(tracker.events)
    first_s, _ = timed(lambda: tracker.summary(at=QUERY_AT))
    summary_s, _ = best_of(lambda: tracker.summary(at=QUERY_AT), 5)
    overdue_s, _ = best_of(lambda: tracker.overdue(at=QUERY_AT), 5)
    summary_typ = back_to_back(lambda: tracker.summary(at=QUERY_AT), 11)
    overdue_typ = back_to_back(lambda: tracker.overdue(at=QUERY_AT), 11)
    past_s, _ = best_of(lambda: tracker.summary(at=PAST_AT), 3)
    late = tracker.overdue(at=QUERY_AT)
    total = tracker.summary(at=QUERY_AT).total
    rep.add(
        "tuyentruyen  summary(at), first call",
        n,
        fmt_s(first_s),
        fmt_us(first_s / n),
        "builds the deadline timeline",
    )
    rep.add(
        "tuyentruyen  summary(at)",
        n,
        fmt_s(summary_s),
        fmt_us(summary_s / n),
        "best of 5 <- target",
    )
    rep.add(
        "tuyentruyen  summary(at), back to back",
        n,
        fmt_s(summary_typ[0]),
        fmt_us(summary_typ[0] / n),
        f"median of 11 calls without gc.collect(); worst {fmt_s(summary_typ[1])}",
    )
    rep.add(
        "tuyentruyen  overdue(at)",
        n,
        fmt_s(overdue_s),
        fmt_us(overdue_s / n),
        f"best of 5 <- target; {len(late):,} overdue",
    )
    rep.add(
        "tuyentruyen  overdue(at), back to back",
        n,
        fmt_s(overdue_typ[0]),
        fmt_us(overdue_typ[0] / n),
        f"median of 11 calls without gc.collect(); worst {fmt_s(overdue_typ[1])}",
    )
    rep.add(
        "tuyentruyen  summary(at) before the last event",
        n,
        fmt_s(past_s),
        fmt_us(past_s / n),
        f"replays {n_events:,} events",
    )
    targets.append(Target(f"summary(at) over {n:,} tasks", summary_s, 0.100 * scale, "s"))
    targets.append(Target(f"overdue(at) over {n:,} tasks", overdue_s, 0.100 * scale, "s"))

    rep.print()
    print(
        f"  (query state: {n_events:,} events; done on time {total.done_on_time:,}, "
        f"done late {total.done_late:,}, not done and overdue {total.not_done_overdue:,}, "
        f"not done, on time or no deadline {total.not_done_on_time:,})"
    )

    # ratios ----------------------------------------------------------------------------
    print()
    print("Ratios (peer / tuyentruyen; >= 1 means tuyentruyen is faster or smaller)")
    print(
        f"  fire, µs per event:  transitions {tr_fire / tt_fire:,.2f}x   "
        f"python-statemachine {psm_fire / tt_fire:,.2f}x   (tuyentruyen at N={n:,}; "
        f"vs tuyentruyen at n={peer_n:,}: {tr_fire / tt_fire_small:,.2f}x, "
        f"{psm_fire / tt_fire_small:,.2f}x)"
    )
    tt_ready_per = ready_s / n
    ready_parts = [f"transitions@{big:,} {tr_ready[big] / big / tt_ready_per:,.0f}x"]
    if have_psm:
        ready_parts.append(
            f"python-statemachine@{big:,} {psm_ready_s[big] / big / tt_ready_per:,.0f}x"
        )
    print(
        f"  ready, per task:     {'   '.join(ready_parts)}   (tuyentruyen Tracker(plan) at N={n:,})"
    )
    print(
        f"  memory, per task:    transitions {tr_b / peer_n / (tt_b / n):,.1f}x   "
        f"python-statemachine {psm_b / peer_n / (tt_b / n):,.1f}x"
    )

    # targets ---------------------------------------------------------------------------
    print()
    if n != FULL_N:
        print(f"Targets (time limits scaled linearly from N=100,000 to N={n:,}: x{scale:g})")
    else:
        print("Targets")
    missed = print_targets(targets)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
