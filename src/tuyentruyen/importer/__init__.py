"""Import a plan document (Markdown, plain text, DOCX) into a :class:`~tuyentruyen.Plan`.

:func:`import_document` reads a file (or its bytes), :func:`import_text` a string. Both
return an :class:`ImportResult`: the plan (``None`` when no task was found), the
:class:`ImportReport` listing every line not used, every guess and every time phrase
kept unparsed, with line numbers, and a status: 0 complete, 1 imported with warnings,
2 nothing usable. See ``docs/importing.md``.

>>> result = import_text('''KẾ HOẠCH
... Tuyên truyền năm 2024
...
... II. NỘI DUNG
... 1. Tổ chức hội nghị báo cáo viên
... - Đơn vị chủ trì: Sở Thông tin và Truyền thông.
... - Thời gian thực hiện: Quý III/2024.
... ''', fmt="text")
>>> [(t.id, t.title, t.window_text) for t in result.plan.tasks]
[('1', 'Tổ chức hội nghị báo cáo viên', 'Quý III/2024')]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import attrs

from tuyentruyen.importer.document import (
    FORMATS,
    Block,
    DocumentError,
    blocks_of,
    load_source,
    read_document,
    sniff_format,
)
from tuyentruyen.importer.extract import extract_plan
from tuyentruyen.importer.report import KINDS, Finding, ImportReport
from tuyentruyen.model import Plan, Unit

__all__ = [
    "FORMATS",
    "KINDS",
    "Block",
    "DocumentError",
    "Finding",
    "ImportReport",
    "ImportResult",
    "import_document",
    "import_text",
    "read_document",
]

#: Status of an import: the plan is complete.
COMPLETE = 0
#: Status of an import: a plan, with findings that need a look.
WITH_WARNINGS = 1
#: Status of an import: no task found.
NOTHING = 2


@attrs.frozen
class ImportResult:
    """What an import gives.

    Attributes:
        plan: the plan, or ``None`` when the document holds no task.
        report: the findings.
        status: 0 complete, 1 imported with warnings, 2 nothing usable.
    """

    plan: Plan | None
    report: ImportReport
    status: int


def import_document(
    source: str | os.PathLike[str] | bytes,
    *,
    fmt: str | None = None,
    units: Sequence[Unit] = (),
    plan_id: str | None = None,
) -> ImportResult:
    """Import a plan document.

    Args:
        source: a path, or the document's bytes.
        fmt: ``"markdown"``, ``"text"`` or ``"docx"``; by default from the file's suffix,
            else sniffed from the content.
        units: an existing unit table: names in the document that are spellings of these
            units get their ids (see ``--units``).
        plan_id: the new plan's id (default: made from its number or title).

    Raises:
        DocumentError: the file cannot be read (missing, a folder, not a DOCX…).
    """
    data, name = load_source(source)
    chosen = fmt or sniff_format(data, name)
    blocks = blocks_of(data, chosen, name or "<document>")
    return _result(blocks, chosen, units, plan_id, None if name is None else str(name))


def import_text(
    text: str,
    fmt: str = "markdown",
    *,
    units: Sequence[Unit] = (),
    plan_id: str | None = None,
) -> ImportResult:
    """Import a plan document given as a string (``"markdown"`` or ``"text"``)."""
    if fmt == "docx":
        raise DocumentError(
            "a DOCX document is bytes: use import_document",
            "tài liệu DOCX là dữ liệu nhị phân: dùng import_document",
        )
    blocks = blocks_of(text.encode("utf-8"), fmt)
    return _result(blocks, fmt, units, plan_id, None)


def _result(
    blocks: list[Block],
    fmt: str,
    units: Sequence[Unit],
    plan_id: str | None,
    source: str | None,
) -> ImportResult:
    plan, findings = extract_plan(blocks, units=units, plan_id=plan_id, fmt=fmt)
    report = ImportReport(tuple(findings), source=source, fmt=fmt)
    if plan is None:
        report = report.extended(
            [
                Finding(
                    None,
                    "missing",
                    "",
                    "no task found: nothing to import",
                    "không tìm thấy nhiệm vụ nào: không có gì để nhập",
                )
            ]
        )
        return ImportResult(None, report, NOTHING)
    return ImportResult(plan, report, WITH_WARNINGS if report.warnings else COMPLETE)


def _path_name(path: str | os.PathLike[str]) -> str:
    return str(Path(path))
