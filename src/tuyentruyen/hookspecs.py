"""The hooks a tuyentruyen plugin may implement (pluggy, project name ``tuyentruyen``).

A plugin is a module or object with functions marked ``@tuyentruyen.hookimpl`` whose
names and argument names are those below (a plugin may take fewer arguments than the
spec offers). Plugins are found through the entry-point group ``tuyentruyen`` (see
:mod:`tuyentruyen.plugins`); docs/plugins.md shows each hook with a runnable example.

Example::

    from tuyentruyen import hookimpl

    @hookimpl
    def on_event(event, task, plan):
        print(f"{plan.id}: {task.id} -> {event.dest}")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    import argparse
    from typing import TextIO

    from tuyentruyen.errors import Problem
    from tuyentruyen.events import Event
    from tuyentruyen.model import Plan, Task
    from tuyentruyen.notify import Message

__all__ = [
    "PROJECT",
    "CommandRegistry",
    "Exporter",
    "Notifier",
    "NotifierFactory",
    "hookimpl",
    "hookspec",
]

#: The pluggy project name, and the entry-point group plugins are published under.
PROJECT = "tuyentruyen"
#: Marks a hook specification (used by this module only).
hookspec = pluggy.HookspecMarker(PROJECT)
#: Marks a plugin's hook implementation: ``@tuyentruyen.hookimpl``.
hookimpl = pluggy.HookimplMarker(PROJECT)


class Notifier(Protocol):
    """A notification backend: delivers one message, or raises to have it retried."""

    def send(self, message: Message) -> None:
        """Deliver ``message``; raise any exception to report a failed attempt."""
        ...


#: Builds a notifier from its table of the configuration file (``[notify.NAME]``).
NotifierFactory = Callable[[Mapping[str, Any]], Notifier]


class Exporter(Protocol):
    """An export backend: writes a tracker's plan and state to a file."""

    #: File name suffix it writes, e.g. ``".xlsx"``.
    suffix: str

    def export(self, tracker: Any, path: str, options: Mapping[str, Any]) -> None:
        """Write the export of ``tracker`` to ``path``.

        ``options`` always holds ``at`` (an aware datetime: export the state as of
        then), ``unit`` (a unit id, or None for the whole plan: start from
        :func:`tuyentruyen.export.selected`) and ``lang`` (``"vi"`` or ``"en"``), plus
        the format's own options as strings (``tuyentruyen export -O KEY=VALUE``).
        ``path`` is a temporary file that :func:`tuyentruyen.export.export_to` moves
        into place once this returns; the output must depend only on the tracker and
        ``options`` (no current time), so the same export gives the same bytes.
        """
        ...


class CommandRegistry(Protocol):
    """What :func:`register_commands` receives: adds subcommands to the CLI."""

    def add(
        self,
        name: str,
        help_en: str,
        help_vi: str,
        setup: Callable[[argparse.ArgumentParser], None],
        run: Callable[[argparse.Namespace, TextIO], int],
    ) -> None:
        """Add ``tuyentruyen NAME``: ``setup`` adds its arguments, ``run`` does the work
        and returns the exit status; help in English and Vietnamese."""
        ...


@hookspec
def register_notifiers(register: Callable[[str, NotifierFactory], None]) -> None:
    """Offer notification backends: call ``register(name, factory)`` for each.

    ``name`` is the table of the configuration file that configures it
    (``[notify.NAME]``); ``factory(config)`` builds the backend from that table.
    """


@hookspec
def register_exporters(register: Callable[[str, Exporter], None]) -> None:
    """Offer export backends: call ``register(name, exporter)`` for each."""


@hookspec
def on_event(event: Event, task: Task, plan: Plan) -> None:
    """Called after ``event`` on ``task`` was committed to the store.

    Runs in the firing process, after the transaction: an exception here is logged
    and never undoes the event nor stops the other plugins. Keep it quick; durable
    delivery goes through the outbox (``tuyentruyen deliver``).
    """


@hookspec(firstresult=True)
def authorize(
    actor: str, task: Task, event: str, plan: Plan, at: datetime, note: str | None
) -> bool | None:
    """Decide whether ``actor`` may fire ``event`` on ``task``.

    ``at`` is when the event happens (aware, ``Asia/Ho_Chi_Minh``) and ``note`` the text
    given with it, for rules such as "a report after the 20th needs a note"; take only
    the arguments you need. Return ``True`` to allow, ``False`` to refuse, ``None`` to
    leave it to the tracker's policy. The first plugin with an answer decides.
    """


@hookspec
def validate_plan(plan: Plan) -> Sequence[Problem]:
    """Extra checks of a plan: return the problems found (empty when it is fine)."""
    return ()


@hookspec
def register_commands(cli: CommandRegistry) -> None:
    """Add subcommands to the ``tuyentruyen`` CLI with ``cli.add(...)``."""
