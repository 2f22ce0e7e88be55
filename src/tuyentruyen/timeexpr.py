"""Vietnamese time phrases <-> windows and deadlines.

Plans say when things happen in words: "Tháng 4/2023", "Từ tháng 9 đến tháng
10/2023", "Thường xuyên từ tháng 3 đến hết tháng 10/2023", "Từ tháng 9/2023" (no end).
This module turns such phrases into :class:`~tuyentruyen.model.Window` values and
deadline dates, and renders them back. Month-granular phrases mean whole months: a
deadline "Tháng 4/2023" is the end of 30/4/2023. A phrase that cannot be understood
raises :class:`~tuyentruyen.errors.TimePhraseError`; nothing is ever guessed.

All dates are calendar dates in the plan's zone, ``Asia/Ho_Chi_Minh``
(:data:`ZONE`); :func:`end_of_day` turns a deadline date into the instant after which
the deadline has passed.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs

from tuyentruyen.errors import TimePhraseError
from tuyentruyen.model import Window

__all__ = [
    "ZONE",
    "WindowPhrase",
    "as_local",
    "end_of_day",
    "format_date",
    "month_end",
    "parse_date",
    "parse_deadline",
    "parse_window",
    "render_deadline",
    "render_window",
]

#: The zone every plan date is in.
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@attrs.frozen
class WindowPhrase:
    """A parsed execution-window phrase: the window, whether the work is ongoing
    (*thường xuyên*), and the phrase as written."""

    window: Window
    ongoing: bool
    text: str


# --- small helpers -----------------------------------------------------------------


def month_end(year: int, month: int) -> date:
    """The last day of ``month``/``year``."""
    return date(year, month, calendar.monthrange(year, month)[1])


def as_local(moment: datetime) -> datetime:
    """``moment`` as an aware datetime in :data:`ZONE` (naive means plan-local time)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=ZONE)
    return moment.astimezone(ZONE)


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in :data:`ZONE`: a deadline passes at this moment."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZONE)


def format_date(day: date) -> str:
    """A date in Vietnamese administrative form: ``ngày 15/9/2023``."""
    return f"ngày {day.day}/{day.month}/{day.year}"


# --- parsing -------------------------------------------------------------------------

_NUM = r"(\d{1,2})"
_YEAR = r"(\d{4})"
_SEP = r"\s*[/.\-]\s*"
_MONTH_YEAR = rf"{_NUM}(?:{_SEP}|\s+năm\s+){_YEAR}"
_DMY = rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})"

_P_MONTH = re.compile(rf"(?:trong\s+)?tháng\s+{_MONTH_YEAR}")
_P_MONTH_RANGE = re.compile(
    rf"từ\s+tháng\s+{_NUM}(?:(?:{_SEP}|\s+năm\s+){_YEAR})?\s+đến\s+(?:hết\s+)?tháng\s+{_MONTH_YEAR}"
)
_P_MONTH_FROM = re.compile(rf"từ\s+tháng\s+{_MONTH_YEAR}")
_P_MONTH_UNTIL = re.compile(rf"(?:đến|tới)\s+(?:hết\s+)?tháng\s+{_MONTH_YEAR}")
_P_DAY = re.compile(rf"(?:ngày\s+)?(?:{_DMY}|(\d{{4}})-(\d{{2}})-(\d{{2}}))")
_DAY = rf"(?:ngày\s+)?(?:\d{{1,2}}{_SEP}\d{{1,2}}{_SEP}\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_P_DAY_RANGE = re.compile(rf"từ\s+({_DAY})\s+đến\s+(?:hết\s+)?({_DAY})")
_P_DAY_FROM = re.compile(rf"từ\s+({_DAY})")
_P_DAY_UNTIL = re.compile(rf"(?:đến|tới)\s+(?:hết\s+)?({_DAY})")
_ONGOING = re.compile(r"^thường\s+xuyên\s*[,:;\-–]?\s*")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(" .;,")


def _month(phrase: str, month: str, year: str | None) -> tuple[int, int]:
    m = int(month)
    if not 1 <= m <= 12:
        raise TimePhraseError(phrase, f"month {m} does not exist", f"không có tháng {m}")
    if year is None:
        return m, 0
    y = int(year)
    if not 1900 <= y <= 2200:
        raise TimePhraseError(phrase, f"year {y} is out of range", f"năm {y} không hợp lệ")
    return m, y


def _make_date(phrase: str, year: int, month: int, day: int) -> date:
    _month(phrase, str(month), str(year))
    try:
        return date(year, month, day)
    except ValueError:
        raise TimePhraseError(
            phrase,
            f"{day}/{month}/{year} is not a date",
            f"ngày {day}/{month}/{year} không tồn tại",
        ) from None


def parse_date(text: str) -> date:
    """Parse one calendar date: ISO ``2023-09-15``, ``15/9/2023``, ``15-9-2023``,
    ``15.9.2023``, with or without a leading ``ngày``."""
    cleaned = _clean(text)
    m = _P_DAY.fullmatch(cleaned)
    if m is None:
        raise TimePhraseError(text, "not a date", "không phải là ngày")
    if m.group(4) is not None:
        return _make_date(text, int(m.group(4)), int(m.group(5)), int(m.group(6)))
    return _make_date(text, int(m.group(3)), int(m.group(2)), int(m.group(1)))


def _window_of(phrase: str, body: str) -> Window:
    m = _P_MONTH.fullmatch(body)
    if m:
        month, year = _month(phrase, m.group(1), m.group(2))
        return Window(date(year, month, 1), month_end(year, month))
    m = _P_MONTH_RANGE.fullmatch(body)
    if m:
        end_m, end_y = _month(phrase, m.group(3), m.group(4))
        start_m, start_y = _month(phrase, m.group(1), m.group(2))
        start_y = start_y or end_y
        start, end = date(start_y, start_m, 1), month_end(end_y, end_m)
        return _ordered(phrase, Window(start, end))
    m = _P_MONTH_FROM.fullmatch(body)
    if m:
        month, year = _month(phrase, m.group(1), m.group(2))
        return Window(date(year, month, 1), None)
    m = _P_MONTH_UNTIL.fullmatch(body)
    if m:
        month, year = _month(phrase, m.group(1), m.group(2))
        return Window(None, month_end(year, month))
    m = _P_DAY_RANGE.fullmatch(body)
    if m:
        return _ordered(phrase, Window(parse_date(m.group(1)), parse_date(m.group(2))))
    m = _P_DAY_FROM.fullmatch(body)
    if m:
        return Window(parse_date(m.group(1)), None)
    m = _P_DAY_UNTIL.fullmatch(body)
    if m:
        return Window(None, parse_date(m.group(1)))
    if _P_DAY.fullmatch(body):
        day = parse_date(body)
        return Window(day, day)
    raise TimePhraseError(phrase)


def _ordered(phrase: str, window: Window) -> Window:
    if window.start is not None and window.end is not None and window.start > window.end:
        raise TimePhraseError(
            phrase,
            f"the window ends ({window.end.isoformat()}) before it starts "
            f"({window.start.isoformat()})",
            f"thời gian kết thúc ({format_date(window.end)}) trước thời gian bắt đầu "
            f"({format_date(window.start)})",
        )
    return window


def parse_window(text: str) -> WindowPhrase:
    """Parse an execution-window phrase (*thời gian thực hiện*).

    >>> parse_window("Từ tháng 9 đến tháng 10/2023").window
    Window(start=datetime.date(2023, 9, 1), end=datetime.date(2023, 10, 31))
    >>> parse_window("Thường xuyên từ tháng 3 đến hết tháng 10/2023").ongoing
    True
    """
    original = unicodedata.normalize("NFC", text).strip()
    body = _clean(text)
    ongoing = False
    m = _ONGOING.match(body)
    if m:
        ongoing = True
        body = body[m.end() :]
        if not body:
            return WindowPhrase(Window(None, None), True, original)
    if not body:
        raise TimePhraseError(text, "the phrase is empty", "cụm từ trống")
    return WindowPhrase(_whole(text, body), ongoing, original)


def _whole(phrase: str, body: str) -> Window:
    """``_window_of`` whose errors always quote the whole phrase as the user wrote it."""
    try:
        return _window_of(phrase, body)
    except TimePhraseError as exc:
        if exc.phrase == phrase:
            raise
        raise TimePhraseError(phrase, exc.reason_en, exc.reason_vi) from None


def parse_deadline(text: str) -> date:
    """Parse a deadline phrase (*thời gian ban hành kế hoạch*) into its last day.

    "Tháng 4/2023" and "Trong tháng 02/2023" mean the end of that month; a date means
    that day; "đến hết tháng 10/2023" means 31/10/2023.

    >>> parse_deadline("Tháng 4/2023")
    datetime.date(2023, 4, 30)
    """
    body = _clean(text)
    if not body:
        raise TimePhraseError(text, "the phrase is empty", "cụm từ trống")
    window = _whole(text, body)
    if window.end is None or not (
        window.start is None or window.start == window.end or _whole_month(window)
    ):
        raise TimePhraseError(
            text,
            "a deadline must be one day or one month",
            "thời hạn phải là một ngày hoặc một tháng",
        )
    return window.end


def _whole_month(window: Window) -> bool:
    s, e = window.start, window.end
    return (
        s is not None
        and e is not None
        and s.day == 1
        and (s.year, s.month) == (e.year, e.month)
        and e == month_end(e.year, e.month)
    )


# --- rendering -----------------------------------------------------------------------


def _is_month_start(d: date) -> bool:
    return d.day == 1


def _is_month_end(d: date) -> bool:
    return d == month_end(d.year, d.month)


def render_window(window: Window, ongoing: bool = False) -> str:
    """The canonical Vietnamese phrase for ``window``; :func:`parse_window` reads it back.

    >>> render_window(Window(date(2023, 9, 1), date(2023, 10, 31)))
    'Từ tháng 9 đến tháng 10/2023'
    """
    s, e = window.start, window.end
    lead = "Thường xuyên từ" if ongoing else "Từ"
    if s is None and e is None:
        if not ongoing:
            raise ValueError("a window without start or end has no phrase unless ongoing")
        return "Thường xuyên"
    if s is not None and e is not None:
        if _is_month_start(s) and _is_month_end(e):
            if (s.year, s.month) == (e.year, e.month):
                return f"{'Thường xuyên trong tháng' if ongoing else 'Tháng'} {s.month}/{s.year}"
            if s.year == e.year:
                return f"{lead} tháng {s.month} đến tháng {e.month}/{e.year}"
            return f"{lead} tháng {s.month}/{s.year} đến tháng {e.month}/{e.year}"
        if s == e and not ongoing:
            return f"Ngày {s.day}/{s.month}/{s.year}"
        return f"{lead} {format_date(s)} đến {format_date(e)}"
    if s is not None:
        if _is_month_start(s):
            return f"{lead} tháng {s.month}/{s.year}"
        return f"{lead} {format_date(s)}"
    assert e is not None
    until = "Thường xuyên đến" if ongoing else "Đến"
    if _is_month_end(e):
        return f"{until} hết tháng {e.month}/{e.year}"
    return f"{until} {format_date(e)}"


def render_deadline(day: date) -> str:
    """The canonical phrase for a deadline: "Tháng 4/2023" for a month end, else a day."""
    if _is_month_end(day):
        return f"Tháng {day.month}/{day.year}"
    return f"Ngày {day.day}/{day.month}/{day.year}"
