"""The plan model: immutable attrs classes for units, tasks, plans and reporting rules.

A :class:`Plan` is a value: build it in code or load it with
:func:`tuyentruyen.load_plan`, then hand it to a :class:`~tuyentruyen.Tracker`. Unit
references inside a plan (``Task.lead``, ``Task.support``, ``ReportingRule.to``) are
unit ids; plan files may use names, which the loader resolves.
"""

from __future__ import annotations

import calendar
import difflib
from datetime import date, timedelta
from functools import cached_property

import attrs

from tuyentruyen.errors import PlanError, Problem, UnknownTask
from tuyentruyen.names import NameIndex

__all__ = [
    "DEPENDENCY_EVENTS",
    "Dependency",
    "LegalBasis",
    "Plan",
    "ReportingRule",
    "Section",
    "Signer",
    "Task",
    "Unit",
    "Window",
]

#: Events a dependency may guard (``Dependency.events``).
DEPENDENCY_EVENTS = ("issue", "start", "report", "accept")


def _tuple(value: object) -> tuple[object, ...]:
    if type(value) is tuple:  # the common case, first: a plan of 100,000 tasks calls this a lot
        return value
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)  # type: ignore[arg-type]


@attrs.frozen
class Unit:
    """An organisation unit (*đơn vị*): a department, an agency, an association."""

    #: Short stable id used in plan files and events, e.g. ``"tt-bc-xb"``.
    id: str
    #: Full Vietnamese name, e.g. ``"Phòng Tuyên truyền - Báo chí - Xuất bản"``.
    name: str
    #: Short name or abbreviation (*tên viết tắt*), e.g. ``"TT-BC-XB"``.
    short: str | None = None
    #: Other spellings that mean this unit (abbreviations, typos seen in documents).
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_tuple)


@attrs.frozen
class Window:
    """An execution window (*thời gian thực hiện*): first and last day, either may be open."""

    start: date | None = None
    end: date | None = None


@attrs.frozen
class Dependency:
    """``task`` must have reached ``state`` before this task may fire one of ``events``.

    "Reached" means the task is in that state or has been further along the lifecycle
    (``issued`` < ``in_progress`` < ``reported`` < ``done``).
    """

    #: Id of the task depended upon.
    task: str
    #: State that task must have reached.
    state: str = "issued"
    #: Events this dependency guards.
    events: tuple[str, ...] = attrs.field(default=("start",), converter=_tuple)


@attrs.frozen
class Task:
    """One numbered item of the plan (*nội dung / nhiệm vụ*)."""

    #: Number as written in the plan, e.g. ``"2.1"``.
    id: str
    #: Title (first sentence or heading of the item).
    title: str
    #: Lead unit id (*đơn vị chủ trì*).
    lead: str
    #: Id of the section the task sits in, e.g. ``"II.2"``.
    section: str | None = None
    #: Content bullets, as written.
    content: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    #: Supporting unit ids (*đơn vị phối hợp*).
    support: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    #: Free-text supporting groups kept as written ("các phòng thuộc Ban").
    support_other: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    #: Deadline for issuing the task's own sub-plan (*thời gian ban hành kế hoạch*).
    plan_due: date | None = None
    #: The plan-due phrase as written.
    plan_due_text: str | None = None
    #: Execution window (*thời gian thực hiện*).
    window: Window = Window()
    #: The window phrase as written.
    window_text: str | None = None
    #: Continuous work (*thường xuyên*), reported periodically.
    ongoing: bool = False
    #: Declared dependencies.
    depends_on: tuple[Dependency, ...] = attrs.field(default=(), converter=_tuple)

    @property
    def deadline(self) -> date | None:
        """The completion deadline: the last day of the window, if it has one."""
        return self.window.end


@attrs.frozen
class Section:
    """A section of the plan's content, e.g. ``II.2 Các nội dung được giao chủ trì``."""

    id: str
    title: str


@attrs.frozen
class LegalBasis:
    """A document the plan is based on (*căn cứ*)."""

    #: The citation as written.
    text: str
    #: Its number, e.g. ``"27-CT/TU"``.
    reference: str | None = None
    #: Its date.
    issued_on: date | None = None


@attrs.frozen
class Signer:
    """Who signs the plan: title (*chức vụ*) and name."""

    title: str
    name: str


@attrs.frozen
class ReportingRule:
    """A periodic reporting duty (*báo cáo định kỳ*), e.g. "trước ngày 15 hằng tháng".

    Reports are due *before* ``day`` of each period: for ``day=15`` a report made on the
    14th is on time and one made on the 15th is late.
    """

    #: Receiving unit id (*nơi nhận báo cáo*).
    to: str
    #: Cadence: ``"month"`` or ``"quarter"``.
    every: str = "month"
    #: Day of the month the report must arrive before.
    day: int = 15
    #: Reporting unit ids; empty means every lead unit of the plan.
    from_: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    #: The rule as written.
    text: str | None = None

    def next_due(self, after: date) -> date:
        """The first due day strictly after ``after`` ("before the 15th" is due the 15th)."""
        months = 3 if self.every == "quarter" else 1
        year, month = after.year, after.month
        if months == 3:
            month = ((month - 1) // 3) * 3 + 1
        for _ in range(14):
            day = min(self.day, calendar.monthrange(year, month)[1])
            candidate = date(year, month, day)
            if candidate > after:
                return candidate
            month += months
            if month > 12:
                year, month = year + 1, month - 12
        raise AssertionError("unreachable")  # pragma: no cover

    def due_dates(self, start: date, end: date) -> list[date]:
        """Every due day in ``[start, end]``."""
        found: list[date] = []
        current = self.next_due(start - timedelta(days=1))
        while current <= end:
            found.append(current)
            current = self.next_due(current)
        return found


@attrs.frozen
class Plan:
    """A communication plan (*kế hoạch thông tin tuyên truyền*).

    Immutable. Build it in code, or load a plan file with :func:`tuyentruyen.load_plan`;
    :meth:`problems` (and :meth:`validate`) check cross references, dependencies and
    windows.
    """

    #: Stable id of the plan, e.g. ``"qn-60-nam"``.
    id: str
    #: Title (*trích yếu*).
    title: str
    #: Issuing unit id (*cơ quan ban hành*).
    issuer: str
    units: tuple[Unit, ...] = attrs.field(converter=_tuple)
    tasks: tuple[Task, ...] = attrs.field(converter=_tuple)
    #: Document number, e.g. ``"76-KH/BTGTU"``.
    reference: str | None = None
    #: Date of issue.
    issued_on: date | None = None
    #: Place in the date line, e.g. ``"Quảng Ninh"``.
    place: str | None = None
    bases: tuple[LegalBasis, ...] = attrs.field(default=(), converter=_tuple)
    #: Purposes and requirements (*mục đích, yêu cầu*).
    purposes: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    sections: tuple[Section, ...] = attrs.field(default=(), converter=_tuple)
    reporting: tuple[ReportingRule, ...] = attrs.field(default=(), converter=_tuple)
    #: Recipients (*nơi nhận*), as written.
    recipients: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    signer: Signer | None = None

    @cached_property
    def task_index(self) -> dict[str, int]:
        """Task id -> position in :attr:`tasks`."""
        return {t.id: i for i, t in enumerate(self.tasks)}

    @cached_property
    def unit_index(self) -> dict[str, Unit]:
        """Unit id -> unit."""
        return {u.id: u for u in self.units}

    def task(self, task_id: str) -> Task:
        """The task with ``task_id``; raises :class:`~tuyentruyen.errors.UnknownTask`."""
        try:
            return self.tasks[self.task_index[task_id]]
        except KeyError:
            raise UnknownTask(
                task_id, difflib.get_close_matches(task_id, list(self.task_index), n=3)
            ) from None

    def unit(self, ref: str) -> Unit | None:
        """The unit named by ``ref`` (an id, name or alias, any Unicode form), or ``None``."""
        found = self.unit_index.get(ref)
        if found is not None:
            return found
        unit_id = self.names.resolve(ref)
        return None if unit_id is None else self.unit_index.get(unit_id)

    @cached_property
    def names(self) -> NameIndex:
        """Index for matching unit names and aliases."""
        return NameIndex(
            (u.id, (u.name, *((u.short,) if u.short else ()), *u.aliases)) for u in self.units
        )

    def unit_name(self, unit_id: str) -> str:
        """The name of a unit id (the id itself if unknown)."""
        unit = self.unit_index.get(unit_id)
        return unit.name if unit is not None else unit_id

    def receivers_for(self, task: Task) -> tuple[str, ...]:
        """Units that receive the reports of ``task`` (they accept or send back reports)."""
        found = self._receivers.get(task.lead)
        if found is None:
            found = tuple(
                dict.fromkeys(
                    rule.to for rule in self.reporting if not rule.from_ or task.lead in rule.from_
                )
            )
            self._receivers[task.lead] = found
        return found

    @cached_property
    def _receivers(self) -> dict[str, tuple[str, ...]]:
        return {}

    @cached_property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem of the plan (empty when valid). Computed once."""
        from tuyentruyen.checks import plan_problems

        return tuple(plan_problems(self))

    def validate(self) -> Plan:
        """Return the plan itself, or raise :class:`~tuyentruyen.errors.PlanError`."""
        if self.problems:
            raise PlanError(self.problems)
        return self
