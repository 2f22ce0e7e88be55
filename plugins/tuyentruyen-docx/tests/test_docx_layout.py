"""The layout of Nghị định 30/2020/NĐ-CP and Hướng dẫn 36-HD/VPTW, read back."""

from __future__ import annotations

from datetime import date
from typing import Any

import docx_testing
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx_testing import (
    all_paragraphs,
    effective,
    header_cells,
    points,
    report,
    texts,
)
from tuyentruyen_docx import date_line, detect_body

from tuyentruyen import Plan, Unit

demo = docx_testing.demo  # the shared fixture

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


@pytest.mark.parametrize("body", ["party", "state"])
def test_a4_with_margins_within_the_rules(demo: Any, body: str) -> None:
    (section,) = report(demo, body=body).sections
    assert section.page_width is not None
    assert section.page_height is not None
    assert round(section.page_width.mm) == 210
    assert round(section.page_height.mm) == 297
    margins = (section.top_margin, section.bottom_margin, section.left_margin)
    assert all(m is not None for m in margins)
    assert section.right_margin is not None
    assert 20 <= round(section.top_margin.mm, 1) <= 25  # type: ignore[union-attr]
    assert 20 <= round(section.bottom_margin.mm, 1) <= 25  # type: ignore[union-attr]
    assert 30 <= round(section.left_margin.mm, 1) <= 35  # type: ignore[union-attr]
    assert 15 <= round(section.right_margin.mm, 1) <= 20


def test_times_new_roman_and_body_text_of_14_points(demo: Any) -> None:
    doc = report(demo)
    normal: Any = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14
    # Every script, so Vietnamese is not set in a fallback font.
    fonts = normal.element.rPr.rFonts
    assert {
        fonts.get(f"{{{fonts.nsmap['w']}}}{k}") for k in ("ascii", "hAnsi", "cs", "eastAsia")
    } == {"Times New Roman"}
    body = [p for p in doc.paragraphs if p.style.name.startswith("Report ") and p.text]
    assert len(body) > 50
    for p in body:
        assert effective(p, "name") == "Times New Roman"
        assert 13 <= points(effective(p, "size")) <= 14  # type: ignore[operator]
    for p in all_paragraphs(doc):
        for r in p.runs:
            assert r.font.name in (None, "Times New Roman")


def test_place_and_date_line(demo: Any) -> None:
    _, right = header_cells(report(demo))
    (line,) = [p for p in right if p.text.startswith("Quảng Ninh")]
    assert line.text == "Quảng Ninh, ngày 31 tháng 10 năm 2023"
    assert all(r.italic for r in line.runs)


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("05/01/2024", "Hạ Long, ngày 05 tháng 01 năm 2024"),
        ("8/9/2023", "Hạ Long, ngày 08 tháng 9 năm 2023"),
        ("28/02/2024", "Hạ Long, ngày 28 tháng 02 năm 2024"),
        ("1/12/2023", "Hạ Long, ngày 01 tháng 12 năm 2023"),
    ],
)
def test_date_option_with_the_leading_zeros_of_the_rule(
    demo: Any, option: str, expected: str
) -> None:
    _, right = header_cells(report(demo, date=option, place="Hạ Long"))
    assert expected in [p.text for p in right]


def test_date_line_function() -> None:
    assert date_line("Quảng Ninh", date(2023, 9, 15)) == "Quảng Ninh, ngày 15 tháng 9 năm 2023"
    assert date_line("", date(2023, 2, 3)) == "ngày 03 tháng 02 năm 2023"
    assert date_line("Quảng Ninh", date(2023, 9, 15), "en") == "Quảng Ninh, 15 Sep 2023"


def test_the_seed_plan_is_a_party_report(demo: Any) -> None:
    left, right = header_cells(report(demo))
    assert [p.text for p in left] == [
        "ĐẢNG BỘ TỈNH QUẢNG NINH",
        "BAN TUYÊN GIÁO TỈNH ỦY",
        "*",
        "Số       -BC/BTGTU",
    ]
    assert left[1].runs[0].bold
    assert not left[0].runs[0].bold
    assert right[0].text == PARTY
    assert right[0].runs[0].bold
    assert not any(m in p.text for p in right for m in MOTTO)


def test_body_state_gives_the_national_motto(demo: Any) -> None:
    left, right = header_cells(report(demo, body="state", number="15"))
    assert [p.text for p in right[:2]] == list(MOTTO)
    assert all(p.runs[0].bold for p in right[:2])
    assert PARTY not in [p.text for p in right]
    assert [p.text for p in left] == [
        "UBND TỈNH QUẢNG NINH",
        "BAN TUYÊN GIÁO TỈNH ỦY",
        "Số: 15/BC-BTGTU",
    ]
    assert "*" not in [p.text for p in left]


@pytest.mark.parametrize(
    ("options", "line"),
    [
        ({"number": "12"}, "Số 12-BC/BTGTU"),
        ({"number": "12-BC/TU"}, "Số 12-BC/TU"),
        ({"body": "state"}, "Số:       /BC-BTGTU"),
        ({"body": "state", "number": "7/BC-STTTT"}, "Số: 7/BC-STTTT"),
    ],
)
def test_number_line(demo: Any, options: dict[str, str], line: str) -> None:
    left, _ = header_cells(report(demo, **options))
    assert line in [p.text for p in left]


def test_superior_option(demo: Any) -> None:
    left, _ = header_cells(report(demo, superior="Tỉnh ủy Quảng Ninh"))
    assert left[0].text == "TỈNH ỦY QUẢNG NINH"
    left, _ = header_cells(report(demo, superior=""))
    assert left[0].text == "BAN TUYÊN GIÁO TỈNH ỦY"


def test_title_and_moment(demo: Any) -> None:
    doc = report(demo)
    found = texts(doc)
    i = found.index("BÁO CÁO")
    title = doc.paragraphs[i]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold
    assert found[i + 1] == f"Tiến độ thực hiện {demo.plan.title}"
    assert doc.paragraphs[i + 1].runs[0].bold
    assert found[i + 2] == "(tính đến ngày 31/10/2023)"
    assert (
        found.index("I. TỔNG HỢP TÌNH HÌNH THỰC HIỆN")
        < found.index("II. KẾT QUẢ THỰC HIỆN TỪNG NHIỆM VỤ")
        < found.index("III. CÁC NHIỆM VỤ QUÁ HẠN")
    )


def test_recipients_and_signer(demo: Any) -> None:
    doc = report(demo)
    left, right = doc.tables[-1].rows[0].cells
    label, *names = left.paragraphs
    assert label.text == "Nơi nhận:"
    assert label.runs[0].bold
    assert label.runs[0].italic
    assert [p.text for p in names] == ["- Phòng Tuyên truyền - Báo chí - Xuất bản;", "- Lưu VT."]
    assert all(11 <= p.runs[0].font.size.pt <= 12 for p in names)  # type: ignore[union-attr]
    signed = [p for p in right.paragraphs if p.text]
    assert [p.text for p in signed] == ["TRƯỞNG BAN", "Nguyễn Hồng Dương"]
    assert all(p.runs[0].bold for p in signed)
    state = report(demo, body="state", signer_title="kt. trưởng ban\nphó trưởng ban")
    left, right = state.tables[-1].rows[0].cells
    assert left.paragraphs[-1].text == "- Lưu: VT."
    assert right.paragraphs[0].text == "KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN"
    other = report(demo, signer_name="Trần Văn A")
    assert "Trần Văn A" in [p.text for p in other.tables[-1].rows[0].cells[1].paragraphs]


def test_page_numbers_from_the_second_page(demo: Any) -> None:
    (section,) = report(demo).sections
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_english_headings(demo: Any) -> None:
    doc = report(demo, lang="en")
    found = texts(doc)
    for heading in ("REPORT", "I. SUMMARY", "II. PROGRESS OF EACH TASK", "III. OVERDUE TASKS"):
        assert heading in found
    assert "(as of 31 Oct 2023)" in found
    _, right = header_cells(doc)
    assert [p.text for p in right] == ["COMMUNIST PARTY OF VIETNAM", "Quảng Ninh, 31 Oct 2023"]


def test_the_layout_follows_the_issuer() -> None:
    def plan(name: str, reference: str | None = None) -> Plan:
        return Plan("p", "t", "x", [Unit("x", name)], [], reference=reference)

    assert detect_body(plan("Ban Tuyên giáo Tỉnh ủy")) == "party"
    assert detect_body(plan("Huyện ủy Tiên Yên")) == "party"
    assert detect_body(plan("Đảng ủy Khối các cơ quan tỉnh")) == "party"
    assert detect_body(plan("Ban Tuyên giáo Tỉnh uỷ")) == "party"  # the old accent placement
    assert detect_body(plan("Ủy ban nhân dân tỉnh Quảng Ninh")) == "state"
    assert detect_body(plan("Sở Thông tin và Truyền thông", "19/KH-UBND")) == "state"
    assert detect_body(plan("Văn phòng", "76-KH/BTGTU")) == "party"


def test_a_state_issuer_gets_the_state_layout_by_default(demo: Any) -> None:
    import attrs

    from tuyentruyen import Tracker

    units = [
        attrs.evolve(u, name="Sở Tư pháp", short="STP") if u.id == demo.plan.issuer else u
        for u in demo.plan.units
    ]
    plan = attrs.evolve(demo.plan, units=units)
    tracker = Tracker.replay(plan, demo.events, clock=demo.clock)
    left, right = header_cells(report(tracker))
    assert [p.text for p in right[:2]] == list(MOTTO)
    assert [p.text for p in left] == [
        "UBND TỈNH QUẢNG NINH",
        "SỞ TƯ PHÁP",
        "Số:       /BC-STP",
    ]
