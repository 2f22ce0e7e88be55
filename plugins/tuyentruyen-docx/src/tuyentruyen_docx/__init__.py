"""The ``docx`` export of tuyentruyen: a progress report (*báo cáo tiến độ thực hiện kế
hoạch*) as a Word document, laid out per Nghị định 30/2020/NĐ-CP for a state body or
Hướng dẫn 36-HD/VPTW for a Party body.

``tuyentruyen export PLAN --db DB --format docx -o report.docx --at 31/10/2023`` writes
it; ``-O body=party|state``, ``-O place=...``, ``-O date=dd/mm/yyyy``, ``-O number=...``,
``-O superior=...``, ``-O signer_title=...``, ``-O signer_name=...`` and ``-O reports=N``
adjust it (docs/export-docx.md). Every text is written as text: markup characters,
quotes and line breaks come out as written; only the characters XML cannot hold (C0
control characters other than tab and line feed) are removed (:func:`clean_text`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tuyentruyen import hookimpl
from tuyentruyen.hookspecs import Exporter
from tuyentruyen_docx._document import AUTHOR, MARGINS, build_document, stable_zip
from tuyentruyen_docx._options import (
    BODIES,
    OPTIONS,
    DocxOptionError,
    ReportOptions,
    detect_body,
    symbol_of,
)
from tuyentruyen_docx._report import (
    OVERDUE_COLUMNS,
    SUMMARY_COLUMNS,
    data_text,
    date_line,
    rate_text,
    recipients,
    report_xml,
)
from tuyentruyen_docx._wml import clean_text

__all__ = [
    "AUTHOR",
    "BODIES",
    "MARGINS",
    "OPTIONS",
    "OVERDUE_COLUMNS",
    "SUMMARY_COLUMNS",
    "DocxExporter",
    "DocxOptionError",
    "ReportOptions",
    "clean_text",
    "data_text",
    "date_line",
    "detect_body",
    "rate_text",
    "recipients",
    "register_exporters",
    "stable_zip",
    "symbol_of",
]


class DocxExporter:
    """Writes the progress report of a tracker's plan as of ``options["at"]`` to a
    .docx file (see the module's documentation for the options)."""

    suffix = ".docx"

    def export(self, tracker: Any, path: str, options: Mapping[str, Any]) -> None:
        """Write the report to ``path``. Raises :class:`DocxOptionError` (an
        :class:`~tuyentruyen.export.ExportError`) naming a bad option."""
        Path(path).write_bytes(self.render(tracker, options))

    def render(self, tracker: Any, options: Mapping[str, Any]) -> bytes:
        """The report's bytes: the same tracker and options give the same bytes."""
        opts = ReportOptions.read(tracker.plan, options)
        prefix = "Báo cáo tiến độ thực hiện" if opts.lang == "vi" else "Progress report:"
        return build_document(report_xml(tracker, opts), f"{prefix} {tracker.plan.title}", opts.at)


@hookimpl
def register_exporters(register: Any) -> None:
    """Offer the ``docx`` format."""
    exporter: Exporter = DocxExporter()
    register("docx", exporter)
