"""Text comes back intact; the same export gives the same bytes; the fast writer writes
what icalendar's own Calendar.to_ical() writes."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from ics_testing import (
    by_uid,
    demo_export,
    demo_run,
    export,
    options,
    plan_of,
    read,
    task,
    text,
    tracker_of,
)
from tuyentruyen_ics import build_calendar, ics_bytes

from tuyentruyen import Plan, Tracker, Unit, Window

NASTY = "Giải \"Búa liềm vàng\"; a, b \\ c\nd <script>alert(1)</script> =cmd|' /C calc'!A0"


@pytest.fixture
def demo() -> Tracker:
    return demo_run()[0]


@pytest.fixture
def demo_file() -> Path:
    return demo_export()


def test_nasty_title_comes_back_as_text(tmp_path: Path) -> None:
    tracker = tracker_of(plan_of([task("1", NASTY, plan_due=date(2023, 2, 28))]))
    path = export(tracker, tmp_path)
    cal = read(path)
    found = by_uid(cal)
    assert text(found["p.1.todo@tuyentruyen"], "SUMMARY") == f"1. {NASTY}"
    assert text(found["p.1.window@tuyentruyen"], "SUMMARY") == f"Thực hiện: 1. {NASTY}"
    assert text(found["p.1.plan-due@tuyentruyen"], "SUMMARY") == (
        f"Hạn ban hành kế hoạch: 1. {NASTY}"
    )
    raw = path.read_bytes()
    # Escaped as RFC 5545 says: the newline, semicolon, comma and backslash.
    assert b"\\;" in raw
    assert b"\\," in raw
    assert b"\\\\" in raw
    assert b"\\n" in raw
    assert len(cal.walk("VTODO")) == 1  # the newline did not start a new line


@pytest.mark.parametrize("title", ["C:\\Nghị quyết\\Năm 2023", "\\N", "a\\\\Nb\\n"])
def test_backslash_n_is_not_a_line_break(tmp_path: Path, title: str) -> None:
    # icalendar's own escaping turns backslash + N into a line break; ours keeps it.
    tracker = tracker_of(plan_of([task("1", title)]))
    cal = read(export(tracker, tmp_path))
    assert text(by_uid(cal)["p.1.todo@tuyentruyen"], "SUMMARY") == f"1. {title}"
    assert ics_bytes(tracker, options()) == build_calendar(tracker, options()).to_ical()


def test_nasty_unit_name_and_cancelled_task(tmp_path: Path) -> None:
    plan = Plan(
        id="p",
        title="Kế hoạch; thử, nghiệm\\",
        issuer="b",
        units=[Unit("a", "Phòng A; B, C\nD"), Unit("b", "Ban B")],
        tasks=[task("1"), task("2")],
    )
    tracker = tracker_of(plan)
    tracker.fire("2", "cancel", actor="b", at=datetime(2023, 4, 1), note="Không còn phù hợp")
    cal = read(export(tracker, tmp_path))
    assert text(cal, "X-WR-CALNAME") == "Kế hoạch; thử, nghiệm\\"
    found = by_uid(cal)
    assert "Đơn vị chủ trì: Phòng A; B, C\nD" in text(found["p.1.todo@tuyentruyen"], "DESCRIPTION")
    cancelled = found["p.2.todo@tuyentruyen"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert not cancelled.walk("VALARM")
    assert str(found["p.2.window@tuyentruyen"]["STATUS"]) == "CANCELLED"
    assert "STATUS" not in found["p.1.window@tuyentruyen"]


def test_same_bytes_twice(demo: Tracker, tmp_path: Path, demo_file: Path) -> None:
    again = export(demo, tmp_path, "again.ics")
    assert again.read_bytes() == demo_file.read_bytes()
    assert ics_bytes(demo, options()) == demo_file.read_bytes()


@pytest.mark.parametrize(
    "more",
    [
        {},
        {"lang": "en"},
        {"unit": "tt-th"},
        {"at": datetime(2023, 4, 20, 12), "alarm_days": "5,1"},
        {"alarm_days": "off"},
    ],
)
def test_writer_matches_icalendar(demo: Tracker, more: dict[str, object]) -> None:
    opts = options(**more)  # type: ignore[arg-type]
    assert ics_bytes(demo, opts) == build_calendar(demo, opts).to_ical()


# Any text but surrogates (not encodable) and carriage returns (iCalendar has only one
# kind of line break: CR and CRLF come back as LF).
TITLES = st.one_of(
    st.text(
        st.characters(blacklist_categories=["Cs"], blacklist_characters="\r"),
        min_size=1,
        max_size=120,
    ),
    # The characters iCalendar escapes, with "N" and "n" after backslashes.
    st.text(alphabet='\\Nn;,:"\n <>=|đĐ', min_size=1, max_size=40),
).filter(lambda s: s.strip() != "")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=TITLES, unit=TITLES)
def test_any_title_round_trips(title: str, unit: str) -> None:
    plan = Plan(
        id="p",
        title=title,
        issuer="b",
        units=[Unit("a", unit), Unit("b", "Ban B")],
        tasks=[task("1", title, window=Window(date(2023, 3, 1), date(2023, 3, 31)))],
    )
    tracker = tracker_of(plan)
    data = ics_bytes(tracker, options())
    assert data == build_calendar(tracker, options()).to_ical()
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")
    cal = Calendar.from_ical(data)
    assert text(cal, "X-WR-CALNAME") == title
    found = by_uid(cal)
    assert text(found["p.1.todo@tuyentruyen"], "SUMMARY") == f"1. {title}"
    assert text(found["p.1.window@tuyentruyen"], "SUMMARY") == f"Thực hiện: 1. {title}"
    assert f"Đơn vị chủ trì: {unit}\n" in text(found["p.1.todo@tuyentruyen"], "DESCRIPTION")


@settings(max_examples=30, deadline=None)
@given(
    title=st.text(alphabet="aăâeêioôơuưyđẠỳỹẫẬệ ,;\\\n", min_size=60, max_size=200).map(
        lambda s: unicodedata.normalize("NFC", "x" + s)
    )
)
def test_vietnamese_stays_nfc_across_folds(title: str) -> None:
    tracker = tracker_of(plan_of([task("1", title)]))
    cal = Calendar.from_ical(ics_bytes(tracker, options()))
    summary = text(by_uid(cal)["p.1.todo@tuyentruyen"], "SUMMARY")
    assert summary == f"1. {title}"
    assert unicodedata.is_normalized("NFC", summary)
