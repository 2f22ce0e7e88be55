"""Working days in Vietnam (*ngày làm việc*): lead times, reminders, deadlines on holidays.

A lead time such as "3 days before" counts working days. :class:`WorkCalendar` knows
which days those are:

- Saturday and Sunday are days off;
- public holidays (*ngày nghỉ lễ, tết*) and their compensatory days off (*nghỉ bù*) come
  from the `holidays <https://pypi.org/project/holidays/>`_ package's calendar for
  ``VN``, Tết included, together with the swapped working Saturdays it knows;
- a configured list adds what the package does not know: weekdays made days off
  (``extra_holidays``, e.g. a day off the government swapped with a Saturday) and
  weekend days made working days (``working_days``, *làm bù*). The configuration wins
  over the package for the dates it names.

The package covers the years 1901-2100; other years have weekends only.

>>> from datetime import date
>>> calendar = WorkCalendar()
>>> calendar.working_days_before(date(2023, 9, 5), 3)  # 1-4/9/2023 were days off
datetime.date(2023, 8, 29)
>>> calendar.describe(date(2023, 9, 2))
'ngày 2/9/2023 (Quốc khánh, ngày nghỉ)'
"""

from __future__ import annotations

import json
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Mapping
from datetime import MAXYEAR, MINYEAR, date, datetime
from typing import cast

import holidays

from tuyentruyen.errors import TuyenTruyenError
from tuyentruyen.timeexpr import format_date

__all__ = ["CalendarError", "Label", "WorkCalendar", "format_date_en"]

#: A reason or holiday name: one text for both languages, or ``{"vi": ..., "en": ...}``.
Label = str | Mapping[str, str]

#: The languages of names and descriptions.
LANGS = ("vi", "en")
# The locale the holidays package is asked for, per language. Always explicit: without
# it the package picks a language from the environment (LANGUAGE, LC_ALL, LANG, ...).
_PACKAGE_LANG = {"vi": "vi", "en": "en_US"}
_WEEKDAYS = {
    "vi": ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONFIG_KEYS = ("swapped_working_days", "extra_holidays")


class CalendarError(TuyenTruyenError, ValueError):
    """The working-day calendar configuration is not valid; ``key`` names the entry,
    e.g. ``calendar.extra_holidays."2023-13-01"``."""

    def __init__(self, key: str, en: str, vi: str) -> None:
        super().__init__(f"{key}: {en}", f"{key}: {vi}")
        self.key = key


def format_date_en(day: date) -> str:
    """A date in English: ``2 Sep 2023`` (the Vietnamese form is
    :func:`tuyentruyen.timeexpr.format_date`)."""
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def _check_lang(lang: str) -> int:
    """The index of ``lang`` in :data:`LANGS`; anything else is a programming error."""
    try:
        return LANGS.index(lang)
    except ValueError:
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}") from None


def _text(value: object, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CalendarError(key, "must be a non-empty text", "phải là một chuỗi không rỗng")
    return unicodedata.normalize("NFC", value.strip())


def _label(value: object, key: str) -> tuple[str, str]:
    """``value`` as ``(vi, en)``; a single text serves both languages."""
    if isinstance(value, Mapping):
        unknown = sorted(str(k) for k in value if k not in LANGS)
        if unknown or not value:
            raise CalendarError(
                key,
                "a name in two languages is a table with the keys vi and en",
                "tên bằng hai thứ tiếng là một bảng với các khóa vi và en",
            )
        names = {lang: _text(v, f"{key}.{lang}") for lang, v in value.items()}
        vi = names.get("vi") or names["en"]
        return vi, names.get("en") or vi
    text = _text(value, key)
    return text, text


def _day(value: object, key: str) -> date:
    """A configuration key as a date: an ISO ``YYYY-MM-DD`` text or a ``date``."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CalendarError(
        key,
        "is not a date; write it as YYYY-MM-DD, e.g. 2023-05-02",
        "không phải là ngày; hãy viết theo dạng YYYY-MM-DD, ví dụ 2023-05-02",
    )


def _key(where: str, day: object) -> str:
    """The path of one entry: ``calendar.extra_holidays."2023-05-02"``."""
    text = day.isoformat() if isinstance(day, date) else str(day)
    return f"{where}.{json.dumps(text, ensure_ascii=False)}"


def _labels(entries: object, where: str) -> dict[date, tuple[str, str]]:
    """Validated configured days: each key a date, each value a :data:`Label`."""
    if not isinstance(entries, Mapping):
        raise CalendarError(
            where,
            "must be a table of dates (YYYY-MM-DD) to reasons",
            "phải là một bảng: ngày (YYYY-MM-DD) = lý do",
        )
    return {_day(d, _key(where, d)): _label(v, _key(where, d)) for d, v in entries.items()}


class WorkCalendar:
    """Vietnam's working days: weekends, public holidays, and configured swaps.

    Args:
        extra_holidays: days off the package does not know (*nghỉ bù*, a weekday swapped
            with a Saturday, a local holiday), each with its reason: a text, or
            ``{"vi": ..., "en": ...}``. The reason is the day's holiday name.
        working_days: weekend days made working days (*làm bù*), each with its reason.
            A date here is a working day even if the package says it is a holiday.

    A date may not be in both. The calendar is immutable; each year's days are computed
    once, on first use, and kept.

    >>> from datetime import date
    >>> calendar = WorkCalendar(working_days={date(2023, 5, 6): "làm bù"})
    >>> calendar.is_working_day(date(2023, 5, 6)), calendar.is_working_day(date(2023, 5, 7))
    (True, False)
    """

    __slots__ = ("_extra", "_names", "_swapped", "_working", "_years")

    def __init__(
        self,
        *,
        extra_holidays: Mapping[date, Label] | None = None,
        working_days: Mapping[date, Label] | None = None,
    ) -> None:
        self._extra = _labels(
            {} if extra_holidays is None else extra_holidays, "calendar.extra_holidays"
        )
        self._working = _labels(
            {} if working_days is None else working_days, "calendar.swapped_working_days"
        )
        both = sorted(self._extra.keys() & self._working.keys())
        if both:
            raise CalendarError(
                _key("calendar.extra_holidays", both[0]),
                "is also listed in swapped_working_days; a day is either a day off "
                "or a working day",
                "cũng có trong swapped_working_days; một ngày chỉ có thể là ngày nghỉ "
                "hoặc ngày làm việc",
            )
        # year -> (ordinal of 1 January, running count of working days): entry i is the
        # number of working days among the year's first i days.
        self._years: dict[int, tuple[int, list[int]]] = {}
        # (year, lang) -> the package's holiday names; year -> its working weekend days.
        self._names: dict[tuple[int, str], dict[date, str]] = {}
        self._swapped: dict[int, frozenset[date]] = {}

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> WorkCalendar:
        """A calendar from the ``[calendar]`` table of a configuration file.

        ``config`` maps ``swapped_working_days`` and ``extra_holidays`` (both optional)
        to tables of ISO dates (``"2023-05-06"``) and reasons. Anything else raises
        :class:`CalendarError` naming the entry.

        >>> WorkCalendar.from_config({"extra_holidays": {"2023-13-01": "x"}})
        Traceback (most recent call last):
        ...
        tuyentruyen.workdays.CalendarError: calendar.extra_holidays."2023-13-01": is not a date; write it as YYYY-MM-DD, e.g. 2023-05-02
        """  # noqa: E501
        if not isinstance(config, Mapping):
            raise CalendarError(
                "calendar", "must be a table", "phải là một bảng (table) trong tệp cấu hình"
            )
        for name in config:
            if name not in _CONFIG_KEYS:
                raise CalendarError(
                    f"calendar.{name}",
                    "unknown key; the keys are swapped_working_days and extra_holidays",
                    "khóa không hợp lệ; các khóa là swapped_working_days và extra_holidays",
                )
        # The constructor checks every entry and names the bad one.
        return cls(
            working_days=cast("Mapping[date, Label]", config.get("swapped_working_days", {})),
            extra_holidays=cast("Mapping[date, Label]", config.get("extra_holidays", {})),
        )

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(extra_holidays={len(self._extra)} days, "
            f"working_days={len(self._working)} days)"
        )

    # --- the days of one year ------------------------------------------------------------

    def _package(self, year: int, lang: str) -> dict[date, str]:
        """The package's holiday names for ``year`` in ``lang``."""
        names = self._names.get((year, lang))
        if names is None:
            found = holidays.country_holidays("VN", years=year, language=_PACKAGE_LANG[lang])
            names = {d: unicodedata.normalize("NFC", n) for d, n in found.items()}
            self._names[year, lang] = names
            self._swapped[year] = frozenset(d for d in found.weekend_workdays if d.year == year)
        return names

    def _year(self, year: int) -> tuple[int, list[int]]:
        data = self._years.get(year)
        if data is not None:
            return data
        if not MINYEAR <= year <= MAXYEAR:
            raise OverflowError("date value out of range")
        days_off = self._package(year, "vi")
        weekend_workdays = self._swapped[year]
        start = date(year, 1, 1).toordinal()
        length = date(year + 1, 1, 1).toordinal() - start if year < MAXYEAR else 365
        counts = [0]
        count = 0
        for ordinal in range(start, start + length):
            day = date.fromordinal(ordinal)
            if day in self._extra:
                working = False
            elif day in self._working:
                working = True
            elif day.weekday() >= 5:
                working = day in weekend_workdays
            else:
                working = day not in days_off
            count += working
            counts.append(count)
        data = self._years[year] = (start, counts)
        return data

    # --- questions about days ------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day (*ngày làm việc*)."""
        start, counts = self._year(day.year)
        i = day.toordinal() - start
        return counts[i + 1] != counts[i]

    def holiday_name(self, day: date, lang: str = "vi") -> str | None:
        """The name of the holiday on ``day`` in ``lang`` (``"vi"`` or ``"en"``), or None.

        A configured day off gives its reason; a configured working day gives None even
        if the package names a holiday on it. An ordinary weekend gives None.

        >>> from datetime import date
        >>> WorkCalendar().holiday_name(date(2023, 9, 2), "en")
        'National Day'
        """
        index = _check_lang(lang)
        label = self._extra.get(day)
        if label is not None:
            return label[index]
        if day in self._working:
            return None
        return self._package(day.year, lang).get(day)

    def describe(self, deadline: date, lang: str = "vi") -> str:
        """``deadline`` as a document writes it, saying when it is no working day.

        ``ngày 15/9/2023``; ``ngày 2/9/2023 (Quốc khánh, ngày nghỉ)``; ``ngày 3/9/2023
        (Chủ nhật, ngày nghỉ)``; a swapped Saturday: ``ngày 6/5/2023 (thứ Bảy, ngày làm
        bù)``. In English: ``2 Sep 2023 (National Day, a holiday)``, ``3 Sep 2023
        (Sunday, a day off)``, ``6 May 2023 (Saturday, a working day)``.
        """
        index = _check_lang(lang)
        when = format_date(deadline) if index == 0 else format_date_en(deadline)
        weekday = _WEEKDAYS[lang][deadline.weekday()]
        if self.is_working_day(deadline):
            if deadline.weekday() < 5:
                return when
            return f"{when} ({weekday}, {('ngày làm bù', 'a working day')[index]})"
        name = self.holiday_name(deadline, lang)
        if name is None:
            return f"{when} ({weekday}, {('ngày nghỉ', 'a day off')[index]})"
        return f"{when} ({name}, {('ngày nghỉ', 'a holiday')[index]})"

    # --- counting working days -----------------------------------------------------------

    def add_working_days(self, day: date, n: int) -> date:
        """The ``n``-th working day after ``day`` (before it when ``n`` is negative).

        ``day`` itself is never counted, so for ``n != 0`` the result is a working day
        even when ``day`` is not; ``n == 0`` gives ``day`` unchanged.
        """
        if n == 0:
            return day
        year = day.year
        start, counts = self._year(year)
        i = day.toordinal() - start
        if n > 0:
            # The target is the k-th working day of the year, counted from 1 January.
            k = counts[i + 1] + n
            while k > counts[-1]:
                k -= counts[-1]
                year += 1
                start, counts = self._year(year)
        else:
            k = counts[i] + n + 1
            while k < 1:
                year -= 1
                start, counts = self._year(year)
                k += counts[-1]
        # counts[j] reaches k first just after the k-th working day, index j - 1.
        return date.fromordinal(start + bisect_left(counts, k) - 1)

    def working_days_before(self, deadline: date, n: int) -> date:
        """The reminder day for "``n`` working days before ``deadline``".

        It is the ``n``-th working day strictly before ``deadline``, which is itself not
        counted (and need not be a working day): with a deadline on Tuesday, 1 working
        day before is Monday, 3 working days before is the Thursday before. ``n == 0``
        gives the deadline. Same as ``add_working_days(deadline, -n)``.
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        return self.add_working_days(deadline, -n)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days one passes going from ``start`` to ``end``.

        Forward (``start <= end``): the working days after ``start`` up to and including
        ``end``. Backward: minus the working days from ``end`` up to, not including,
        ``start``. So ``working_days_between(d, add_working_days(d, n)) == n`` for every
        ``d`` and ``n``; "working days left until a deadline" is
        ``working_days_between(today, deadline)``.
        """
        forward = start <= end
        low, high = (start, end) if forward else (end, start)
        low_start, low_counts = self._year(low.year)
        high_start, high_counts = self._year(high.year)
        edge = 1 if forward else 0
        count = (
            high_counts[high.toordinal() - high_start + edge]
            - low_counts[low.toordinal() - low_start + edge]
        )
        for year in range(low.year, high.year):
            count += self._year(year)[1][-1]
        return count if forward else -count
