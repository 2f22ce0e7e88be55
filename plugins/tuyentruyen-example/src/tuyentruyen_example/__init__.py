"""tuyentruyen-example: the template plugin of tuyentruyen (copy it to start yours).

Three things, each harmless when installed for everyone:

- the ``log`` notifier (``[notify.log]``): each message becomes one record of the
  ``logging`` module, logger ``tuyentruyen_example``;
- ``on_event``: one DEBUG line on that logger per committed event, nothing kept;
- the command ``tuyentruyen tasks-of UNIT PLAN``: the tasks a unit leads (*chủ trì*)
  in a plan file, with ``--support`` also those it supports (*phối hợp*).

tuyentruyen finds it through its entry point (pyproject.toml)::

    [project.entry-points.tuyentruyen]
    example = "tuyentruyen_example"
"""

from __future__ import annotations

import argparse
import difflib
import logging
import textwrap
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TextIO

from tuyentruyen import Event, Plan, Task, TuyenTruyenError, hookimpl, load_plan
from tuyentruyen.hookspecs import CommandRegistry, NotifierFactory
from tuyentruyen.notify import Message

__all__ = [
    "LOGGER",
    "LogNotifier",
    "on_event",
    "register_commands",
    "register_notifiers",
    "tasks_of",
]
__version__ = "0.1.0"

#: The logger this plugin writes to.
LOGGER = "tuyentruyen_example"
log = logging.getLogger(LOGGER)


# --- 1. a notifier: register_notifiers ---------------------------------------------


class LogNotifier:
    """The ``log`` notifier: each message becomes one log record.

    Its table of the configuration file (``[notify.log]``) may set ``level`` (a
    ``logging`` level name, ``"info"`` by default) and ``logger``
    (``"tuyentruyen_example"`` by default). The record's text is
    ``[id] -> units: subject``; ``record.tuyentruyen_message`` is the message itself.
    """

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        name = str(config.get("level", "info")).upper()
        level = logging.getLevelNamesMapping().get(name)
        if level is None:
            raise TuyenTruyenError(
                f"[notify.log] level: unknown logging level {name!r}",
                f"[notify.log] level: không có mức ghi log {name!r}",
            )
        self.level = level
        self.logger = logging.getLogger(str(config.get("logger", LOGGER)))

    def send(self, message: Message) -> None:
        """Log ``message``; never raises, so a message is never retried."""
        self.logger.log(
            self.level,
            "[%s] -> %s: %s",
            message.id,
            ", ".join(message.units),
            message.subject,
            extra={"tuyentruyen_message": message},
        )


@hookimpl
def register_notifiers(register: Callable[[str, NotifierFactory], None]) -> None:
    """Offer the ``log`` notifier."""
    register("log", LogNotifier)


# --- 2. watching events: on_event --------------------------------------------------


@hookimpl
def on_event(event: Event, plan: Plan) -> None:
    """Log each committed event at DEBUG: ``qn-60-nam: 2.6 issue (planned -> issued)
    by tt-bc-xb at 2023-03-20T09:00:00+07:00``.

    Takes two of the three arguments the hook offers. With DEBUG off (the default) it
    costs one level check per event: every tracker of the process calls it.
    """
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "%s: %s %s (%s -> %s) by %s at %s",
            plan.id,
            event.task,
            event.event,
            event.source,
            event.dest,
            event.actor,
            event.at.isoformat(),
        )


# --- 3. a command: register_commands -----------------------------------------------


@hookimpl
def register_commands(cli: CommandRegistry) -> None:
    """Add ``tuyentruyen tasks-of UNIT PLAN``."""
    cli.add(
        "tasks-of",
        "list the tasks a unit leads in a plan file",
        "liệt kê các nhiệm vụ một đơn vị chủ trì trong tệp kế hoạch",
        _setup,
        _run,
    )


def _setup(parser: argparse.ArgumentParser) -> None:
    # The CLI has already given the command -h and --lang; help here is bilingual
    # because setup is not told the language.
    parser.add_argument("unit", metavar="UNIT", help="mã, tên hoặc tên khác của đơn vị / unit")
    parser.add_argument("plan", metavar="PLAN", help="tệp kế hoạch / plan file (YAML, JSON)")
    parser.add_argument(
        "--support",
        action="store_true",
        help="kể cả nhiệm vụ đơn vị phối hợp / also the tasks it supports",
    )


def _run(args: argparse.Namespace, out: TextIO) -> int:
    # A TuyenTruyenError (bad plan file, unknown unit) is printed by the CLI in the
    # user's language, with exit status 2.
    lang = "en" if getattr(args, "lang", None) == "en" else "vi"
    out.write(tasks_of(load_plan(args.plan), args.unit, lang=lang, support=args.support))
    return 0


def tasks_of(plan: Plan, unit: str, *, lang: str = "vi", support: bool = False) -> str:
    """What ``tuyentruyen tasks-of`` prints: the tasks ``unit`` (an id, name or alias)
    leads in ``plan``, in Vietnamese (``lang="vi"``) or English; with ``support``, also
    the tasks it supports. Raises :class:`TuyenTruyenError` for an unknown unit."""
    found = plan.unit(unit)
    if found is None:
        close = difflib.get_close_matches(unit, [u.id for u in plan.units], n=3)
        raise TuyenTruyenError(
            f"plan {plan.id}: no unit {unit!r}"
            + (f" (closest: {', '.join(close)})" if close else ""),
            f"kế hoạch {plan.id}: không có đơn vị {unit!r}"
            + (f" (gần nhất: {', '.join(close)})" if close else ""),
        )
    en = lang == "en"
    who = f"{found.name} ({found.id})"
    leads = [t for t in plan.tasks if t.lead == found.id]
    if not leads:
        head = (
            f"{who} leads no task of plan {plan.id}."
            if en
            else f"{who} không chủ trì nhiệm vụ nào của kế hoạch {plan.id}."
        )
    elif en:
        head = f"{who} leads {_tasks_en(len(leads))} of plan {plan.id}:"
    else:
        head = f"{who} chủ trì {len(leads)} nhiệm vụ của kế hoạch {plan.id}:"
    lines = [head, *(line for t in leads for line in _task_lines(t, plan, en, lead=False))]
    if support:
        helps = [t for t in plan.tasks if found.id in t.support]
        if not helps:
            lines.append("Supports no task." if en else "Không phối hợp nhiệm vụ nào.")
        else:
            lines.append(
                f"Supports {_tasks_en(len(helps))}:" if en else f"Phối hợp {len(helps)} nhiệm vụ:"
            )
            lines.extend(line for t in helps for line in _task_lines(t, plan, en, lead=True))
    return "\n".join(lines) + "\n"


def _tasks_en(n: int) -> str:
    return "1 task" if n == 1 else f"{n} tasks"


def _task_lines(task: Task, plan: Plan, en: bool, *, lead: bool) -> list[str]:
    """``  2.4  title`` and, indented below, its deadlines as the plan words them."""
    lines = [f"  {task.id}  {textwrap.shorten(task.title, 76, placeholder=' …')}"]
    when = []
    if lead:
        when.append(("lead: " if en else "chủ trì: ") + plan.unit_name(task.lead))
    due = task.plan_due_text or _day(task.plan_due, en)
    if due:
        when.append(("sub-plan due: " if en else "ban hành kế hoạch: ") + due)
    start, end = _day(task.window.start, en), _day(task.window.end, en)
    window = task.window_text or (f"{start} - {end}" if start or end else "")
    if window:
        when.append(("window: " if en else "thực hiện: ") + window)
    if when:
        lines.append(" " * (len(task.id) + 4) + "; ".join(when))
    return lines


def _day(day: date | None, en: bool) -> str:
    """A date the plan gives without its phrase: ISO in English, dd/mm/yyyy in Vietnamese."""
    if day is None:
        return ""
    return day.isoformat() if en else f"{day:%d/%m/%Y}"
