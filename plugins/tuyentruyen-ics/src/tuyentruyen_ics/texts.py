"""The words of the calendar, in Vietnamese (default) and English."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from tuyentruyen.model import Task
from tuyentruyen.timeexpr import as_local, render_window
from tuyentruyen.workdays import format_date_en

__all__ = ["TEXT", "day_text", "moment_text", "window_text"]

TEXT: Mapping[str, Mapping[str, str]] = {
    "vi": {
        "lead": "Đơn vị chủ trì",
        "support": "Đơn vị phối hợp",
        "window": "Thời gian thực hiện",
        "plan_due": "Thời gian ban hành kế hoạch",
        "state": "Trạng thái đến ngày {day}",
        "class": "Phân loại",
        "deadline": "Hạn áp dụng",
        "done_at": "Hoàn thành lúc",
        "issued_on": "Đã ban hành kế hoạch ngày {day}",
        "none": "không",
        "unset": "chưa xác định",
        "window.summary": "Thực hiện: {task}",
        "plan_due.summary": "Hạn ban hành kế hoạch: {task}",
        "alarm": "Sắp đến hạn: {deadline}",
        "report.summary": "Hạn gửi báo cáo định kỳ về {to}",
        "report.rule": "Quy định",
        "report.from": "Đơn vị báo cáo",
        "report.from.all": "các đơn vị chủ trì nhiệm vụ",
        "report.day": (
            "Báo cáo phải đến trước ngày {day} của kỳ báo cáo. Lịch đặt vào ngày cuối cùng"
            " còn đúng hạn (ngày liền trước ngày {day}): báo cáo gửi đúng ngày {day} đã là"
            " muộn."
        ),
        "report.alarm": "Sắp đến hạn gửi báo cáo định kỳ về {to}",
        "calendar": "Tiến độ thực hiện kế hoạch {ref}đến ngày {day}",
        "calendar.unit": "; đơn vị: {unit}",
    },
    "en": {
        "lead": "Lead unit",
        "support": "Supporting units",
        "window": "Execution window",
        "plan_due": "Sub-plan due",
        "state": "State as of {day}",
        "class": "Classification",
        "deadline": "Deadline",
        "done_at": "Done at",
        "issued_on": "Sub-plan issued on {day}",
        "none": "none",
        "unset": "not set",
        "window.summary": "Execution: {task}",
        "plan_due.summary": "Sub-plan due: {task}",
        "alarm": "Deadline soon: {deadline}",
        "report.summary": "Periodic report due to {to}",
        "report.rule": "Rule",
        "report.from": "Reporting units",
        "report.from.all": "every lead unit",
        "report.day": (
            "Reports must arrive before day {day} of the period. The calendar shows the last"
            " day that is still on time (the day before day {day}): a report sent on day"
            " {day} is late."
        ),
        "report.alarm": "Periodic report to {to} due soon",
        "calendar": "Progress of the plan {ref}as of {day}",
        "calendar.unit": "; unit: {unit}",
    },
}


def day_text(day: date, lang: str) -> str:
    """``31/10/2023`` in Vietnamese, ``31 Oct 2023`` in English."""
    return format_date_en(day) if lang == "en" else f"{day.day}/{day.month}/{day.year}"


def moment_text(moment: datetime, lang: str) -> str:
    """A moment in Asia/Ho_Chi_Minh: ``27/10/2023 09:00``."""
    local = as_local(moment)
    return f"{day_text(local.date(), lang)} {local:%H:%M}"


def window_text(task: Task, lang: str) -> str:
    """The execution window: the plan's own phrase in Vietnamese (or the canonical one);
    dates, then the phrase, in English."""
    start, end = task.window.start, task.window.end
    if lang != "en":
        if task.window_text:
            return task.window_text
        if start is None and end is None and not task.ongoing:
            return TEXT["vi"]["unset"]
        return render_window(task.window, task.ongoing)
    if start is None and end is None:
        span = "ongoing" if task.ongoing else "not set"
    else:
        first = day_text(start, "en") if start else "…"
        last = day_text(end, "en") if end else "…"
        span = f"ongoing, {first} – {last}" if task.ongoing else f"{first} – {last}"
    return f"{span} ({task.window_text})" if task.window_text else span
