"""The progress report (*báo cáo tiến độ thực hiện kế hoạch*) as WordprocessingML.

Layout: the header block (issuing body and number on the left, the national motto or
"ĐẢNG CỘNG SẢN VIỆT NAM" and the place-and-date line on the right), the title, then
I. the summary per lead unit, II. each task with its latest reports, III. the overdue
tasks, and the recipients and signer block.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from tuyentruyen.events import Event
from tuyentruyen.export import latest_reports, selected
from tuyentruyen.lifecycle import STATE_LABELS
from tuyentruyen.model import Plan, Task
from tuyentruyen.status import Classification, TaskStatus, UnitSummary
from tuyentruyen.timeexpr import as_local, format_date, render_window
from tuyentruyen.workdays import format_date_en
from tuyentruyen_docx._options import ReportOptions
from tuyentruyen_docx._wml import Block, Table, Xml, cell, paragraph, row, run, table

__all__ = [
    "OVERDUE_COLUMNS",
    "STYLE_IDS",
    "SUMMARY_COLUMNS",
    "TEXT_WIDTH",
    "data_text",
    "date_line",
    "rate_text",
    "recipients",
    "report_xml",
    "unit_rows",
]

#: Width of the text area in twips: A4 (210 mm) less the 30 mm and 15 mm margins.
TEXT_WIDTH = 9355
#: Paragraph styles the markup refers to (created in the document by ``_document``):
#: name -> style id.
STYLE_IDS = {
    "Report Body": "ReportBody",
    "Report Task": "ReportTask",
    "Report Detail": "ReportDetail",
    "Report Cell": "ReportCell",
    "Report Header": "ReportHeader",
}
_BODY, _TASK, _DETAIL = "ReportBody", "ReportTask", "ReportDetail"
_CELL, _HEADER = "ReportCell", "ReportHeader"

_T: dict[str, dict[str, str]] = {
    "vi": {
        "motto1": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto2": "Độc lập - Tự do - Hạnh phúc",
        "party": "ĐẢNG CỘNG SẢN VIỆT NAM",
        "title": "BÁO CÁO",
        "subtitle": "Tiến độ thực hiện {title}",
        "as_of": "(tính đến ngày {day})",
        "scope": "(Đơn vị: {unit}, chủ trì hoặc phối hợp)",
        "intro": "{who} báo cáo tiến độ thực hiện các nhiệm vụ tính đến ngày {day} như sau:",
        "I": "I. TỔNG HỢP TÌNH HÌNH THỰC HIỆN",
        "II": "II. KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ",
        "III": "III. CÁC NHIỆM VỤ QUÁ HẠN",
        "cancelled": "Ngoài ra có {n} nhiệm vụ đã hủy, không tính vào tổng số.",
        "no_tasks": "Không có nhiệm vụ nào.",
        "no_overdue": "Không có nhiệm vụ quá hạn.",
        "lead": "Đơn vị chủ trì: {lead}",
        "support": "; phối hợp: {support}",
        "window": "Thời gian thực hiện: {window}",
        "state": "Trạng thái: {state}; phân loại: {cls}",
        "deadline": "; hạn: {deadline}",
        "soon": "; sắp quá hạn",
        "report": "Báo cáo ngày {day}",
        "no_report": "Chưa có báo cáo.",
        "yes": "có",
        "no": "không",
        "total": "Tổng cộng",
        "recipients": "Nơi nhận:",
        "archive_state": "- Lưu: VT.",
        "archive_party": "- Lưu VT.",
    },
    "en": {
        "motto1": "SOCIALIST REPUBLIC OF VIETNAM",
        "motto2": "Independence - Freedom - Happiness",
        "party": "COMMUNIST PARTY OF VIETNAM",
        "title": "REPORT",
        "subtitle": "Progress of {title}",
        "as_of": "(as of {day})",
        "scope": "(Unit: {unit}, as lead or support)",
        "intro": "{who} reports the progress of the tasks as of {day} as follows:",
        "I": "I. SUMMARY",
        "II": "II. PROGRESS OF EACH TASK",
        "III": "III. OVERDUE TASKS",
        "cancelled": "Besides, {n} cancelled task(s) are left out of the totals.",
        "no_tasks": "No task.",
        "no_overdue": "No task is overdue.",
        "lead": "Lead unit: {lead}",
        "support": "; support: {support}",
        "window": "Window: {window}",
        "state": "State: {state}; classification: {cls}",
        "deadline": "; deadline: {deadline}",
        "soon": "; due soon",
        "report": "Report of {day}",
        "no_report": "No report yet.",
        "yes": "yes",
        "no": "no",
        "total": "Total",
        "recipients": "Recipients:",
        "archive_state": "- File copy: VT.",
        "archive_party": "- File copy: VT.",
    },
}

#: Columns of the summary table (I.).
SUMMARY_COLUMNS = {
    "vi": (
        "STT",
        "Đơn vị chủ trì",
        "Tổng số nhiệm vụ",
        "Đến hạn",
        "Hoàn thành đúng hạn",
        "Hoàn thành quá hạn",
        "Chưa hoàn thành, trong hạn",
        "Chưa hoàn thành, quá hạn",
        "Tỷ lệ đúng hạn (%)",
    ),
    "en": (
        "No.",
        "Lead unit",
        "Tasks",
        "Due",
        "Done on time",
        "Done late",
        "Not done, on time",
        "Not done, overdue",
        "On-time rate (%)",
    ),
}
#: Columns of the overdue table (III.).
OVERDUE_COLUMNS = {
    "vi": ("STT", "Nhiệm vụ", "Đơn vị chủ trì", "Trạng thái", "Hạn đã quá"),
    "en": ("No.", "Task", "Lead unit", "State", "Missed deadlines"),
}


def _widths(*first: int) -> tuple[int, ...]:
    """Column widths in twips: ``first``, then what is left of the text width."""
    return (*first, TEXT_WIDTH - sum(first))


_SUMMARY_WIDTHS = _widths(567, 2268, *(931,) * 6)  # 10 mm, 40 mm, 7 x 16.4 mm
_OVERDUE_WIDTHS = _widths(567, 3969, 1984, 1134)  # 10, 70, 35, 20, 30 mm
_HEADER_WIDTHS = _widths(3515)  # 62 mm, 103 mm
_SIGN_WIDTHS = _widths(4535)  # 80 mm, 85 mm


def date_line(place: str, day: date, lang: str = "vi") -> str:
    """The place-and-date line (*địa danh và thời gian ban hành*): "Quảng Ninh, ngày 05
    tháng 01 năm 2024". As Nghị định 30/2020/NĐ-CP, Phụ lục I, and Hướng dẫn
    36-HD/VPTW write it: a day below 10 and the months 1 and 2 take a leading zero,
    other months do not.

    >>> date_line("Quảng Ninh", date(2023, 10, 31))
    'Quảng Ninh, ngày 31 tháng 10 năm 2023'
    >>> date_line("Quảng Ninh", date(2024, 1, 5))
    'Quảng Ninh, ngày 05 tháng 01 năm 2024'
    >>> date_line("Hạ Long", date(2023, 9, 8))
    'Hạ Long, ngày 08 tháng 9 năm 2023'
    """
    if lang == "en":
        when = format_date_en(day)
        return f"{place}, {when}" if place else when
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    when = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {when}" if place else when


def _day(day: date, lang: str) -> str:
    """A date in running text: "14/3/2023" (Vietnamese), "14 Mar 2023" (English)."""
    return format_date_en(day) if lang == "en" else format_date(day).removeprefix("ngày ")


def _number(opts: ReportOptions) -> str:
    """The number line: "Số: 12/BC-UBND" (NĐ 30), "Số 12-BC/BTGTU" (36-HD, no colon);
    the number left blank for the office to fill in unless given."""
    number = opts.number
    if "/" in number:  # a whole number and symbol, as given
        return f"Số: {number}" if opts.body == "state" else f"Số {number}"
    if opts.body == "state":
        return f"Số: {number or ' ' * 6}/BC-{opts.symbol}"
    return f"Số {number or ' ' * 6}-BC/{opts.symbol}"


def _header(opts: ReportOptions) -> Table:
    t = _T[opts.lang]
    left: list[Xml] = []
    right: list[Xml] = []
    if opts.body == "party":
        size = 14.0
        if opts.superior:
            left.append(paragraph(run(opts.superior.upper(), size=size), style=_HEADER))
        left.append(paragraph(run(opts.issuer_name.upper(), bold=True, size=size), style=_HEADER))
        left.append(paragraph(run("*", size=size), style=_HEADER))
        left.append(paragraph(run(_number(opts), size=size), style=_HEADER))
        right.append(paragraph(run(t["party"], bold=True, size=15, underline=True), style=_HEADER))
        right.append(
            paragraph(
                run(date_line(opts.place, opts.day, opts.lang), italic=True, size=14),
                style=_HEADER,
                before=240,
            )
        )
    else:
        size = 13.0
        if opts.superior:
            left.append(paragraph(run(opts.superior.upper(), size=size), style=_HEADER))
        left.append(
            paragraph(
                run(opts.issuer_name.upper(), bold=True, size=size),
                style=_HEADER,
                left=900,
                right=900,
                rule=True,
            )
        )
        left.append(paragraph(run(_number(opts), size=size), style=_HEADER, before=120))
        right.append(paragraph(run(t["motto1"], bold=True, size=12.5), style=_HEADER))
        right.append(
            paragraph(run(t["motto2"], bold=True, size=13.5, underline=True), style=_HEADER)
        )
        right.append(
            paragraph(
                run(date_line(opts.place, opts.day, opts.lang), italic=True, size=14),
                style=_HEADER,
                before=240,
            )
        )
    cells = [cell(left, _HEADER_WIDTHS[0]), cell(right, _HEADER_WIDTHS[1])]
    return table([row(cells)], _HEADER_WIDTHS, borders=False)


def _title(plan: Plan, opts: ReportOptions) -> Iterator[Xml]:
    t = _T[opts.lang]
    at_day = opts.at.date()
    yield paragraph(
        run(t["title"], bold=True, size=16 if opts.body == "party" else 14),
        align="center",
        before=360,
        keep_next=True,
    )
    yield paragraph(
        run(t["subtitle"].format(title=plan.title), bold=True), align="center", keep_next=True
    )
    as_of = f"{at_day:%d/%m/%Y}" if opts.lang == "vi" else format_date_en(at_day)
    yield paragraph(run(t["as_of"].format(day=as_of), italic=True), align="center")
    if opts.unit:
        yield paragraph(
            run(t["scope"].format(unit=plan.unit_name(opts.unit)), italic=True), align="center"
        )
    yield paragraph(left=3500, right=3500, rule=True, after=240)
    who = plan.unit_name(opts.unit) if opts.unit else opts.issuer_name
    yield paragraph(run(t["intro"].format(who=who, day=_day(at_day, opts.lang))), style=_BODY)


def unit_rows(
    tracker: Any, statuses: Sequence[TaskStatus], opts: ReportOptions
) -> tuple[list[UnitSummary], UnitSummary]:
    """The summary rows: ``tracker.summary(at)`` for the whole plan; for ``--unit``, the
    same counts over the selected tasks, per lead unit in order of first appearance."""
    if not opts.unit:
        summary = tracker.summary(at=opts.at)
        return list(summary.rows), summary.total
    counts: dict[str, list[int]] = {}
    order = tuple(Classification)
    for st in statuses:
        counts.setdefault(st.task.lead, [0] * len(order))[order.index(st.classification)] += 1
    rows = [_summary_row(unit, c) for unit, c in counts.items()]
    totals = [sum(col) for col in zip(*counts.values(), strict=True)] or [0] * len(order)
    return rows, _summary_row("", totals)


def _summary_row(unit: str, c: Sequence[int]) -> UnitSummary:
    """Counts per class (in :class:`Classification` order) as a summary row, counted
    the way :meth:`Tracker.summary` counts."""
    k = {cls: i for i, cls in enumerate(Classification)}
    on_time = c[k[Classification.DONE_ON_TIME]]
    late = c[k[Classification.DONE_LATE]]
    overdue = c[k[Classification.IN_PROGRESS_OVERDUE]]
    cancelled = c[k[Classification.CANCELLED]]
    return UnitSummary(
        unit=unit,
        total=sum(c) - cancelled,
        due=on_time + late + overdue,
        done_on_time=on_time,
        done_late=late,
        not_done_on_time=c[k[Classification.NOT_STARTED]]
        + c[k[Classification.IN_PROGRESS_ON_TIME]]
        + c[k[Classification.NO_DEADLINE]],
        not_done_overdue=overdue,
        cancelled=cancelled,
        by_class=tuple(zip(Classification, c, strict=True)),
    )


def rate_text(rate: float | None, lang: str) -> str:
    """An on-time rate as the table shows it: "66,7" (Vietnamese decimal comma),
    "66.7" (English), "-" when nothing is due yet."""
    if rate is None:
        return "-"
    text = f"{rate:.1f}"
    return text.replace(".", ",") if lang == "vi" else text


def _cell_text(text: str, width: int, *, bold: bool = False, align: str = "left") -> Xml:
    return cell([paragraph(run(text, bold=bold), style=_CELL, align=align)], width)


def _summary(
    plan: Plan, tracker: Any, statuses: Sequence[TaskStatus], opts: ReportOptions
) -> Iterator[Block]:
    t = _T[opts.lang]
    yield paragraph(run(t["I"], bold=True), style=_BODY, keep_next=True)
    rows, total = unit_rows(tracker, statuses, opts)
    widths = _SUMMARY_WIDTHS
    head = row(
        [
            _cell_text(c, w, bold=True, align="center")
            for c, w in zip(SUMMARY_COLUMNS[opts.lang], widths, strict=True)
        ],
        header=True,
    )

    def line(number: str, name: str, r: UnitSummary, bold: bool) -> Xml:
        values = (
            r.total,
            r.due,
            r.done_on_time,
            r.done_late,
            r.not_done_on_time,
            r.not_done_overdue,
        )
        cells = [
            _cell_text(number, widths[0], bold=bold, align="center"),
            _cell_text(name, widths[1], bold=bold),
            *(
                _cell_text(str(v), w, bold=bold, align="center")
                for v, w in zip(values, widths[2:8], strict=True)
            ),
            _cell_text(rate_text(r.on_time_rate, opts.lang), widths[8], bold=bold, align="center"),
        ]
        return row(cells)

    body = [line(str(i), plan.unit_name(r.unit), r, False) for i, r in enumerate(rows, start=1)]
    body.append(line("", t["total"], total, True))
    yield table([head, *body], widths, borders=True)
    if total.cancelled:
        yield paragraph(run(t["cancelled"].format(n=total.cancelled)), style=_BODY)


def data_text(value: Any, lang: str) -> str:
    """A value of a report's data as text: lists joined by commas, yes/no for booleans,
    numbers and texts as they are, nested objects as ``key: value`` pairs.

    >>> data_text(["https://baoquangninh.vn/", 2], "vi")
    'https://baoquangninh.vn/, 2'
    >>> data_text({"b": True, "a": None}, "en")
    'a: -; b: yes'
    """
    if isinstance(value, bool):
        return _T[lang]["yes"] if value else _T[lang]["no"]
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return ", ".join(data_text(v, lang) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {data_text(v, lang)}" for k, v in sorted(value.items()))
    return str(value)


def _window(task: Task) -> str:
    if task.window_text:
        return task.window_text
    if task.window.start is None and task.window.end is None and not task.ongoing:
        return ""
    return render_window(task.window, task.ongoing)


def _task(
    plan: Plan, st: TaskStatus, reports: Sequence[Event], opts: ReportOptions
) -> Iterator[Xml]:
    t, lang = _T[opts.lang], opts.lang
    task = st.task
    yield paragraph(run(f"{task.id}. {task.title}"), style=_TASK)
    lead = t["lead"].format(lead=plan.unit_name(task.lead))
    support = [plan.unit_name(u) for u in task.support] + list(task.support_other)
    if support:
        lead += t["support"].format(support=", ".join(support))
    yield paragraph(run("- " + lead), style=_BODY)
    window = _window(task)
    if window:
        yield paragraph(run("- " + t["window"].format(window=window)), style=_BODY)
    state = t["state"].format(state=STATE_LABELS[lang][st.state], cls=st.classification.label(lang))
    if st.deadline is not None:
        state += t["deadline"].format(deadline=st.deadline.label(lang))
    if st.due_soon:
        state += t["soon"]
    yield paragraph(run("- " + state), style=_BODY)
    if not reports:
        yield paragraph(run("- " + t["no_report"]), style=_BODY)
    for ev in reports:
        head = t["report"].format(day=_day(as_local(ev.at).date(), lang))
        text = f"- {head}: {ev.note}" if ev.note else f"- {head}."
        yield paragraph(run(text), style=_BODY)
        for key, value in sorted(ev.plain_data.items()):
            yield paragraph(run(f"+ {key}: {data_text(value, lang)}"), style=_DETAIL)


def _tasks(
    plan: Plan, tracker: Any, statuses: Sequence[TaskStatus], opts: ReportOptions
) -> Iterator[Xml]:
    t = _T[opts.lang]
    yield paragraph(run(t["II"], bold=True), style=_BODY, keep_next=True)
    if not statuses:
        yield paragraph(run(t["no_tasks"]), style=_BODY)
        return
    latest = (
        latest_reports(tracker, [st.task.id for st in statuses], opts.at, count=opts.reports)
        if opts.reports
        else {}
    )
    for st in statuses:
        yield from _task(plan, st, latest.get(st.task.id, ()), opts)


def _overdue(
    plan: Plan, tracker: Any, statuses: Sequence[TaskStatus], opts: ReportOptions
) -> Iterator[Block]:
    t, lang = _T[opts.lang], opts.lang
    yield paragraph(run(t["III"], bold=True), style=_BODY, keep_next=True)
    wanted = {st.task.id for st in statuses}
    late = [o for o in tracker.overdue(at=opts.at) if o.task.id in wanted]
    if not late:
        yield paragraph(run(t["no_overdue"]), style=_BODY)
        return
    widths = _OVERDUE_WIDTHS
    head = row(
        [
            _cell_text(c, w, bold=True, align="center")
            for c, w in zip(OVERDUE_COLUMNS[lang], widths, strict=True)
        ],
        header=True,
    )
    rows = [head]
    for i, o in enumerate(late, start=1):
        rows.append(
            row(
                [
                    _cell_text(str(i), widths[0], align="center"),
                    _cell_text(f"{o.task.id}. {o.task.title}", widths[1]),
                    _cell_text(plan.unit_name(o.task.lead), widths[2]),
                    _cell_text(STATE_LABELS[lang][o.state], widths[3]),
                    _cell_text("; ".join(d.label(lang) for d in o.deadlines), widths[4]),
                ]
            )
        )
    yield table(rows, widths, borders=True)


def recipients(plan: Plan) -> list[str]:
    """Who receives the report: the units the plan's reporting rules send reports to
    (*nơi nhận báo cáo*), by name, each once, in the plan's order."""
    return list(dict.fromkeys(plan.unit_name(rule.to) for rule in plan.reporting))


def _closing(plan: Plan, opts: ReportOptions) -> Table:
    t = _T[opts.lang]
    left = [
        paragraph(run(t["recipients"], bold=True, italic=True, size=12), style=_CELL, before=240)
    ]
    for name in recipients(plan):
        left.append(paragraph(run(f"- {name};", size=11), style=_CELL))
    archive = t["archive_party"] if opts.body == "party" else t["archive_state"]
    left.append(paragraph(run(archive, size=11), style=_CELL))
    right: list[Xml] = []
    if opts.signer_title:
        right.append(
            paragraph(run(opts.signer_title.upper(), bold=True), style=_HEADER, before=240)
        )
    right.extend(paragraph(style=_HEADER) for _ in range(4))  # room for the signature
    if opts.signer_name:
        right.append(paragraph(run(opts.signer_name, bold=True), style=_HEADER))
    cells = [cell(left, _SIGN_WIDTHS[0]), cell(right, _SIGN_WIDTHS[1])]
    return table([row(cells, cant_split=True)], _SIGN_WIDTHS, borders=False)


def report_xml(tracker: Any, opts: ReportOptions) -> Iterator[Block]:
    """The report's body, piece by piece (paragraphs and tables) in document order."""
    plan: Plan = tracker.plan
    statuses = selected(tracker, {"at": opts.at, "unit": opts.unit})
    yield _header(opts)
    yield from _title(plan, opts)
    yield from _summary(plan, tracker, statuses, opts)
    yield from _tasks(plan, tracker, statuses, opts)
    yield from _overdue(plan, tracker, statuses, opts)
    yield _closing(plan, opts)
