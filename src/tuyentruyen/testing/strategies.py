"""Hypothesis strategies for tuyentruyen plans, windows and event sequences.

Compose them in your own property tests::

    from hypothesis import given
    from tuyentruyen.testing import strategies as tts

    @given(tts.plans(max_tasks=5))
    def test_my_export(plan): ...

Every generated plan is valid (acyclic dependencies, referenced units exist) and
shrinks towards few tasks and simple windows. Needs the ``testing`` extra
(``pip install tuyentruyen[testing]``).
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import attrs
from hypothesis import strategies as st

from tuyentruyen.lifecycle import EVENTS, PROGRESS_RANK
from tuyentruyen.model import Dependency, Plan, ReportingRule, Task, Unit, Window
from tuyentruyen.timeexpr import month_end

__all__ = ["Step", "event_steps", "plans", "unit_names", "units", "windows"]

_KINDS = ("Phòng", "Sở", "Ban", "Hội", "Trung tâm", "Ủy ban", "Văn phòng")
_TOPICS = (
    "Tuyên truyền - Báo chí - Xuất bản",
    "Thông tin - Tổng hợp",
    "Văn hóa và Dư luận xã hội",
    "Lý luận chính trị và Lịch sử Đảng",
    "Khoa giáo",
    "Thông tin và Truyền thông",
    "Văn hóa và Thể thao",
    "Nhà báo tỉnh",
    "Văn học nghệ thuật tỉnh",
    "Truyền thông tỉnh",
    "Mặt trận Tổ quốc tỉnh",
    "Hòa giải cơ sở",
)


def unit_names(variants: bool = False) -> st.SearchStrategy[str]:
    """Realistic Vietnamese unit names; with ``variants``, also in NFD and upper case."""
    base = st.builds(lambda k, t: f"{k} {t}", st.sampled_from(_KINDS), st.sampled_from(_TOPICS))
    if not variants:
        return base
    return st.one_of(
        base,
        base.map(lambda s: unicodedata.normalize("NFD", s)),
        base.map(str.upper),
    )


@st.composite
def units(draw: st.DrawFn, min_size: int = 2, max_size: int = 6) -> tuple[Unit, ...]:
    """A unit table with distinct ids and distinct names."""
    names = draw(st.lists(unit_names(), min_size=min_size, max_size=max_size, unique=True))
    return tuple(Unit(id=f"u{i}", name=name) for i, name in enumerate(names))


@st.composite
def windows(draw: st.DrawFn) -> tuple[Window, bool]:
    """``(window, ongoing)``: month windows, day windows and open ends, 2022-2025."""
    year = draw(st.integers(2022, 2025))
    kind = draw(st.sampled_from(("months", "days", "open_end", "open_start", "none")))
    ongoing = draw(st.booleans())
    if kind == "none":
        return Window(None, None), True
    m1 = draw(st.integers(1, 12))
    if kind in ("months", "open_end", "open_start"):
        m2 = draw(st.integers(m1, 12))
        y2 = year + draw(st.integers(0, 1))
        start = date(year, m1, 1)
        end = month_end(y2, m2)
    else:
        start = date(year, m1, draw(st.integers(1, 28)))
        end = start + timedelta(days=draw(st.integers(0, 400)))
    if kind == "open_end":
        return Window(start, None), ongoing
    if kind == "open_start":
        return Window(None, end), ongoing
    return Window(start, end), ongoing


@st.composite
def plans(
    draw: st.DrawFn,
    min_tasks: int = 1,
    max_tasks: int = 8,
    dependency_density: float = 0.3,
) -> Plan:
    """A valid plan: units, tasks with windows and plan-due dates, acyclic dependencies
    (each on an earlier task), and a monthly reporting rule to one of the units."""
    unit_table = draw(units())
    ids = [u.id for u in unit_table]
    n = draw(st.integers(min_tasks, max_tasks))
    tasks: list[Task] = []
    for i in range(n):
        window, ongoing = draw(windows())
        plan_due = None
        if draw(st.booleans()):
            plan_due = month_end(2023, draw(st.integers(1, 12)))
        deps: list[Dependency] = []
        if i > 0 and dependency_density > 0:
            candidates = draw(st.lists(st.integers(0, i - 1), max_size=min(i, 3), unique=True))
            targets = [t for t in candidates if draw(st.integers(0, 99)) < dependency_density * 100]
            for t in targets:
                deps.append(
                    Dependency(
                        task=f"{t + 1}",
                        state=draw(
                            st.sampled_from(tuple(s for s in PROGRESS_RANK if s != "planned"))
                        ),
                        events=draw(st.sampled_from((("start",), ("start", "report"), ("issue",)))),
                    )
                )
        tasks.append(
            Task(
                id=f"{i + 1}",
                title=f"Nhiệm vụ {i + 1}",
                lead=draw(st.sampled_from(ids)),
                support=tuple(draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))),
                plan_due=plan_due,
                window=window,
                ongoing=ongoing,
                depends_on=tuple(deps),
            )
        )
    receiver = draw(st.sampled_from(ids))
    return Plan(
        id="p",
        title="Kế hoạch thử nghiệm",
        issuer=draw(st.sampled_from(ids)),
        units=unit_table,
        tasks=tuple(tasks),
        reporting=(ReportingRule(to=receiver, day=draw(st.integers(1, 28))),),
    )


@attrs.frozen
class Step:
    """One attempted fire: may be valid or not."""

    task: str
    event: str
    actor: str
    #: Minutes after the previous step (negative: a clock going backwards).
    minutes: int
    final: bool | None = None
    note: str | None = None


@st.composite
def event_steps(draw: st.DrawFn, plan: Plan, max_size: int = 40) -> list[Step]:
    """Sequences of attempted fires on ``plan``: mostly plausible actors and forward time,
    sometimes wrong actors, unknown events on real tasks, or time going backwards."""
    task_ids = [t.id for t in plan.tasks]
    unit_ids = [u.id for u in plan.units]
    steps = []
    for _ in range(draw(st.integers(0, max_size))):
        task = plan.task(draw(st.sampled_from(task_ids)))
        event = draw(st.sampled_from(EVENTS))
        right = {
            "issue": task.lead,
            "start": task.lead,
            "report": task.lead,
            "accept": (plan.receivers_for(task) or (plan.issuer,))[0],
            "rework": (plan.receivers_for(task) or (plan.issuer,))[0],
            "cancel": plan.issuer,
        }[event]
        actor = draw(st.one_of(st.just(right), st.just(right), st.sampled_from(unit_ids)))
        minutes = draw(st.one_of(st.integers(0, 60 * 24 * 20), st.integers(-60 * 24 * 20, -1)))
        final = draw(st.none() | st.booleans()) if event == "report" else None
        note = "lý do" if event == "cancel" and draw(st.booleans()) else None
        steps.append(Step(task.id, event, actor, minutes, final, note))
    return steps
