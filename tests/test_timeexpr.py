"""Vietnamese time phrases: parsing, rendering, deadlines, the plan zone, reporting dates.

Expected values are written from the seed plan and the calendar, not from the code.
"""

from __future__ import annotations

import calendar
import itertools
import time
import unicodedata
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyentruyen.errors import TimePhraseError
from tuyentruyen.io import loads_plan
from tuyentruyen.model import ReportingRule, Window
from tuyentruyen.testing import strategies as tts
from tuyentruyen.timeexpr import (
    ZONE,
    as_local,
    end_of_day,
    format_date,
    month_end,
    parse_date,
    parse_deadline,
    parse_window,
    render_deadline,
    render_window,
)

D = date
SEVEN_HOURS = timedelta(hours=7)

# Every window phrase of the seed plan, with the window and the ongoing flag it means.
SEED_WINDOWS = [
    ("Tháng 4/2023", Window(D(2023, 4, 1), D(2023, 4, 30)), False),
    ("Trong tháng 02/2023", Window(D(2023, 2, 1), D(2023, 2, 28)), False),
    ("Từ tháng 9 đến tháng 10/2023", Window(D(2023, 9, 1), D(2023, 10, 31)), False),
    ("Từ tháng 02 đến tháng 9/2023", Window(D(2023, 2, 1), D(2023, 9, 30)), False),
    ("Từ tháng 9/2023", Window(D(2023, 9, 1), None), False),
    ("Tháng 5/2023", Window(D(2023, 5, 1), D(2023, 5, 31)), False),
    ("Từ tháng 2 đến tháng 10/2023", Window(D(2023, 2, 1), D(2023, 10, 31)), False),
    ("Từ tháng 8 đến tháng 9/2023", Window(D(2023, 8, 1), D(2023, 9, 30)), False),
    ("Từ tháng 3 đến tháng 10/2023", Window(D(2023, 3, 1), D(2023, 10, 31)), False),
    (
        "Thường xuyên từ tháng 3 đến hết tháng 10/2023",
        Window(D(2023, 3, 1), D(2023, 10, 31)),
        True,
    ),
]
SEED_PHRASES = [p for p, _, _ in SEED_WINDOWS]

OTHER_WINDOWS = [
    # dates, in every accepted spelling
    ("2023-09-15", Window(D(2023, 9, 15), D(2023, 9, 15))),
    ("15/9/2023", Window(D(2023, 9, 15), D(2023, 9, 15))),
    ("15-9-2023", Window(D(2023, 9, 15), D(2023, 9, 15))),
    ("15.9.2023", Window(D(2023, 9, 15), D(2023, 9, 15))),
    ("ngày 15/9/2023", Window(D(2023, 9, 15), D(2023, 9, 15))),
    ("Ngày 05/09/2023", Window(D(2023, 9, 5), D(2023, 9, 5))),
    # day ranges and open day windows
    ("Từ ngày 1/9/2023 đến ngày 15/9/2023", Window(D(2023, 9, 1), D(2023, 9, 15))),
    ("Từ 1/9/2023 đến 15/9/2023", Window(D(2023, 9, 1), D(2023, 9, 15))),
    ("Từ 2023-09-01 đến hết 2023-09-15", Window(D(2023, 9, 1), D(2023, 9, 15))),
    ("Từ ngày 20/12/2023 đến ngày 10/1/2024", Window(D(2023, 12, 20), D(2024, 1, 10))),
    ("Từ ngày 15/9/2023", Window(D(2023, 9, 15), None)),
    ("Đến ngày 15/9/2023", Window(None, D(2023, 9, 15))),
    # month windows
    ("Đến hết tháng 10/2023", Window(None, D(2023, 10, 31))),
    ("Đến tháng 10/2023", Window(None, D(2023, 10, 31))),
    ("Tháng 9 năm 2023", Window(D(2023, 9, 1), D(2023, 9, 30))),
    ("Từ tháng 11/2023 đến tháng 2/2024", Window(D(2023, 11, 1), D(2024, 2, 29))),
    ("Từ tháng 12/2022 đến hết tháng 1/2023", Window(D(2022, 12, 1), D(2023, 1, 31))),
    ("Từ tháng 3/2023 đến tháng 3/2025", Window(D(2023, 3, 1), D(2025, 3, 31))),
]


@pytest.mark.parametrize(("phrase", "window", "ongoing"), SEED_WINDOWS)
def test_seed_phrases(phrase: str, window: Window, ongoing: bool) -> None:
    parsed = parse_window(phrase)
    assert parsed.window == window
    assert parsed.ongoing is ongoing
    assert parsed.text == phrase


@pytest.mark.parametrize(("phrase", "window"), OTHER_WINDOWS)
def test_other_phrases(phrase: str, window: Window) -> None:
    parsed = parse_window(phrase)
    assert parsed.window == window
    assert parsed.ongoing is False


def test_ongoing_without_dates() -> None:
    parsed = parse_window("Thường xuyên")
    assert parsed.window == Window(None, None)
    assert parsed.ongoing is True


@pytest.mark.parametrize(
    ("phrase", "end"),
    [
        ("Tháng 2/2024", D(2024, 2, 29)),
        ("Tháng 2/2023", D(2023, 2, 28)),
        ("Tháng 2/2000", D(2000, 2, 29)),
        ("Tháng 2/1900", D(1900, 2, 28)),
        ("Từ tháng 1 đến tháng 2/2024", D(2024, 2, 29)),
        ("Đến hết tháng 2/2024", D(2024, 2, 29)),
    ],
)
def test_leap_years(phrase: str, end: date) -> None:
    assert parse_window(phrase).window.end == end


def test_leap_day_is_a_date_only_in_leap_years() -> None:
    assert parse_date("29/2/2024") == D(2024, 2, 29)
    with pytest.raises(TimePhraseError):
        parse_date("29/2/2023")
    assert month_end(2024, 2) == D(2024, 2, 29)
    assert month_end(2023, 2) == D(2023, 2, 28)
    assert month_end(2023, 12) == D(2023, 12, 31)


def _variants(phrase: str) -> list[str]:
    spaced = "  " + phrase.replace(" ", "   ") + "  "
    return [
        unicodedata.normalize("NFD", phrase),
        phrase.upper(),
        phrase.lower(),
        spaced,
        phrase.replace(" ", "\t"),
        unicodedata.normalize("NFD", spaced.upper()),
        phrase + ".",
    ]


@pytest.mark.parametrize("phrase", SEED_PHRASES + [p for p, _ in OTHER_WINDOWS])
def test_spacing_case_and_normal_form_do_not_matter(phrase: str) -> None:
    expected = parse_window(phrase)
    for variant in _variants(phrase):
        parsed = parse_window(variant)
        assert (parsed.window, parsed.ongoing) == (expected.window, expected.ongoing), variant


def test_text_is_the_phrase_in_nfc() -> None:
    phrase = "Từ tháng 9 đến tháng 10/2023"
    parsed = parse_window("  " + unicodedata.normalize("NFD", phrase) + " ")
    assert parsed.text == phrase
    assert unicodedata.is_normalized("NFC", parsed.text)


# --- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2023-09-15",
        "15/9/2023",
        "15/09/2023",
        "15-9-2023",
        "15.9.2023",
        "15 / 9 / 2023",
        "ngày 15/9/2023",
        "Ngày 15/9/2023",
        unicodedata.normalize("NFD", "ngày 15/9/2023"),
        " 15/9/2023. ",
    ],
)
def test_parse_date(text: str) -> None:
    assert parse_date(text) == D(2023, 9, 15)


def test_format_date() -> None:
    assert format_date(D(2023, 9, 15)) == "ngày 15/9/2023"
    assert format_date(D(2023, 1, 5)) == "ngày 5/1/2023"
    assert parse_date(format_date(D(2023, 1, 5))) == D(2023, 1, 5)


# --- deadlines -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "due"),
    [
        ("Tháng 4/2023", D(2023, 4, 30)),
        ("Trong tháng 02/2023", D(2023, 2, 28)),
        ("Tháng 8/2023", D(2023, 8, 31)),
        ("Tháng 3/2023", D(2023, 3, 31)),
        ("Tháng 2/2024", D(2024, 2, 29)),
        ("15/9/2023", D(2023, 9, 15)),
        ("ngày 15/9/2023", D(2023, 9, 15)),
        ("2023-09-15", D(2023, 9, 15)),
        ("Đến hết tháng 10/2023", D(2023, 10, 31)),
        ("Đến ngày 15/9/2023", D(2023, 9, 15)),
        (unicodedata.normalize("NFD", "TRONG THÁNG 02/2023"), D(2023, 2, 28)),
    ],
)
def test_parse_deadline(phrase: str, due: date) -> None:
    assert parse_deadline(phrase) == due


@pytest.mark.parametrize(
    "phrase",
    [
        "Từ tháng 9 đến tháng 10/2023",
        "Từ ngày 1/9/2023 đến ngày 15/9/2023",
        "Từ tháng 9/2023",
        "Từ ngày 15/9/2023",
        "Thường xuyên từ tháng 3 đến hết tháng 10/2023",
        "Thường xuyên",
    ],
)
def test_a_range_is_not_a_deadline(phrase: str) -> None:
    with pytest.raises(TimePhraseError) as info:
        parse_deadline(phrase)
    _check_error(info.value, phrase)


@pytest.mark.parametrize(
    ("day", "phrase"),
    [
        (D(2023, 4, 30), "Tháng 4/2023"),
        (D(2024, 2, 29), "Tháng 2/2024"),
        (D(2023, 9, 15), "Ngày 15/9/2023"),
        (D(2024, 2, 28), "Ngày 28/2/2024"),
    ],
)
def test_render_deadline(day: date, phrase: str) -> None:
    assert render_deadline(day) == phrase
    assert parse_deadline(phrase) == day


# --- errors --------------------------------------------------------------------------


def _check_error(error: TimePhraseError, phrase: str) -> None:
    assert isinstance(error, ValueError)
    assert error.phrase == phrase
    assert error.en
    assert error.vi
    assert error.en != error.vi
    assert str(error) == error.en
    assert error.message("vi") == error.vi
    assert error.message("en") == error.en


BAD_WINDOWS = [
    "Từ tháng 10 đến tháng 9/2023",  # inverted
    "Từ tháng 11 đến tháng 2/2024",  # inverted: no year is guessed for the start
    "Từ ngày 15/9/2023 đến ngày 1/9/2023",  # inverted days
    "31/2/2023",
    "29/2/2023",
    "0/9/2023",
    "Ngày 31/2/2023",
    "Từ ngày 31/2/2023 đến ngày 5/3/2023",
    "Từ ngày 31/2/2023",
    "Đến ngày 31/2/2023",
    "",
    "   ",
    "sớm nhất có thể",
    "Tháng 4",
    "Tháng 0/2023",
    "Tháng 4/1899",
]
MONTH_13 = [
    "Tháng 13/2023",
    "Trong tháng 13/2023",
    "Từ tháng 13 đến tháng 10/2023",
    "Từ tháng 9 đến tháng 13/2023",
    "Từ tháng 13/2023",
    "Đến hết tháng 13/2023",
    "Thường xuyên từ tháng 3 đến hết tháng 13/2023",
    "15/13/2023",
    "Ngày 15/13/2023",
]


@pytest.mark.parametrize("phrase", BAD_WINDOWS + MONTH_13)
def test_window_errors(phrase: str) -> None:
    with pytest.raises(TimePhraseError) as info:
        parse_window(phrase)
    _check_error(info.value, phrase)


@pytest.mark.parametrize("phrase", MONTH_13)
def test_month_13_is_named_in_the_error(phrase: str) -> None:
    with pytest.raises(TimePhraseError) as info:
        parse_window(phrase)
    assert "month 13" in info.value.en
    assert "tháng 13" in info.value.vi


@pytest.mark.parametrize(
    "phrase", ["Tháng 13/2023", "31/2/2023", "Ngày 31/2/2023", "", "sớm nhất có thể"]
)
def test_deadline_errors(phrase: str) -> None:
    with pytest.raises(TimePhraseError) as info:
        parse_deadline(phrase)
    _check_error(info.value, phrase)


@pytest.mark.parametrize(
    "text", ["31/2/2023", "Ngày 31/2/2023", "15/13/2023", "Tháng 4/2023", "", "mai"]
)
def test_date_errors(text: str) -> None:
    with pytest.raises(TimePhraseError) as info:
        parse_date(text)
    _check_error(info.value, text)


# --- zone ----------------------------------------------------------------------------


def test_end_of_day_is_next_local_midnight() -> None:
    moment = end_of_day(D(2023, 9, 15))
    assert moment == datetime(2023, 9, 16, 0, 0, tzinfo=ZONE)
    assert moment.utcoffset() == SEVEN_HOURS
    assert moment.isoformat() == "2023-09-16T00:00:00+07:00"
    assert moment == datetime(2023, 9, 15, 17, 0, tzinfo=UTC)


def test_end_of_day_across_month_and_year() -> None:
    assert end_of_day(D(2024, 2, 28)) == datetime(2024, 2, 29, tzinfo=ZONE)
    assert end_of_day(D(2023, 12, 31)).isoformat() == "2024-01-01T00:00:00+07:00"


def test_as_local_naive_is_plan_local() -> None:
    local = as_local(datetime(2023, 9, 15, 8, 30))
    assert local.utcoffset() == SEVEN_HOURS
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2023, 9, 15, 8, 30)
    assert local < end_of_day(D(2023, 9, 15))
    assert as_local(datetime(2023, 9, 15, 23, 59, 59)) < end_of_day(D(2023, 9, 15))
    assert not as_local(datetime(2023, 9, 16, 0, 0)) < end_of_day(D(2023, 9, 15))


def test_as_local_converts_aware() -> None:
    utc = datetime(2023, 9, 15, 17, 30, tzinfo=UTC)
    local = as_local(utc)
    assert local == utc
    assert local.utcoffset() == SEVEN_HOURS
    assert local.isoformat() == "2023-09-16T00:30:00+07:00"
    assert local > end_of_day(D(2023, 9, 15)) - timedelta(seconds=1)


# --- rendering -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("window", "ongoing", "phrase"),
    [
        (Window(D(2023, 4, 1), D(2023, 4, 30)), False, "Tháng 4/2023"),
        (Window(D(2023, 9, 1), D(2023, 10, 31)), False, "Từ tháng 9 đến tháng 10/2023"),
        (Window(D(2023, 9, 1), None), False, "Từ tháng 9/2023"),
        (
            Window(D(2023, 3, 1), D(2023, 10, 31)),
            True,
            "Thường xuyên từ tháng 3 đến tháng 10/2023",
        ),
        (Window(D(2023, 11, 1), D(2024, 2, 29)), False, "Từ tháng 11/2023 đến tháng 2/2024"),
        (Window(None, D(2023, 10, 31)), False, "Đến hết tháng 10/2023"),
        (Window(D(2023, 9, 15), D(2023, 9, 15)), False, "Ngày 15/9/2023"),
        (Window(None, None), True, "Thường xuyên"),
    ],
)
def test_render_window(window: Window, ongoing: bool, phrase: str) -> None:
    assert render_window(window, ongoing) == phrase
    parsed = parse_window(phrase)
    assert (parsed.window, parsed.ongoing) == (window, ongoing)


def test_render_window_needs_an_end_or_ongoing() -> None:
    with pytest.raises(ValueError, match="ongoing"):
        render_window(Window(None, None))


@given(tts.windows())
def test_render_then_parse_gives_the_window_back(case: tuple[Window, bool]) -> None:
    window, ongoing = case
    if window.start is None and window.end is None and not ongoing:
        with pytest.raises(ValueError, match="ongoing"):
            render_window(window, ongoing)
        return
    phrase = render_window(window, ongoing)
    parsed = parse_window(phrase)
    assert parsed.window == window, phrase
    assert parsed.ongoing is ongoing, phrase
    assert parsed.text == phrase
    assert render_window(parsed.window, parsed.ongoing) == phrase


@pytest.mark.parametrize("phrase", SEED_PHRASES + [p for p, _ in OTHER_WINDOWS] + ["Thường xuyên"])
def test_parse_render_parse_is_stable(phrase: str) -> None:
    first = parse_window(phrase)
    rendered = render_window(first.window, first.ongoing)
    second = parse_window(rendered)
    assert (second.window, second.ongoing) == (first.window, first.ongoing)
    assert render_window(second.window, second.ongoing) == rendered


# --- properties, on the testing kit's phrases ---------------------------------------


@given(tts.time_phrases())
def test_every_phrase_form_parses_to_what_it_means(case: tuple[str, tts.PhraseMeaning]) -> None:
    """Every form, every spelling (case, NFD, spaces, separators, "ngày", "hết",
    "tới", "Thường xuyên"): each parser gives what the phrase means, or refuses it."""
    phrase, meaning = case
    meaning.check(phrase)
    parsed = parse_window(phrase)
    # and the canonical rendering reads back the same
    if parsed.window != Window() or parsed.ongoing:
        again = parse_window(render_window(parsed.window, parsed.ongoing))
        assert (again.window, again.ongoing) == (parsed.window, parsed.ongoing)


@given(tts.bad_time_phrases())
def test_bad_phrases_are_refused_everywhere(phrase: str) -> None:
    for parse in (parse_window, parse_deadline, parse_date):
        assert tts.refuses(parse, phrase), (parse.__name__, phrase)


@given(tts.date_phrases())
def test_parse_date_of_any_date(case: tuple[str, tts.PhraseMeaning]) -> None:
    phrase, meaning = case
    d = meaning.day
    assert d is not None
    assert parse_date(phrase) == d
    assert parse_date(f"{d.day}/{d.month}/{d.year}") == d
    assert parse_date(f"{d.day:02d}-{d.month:02d}-{d.year}") == d
    assert parse_date(f"ngày {d.day}.{d.month}.{d.year}") == d
    assert parse_date(d.isoformat()) == d
    assert parse_date(format_date(d)) == d


@given(tts.deadline_phrases())
def test_deadline_render_round_trip(case: tuple[str, tts.PhraseMeaning]) -> None:
    phrase, meaning = case
    d = meaning.deadline
    assert d is not None
    assert parse_deadline(phrase) == d
    assert parse_deadline(render_deadline(d)) == d
    assert parse_window(format_date(d)).window == Window(d, d)


@given(tts.time_phrases(("month",), ongoing=False))
def test_month_phrase_is_the_whole_month(case: tuple[str, tts.PhraseMeaning]) -> None:
    phrase, meaning = case
    start = meaning.window.start
    assert start is not None
    year, month = start.year, start.month
    last = calendar.monthrange(year, month)[1]  # from the calendar, not from the kit
    whole = Window(D(year, month, 1), D(year, month, last))
    assert parse_window(phrase).window == whole
    assert parse_window(f"Tháng {month}/{year}").window == whole
    assert parse_deadline(f"Trong tháng {month:02d}/{year}") == D(year, month, last)


@given(tts.windows(min_year=1900, max_year=2199), st.data())
def test_any_phrase_for_a_window_reads_back_as_it(
    case: tuple[Window, bool], data: st.DataObject
) -> None:
    window, ongoing = case
    phrase = data.draw(tts.phrases_for(window, ongoing))
    parsed = parse_window(phrase)
    assert (parsed.window, parsed.ongoing) == (window, ongoing), phrase


# --- reporting rules -----------------------------------------------------------------


def test_next_due_examples() -> None:
    rule = ReportingRule(to="x", day=15)
    assert rule.next_due(D(2023, 3, 14)) == D(2023, 3, 15)
    assert rule.next_due(D(2023, 3, 15)) == D(2023, 4, 15)  # "before the 15th": strictly after
    assert rule.next_due(D(2023, 12, 20)) == D(2024, 1, 15)
    end_of_month = ReportingRule(to="x", day=31)
    assert end_of_month.next_due(D(2023, 2, 1)) == D(2023, 2, 28)
    assert end_of_month.next_due(D(2024, 2, 1)) == D(2024, 2, 29)
    assert end_of_month.next_due(D(2023, 2, 28)) == D(2023, 3, 31)
    quarter = ReportingRule(to="x", every="quarter", day=15)
    assert quarter.next_due(D(2023, 2, 1)) == D(2023, 4, 15)
    assert quarter.next_due(D(2023, 1, 14)) == D(2023, 1, 15)
    assert quarter.next_due(D(2023, 10, 15)) == D(2024, 1, 15)


def test_due_dates_of_the_seed_rule() -> None:
    rule = ReportingRule(to="tt-bc-xb", day=15)
    assert rule.due_dates(D(2023, 3, 1), D(2023, 10, 31)) == [D(2023, m, 15) for m in range(3, 11)]
    assert rule.due_dates(D(2023, 3, 15), D(2023, 4, 15)) == [D(2023, 3, 15), D(2023, 4, 15)]
    assert rule.due_dates(D(2023, 3, 16), D(2023, 4, 14)) == []


rules = st.builds(
    lambda every, day: ReportingRule(to="x", every=every, day=day),
    st.sampled_from(("month", "quarter")),
    st.integers(1, 31),
)
rule_dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31))


@given(rules, rule_dates)
def test_next_due_properties(rule: ReportingRule, after: date) -> None:
    due = rule.next_due(after)
    assert due > after
    assert due.day == min(rule.day, calendar.monthrange(due.year, due.month)[1])
    if rule.every == "quarter":
        assert due.month in (1, 4, 7, 10)
        assert (due - after).days <= 92
    else:
        assert (due - after).days <= 31
        # nothing skipped: the due day of after's own month has passed if due is later
        last = calendar.monthrange(after.year, after.month)[1]
        own = D(after.year, after.month, min(rule.day, last))
        assert own == due or own <= after


@given(rules, rule_dates, st.integers(0, 800))
def test_due_dates_properties(rule: ReportingRule, start: date, span: int) -> None:
    end = start + timedelta(days=span)
    found = rule.due_dates(start, end)
    assert all(a < b for a, b in itertools.pairwise(found))
    assert all(start <= d <= end for d in found)
    # complete: each is the next due day after the previous, and the next one is past end
    current = rule.next_due(start - timedelta(days=1))
    for d in found:
        assert d == current
        current = rule.next_due(current)
    assert current > end


# --- issue 7: the phrases of other plans ---------------------------------------------
#
# (phrase, window, ongoing, deadline): deadline None means parse_deadline refuses it.
# Every expected value is written from the calendar.

ISSUE_7 = [
    ("Quý III/2024", Window(D(2024, 7, 1), D(2024, 9, 30)), False, D(2024, 9, 30)),
    ("Quý I/2025", Window(D(2025, 1, 1), D(2025, 3, 31)), False, D(2025, 3, 31)),
    ("Quý II/2024", Window(D(2024, 4, 1), D(2024, 6, 30)), False, D(2024, 6, 30)),
    ("Quý IV/2024", Window(D(2024, 10, 1), D(2024, 12, 31)), False, D(2024, 12, 31)),
    ("Quý 3 năm 2024", Window(D(2024, 7, 1), D(2024, 9, 30)), False, D(2024, 9, 30)),
    ("Quý 1/2024", Window(D(2024, 1, 1), D(2024, 3, 31)), False, D(2024, 3, 31)),
    ("trong quý II năm 2024", Window(D(2024, 4, 1), D(2024, 6, 30)), False, D(2024, 6, 30)),
    ("trong tháng 4/2025", Window(D(2025, 4, 1), D(2025, 4, 30)), False, D(2025, 4, 30)),
    # "trước ngày D": the last day on time is D-1 (as "trước ngày 15 hằng tháng")
    ("trước ngày 28/02/2024", Window(None, D(2024, 2, 27)), False, D(2024, 2, 27)),
    ("trước ngày 31.12.2024", Window(None, D(2024, 12, 30)), False, D(2024, 12, 30)),
    ("Trước ngày 01/3/2024", Window(None, D(2024, 2, 29)), False, D(2024, 2, 29)),
    ("Trước ngày 1/1/2025", Window(None, D(2024, 12, 31)), False, D(2024, 12, 31)),
    ("trước 2024-03-01", Window(None, D(2024, 2, 29)), False, D(2024, 2, 29)),
    (
        "từ ngày 15/5/2024 đến hết ngày 31/5/2024",
        Window(D(2024, 5, 15), D(2024, 5, 31)),
        False,
        None,
    ),
    ("Từ ngày 1-1 đến 25-12-2017", Window(D(2017, 1, 1), D(2017, 12, 25)), False, None),
    ("Từ ngày 1/9 đến ngày 15/9/2023", Window(D(2023, 9, 1), D(2023, 9, 15)), False, None),
    ("Từ ngày 1 đến ngày 15/9/2023", Window(D(2023, 9, 1), D(2023, 9, 15)), False, None),
    ("15/5/2024 - 31/5/2024", Window(D(2024, 5, 15), D(2024, 5, 31)), False, None),
    ("Từ ngày 20/12/2023 tới ngày 10/1/2024", Window(D(2023, 12, 20), D(2024, 1, 10)), False, None),
    ("Từ ngày 5/5 đến 5/5/2024", Window(D(2024, 5, 5), D(2024, 5, 5)), False, D(2024, 5, 5)),
    ("từ tháng 3-5/2025", Window(D(2025, 3, 1), D(2025, 5, 31)), False, None),
    ("Tháng 3 - 5/2025", Window(D(2025, 3, 1), D(2025, 5, 31)), False, None),
    ("Từ tháng 3 – tháng 5/2025", Window(D(2025, 3, 1), D(2025, 5, 31)), False, None),
    ("Từ tháng 3 tới tháng 5/2025", Window(D(2025, 3, 1), D(2025, 5, 31)), False, None),
    ("Từ tháng 11/2024 - 2/2025", Window(D(2024, 11, 1), D(2025, 2, 28)), False, None),
    (
        "Thường xuyên, từ tháng 01 đến hết tháng 12/2024",
        Window(D(2024, 1, 1), D(2024, 12, 31)),
        True,
        None,
    ),
    ("6 tháng đầu năm 2024", Window(D(2024, 1, 1), D(2024, 6, 30)), False, D(2024, 6, 30)),
    ("6 tháng cuối năm 2024", Window(D(2024, 7, 1), D(2024, 12, 31)), False, D(2024, 12, 31)),
    ("Trong 06 tháng đầu năm 2023", Window(D(2023, 1, 1), D(2023, 6, 30)), False, D(2023, 6, 30)),
    ("Sáu tháng cuối năm 2023", Window(D(2023, 7, 1), D(2023, 12, 31)), False, D(2023, 12, 31)),
    ("Năm 2024", Window(D(2024, 1, 1), D(2024, 12, 31)), False, D(2024, 12, 31)),
    ("Trong năm 2025", Window(D(2025, 1, 1), D(2025, 12, 31)), False, D(2025, 12, 31)),
    ("Đến hết năm 2024", Window(None, D(2024, 12, 31)), False, D(2024, 12, 31)),
    ("Từ năm 2024", Window(D(2024, 1, 1), None), False, None),
    ("hằng tháng", Window(None, None), True, None),
    ("hàng tháng", Window(None, None), True, None),
    ("Hằng quý", Window(None, None), True, None),
    ("Hàng quý", Window(None, None), True, None),
    ("Hằng năm", Window(None, None), True, None),
    ("Định kỳ hằng tháng", Window(None, None), True, None),
    ("Thường xuyên, hằng tháng", Window(None, None), True, None),
    (
        "Hằng tháng, từ tháng 3 đến tháng 10/2024",
        Window(D(2024, 3, 1), D(2024, 10, 31)),
        True,
        None,
    ),
    ("Thường xuyên trong quý III/2024", Window(D(2024, 7, 1), D(2024, 9, 30)), True, None),
]
ISSUE_7_PHRASES = [p for p, *_ in ISSUE_7]


@pytest.mark.parametrize(("phrase", "window", "ongoing", "due"), ISSUE_7)
def test_issue_7_phrases(phrase: str, window: Window, ongoing: bool, due: date | None) -> None:
    parsed = parse_window(phrase)
    assert (parsed.window, parsed.ongoing) == (window, ongoing)
    assert parsed.text == phrase
    if due is None:
        with pytest.raises(TimePhraseError) as info:
            parse_deadline(phrase)
        _check_error(info.value, phrase)
    else:
        assert parse_deadline(phrase) == due
    with pytest.raises(TimePhraseError):
        parse_date(phrase)
    for variant in _variants(phrase):
        again = parse_window(variant)
        assert (again.window, again.ongoing) == (window, ongoing), variant
        if due is not None:
            assert parse_deadline(variant) == due, variant


@pytest.mark.parametrize("phrase", ISSUE_7_PHRASES)
def test_issue_7_phrases_render_and_read_back(phrase: str) -> None:
    first = parse_window(phrase)
    rendered = render_window(first.window, first.ongoing)
    again = parse_window(rendered)
    assert (again.window, again.ongoing) == (first.window, first.ongoing), rendered


@pytest.mark.parametrize(
    ("window", "ongoing", "phrase"),
    [
        (Window(D(2024, 7, 1), D(2024, 9, 30)), False, "Quý III/2024"),
        (Window(D(2025, 1, 1), D(2025, 3, 31)), False, "Quý I/2025"),
        (Window(D(2024, 4, 1), D(2024, 6, 30)), True, "Thường xuyên trong quý II/2024"),
        (Window(D(2024, 10, 1), D(2024, 12, 31)), False, "Quý IV/2024"),
        (Window(D(2024, 1, 1), D(2024, 6, 30)), False, "6 tháng đầu năm 2024"),
        (Window(D(2024, 7, 1), D(2024, 12, 31)), False, "6 tháng cuối năm 2024"),
        (Window(D(2024, 1, 1), D(2024, 12, 31)), False, "Năm 2024"),
        (Window(D(2024, 1, 1), D(2024, 12, 31)), True, "Thường xuyên trong năm 2024"),
        # not a named period: three months that are not a quarter, a year and a month
        (Window(D(2024, 2, 1), D(2024, 4, 30)), False, "Từ tháng 2 đến tháng 4/2024"),
        (Window(D(2024, 7, 1), D(2025, 6, 30)), False, "Từ tháng 7/2024 đến tháng 6/2025"),
        (Window(D(2024, 1, 1), D(2025, 12, 31)), False, "Từ tháng 1/2024 đến tháng 12/2025"),
    ],
)
def test_render_named_periods(window: Window, ongoing: bool, phrase: str) -> None:
    assert render_window(window, ongoing) == phrase
    parsed = parse_window(phrase)
    assert (parsed.window, parsed.ongoing) == (window, ongoing)


def test_before_day_agrees_with_reporting_rules() -> None:
    """ "trước ngày 15" is late on the 15th for reports (ReportingRule) and for
    deadlines alike: the deadline passes at 00:00 of the named day."""
    due = parse_deadline("trước ngày 15/3/2024")
    assert due == D(2024, 3, 14)
    assert end_of_day(due) == datetime(2024, 3, 15, 0, 0, tzinfo=ZONE)
    rule = ReportingRule(to="x", day=15)
    assert rule.next_due(D(2024, 3, 14)) == D(2024, 3, 15)  # the report's limit: the 15th
    assert datetime.combine(rule.next_due(D(2024, 3, 14)), datetime.min.time(), ZONE) == (
        end_of_day(due)
    )
    assert render_deadline(due) == "Ngày 14/3/2024"


def test_before_the_first_day_of_the_range_is_refused() -> None:
    with pytest.raises(TimePhraseError) as info:
        parse_window("Trước ngày 1/1/1900")
    _check_error(info.value, "Trước ngày 1/1/1900")
    assert parse_deadline("Trước ngày 2/1/1900") == D(1900, 1, 1)


NEAR_MISSES = [
    ("Quý V/2024", "quarter V", "quý V"),
    ("Quý 5/2024", "quarter 5", "quý 5"),
    ("Quý 0/2024", "quarter 0", "quý 0"),
    ("Quý IIII/2024", "quarter IIII", "quý IIII"),
    ("tháng 13/2024", "month 13", "tháng 13"),
    ("từ tháng 3-13/2025", "month 13", "tháng 13"),
    ("từ ngày 31/2/2024", "31/2/2024", "31/2/2024"),
    ("Từ ngày 31/2 đến 5/3/2024", "31/2/2024", "31/2/2024"),
    ("trước ngày 31/2/2024", "31/2/2024", "31/2/2024"),
    ("Quý III/1899", "year 1899", "năm 1899"),
    ("Năm 2201", "year 2201", "năm 2201"),
    ("Từ tháng 5-3/2025", "before it starts", "trước thời gian bắt đầu"),
    ("Từ ngày 25-12 đến 1-1-2017", "before it starts", "trước thời gian bắt đầu"),
    ("6 tháng giữa năm 2024", "", ""),
    ("3 tháng đầu năm 2024", "", ""),
    ("Quý III", "", ""),
    ("Quý III/24", "", ""),
    ("Năm", "", ""),
    ("năm nay", "", ""),
    ("hằng", "", ""),
    ("hằng tuần lễ", "", ""),
    ("hằng năm 2024", "", ""),
    ("từ ngày 1 đến ngày 5", "", ""),
    ("trước ngày 15", "", ""),
    ("trước tháng 4/2025", "", ""),
    ("Quý III/2024 - Quý IV/2024", "", ""),
    ("từ tháng 3 - 5", "", ""),
    ("15/5 - 31/5", "", ""),
]


@pytest.mark.parametrize(("phrase", "en", "vi"), NEAR_MISSES)
def test_near_misses_are_refused(phrase: str, en: str, vi: str) -> None:
    for parse in (parse_window, parse_deadline, parse_date):
        with pytest.raises(TimePhraseError) as info:
            parse(phrase)
        _check_error(info.value, phrase)
    with pytest.raises(TimePhraseError) as info:
        parse_window(phrase)
    assert en in info.value.en
    assert vi in info.value.vi


@pytest.mark.parametrize("phrase", ["hằng tháng", "Hàng quý", "Thường xuyên, hằng tháng"])
def test_periodic_work_has_no_deadline(phrase: str) -> None:
    with pytest.raises(TimePhraseError) as info:
        parse_deadline(phrase)
    _check_error(info.value, phrase)
    assert "ongoing" in info.value.en
    assert "thường xuyên" in info.value.vi


def test_plan_files_take_the_new_phrases() -> None:
    text = """\
schema: 1
id: p
title: Kế hoạch
issuer: btg
units:
  - {id: btg, name: Ban Tuyên giáo}
tasks:
  - id: "1"
    title: Một
    lead: btg
    window: Quý III/2024
    plan_due: trước ngày 28/02/2024
  - id: "2"
    title: Hai
    lead: btg
    window: hằng quý
  - id: "3"
    title: Ba
    lead: btg
    window: "Thường xuyên, từ tháng 01 đến hết tháng 12/2024"
    plan_due: 6 tháng đầu năm 2024
"""
    one, two, three = loads_plan(text).tasks
    assert one.window == Window(D(2024, 7, 1), D(2024, 9, 30))
    assert (one.window_text, one.ongoing) == ("Quý III/2024", False)
    assert (one.plan_due, one.plan_due_text) == (D(2024, 2, 27), "trước ngày 28/02/2024")
    assert (two.window, two.ongoing, two.window_text) == (Window(), True, "hằng quý")
    assert (three.window, three.ongoing) == (Window(D(2024, 1, 1), D(2024, 12, 31)), True)
    assert three.plan_due == D(2024, 6, 30)


def _mixed_phrases(n: int) -> list[str]:
    base = SEED_PHRASES + [p for p, _ in OTHER_WINDOWS] + ISSUE_7_PHRASES
    return [base[i % len(base)] for i in range(n)]


def test_parsing_stays_fast() -> None:
    """The importer parses every phrase of 500-task documents: 10,000 mixed phrases
    take well under a second (the bound is loose for slow machines)."""
    phrases = _mixed_phrases(10_000)
    t0 = time.perf_counter()
    for phrase in phrases:
        parse_window(phrase)
    assert time.perf_counter() - t0 < 3.0
