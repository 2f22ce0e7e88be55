"""Notification messages and the built-in console backend.

A :class:`Message` is what every backend delivers: who it is for (unit ids), a subject
and body in the recipients' language (Vietnamese by default), and a machine-readable
``data`` mapping. Its ``id`` is stable, so receivers can drop a message delivered twice
(delivery is at least once).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any, TextIO

import attrs

__all__ = ["ConsoleNotifier", "Message"]


@attrs.frozen
class Message:
    """One notification."""

    #: Stable id: the same message always has the same id (for de-duplication).
    id: str
    #: ``event``, ``due_soon``, ``overdue``, ``report_due`` or ``report_overdue``.
    kind: str
    #: Plan id.
    plan: str
    #: Recipient unit ids.
    units: tuple[str, ...]
    subject: str
    body: str
    #: The task concerned, if any.
    task: str | None = None
    #: Machine-readable details (JSON-ready).
    data: Mapping[str, Any] = attrs.field(factory=dict)
    #: Language of subject and body: ``"vi"`` or ``"en"``.
    lang: str = "vi"


class ConsoleNotifier:
    """Prints each message (the demo's backend; ``[notify.console]``)."""

    def __init__(self, config: Mapping[str, Any] | None = None, stream: TextIO | None = None):
        self.stream = stream

    def send(self, message: Message) -> None:
        """Print ``message`` to standard output (or the stream given)."""
        out = self.stream or sys.stdout
        out.write(f"[{message.id}] -> {', '.join(message.units)}: {message.subject}\n")
