"""Plan files: loading YAML/JSON, the normalized form, round trips and every error path.

Each bad-input test checks where the problem is (JSON path and, for YAML, the line of
the offending key in the test text) and that it is explained in English and Vietnamese.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tuyentruyen.errors import PlanError, Problem
from tuyentruyen.io import dump_plan, load_plan, loads_plan, plan_from_dict, plan_to_dict
from tuyentruyen.lifecycle import PROGRESS_RANK
from tuyentruyen.model import Dependency, Plan, Task, Window
from tuyentruyen.testing import strategies as tts

# --- helpers -------------------------------------------------------------------------

HEAD = """\
schema: 1
id: kh-thu
title: Kế hoạch thử nghiệm
issuer: btg
units:
  - id: btg
    name: Ban Tuyên giáo Tỉnh ủy
    short: BTGTU
  - id: ttbc
    name: Phòng Tuyên truyền - Báo chí
  - id: ubnd
    name: Ủy ban nhân dân tỉnh
    aliases: [UBND tỉnh]
  - id: svhtt
    name: Sở Văn hoá và Thể thao
tasks:
"""

ONE_TASK = """\
  - id: "1"
    title: Nhiệm vụ một
    lead: ttbc
"""

TWO_TASKS = (
    ONE_TASK
    + """\
  - id: "2"
    title: Nhiệm vụ hai
    lead: btg
"""
)


def doc(tasks: str = ONE_TASK, tail: str = "", head: str = HEAD) -> str:
    """A YAML plan: ``head`` (ends with ``tasks:``), the task items, then ``tail``."""
    return head + tasks + tail


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the ``occurrence``-th line of ``text`` containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} occurs {len(hits)} times in the test text"
    return hits[occurrence - 1]


def plan_error(text: str, fmt: str = "yaml") -> PlanError:
    with pytest.raises(PlanError) as info:
        loads_plan(text, fmt=fmt)
    return info.value


def dict_error(data: Any) -> PlanError:
    with pytest.raises(PlanError) as info:
        plan_from_dict(data)
    return info.value


def listing(error: PlanError) -> list[tuple[str, int | None, str]]:
    return [(p.path, p.line, p.en) for p in error.problems]


def problem_at(error: PlanError, path: str) -> Problem:
    found = [p for p in error.problems if p.path == path]
    assert found, f"no problem at {path}; got {listing(error)}"
    return found[0]


def problem_at_any(error: PlanError, *paths: str) -> Problem:
    found = [p for p in error.problems if p.path in paths]
    assert found, f"no problem at any of {paths}; got {listing(error)}"
    return found[0]


def assert_bilingual(problem: Problem) -> None:
    assert problem.en.strip(), problem
    assert problem.vi.strip(), problem
    assert problem.en != problem.vi, problem


def assert_error_bilingual(error: PlanError) -> None:
    assert error.problems
    for problem in error.problems:
        assert_bilingual(problem)
    assert str(error).strip()
    assert error.vi.strip()
    assert str(error) != error.vi


# --- 1. loading valid plans ----------------------------------------------------------

FULL_YAML = """\
schema: 1
id: kh-thu
title: Kế hoạch thử nghiệm
issuer: Ban Tuyên giáo Tỉnh ủy
reference: 99-KH/BTGTU
issued_on: 2023-02-16
place: Quảng Ninh
bases:
  - Chỉ thị số 27-CT/TU
  - text: Kế hoạch số 19/KH-UBND
    reference: 19/KH-UBND
    issued_on: 2023-02-02
purposes:
  - Tuyên truyền sâu rộng
units:
  - id: btg
    name: Ban Tuyên giáo Tỉnh ủy
    short: BTGTU
  - id: ttbc
    name: Phòng Tuyên truyền - Báo chí
  - id: ubnd
    name: Ủy ban nhân dân tỉnh
    aliases: [UBND tỉnh]
  - id: svhtt
    name: Sở Văn hoá và Thể thao
sections:
  - id: II.1
    title: Theo nhiệm vụ thường xuyên
tasks:
  - id: "1.1"
    section: II.1
    title: Tuyên truyền trên báo chí
    lead: Phòng Tuyên truyền - Báo chí
    support: [Uỷ ban nhân dân tỉnh, Sở Văn hóa và Thể thao]
    support_other: [Các phòng thuộc Ban]
    content:
      - Viết bài
      - Đăng tin
    plan_due: Tháng 4/2023
    window: Thường xuyên từ tháng 3 đến hết tháng 10/2023
  - id: "1.2"
    section: II.1
    title: Tọa đàm
    lead: btg
    plan_due: Trong tháng 02/2023
    window: {start: 2023-09-01, end: null}
    depends_on:
      - "1.1"
      - {task: "1.1", state: done, events: [report, accept]}
  - id: "1.3"
    title: Triển lãm
    lead: UBND tỉnh
    plan_due: 2023-05-15
    window: Từ tháng 9 đến tháng 10/2023
reporting:
  - every: month
    day: 15
    to: Phòng Tuyên truyền - Báo chí
    from: [btg, Ủy ban nhân dân tỉnh]
    text: trước ngày 15 hằng tháng
recipients:
  - Thường trực Tỉnh ủy (báo cáo)
signer:
  title: Phó trưởng ban
  name: Nguyễn Văn A
"""

FULL_JSON = {
    "schema": 1,
    "id": "kh-thu",
    "title": "Kế hoạch thử nghiệm",
    "issuer": "btg",
    "reference": "99-KH/BTGTU",
    "issued_on": "2023-02-16",
    "place": "Quảng Ninh",
    "bases": [
        "Chỉ thị số 27-CT/TU",
        {
            "text": "Kế hoạch số 19/KH-UBND",
            "reference": "19/KH-UBND",
            "issued_on": "2023-02-02",
        },
    ],
    "purposes": ["Tuyên truyền sâu rộng"],
    "units": [
        {"id": "btg", "name": "Ban Tuyên giáo Tỉnh ủy", "short": "BTGTU"},
        {"id": "ttbc", "name": "Phòng Tuyên truyền - Báo chí"},
        {"id": "ubnd", "name": "Ủy ban nhân dân tỉnh", "aliases": ["UBND tỉnh"]},
        {"id": "svhtt", "name": "Sở Văn hoá và Thể thao"},
    ],
    "sections": [{"id": "II.1", "title": "Theo nhiệm vụ thường xuyên"}],
    "tasks": [
        {
            "id": "1.1",
            "section": "II.1",
            "title": "Tuyên truyền trên báo chí",
            "lead": "ttbc",
            "support": ["ubnd", "svhtt"],
            "support_other": ["Các phòng thuộc Ban"],
            "content": ["Viết bài", "Đăng tin"],
            "plan_due": "Tháng 4/2023",
            "window": "Thường xuyên từ tháng 3 đến hết tháng 10/2023",
        },
        {
            "id": "1.2",
            "section": "II.1",
            "title": "Tọa đàm",
            "lead": "btg",
            "plan_due": "Trong tháng 02/2023",
            "window": {"start": "2023-09-01", "end": None},
            "depends_on": ["1.1", {"task": "1.1", "state": "done", "events": ["report", "accept"]}],
        },
        {
            "id": "1.3",
            "title": "Triển lãm",
            "lead": "ubnd",
            "plan_due": "2023-05-15",
            "window": "Từ tháng 9 đến tháng 10/2023",
        },
    ],
    "reporting": [
        {
            "every": "month",
            "day": 15,
            "to": "ttbc",
            "from": ["btg", "ubnd"],
            "text": "trước ngày 15 hằng tháng",
        }
    ],
    "recipients": ["Thường trực Tỉnh ủy (báo cáo)"],
    "signer": {"title": "Phó trưởng ban", "name": "Nguyễn Văn A"},
}


@pytest.fixture
def full_plan(tmp_path: Path) -> Plan:
    path = tmp_path / "plan.yaml"
    path.write_text(FULL_YAML, encoding="utf-8")
    return load_plan(path)


def test_load_yaml_file_header_and_units(full_plan: Plan) -> None:
    plan = full_plan
    assert plan.id == "kh-thu"
    assert plan.title == "Kế hoạch thử nghiệm"
    assert plan.issuer == "btg"  # given by name
    assert plan.reference == "99-KH/BTGTU"
    assert plan.issued_on == date(2023, 2, 16)
    assert plan.place == "Quảng Ninh"
    assert [u.id for u in plan.units] == ["btg", "ttbc", "ubnd", "svhtt"]
    assert plan.units[0].short == "BTGTU"
    assert plan.units[2].aliases == ("UBND tỉnh",)
    assert plan.bases[0].text == "Chỉ thị số 27-CT/TU"
    assert plan.bases[0].reference is None
    assert plan.bases[1].reference == "19/KH-UBND"
    assert plan.bases[1].issued_on == date(2023, 2, 2)
    assert plan.purposes == ("Tuyên truyền sâu rộng",)
    assert [s.id for s in plan.sections] == ["II.1"]
    assert plan.recipients == ("Thường trực Tỉnh ủy (báo cáo)",)
    assert plan.signer is not None
    assert (plan.signer.title, plan.signer.name) == ("Phó trưởng ban", "Nguyễn Văn A")


def test_load_yaml_file_tasks(full_plan: Plan) -> None:
    t1, t2, t3 = full_plan.tasks
    assert [t.id for t in full_plan.tasks] == ["1.1", "1.2", "1.3"]
    assert t1.lead == "ttbc"
    assert t1.support == ("ubnd", "svhtt")
    assert t1.support_other == ("Các phòng thuộc Ban",)
    assert t1.content == ("Viết bài", "Đăng tin")
    assert t1.section == "II.1"
    assert t1.plan_due == date(2023, 4, 30)
    assert t1.plan_due_text == "Tháng 4/2023"
    assert t1.window == Window(date(2023, 3, 1), date(2023, 10, 31))
    assert t1.window_text == "Thường xuyên từ tháng 3 đến hết tháng 10/2023"
    assert t1.ongoing is True

    assert t2.plan_due == date(2023, 2, 28)
    assert t2.plan_due_text == "Trong tháng 02/2023"
    assert t2.window == Window(date(2023, 9, 1), None)
    assert t2.window_text is None
    assert t2.ongoing is False
    assert [(d.task, d.state, d.events) for d in t2.depends_on] == [
        ("1.1", "issued", ("start",)),
        ("1.1", "done", ("report", "accept")),
    ]

    assert t3.lead == "ubnd"  # by alias
    assert t3.plan_due == date(2023, 5, 15)
    assert t3.plan_due_text is None
    assert t3.window == Window(date(2023, 9, 1), date(2023, 10, 31))
    assert t3.window_text == "Từ tháng 9 đến tháng 10/2023"
    assert t3.ongoing is False


def test_load_yaml_file_reporting(full_plan: Plan) -> None:
    (rule,) = full_plan.reporting
    assert rule.to == "ttbc"
    assert rule.from_ == ("btg", "ubnd")
    assert rule.every == "month"
    assert rule.day == 15
    assert rule.text == "trước ngày 15 hằng tháng"
    assert full_plan.receivers_for(full_plan.tasks[1]) == ("ttbc",)
    assert full_plan.receivers_for(full_plan.tasks[0]) == ()  # ttbc is not in `from`


@pytest.mark.parametrize("suffix", [".json", ".JSON"])
def test_load_json_file_equals_yaml(tmp_path: Path, full_plan: Plan, suffix: str) -> None:
    path = tmp_path / f"plan{suffix}"
    path.write_text(json.dumps(FULL_JSON, ensure_ascii=False, indent=2), encoding="utf-8")
    assert load_plan(path) == full_plan


@pytest.mark.parametrize("suffix", [".yaml", ".yml"])
def test_load_yaml_suffixes(tmp_path: Path, full_plan: Plan, suffix: str) -> None:
    path = tmp_path / f"plan{suffix}"
    path.write_text(FULL_YAML, encoding="utf-8")
    assert load_plan(path) == full_plan


def test_load_yaml_with_bom_and_crlf(tmp_path: Path, full_plan: Plan) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + FULL_YAML.replace("\n", "\r\n").encode("utf-8"))
    assert load_plan(path) == full_plan


def test_load_plan_accepts_str_path(tmp_path: Path, full_plan: Plan) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(FULL_YAML, encoding="utf-8")
    assert load_plan(str(path)) == full_plan


def _task_with(line: str) -> str:
    return ONE_TASK + f"    {line}\n"


@pytest.mark.parametrize(
    ("phrase", "window", "ongoing"),
    [
        ("Tháng 4/2023", Window(date(2023, 4, 1), date(2023, 4, 30)), False),
        ("Từ tháng 9 đến tháng 10/2023", Window(date(2023, 9, 1), date(2023, 10, 31)), False),
        (
            "Thường xuyên từ tháng 3 đến hết tháng 10/2023",
            Window(date(2023, 3, 1), date(2023, 10, 31)),
            True,
        ),
        ("Từ tháng 9/2023", Window(date(2023, 9, 1), None), False),
        ("Đến hết tháng 10/2023", Window(None, date(2023, 10, 31)), False),
        ("Từ tháng 11/2023 đến tháng 2/2024", Window(date(2023, 11, 1), date(2024, 2, 29)), False),
        (
            "Từ ngày 15/9/2023 đến ngày 20/9/2023",
            Window(date(2023, 9, 15), date(2023, 9, 20)),
            False,
        ),
        ("Thường xuyên", Window(None, None), True),
    ],
)
def test_window_phrase(phrase: str, window: Window, ongoing: bool) -> None:
    plan = loads_plan(doc(_task_with(f'window: "{phrase}"')))
    (task,) = plan.tasks
    assert task.window == window
    assert task.window_text == phrase
    assert task.ongoing is ongoing


def test_window_phrase_text_kept_in_nfc_and_stripped() -> None:
    phrase = unicodedata.normalize("NFD", "Từ tháng 9 đến tháng 10/2023")
    plan = loads_plan(doc(_task_with(f'window: "  {phrase} "')))
    assert plan.tasks[0].window_text == "Từ tháng 9 đến tháng 10/2023"
    assert plan.tasks[0].window == Window(date(2023, 9, 1), date(2023, 10, 31))


@pytest.mark.parametrize(
    ("mapping", "window"),
    [
        ("{start: 2023-09-01, end: null}", Window(date(2023, 9, 1), None)),
        ("{start: null, end: 2023-10-31}", Window(None, date(2023, 10, 31))),
        ("{start: '2023-09-01', end: '2023-10-31'}", Window(date(2023, 9, 1), date(2023, 10, 31))),
        ("{start: 2023-09-01}", Window(date(2023, 9, 1), None)),
        ("{}", Window(None, None)),
    ],
)
def test_window_mapping(mapping: str, window: Window) -> None:
    plan = loads_plan(doc(_task_with(f"window: {mapping}")))
    (task,) = plan.tasks
    assert task.window == window
    assert task.window_text is None
    assert task.ongoing is False


def test_window_mapping_with_explicit_ongoing() -> None:
    plan = loads_plan(
        doc(ONE_TASK + "    window: {start: 2023-03-01, end: 2023-10-31}\n    ongoing: true\n")
    )
    assert plan.tasks[0].ongoing is True
    assert plan.tasks[0].window == Window(date(2023, 3, 1), date(2023, 10, 31))


@pytest.mark.parametrize(
    ("value", "due", "text"),
    [
        ('"Tháng 4/2023"', date(2023, 4, 30), "Tháng 4/2023"),
        ('"Trong tháng 02/2023"', date(2023, 2, 28), "Trong tháng 02/2023"),
        ('"Trong tháng 02/2024"', date(2024, 2, 29), "Trong tháng 02/2024"),
        ('"Ngày 15/9/2023"', date(2023, 9, 15), "Ngày 15/9/2023"),
        ('"2023-05-15"', date(2023, 5, 15), None),
        ("2023-05-15", date(2023, 5, 15), None),  # a YAML date
    ],
)
def test_plan_due(value: str, due: date, text: str | None) -> None:
    plan = loads_plan(doc(_task_with(f"plan_due: {value}")))
    (task,) = plan.tasks
    assert task.plan_due == due
    assert task.plan_due_text == text


def test_plan_due_and_window_in_json() -> None:
    data = {
        "schema": 1,
        "id": "p",
        "title": "T",
        "issuer": "u",
        "units": [{"id": "u", "name": "Đơn vị"}],
        "tasks": [
            {
                "id": "1",
                "title": "A",
                "lead": "u",
                "plan_due": "Tháng 4/2023",
                "window": {"start": "2023-09-01", "end": None},
            }
        ],
    }
    plan = loads_plan(json.dumps(data, ensure_ascii=False), fmt="json")
    assert plan.tasks[0].plan_due == date(2023, 4, 30)
    assert plan.tasks[0].plan_due_text == "Tháng 4/2023"
    assert plan.tasks[0].window == Window(date(2023, 9, 1), None)


NAME_VARIANTS = [
    ("ttbc", "ttbc"),
    ("Phòng Tuyên truyền - Báo chí", "ttbc"),
    (unicodedata.normalize("NFD", "Phòng Tuyên truyền - Báo chí"), "ttbc"),
    ("PHÒNG TUYÊN TRUYỀN - BÁO CHÍ", "ttbc"),
    ("phòng tuyên truyền - báo chí", "ttbc"),
    ("Phòng Tuyên truyền-Báo chí", "ttbc"),
    ("Phòng Tuyên truyền – Báo chí", "ttbc"),
    ("Phòng Tuyên truyền—Báo chí", "ttbc"),
    ("  Phòng  Tuyên truyền  -  Báo chí  ", "ttbc"),
    ("Ủy ban nhân dân tỉnh", "ubnd"),
    ("Uỷ ban nhân dân tỉnh", "ubnd"),  # new-style tone placement, defined old-style
    (unicodedata.normalize("NFD", "Uỷ ban nhân dân tỉnh"), "ubnd"),
    ("UBND tỉnh", "ubnd"),  # alias
    ("Ủy ban nhân dân tỉnh.", "ubnd"),
    ("Sở Văn hóa và Thể thao", "svhtt"),  # old-style tone placement, defined new-style
    ("SỞ VĂN HOÁ VÀ THỂ THAO", "svhtt"),
    ("BTGTU", "btg"),  # short name
    ("Ban Tuyên giáo Tỉnh uỷ", "btg"),
]


@pytest.mark.parametrize(("ref", "unit_id"), NAME_VARIANTS)
def test_lead_by_name_variant(ref: str, unit_id: str) -> None:
    text = doc('  - id: "1"\n    title: A\n    lead: ' + json.dumps(ref, ensure_ascii=False) + "\n")
    assert loads_plan(text).tasks[0].lead == unit_id


@pytest.mark.parametrize(("ref", "unit_id"), NAME_VARIANTS)
def test_support_and_reporting_by_name_variant(ref: str, unit_id: str) -> None:
    quoted = json.dumps(ref, ensure_ascii=False)
    text = doc(
        ONE_TASK + f"    support: [btg, {quoted}]\n",
        tail=f"reporting:\n  - to: {quoted}\n    from: [{quoted}, ttbc]\n",
    )
    plan = loads_plan(text)
    assert plan.tasks[0].support == ("btg", unit_id)
    assert plan.reporting[0].to == unit_id
    assert plan.reporting[0].from_ == (unit_id, "ttbc")


def test_unit_defined_in_nfd_matches_nfc_reference() -> None:
    nfd_name = unicodedata.normalize("NFD", "Hội Nhà báo tỉnh")
    head = HEAD.replace(
        "tasks:\n", f"  - id: hnb\n    name: {json.dumps(nfd_name, ensure_ascii=False)}\ntasks:\n"
    )
    plan = loads_plan(doc('  - id: "1"\n    title: A\n    lead: Hội Nhà báo tỉnh\n', head=head))
    assert plan.tasks[0].lead == "hnb"
    assert plan.unit_index["hnb"].name == "Hội Nhà báo tỉnh"  # stored in NFC


def test_texts_are_stored_in_nfc() -> None:
    title = unicodedata.normalize("NFD", "Tọa đàm khoa học")
    plan = loads_plan(doc(f'  - id: "1"\n    title: "{title}"\n    lead: btg\n'))
    assert plan.tasks[0].title == unicodedata.normalize("NFC", title)
    assert plan.tasks[0].title != title


# --- 2. round trips and the normalized form --------------------------------------------


def test_dict_round_trip(full_plan: Plan) -> None:
    assert plan_from_dict(plan_to_dict(full_plan)) == full_plan


def test_yaml_dump_round_trip(full_plan: Plan) -> None:
    text = dump_plan(full_plan)
    assert loads_plan(text) == full_plan
    assert dump_plan(loads_plan(text)) == text  # idempotent


def test_json_dump_round_trip(full_plan: Plan, tmp_path: Path) -> None:
    text = dump_plan(full_plan, fmt="json")
    assert loads_plan(text, fmt="json") == full_plan
    path = tmp_path / "out.json"
    path.write_text(text, encoding="utf-8")
    assert load_plan(path) == full_plan
    assert json.loads(text) == plan_to_dict(full_plan)


def test_dumped_yaml_is_plain_safe_yaml(full_plan: Plan) -> None:
    text = dump_plan(full_plan)
    assert text.splitlines()[0] == "schema: 1"
    assert "!!" not in text  # no tags
    assert "Phòng Tuyên truyền - Báo chí" in text  # unicode kept, not escaped
    assert yaml.safe_load(text) == plan_to_dict(full_plan)


TOP_KEYS = {
    "schema",
    "id",
    "title",
    "issuer",
    "reference",
    "issued_on",
    "bases",
    "purposes",
    "recipients",
    "signer",
    "place",
    "sections",
    "units",
    "tasks",
    "reporting",
}
TASK_KEYS = {
    "id",
    "title",
    "lead",
    "support",
    "support_other",
    "plan_due",
    "window",
    "window_text",
    "ongoing",
    "depends_on",
}


def test_normalized_dict_keys(full_plan: Plan) -> None:
    data = plan_to_dict(full_plan)
    assert next(iter(data)) == "schema"
    assert data["schema"] == 1
    assert set(data) == TOP_KEYS
    for task in data["tasks"]:
        assert set(task) >= TASK_KEYS
        assert set(task["window"]) == {"start", "end"}
        assert "plan_due_text" in task
    for rule in data["reporting"]:
        assert {"every", "day", "to", "from"} <= set(rule)
        assert "from_" not in rule
    for unit in data["units"]:
        assert {"id", "name"} <= set(unit)


def test_normalized_dict_values(full_plan: Plan) -> None:
    data = plan_to_dict(full_plan)
    assert data["issuer"] == "btg"
    assert data["issued_on"] == "2023-02-16"
    assert data["bases"][1]["issued_on"] == "2023-02-02"
    t1, t2, t3 = data["tasks"]
    assert t1["lead"] == "ttbc"
    assert t1["support"] == ["ubnd", "svhtt"]
    assert t1["plan_due"] == "2023-04-30"
    assert t1["plan_due_text"] == "Tháng 4/2023"
    assert t1["window"] == {"start": "2023-03-01", "end": "2023-10-31"}
    assert t1["window_text"] == "Thường xuyên từ tháng 3 đến hết tháng 10/2023"
    assert t1["ongoing"] is True
    assert t2["window"] == {"start": "2023-09-01", "end": None}
    assert t2["window_text"] is None
    assert t2["depends_on"][1] == {"task": "1.1", "state": "done", "events": ["report", "accept"]}
    assert t3["lead"] == "ubnd"
    assert t3["plan_due"] == "2023-05-15"
    assert data["reporting"][0]["from"] == ["btg", "ubnd"]
    assert data["reporting"][0]["to"] == "ttbc"
    assert data["reporting"][0]["day"] == 15
    # JSON-ready: no date objects, no tuples.
    assert json.loads(json.dumps(data)) == data


def test_minimal_plan_normalized_defaults() -> None:
    plan = loads_plan(doc())
    data = plan_to_dict(plan)
    assert data["reference"] is None
    assert data["issued_on"] is None
    assert data["signer"] is None
    assert data["reporting"] == []
    task = data["tasks"][0]
    assert task["window"] == {"start": None, "end": None}
    assert task["plan_due"] is None
    assert task["ongoing"] is False
    assert task["depends_on"] == []
    assert plan_from_dict(data) == plan


# --- 3. bad input ----------------------------------------------------------------------


def test_malformed_yaml_unclosed_bracket() -> None:
    text = doc(ONE_TASK + "    support: [btg, ubnd\n    content: [a]\n")
    error = plan_error(text)
    problem = problem_at(error, "$")
    assert problem.line in (line_of(text, "support: [btg"), line_of(text, "content: [a]"))
    assert "YAML" in problem.en
    assert_error_bilingual(error)


def test_malformed_yaml_bad_indentation() -> None:
    text = doc(ONE_TASK + "   bad_indent: x\n")
    error = plan_error(text)
    problem = problem_at(error, "$")
    assert problem.line == line_of(text, "bad_indent")
    assert_bilingual(problem)


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/apply:subprocess.call",
        "!!python/object/new:os.system",
    ],
)
def test_python_yaml_tag_refused_and_not_executed(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    command = f"touch {marker}"
    arg = json.dumps([command]) if "os.system" in tag else json.dumps([["touch", str(marker)]])
    text = doc(f'  - id: "1"\n    title: {tag} {arg}\n    lead: btg\n')
    error = plan_error(text)
    assert not marker.exists()
    problem = problem_at(error, "$.tasks[0].title")  # the tagged value's own path
    assert problem.line == line_of(text, "title: !!python")
    assert "tag" in problem.en
    assert "!!python/" in problem.en
    assert "!!python/" in problem.vi
    assert_bilingual(problem)

    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert not marker.exists()
    assert info.value.source == str(path)
    assert str(path) in str(info.value)


def test_python_name_tag_refused() -> None:
    text = doc('  - id: "1"\n    title: !!python/name:os.system ""\n    lead: btg\n')
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[0].title")
    assert problem.line == line_of(text, "python/name")
    assert_bilingual(problem)


def test_wrong_type_top_level_title() -> None:
    text = HEAD.replace("title: Kế hoạch thử nghiệm", "title: 5") + ONE_TASK
    error = plan_error(text)
    problem = problem_at(error, "$.title")
    assert problem.line == line_of(text, "title: 5")
    assert_bilingual(problem)


def test_wrong_type_task_title() -> None:
    text = doc(TWO_TASKS.replace("title: Nhiệm vụ hai", "title: 5"))
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[1].title")
    assert problem.line == line_of(text, "title: 5")
    assert_bilingual(problem)


def test_wrong_type_reporting_day() -> None:
    tail = "reporting:\n  - to: btg\n    day: mười lăm\n"
    text = doc(tail=tail)
    error = plan_error(text)
    problem = problem_at(error, "$.reporting[0].day")
    assert problem.line == line_of(text, "day: mười lăm")
    assert_bilingual(problem)


def test_wrong_type_ongoing_string() -> None:
    text = doc(ONE_TASK + '    ongoing: "yes"\n')
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[0].ongoing")
    assert problem.line == line_of(text, "ongoing:")
    assert_bilingual(problem)


def test_wrong_type_content_string() -> None:
    text = doc(TWO_TASKS + "    content: a string instead of list\n")
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[1].content")
    assert problem.line == line_of(text, "content:")
    assert_bilingual(problem)


def test_wrong_type_plan_level_json_paths() -> None:
    data = {
        "schema": 1,
        "id": "p",
        "title": "T",
        "issuer": "u",
        "units": [{"id": "u", "name": "Đơn vị"}],
        "tasks": [{"id": "1", "title": "A", "lead": "u", "window": {"start": 20230901}}],
    }
    error = dict_error(data)
    problem = problem_at_any(error, "$.tasks[0].window.start", "$.tasks[0].window")
    assert problem.line is None
    assert_bilingual(problem)


def test_unknown_key_top_level() -> None:
    text = doc(tail="colour: red\n")
    error = plan_error(text)
    problem = problem_at_any(error, "$", "$.colour")
    assert "colour" in problem.en
    assert "colour" in problem.vi
    assert problem.line == line_of(text, "colour:")
    assert_bilingual(problem)


def test_unknown_key_in_task() -> None:
    text = doc(TWO_TASKS + "    colour: red\n")
    error = plan_error(text)
    problem = problem_at_any(error, "$.tasks[1]", "$.tasks[1].colour")
    assert "colour" in problem.en
    assert problem.line == line_of(text, "colour:")
    assert_bilingual(problem)


def test_unknown_key_in_unit() -> None:
    text = HEAD.replace("    short: BTGTU\n", "    short: BTGTU\n    colour: red\n") + ONE_TASK
    error = plan_error(text)
    problem = problem_at_any(error, "$.units[0]", "$.units[0].colour")
    assert "colour" in problem.en
    assert problem.line == line_of(text, "colour:")
    assert_bilingual(problem)


def test_unknown_key_in_window_mapping() -> None:
    text = doc(ONE_TASK + "    window:\n      start: 2023-09-01\n      middle: 2023-09-15\n")
    error = plan_error(text)
    problem = problem_at_any(error, "$.tasks[0].window", "$.tasks[0].window.middle")
    assert "middle" in problem.en
    assert problem.line == line_of(text, "middle:")
    assert_bilingual(problem)


def test_unknown_key_in_window_mapping_json_path() -> None:
    data = json.loads(json.dumps(FULL_JSON))
    data["tasks"][2]["window"] = {"start": "2023-09-01", "finish": "2023-10-01"}
    error = dict_error(data)
    problem = problem_at_any(error, "$.tasks[2].window", "$.tasks[2].window.finish")
    assert "finish" in problem.en
    assert_bilingual(problem)


def test_missing_task_lead() -> None:
    text = doc(TWO_TASKS.replace("    lead: btg\n", ""))
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[1].lead")
    assert problem.line == line_of(text, 'id: "2"')  # the task's own line
    assert_bilingual(problem)


def test_missing_top_level_title() -> None:
    text = HEAD.replace("title: Kế hoạch thử nghiệm\n", "") + ONE_TASK
    error = plan_error(text)
    problem = problem_at(error, "$.title")
    assert_bilingual(problem)


def test_missing_units_and_tasks() -> None:
    error = dict_error({"schema": 1, "id": "p", "title": "T", "issuer": "u"})
    paths = {p.path for p in error.problems}
    assert {"$.units", "$.tasks"} <= paths, listing(error)


def test_duplicate_task_ids() -> None:
    text = doc(TWO_TASKS.replace('id: "2"', 'id: "1"'))
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[1].id")
    assert problem.line == line_of(text, 'id: "1"', occurrence=2)
    assert problem.task == "1"
    assert "$.tasks[0]" in problem.en
    assert_bilingual(problem)


def test_duplicate_unit_ids() -> None:
    text = HEAD.replace("  - id: svhtt\n", "  - id: ubnd\n") + ONE_TASK
    error = plan_error(text)
    problem = problem_at(error, "$.units[3].id")
    assert problem.line == line_of(text, "- id: ubnd", occurrence=2)
    assert_bilingual(problem)


def test_duplicate_yaml_key_in_task() -> None:
    text = doc(TWO_TASKS.replace("    title: Nhiệm vụ hai\n", "    title: Hai\n    title: Ba\n"))
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[1].title")
    assert problem.line == line_of(text, "title: Ba")
    assert "title" in problem.en
    assert_bilingual(problem)


def test_duplicate_yaml_key_top_level() -> None:
    text = doc(tail="title: Lần hai\n")
    error = plan_error(text)
    problem = problem_at(error, "$.title")
    assert problem.line == line_of(text, "title: Lần hai")
    assert_bilingual(problem)


def test_unknown_unit_in_lead_lists_closest() -> None:
    text = doc(TWO_TASKS.replace("lead: btg", "lead: Phòng Tuyen truyen - Bao chi"))
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[1].lead")
    assert problem.line == line_of(text, "lead: Phòng Tuyen")
    assert problem.task == "2"
    assert "Phòng Tuyên truyền - Báo chí" in problem.candidates
    assert "Phòng Tuyên truyền - Báo chí" in problem.en
    assert "Phòng Tuyen truyen - Bao chi" in problem.en
    assert "Phòng Tuyen truyen - Bao chi" in problem.vi
    assert_bilingual(problem)
    assert error.task == "2"


def test_unknown_unit_in_support_index() -> None:
    text = doc(ONE_TASK + "    support: [btg, Phòng Không Tồn Tại, ubnd]\n")
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[0].support[1]")
    assert problem.line == line_of(text, "support:")
    assert problem.task == "1"
    assert "Phòng Không Tồn Tại" in problem.en
    assert_bilingual(problem)
    assert [p.path for p in error.problems] == ["$.tasks[0].support[1]"]


def test_unknown_unit_in_reporting_and_issuer() -> None:
    text = HEAD.replace("issuer: btg", "issuer: Ban Vô Danh") + ONE_TASK
    text += "reporting:\n  - to: Phòng Nào Đó\n    from: [btg, Phòng Khác]\n"
    error = plan_error(text)
    assert problem_at(error, "$.issuer").line == line_of(text, "issuer:")
    assert problem_at(error, "$.reporting[0].to").line == line_of(text, "to: Phòng Nào Đó")
    assert problem_at(error, "$.reporting[0].from[1]").line == line_of(text, "from:")
    assert_error_bilingual(error)


def test_unknown_unit_via_json_has_path_without_line() -> None:
    data = json.loads(json.dumps(FULL_JSON))
    data["tasks"][1]["lead"] = "Phong Tuyen truyen - Bao chi"
    error = plan_error(json.dumps(data), fmt="json")
    problem = problem_at(error, "$.tasks[1].lead")
    assert problem.line is None
    assert "Phòng Tuyên truyền - Báo chí" in problem.candidates


CYCLE_TASKS = """\
  - id: "1"
    title: A
    lead: btg
    depends_on: ["2"]
  - id: "2"
    title: B
    lead: btg
    depends_on: ["3"]
  - id: "3"
    title: C
    lead: btg
    depends_on: ["1"]
"""


def _is_cycle_rotation(shown: str, ids: list[str]) -> bool:
    rotations = []
    for k in range(len(ids)):
        r = ids[k:] + ids[:k]
        rotations.append(" -> ".join([*r, r[0]]))
    return any(r in shown for r in rotations)


def test_dependency_cycle() -> None:
    text = doc(CYCLE_TASKS)
    error = plan_error(text)
    cycles = [p for p in error.problems if "cycle" in p.en]
    assert len(cycles) == 1, listing(error)
    (problem,) = cycles
    assert re.fullmatch(r"\$\.tasks\[[012]\]\.depends_on", problem.path)
    assert problem.task in {"1", "2", "3"}
    for tid in "123":
        assert tid in problem.en
    assert _is_cycle_rotation(problem.en, ["1", "2", "3"]), problem.en
    assert _is_cycle_rotation(problem.vi, ["1", "2", "3"]), problem.vi
    index = int(problem.path[len("$.tasks[")])
    assert problem.task == str(index + 1)
    assert problem.line == line_of(text, "depends_on:", occurrence=index + 1)
    assert_bilingual(problem)


def test_two_task_cycle_via_mapping_dependencies() -> None:
    tasks = TWO_TASKS.replace(
        "    lead: ttbc\n", "    lead: ttbc\n    depends_on: [{task: '2', state: done}]\n"
    ) + ("    depends_on: [{task: '1', state: issued, events: [issue]}]\n")
    error = plan_error(doc(tasks))
    (problem,) = [p for p in error.problems if "cycle" in p.en]
    assert _is_cycle_rotation(problem.en, ["1", "2"]), problem.en


def test_self_dependency() -> None:
    text = doc(TWO_TASKS + '    depends_on: ["1", "2"]\n')
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[1].depends_on[1].task")
    assert problem.task == "2"
    assert problem.line == line_of(text, "depends_on:")
    assert_bilingual(problem)
    assert not [p for p in error.problems if "cycle" in p.en]
    assert len(error.problems) == 1


def test_dependency_on_unknown_task() -> None:
    text = doc(TWO_TASKS + '    depends_on: [{task: "9.9"}]\n')
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[1].depends_on[0].task")
    assert "9.9" in problem.en
    assert "9.9" in problem.vi
    assert problem.task == "2"
    assert problem.line == line_of(text, "depends_on:")
    assert_bilingual(problem)


def test_dependency_invalid_state() -> None:
    text = doc(TWO_TASKS + '    depends_on:\n      - task: "1"\n        state: finished\n')
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[1].depends_on[0].state")
    assert "finished" in problem.en
    assert "issued" in problem.en  # says what is allowed
    assert problem.line == line_of(text, "state: finished")
    assert_bilingual(problem)


def test_dependency_invalid_event() -> None:
    text = doc(TWO_TASKS + '    depends_on: [{task: "1", events: [start, fly]}]\n')
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[1].depends_on[0].events[1]")
    assert "fly" in problem.en
    assert_bilingual(problem)


def test_inverted_window_phrase() -> None:
    text = doc(TWO_TASKS + '    window: "Từ tháng 10 đến tháng 9/2023"\n')
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[1].window")
    assert problem.task == "2"
    assert problem.line == line_of(text, "window:")
    assert "Từ tháng 10 đến tháng 9/2023" in problem.en
    assert "task 2" in problem.message("en")
    assert_bilingual(problem)


def test_inverted_window_mapping() -> None:
    text = doc(ONE_TASK + "    window: {start: 2023-10-01, end: 2023-09-30}\n")
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[0].window")
    assert problem.task == "1"
    assert problem.line == line_of(text, "window:")
    assert "2023-09-30" in problem.en
    assert_bilingual(problem)


@pytest.mark.parametrize("field", ["window", "plan_due"])
def test_month_13(field: str) -> None:
    text = doc(TWO_TASKS + f'    {field}: "Tháng 13/2023"\n')
    error = plan_error(text)
    problem = problem_at(error, f"$.tasks[1].{field}")
    assert problem.task == "2"
    assert problem.line == line_of(text, f"{field}:")
    assert "13" in problem.en
    assert "Tháng 13/2023" in problem.en
    assert "Tháng 13/2023" in problem.vi
    assert_bilingual(problem)


@pytest.mark.parametrize("field", ["window", "plan_due"])
def test_unparseable_phrase_kept_in_message(field: str) -> None:
    text = doc(ONE_TASK + f"    {field}: sớm nhất có thể\n")
    error = plan_error(text)
    problem = problem_at(error, f"$.tasks[0].{field}")
    assert "sớm nhất có thể" in problem.en
    assert "sớm nhất có thể" in problem.vi
    assert problem.line == line_of(text, f"{field}:")
    assert problem.task == "1"
    assert_bilingual(problem)


def test_unparseable_window_mapping_end() -> None:
    text = doc(ONE_TASK + "    window:\n      start: 2023-09-01\n      end: cuối năm\n")
    error = plan_error(text)
    problem = problem_at(error, "$.tasks[0].window.end")
    assert "cuối năm" in problem.en
    assert problem.line == line_of(text, "end: cuối năm")
    assert_bilingual(problem)


def test_window_mapping_accepts_day_phrase_ends() -> None:
    plan = loads_plan(doc(ONE_TASK + "    window: {start: 15/9/2023, end: ngày 20/9/2023}\n"))
    assert plan.tasks[0].window == Window(date(2023, 9, 15), date(2023, 9, 20))


def test_plan_due_month_range_is_not_a_deadline() -> None:
    text = doc(ONE_TASK + '    plan_due: "Từ tháng 3 đến tháng 5/2023"\n')
    problem = problem_at(plan_error(text), "$.tasks[0].plan_due")
    assert_bilingual(problem)


@pytest.mark.parametrize(
    ("first_line", "found"),
    [("", "None"), ("schema: 2\n", "2"), ("schema: '1'\n", "'1'")],
)
def test_schema_missing_or_wrong(first_line: str, found: str) -> None:
    text = first_line + HEAD.replace("schema: 1\n", "") + ONE_TASK
    error = plan_error(text)
    problem = problem_at(error, "$.schema")
    assert found in problem.en
    if first_line:
        assert problem.line == 1
    assert_bilingual(problem)


def test_schema_on_later_line() -> None:
    text = HEAD.replace("schema: 1\n", "") + ONE_TASK + "schema: 3\n"
    problem = problem_at(plan_error(text), "$.schema")
    assert problem.line == line_of(text, "schema: 3")


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("- schema: 1\n- id: p\n", "yaml"),
        ('[{"schema": 1}]', "json"),
        ("just a string\n", "yaml"),
        ("", "yaml"),
        ("42", "json"),
    ],
)
def test_top_level_not_a_mapping(text: str, fmt: str) -> None:
    error = plan_error(text, fmt=fmt)
    problem = problem_at(error, "$")
    assert "mapping" in problem.en
    assert_bilingual(problem)


def test_malformed_json_line() -> None:
    text = '{\n  "schema": 1,\n  "id": "p",\n  "title": ,\n  "issuer": "u"\n}\n'
    error = plan_error(text, fmt="json")
    problem = problem_at(error, "$")
    assert problem.line == line_of(text, '"title"')
    assert "JSON" in problem.en
    assert_bilingual(problem)


def test_malformed_json_file_reports_source_and_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{\n  "schema": 1,\n  "id": "p"\n  "title": "T"\n}\n', encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert info.value.source == str(path)
    assert info.value.problems[0].line == 4
    assert f"{path}:4" in str(info.value)


def test_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "plan.yaml"
    with pytest.raises(PlanError) as info:
        load_plan(path)
    error = info.value
    assert error.source == str(path)
    assert str(path) in str(error)
    assert str(path) in error.vi
    problem = problem_at(error, "$")
    assert_bilingual(problem)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path)
    assert info.value.source == str(tmp_path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(doc().encode("cp1258", errors="replace").replace(b"id: kh", b"id: \xff\xfe"))
    with pytest.raises(PlanError) as info:
        load_plan(path)
    error = info.value
    assert error.source == str(path)
    assert str(path) in str(error)
    problem = problem_at(error, "$")
    assert "UTF-8" in problem.en
    assert_bilingual(problem)


def test_latin1_vietnamese_file_rejected(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b'{"schema": 1, "title": "K\xe9 ho\xe1ch"}')
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert info.value.source == str(path)
    assert "UTF-8" in info.value.problems[0].en


def test_problem_in_file_reports_source_and_line(tmp_path: Path) -> None:
    text = doc(TWO_TASKS.replace("lead: btg", "lead: Phòng Tuyen truyen - Bao chi"))
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    error = info.value
    line = line_of(text, "lead: Phòng Tuyen")
    assert error.source == str(path)
    assert f"{path}:{line}: $.tasks[1].lead" in str(error)
    assert error.lines("vi")[0].startswith(f"{path}:{line}: $.tasks[1].lead: nhiệm vụ 2: ")


# --- 4. several problems at once -------------------------------------------------------


def test_several_loader_problems_at_once() -> None:
    tasks = """\
  - id: "1"
    title: A
    lead: Phòng Không Có
  - id: "2"
    title: B
    lead: btg
    window: sớm nhất có thể
  - id: "3"
    title: C
    lead: btg
    plan_due: "Tháng 13/2023"
    support: [btg, Ai Đó]
"""
    error = plan_error(doc(tasks))
    paths = [p.path for p in error.problems]
    assert len(error.problems) >= 4
    assert {
        "$.tasks[0].lead",
        "$.tasks[1].window",
        "$.tasks[2].plan_due",
        "$.tasks[2].support[1]",
    } <= set(paths)
    assert_error_bilingual(error)


def test_several_check_problems_at_once() -> None:
    tasks = """\
  - id: "1"
    title: A
    lead: btg
    window: {start: 2023-10-01, end: 2023-09-01}
  - id: "1"
    title: B
    lead: btg
    depends_on: ["7"]
  - id: "3"
    title: C
    lead: btg
    depends_on: [{task: "3", state: finished}]
"""
    error = plan_error(doc(tasks))
    paths = {p.path for p in error.problems}
    assert {
        "$.tasks[0].window",
        "$.tasks[1].id",
        "$.tasks[1].depends_on[0].task",
        "$.tasks[2].depends_on[0].task",
        "$.tasks[2].depends_on[0].state",
    } <= paths, listing(error)


def test_loader_and_check_problems_reported_together() -> None:
    """An unknown unit name must not hide a duplicate id or a cycle elsewhere."""
    tasks = (
        CYCLE_TASKS.replace(
            'lead: btg\n    depends_on: ["2"]', 'lead: Ai Đó\n    depends_on: ["2"]'
        )
        + '  - id: "2"\n    title: D\n    lead: btg\n'
    )
    error = plan_error(doc(tasks))
    paths = {p.path for p in error.problems}
    assert len(error.problems) >= 3, listing(error)
    assert "$.tasks[0].lead" in paths, listing(error)
    assert "$.tasks[3].id" in paths, listing(error)
    assert any("cycle" in p.en for p in error.problems), listing(error)


def test_type_problems_in_several_tasks_reported_together() -> None:
    tasks = """\
  - id: "1"
    title: 5
    lead: btg
  - id: "2"
    title: B
    lead: btg
  - id: "3"
    title: C
    lead: btg
    ongoing: "yes"
"""
    text = doc(tasks, tail="colour: red\n")
    error = plan_error(text)
    assert len(error.problems) >= 3, listing(error)
    assert problem_at(error, "$.tasks[0].title").line == line_of(text, "title: 5")
    assert problem_at(error, "$.tasks[2].ongoing").line == line_of(text, "ongoing:")
    assert any("colour" in p.en for p in error.problems), listing(error)


# --- 5. long dependency chains ---------------------------------------------------------

CHAIN = 10_000


def _chain(closed: bool) -> dict[str, Any]:
    tasks: list[dict[str, Any]] = [
        {
            "id": f"t{i}",
            "title": f"Nhiệm vụ {i}",
            "lead": "u",
            "depends_on": [f"t{i - 1}"] if i else [],
        }
        for i in range(CHAIN)
    ]
    if closed:
        tasks[0]["depends_on"] = [f"t{CHAIN - 1}"]
    return {
        "schema": 1,
        "id": "chain",
        "title": "Chuỗi dài",
        "issuer": "u",
        "units": [{"id": "u", "name": "Đơn vị"}],
        "tasks": tasks,
    }


def test_long_dependency_chain_loads() -> None:
    plan = plan_from_dict(_chain(closed=False))
    assert len(plan.tasks) == CHAIN
    assert plan.tasks[-1].depends_on[0].task == f"t{CHAIN - 2}"
    assert plan.problems == ()


def test_long_dependency_cycle_rejected() -> None:
    error = dict_error(_chain(closed=True))
    cycles = [p for p in error.problems if "cycle" in p.en]
    assert len(cycles) == 1, listing(error)[:3]
    problem = cycles[0]
    assert re.fullmatch(r"\$\.tasks\[\d+\]\.depends_on", problem.path)
    ids = problem.en.split("cycle: ", 1)[1].split(" -> ")
    assert len(ids) == CHAIN + 1
    assert ids[0] == ids[-1]
    assert set(ids) == {f"t{i}" for i in range(CHAIN)}
    assert_bilingual(problem)


# --- 6. property: plan files as people write them, built on the testing kit ------------

TITLE_ALPHABET = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ ĐÔƠ,.-"
)

#: States a dependency may require: "planned" always holds, so the checks refuse it.
REQUIRABLE_STATES = [s for s in PROGRESS_RANK if s != "planned"]

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))

#: Plans over this century: any title, any plan-due day, windows 2000-2098.
CENTURY_PLANS = tts.plans(
    windows=tts.windows(min_year=2000, max_year=2097),
    titles=st.text(TITLE_ALPHABET, min_size=1, max_size=30),
    plan_dues=st.none() | DAYS,
)


@settings(max_examples=50, deadline=None)
@given(tts.plan_files(CENTURY_PLANS))
def test_property_dict_round_trip(case: tts.PlanFile) -> None:
    """Unit names in any spelling, windows as phrases or mappings, deadlines as phrases
    or dates: the file loads as exactly the plan it was written from."""
    plan = plan_from_dict(case.data)
    assert plan == case.plan
    assert plan_from_dict(plan_to_dict(plan)) == plan
    for task, written in zip(plan.tasks, case.data["tasks"], strict=True):
        window = written.get("window")
        if isinstance(window, str):  # a phrase is kept as written
            assert task.window_text == unicodedata.normalize("NFC", window).strip()
        assert tuple(d.task for d in task.depends_on) == tuple(
            d if isinstance(d, str) else d["task"] for d in written.get("depends_on", [])
        )


@settings(max_examples=50, deadline=None)
@given(tts.plan_files(CENTURY_PLANS))
def test_property_text_round_trip(case: tts.PlanFile) -> None:
    plan = plan_from_dict(case.data)
    assert loads_plan(yaml.safe_dump(case.data, allow_unicode=True)) == plan
    assert loads_plan(dump_plan(plan)) == plan
    assert loads_plan(dump_plan(plan, fmt="json"), fmt="json") == plan


@settings(max_examples=50, deadline=None)
@given(tts.invalid_plans())
def test_property_each_broken_file_names_its_problem(case: tts.InvalidPlan) -> None:
    """Broken in one known way, a plan file (as a mapping, YAML or JSON) raises exactly
    that problem, at its path, in both languages."""
    for load in (
        lambda: plan_from_dict(case.data),
        lambda: loads_plan(yaml.safe_dump(case.data, allow_unicode=True)),
        lambda: loads_plan(json.dumps(case.data, ensure_ascii=False), fmt="json"),
    ):
        with pytest.raises(PlanError) as info:
            load()
        case.check(info.value)
        assert_error_bilingual(info.value)


@given(
    st.builds(
        Task,
        id=st.text(min_size=1, max_size=5),
        title=st.text(TITLE_ALPHABET, max_size=20),
        lead=st.text(max_size=5),
        section=st.none() | st.text(max_size=5),
        content=st.lists(st.text(max_size=10), max_size=2),
        support=st.lists(st.text(max_size=5), max_size=3),
        support_other=st.lists(st.text(max_size=5), max_size=2),
        plan_due=st.none() | DAYS,
        plan_due_text=st.none() | st.text(max_size=10),
        window=tts.windows(min_year=2000, max_year=2097).map(lambda case: case[0]),
        window_text=st.none() | st.text(max_size=10),
        ongoing=st.booleans(),
        depends_on=st.lists(
            st.builds(
                Dependency,
                task=st.text(min_size=1, max_size=5),
                state=st.sampled_from(REQUIRABLE_STATES),
                events=st.lists(st.sampled_from(["issue", "start", "report"]), max_size=2),
            ),
            max_size=2,
        ),
    )
)
def test_hand_written_task_dict_is_what_cattrs_generates(task: Task) -> None:
    """``task_to_dict`` (fast, for big exports) stays the same as cattrs' own function."""
    import cattrs
    from cattrs.gen import make_dict_unstructure_fn

    from tuyentruyen.io import task_to_dict

    reference = cattrs.Converter()
    reference.register_unstructure_hook(date, lambda d: d.isoformat())
    assert task_to_dict(task) == make_dict_unstructure_fn(Task, reference)(task)
    assert list(task_to_dict(task)) == [f.name for f in attrs.fields(Task)]
