"""Time-phrase generators behind :func:`tuyentruyen.testing.strategies.time_phrases`.

Each phrase is built from a *form* (one of :data:`PHRASE_FORMS`) and the values it
names; what it means is worked out from the calendar and the documented rules of
:mod:`tuyentruyen.timeexpr` (month, quarter, half-year and year phrases mean the whole
period; a deadline is one day, one such period or an end; "trước ngày D" ends the day
before D; ongoing and periodic phrases are no deadline), never by calling the parser.
"""

from __future__ import annotations

import calendar
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, timedelta

import attrs
from hypothesis import strategies as st

from tuyentruyen.model import Window

#: Every phrase form the parser accepts.
PHRASE_FORMS: tuple[str, ...] = (
    "month",  # "Tháng 4/2023", "Trong tháng 02/2023", "tháng 9 năm 2023"
    # "Từ tháng 9 đến tháng 10/2023", "Từ tháng 11/2023 đến hết tháng 2/2024",
    # "từ tháng 3-5/2025", "Tháng 3 tới tháng 5/2025"
    "month_range",
    "month_from",  # "Từ tháng 9/2023", "Từ năm 2024"
    "month_until",  # "Đến hết tháng 10/2023", "Tới tháng 10/2023", "Đến hết năm 2024"
    "day",  # "15/9/2023", "ngày 15-9-2023", "2023-09-15"
    # "Từ ngày 1/9/2023 đến hết ngày 15/9/2023", "Từ ngày 1-1 đến 25-12-2017",
    # "từ ngày 1 đến ngày 15/9/2023", "15/5/2024 - 31/5/2024"
    "day_range",
    "day_from",  # "Từ ngày 15/9/2023"
    "day_until",  # "Đến ngày 15/9/2023"
    "day_before",  # "Trước ngày 28/02/2024", "trước ngày 31.12.2024": ends the day before
    "whole_quarter",  # "Quý III/2024", "Quý 3 năm 2024", "Trong quý I/2025"
    "half_year",  # "6 tháng đầu năm 2024", "6 tháng cuối năm 2024"
    "whole_year",  # "Năm 2024", "Trong năm 2024"
    "ongoing",  # "Thường xuyên" alone
    "periodic",  # "Hằng tháng", "hàng quý", "định kỳ hằng tháng" alone: ongoing, no dates
)
#: Forms that can be a deadline (*thời gian ban hành kế hoạch*).
DEADLINE_FORMS: tuple[str, ...] = (
    "month",
    "month_until",
    "day",
    "day_until",
    "day_before",
    "whole_quarter",
    "half_year",
    "whole_year",
)
#: Forms naming one period longer than a month: as a deadline, its last day.
PERIOD_FORMS: tuple[str, ...] = ("whole_quarter", "half_year", "whole_year")
#: Forms that are always ongoing work with no dates.
ONGOING_FORMS: tuple[str, ...] = ("ongoing", "periodic")

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2200, 12, 31)


@attrs.frozen
class PhraseMeaning:
    """What a time phrase means to each parser of :mod:`tuyentruyen.timeexpr`.

    ``window`` and ``ongoing`` are what :func:`~tuyentruyen.timeexpr.parse_window`
    returns; ``deadline`` what :func:`~tuyentruyen.timeexpr.parse_deadline` returns
    (``None``: it must raise :class:`~tuyentruyen.errors.TimePhraseError`); ``day``
    what :func:`~tuyentruyen.timeexpr.parse_date` returns (``None``: it must raise).
    ``form`` names the phrase form (one of :data:`PHRASE_FORMS`).
    """

    window: Window
    ongoing: bool = False
    deadline: date | None = None
    day: date | None = None
    form: str = "month"

    def check(self, phrase: str) -> None:
        """Assert that each parser of :mod:`tuyentruyen.timeexpr` reads ``phrase`` as
        this meaning says (refusing it where the meaning is ``None``)."""
        from tuyentruyen.timeexpr import parse_date, parse_deadline, parse_window

        parsed = parse_window(phrase)
        got = (parsed.window, parsed.ongoing)
        assert got == (self.window, self.ongoing), f"{phrase!r}: window {got}, not {self}"
        assert parsed.text == unicodedata.normalize("NFC", phrase).strip(), phrase
        for parse, want in ((parse_deadline, self.deadline), (parse_date, self.day)):
            if want is None:
                assert refuses(parse, phrase), f"{parse.__name__} accepted {phrase!r}"
            else:
                assert parse(phrase) == want, f"{parse.__name__}({phrase!r}) is not {want}"


def refuses(parse: Callable[[str], object], phrase: str) -> bool:
    """Whether ``parse`` refuses ``phrase`` with a :class:`TimePhraseError` that keeps
    the phrase as written."""
    from tuyentruyen.errors import TimePhraseError

    try:
        parse(phrase)
    except TimePhraseError as exc:
        return exc.phrase == phrase
    return False


def month_end(year: int, month: int) -> date:
    """The last day of the month (written from the calendar, not from timeexpr)."""
    return date(year, month, calendar.monthrange(year, month)[1])


def deadline_of(window: Window, ongoing: bool, *, period: bool = False) -> date | None:
    """The deadline a window phrase means: its last day, if the phrase names one day,
    one whole month or (``period``) one named quarter, half year or year, or only an
    end, and is not ongoing work."""
    s, e = window.start, window.end
    if ongoing or e is None:
        return None
    if period:
        return e
    whole_month = (
        s is not None and s.day == 1 and (s.year, s.month) == (e.year, e.month)
        and e == month_end(e.year, e.month)
    )  # fmt: skip
    if s is None or s == e or whole_month:
        return e
    return None


# --- pieces of text --------------------------------------------------------------------


def _num(draw: st.DrawFn, n: int) -> str:
    """A day or month number, sometimes zero-padded ("02")."""
    return f"{n:02d}" if n < 10 and draw(st.booleans()) else str(n)


def _sep(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(("/", ".", "-", " / ", "/ ")))


def _month_year(draw: st.DrawFn, month: int, year: int) -> str:
    """``9/2023``, ``09.2023`` or ``9 năm 2023``."""
    if draw(st.integers(0, 4)) == 4:
        return f"{_num(draw, month)} năm {year}"
    return f"{_num(draw, month)}{_sep(draw)}{year}"


def _day_text(draw: st.DrawFn, day: date, *, bare_ok: bool = True, iso_ok: bool = True) -> str:
    """``15/9/2023``, ``ngày 15-09-2023`` or ISO ``2023-09-15``."""
    if iso_ok and draw(st.integers(0, 4)) == 4:
        text = day.isoformat()
    else:
        sep = _sep(draw)
        # Mostly one separator twice; the parser also takes two different ones.
        second = _sep(draw) if draw(st.integers(0, 5)) == 5 else sep
        text = f"{_num(draw, day.day)}{sep}{_num(draw, day.month)}{second}{day.year}"
    return text if bare_ok and draw(st.booleans()) else f"ngày {text}"


def _hết(draw: st.DrawFn) -> str:
    return "hết " if draw(st.booleans()) else ""


def _to(draw: st.DrawFn) -> str:
    """The link of a range, with its spaces: " đến ", " tới ", "-", " - "."""
    return draw(st.sampled_from((" đến ", " đến ", " tới ", "-", " - ")))


def _từ(draw: st.DrawFn) -> str:
    """A range's "từ", mostly written, sometimes left out."""
    return "" if draw(st.integers(0, 3)) == 3 else "từ "


def _day_start(draw: st.DrawFn, s: date, e: date) -> tuple[str, bool]:
    """The start of a day range, leaving out what it shares with the end (its year, or
    month and year) when it may; and whether the end may be written in ISO."""
    short = draw(st.integers(0, 2))
    if short == 2 and (s.year, s.month) == (e.year, e.month):
        text = _num(draw, s.day)
    elif short >= 1 and s.year == e.year:
        text = f"{_num(draw, s.day)}{_sep(draw)}{_num(draw, s.month)}"
    else:
        return _day_text(draw, s), True
    return (f"ngày {text}" if draw(st.booleans()) else text), False


_ROMAN = ("i", "ii", "iii", "iv")
_PERIODS = ("ngày", "tuần", "tháng", "quý", "năm")


def _months(draw: st.DrawFn, first: date, last: date) -> tuple[int, int]:
    day = draw(st.dates(first, last))
    return day.year, day.month


def _render(draw: st.DrawFn, form: str, window: Window) -> str:
    """A phrase of ``form`` for ``window`` (which must suit the form), lower case."""
    s, e = window.start, window.end
    if form == "month":
        assert s is not None
        lead = draw(st.sampled_from(("tháng", "trong tháng")))
        return f"{lead} {_month_year(draw, s.month, s.year)}"
    if form == "month_range":
        assert s is not None
        assert e is not None
        if s.year == e.year and draw(st.booleans()):
            start = _num(draw, s.month)
        else:
            start = _month_year(draw, s.month, s.year)
        again = "tháng " if draw(st.integers(0, 3)) else ""  # "từ tháng 3-5/2025"
        end = _month_year(draw, e.month, e.year)
        return f"{_từ(draw)}tháng {start}{_to(draw)}{_hết(draw)}{again}{end}"
    if form == "month_from":
        assert s is not None
        if s.month == 1 and draw(st.booleans()):
            return f"từ năm {s.year}"
        return f"từ tháng {_month_year(draw, s.month, s.year)}"
    if form == "month_until":
        assert e is not None
        to = draw(st.sampled_from(("đến", "tới")))
        if e.month == 12 and draw(st.booleans()):
            return f"{to} {_hết(draw)}năm {e.year}"
        return f"{to} {_hết(draw)}tháng {_month_year(draw, e.month, e.year)}"
    if form == "day":
        assert s is not None
        return _day_text(draw, s)
    if form == "day_range":
        assert s is not None
        assert e is not None
        start, iso_ok = _day_start(draw, s, e)
        end = _day_text(draw, e, iso_ok=iso_ok)
        return f"{_từ(draw)}{start}{_to(draw)}{_hết(draw)}{end}"
    if form == "day_from":
        assert s is not None
        return f"từ {_day_text(draw, s)}"
    if form == "day_until":
        assert e is not None
        to = draw(st.sampled_from(("đến", "tới")))
        return f"{to} {_hết(draw)}{_day_text(draw, e)}"
    if form == "day_before":
        assert e is not None
        return f"trước {_day_text(draw, e + timedelta(days=1))}"
    if form == "whole_quarter":
        assert s is not None
        q = (s.month - 1) // 3
        numeral = draw(st.sampled_from((_ROMAN[q], str(q + 1), f"0{q + 1}")))
        lead = draw(st.sampled_from(("quý", "quý", "trong quý")))
        if draw(st.integers(0, 3)) == 3:
            return f"{lead} {numeral} năm {s.year}"
        return f"{lead} {numeral}{_sep(draw)}{s.year}"
    if form == "half_year":
        assert s is not None
        six = draw(st.sampled_from(("6", "6", "06", "sáu")))
        lead = draw(st.sampled_from(("", "", "trong ")))
        return f"{lead}{six} tháng {'đầu' if s.month == 1 else 'cuối'} năm {s.year}"
    if form == "whole_year":
        assert s is not None
        return f"{draw(st.sampled_from(('năm', 'năm', 'trong năm')))} {s.year}"
    if form == "periodic":
        every = draw(st.sampled_from(("hằng", "hàng")))
        lead = "định kỳ " if draw(st.integers(0, 3)) == 3 else ""
        return f"{lead}{every} {draw(st.sampled_from(_PERIODS))}"
    assert form == "ongoing"
    return "thường xuyên"


def _window_of_form(draw: st.DrawFn, form: str, first: date, last: date) -> Window:
    """A window that ``form`` can say, within ``[first, last]``."""
    if form == "month":
        y, m = _months(draw, first, last)
        return Window(date(y, m, 1), month_end(y, m))
    if form == "month_range":
        y, m = _months(draw, first, last)
        span = draw(st.integers(0, 30))
        ey, em = divmod(m - 1 + span, 12)
        ey, em = y + ey, em + 1
        if month_end(ey, em) > last:
            ey, em = y, m
        return Window(date(y, m, 1), month_end(ey, em))
    if form == "month_from":
        y, m = _months(draw, first, last)
        return Window(date(y, m, 1), None)
    if form == "month_until":
        y, m = _months(draw, first, last)
        return Window(None, month_end(y, m))
    if form == "day":
        d = draw(st.dates(first, last))
        return Window(d, d)
    if form == "day_range":
        d = draw(st.dates(first, last))
        end = d + timedelta(days=draw(st.integers(0, 800)))
        return Window(d, min(end, last))
    if form == "day_from":
        return Window(draw(st.dates(first, last)), None)
    if form == "day_until":
        return Window(None, draw(st.dates(first, last)))
    if form == "day_before":
        # "trước ngày D" names D, which must be a date the parser takes
        hi = min(last, LAST_DAY - timedelta(days=1))
        return Window(None, draw(st.dates(min(first, hi), hi)))
    if form == "whole_quarter":
        y, m = _months(draw, first, last)
        q = (m - 1) // 3
        return Window(date(y, 3 * q + 1, 1), month_end(y, 3 * q + 3))
    if form == "half_year":
        y, m = _months(draw, first, last)
        return (
            Window(date(y, 1, 1), date(y, 6, 30))
            if m <= 6
            else Window(date(y, 7, 1), date(y, 12, 31))
        )
    if form == "whole_year":
        y, _ = _months(draw, first, last)
        return Window(date(y, 1, 1), date(y, 12, 31))
    return Window(None, None)


_SPACES = (" ", " ", " ", "  ", "\t", " \n ")


@st.composite
def dress(draw: st.DrawFn, text: str) -> str:
    """``text`` as people type it: capitalised or not, upper case, NFD, odd spaces,
    a trailing full stop. The parser reads all of these alike."""
    case = draw(st.sampled_from(("capitalize", "keep", "upper", "lower")))
    if case == "capitalize":
        text = text[:1].upper() + text[1:]
    elif case == "upper":
        text = text.upper()
    if draw(st.booleans()):
        words = text.split(" ")
        text = words[0] + "".join(draw(st.sampled_from(_SPACES)) + w for w in words[1:])
        text = draw(st.sampled_from(("", " ", "  "))) + text + draw(st.sampled_from(("", " ")))
    if draw(st.booleans()):
        text += draw(st.sampled_from((".", ";", ",", " .")))
    if draw(st.booleans()):
        text = unicodedata.normalize("NFD", text)
    return text


_ONGOING_LEADS = (
    "thường xuyên ",
    "thường xuyên, ",
    "thường xuyên: ",
    "thường xuyên - ",
    "hằng tháng, ",
    "hàng quý ",
    "định kỳ hằng năm, ",
)


#: mostly "Thường xuyên", sometimes a periodic lead ("hằng tháng, ")
_WEIGHTED_LEADS: tuple[str, ...] = _ONGOING_LEADS[:4] * 3 + _ONGOING_LEADS[4:]


def _ongoing_lead(draw: st.DrawFn) -> str:
    lead: str = draw(st.sampled_from(_WEIGHTED_LEADS))
    return lead


@st.composite
def time_phrases(
    draw: st.DrawFn,
    forms: Sequence[str] = PHRASE_FORMS,
    *,
    ongoing: bool | None = None,
    first: date = FIRST_DAY,
    last: date = LAST_DAY,
    dressed: bool = True,
) -> tuple[str, PhraseMeaning]:
    """See :func:`tuyentruyen.testing.strategies.time_phrases`."""
    unknown = set(forms) - set(PHRASE_FORMS)
    if unknown or not forms:
        raise ValueError(f"unknown phrase forms {sorted(unknown)}; use {PHRASE_FORMS}")
    form = draw(st.sampled_from(tuple(forms)))
    if form in ONGOING_FORMS:
        if ongoing is False:
            raise ValueError(f"the form {form!r} is always ongoing work")
        is_ongoing = True
    else:
        is_ongoing = draw(st.booleans()) if ongoing is None else ongoing
    window = _window_of_form(draw, form, first, last)
    body = _render(draw, form, window)
    if is_ongoing and form not in ONGOING_FORMS:
        body = _ongoing_lead(draw) + body
    text = draw(dress(body)) if dressed else body[:1].upper() + body[1:]
    day = window.start if form == "day" and not is_ongoing else None
    deadline = deadline_of(window, is_ongoing, period=form in PERIOD_FORMS)
    return text, PhraseMeaning(window, is_ongoing, deadline, day, form)


def _period_forms(s: date, e: date) -> list[str]:
    """The named periods (quarter, half year, year) that are exactly ``[s, e]``."""
    if s.day != 1 or e != month_end(e.year, e.month) or s.year != e.year:
        return []
    months = (s.month, e.month)
    if months == (1, 12):
        return ["whole_year"]
    if months in ((1, 6), (7, 12)):
        return ["half_year"]
    if s.month in (1, 4, 7, 10) and e.month == s.month + 2:
        return ["whole_quarter"]
    return []


def forms_for(window: Window, ongoing: bool) -> tuple[str, ...]:
    """The forms that can say ``window`` exactly."""
    s, e = window.start, window.end
    if s is None and e is None:
        return ONGOING_FORMS if ongoing else ()
    found: list[str] = []
    starts_month = s is not None and s.day == 1
    ends_month = e is not None and e == month_end(e.year, e.month)
    if s is not None and e is not None:
        if s > e:
            return ()
        if starts_month and ends_month:
            found.append("month" if (s.year, s.month) == (e.year, e.month) else "month_range")
            found += _period_forms(s, e)
        found.append("day" if s == e else "day_range")
    elif s is not None:
        found += ["month_from"] if starts_month else []
        found.append("day_from")
    else:
        assert e is not None
        found += ["month_until"] if ends_month else []
        found.append("day_until")
        found += ["day_before"] if e < LAST_DAY else []
    return tuple(found)


@st.composite
def phrases_for(draw: st.DrawFn, window: Window, ongoing: bool = False) -> str:
    """See :func:`tuyentruyen.testing.strategies.phrases_for`."""
    forms = forms_for(window, ongoing)
    if not forms:
        raise ValueError(f"no phrase says {window!r} (ongoing={ongoing})")
    form = draw(st.sampled_from(forms))
    body = _render(draw, form, window)
    if ongoing and form not in ONGOING_FORMS:
        body = _ongoing_lead(draw) + body
    return draw(dress(body))


@st.composite
def deadline_phrases_for(draw: st.DrawFn, day: date) -> str:
    """A phrase :func:`~tuyentruyen.timeexpr.parse_deadline` reads as ``day``."""
    forms: list[tuple[str, Window]] = [("day", Window(day, day)), ("day_until", Window(None, day))]
    if day < LAST_DAY:
        forms.append(("day_before", Window(None, day)))
    if day == month_end(day.year, day.month):
        whole = Window(day.replace(day=1), day)
        forms += [("month", whole), ("month_until", Window(None, day)), ("month_range", whole)]
        if day.month % 3 == 0:
            forms.append(("whole_quarter", Window(date(day.year, day.month - 2, 1), day)))
        if day.month in (6, 12):
            forms.append(("half_year", Window(date(day.year, day.month - 5, 1), day)))
        if day.month == 12:
            forms.append(("whole_year", Window(date(day.year, 1, 1), day)))
    form, window = draw(st.sampled_from(forms))
    return draw(dress(_render(draw, form, window)))


#: Phrases no parser accepts, and why.
BAD_PHRASES: tuple[str, ...] = (
    "sớm nhất có thể",
    "Quý V/2024",
    "Quý 0/2024",
    "Quý 5/2024",
    "Quý IIII/2024",
    "Quý III",
    "Quý III/1899",
    "6 tháng giữa năm 2024",
    "6 tháng đầu năm",
    "Năm 1899",
    "Năm 24",
    "hằng",
    "hằng tuần lễ",
    "Từ ngày 1 đến ngày 5",
    "trước ngày 15",
    "trước ngày 31/2/2024",
    "trước ngày 1/1/1900",
    "Từ tháng 5-3/2025",
    "Từ ngày 25-12 đến 1-1-2017",
    "Từ ngày 31/2/2024",
    "Tháng 13/2024",
    "Tháng 4",
    "cuối năm",
    "Tháng 13/2023",
    "Tháng 0/2023",
    "Tháng 4/1899",
    "31/2/2023",
    "29/2/2023",
    "Ngày 31/4/2024",
    "Từ tháng 10 đến tháng 9/2023",
    "Từ tháng 11 đến tháng 2/2024",
    "Từ ngày 15/9/2023 đến ngày 1/9/2023",
    "Từ tháng 9 đến tháng 13/2023",
    "Đến hết tháng 13/2023",
    "Từ ngày 31/2/2023",
)


def bad_phrases() -> st.SearchStrategy[str]:
    """See :func:`tuyentruyen.testing.strategies.bad_time_phrases`."""
    return st.sampled_from(BAD_PHRASES).flatmap(dress)
