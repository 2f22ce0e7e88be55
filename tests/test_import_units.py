"""The importer's unit table (tuyentruyen.importer.units) and the name abbreviations.

The seed tests read shared/seed/ke-hoach-tuyen-truyen-60-nam-quang-ninh.md and check
that its "Đơn vị phối hợp" / "Đơn vị chủ trì tham mưu" lines give exactly the units
and groups examples/quang-ninh-60-nam.yaml encodes for each task.
"""

from __future__ import annotations

import itertools
import json
import re
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyentruyen import Plan, Unit, load_plan
from tuyentruyen.errors import PlanError
from tuyentruyen.importer.units import (
    UnitTable,
    is_unit_name,
    load_units_file,
    near_duplicate,
    split_unit_list,
    unit_id_for,
)
from tuyentruyen.names import normalize_name
from tuyentruyen.testing._names import all_base_names
from tuyentruyen.testing.strategies import unit_name_spellings, unit_names

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "quang-ninh-60-nam.yaml"
SEED_NAME = "ke-hoach-tuyen-truyen-60-nam-quang-ninh.md"
#: The repository's verbatim copy of the seed document.
SEED_CANDIDATES = (ROOT / "examples" / "ke-hoach-60-nam-quang-ninh.md",)
#: The seed's assignments, in order: 1.4 (shared by 1.1-1.3), then 2.1-2.7, 3.1-3.7.
SEED_TASKS = ["1.1", *(f"2.{i}" for i in range(1, 8)), *(f"3.{i}" for i in range(1, 8))]
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

VHDLXH = "Phòng Văn hóa và Dư luận xã hội"


def _seed_lines() -> list[str]:
    for path in SEED_CANDIDATES:
        if path.exists():
            return path.read_text(encoding="utf-8").splitlines()
    pytest.fail(f"seed plan not found; looked at {[str(p) for p in SEED_CANDIDATES]}")


@pytest.fixture(scope="module")
def example() -> Plan:
    return load_plan(EXAMPLE)


def _assignments(label: str) -> list[tuple[int, str]]:
    """(line, value) of every "- Đơn vị <label>: value" line of the seed, in order."""
    pattern = re.compile(rf"^-\s*Đơn vị {label}:\s*(.*)$")
    found = []
    for number, line in enumerate(_seed_lines(), 1):
        m = pattern.match(unicodedata.normalize("NFC", line.strip()))
        if m:
            found.append((number, m.group(1)))
    return found


# --- the seed ---------------------------------------------------------------------------


def test_seed_support_lines_give_the_example_support(example: Plan) -> None:
    lines = _assignments("phối hợp")
    assert len(lines) == len(SEED_TASKS)
    tasks = {t.id: t for t in example.tasks}
    table = UnitTable(known=example.units)
    for task_id, (line, text) in zip(SEED_TASKS, lines, strict=True):
        names, groups = split_unit_list(text)
        support = tuple(table.resolve(n, line) for n in names)
        assert (task_id, support) == (task_id, tasks[task_id].support)
        assert (task_id, tuple(groups)) == (task_id, tasks[task_id].support_other)
    # 1.2 and 1.3 carry 1.4's assignment too
    assert tasks["1.2"].support == tasks["1.3"].support == tasks["1.1"].support
    assert table.findings() == []
    known = {u.id: u for u in example.units}
    assert all(u == known[u.id] for u in table.units())


def test_seed_lead_lines_give_the_example_leads(example: Plan) -> None:
    lines = _assignments("chủ trì tham mưu")
    assert len(lines) == len(SEED_TASKS)
    tasks = {t.id: t for t in example.tasks}
    table = UnitTable(known=example.units)
    for task_id, (line, text) in zip(SEED_TASKS, lines, strict=True):
        names, groups = split_unit_list(text)
        assert (names, groups) == ([text.rstrip(".")], [])
        assert (task_id, table.resolve(names[0], line)) == (task_id, tasks[task_id].lead)
    assert table.findings() == []


def test_seed_without_a_unit_table_flags_the_typo_once_per_spelling() -> None:
    table = UnitTable()
    seen: dict[str, list[int]] = {}
    for label in ("chủ trì tham mưu", "phối hợp"):
        for line, text in _assignments(label):
            for name in split_unit_list(text)[0]:
                seen.setdefault(table.resolve(name, line), []).append(line)
    units = {u.id: u for u in table.units()}
    # The seed spells Phòng Văn hóa và Dư luận xã hội wrongly twice: "Du lịch" (2.5,
    # first) and "Dự luận" (3.6, 3.7): one unit, named by its first spelling.
    vh = units["phong-vhdlxh"]
    assert vh.name == "Phòng Văn hóa và Du lịch xã hội"
    assert vh.aliases == ("Phòng Văn hóa và Dự luận xã hội",)
    [finding] = table.findings()
    du_lich_line = min(seen["phong-vhdlxh"])
    assert finding.kind == "unit"
    assert finding.text == "Phòng Văn hóa và Dự luận xã hội"
    assert finding.suggestion == "Phòng Văn hóa và Du lịch xã hội"
    assert finding.line is not None
    assert finding.line > du_lich_line
    rendered = finding.render("en")
    assert f"line {finding.line}: " in rendered
    assert f"(line {du_lich_line})" in rendered
    assert "also on line " in rendered  # 3.7
    assert "Dự luận" in finding.message_vi
    assert f"dòng {du_lich_line}" in finding.message_vi
    # Every other unit of the seed is distinct, with the ids the rule gives.
    assert set(units) == {
        "phong-tt-bc-xb",
        "phong-tt-th",
        "phong-vhdlxh",
        "phong-llctlsd",
        "so-tttt",
        "so-vhtt",
        "ub-mttq",
        "tttt-tinh",
        "hnb-tinh",
        "hvhnt-tinh",
        "btk-tccs",
        "ttttcttg-btgtw",
        "vlsd-hvctqghcm",
    }


def test_a_typo_of_a_known_unit_resolves_to_it_with_a_finding() -> None:
    table = UnitTable(known=[Unit("vh-dlxh", VHDLXH), Unit("tt-th", "Phòng Thông tin - Tổng hợp")])
    assert table.resolve("Phòng Văn hóa và Du lịch xã hội", 57) == "vh-dlxh"
    [finding] = table.findings()
    assert finding.line == 57
    assert finding.suggestion == VHDLXH
    assert "the unit table" in finding.message
    assert "bảng đơn vị" in finding.message_vi
    assert table.units() == (Unit("vh-dlxh", VHDLXH, aliases=("Phòng Văn hóa và Du lịch xã hội",)),)
    assert table.units(unused_known=True)[1] == Unit("tt-th", "Phòng Thông tin - Tổng hợp")


def test_a_typo_after_the_known_name_was_seen_cites_that_line() -> None:
    table = UnitTable(known=[Unit("vh-dlxh", VHDLXH)])
    assert table.resolve("phòng Văn hoá và Dư luận xã hội", 20) == "vh-dlxh"
    assert table.resolve("Phòng Văn hóa và Dự luận xã hội", 31) == "vh-dlxh"
    [finding] = table.findings()
    assert (finding.line, finding.suggestion) == (31, VHDLXH)
    assert "(line 20)" in finding.message


# --- near-duplicates --------------------------------------------------------------------

TYPOS = [
    ("Phòng Văn hóa và Du lịch xã hội", VHDLXH),
    ("Phòng Văn hóa và Dự luận xã hội", VHDLXH),
    ("Trung tâm Truyền thống tỉnh", "Trung tâm Truyền thông tỉnh"),
    ("Sở Thông tin và Truyền thôn", "Sở Thông tin và Truyền thông"),
    ("Hội Văn học nghệ thật tỉnh", "Hội Văn học nghệ thuật tỉnh"),
    ("Phòng Tuyên truyền - Báo trí - Xuất bản", "Phòng Tuyên truyền - Báo chí - Xuất bản"),
    ("Phòng Lý luận chính trị và Lịch sữ Đảng", "Phòng Lý luận chính trị và Lịch sử Đảng"),
    ("Ban Tuyen giao Tinh uy", "Ban Tuyên giáo Tỉnh ủy"),
    ("Sở Tài nguyên và Môi truờng", "Sở Tài nguyên và Môi trường"),
]
DIFFERENT = [
    ("Sở Văn hóa và Thể thao", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở Văn hóa và Thể thao", "Sở Văn hóa - Thể thao"),
    ("Sở Nội vụ", "Sở Ngoại vụ"),
    ("Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo Trung ương"),
    ("Ban Dân vận Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"),
    ("Hội Nhà báo tỉnh", "Hội Nhà báo huyện Vân Đồn"),
    ("Hội Nhà báo huyện Hải Hà", "Hội Nhà báo huyện Đầm Hà"),
    ("Trung tâm Văn hóa - Thông tin huyện Tiên Yên", "Trung tâm Văn hóa - Thể thao huyện Tiên Yên"),
    ("Phòng Văn hóa và Thông tin", "Phòng Văn hóa và Thể thao"),
    ("Phòng Tuyên truyền - Báo chí - Xuất bản", "Phòng Tuyên truyền - Báo chí - Phát hành"),
    ("Huyện ủy Hải Hà", "Huyện ủy Đầm Hà"),
    ("Trường THPT số 1", "Trường THPT số 2"),
    ("Trường Trung học cơ sở Lê Lợi", "Trường Trung học cơ sở Lê Lai"),
    ("Trường Trung học phổ thông Hòn Gai", "Trường Trung học phổ thông Bãi Cháy"),
    ("Phòng Khoa giáo", "Phòng Khoa học"),
    ("Sở Giáo dục và Đào tạo", "Phòng Giáo dục và Đào tạo"),
    ("Ủy ban nhân dân tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
    ("Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng Hội đồng nhân dân tỉnh"),
    ("Hội Cựu chiến binh tỉnh", "Hội Cựu giáo chức tỉnh"),
    ("Ủy ban MTTQ", "Ủy ban MTTQ tỉnh"),
    ("Trung tâm Truyền thông tỉnh", "Trung tâm Truyền thông huyện"),
    ("Ban Tuyên giáo Huyện ủy Tiên Yên", "Ban Tuyên giáo Huyện ủy Hải Hà"),
    ("Cục Thuế tỉnh", "Cục Hải quan tỉnh"),
    (VHDLXH, "Phòng Văn hóa và Dư luận"),
]


@pytest.mark.parametrize(("typo", "name"), TYPOS)
def test_typos_are_read_as_the_unit_with_a_finding(typo: str, name: str) -> None:
    assert near_duplicate(typo, name)
    assert near_duplicate(name, typo)
    table = UnitTable()
    first = table.resolve(name, 10)
    assert table.resolve(typo, 12) == first
    [finding] = table.findings()
    assert (finding.line, finding.text, finding.suggestion) == (12, typo, name)
    assert [u.aliases for u in table.units()] == [(typo,)]


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_units_are_not_merged_nor_flagged(a: str, b: str) -> None:
    assert not near_duplicate(a, b)
    assert not near_duplicate(b, a)
    table = UnitTable()
    assert table.resolve(a, 1) != table.resolve(b, 2)
    assert table.findings() == []


def test_no_two_names_of_the_testing_vocabulary_are_near_duplicates() -> None:
    names = all_base_names()
    flagged = [(a, b) for a, b in itertools.combinations(names, 2) if near_duplicate(a, b)]
    assert flagged == []
    table = UnitTable()
    ids = [table.resolve(n, i) for i, n in enumerate(names, 1)]
    assert len(set(ids)) == len(names)
    assert table.findings() == []


def test_spellings_normalize_name_merges_are_silent() -> None:
    table = UnitTable()
    first = table.resolve("Ủy ban Mặt trận Tổ quốc tỉnh", 1)
    for spelling in ("Ủy ban MTTQ tỉnh", "UBMTTQ tỉnh", "UỶ BAN MẶT TRẬN TỔ QUỐC TỈNH."):
        assert table.resolve(spelling, 2) == first
    assert table.findings() == []
    assert table.units() == (Unit(first, "Ủy ban Mặt trận Tổ quốc tỉnh"),)


# --- ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Phòng Tuyên truyền - Báo chí - Xuất bản", "phong-tt-bc-xb"),
        ("Sở Thông tin và Truyền thông", "so-tttt"),
        ("Sở TT&TT", "so-tttt"),
        ("Trung tâm Truyền thông tỉnh", "tttt-tinh"),
        ("UBND tỉnh", "ubnd-tinh"),
        ("Ủy ban nhân dân tỉnh", "ubnd-tinh"),
        ("Ủy ban nhân dân thành phố Hạ Long", "ubnd-tp-hl"),
        ("Ban Thường vụ Tỉnh ủy", "btv-tu"),
        ("Tỉnh ủy", "tinh-uy"),
        ("Đảng ủy Khối các cơ quan tỉnh", "dukccq-tinh"),
        ("Trường THPT số 12", "t-thpt-s12"),
        ("...", "dv"),
        ("Phòng Văn hóa và Dư luận xã hội (VH-DLXH)", "phong-vhdlxh"),
    ],
)
def test_unit_ids(name: str, expected: str) -> None:
    assert unit_id_for(name) == expected


def test_ids_are_capped_and_made_unique() -> None:
    long = "Viện Nghiên cứu Văn hóa Lịch sử Chính trị Kinh tế Xã hội Quốc phòng An ninh Biển đảo"
    assert len(unit_id_for(long)) <= 24
    taken = {unit_id_for(long)}
    second = unit_id_for(long, taken)
    assert second.endswith("-2")
    assert len(second) <= 24
    assert unit_id_for(long, {*taken, second}).endswith("-3")


def test_new_ids_avoid_known_ids() -> None:
    table = UnitTable(known=[Unit("so-tttt", "Sở Tư pháp")])
    assert table.resolve("Sở Thông tin và Truyền thông", 3) == "so-tttt-2"
    assert table.resolve("Sở Tư pháp", 4) == "so-tttt"
    assert [u.id for u in table.units()] == ["so-tttt-2", "so-tttt"]


def test_first_spelling_names_the_unit_capitalised() -> None:
    table = UnitTable()
    unit_id = table.resolve("phòng Thông tin - Tổng hợp.", 5)
    assert table.resolve("Phòng Thông tin – Tổng hợp", 6) == unit_id
    assert table.units() == (Unit(unit_id, "Phòng Thông tin - Tổng hợp"),)


@given(unit_names(), st.data())
def test_every_spelling_resolves_to_the_name_s_id(name: str, data: st.DataObject) -> None:
    table = UnitTable()
    unit_id = table.resolve(name, 1)
    spellings = data.draw(st.lists(unit_name_spellings(name), min_size=1, max_size=3))
    assert [table.resolve(s, 2) for s in spellings] == [unit_id] * len(spellings)
    assert table.findings() == []
    assert len(table.units()) == 1


@given(st.lists(unit_names(), min_size=1, max_size=12, unique=True))
def test_ids_are_unique_ascii_short_and_deterministic(names: list[str]) -> None:
    first, second = UnitTable(), UnitTable()
    ids = [first.resolve(n, i) for i, n in enumerate(names)]
    assert [second.resolve(n, i) for i, n in enumerate(names)] == ids
    assert len(set(ids)) == len(ids)
    assert all(ID.match(i) and len(i) <= 24 for i in ids)
    assert [u.id for u in first.units()] == ids


@given(st.lists(st.text(max_size=40), max_size=8))
def test_resolve_takes_any_text(names: list[str]) -> None:
    table = UnitTable(known=[Unit("tt-bc-xb", "Phòng Tuyên truyền - Báo chí - Xuất bản")])
    ids = [table.resolve(n, i) for i, n in enumerate(names, 1)]
    assert all(ID.match(i) and len(i) <= 24 for i in ids)
    assert len({u.id for u in table.units()}) == len(table.units())
    table.findings()


# --- split_unit_list --------------------------------------------------------------------


MTTQ_GROUP = "Ủy ban MTTQ và các tổ chức chính trị - xã hội tỉnh"
CUC = "Cục Báo chí, Bộ Thông tin và Truyền thông"
BCH = "Bộ Chỉ huy Quân sự tỉnh"
HNB, HVHNT = "Hội Nhà báo", "Hội Văn học nghệ thuật tỉnh"
VHTT, PTTH = "Sở Văn hóa và Thể thao", "Đài Phát thanh và Truyền hình tỉnh"
VHTTDL = "Sở Văn hóa, Thể thao và Du lịch"
BTGTU = "Ban Tuyên giáo Tỉnh ủy"
TTTT = "Trung tâm Truyền thông tỉnh"


@pytest.mark.parametrize(
    ("text", "names", "groups"),
    [
        # "và" before a unit, or before a group after a unit, splits; inside a name not
        (MTTQ_GROUP, ["Ủy ban MTTQ"], ["các tổ chức chính trị - xã hội tỉnh"]),
        (f"{HNB} và {HVHNT}", [HNB, HVHNT], []),
        ("các phòng và Sở Giáo dục và Đào tạo", ["Sở Giáo dục và Đào tạo"], ["các phòng"]),
        (f"{VHTT}; {PTTH}", [VHTT, PTTH], []),
        # a capitalised continuation stays in the name; a part of a larger body too
        (f"{VHTTDL}; Sở Y tế", [VHTTDL, "Sở Y tế"], []),
        (f"{CUC}; {TTTT}, {BCH}", [CUC, TTTT, BCH], []),
        # groups absorb what follows them up to the next unit or ";"
        ("các sở, ban, ngành, Sở Nội vụ", ["Sở Nội vụ"], ["các sở, ban, ngành"]),
        ("Sở Y tế, đơn vị liên quan", ["Sở Y tế"], ["đơn vị liên quan"]),
        # parentheses: examples come after their group; a short name is dropped; a note kept
        ("các sở (Sở A, Sở B...), ngành liên quan", ["Sở A", "Sở B"], ["các sở, ngành liên quan"]),
        (f"{BTGTU} (BTGTU), Sở Y tế (đầu mối)", [BTGTU, "Sở Y tế"], ["(đầu mối)"]),
        ("(Sở A; các huyện)", ["Sở A"], ["các huyện"]),
        # "and so on", stray punctuation, unbalanced parentheses
        ("Sở Y tế, Sở Tư pháp, v.v.", ["Sở Y tế", "Sở Tư pháp"], []),
        ("Sở Y tế…; ; ,", ["Sở Y tế"], []),
        ("Sở Y tế (Phòng A, Phòng B", ["Sở Y tế", "Phòng A", "Phòng B"], []),
        ("Sở Y tế) , Sở Tư pháp", ["Sở Y tế", "Sở Tư pháp"], []),
        ("", [], []),
    ],
)
def test_split_unit_list(text: str, names: list[str], groups: list[str]) -> None:
    assert split_unit_list(text) == (names, groups)


def test_split_unit_list_reads_nfd_as_nfc() -> None:
    text = "Các phòng thuộc Ban; Trung tâm Truyền thông tỉnh"
    assert split_unit_list(unicodedata.normalize("NFD", text)) == split_unit_list(text)
    assert split_unit_list(text) == (["Trung tâm Truyền thông tỉnh"], ["Các phòng thuộc Ban"])


@given(st.text(alphabet=st.sampled_from("Sở Y tế,;()và các.…\n\t -ABCđ"), max_size=60) | st.text())
def test_split_unit_list_takes_any_text(text: str) -> None:
    names, groups = split_unit_list(text)
    for item in (*names, *groups):
        assert item
        assert item == item.strip()
        assert not item.endswith((".", ",", ";", "…"))


# --- is_unit_name -----------------------------------------------------------------------


def test_is_unit_name_on_the_seed(example: Plan) -> None:
    for unit in example.units:
        assert is_unit_name(unit.name), unit.name
        for alias in unit.aliases:
            assert is_unit_name(alias), alias
    for task in example.tasks:
        for group in task.support_other:
            assert not is_unit_name(group), group
    recipients = {r: is_unit_name(r) for r in example.recipients}
    assert recipients == {
        "Thường trực Tỉnh ủy (báo cáo)": True,
        "Văn phòng Tỉnh ủy": True,
        "Thường trực các huyện, thị, thành ủy, đảng bộ trực thuộc Tỉnh ủy, Ủy ban MTTQ và "
        "các tổ chức CT-XH tỉnh": False,
        # a list of units: split_unit_list's business, not is_unit_name's
        "Sở Văn hóa và Thể thao, Sở Thông tin và Truyền thông, Trung tâm Truyền thông tỉnh, "
        "Hội Văn học nghệ thuật tỉnh, Hội Nhà báo tỉnh": True,
        "Ban tuyên giáo, ban tuyên huấn các huyện, thị, thành ủy, đảng bộ trực thuộc Tỉnh "
        "ủy, Ủy ban MTTQ và các tổ chức CT-XH tỉnh": False,
        "Các đồng chí Lãnh đạo Ban": False,
        "Các phòng chuyên môn BTGTU": False,
        "Lưu BTGTU": False,
    }


@pytest.mark.parametrize(
    "text",
    [
        "phòng Thông tin - Tổng hợp",
        "Sở TT&TT",
        "UBND tỉnh",
        "BTGTU",
        "Công an tỉnh",
        "Tỉnh đoàn",
        "Đảng ủy Khối các cơ quan tỉnh",
        "Bộ Chỉ huy Quân sự tỉnh",
        "Liên đoàn Lao động tỉnh",
        "Báo Quảng Ninh",
        "Đài Truyền thanh huyện Cô Tô",
        "Học viện Chính trị Quốc gia Hồ Chí Minh",
        "Trường THPT số 1",
        "Sở Văn hóa và Thể thao...",
        unicodedata.normalize("NFD", "Ủy ban Mặt trận Tổ quốc tỉnh"),
    ],
)
def test_unit_names(text: str) -> None:
    assert is_unit_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "Hội nghị Báo cáo viên Trung ương khu vực phía Bắc tại Quảng Ninh",
        "Hội thảo khoa học",
        "Báo cáo viên",
        "Ban hành Kế hoạch",
        "Thời gian thực hiện: Tháng 5/2023",
        "Tuyên truyền, lan tỏa",
        "ban tuyên giáo",
        "thành ủy",
        "Sở",
        "Phòng chuyên môn",
        "Các phòng chuyên môn BTGTU",
        "Các đồng chí Lãnh đạo Ban",
        "Thường trực các huyện, thị, thành ủy, đảng bộ trực thuộc Tỉnh ủy",
        "Sở, ngành liên quan",
        "Ủy ban MTTQ và các tổ chức chính trị - xã hội tỉnh",
        "",
        "   ",
    ],
)
def test_not_unit_names(text: str) -> None:
    assert not is_unit_name(text)


# --- load_units_file --------------------------------------------------------------------


def test_load_units_file_reads_a_plan_file(example: Plan) -> None:
    assert load_units_file(EXAMPLE) == example.units
    assert load_units_file(str(EXAMPLE)) == example.units


_TWO_UNITS = [
    {"id": "so-tttt", "name": "Sở Thông tin và Truyền thông", "short": "TT&TT"},
    {"id": "hnb", "name": "Hội Nhà báo tỉnh", "aliases": ["HNB tỉnh"]},
]
_SO = "Sở Thông tin và Truyền thông"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "partial.yaml",
            f"units:\n  - id: so-tttt\n    name: {_SO}\n    short: TT&TT\n"
            "  - {id: hnb, name: Hội Nhà báo tỉnh, aliases: [HNB tỉnh]}\n",
        ),
        (
            "list.yaml",
            f"- id: so-tttt\n  name: {_SO}\n  short: TT&TT\n"
            "- {id: hnb, name: Hội Nhà báo tỉnh, aliases: HNB tỉnh}\n",
        ),
        (
            "mapping.yml",
            f"so-tttt: {{name: {_SO}, short: TT&TT}}\n"
            "hnb: {name: Hội Nhà báo tỉnh, aliases: [HNB tỉnh]}\n",
        ),
        ("list.json", json.dumps(_TWO_UNITS)),
        ("plan.json", json.dumps({"schema": 1, "units": _TWO_UNITS})),
    ],
)
def test_load_units_file_forms(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert load_units_file(path) == (
        Unit("so-tttt", "Sở Thông tin và Truyền thông", short="TT&TT"),
        Unit("hnb", "Hội Nhà báo tỉnh", aliases=("HNB tỉnh",)),
    )


def test_load_units_file_mapping_of_names(tmp_path: Path) -> None:
    path = tmp_path / "u.yaml"
    path.write_text("so-tttt: Sở Thông tin và Truyền thông\n", encoding="utf-8")
    assert load_units_file(path) == (Unit("so-tttt", "Sở Thông tin và Truyền thông"),)


_A = "units:\n  - id: a\n    name: Sở A\n"


@pytest.mark.parametrize(
    ("content", "where", "what"),
    [
        (_A + "  - id: b\n", "$.units[1].name:", "expected text"),
        (_A + "  - id: a\n    name: Sở B\n", ":4: $.units[1].id:", "already used"),
        (_A + "    nick: A\n", ":4: $.units[0].nick:", "unknown key"),
        (_A + "  - id: b\n    name: SỞ A\n", "$.units[1]:", "also a name of unit 'a'"),
        (_A + "    aliases: [1]\n", "$.units[0].aliases[0]:", "expected text"),
        (_A + "    aliases: {x: 1}\n", "$.units[0].aliases:", "a list of names"),
        (_A + "    short: [1]\n", "$.units[0].short:", "expected text"),
        ("units: 3\n", "$.units:", "expected a list of units"),
        ("units: []\n", "$.units:", "no units"),
        ("- 3\n", "$[0]:", "expected a unit"),
        ("just text\n", "$:", "expected a list of units"),
        ("units: [\n", ":", "YAML"),
    ],
)
def test_load_units_file_errors_name_file_and_path(
    tmp_path: Path, content: str, where: str, what: str
) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_units_file(path)
    text = caught.value.message("en")
    assert str(path) in text
    assert where in text, text
    assert what in text, text
    assert caught.value.message("vi") != text


def test_load_units_file_unreadable(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read") as caught:
        load_units_file(tmp_path / "missing.yaml")
    assert "missing.yaml" in str(caught.value)
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'[{"id": "a", "name": "S\xff"}]')
    with pytest.raises(PlanError, match="UTF-8"):
        load_units_file(bad)
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": "a"', encoding="utf-8")
    with pytest.raises(PlanError, match=r"broken\.json"):
        load_units_file(broken)


# --- names.py abbreviations -------------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("UBMTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
        ("Ủy ban MTTQ", "Ủy ban Mặt trận Tổ quốc"),
        ("Ủy ban TW MTTQVN", "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam"),
        ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
        ("Sở VH&TT", "Sở Văn hóa và Thể thao"),
        ("Sở VHTT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Ban Tuyên giáo TW", "Ban Tuyên giáo Trung ương"),
        ("các tổ chức CT-XH tỉnh", "các tổ chức chính trị - xã hội tỉnh"),
    ],
)
def test_abbreviations_merge(short: str, full: str) -> None:
    assert normalize_name(short) == normalize_name(full)


def test_abbreviations_are_whole_words() -> None:
    assert normalize_name("Sở TWx") != normalize_name("Sở Trung ươngx")
    assert "trung" not in normalize_name("Phường Tây Hồ, tw2")


# --- speed ------------------------------------------------------------------------------


def test_a_500_task_document_resolves_quickly() -> None:
    names = all_base_names()
    support = "Các phòng thuộc Ban; " + ", ".join(names[:5]) + "; các cơ quan, đơn vị liên quan."
    started = time.perf_counter()
    table = UnitTable()
    for task in range(500):
        found, _ = split_unit_list(support.replace(names[0], names[task % len(names)]))
        for name in found:
            table.resolve(name, task)
        table.resolve(names[(task * 7) % len(names)], task)
    assert time.perf_counter() - started < 2.0
    assert table.findings() == []
