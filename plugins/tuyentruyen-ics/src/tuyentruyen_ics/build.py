"""What goes into the iCalendar of a plan: :func:`build_calendar` and :func:`ics_bytes`.

Every date of a plan is a whole day, so every date in the file is an all-day ``DATE``
value; the only instants are ``DTSTAMP`` (the export's ``at``) and ``COMPLETED`` (when
the task was done), both in UTC. So the file needs no ``VTIMEZONE``; it names its zone
in ``X-WR-TIMEZONE`` for the applications that place all-day alarms by it.

Components, in plan order:

* one ``VTODO`` per task (``<plan>.<task>.todo@tuyentruyen``): ``DUE`` the deadline that
  applies at ``at``, ``STATUS`` from the lifecycle state, ``CATEGORIES`` the official
  classification, ``VALARM`` s while the task is open;
* one all-day ``VEVENT`` per sub-plan deadline (``<plan>.<task>.plan-due@tuyentruyen``);
* one all-day ``VEVENT`` per execution window with both ends
  (``<plan>.<task>.window@tuyentruyen``);
* then one recurring all-day ``VEVENT`` per reporting rule
  (``<plan>.report.<n>@tuyentruyen``).

UIDs depend only on the plan id, the task id and the kind of component, so importing a
later export again updates the same items; ``SEQUENCE`` never decreases as ``at`` grows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import (
    Alarm,
    Calendar,
    Event,
    Todo,
    vCategory,
    vDDDLists,
    vDDDTypes,
    vInt,
    vRecur,
    vText,
)

from tuyentruyen import TuyenTruyenError
from tuyentruyen import __version__ as core_version
from tuyentruyen.export import selected
from tuyentruyen.lifecycle import STATE_LABELS
from tuyentruyen.model import Plan, ReportingRule, Task
from tuyentruyen.status import TaskStatus
from tuyentruyen.timeexpr import ZONE, as_local, end_of_day
from tuyentruyen_ics.texts import TEXT, day_text, moment_text, window_text
from tuyentruyen_ics.writer import Item, Writer, to_component

__all__ = [
    "DEFAULT_ALARM_DAYS",
    "STATUS",
    "UID_DOMAIN",
    "IcsOptionError",
    "alarm_days_option",
    "alarm_trigger",
    "build_calendar",
    "ical_text",
    "ics_bytes",
    "iter_ics",
    "report_days",
    "uid",
]

#: The right-hand side of every UID.
UID_DOMAIN = "tuyentruyen"
#: Days before a deadline that the alarm rings when ``alarm_days`` is not given.
DEFAULT_ALARM_DAYS = (3,)
#: The hour (local time of the day an alarm falls on) at which alarms ring.
ALARM_HOUR = 8
#: When no selected task has a window end, a reporting duty runs this long.
OPEN_DUTY = timedelta(days=365)

#: The lifecycle state -> VTODO ``STATUS``.
STATUS: Mapping[str, str] = {
    "planned": "NEEDS-ACTION",
    "issued": "NEEDS-ACTION",
    "in_progress": "IN-PROCESS",
    "reported": "IN-PROCESS",
    "done": "COMPLETED",
    "cancelled": "CANCELLED",
}
_OPEN = ("planned", "issued", "in_progress", "reported")
_ONE_DAY = timedelta(days=1)


class _Text(vText):
    """A TEXT value escaped exactly as RFC 5545 says. icalendar's own escaping (7.x)
    first turns the two characters backslash and ``N`` into a line break, so a title
    such as ``Hồ sơ C:\\Nghị quyết`` would lose its backslash; this one escapes the
    backslash first. Used only for text holding that pair (:func:`ical_text`)."""

    __slots__ = ()

    def to_ical(self) -> bytes:
        escaped = (
            str(self)
            .replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\r\n", "\\n")
            .replace("\n", "\\n")
            .replace("\r", "\\n")
        )
        return escaped.encode("utf-8")


def ical_text(value: str) -> vText:
    """The TEXT property value of ``value``: icalendar's ``vText``, or, when ``value``
    holds a backslash followed by ``N``, one that keeps that pair (see :class:`_Text`)."""
    return _Text(value) if "\\N" in value else vText(value)


class IcsOptionError(TuyenTruyenError):
    """An ``ics`` format option (``-O KEY=VALUE``) has a value that cannot be used."""


def uid(plan_id: str, task_id: str | None, kind: str) -> str:
    """The UID of a component: ``<plan>.<task>.<kind>@tuyentruyen`` (``kind`` is
    ``todo``, ``plan-due`` or ``window``), or ``<plan>.<kind>@tuyentruyen`` for a
    component of the whole plan (``report.1``). Nothing else goes in, so an item keeps
    its UID from one export to the next."""
    middle = kind if task_id is None else f"{task_id}.{kind}"
    return f"{plan_id}.{middle}@{UID_DOMAIN}"


def alarm_trigger(days: int) -> timedelta:
    """The ``TRIGGER`` of an alarm ``days`` days before an all-day deadline, at 08:00.

    A ``DATE`` deadline starts at 00:00 of its day, so 3 days before at 08:00 is
    ``-P2DT16H``; 0 days is 08:00 of the day itself (``PT8H``).
    """
    return timedelta(hours=ALARM_HOUR) - timedelta(days=days)


def alarm_days_option(options: Mapping[str, Any]) -> tuple[int, ...]:
    """The alarms asked for by ``options["alarm_days"]``: days before each deadline,
    distinct, largest first. Default ``3``; a list such as ``3,1`` gives one alarm per
    number; ``off`` (or ``none``, ``no``, empty) gives none. Each number is 0-366."""
    raw = options.get("alarm_days", DEFAULT_ALARM_DAYS)
    items = (
        [str(x) for x in raw]
        if isinstance(raw, list | tuple)
        else list(str(raw).replace(";", ",").split(","))
    )
    texts = [x.strip().lower() for x in items]
    if all(t in ("", "off", "none", "no", "false") for t in texts):
        return ()
    days: set[int] = set()
    for text in texts:
        if not text.isdigit() or not 0 <= int(text) <= 366 or isinstance(raw, bool):
            raise IcsOptionError(
                f"ics: alarm_days={raw!r}: give days before the deadline from 0 to 366"
                " (e.g. 3 or 3,1), or off",
                f"ics: alarm_days={raw!r}: cần số ngày trước hạn từ 0 đến 366"
                " (ví dụ 3 hoặc 3,1), hoặc off",
            )
        days.add(int(text))
    return tuple(sorted(days, reverse=True))


def report_days(
    rule: ReportingRule, tasks: Sequence[Task], issued_on: date | None
) -> tuple[list[date], date]:
    """The days a reporting duty puts in the calendar, and the last day it runs.

    For each due day of ``rule`` (the core's :meth:`ReportingRule.due_dates`: "trước
    ngày 15" is due the 15th), the day before it: the last day a report is on time. The
    duty runs from the earliest window start of ``tasks`` (else ``issued_on``) to their
    latest window end (else for a year); no start at all gives no days.
    """
    starts = [t.window.start for t in tasks if t.window.start is not None]
    first = min(starts) if starts else issued_on
    if first is None:
        return [], date.min
    ends = [t.window.end for t in tasks if t.window.end is not None]
    last = max(ends) if ends else first + OPEN_DUTY
    return [d - _ONE_DAY for d in rule.due_dates(first + _ONE_DAY, last + _ONE_DAY)], last


def _recurrence(rule: ReportingRule) -> dict[str, Any] | None:
    """The RRULE parts (without UNTIL) giving a duty's days, or None when its days need
    an RDATE list (a due day after the 28th, which the core moves in short months)."""
    if rule.every not in ("month", "quarter") or not 1 <= rule.day <= 28:
        return None
    recur: dict[str, Any] = {"FREQ": "MONTHLY"}
    if rule.every == "quarter":
        recur["INTERVAL"] = 3
    # The day before the due day; before the 1st is the last day of the month before.
    recur["BYMONTHDAY"] = rule.day - 1 if rule.day > 1 else -1
    return recur


class _Facts:
    """What the event log says about one task up to ``at``."""

    __slots__ = ("count", "done", "issued")

    def __init__(self) -> None:
        self.count = 0
        self.issued: datetime | None = None
        self.done: datetime | None = None


_NO_FACTS = _Facts()


def _facts(tracker: Any, wanted: set[str], at: datetime) -> dict[str, _Facts]:
    """One pass over the log: per wanted task, its events up to ``at``, when its plan
    was issued and when it was (last) done."""
    found: dict[str, _Facts] = {}
    for ev in tracker.events:
        if ev.at > at or ev.task not in wanted:
            continue
        facts = found.get(ev.task)
        if facts is None:
            facts = found[ev.task] = _Facts()
        facts.count += 1
        if ev.event == "issue":
            facts.issued = ev.at
        if ev.dest == "done":
            facts.done = ev.at
    return found


class _Builder:
    """The items of one export. Values that repeat across tasks (dates, statuses,
    categories, alarms) are made once and shared; :attr:`shared` holds their ids."""

    def __init__(self, tracker: Any, options: Mapping[str, Any]) -> None:
        self.plan: Plan = tracker.plan
        self.lang = lang = "en" if options.get("lang") == "en" else "vi"
        self.text = TEXT[lang]
        self.states = STATE_LABELS[lang]
        self.at = as_local(options["at"])
        self.alarm_days = alarm_days_option(options)
        self.unit: str | None = options.get("unit") or None
        self.statuses: list[TaskStatus] = selected(tracker, options)
        self.facts = _facts(tracker, {st.task.id for st in self.statuses}, self.at)
        self.now = self.at.timestamp()
        self.state_head = self.text["state"].format(day=day_text(self.at.date(), lang))
        self._values: dict[Hashable, Any] = {}
        self.shared: set[int] = set()
        self._passed: dict[date, bool] = {}
        self._names: dict[str, str] = {}
        self.stamp = self.value(("stamp",), lambda: vDDDTypes(self.at.astimezone(UTC)))
        self.transparent = self.value(("text", "TRANSPARENT"), lambda: ical_text("TRANSPARENT"))

    # --- shared values -------------------------------------------------------------

    def value(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The one value for ``key`` in this export, made by ``make`` the first time."""
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = make()
            self.shared.add(id(found))
        return found

    def day(self, day: date) -> Any:
        return self.value(day, lambda: vDDDTypes(day))

    def text_value(self, text: str) -> Any:
        return self.value(("text", text), lambda: ical_text(text))

    def int_value(self, n: int) -> Any:
        return self.value(n, lambda: vInt(n))

    def category(self, label: str) -> Any:
        return self.value(("cat", label), lambda: vCategory([label]))

    def alarm(self, label: str, days: int, related_end: bool) -> Item:
        """A shared VALARM: DISPLAY ``label``, ``days`` days before at 08:00."""

        def make() -> Item:
            trigger = vDDDTypes(alarm_trigger(days))
            if related_end:
                trigger.params["RELATED"] = "END"
            self.shared.add(id(trigger))
            props = {
                "ACTION": self.text_value("DISPLAY"),
                "DESCRIPTION": self.text_value(label),
                "TRIGGER": trigger,
            }
            return Item(Alarm, props)

        found: Item = self.value(("alarm", label, days, related_end), make)
        return found

    def name(self, unit: str) -> str:
        found = self._names.get(unit)
        if found is None:
            found = self._names[unit] = self.plan.unit_name(unit)
        return found

    def passed(self, day: date) -> bool:
        """Whether deadline ``day`` has passed at ``at`` (00:00 of the next day)."""
        found = self._passed.get(day)
        if found is None:
            found = self._passed[day] = self.now >= end_of_day(day).timestamp()
        return found

    # --- the calendar --------------------------------------------------------------

    def calendar_props(self) -> dict[str, Any]:
        plan, text, lang = self.plan, self.text, self.lang
        ref = f"{plan.reference} " if plan.reference else ""
        about = text["calendar"].format(ref=ref, day=day_text(self.at.date(), lang))
        if self.unit:
            about += text["calendar.unit"].format(unit=self.name(self.unit))
        return {
            "VERSION": ical_text("2.0"),
            "PRODID": ical_text(f"-//tuyentruyen//{core_version}//{lang.upper()}"),
            "CALSCALE": ical_text("GREGORIAN"),
            "NAME": ical_text(plan.title),
            "X-WR-CALNAME": ical_text(plan.title),
            "DESCRIPTION": ical_text(about),
            "X-WR-CALDESC": ical_text(about),
            "X-WR-TIMEZONE": ical_text(str(ZONE.key)),
        }

    def task_items(self, st: TaskStatus) -> list[Item]:
        """The VTODO of a task, then its sub-plan deadline and window VEVENTs."""
        task, text, lang = st.task, self.text, self.lang
        facts = self.facts.get(task.id, _NO_FACTS)
        state = st.state
        plan_due, start, end = task.plan_due, task.window.start, task.window.end
        deadline = st.deadline
        due = deadline.day if deadline is not None else end
        sequence = facts.count
        if plan_due is not None and self.passed(plan_due):
            sequence += 1
        if end is not None and self.passed(end):
            sequence += 1
        title = f"{task.id}. {task.title}"
        classification = st.classification.label(lang)

        names = [self.name(u) for u in task.support]
        names.extend(task.support_other)
        lines = [
            f"{text['lead']}: {self.name(task.lead)}",
            f"{text['support']}: {', '.join(names) or text['none']}",
        ]
        if plan_due is not None:
            lines.append(f"{text['plan_due']}: {task.plan_due_text or day_text(plan_due, lang)}")
        lines.append(f"{text['window']}: {window_text(task, lang)}")
        lines.append(f"{self.state_head}: {self.states[state]}")
        lines.append(f"{text['class']}: {classification}")
        if deadline is not None:
            lines.append(f"{text['deadline']}: {deadline.label(lang)}")
        if facts.issued is not None:
            issued = as_local(facts.issued).date()
            lines.append(text["issued_on"].format(day=day_text(issued, lang)))
        if state == "done" and facts.done is not None:
            lines.append(f"{text['done_at']}: {moment_text(facts.done, lang)}")
        description = ical_text("\n".join(lines))
        seq = self.int_value(sequence)
        category = self.category(classification)
        plan_id = self.plan.id

        todo: dict[str, Any] = {
            "UID": ical_text(uid(plan_id, task.id, "todo")),
            "DTSTAMP": self.stamp,
            "SEQUENCE": seq,
            "SUMMARY": ical_text(title),
            "DESCRIPTION": description,
            "CATEGORIES": category,
            "STATUS": self.text_value(STATUS[state]),
        }
        # DUE must come after DTSTART: a sub-plan due before the work starts wins.
        if start is not None and (due is None or start < due):
            todo["DTSTART"] = self.day(start)
        alarms: tuple[Item, ...] = ()
        if due is not None:
            todo["DUE"] = self.day(due)
            if state in _OPEN and self.alarm_days:
                label = deadline.label(lang) if deadline is not None else day_text(due, lang)
                what = text["alarm"].format(deadline=label)
                alarms = tuple(self.alarm(what, days, True) for days in self.alarm_days)
        if state == "done":
            todo["PERCENT-COMPLETE"] = self.int_value(100)
            if facts.done is not None:
                done = facts.done
                todo["COMPLETED"] = self.value(
                    ("done", done), lambda: vDDDTypes(done.astimezone(UTC))
                )
        items = [Item(Todo, todo, alarms)]

        cancelled = state == "cancelled"
        if plan_due is not None:
            items.append(
                self._all_day(
                    uid(plan_id, task.id, "plan-due"),
                    text["plan_due.summary"].format(task=title),
                    description,
                    plan_due,
                    plan_due,
                    seq,
                    category,
                    cancelled,
                )
            )
        if start is not None and end is not None:
            items.append(
                self._all_day(
                    uid(plan_id, task.id, "window"),
                    text["window.summary"].format(task=title),
                    description,
                    start,
                    end,
                    seq,
                    category,
                    cancelled,
                )
            )
        return items

    def _all_day(
        self,
        uid_: str,
        summary: str,
        description: Any,
        first: date,
        last: date,
        sequence: Any,
        category: Any,
        cancelled: bool,
    ) -> Item:
        """An all-day, transparent (not busy) event from ``first`` to ``last``
        inclusive: DTEND is exclusive, the day after ``last``."""
        props: dict[str, Any] = {
            "UID": ical_text(uid_),
            "DTSTAMP": self.stamp,
            "SEQUENCE": sequence,
            "SUMMARY": ical_text(summary),
            "DESCRIPTION": description,
            "DTSTART": self.day(first),
            "DTEND": self.day(last + _ONE_DAY),
            "TRANSP": self.transparent,
        }
        if category is not None:
            props["CATEGORIES"] = category
        if cancelled:
            props["STATUS"] = self.text_value("CANCELLED")
        return Item(Event, props)

    def reporting(self, number: int, rule: ReportingRule) -> Item | None:
        """The recurring all-day event of a reporting duty, or None when it does not
        concern the export's unit or none of its days falls within the tasks' windows."""
        text, unit = self.text, self.unit
        tasks = [st.task for st in self.statuses]
        if unit and unit != rule.to:
            reports = unit in rule.from_ if rule.from_ else any(t.lead == unit for t in tasks)
            if not reports:
                return None
        days, until = report_days(rule, tasks, self.plan.issued_on)
        if not days:
            return None
        to = self.name(rule.to)
        lines = []
        if rule.text:
            lines.append(f"{text['report.rule']}: {rule.text}")
        reporters = ", ".join(map(self.name, rule.from_)) or text["report.from.all"]
        lines.append(f"{text['report.from']}: {reporters}")
        lines.append(text["report.day"].format(day=rule.day))
        item = self._all_day(
            uid(self.plan.id, None, f"report.{number}"),
            text["report.summary"].format(to=to),
            ical_text("\n".join(lines)),
            days[0],
            days[0],
            self.int_value(0),
            None,
            False,
        )
        recur = _recurrence(rule)
        if recur is not None:
            recur["UNTIL"] = until
            item.props["RRULE"] = vRecur(recur)
        elif len(days) > 1:
            item.props["RDATE"] = vDDDLists(days[1:])
        what = text["report.alarm"].format(to=to)
        alarms = tuple(self.alarm(what, days_, False) for days_ in self.alarm_days)
        return item._replace(subs=alarms)

    def items(self) -> list[list[Item]]:
        """The items in groups: one group per task, then one per reporting duty."""
        groups = [self.task_items(st) for st in self.statuses]
        for number, rule in enumerate(self.plan.reporting, start=1):
            item = self.reporting(number, rule)
            if item is not None:
                groups.append([item])
        return groups


def build_calendar(tracker: Any, options: Mapping[str, Any]) -> Calendar:
    """The calendar of ``tracker``'s plan as an icalendar :class:`Calendar`.

    ``options``: ``at`` (a datetime; naive means Asia/Ho_Chi_Minh), ``unit`` (only the
    tasks this unit leads or supports), ``lang`` (``"vi"`` or ``"en"``), ``alarm_days``
    (see :func:`alarm_days_option`). ``build_calendar(...).to_ical()`` gives the same
    bytes as :func:`ics_bytes`, which is faster.
    """
    builder = _Builder(tracker, options)
    calendar = Calendar()
    for name, value in builder.calendar_props().items():
        calendar[name] = value
    for group in builder.items():
        calendar.subcomponents.extend(to_component(item) for item in group)
    return calendar


def iter_ics(tracker: Any, options: Mapping[str, Any], batch: int = 1000) -> Iterator[bytes]:
    """The bytes of ``build_calendar(tracker, options).to_ical()`` in pieces (about
    ``batch`` tasks each), written line by line by icalendar without building the
    components (see :mod:`tuyentruyen_ics.writer`)."""
    builder = _Builder(tracker, options)
    shell = Calendar()
    for name, value in builder.calendar_props().items():
        shell[name] = value
    head = shell.to_ical()
    writer = Writer(builder.shared)
    tail = writer.line("END", vText(str(Calendar.name)).to_ical()) + b"\r\n"
    if not head.endswith(tail):  # pragma: no cover - icalendar writes END last
        raise AssertionError("icalendar did not end the calendar with END:VCALENDAR")
    yield head[: -len(tail)]
    lines: list[bytes] = []
    for k, st in enumerate(builder.statuses, start=1):
        writer.new_group()
        for item in builder.task_items(st):
            writer.write(item, lines)
        if k % batch == 0:
            lines.append(b"")
            yield b"\r\n".join(lines)
            lines.clear()
    for number, rule in enumerate(builder.plan.reporting, start=1):
        writer.new_group()
        report = builder.reporting(number, rule)
        if report is not None:
            writer.write(report, lines)
    if lines:
        lines.append(b"")
        yield b"\r\n".join(lines)
    yield tail


def ics_bytes(tracker: Any, options: Mapping[str, Any]) -> bytes:
    """The bytes of ``build_calendar(tracker, options).to_ical()``, made faster (see
    :func:`iter_ics`)."""
    return b"".join(iter_ics(tracker, options))
