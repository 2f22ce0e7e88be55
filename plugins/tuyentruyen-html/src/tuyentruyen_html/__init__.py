"""tuyentruyen-html: the ``html`` export of tuyentruyen.

One self-contained page (``.html``, UTF-8): inline CSS and JavaScript, no network
fetch of any kind (a Content-Security-Policy forbids it), in Vietnamese by default or
English (``lang="en"``). It shows the plan's header and summary by classification
(official colours and legend), a Gantt chart of the execution windows, the dependency
graph, the per-unit table (*tổng hợp theo đơn vị chủ trì*) and the task table, with a
filter by unit and by state or classification.

tuyentruyen finds it through its entry point (pyproject.toml)::

    [project.entry-points.tuyentruyen]
    html = "tuyentruyen_html"

and ``tuyentruyen export PLAN --db DB --format html -o FILE --at DATE`` writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from tuyentruyen import hookimpl
from tuyentruyen.hookspecs import Exporter
from tuyentruyen_html.render import HtmlOptionError, build_context, render_html, script_json

__all__ = [
    "HtmlExporter",
    "HtmlOptionError",
    "build_context",
    "register_exporters",
    "render_html",
    "script_json",
]
__version__ = "0.1.0"


class HtmlExporter:
    """The ``html`` format: one self-contained page of the plan and its progress.

    Options: ``at`` (the moment), ``unit`` (only the tasks that unit leads or
    supports), ``lang`` (``"vi"`` or ``"en"``) and, as a string from
    ``-O chart_width=N``, the width of the Gantt chart's time axis in pixels (300 to
    20000; 1200 by default). The same tracker and options give the same bytes.
    """

    suffix = ".html"

    def export(self, tracker: Any, path: str, options: Mapping[str, Any]) -> None:
        """Write the page for ``tracker`` as of ``options["at"]`` to ``path``."""
        Path(path).write_bytes(render_html(tracker, options).encode("utf-8"))


@hookimpl
def register_exporters(register: Callable[[str, Exporter], None]) -> None:
    """Offer the ``html`` format."""
    register("html", HtmlExporter())
