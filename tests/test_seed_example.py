"""The example plan file examples/quang-ninh-60-nam.yaml against the seed plan.

The expected tables below were written by hand from
shared/seed/ke-hoach-tuyen-truyen-60-nam-quang-ninh.md; the last tests read the seed
itself and check that the file's texts are the seed's, verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

import tuyentruyen
from tuyentruyen import Plan, load_plan

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "quang-ninh-60-nam.yaml"
SEED_NAME = "ke-hoach-tuyen-truyen-60-nam-quang-ninh.md"
SEED_CANDIDATES = (
    Path(__file__).resolve().parents[2] / "shared" / "seed" / SEED_NAME,
    Path("/work/shared/seed") / SEED_NAME,
)

TASK_IDS = [
    "1.1", "1.2", "1.3",
    "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7",
    "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7",
]  # fmt: skip

TTBCXB = "Phòng Tuyên truyền - Báo chí - Xuất bản"
TTTH = "Phòng Thông tin - Tổng hợp"
VHDLXH = "Phòng Văn hóa và Dư luận xã hội"
LLCT = "Phòng Lý luận chính trị và Lịch sử Đảng"

# task id -> (lead as the seed writes it, canonical unit name, unit id)
LEADS = {
    "1.1": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "1.2": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "1.3": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "2.1": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "2.2": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "2.3": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "2.4": (TTTH, TTTH, "tt-th"),
    "2.5": ("Phòng Văn hóa và Du lịch xã hội", VHDLXH, "vh-dlxh"),  # seed typo
    "2.6": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "2.7": (LLCT, LLCT, "llct-lsd"),
    "3.1": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "3.2": (TTTH, TTTH, "tt-th"),
    "3.3": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "3.4": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "3.5": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "3.6": (TTBCXB, TTBCXB, "tt-bc-xb"),
    "3.7": ("Phòng Văn hóa và Dự luận xã hội", VHDLXH, "vh-dlxh"),  # seed typo
}

SUPPORT_1_4 = ("so-tttt", "so-vhtt", "mttq-tinh", "tttt-tinh", "hnb-tinh", "hvhnt-tinh")
# task id -> named supporting units (Đơn vị phối hợp), in the seed's order
SUPPORT = {
    "1.1": SUPPORT_1_4,
    "1.2": SUPPORT_1_4,
    "1.3": SUPPORT_1_4,
    "2.1": ("btk-tccs", "tttt-tinh"),
    "2.2": ("ttttcttg-btgtw", "tttt-tinh"),
    "2.3": (),
    "2.4": (),
    "2.5": ("tt-bc-xb", "tttt-tinh", "hnb-tinh", "hvhnt-tinh"),
    "2.6": ("tttt-tinh", "hnb-tinh"),
    "2.7": ("vien-lsd", "tt-bc-xb", "tttt-tinh"),
    "3.1": ("tttt-tinh",),
    "3.2": ("tttt-tinh",),
    "3.3": (),
    "3.4": ("tttt-tinh",),
    "3.5": ("tttt-tinh",),
    "3.6": ("vh-dlxh", "tt-th", "hvhnt-tinh", "tttt-tinh"),
    "3.7": ("tt-bc-xb", "tt-th", "hnb-tinh", "tttt-tinh"),
}

ONGOING_1 = "Thường xuyên từ tháng 3 đến hết tháng 10/2023"
MAR_OCT = "Từ tháng 3 đến tháng 10/2023"
SEP_OCT = "Từ tháng 9 đến tháng 10/2023"
# task id -> (window phrase as in the seed, start, end, ongoing)
WINDOWS = {
    "1.1": (ONGOING_1, date(2023, 3, 1), date(2023, 10, 31), True),
    "1.2": (ONGOING_1, date(2023, 3, 1), date(2023, 10, 31), True),
    "1.3": (ONGOING_1, date(2023, 3, 1), date(2023, 10, 31), True),
    "2.1": (SEP_OCT, date(2023, 9, 1), date(2023, 10, 31), False),
    "2.2": ("Từ tháng 9/2023", date(2023, 9, 1), None, False),
    "2.3": ("Từ tháng 8 đến tháng 9/2023", date(2023, 8, 1), date(2023, 9, 30), False),
    "2.4": ("Tháng 5/2023", date(2023, 5, 1), date(2023, 5, 31), False),
    "2.5": ("Từ tháng 02 đến tháng 9/2023", date(2023, 2, 1), date(2023, 9, 30), False),
    "2.6": (MAR_OCT, date(2023, 3, 1), date(2023, 10, 31), False),
    "2.7": (SEP_OCT, date(2023, 9, 1), date(2023, 10, 31), False),
    "3.1": (MAR_OCT, date(2023, 3, 1), date(2023, 10, 31), False),
    "3.2": ("Tháng 5/2023", date(2023, 5, 1), date(2023, 5, 31), False),
    "3.3": ("Từ tháng 2 đến tháng 10/2023", date(2023, 2, 1), date(2023, 10, 31), False),
    "3.4": (MAR_OCT, date(2023, 3, 1), date(2023, 10, 31), False),
    "3.5": (MAR_OCT, date(2023, 3, 1), date(2023, 10, 31), False),
    "3.6": (MAR_OCT, date(2023, 3, 1), date(2023, 10, 31), False),
    "3.7": (MAR_OCT, date(2023, 3, 1), date(2023, 10, 31), False),
}

# task id -> (Thời gian ban hành kế hoạch as in the seed, deadline); absent: none given
PLAN_DUE = {
    "2.1": ("Tháng 4/2023", date(2023, 4, 30)),
    "2.2": ("Tháng 8/2023", date(2023, 8, 31)),
    "2.4": ("Trong tháng 02/2023", date(2023, 2, 28)),
    "2.5": ("Trong tháng 02/2023", date(2023, 2, 28)),
    "2.6": ("Tháng 3/2023", date(2023, 3, 31)),
}

SECTIONS = {"1": "II.1", "2": "II.2", "3": "II.3"}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(EXAMPLE)


@pytest.fixture(scope="module")
def seed() -> str:
    for path in SEED_CANDIDATES:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    pytest.fail(f"seed plan not found; looked at {[str(p) for p in SEED_CANDIDATES]}")


def _flat(text: str) -> str:
    """Seed text without markdown emphasis, whitespace (page-break gaps too) collapsed."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


# --- the plan file -------------------------------------------------------------------


def test_header(plan: Plan) -> None:
    assert plan.id == "qn-60-nam"
    assert plan.title == (
        "Thông tin tuyên truyền Kỷ niệm 60 năm Ngày thành lập tỉnh Quảng Ninh "
        "(30/10/1963 - 30/10/2023)"
    )
    assert plan.issuer == "btgtu"
    assert plan.unit_name(plan.issuer) == "Ban Tuyên giáo Tỉnh ủy"
    # The seed does not show this plan's own number or date; 76-KH/BTGTU is a basis.
    assert plan.reference is None
    assert plan.issued_on is None
    assert plan.place == "Quảng Ninh"
    assert plan.problems == ()


def test_bases(plan: Plan) -> None:
    assert [(b.reference, b.issued_on) for b in plan.bases] == [
        ("27-CT/TU", date(2022, 7, 22)),
        ("19/KH-UBND", date(2023, 2, 2)),
        ("76-KH/BTGTU", date(2023, 2, 16)),
    ]
    assert plan.bases[0].text.startswith("Chỉ thị số 27-CT/TU ngày 22/7/2022 của Ban Thường vụ")
    assert plan.bases[1].text.startswith("Kế hoạch số 19/KH-UBND ngày 02/02/2023 của UBND tỉnh")
    assert plan.bases[2].text.startswith(
        "Kế hoạch số 76-KH/BTGTU ngày 16/02/2023 của Ban Tuyên giáo Tỉnh ủy"
    )


def test_purposes_and_sections(plan: Plan) -> None:
    assert len(plan.purposes) == 4
    assert plan.purposes[0].startswith("Triển khai thực hiện hiệu quả")
    assert plan.purposes[3].startswith("Trên cơ sở các nhiệm vụ phân công")
    assert [(s.id, s.title) for s in plan.sections] == [
        ("II.1", "Theo nhiệm vụ thường xuyên"),
        ("II.2", "Các nội dung được giao chủ trì"),
        ("II.3", "Các nội dung phối hợp"),
    ]


def test_task_ids_in_order(plan: Plan) -> None:
    assert len(plan.tasks) == 17
    assert [t.id for t in plan.tasks] == TASK_IDS


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_section(plan: Plan, task_id: str) -> None:
    assert plan.task(task_id).section == SECTIONS[task_id[0]]


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_lead(plan: Plan, task_id: str) -> None:
    seed_text, canonical, unit_id = LEADS[task_id]
    task = plan.task(task_id)
    assert task.lead == unit_id
    assert plan.unit_name(task.lead) == canonical
    # The seed's own spelling (typos included) names the same unit.
    found = plan.unit(seed_text)
    assert found is not None
    assert found.id == task.lead
    if seed_text != canonical:
        assert seed_text in found.aliases


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_support(plan: Plan, task_id: str) -> None:
    task = plan.task(task_id)
    assert task.support == SUPPORT[task_id]
    assert task.lead not in task.support


def test_support_other_is_free_text(plan: Plan) -> None:
    assert plan.task("2.1").support_other == (
        "các phòng thuộc Ban",
        "các cơ quan, đơn vị liên quan",
    )
    assert plan.task("2.7").support_other == ()
    for task_id in ("1.1", "1.2", "1.3"):
        assert plan.task(task_id).support_other == (
            "Các phòng thuộc Ban",
            "các sở, ngành, đơn vị, địa phương liên quan",
            "các tổ chức chính trị - xã hội tỉnh",
            "các huyện, thị, thành ủy, đảng ủy trực thuộc tỉnh",
        )


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_window(plan: Plan, task_id: str) -> None:
    text, start, end, ongoing = WINDOWS[task_id]
    task = plan.task(task_id)
    assert task.window_text == text
    assert task.window.start == start
    assert task.window.end == end
    assert task.deadline == end
    assert task.ongoing is ongoing


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_plan_due(plan: Plan, task_id: str) -> None:
    task = plan.task(task_id)
    if task_id in PLAN_DUE:
        text, due = PLAN_DUE[task_id]
        assert task.plan_due == due
        assert task.plan_due_text == text
    else:
        assert task.plan_due is None
        assert task.plan_due_text is None


def test_titles(plan: Plan) -> None:
    assert plan.task("2.2").title == (
        "Hội nghị Báo cáo viên Trung ương khu vực phía Bắc tại Quảng Ninh"
    )
    assert [plan.task(f"3.{i}").title for i in range(1, 8)] == [
        "Với Tạp chí Cộng sản",
        "Với Văn phòng Tỉnh ủy",
        "Với Trung tâm Truyền thông tỉnh",
        "Với Sở Văn hóa và Thể thao",
        "Với Sở Thông tin và Truyền thông",
        "Với Hội Nhà báo tỉnh",
        "Với Hội Văn học nghệ thuật tỉnh",
    ]
    assert [len(plan.task(f"3.{i}").content) for i in range(1, 8)] == [2, 1, 2, 1, 1, 1, 1]


def test_the_one_declared_dependency(plan: Plan) -> None:
    deps = {t.id: t.depends_on for t in plan.tasks if t.depends_on}
    assert list(deps) == ["2.1"]
    (dep,) = deps["2.1"]
    assert (dep.task, dep.state, dep.events) == ("3.1", "issued", ("start",))


def test_reporting_rule(plan: Plan) -> None:
    (rule,) = plan.reporting
    assert rule.every == "month"
    assert rule.day == 15
    assert rule.to == "tt-bc-xb"
    assert rule.from_ == ()
    assert rule.text is not None
    assert "trước ngày 15 hằng tháng" in rule.text
    assert "gửi về phòng Tuyên truyền - Báo chí - Xuất bản" in rule.text
    # "trước ngày 15": due on the 15th of each month.
    assert rule.next_due(date(2023, 3, 1)) == date(2023, 3, 15)
    assert all(plan.receivers_for(t) == ("tt-bc-xb",) for t in plan.tasks)


def test_recipients_and_signer(plan: Plan) -> None:
    assert len(plan.recipients) == 8
    assert plan.recipients[0] == "Thường trực Tỉnh ủy (báo cáo)"
    assert plan.recipients[-1] == "Lưu BTGTU"
    assert all(not r.startswith("-") and not r.endswith((",", ".")) for r in plan.recipients)
    assert plan.signer == tuyentruyen.Signer(title="TRƯỞNG BAN", name="Nguyễn Hồng Dương")


def test_units(plan: Plan) -> None:
    ids = [u.id for u in plan.units]
    assert len(ids) == len(set(ids))
    for unit in plan.units:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", unit.id), unit.id
        for name in (unit.name, *unit.aliases):
            assert unicodedata.is_normalized("NFC", name), name
    used = {t.lead for t in plan.tasks} | {s for t in plan.tasks for s in t.support}
    assert used <= set(ids)


@pytest.mark.parametrize(
    ("name", "unit_id"),
    [
        ("Phòng Tuyên truyền - Báo chí - Xuất bản", "tt-bc-xb"),
        ("phòng Tuyên truyền - Báo chí - Xuất bản", "tt-bc-xb"),
        ("Phòng Thông tin - Tổng hợp", "tt-th"),
        ("Phòng Văn hóa và Du lịch xã hội", "vh-dlxh"),
        ("Phòng Văn hóa và Dự luận xã hội", "vh-dlxh"),
        ("Phòng Văn hóa và Dư luận xã hội", "vh-dlxh"),
        ("Phòng Lý luận chính trị và Lịch sử Đảng", "llct-lsd"),
        ("Phòng Khoa giáo", "khoa-giao"),
        ("Ban Tuyên giáo Tỉnh ủy", "btgtu"),
        ("BTGTU", "btgtu"),
        ("Ban Thư ký Tạp chí Cộng sản", "btk-tccs"),
        ("Tạp chí Cộng sản", "tccs"),
        ("Trung tâm Thông tin công tác Tuyên giáo BTGTW", "ttttcttg-btgtw"),
        ("Viện Lịch sử Đảng", "vien-lsd"),
        ("Viện Lịch sử Đảng, Học viện Chính trị Quốc gia Hồ Chí Minh", "vien-lsd"),
        ("Trung tâm Truyền thông tỉnh", "tttt-tinh"),
        ("Hội Nhà báo tỉnh", "hnb-tinh"),
        ("Hội Văn học nghệ thuật tỉnh", "hvhnt-tinh"),
        ("Sở Thông tin và Truyền thông", "so-tttt"),
        ("Sở Văn hóa và Thể thao", "so-vhtt"),
        ("Ủy ban MTTQ tỉnh", "mttq-tinh"),
        ("Ủy ban Mặt trận Tổ quốc tỉnh", "mttq-tinh"),
        ("Uỷ ban MTTQ tỉnh", "mttq-tinh"),  # new-style tone placement
        ("Văn phòng Tỉnh ủy", "vp-tu"),
        ("Thường trực Tỉnh ủy", "tt-tu"),
        ("Ban Thường vụ Tỉnh ủy", "btv-tu"),
        ("UBND tỉnh", "ubnd-tinh"),
    ],
)
def test_names_resolve_in_any_normal_form(plan: Plan, name: str, unit_id: str) -> None:
    for form in ("NFC", "NFD"):
        found = plan.unit(unicodedata.normalize(form, name))
        assert found is not None, (form, name)
        assert found.id == unit_id


def test_round_trip(plan: Plan) -> None:
    assert tuyentruyen.loads_plan(tuyentruyen.dump_plan(plan)) == plan


# --- against the seed text -----------------------------------------------------------


def _seed_values(seed: str, label: str) -> list[str]:
    """The values of every "- <label>: X." line of the seed, in order, without the dot."""
    return [v.rstrip(".").strip() for v in re.findall(rf"{label}: ([^\n]*)", seed)]


def _task_of_line(index: int) -> list[str]:
    """Tasks of the index-th assignment block: the first (1.4) covers 1.1-1.3."""
    return ["1.1", "1.2", "1.3"] if index == 0 else [TASK_IDS[index + 2]]


def test_seed_is_nfc(seed: str) -> None:
    assert unicodedata.is_normalized("NFC", seed)


def test_lead_lines_of_the_seed(plan: Plan, seed: str) -> None:
    names = _seed_values(seed, "Đơn vị chủ trì tham mưu")
    assert len(names) == 15  # 1.4, 2.1-2.7, 3.1-3.7
    leads = {t.lead for t in plan.tasks}
    for i, name in enumerate(names):
        found = plan.unit(name)
        assert found is not None, name
        assert found.id in leads
        for task_id in _task_of_line(i):
            assert plan.task(task_id).lead == found.id, (task_id, name)
        nfd = plan.unit(unicodedata.normalize("NFD", name))
        assert nfd is not None
        assert nfd.id == found.id


def test_support_lines_of_the_seed(plan: Plan, seed: str) -> None:
    lines = _seed_values(seed, "Đơn vị phối hợp")
    assert len(lines) == 15
    for i, line in enumerate(lines):
        for task_id in _task_of_line(i):
            task = plan.task(task_id)
            for other in task.support_other:
                assert other in line, (task_id, other)
            for unit_id in task.support:
                unit = plan.unit_index[unit_id]
                spellings = (unit.name, *unit.aliases)
                assert any(s.casefold() in line.casefold() for s in spellings), (task_id, unit_id)


def test_windows_are_the_seed_phrases(plan: Plan, seed: str) -> None:
    for task in plan.tasks:
        assert task.window_text
        assert task.window_text in seed, task.id
    phrases = _seed_values(seed, "Thời gian thực hiện")
    assert len(phrases) == 15
    for i, phrase in enumerate(phrases):
        for task_id in _task_of_line(i):
            assert plan.task(task_id).window_text == phrase


def test_plan_due_are_the_seed_phrases(plan: Plan, seed: str) -> None:
    phrases = _seed_values(seed, "Thời gian ban hành [Kk]ế hoạch")
    with_due = [t for t in plan.tasks if t.plan_due_text is not None]
    assert [t.plan_due_text for t in with_due] == phrases
    assert [t.id for t in with_due] == list(PLAN_DUE)


def test_texts_are_verbatim(plan: Plan, seed: str) -> None:
    flat = _flat(seed)
    texts = [plan.title, *plan.purposes, *(b.text for b in plan.bases)]
    texts += [s.title for s in plan.sections]
    texts += [rule.text for rule in plan.reporting if rule.text]
    for task in plan.tasks:
        texts += [task.title, *task.content]
    for text in texts:
        assert _flat(text) in flat, text


def test_recipients_are_the_seed_lines(plan: Plan, seed: str) -> None:
    block = seed.split("Nơi nhận:", 1)[1].split("TRƯỞNG BAN", 1)[0]
    lines = [
        line[2:].replace("*", "").rstrip(",.").strip()
        for line in block.splitlines()
        if line.startswith("- ")
    ]
    assert list(plan.recipients) == lines


def test_signer_is_the_seeds(plan: Plan, seed: str) -> None:
    assert plan.signer is not None
    tail = seed.split("Nơi nhận:", 1)[1]
    assert f"**{plan.signer.title}**" in tail
    assert f"**{plan.signer.name}**" in tail
