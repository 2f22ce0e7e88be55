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
#
# Every pattern runs on cleaned text (NFC, case-folded, one space between words, dashes
# unified, no trailing full stop) and must match the whole of it (``fullmatch``).

_NUM = r"(\d{1,2})"
_YEAR = r"(\d{4})"
_SEP = r"\s*[/.\-]\s*"
#: between a month (or quarter) and its year: "4/2023", "4-2023", "4.2023", "4 năm 2023"
_OF_YEAR = rf"(?:{_SEP}|\s+năm\s+)"
_MONTH_YEAR = rf"{_NUM}{_OF_YEAR}{_YEAR}"
_DMY = rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})"
#: the link of a range: "đến", "tới" or a dash
_TO = r"(?:\s+(?:đến|tới)\s+|\s*-\s*)"

_P_MONTH = re.compile(rf"(?:trong\s+)?tháng\s+{_MONTH_YEAR}")
_P_MONTH_RANGE = re.compile(
    rf"(?:từ\s+)?tháng\s+{_NUM}(?:{_OF_YEAR}{_YEAR})?{_TO}(?:hết\s+)?(?:tháng\s+)?{_MONTH_YEAR}"
)
_P_MONTH_FROM = re.compile(rf"từ\s+tháng\s+{_MONTH_YEAR}")
_P_MONTH_UNTIL = re.compile(rf"(?:đến|tới)\s+(?:hết\s+)?tháng\s+{_MONTH_YEAR}")
_P_DAY = re.compile(rf"(?:ngày\s+)?(?:{_DMY}|(\d{{4}})-(\d{{2}})-(\d{{2}}))")
_DAY = rf"(?:ngày\s+)?(?:\d{{1,2}}{_SEP}\d{{1,2}}{_SEP}\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
#: the start of a day range may leave out its year, or its month and year, which
#: are then the end's: "Từ ngày 1-1 đến 25-12-2017", "từ ngày 1 đến ngày 15/9/2023"
_DAY_START = (
    rf"(?:ngày\s+)?(?:(\d{{1,2}})(?:{_SEP}(\d{{1,2}})(?:{_SEP}(\d{{4}}))?)?"
    rf"|(\d{{4}})-(\d{{2}})-(\d{{2}}))"
)
_P_DAY_RANGE = re.compile(rf"(?:từ\s+)?{_DAY_START}{_TO}(?:hết\s+)?({_DAY})")
_P_DAY_FROM = re.compile(rf"từ\s+({_DAY})")
_P_DAY_UNTIL = re.compile(rf"(?:đến|tới)\s+(?:hết\s+)?({_DAY})")
_P_BEFORE = re.compile(rf"trước\s+({_DAY})")
_P_QUARTER = re.compile(rf"(?:trong\s+)?quý\s+([ivx]+|\d{{1,2}}){_OF_YEAR}{_YEAR}")
_P_HALF = re.compile(rf"(?:trong\s+)?(?:0?6|sáu)\s+tháng\s+(đầu|cuối)\s+năm\s+{_YEAR}")
_P_YEAR = re.compile(rf"(?:trong\s+)?năm\s+{_YEAR}")
_P_YEAR_FROM = re.compile(rf"từ\s+năm\s+{_YEAR}")
_P_YEAR_UNTIL = re.compile(rf"(?:đến|tới)\s+(?:hết\s+)?năm\s+{_YEAR}")
#: one named period longer than a month: a deadline means its last day
_P_PERIOD = re.compile(rf"{_P_QUARTER.pattern}|{_P_HALF.pattern}|{_P_YEAR.pattern}")
#: "Thường xuyên" and "hằng tháng"-like leads: ongoing work, with or without dates
_ONGOING = re.compile(
    r"(?:thường\s+xuyên|(?:định\s+kỳ\s+)?h[ằà]ng\s+(?:ngày|tuần|tháng|quý|năm))"
    r"(?:\s*[,:;\-]\s*|\s+|$)"
)
_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTERS.update({"01": 1, "02": 2, "03": 3, "04": 4})
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().translate(_DASHES)
    text = _SPACES.sub(" ", text).strip()
    return text.rstrip(" .;,")


def _month(phrase: str, month: str, year: str | None) -> tuple[int, int]:
    m = int(month)
    if not 1 <= m <= 12:
        raise TimePhraseError(phrase, f"month {m} does not exist", f"không có tháng {m}")
    if year is None:
        return m, 0
    return m, _year(phrase, year)


def _year(phrase: str, year: str | int) -> int:
    y = int(year)
    if not 1900 <= y <= 2200:
        raise TimePhraseError(phrase, f"year {y} is out of range", f"năm {y} không hợp lệ")
    return y


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


def _day(phrase: str, cleaned: str) -> date | None:
    """The date ``cleaned`` names (``None``: it is not one date)."""
    m = _P_DAY.fullmatch(cleaned)
    if m is None:
        return None
    if m.group(4) is not None:
        return _make_date(phrase, int(m.group(4)), int(m.group(5)), int(m.group(6)))
    return _make_date(phrase, int(m.group(3)), int(m.group(2)), int(m.group(1)))


def _the_day(phrase: str, cleaned: str) -> date:
    day = _day(phrase, cleaned)
    assert day is not None  # the patterns only capture what _P_DAY matches
    return day


def parse_date(text: str) -> date:
    """Parse one calendar date: ISO ``2023-09-15``, ``15/9/2023``, ``15-9-2023``,
    ``15.9.2023``, with or without a leading ``ngày``.

    >>> parse_date("ngày 31.12.2024")
    datetime.date(2024, 12, 31)
    """
    day = _day(text, _clean(text))
    if day is None:
        raise TimePhraseError(text, "not a date", "không phải là ngày")
    return day


def _quarter(phrase: str, numeral: str, year: str) -> Window:
    q = _QUARTERS.get(numeral)
    if q is None:
        raise TimePhraseError(
            phrase,
            f"quarter {numeral.upper()} does not exist (I-IV or 1-4)",
            f"không có quý {numeral.upper()} (I-IV hoặc 1-4)",
        )
    y = _year(phrase, year)
    return Window(date(y, 3 * q - 2, 1), month_end(y, 3 * q))


def _day_range(phrase: str, m: re.Match[str]) -> Window:
    end = _the_day(phrase, m.group(7))
    if m.group(4) is not None:
        start = _make_date(phrase, int(m.group(4)), int(m.group(5)), int(m.group(6)))
    else:
        # A start without its year (or month) is in the end's year (and month).
        day = int(m.group(1))
        month = end.month if m.group(2) is None else int(m.group(2))
        year = end.year if m.group(3) is None else int(m.group(3))
        start = _make_date(phrase, year, month, day)
    return _ordered(phrase, Window(start, end))


def _before(phrase: str, day: date) -> Window:
    """ "trước ngày D": done by the end of the day before D (as periodic reports are)."""
    if day == date(1900, 1, 1):
        raise TimePhraseError(
            phrase, "the day before it is out of range", "ngày trước đó không hợp lệ"
        )
    return Window(None, day - timedelta(days=1))


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
    day = _day(phrase, body)
    if day is not None:
        return Window(day, day)
    m = _P_DAY_RANGE.fullmatch(body)
    if m:
        return _day_range(phrase, m)
    m = _P_DAY_FROM.fullmatch(body)
    if m:
        return Window(_the_day(phrase, m.group(1)), None)
    m = _P_DAY_UNTIL.fullmatch(body)
    if m:
        return Window(None, _the_day(phrase, m.group(1)))
    m = _P_BEFORE.fullmatch(body)
    if m:
        return _before(phrase, _the_day(phrase, m.group(1)))
    return _period_of(phrase, body)


def _period_of(phrase: str, body: str) -> Window:
    """Quarters, half years and years: "Quý III/2024", "6 tháng đầu năm 2024", "Năm
    2024", "đến hết năm 2024", "từ năm 2024"."""
    m = _P_QUARTER.fullmatch(body)
    if m:
        return _quarter(phrase, m.group(1), m.group(2))
    m = _P_HALF.fullmatch(body)
    if m:
        y = _year(phrase, m.group(2))
        if m.group(1) == "đầu":
            return Window(date(y, 1, 1), date(y, 6, 30))
        return Window(date(y, 7, 1), date(y, 12, 31))
    m = _P_YEAR.fullmatch(body)
    if m:
        y = _year(phrase, m.group(1))
        return Window(date(y, 1, 1), date(y, 12, 31))
    m = _P_YEAR_FROM.fullmatch(body)
    if m:
        return Window(date(_year(phrase, m.group(1)), 1, 1), None)
    m = _P_YEAR_UNTIL.fullmatch(body)
    if m:
        return Window(None, date(_year(phrase, m.group(1)), 12, 31))
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


def _ongoing_lead(body: str) -> int:
    """How much of ``body`` is "Thường xuyên" / "hằng tháng" leads (0: none)."""
    end = 0
    while (m := _ONGOING.match(body, end)) is not None and m.end() > end:
        end = m.end()
    return end


def parse_window(text: str) -> WindowPhrase:
    """Parse an execution-window phrase (*thời gian thực hiện*).

    See docs/plan-files.md for every accepted form. "Thường xuyên", "hằng tháng",
    "hàng quý" … alone mean ongoing work with no dates; before dates they make the
    window ongoing.

    >>> parse_window("Từ tháng 9 đến tháng 10/2023").window
    Window(start=datetime.date(2023, 9, 1), end=datetime.date(2023, 10, 31))
    >>> parse_window("Thường xuyên từ tháng 3 đến hết tháng 10/2023").ongoing
    True
    >>> parse_window("Quý III/2024").window
    Window(start=datetime.date(2024, 7, 1), end=datetime.date(2024, 9, 30))
    >>> parse_window("hằng quý")
    WindowPhrase(window=Window(start=None, end=None), ongoing=True, text='hằng quý')
    """
    original = unicodedata.normalize("NFC", text).strip()
    body = _clean(text)
    ongoing = False
    lead = _ongoing_lead(body)
    if lead:
        ongoing = True
        body = body[lead:]
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
    that day; "đến hết tháng 10/2023" means 31/10/2023; a quarter, half year or year
    ("Quý I/2025", "6 tháng đầu năm 2024", "Năm 2024") means its last day; "trước ngày
    28/02/2024" means the day before, 27/02/2024 (on the 28th it is already late, as
    for periodic reports "trước ngày 15"). Ranges and ongoing work have no deadline.

    >>> parse_deadline("Tháng 4/2023")
    datetime.date(2023, 4, 30)
    >>> parse_deadline("trước ngày 01/3/2024")
    datetime.date(2024, 2, 29)
    """
    body = _clean(text)
    if not body:
        raise TimePhraseError(text, "the phrase is empty", "cụm từ trống")
    if _ongoing_lead(body):
        raise TimePhraseError(
            text,
            "ongoing work has no deadline",
            "công việc thường xuyên, định kỳ không có thời hạn",
        )
    window = _whole(text, body)
    if window.end is None or not (
        window.start is None
        or window.start == window.end
        or _whole_month(window)
        or _P_PERIOD.fullmatch(body)
    ):
        raise TimePhraseError(
            text,
            "a deadline must be one day, one month, quarter or year, or an end",
            "thời hạn phải là một ngày, một tháng, quý, năm hoặc một mốc kết thúc",
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


_ROMAN = ("I", "II", "III", "IV")


def _period_name(s: date, e: date) -> str | None:
    """ "quý III/2024", "6 tháng đầu năm 2024", "năm 2024" for a window that is exactly
    that period (``s`` a month start, ``e`` a month end), else ``None``."""
    if s.year != e.year:
        return None
    months = (s.month, e.month)
    if months == (1, 12):
        return f"năm {s.year}"
    if months in ((1, 6), (7, 12)):
        return f"6 tháng {'đầu' if s.month == 1 else 'cuối'} năm {s.year}"
    if s.month % 3 == 1 and e.month == s.month + 2:
        return f"quý {_ROMAN[s.month // 3]}/{s.year}"
    return None


def render_window(window: Window, ongoing: bool = False) -> str:
    """The canonical Vietnamese phrase for ``window``; :func:`parse_window` reads it back.

    Whole quarters, half years and years have their own names.

    >>> render_window(Window(date(2023, 9, 1), date(2023, 10, 31)))
    'Từ tháng 9 đến tháng 10/2023'
    >>> render_window(Window(date(2024, 7, 1), date(2024, 9, 30)))
    'Quý III/2024'
    >>> render_window(Window(date(2024, 1, 1), date(2024, 12, 31)), ongoing=True)
    'Thường xuyên trong năm 2024'
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
            period = _period_name(s, e)
            if period is not None:
                return (
                    f"Thường xuyên trong {period}" if ongoing else period[:1].upper() + period[1:]
                )
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
