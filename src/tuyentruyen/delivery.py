"""Delivering the outbox: every committed event reaches the units concerned, once per
backend, even if a backend is down for a day.

Each event's transaction writes an outbox row (``tt_outbox``). :class:`Deliverer` claims
rows per backend (``tt_deliveries``: a lease, so two deliverers never send the same row
at once and a crashed one's rows are tried again), turns each into a
:class:`~tuyentruyen.notify.Message` in Vietnamese (or English), sends it, and records
the result: sent, to be retried after an exponential backoff, or failed after
``max_attempts`` with the last error. A backend that raises or hangs never blocks a
transition (delivery runs apart from firing) nor the other backends. Delivery is at
least once; ``Message.id`` is stable so receivers can drop a duplicate.
"""

from __future__ import annotations

import json
import logging
import os
import tomllib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs

from tuyentruyen.errors import TuyenTruyenError
from tuyentruyen.hookspecs import Notifier, NotifierFactory
from tuyentruyen.lifecycle import EVENT_LABELS_VI, STATE_LABELS, TABLE
from tuyentruyen.model import Plan
from tuyentruyen.notify import Message
from tuyentruyen.plugins import collect
from tuyentruyen.remind import REMINDER_KINDS, message_from_payload
from tuyentruyen.store.sql import SQLStore
from tuyentruyen.timeexpr import format_date
from tuyentruyen.workdays import format_date_en

__all__ = [
    "ConfigError",
    "Deliverer",
    "DeliveryReport",
    "load_config",
    "notifiers_from",
    "render_event",
]

log = logging.getLogger("tuyentruyen.delivery")


class ConfigError(TuyenTruyenError):
    """The configuration file is missing, not TOML, or names an unknown backend."""


def load_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The TOML configuration file at ``path`` (secrets stay in environment variables:
    the file names them, e.g. ``password_env = "TT_SMTP_PASSWORD"``)."""
    where = os.fspath(path)
    try:
        with open(where, "rb") as f:
            return tomllib.load(f)
    except OSError as exc:
        raise ConfigError(
            f"{where}: cannot read the configuration ({exc.strerror})",
            f"{where}: không đọc được tệp cấu hình ({exc.strerror})",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{where}: not valid TOML: {exc}", f"{where}: không phải TOML hợp lệ: {exc}"
        ) from None


def notifiers_from(config: Mapping[str, Any], pm: Any) -> dict[str, Notifier]:
    """The backends configured in ``config``'s ``[notify.NAME]`` tables, built by the
    factories plugins register; only ``console`` when there is no ``[notify]``."""
    factories: dict[str, NotifierFactory] = collect(pm, "register_notifiers")
    tables = config.get("notify") or {"console": {}}
    out = {}
    for name, table in tables.items():
        factory = factories.get(name)
        if factory is None:
            known = ", ".join(sorted(factories)) or "-"
            raise ConfigError(
                f"[notify.{name}]: no installed plugin offers {name!r} (known: {known})",
                f"[notify.{name}]: không có plugin nào cung cấp {name!r} (đã có: {known})",
            )
        out[name] = factory(table if isinstance(table, Mapping) else {})
    return out


def _recipients(plan: Plan, task_id: str) -> tuple[str, ...]:
    """The units concerned by an event on a task: lead, supporting units, receivers."""
    task = plan.task(task_id)
    return tuple(dict.fromkeys((task.lead, *task.support, *plan.receivers_for(task))))


def render_event(
    plan: Plan, outbox_id: int, payload: Mapping[str, Any], lang: str = "vi"
) -> Message:
    """The message announcing the event of an outbox row."""
    task = plan.task(str(payload["task"]))
    event = str(payload["event"])
    seq = int(payload["seq"])
    labels = STATE_LABELS[lang]
    # Rows written before the payload carried the new state: the event's usual one.
    dest = str(payload.get("dest") or _USUAL_DEST.get(event, event))
    deadline = task.window.end
    if lang == "vi":
        subject = f"[{plan.id}] Nhiệm vụ {task.id}: {EVENT_LABELS_VI.get(event, event)}"
        due = f" Hạn hoàn thành: {format_date(deadline)}." if deadline else ""
        body = (
            f"Nhiệm vụ {task.id} \u2013 {task.title}\n"
            f"Đơn vị chủ trì: {plan.unit_name(task.lead)}.\n"
            f"Sự kiện: {EVENT_LABELS_VI.get(event, event)}"
            f" (trạng thái: {labels.get(dest, dest)}).{due}\n"
            f"{_NEXT['vi'].get(dest, '')}"
        )
    else:
        subject = f"[{plan.id}] Task {task.id}: {event}"
        due = f" Due: {format_date_en(deadline)}." if deadline else ""
        body = (
            f"Task {task.id} \u2013 {task.title}\n"
            f"Lead unit: {plan.unit_name(task.lead)}.\n"
            f"Event: {event} (state: {labels.get(dest, dest)}).{due}\n{_NEXT['en'].get(dest, '')}"
        )
    return Message(
        id=f"{plan.id}/event/{seq}",
        kind="event",
        plan=plan.id,
        units=_recipients(plan, task.id),
        subject=subject,
        body=body,
        task=task.id,
        data={"seq": seq, "event": event, "outbox_id": outbox_id},
        lang=lang,
    )


#: Each event's first destination in the lifecycle.
_USUAL_DEST = {event: edges[0].dest for (_, event), edges in TABLE.items()}


#: What to do next after an event to a state, per language.
_NEXT = {
    "vi": {
        "issued": "Việc tiếp theo: triển khai thực hiện và báo cáo tiến độ theo kế hoạch.",
        "in_progress": "Việc tiếp theo: báo cáo kết quả thực hiện đúng hạn.",
        "reported": "Việc tiếp theo: đơn vị nhận báo cáo xem xét, tiếp nhận hoặc trả lại.",
        "done": "Nhiệm vụ đã hoàn thành.",
        "cancelled": "Nhiệm vụ đã bị hủy.",
    },
    "en": {
        "issued": "Next: carry it out and report progress as planned.",
        "in_progress": "Next: report the results on time.",
        "reported": "Next: the receiving unit reviews the report (accept or send back).",
        "done": "The task is done.",
        "cancelled": "The task was cancelled.",
    },
}


@attrs.frozen
class DeliveryReport:
    """What one :meth:`Deliverer.run` did, per backend: sent, to retry, failed for good."""

    sent: Mapping[str, int]
    retried: Mapping[str, int]
    failed: Mapping[str, int]


@attrs.define
class Deliverer:
    """Drains a store's outbox into the configured backends.

    Args:
        store: the SQL store holding the outbox.
        notifiers: backend name -> notifier (see :func:`notifiers_from`).
        plans: the plans whose events are announced, by id (loaded from the store when
            missing).
        now: the clock, Unix seconds.
        max_attempts: attempts per message and backend before it is marked failed.
        backoff: seconds before the first retry; doubled each attempt, at most an hour.
        concurrency: messages sent at once per backend (threads).
        lang: language of the messages.
    """

    store: SQLStore
    notifiers: Mapping[str, Notifier]
    now: Callable[[], float]
    plans: dict[str, Plan] = attrs.field(factory=dict)
    max_attempts: int = 8
    backoff: float = 30.0
    concurrency: int = 8
    lang: str = "vi"
    batch: int = 500

    def _plan(self, plan_id: str) -> Plan:
        plan = self.plans.get(plan_id)
        if plan is None:
            plan = self.plans[plan_id] = self.store.load_plan(plan_id)
        return plan

    def run(self) -> DeliveryReport:
        """Deliver what is due now, backend by backend, until nothing is left to claim."""
        sent: dict[str, int] = {}
        retried: dict[str, int] = {}
        failed: dict[str, int] = {}
        for name, notifier in self.notifiers.items():
            with ThreadPoolExecutor(max_workers=max(1, self.concurrency)) as pool:
                while True:
                    rows = self.store.claim_outbox(name, self.now(), self.batch)
                    if not rows:
                        break
                    # Rendering reads the store: here, in this thread; only sending is
                    # spread over threads (the store's connection is not shared).
                    messages = [self._render(row) for row in rows]
                    outcomes = list(pool.map(_attempt, [notifier] * len(messages), messages))
                    results = []
                    for row, (error, final) in zip(rows, outcomes, strict=True):
                        attempt = row[5]
                        retry_at = None
                        if error is None:
                            counts = sent
                        elif final or attempt >= self.max_attempts:
                            counts = failed
                        else:
                            counts = retried
                            retry_at = self.now() + min(3600.0, self.backoff * 2 ** (attempt - 1))
                        results.append((row[0], error, retry_at))
                        counts[name] = counts.get(name, 0) + 1
                    self.store.record_deliveries(name, results, now=self.now())
        return DeliveryReport(sent, retried, failed)

    def _render(self, row: tuple[int, str, int, str, str, int]) -> Message | str:
        """The message of an outbox row, or why there is none."""
        outbox_id, plan_id, _seq, kind, payload, _attempt = row
        try:
            if kind == "event":
                data = json.loads(payload)
                return render_event(self._plan(plan_id), outbox_id, data, self.lang)
            if kind in REMINDER_KINDS:
                return message_from_payload(payload)  # rendered when it was queued
            raise ValueError(f"unknown outbox kind {kind!r}")
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"[:500]


def _attempt(notifier: Notifier, message: Message | str) -> tuple[str | None, bool]:
    """Send ``message``: ``(None, False)`` when it went, else the error and whether it
    is final (an exception whose ``retryable`` is false, such as an HTTP 400, is not
    retried; a message that cannot be rendered is not either)."""
    if isinstance(message, str):
        return message, True
    try:
        notifier.send(message)
    except Exception as exc:
        log.warning("delivery of %s failed: %r", message.id, exc)
        return f"{type(exc).__name__}: {exc}"[:500], getattr(exc, "retryable", True) is False
    return None, False


def config_path(given: str | None) -> Path | None:
    """The configuration file: ``given``, else ``$TUYENTRUYEN_CONFIG``, else none."""
    value = given or os.environ.get("TUYENTRUYEN_CONFIG")
    return Path(value) if value else None
