"""Property: any title, unit name, note or data text comes back as written, less only
what XML cannot hold (``clean_text``: C0 controls but tab and line feed, U+FFFE,
U+FFFF; line ends become line feeds)."""

from __future__ import annotations

from datetime import date, datetime

from docx_testing import moment, read, render, rows, texts
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tuyentruyen_docx import clean_text

from tuyentruyen import FixedClock, Plan, ReportingRule, Task, Tracker, Unit, Window

# Any text, controls and astral characters included (lone surrogates cannot be
# encoded in UTF-8, so no document or plan file holds one).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40)


def tracker_with(plan_title: str, task_title: str, unit_name: str, note: str) -> Tracker:
    plan = Plan(
        id="p",
        title=plan_title,
        issuer="btg",
        place="Quảng Ninh",
        units=[Unit("btg", "Ban Tuyên giáo Tỉnh ủy"), Unit("u1", unit_name)],
        tasks=[Task(id="1", title=task_title, lead="u1", window=Window(date(2023, 1, 1), None))],
        reporting=[ReportingRule(to="btg")],
    )
    assume(not plan.problems)
    tracker = Tracker(plan, clock=FixedClock(datetime(2023, 12, 31)))
    tracker.fire("1", "issue", actor="u1", at=datetime(2023, 1, 2))
    tracker.fire("1", "start", actor="u1", at=datetime(2023, 1, 3))
    tracker.fire("1", "report", actor="u1", at=datetime(2023, 1, 4), note=note, data={"k": note})
    return tracker


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_title=TEXT, task_title=TEXT, unit_name=TEXT, note=TEXT)
def test_texts_round_trip(plan_title: str, task_title: str, unit_name: str, note: str) -> None:
    assume(unit_name.strip() and task_title.strip() and plan_title.strip())
    tracker = tracker_with(plan_title, task_title, unit_name, note)
    doc = read(render(tracker, moment(1, 2, 2023)))
    found = texts(doc)
    assert f"Tiến độ thực hiện {clean_text(plan_title)}" in found
    assert f"1. {clean_text(task_title)}" in found
    assert f"- Đơn vị chủ trì: {clean_text(unit_name)}" in found
    assert f"- Báo cáo ngày 4/1/2023: {clean_text(note)}" in found
    assert f"+ k: {clean_text(note)}" in found
    summary = rows(doc.tables[1])
    assert summary[1][1] == clean_text(unit_name)


@given(TEXT)
def test_clean_text_keeps_what_xml_holds(text: str) -> None:
    cleaned = clean_text(text)
    assert "\r" not in cleaned
    assert all(c in "\t\n" or ord(c) >= 0x20 for c in cleaned)
    assert clean_text(cleaned) == cleaned
    kept = list(text.replace("\r\n", "\n").replace("\r", "\n"))
    assert len(cleaned) == sum(
        1 for c in kept if c in "\t\n" or (ord(c) >= 0x20 and c not in "\ufffe\uffff")
    )
