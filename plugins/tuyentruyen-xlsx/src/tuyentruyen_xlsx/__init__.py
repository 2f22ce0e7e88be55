"""tuyentruyen-xlsx: the ``xlsx`` export of tuyentruyen (an Excel workbook).

``tuyentruyen export PLAN --db DB --format xlsx -o tinh-hinh.xlsx --at 31/10/2023``
writes two sheets: *Nhiệm vụ* (one row per task, its classification filled with the
official colour) and *Tổng hợp theo đơn vị* (the per-unit counts and the on-time
rate). docs/export-xlsx.md describes the workbook and its options.
"""

from __future__ import annotations

from collections.abc import Callable

from tuyentruyen import hookimpl
from tuyentruyen.hookspecs import Exporter
from tuyentruyen_xlsx.cells import clean_text
from tuyentruyen_xlsx.exporter import DATE_FORMAT, HEADER_ROW, XlsxExporter, XlsxOptionError

__all__ = [
    "DATE_FORMAT",
    "HEADER_ROW",
    "XlsxExporter",
    "XlsxOptionError",
    "clean_text",
    "register_exporters",
]
__version__ = "0.1.0"


@hookimpl
def register_exporters(register: Callable[[str, Exporter], None]) -> None:
    """Offer the ``xlsx`` format."""
    register("xlsx", XlsxExporter())
