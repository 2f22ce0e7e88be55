"""Working days in Vietnam: holidays, configured swaps, counting, descriptions.

The 2023 and 2024 facts below were checked against the `holidays` package's VN calendar
(release 0.109) and the government's announcements it cites; the configured swaps are
examples of configuration, not claims about what the government decided.
"""

from __future__ import annotations

import tomllib
import unicodedata
from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyentruyen.errors import TuyenTruyenError
from tuyentruyen.workdays import CalendarError, WorkCalendar, format_date_en

D = date
CAL = WorkCalendar()


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# --- facts of 2023 and 2024 -------------------------------------------------------------


def test_tet_2023_is_seven_days_off_between_working_days() -> None:
    # Tết Quý Mão: officials were off from Friday 20/1 to Thursday 26/1/2023.
    assert not any(CAL.is_working_day(d) for d in days(D(2023, 1, 20), D(2023, 1, 26)))
    assert CAL.is_working_day(D(2023, 1, 19))
    assert CAL.is_working_day(D(2023, 1, 27))
    assert CAL.holiday_name(D(2023, 1, 22)) == "Tết Nguyên Đán"
    assert CAL.holiday_name(D(2023, 1, 22), "en") == "Lunar New Year"


def test_april_may_2023_holidays_and_their_days_off() -> None:
    # Giỗ Tổ Hùng Vương (10/3 âm lịch) was Saturday 29/4/2023 and 30/4 a Sunday: both
    # were made up on 2/5 and 3/5, five days off from 29/4 to 3/5.
    assert CAL.holiday_name(D(2023, 4, 29)) == "Ngày Giỗ Tổ Hùng Vương"
    assert not any(CAL.is_working_day(d) for d in days(D(2023, 4, 29), D(2023, 5, 3)))
    assert CAL.is_working_day(D(2023, 4, 28))
    assert CAL.is_working_day(D(2023, 5, 4))
    assert CAL.holiday_name(D(2023, 5, 2)) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"


def test_national_day_2023() -> None:
    # 2/9/2023 was a Saturday; 1/9 was added and Monday 4/9 made up for it.
    for day in (D(2023, 9, 1), D(2023, 9, 2), D(2023, 9, 4)):
        assert not CAL.is_working_day(day)
        assert (CAL.holiday_name(day, "en") or "").startswith("National Day")
    assert CAL.is_working_day(D(2023, 8, 31))
    assert CAL.is_working_day(D(2023, 9, 5))


def test_ordinary_days() -> None:
    assert CAL.is_working_day(D(2023, 9, 15))  # a Friday
    assert not CAL.is_working_day(D(2023, 9, 16))  # Saturday
    assert not CAL.is_working_day(D(2023, 9, 17))  # Sunday
    assert CAL.holiday_name(D(2023, 9, 16)) is None
    assert CAL.holiday_name(D(2023, 9, 15), "en") is None


def test_swapped_saturday_known_to_the_package_2024() -> None:
    # Official Dispatch 2450/VPCP-KGVX (2024): Monday 29/4/2024 off, Saturday 4/5 worked.
    assert CAL.is_working_day(D(2024, 5, 4))
    assert not CAL.is_working_day(D(2024, 4, 29))
    assert not CAL.is_working_day(D(2024, 5, 11))  # the next Saturday is not
    assert CAL.describe(D(2024, 5, 4)) == "ngày 4/5/2024 (thứ Bảy, ngày làm bù)"


def test_calendar_does_not_know_swaps_nobody_configured() -> None:
    # Saturday 6/5/2023 is a day off unless the configuration says otherwise.
    assert not CAL.is_working_day(D(2023, 5, 6))
    swapped = WorkCalendar(working_days={D(2023, 5, 6): "làm bù"})
    assert swapped.is_working_day(D(2023, 5, 6))
    assert not swapped.is_working_day(D(2023, 5, 7))
    assert swapped.holiday_name(D(2023, 5, 6)) is None


def test_extra_holiday_is_a_named_day_off() -> None:
    cal = WorkCalendar(
        extra_holidays={D(2023, 5, 5): {"vi": "Nghỉ hoán đổi", "en": "Swapped day off"}}
    )
    assert not cal.is_working_day(D(2023, 5, 5))
    assert cal.holiday_name(D(2023, 5, 5)) == "Nghỉ hoán đổi"
    assert cal.holiday_name(D(2023, 5, 5), "en") == "Swapped day off"
    assert cal.describe(D(2023, 5, 5)) == "ngày 5/5/2023 (Nghỉ hoán đổi, ngày nghỉ)"
    assert CAL.is_working_day(D(2023, 5, 5))  # calendars do not share configuration


def test_configured_working_day_wins_over_the_package() -> None:
    cal = WorkCalendar(working_days={D(2023, 5, 3): "trực"})
    assert cal.is_working_day(D(2023, 5, 3))
    assert cal.holiday_name(D(2023, 5, 3)) is None
    assert cal.describe(D(2023, 5, 3)) == "ngày 3/5/2023"
    assert cal.working_days_before(D(2023, 5, 4), 1) == D(2023, 5, 3)
    assert CAL.working_days_before(D(2023, 5, 4), 1) == D(2023, 4, 28)


def test_years_the_package_does_not_cover_have_weekends_only() -> None:
    assert CAL.is_working_day(D(2150, 1, 1))  # a Thursday; the package covers 1901-2100
    assert not CAL.is_working_day(D(2150, 1, 3))  # Saturday
    assert not CAL.is_working_day(D(2100, 1, 1))  # still covered: New Year's Day


def test_names_do_not_depend_on_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.setenv(var, "th_TH.UTF-8")
    cal = WorkCalendar()
    assert cal.holiday_name(D(2023, 9, 2)) == "Quốc khánh"
    assert cal.holiday_name(D(2023, 9, 2), "en") == "National Day"


def test_vietnamese_names_are_nfc() -> None:
    names = [CAL.holiday_name(d) for d in days(D(2023, 1, 1), D(2023, 12, 31))]
    found = [n for n in names if n is not None]
    assert len(found) == 17
    assert all(unicodedata.is_normalized("NFC", n) for n in found)
    decomposed = unicodedata.normalize("NFD", "Nghỉ hoán đổi")
    cal = WorkCalendar(extra_holidays={D(2023, 5, 5): decomposed})
    assert cal.holiday_name(D(2023, 5, 5)) == "Nghỉ hoán đổi"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="lang"):
        CAL.holiday_name(D(2023, 9, 2), "en_US")
    with pytest.raises(ValueError, match="lang"):
        CAL.describe(D(2023, 9, 2), "fr")


# --- describe ---------------------------------------------------------------------------


DESCRIPTIONS = [
    (D(2023, 9, 15), "ngày 15/9/2023", "15 Sep 2023"),
    (
        D(2023, 9, 2),
        "ngày 2/9/2023 (Quốc khánh, ngày nghỉ)",
        "2 Sep 2023 (National Day, a holiday)",
    ),
    (D(2023, 9, 3), "ngày 3/9/2023 (Chủ nhật, ngày nghỉ)", "3 Sep 2023 (Sunday, a day off)"),
    (D(2023, 9, 16), "ngày 16/9/2023 (thứ Bảy, ngày nghỉ)", "16 Sep 2023 (Saturday, a day off)"),
    (
        D(2023, 1, 20),
        "ngày 20/1/2023 (29 Tết, ngày nghỉ)",
        "20 Jan 2023 (29 of Lunar New Year, a holiday)",
    ),
    (D(2024, 5, 4), "ngày 4/5/2024 (thứ Bảy, ngày làm bù)", "4 May 2024 (Saturday, a working day)"),
]


@pytest.mark.parametrize(("day", "vi", "en"), DESCRIPTIONS)
def test_describe(day: date, vi: str, en: str) -> None:
    assert CAL.describe(day) == vi
    assert CAL.describe(day, "vi") == vi
    assert CAL.describe(day, "en") == en


def test_format_date_en_has_no_leading_zero() -> None:
    assert format_date_en(D(2023, 1, 5)) == "5 Jan 2023"
    assert format_date_en(D(2023, 12, 31)) == "31 Dec 2023"


# --- counting ---------------------------------------------------------------------------


def test_working_days_before_examples() -> None:
    # Deadline Tuesday 5/9/2023; 1-4/9 were days off.
    assert CAL.working_days_before(D(2023, 9, 5), 0) == D(2023, 9, 5)
    assert CAL.working_days_before(D(2023, 9, 5), 1) == D(2023, 8, 31)
    assert CAL.working_days_before(D(2023, 9, 5), 3) == D(2023, 8, 29)
    # A deadline on a day off is not counted either: 3 working days before Sunday 17/9.
    assert CAL.working_days_before(D(2023, 9, 17), 3) == D(2023, 9, 13)
    # Across Tết and the new year: 27/1/2023 is the first working day after Tết.
    assert CAL.working_days_before(D(2023, 1, 27), 1) == D(2023, 1, 19)
    assert CAL.working_days_before(D(2023, 1, 4), 2) == D(2022, 12, 30)


def test_working_days_before_refuses_negative() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        CAL.working_days_before(D(2023, 9, 5), -1)


def test_add_working_days_examples() -> None:
    assert CAL.add_working_days(D(2023, 1, 19), 1) == D(2023, 1, 27)
    assert CAL.add_working_days(D(2023, 1, 21), 1) == D(2023, 1, 27)  # from a day off
    assert CAL.add_working_days(D(2023, 1, 27), -1) == D(2023, 1, 19)
    assert CAL.add_working_days(D(2023, 1, 22), 0) == D(2023, 1, 22)
    assert CAL.add_working_days(D(2022, 12, 30), 2) == D(2023, 1, 4)  # 2/1/2023 was off


def test_working_days_in_2023() -> None:
    # 365 days, 105 weekend days, 11 weekdays off (2/1; 20/1, 23-26/1; 1-3/5; 1/9, 4/9):
    # 249 working days.
    assert CAL.working_days_between(D(2022, 12, 31), D(2023, 12, 31)) == 249
    assert CAL.working_days_between(D(2023, 12, 31), D(2022, 12, 31)) == -249


def test_large_spans() -> None:
    start = D(2023, 9, 15)
    far = CAL.add_working_days(start, 100_000)
    assert CAL.working_days_between(start, far) == 100_000
    assert CAL.add_working_days(far, -100_000) == start
    assert CAL.is_working_day(far)


def test_leaving_the_date_range_overflows() -> None:
    with pytest.raises(OverflowError):
        CAL.add_working_days(D(9999, 12, 30), 5)
    with pytest.raises(OverflowError):
        CAL.add_working_days(D(1, 1, 3), -5)


# --- properties -------------------------------------------------------------------------

DAYS = st.dates(min_value=D(1995, 1, 1), max_value=D(2060, 12, 31))
STEPS = st.integers(min_value=-600, max_value=600)
SMALL = st.integers(min_value=0, max_value=40)


def reference_is_working(cal_extra: set[date], cal_working: set[date], day: date) -> bool:
    """Working or not, straight from the package and the configuration."""
    if day in cal_extra:
        return False
    if day in cal_working:
        return True
    vn = holidays.country_holidays("VN", years=day.year, language="vi")
    if day.weekday() >= 5:
        return day in vn.weekend_workdays
    return day not in vn


def reference_add(cal: WorkCalendar, day: date, n: int) -> date:
    """add_working_days by stepping one day at a time."""
    step = 1 if n > 0 else -1
    left = abs(n)
    while left:
        day += timedelta(days=step)
        left -= cal.is_working_day(day)
    return day


configs = st.tuples(
    st.sets(st.dates(min_value=D(2022, 1, 1), max_value=D(2025, 12, 31)), max_size=30),
    st.sets(st.dates(min_value=D(2022, 1, 1), max_value=D(2025, 12, 31)), max_size=30),
)


@given(configs, st.dates(min_value=D(2021, 12, 1), max_value=D(2026, 1, 31)))
def test_is_working_day_matches_package_and_configuration(
    config: tuple[set[date], set[date]], day: date
) -> None:
    extra, working = config[0], config[1] - config[0]
    cal = WorkCalendar(
        extra_holidays=dict.fromkeys(extra, "nghỉ"), working_days=dict.fromkeys(working, "làm")
    )
    assert cal.is_working_day(day) == reference_is_working(extra, working, day)


@given(configs, st.dates(min_value=D(2021, 12, 1), max_value=D(2026, 1, 31)), STEPS)
def test_add_working_days_matches_stepping(
    config: tuple[set[date], set[date]], day: date, n: int
) -> None:
    extra, working = config[0], config[1] - config[0]
    cal = WorkCalendar(
        extra_holidays=dict.fromkeys(extra, "nghỉ"), working_days=dict.fromkeys(working, "làm")
    )
    assert cal.add_working_days(day, n) == reference_add(cal, day, n)


@given(DAYS, STEPS.filter(lambda n: n != 0))
def test_add_working_days_lands_on_a_working_day(day: date, n: int) -> None:
    result = CAL.add_working_days(day, n)
    assert CAL.is_working_day(result)
    assert (result > day) == (n > 0)
    assert result != day


@given(DAYS, STEPS)
def test_between_inverts_add(day: date, n: int) -> None:
    assert CAL.working_days_between(day, CAL.add_working_days(day, n)) == n


@given(DAYS, DAYS)
def test_add_inverts_between_onto_working_days(a: date, b: date) -> None:
    count = CAL.working_days_between(a, b)
    assert count >= 0 if a <= b else count <= 0
    if CAL.is_working_day(b) or a == b:
        assert CAL.add_working_days(a, count) == b


@given(DAYS, DAYS)
def test_between_counts_the_working_days(a: date, b: date) -> None:
    low, high = min(a, b), max(a, b)
    if (high - low).days > 400:
        high = low + timedelta(days=400)
        a, b = (low, high) if a <= b else (high, low)
    if a <= b:
        expected = sum(CAL.is_working_day(d) for d in days(a + timedelta(days=1), b))
    else:
        expected = -sum(CAL.is_working_day(d) for d in days(b, a - timedelta(days=1)))
    assert CAL.working_days_between(a, b) == expected


@given(DAYS, SMALL)
def test_reminder_is_n_working_days_before(deadline: date, n: int) -> None:
    reminder = CAL.working_days_before(deadline, n)
    assert reminder <= deadline
    assert (reminder == deadline) == (n == 0)
    assert CAL.working_days_between(deadline, reminder) == -n
    if n:
        assert CAL.is_working_day(reminder)
        # No working day is skipped: exactly n working days in [reminder, deadline).
        between = days(reminder, deadline - timedelta(days=1))
        assert sum(CAL.is_working_day(d) for d in between) == n


@given(DAYS, SMALL, SMALL)
def test_reminders_are_monotonic(deadline: date, n: int, m: int) -> None:
    # A longer lead time is never later; a later deadline never gives an earlier reminder.
    n, m = min(n, m), max(n, m)
    assert CAL.working_days_before(deadline, m) <= CAL.working_days_before(deadline, n)
    later = deadline + timedelta(days=m)
    assert CAL.working_days_before(deadline, n) <= CAL.working_days_before(later, n)


@given(DAYS)
def test_describe_mentions_a_note_exactly_on_non_plain_days(day: date) -> None:
    plain = CAL.is_working_day(day) and day.weekday() < 5
    for lang in ("vi", "en"):
        text = CAL.describe(day, lang)
        assert text.endswith(")") != plain
    assert CAL.describe(day).startswith(f"ngày {day.day}/{day.month}/{day.year}")


# --- configuration ----------------------------------------------------------------------

CONFIG = """
[calendar.swapped_working_days]
2023-05-06 = "Làm bù cho ngày nghỉ 5/5/2023"

[calendar.extra_holidays]
"2023-05-05" = { vi = "Nghỉ hoán đổi với thứ Bảy 6/5/2023", en = "Swapped with Saturday 6 May" }
"""


def test_from_config_reads_a_toml_calendar_table() -> None:
    cal = WorkCalendar.from_config(tomllib.loads(CONFIG)["calendar"])
    assert cal.is_working_day(D(2023, 5, 6))
    assert not cal.is_working_day(D(2023, 5, 5))
    described = cal.describe(D(2023, 5, 5), "en")
    assert described == "5 May 2023 (Swapped with Saturday 6 May, a holiday)"
    assert cal.describe(D(2023, 5, 6)) == "ngày 6/5/2023 (thứ Bảy, ngày làm bù)"
    assert cal.working_days_before(D(2023, 5, 8), 1) == D(2023, 5, 6)


def test_from_config_empty_is_the_default_calendar() -> None:
    cal = WorkCalendar.from_config({})
    assert [cal.is_working_day(d) for d in days(D(2023, 4, 27), D(2023, 5, 8))] == [
        CAL.is_working_day(d) for d in days(D(2023, 4, 27), D(2023, 5, 8))
    ]


def test_from_config_accepts_date_keys_as_yaml_gives_them() -> None:
    cal = WorkCalendar.from_config({"swapped_working_days": {D(2023, 5, 6): "làm bù"}})
    assert cal.is_working_day(D(2023, 5, 6))


EXTRA, SWAPPED = "calendar.extra_holidays", "calendar.swapped_working_days"
BAD_CONFIGS = [
    ({"extra_holiday": {}}, "calendar.extra_holiday", "unknown key"),
    ({"extra_holidays": {"2023-13-01": "x"}}, f'{EXTRA}."2023-13-01"', "is not a date"),
    ({"extra_holidays": {"5/5/2023": "x"}}, f'{EXTRA}."5/5/2023"', "is not a date"),
    ({"extra_holidays": {"20230505": "x"}}, f'{EXTRA}."20230505"', "is not a date"),
    ({"swapped_working_days": {"2023-05-06": ""}}, f'{SWAPPED}."2023-05-06"', "non-empty text"),
    ({"swapped_working_days": {"2023-05-06": 1}}, f'{SWAPPED}."2023-05-06"', "non-empty text"),
    ({"swapped_working_days": ["2023-05-06"]}, SWAPPED, "must be a table"),
    ({"extra_holidays": {"2023-05-05": {"fr": "x"}}}, f'{EXTRA}."2023-05-05"', "keys vi and en"),
    ({"extra_holidays": {"2023-05-05": {"vi": " "}}}, f'{EXTRA}."2023-05-05".vi', "non-empty"),
    (
        {"extra_holidays": {datetime(2023, 5, 5, 8): "x"}},
        f'{EXTRA}."2023-05-05T08:00:00"',
        "is not a date",
    ),
    (
        {"extra_holidays": {"2023-05-06": "a"}, "swapped_working_days": {"2023-05-06": "b"}},
        f'{EXTRA}."2023-05-06"',
        "also listed",
    ),
]


@pytest.mark.parametrize(("config", "key", "en"), BAD_CONFIGS)
def test_bad_configuration_names_the_key(config: dict[str, object], key: str, en: str) -> None:
    with pytest.raises(CalendarError) as caught:
        WorkCalendar.from_config(config)
    error = caught.value
    assert error.key == key
    assert str(error).startswith(f"{key}: ")
    assert en in str(error)
    assert error.message("vi").startswith(f"{key}: ")
    assert error.message("vi") != error.message("en")
    assert isinstance(error, TuyenTruyenError)
    assert isinstance(error, ValueError)


def test_configuration_that_is_not_a_table() -> None:
    with pytest.raises(CalendarError, match="must be a table") as caught:
        WorkCalendar.from_config(["2023-05-06"])  # type: ignore[arg-type]
    assert caught.value.key == "calendar"
