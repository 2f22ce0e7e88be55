"""Render a :class:`~tuyentruyen.Plan` as a plan document, for the importer's tests.

The inverse of the importer, in three styles people write plans in:

* ``"markdown"``: Markdown with headings, bold numbering and labelled lines
  ("- Đơn vị chủ trì: …", "- Đơn vị phối hợp: …", "- Thời gian thực hiện: …");
* ``"text"``: the same labelled lines as plain text (a PDF copy: numbering only);
* ``"prose"``: plain text, each task a title line and one sentence
  "X chủ trì, phối hợp với Y, Z thực hiện; thời gian ban hành kế hoạch: …; thời gian
  thực hiện: …".

Plain-text styles can be hard-wrapped (``wrap=72``) the way text copied out of a PDF is.
Time phrases are the core's own (:func:`~tuyentruyen.timeexpr.render_window`,
:func:`~tuyentruyen.timeexpr.render_deadline`), so every phrase written here is one the
parsers must read back. Dependencies are not rendered: documents do not state them.

Run ``python tests/import_render.py [N]`` to time the import of an N-task document
(default 500) in each style.
"""

from __future__ import annotations

import sys
import textwrap
import time
from collections.abc import Sequence

from tuyentruyen.model import Plan, ReportingRule, Task, Unit
from tuyentruyen.timeexpr import render_deadline, render_window

__all__ = ["FORMAT_OF", "STYLES", "big_plan", "render_plan", "time_import"]

#: The styles :func:`render_plan` writes.
STYLES = ("markdown", "text", "prose")
#: The importer format (``import_text(fmt=…)``) of each style.
FORMAT_OF = {"markdown": "markdown", "text": "text", "prose": "text"}


def _name(plan: Plan, unit_id: str) -> str:
    return plan.unit_name(unit_id)


def _window_phrase(task: Task) -> str | None:
    if task.window.start is None and task.window.end is None and not task.ongoing:
        return None
    return render_window(task.window, task.ongoing)


def _labelled(plan: Plan, task: Task, bullet: str) -> list[str]:
    lines = [f"{bullet}Đơn vị chủ trì: {_name(plan, task.lead)}."]
    support = [_name(plan, u) for u in task.support] + list(task.support_other)
    if support:
        lines.append(f"{bullet}Đơn vị phối hợp: {'; '.join(support)}.")
    if task.plan_due is not None:
        lines.append(f"{bullet}Thời gian ban hành kế hoạch: {render_deadline(task.plan_due)}.")
    window = _window_phrase(task)
    if window is not None:
        lines.append(f"{bullet}Thời gian thực hiện: {window}.")
    return lines


def _prose(plan: Plan, task: Task) -> str:
    sentence = f"{_name(plan, task.lead)} chủ trì"
    support = [_name(plan, u) for u in task.support] + list(task.support_other)
    if support:
        sentence += ", phối hợp với " + ", ".join(support)
    sentence += " tổ chức thực hiện"
    if task.plan_due is not None:
        sentence += f"; thời gian ban hành kế hoạch: {render_deadline(task.plan_due)}"
    window = _window_phrase(task)
    if window is not None:
        sentence += f"; thời gian thực hiện: {window}"
    return sentence + "."


def _reporting(plan: Plan, rule: ReportingRule) -> str:
    every = "hằng quý" if rule.every == "quarter" else "hằng tháng"
    return (
        f"Các đơn vị báo cáo kết quả thực hiện định kỳ trước ngày {rule.day} {every} "
        f"về {_name(plan, rule.to)} để tổng hợp."
    )


def render_plan(plan: Plan, style: str = "markdown", *, wrap: int | None = None) -> str:
    """``plan`` as a document in ``style`` (one of :data:`STYLES`).

    ``wrap`` hard-wraps the paragraphs of the plain-text styles at that width, as a PDF
    copy does (ignored for Markdown).
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; use one of {', '.join(STYLES)}")
    md = style == "markdown"
    out: list[str] = []

    def para(text: str) -> None:
        if wrap and not md:
            out.extend(textwrap.wrap(text, wrap, break_long_words=False, break_on_hyphens=False))
        else:
            out.append(text)

    def heading(text: str, level: int) -> None:
        out.append(f"{'#' * level} {text}" if md else text)

    issuer = _name(plan, plan.issuer).upper()
    out += [f"**{issuer}**" if md else issuer, ""]
    heading("KẾ HOẠCH", 1)
    heading(plan.title, 2)
    out.append("")
    heading("I. MỤC ĐÍCH, YÊU CẦU", 3)
    out.append("")
    para(("- " if md else "") + "Bảo đảm thông tin kịp thời, chính xác, hiệu quả.")
    out.append("")
    heading("II. NHIỆM VỤ CỤ THỂ", 3)
    out.append("")
    for task in plan.tasks:
        out.append(f"**{task.id}.** {task.title}" if md else f"{task.id}. {task.title}")
        if style == "prose":
            para(_prose(plan, task))
        else:
            for line in _labelled(plan, task, "- "):
                para(line)
        out.append("")
    if plan.reporting:
        heading("III. TỔ CHỨC THỰC HIỆN", 3)
        out.append("")
        for rule in plan.reporting:
            para(_reporting(plan, rule))
        out.append("")
    return "\n".join(out) + "\n"


_KINDS = (
    "Sở Thông tin và Truyền thông",
    "Sở Văn hóa và Thể thao",
    "Hội Nhà báo tỉnh",
    "Trung tâm Truyền thông tỉnh",
    "Phòng Tuyên truyền - Báo chí - Xuất bản",
    "Ủy ban Mặt trận Tổ quốc tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Báo Quảng Ninh",
)


def big_plan(n: int = 500) -> Plan:
    """A valid plan of ``n`` tasks on eight units, with every kind of window."""
    from datetime import date

    from tuyentruyen.model import Window

    units = tuple(Unit(id=f"u{i}", name=name) for i, name in enumerate(_KINDS))
    windows = [
        (Window(date(2024, 3, 1), date(2024, 10, 31)), False),
        (Window(date(2024, 5, 1), date(2024, 5, 31)), False),
        (Window(date(2024, 1, 1), date(2024, 12, 31)), True),
        (Window(date(2024, 9, 1), None), False),
        (Window(None, None), True),
        (Window(date(2024, 5, 15), date(2024, 6, 2)), False),
    ]
    tasks = []
    for i in range(n):
        window, ongoing = windows[i % len(windows)]
        tasks.append(
            Task(
                id=str(i + 1),
                title=f"Tổ chức hoạt động tuyên truyền số {i + 1}",
                lead=units[i % 8].id,
                support=(units[(i + 1) % 8].id, units[(i + 3) % 8].id),
                support_other=("các cơ quan, đơn vị liên quan",) if i % 4 == 0 else (),
                plan_due=date(2024, 2, 29) if i % 3 == 0 else None,
                window=window,
                ongoing=ongoing,
            )
        )
    return Plan(
        id="big",
        title="Thông tin tuyên truyền năm 2024",
        issuer="u0",
        units=units,
        tasks=tuple(tasks),
        reporting=(ReportingRule(to="u0", every="month", day=15),),
    )


def time_import(
    n: int = 500, styles: Sequence[str] = STYLES, repeat: int = 3
) -> dict[str, tuple[float, int]]:
    """Best-of-``repeat`` seconds to import an ``n``-task document in each style (units
    passed as ``units=``), with the number of tasks imported. Not a test: a measurement."""
    from tuyentruyen.importer import import_text

    plan = big_plan(n)
    timings: dict[str, tuple[float, int]] = {}
    for style in styles:
        document = render_plan(plan, style)
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            result = import_text(document, FORMAT_OF[style], units=plan.units)
            best = min(best, time.perf_counter() - start)
        found = 0 if result.plan is None else len(result.plan.tasks)
        timings[style] = (best, found)
    return timings


if __name__ == "__main__":  # pragma: no cover - a measurement, run by hand
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    for style, (seconds, found) in time_import(size).items():
        print(f"{size} tasks, {style}: {seconds:.3f} s ({found} tasks imported)")
