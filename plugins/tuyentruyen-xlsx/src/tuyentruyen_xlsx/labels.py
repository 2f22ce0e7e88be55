"""Every text the workbook shows, in Vietnamese (default) and English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

__all__ = ["SUMMARY_COLUMNS", "TASK_COLUMNS", "TEXT"]

#: Sheet names, headings and cell words, per language.
TEXT: Final[Mapping[str, Mapping[str, str]]] = {
    "vi": {
        "sheet.tasks": "Nhiệm vụ",
        "sheet.units": "Tổng hợp theo đơn vị",
        "as_of": "Tình hình thực hiện đến ngày {day}",
        "unit": "Đơn vị: {name} (chủ trì hoặc phối hợp)",
        "ongoing": "Thường xuyên",
        "yes": "Có",
        "total": "Tổng cộng",
        "kind.plan_due": "ban hành kế hoạch",
        "kind.window_end": "hoàn thành",
        "units.subject": "Tổng hợp kết quả thực hiện theo đơn vị chủ trì",
    },
    "en": {
        "sheet.tasks": "Tasks",
        "sheet.units": "By unit",
        "as_of": "Progress as of {day}",
        "unit": "Unit: {name} (lead or supporting)",
        "ongoing": "Ongoing",
        "yes": "Yes",
        "total": "Total",
        "kind.plan_due": "issue the plan",
        "kind.window_end": "finish",
        "units.subject": "Results by lead unit",
    },
}

#: Headers of the task sheet: (Vietnamese, English).
TASK_COLUMNS: Final = (
    ("Mã", "Id"),
    ("Nội dung", "Title"),
    ("Đơn vị chủ trì", "Lead unit"),
    ("Đơn vị phối hợp", "Supporting units"),
    ("Hạn ban hành kế hoạch", "Plan due"),
    ("Bắt đầu", "Start"),
    ("Kết thúc", "End"),
    ("Trạng thái", "State"),
    ("Phân loại", "Classification"),
    ("Hạn áp dụng", "Applicable deadline"),
    ("Loại hạn", "Deadline kind"),
    ("Sắp quá hạn", "Due soon"),
)

#: Headers of the per-unit sheet: (Vietnamese, English).
SUMMARY_COLUMNS: Final = (
    ("Đơn vị chủ trì", "Lead unit"),
    ("Tổng số", "Total"),
    ("Đến hạn", "Due"),
    ("Hoàn thành đúng hạn", "Done on time"),
    ("Hoàn thành quá hạn", "Done late"),
    ("Chưa hoàn thành, trong hạn", "Not done, on time"),
    ("Chưa hoàn thành, quá hạn", "Not done, overdue"),
    ("Đã hủy", "Cancelled"),
    ("Tỷ lệ đúng hạn", "On-time rate"),
)
