"""The ``xlsx`` exporter: an Excel workbook with the task table and the per-unit summary.

openpyxl's write-only mode streams the rows to disk (100,000 tasks in seconds, little
memory); every cell is a ``WriteOnlyCell`` carrying a style prepared once per workbook.
The archive is written through a zip file whose entries all carry the export moment,
and the document properties carry it too: the same export gives the same bytes.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from tuyentruyen.errors import TuyenTruyenError
from tuyentruyen.export import CLASS_COLOURS, selected
from tuyentruyen.lifecycle import STATE_LABELS
from tuyentruyen.status import Classification, TaskStatus, UnitSummary
from tuyentruyen.timeexpr import ZONE
from tuyentruyen_xlsx.cells import clean_text, font_colour, text_width
from tuyentruyen_xlsx.labels import SUMMARY_COLUMNS, TASK_COLUMNS, TEXT

if TYPE_CHECKING:
    from _typeshed import SizedBuffer, StrPath

__all__ = ["DATE_FORMAT", "HEADER_ROW", "XlsxExporter", "XlsxOptionError"]

#: Number format of the date cells.
DATE_FORMAT = "dd/mm/yyyy"
# Day 0 of Excel's serial dates (valid from 1/3/1900 on, like openpyxl's).
_EXCEL_EPOCH = date(1899, 12, 30)
#: Number format of the on-time rate.
PERCENT_FORMAT = "0.0%"
#: The row holding the table headers on both sheets (rows 1-3: title, moment, unit).
HEADER_ROW = 4
#: Widths (in characters) of the text columns are capped; longer texts wrap.
_CAPS = {"title": 60, "lead": 30, "support": 50, "unit": 40}
_HEADER_FILL = "#d9d9d9"
#: Format options (``-O KEY=VALUE``) and the values they take.
OPTIONS = {"fill": ("cell", "row")}


class XlsxOptionError(TuyenTruyenError, ValueError):
    """A format option (``-O KEY=VALUE``) the exporter does not know."""


def _argb(rgb: str) -> str:
    """``"#rrggbb"`` as openpyxl's ``"FFRRGGBB"``."""
    return "FF" + rgb.lstrip("#").upper()


class _Styles:
    """Cell styles by key, each registered in the workbook once; a new cell gets a
    copy of the prepared style array (one operation instead of one per attribute)."""

    def __init__(self, sheet: Any) -> None:
        self._sheet = sheet
        self._arrays: dict[tuple[str, Classification | None], StyleArray | None] = {}
        thin = Side(style="thin", color="FFA6A6A6")
        self._border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def array(self, key: str, cls: Classification | None = None) -> StyleArray | None:
        """The style array of ``key`` (filled with ``cls``'s colour if given); None
        for the default style."""
        try:
            return self._arrays[key, cls]
        except KeyError:
            found = self._arrays[key, cls] = self._build(key, cls)
            return found

    def _build(self, key: str, cls: Classification | None) -> StyleArray | None:
        """Keys: ``title``, ``subtitle``, ``header``; task cells ``text`` (no style of
        its own), ``wrap``, ``date``, ``center``; summary cells ``unit``, ``int``,
        ``percent``, bold with a ``total_`` prefix. ``cls`` adds its fill colour."""
        cell = Cell(self._sheet, row=1, column=1)
        base = key.removeprefix("total_")
        bold = base != key or key == "header"
        if key == "title":
            cell.font = Font(bold=True, size=14)
        elif key == "subtitle":
            cell.font = Font(italic=True)
        elif key == "header":
            cell.fill = PatternFill("solid", fgColor=_argb(_HEADER_FILL))
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        elif base in ("wrap", "unit"):
            cell.alignment = Alignment(wrap_text=True)
        elif base in ("date", "center"):
            cell.alignment = Alignment(horizontal="center")
        if base == "date":
            cell.number_format = DATE_FORMAT
        elif base == "percent":
            cell.number_format = PERCENT_FORMAT
        if base in ("header", "unit", "int", "percent"):
            cell.border = self._border
        if cls is not None:
            colour = CLASS_COLOURS[cls]
            cell.fill = PatternFill("solid", fgColor=_argb(colour))
            cell.font = Font(bold=bold, color=_argb(font_colour(colour)))
        elif bold:
            cell.font = Font(bold=True)
        found = getattr(cell, "_style")  # noqa: B009 - not in openpyxl's stubs
        return None if found is None or not any(found) else StyleArray(found)

    def cell(self, sheet: Any, value: Any, key: str, cls: Classification | None = None) -> Cell:
        """A write-only cell of ``sheet`` holding ``value`` with style ``key``; a string
        is always a string cell (never a formula or an error code) and goes through
        :func:`~tuyentruyen_xlsx.cells.clean_text`."""
        if isinstance(value, str):
            cell = Cell(sheet, 1, 1, clean_text(value), self.array(key, cls))
            cell.data_type = "s"
            return cell
        return Cell(sheet, 1, 1, value, self.array(key, cls))


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive being written whose every entry carries ``date_time``, and the
    same attributes, whatever the clock says."""

    def __init__(self, file: StrPath, date_time: tuple[int, int, int, int, int, int]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._date_time = date_time

    def _info(self, name: str, size: int = 0) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, self._date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        info.file_size = size
        return info

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: SizedBuffer | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Add ``data``; a name becomes an entry stamped with the fixed time."""
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(
        self,
        filename: StrPath,
        arcname: StrPath | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Add the file ``filename`` as ``arcname``, stamped with the fixed time."""
        source = Path(filename)
        name = str(arcname if arcname is not None else source).lstrip("/")
        info = self._info(name, source.stat().st_size)
        with source.open("rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def _zip_time(at: datetime) -> tuple[int, int, int, int, int, int]:
    """``at`` in Vietnam's time as a zip entry time (zip times start in 1980)."""
    local = at.astimezone(ZONE)
    if local.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)


def _day_text(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _check_options(options: Mapping[str, Any]) -> str:
    """The ``fill`` option, after checking every format option."""
    for key, value in options.items():
        if key in ("at", "unit", "lang"):
            continue
        allowed = OPTIONS.get(key)
        if allowed is None:
            known = ", ".join(sorted(OPTIONS))
            raise XlsxOptionError(
                f"xlsx: unknown option {key!r} (known: {known})",
                f"xlsx: không có tùy chọn {key!r} (các tùy chọn: {known})",
            )
        if value not in allowed:
            choices = ", ".join(allowed)
            raise XlsxOptionError(
                f"xlsx: {key}={value!r}: use one of {choices}",
                f"xlsx: {key}={value!r}: chỉ dùng một trong {choices}",
            )
    fill: str = options.get("fill", "cell")
    return fill


class _Column:
    """How wide a column must be: the widest value seen, its header allowed to wrap."""

    __slots__ = ("cap", "header", "widest")

    def __init__(self, header: str, cap: int = 30, widest: int = 0) -> None:
        self.header = header
        self.cap = cap
        self.widest = widest

    def width(self) -> float:
        words = max((len(w) for w in self.header.split()), default=0)
        need = max(self.widest, words, (len(self.header) + 1) // 2)
        return float(min(self.cap, max(need, 4)) + 2)


class XlsxExporter:
    """Writes a tracker's tasks and the per-unit summary as an Excel workbook.

    Sheets: *Nhiệm vụ* (Tasks), one row per task of :func:`tuyentruyen.export.selected`
    in plan order, its classification filled with the official colour; *Tổng hợp theo
    đơn vị* (By unit), the counts of :meth:`Tracker.summary` per lead unit and their
    total. Each sheet starts with the plan's title and the moment, then the table
    (header row 4, frozen, with an auto filter). Options: ``at``, ``unit``, ``lang``
    and ``fill`` (``cell``, the default: colour the classification cell; ``row``:
    colour the whole row).
    """

    suffix = ".xlsx"

    def export(self, tracker: Any, path: str, options: Mapping[str, Any]) -> None:
        """Write the workbook for ``tracker`` at ``options["at"]`` to ``path``."""
        fill = _check_options(options)
        at: datetime = options["at"]
        if at.tzinfo is None:  # naive means Vietnam's time, as on the command line
            at = at.replace(tzinfo=ZONE)
            options = {**options, "at": at}
        lang = "en" if options.get("lang") == "en" else "vi"
        text = TEXT[lang]
        plan = tracker.plan
        statuses = selected(tracker, options)
        unit = options.get("unit")
        heading = [plan.title, text["as_of"].format(day=_day_text(at.astimezone(ZONE).date()))]
        if unit:
            heading.append(text["unit"].format(name=plan.unit_name(unit)))

        wb = Workbook(write_only=True)
        props: Any = wb.properties
        # openpyxl writes these as UTC; naive, to the second
        stamp = at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
        props.created = props.modified = stamp
        props.creator = "tuyentruyen"
        props.lastModifiedBy = None
        props.title = clean_text(plan.title)
        props.subject = clean_text(heading[1])
        props.keywords = clean_text(plan.id)
        props.language = "vi-VN" if lang == "vi" else "en"

        tasks = wb.create_sheet(text["sheet.tasks"])
        styles = _Styles(tasks)
        _write_tasks(tasks, styles, tracker, statuses, heading, lang, fill == "row")
        units = wb.create_sheet(text["sheet.units"])
        _write_units(units, styles, tracker, statuses, heading, lang, at, bool(unit))

        with _FixedTimeZip(path, _zip_time(at)) as archive:
            ExcelWriter(wb, archive).write_data()


def _layout(ws: Any, columns: Sequence[_Column], last_row: int) -> None:
    """Column widths, frozen header, auto filter over the table (header row to
    ``last_row``) and print settings; all set before the first row is written."""
    for k, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(k)].width = column.width()
    last = get_column_letter(len(columns))
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(last_row, HEADER_ROW)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True


def _write_heading(ws: Any, styles: _Styles, heading: Sequence[str]) -> None:
    """Rows 1 to HEADER_ROW - 1: the plan's title, the moment, the unit if any."""
    keys = ("title", "subtitle", "subtitle")
    for k in range(HEADER_ROW - 1):
        ws.append([styles.cell(ws, heading[k], keys[k])] if k < len(heading) else [])


def _write_header(ws: Any, styles: _Styles, columns: Sequence[_Column]) -> None:
    ws.append([styles.cell(ws, c.header, "header") for c in columns])


def _write_tasks(
    ws: Any,
    styles: _Styles,
    tracker: Any,
    statuses: Sequence[TaskStatus],
    heading: Sequence[str],
    lang: str,
    fill_row: bool,
) -> None:
    """The task sheet: one row per status, in the given (plan) order."""
    plan = tracker.plan
    text = TEXT[lang]
    states = STATE_LABELS[lang]
    lang_k = 0 if lang == "vi" else 1
    columns = [_Column(pair[lang_k]) for pair in TASK_COLUMNS]
    for k, cap in ((1, "title"), (2, "lead"), (3, "support")):
        columns[k].cap = _CAPS[cap]
    names: dict[str, str] = {}
    serials: dict[date, int] = {}
    kinds = {"plan_due": text["kind.plan_due"], "window_end": text["kind.window_end"]}
    ongoing, yes = text["ongoing"], text["yes"]

    def name(unit: str) -> str:
        found = names.get(unit)
        if found is None:
            found = names[unit] = plan.unit_name(unit)
        return found

    def serial(day: date | None) -> int | None:
        if day is None:
            return None
        found = serials.get(day)
        if found is None:
            found = serials[day] = (day - _EXCEL_EPOCH).days
        return found

    rows: list[tuple[Any, ...]] = []
    widest = [0] * len(columns)
    for st in statuses:
        task = st.task
        support = "; ".join([*(name(u) for u in task.support), *task.support_other])
        window = task.window
        end: int | str | None = serial(window.end)
        if end is None and task.ongoing:
            end = ongoing
        deadline = st.deadline
        row = (
            task.id,
            task.title,
            name(task.lead),
            support,
            serial(task.plan_due),
            serial(window.start),
            end,
            states[st.state],
            st.classification.label(lang),
            None if deadline is None else serial(deadline.day),
            None if deadline is None else kinds[deadline.kind],
            yes if st.due_soon else None,
        )
        rows.append(row)
        for k in (0, 1, 2, 3, 6, 7, 8, 10):
            value = row[k]
            if isinstance(value, str):
                width = text_width(value)
                if width > widest[k]:
                    widest[k] = width
    for k, column in enumerate(columns):
        column.widest = widest[k]
    for k in (4, 5, 6, 9):  # dates: dd/mm/yyyy
        columns[k].widest = max(columns[k].widest, len(DATE_FORMAT))

    _layout(ws, columns, HEADER_ROW + len(rows))
    _write_heading(ws, styles, heading)
    _write_header(ws, styles, columns)
    keys = ["text", "wrap", "wrap", "wrap", "date", "date", "date", "text", "text", "date",
            "text", "center"]  # fmt: skip
    for k in (1, 2, 3):  # wrap only the columns holding texts wider than the column
        if columns[k].widest <= columns[k].cap:
            keys[k] = "text"
    make, plain = styles.cell, _plain
    for st, row in zip(statuses, rows, strict=True):
        cls = st.classification
        if fill_row:
            ws.append([make(ws, v, key, cls) for v, key in zip(row, keys, strict=True)])
            continue
        # Blank cells are left out, and texts that need no style go in as plain values
        # (openpyxl reuses one cell for them): fewer cell objects in big plans.
        cells: list[Any] = []
        for v, key in zip(row, keys, strict=True):
            if v is None:
                cells.append(None)
            elif key == "text" and plain(v):
                cells.append(v)
            else:
                cells.append(make(ws, v, key))
        cells[8] = make(ws, row[8], "text", cls)
        ws.append(cells)


def _plain(value: object) -> bool:
    """Whether openpyxl keeps ``value`` as the same string cell when given it bare: a
    string, cleaned already, not a formula (``=...``), not an error code (``#N/A``)."""
    return (
        isinstance(value, str)
        and value[:1] != "="
        and value not in ERROR_CODES
        and clean_text(value) == value
    )


def _count(statuses: Iterable[TaskStatus]) -> list[UnitSummary]:
    """Per lead unit (in order of first appearance), the counts of ``statuses``,
    as :func:`tuyentruyen.status.summarize` counts the whole plan."""
    counts: dict[str, dict[Classification, int]] = {}
    for st in statuses:
        by_class = counts.get(st.task.lead)
        if by_class is None:
            by_class = counts[st.task.lead] = dict.fromkeys(Classification, 0)
        by_class[st.classification] += 1
    return [_unit_summary(unit, c) for unit, c in counts.items()]


def _unit_summary(unit: str, c: Mapping[Classification, int]) -> UnitSummary:
    C = Classification
    return UnitSummary(
        unit=unit,
        total=sum(c.values()) - c[C.CANCELLED],
        due=c[C.DONE_ON_TIME] + c[C.DONE_LATE] + c[C.IN_PROGRESS_OVERDUE],
        done_on_time=c[C.DONE_ON_TIME],
        done_late=c[C.DONE_LATE],
        not_done_on_time=c[C.NOT_STARTED] + c[C.IN_PROGRESS_ON_TIME] + c[C.NO_DEADLINE],
        not_done_overdue=c[C.IN_PROGRESS_OVERDUE],
        cancelled=c[C.CANCELLED],
        by_class=tuple((cls, c[cls]) for cls in C),
    )


def _total(rows: Sequence[UnitSummary]) -> UnitSummary:
    merged = dict.fromkeys(Classification, 0)
    for row in rows:
        for cls, n in row.by_class:
            merged[cls] += n
    return _unit_summary("", merged)


def _write_units(
    ws: Any,
    styles: _Styles,
    tracker: Any,
    statuses: Sequence[TaskStatus],
    heading: Sequence[str],
    lang: str,
    at: datetime,
    restricted: bool,
) -> None:
    """The per-unit sheet: the summary's rows (of the selected tasks when the export is
    restricted to a unit), then the total row, outside the filtered range."""
    if restricted:
        rows = _count(statuses)
        total = _total(rows)
    else:
        summary = tracker.summary(at)
        rows, total = list(summary.rows), summary.total
    plan = tracker.plan
    lang_k = 0 if lang == "vi" else 1
    columns = [_Column(pair[lang_k], cap=8) for pair in SUMMARY_COLUMNS]
    columns[0].cap = _CAPS["unit"]
    table: list[tuple[Any, ...]] = []
    for row in [*rows, total]:
        label = plan.unit_name(row.unit) if row.unit else TEXT[lang]["total"]
        rate = row.done_on_time / row.due if row.due else None
        table.append((
            label, row.total, row.due, row.done_on_time, row.done_late,
            row.not_done_on_time, row.not_done_overdue, row.cancelled, rate,
        ))  # fmt: skip
        columns[0].widest = max(columns[0].widest, text_width(label))
    for column in columns[1:]:
        column.widest = 6
    _layout(ws, columns, HEADER_ROW + len(rows))
    _write_heading(ws, styles, heading)
    _write_header(ws, styles, columns)
    for k, values in enumerate(table):
        prefix = "total_" if k == len(rows) else ""
        keys = ["unit"] + ["int"] * 7 + ["percent"]
        ws.append([styles.cell(ws, v, prefix + key) for v, key in zip(values, keys, strict=True)])
