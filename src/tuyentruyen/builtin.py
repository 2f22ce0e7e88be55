"""The plugin shipped inside tuyentruyen: the console notifier and the json, csv,
markdown, dot and mermaid exporters.

It is registered through the same path as third-party plugins
(:data:`tuyentruyen.plugins.DEFAULT_PLUGINS`), so it is listed, allowed and blocked
like them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tuyentruyen.export import (
    CsvExporter,
    DotExporter,
    JsonExporter,
    MarkdownExporter,
    MermaidExporter,
)
from tuyentruyen.hookspecs import NotifierFactory, hookimpl
from tuyentruyen.notify import ConsoleNotifier

__all__ = ["register_exporters", "register_notifiers"]


@hookimpl
def register_notifiers(register: Callable[[str, NotifierFactory], None]) -> None:
    """Offer the ``console`` backend."""
    register("console", ConsoleNotifier)


@hookimpl
def register_exporters(register: Callable[[str, Any], None]) -> None:
    """Offer the ``json``, ``csv``, ``markdown``, ``dot`` and ``mermaid`` exports."""
    register("json", JsonExporter())
    register("csv", CsvExporter())
    register("markdown", MarkdownExporter())
    register("dot", DotExporter())
    register("mermaid", MermaidExporter())
