"""Reminders: what is due at a moment, queued in the outbox once each.

:func:`reminders` computes, for a tracker at a moment, the messages due then:

- ``due_soon``: a task's deadline (issue its sub-plan; finish the work) is ``lead``
  working days away or less, and not met;
- ``overdue``: the deadline passed and is not met;
- ``report_due``: the periodic report ("báo cáo trước ngày 15 hằng tháng") is due in
  ``lead`` working days or less, to every unit that owes it;
- ``report_overdue``: the due day passed and a unit with work under way sent no report
  since the previous due day.

Each carries a key (``overdue:2.6:window_end:2023-09-15``): :meth:`SQLStore.queue`
keeps one row per key, so ``tuyentruyen remind`` may run every few minutes, from several
machines, and each reminder is sent once.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import attrs

from tuyentruyen.model import ReportingRule
from tuyentruyen.notify import Message
from tuyentruyen.status import Deadline, deadline_hits
from tuyentruyen.store.sql import SQLStore
from tuyentruyen.timeexpr import ZONE, end_of_day
from tuyentruyen.tracker import Tracker
from tuyentruyen.workdays import WorkCalendar

__all__ = ["REMINDER_KINDS", "Reminder", "due_keys", "message_from_payload", "reminders"]

_ACTIVE = frozenset(("issued", "in_progress", "reported"))
#: Outbox kinds of reminders (their payload is the message itself).
REMINDER_KINDS = frozenset(("due_soon", "overdue", "report_due", "report_overdue"))


class Reminder:
    """A message with the key that keeps it from being queued twice. The message is
    written when first asked for: a run that finds most keys already queued renders
    only the new ones (a plain slotted class: a run over 100,000 tasks makes many)."""

    __slots__ = ("_args", "_make", "_message", "key", "kind")

    def __init__(
        self, key: str, kind: str, make: Callable[..., Message], args: tuple[Any, ...] = ()
    ) -> None:
        self.key = key
        self.kind = kind
        self._make = make
        self._args = args
        self._message: Message | None = None

    def __repr__(self) -> str:
        return f"Reminder({self.key!r})"

    @property
    def message(self) -> Message:
        """The message (Vietnamese unless asked otherwise)."""
        if self._message is None:
            self._message = self._make(*self._args)
        return self._message

    def payload(self) -> str:
        """The outbox payload: the message as JSON."""
        return json.dumps(attrs.asdict(self.message), ensure_ascii=False, default=str)


def message_from_payload(payload: str) -> Message:
    """The message of a reminder's outbox payload."""
    data: dict[str, Any] = json.loads(payload)
    data["units"] = tuple(data.get("units", ()))
    return Message(**data)


def reminders(
    tracker: Tracker,
    at: datetime,
    *,
    lead: int = 3,
    calendar: WorkCalendar | None = None,
    lang: str = "vi",
) -> list[Reminder]:
    """Every reminder due at ``at``, for ``lead`` working days ahead."""
    cal = calendar or WorkCalendar()
    today = at.date()
    return [
        *_deadlines(tracker, at, today, lead, cal, lang),
        *_reports(tracker, today, lead, cal, lang),
    ]


def _deadlines(
    tracker: Tracker, at: datetime, today: date, lead: int, cal: WorkCalendar, lang: str
) -> list[Reminder]:
    plan = tracker.plan
    tasks = plan.tasks
    # Calendar days cover the working days (holidays only make the span longer).
    span = 2 * lead + 16
    hits = deadline_hits(plan, tracker._timeline_for(), tracker._now.state, at, span)
    # A plan has few distinct deadline days: each day's reminder day and text once.
    days: dict[date, tuple[bool, str]] = {}
    out: list[Reminder] = []
    add, make = out.append, _deadline
    for i, kind, day, past in hits:
        found = days.get(day)
        if found is None:
            found = days[day] = (cal.working_days_before(day, lead) <= today, day.isoformat())
        if past:
            what = "overdue"
        elif found[0]:
            what = "due_soon"
        else:
            continue
        task = tasks[i]
        add(Reminder(
            f"{what}:{task.id}:{kind}:{found[1]}", what, make,
            (plan, task, kind, day, what, cal, lang),
        ))  # fmt: skip
    return out


def _deadline(
    plan: Any, task: Any, deadline_kind: str, day: date, kind: str, cal: WorkCalendar, lang: str
) -> Message:
    deadline = Deadline(deadline_kind, day)
    when = cal.describe(deadline.day, lang)
    what = {
        ("plan_due", "vi"): "ban hành kế hoạch thực hiện",
        ("window_end", "vi"): "hoàn thành nhiệm vụ",
        ("plan_due", "en"): "issue its implementation plan",
        ("window_end", "en"): "finish the task",
    }[(deadline.kind, lang)]
    if lang == "vi":
        head = "Nhắc việc" if kind == "due_soon" else "Quá hạn"
        subject = f"{head}: nhiệm vụ {task.id} – hạn {what} {when}"
        body = (
            f"Nhiệm vụ {task.id} – {task.title}\n"
            f"Đơn vị chủ trì: {plan.unit_name(task.lead)}.\n"
            + (
                f"Hạn {what}: {when}. Đề nghị đơn vị bảo đảm đúng tiến độ."
                if kind == "due_soon"
                else f"Đã quá hạn {what} ({when}). Đề nghị đơn vị khẩn trương thực hiện và báo cáo."
            )
        )
    else:
        head = "Reminder" if kind == "due_soon" else "Overdue"
        subject = f"{head}: task {task.id} – {what} by {when}"
        body = f"Task {task.id} – {task.title}\nLead unit: {plan.unit_name(task.lead)}.\n" + (
            f"Deadline to {what}: {when}."
            if kind == "due_soon"
            else f"The deadline to {what} ({when}) has passed: please act and report."
        )
    key = f"{kind}:{task.id}:{deadline.kind}:{deadline.day.isoformat()}"
    units = tuple(dict.fromkeys((task.lead, *task.support)))
    return Message(
        id=f"{plan.id}/{key}", kind=kind, plan=plan.id, units=units, subject=subject,
        body=body, task=task.id,
        data={"deadline": deadline.day.isoformat(), "deadline_kind": deadline.kind},
        lang=lang,
    )  # fmt: skip


def _reports(
    tracker: Tracker, today: date, lead: int, cal: WorkCalendar, lang: str
) -> Iterator[Reminder]:
    plan = tracker.plan
    states = tracker.states()
    for rule in plan.reporting:
        owing = rule.from_ or tuple(dict.fromkeys(t.lead for t in plan.tasks))
        active = {t.lead for t in plan.tasks if states[t.id] in _ACTIVE and t.lead in owing}
        upcoming, passed = _report_days(rule, today)
        if cal.working_days_before(upcoming, lead) <= today:
            for unit in sorted(active):
                yield _report_reminder(plan, rule, upcoming, unit, "report_due", cal, lang)
        if passed is None:
            continue
        # Who sent nothing in the period before the last due day that has passed.
        start = _months_back(passed, rule.every)
        reported = tracker.reporters(start, passed)
        for unit in sorted(active - reported):
            yield _report_reminder(plan, rule, passed, unit, "report_overdue", cal, lang)


def _report_days(rule: ReportingRule, today: date) -> tuple[date, date | None]:
    """The next due day of ``rule`` (today counts as upcoming) and the last one that has
    passed before today (None if none has): what :func:`reminders` and :func:`due_keys`
    both remind of, so their keys agree."""
    upcoming = rule.next_due(today - timedelta(days=1))
    passed = rule.next_due(_months_back(today, rule.every))
    while rule.next_due(passed) <= today - timedelta(days=1):
        passed = rule.next_due(passed)
    return upcoming, (None if passed >= today else passed)


def _months_back(day: date, every: str) -> date:
    months = 3 if every == "quarter" else 1
    year, month = day.year, day.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


def _report_reminder(
    plan: Any, rule: Any, due: date, unit: str, kind: str, cal: WorkCalendar, lang: str
) -> Reminder:
    key = f"{kind}:{rule.to}:{due.isoformat()}:{unit}"
    return Reminder(key, kind, functools.partial(_report, plan, rule, due, unit, kind, cal, lang))


def _report(
    plan: Any, rule: Any, due: date, unit: str, kind: str, cal: WorkCalendar, lang: str
) -> Message:
    when = cal.describe(due, lang)
    to = plan.unit_name(rule.to)
    if lang == "vi":
        subject = (
            f"Nhắc báo cáo định kỳ: gửi {to} trước {when}"
            if kind == "report_due"
            else f"Chưa gửi báo cáo định kỳ hạn {when}"
        )
        body = (
            f"Báo cáo định kỳ ({rule.text or 'theo kế hoạch'}) gửi {to}, hạn {when}."
            if kind == "report_due"
            else f"Đơn vị chưa gửi báo cáo định kỳ cho {to}, hạn {when}. Đề nghị gửi ngay."
        )
    else:
        subject = (
            f"Periodic report due to {to} before {when}"
            if kind == "report_due"
            else f"Periodic report to {to} missed ({when})"
        )
        body = subject + "."
    key = f"{kind}:{rule.to}:{due.isoformat()}:{unit}"
    return Message(
        id=f"{plan.id}/{key}", kind=kind, plan=plan.id, units=(unit,),
        subject=subject, body=body, data={"due": due.isoformat(), "to": rule.to},
        lang=lang,
    )  # fmt: skip


def due_keys(
    store: SQLStore,
    plan_id: str,
    at: datetime,
    *,
    lead: int = 3,
    calendar: WorkCalendar | None = None,
) -> set[str]:
    """The keys of :func:`reminders` at ``at``, computed from the task rows of a SQL
    store without building the plan: when all are queued already, ``remind`` is done
    without loading it."""
    cal = calendar or WorkCalendar()
    today = at.date()
    now = at.timestamp()
    soon = end_of_day(today + timedelta(days=2 * lead + 16)).timestamp()
    days: dict[str, tuple[date, float, bool]] = {}
    keys = set()
    rows = store.deadline_rows(plan_id)
    for task_id, _lead, state, plan_due, window_end in rows:
        if state in ("done", "cancelled"):
            continue
        for kind, text in (("plan_due", plan_due if state == "planned" else None),
                           ("window_end", window_end)):  # fmt: skip
            if text is None:
                continue
            found = days.get(text)
            if found is None:
                day = date.fromisoformat(text)
                found = days[text] = (
                    day,
                    end_of_day(day).timestamp(),
                    cal.working_days_before(day, lead) <= today,
                )
            day, ends, remind_now = found
            if ends > soon:
                continue
            if now >= ends:
                keys.add(f"overdue:{task_id}:{kind}:{text}")
            elif remind_now:
                keys.add(f"due_soon:{task_id}:{kind}:{text}")
    header = store.load_plan_header(plan_id)
    leads = list(dict.fromkeys(r[1] for r in rows))
    for rule in header.reporting:
        owing = rule.from_ or tuple(leads)
        active = {r[1] for r in rows if r[2] in _ACTIVE and r[1] in owing}
        upcoming, passed = _report_days(rule, today)
        if cal.working_days_before(upcoming, lead) <= today:
            keys.update(f"report_due:{rule.to}:{upcoming}:{u}" for u in active)
        if passed is None:
            continue
        start = _months_back(passed, rule.every)
        reported = store.reporters(
            plan_id,
            datetime.combine(start, time(0), tzinfo=ZONE),
            datetime.combine(passed, time(0), tzinfo=ZONE),
        )
        keys.update(f"report_overdue:{rule.to}:{passed}:{u}" for u in active - reported)
    return keys
