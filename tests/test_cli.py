"""The ``tuyentruyen`` command line, run for real.

The end-to-end path and the bad-input cases run ``python -m tuyentruyen`` as a
subprocess with the locale controlled; the rest calls :func:`tuyentruyen.cli.main`
in-process with ``io.StringIO`` streams.
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from clirun import Result, cli, ok
from tuyentruyen import load_plan
from tuyentruyen.lifecycle import EVENT_LABELS_VI, STATE_LABELS, STATES

PLAN_YAML = """\
schema: 1
id: qn-60-test
title: "Thông tin tuyên truyền Kỷ niệm 60 năm Ngày thành lập tỉnh Quảng Ninh"
issuer: btgtu
units:
  - id: btgtu
    name: Ban Tuyên giáo Tỉnh ủy
  - id: tt-bc-xb
    name: Phòng Tuyên truyền - Báo chí - Xuất bản
  - id: tt-th
    name: Phòng Thông tin - Tổng hợp
tasks:
  - id: "2.1"
    title: "Phối hợp với Tạp chí Cộng sản tuyên truyền về 60 năm tỉnh Quảng Ninh"
    lead: tt-bc-xb
    plan_due: "Tháng 4/2023"
    window: "Từ tháng 9 đến tháng 10/2023"
    depends_on:
      - task: "3.1"
        state: issued
  - id: "2.6"
    title: "Tuyên truyền trên các cơ quan báo chí"
    lead: tt-bc-xb
    plan_due: "Tháng 3/2023"
    window: "Từ tháng 3 đến tháng 10/2023"
  - id: "3.1"
    title: "Thông tin tổng hợp về các hoạt động kỷ niệm"
    lead: tt-th
    window: "Thường xuyên từ tháng 3 đến hết tháng 10/2023"
reporting:
  - every: month
    day: 15
    to: tt-bc-xb
"""

TASK_IDS = ["2.1", "2.6", "3.1"]
REPORT_DATA = {"articles": 12, "links": ["https://example.vn/a"]}
LANG_VARS = ("TUYENTRUYEN_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
ERROR_LINE = re.compile(r"^(lỗi|error): ")
YEAR_ERROR = ["1900", "2200"]


# --- helpers ---------------------------------------------------------------------------


def run(*args: object, cwd: Path | None = None, **env_vars: str) -> Result:
    """Run ``python -m tuyentruyen ARGS`` in a fresh process.

    The language variables are cleared, then ``env_vars`` set (``LANG=C.UTF-8`` unless
    given, which means Vietnamese).
    """
    env = {k: v for k, v in os.environ.items() if k not in LANG_VARS}
    env.pop("TUYENTRUYEN_DEBUG", None)
    env["PYTHONUTF8"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    env.setdefault("LANG", "C.UTF-8")
    env.update(env_vars)
    proc = subprocess.run(
        [sys.executable, "-m", "tuyentruyen", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def assert_one_error_line(result: Result, lang: str) -> str:
    """Exit 2, exactly one line on stderr starting with the error word, no traceback."""
    assert result.code == 2, result
    assert "Traceback" not in result.err, result.err
    assert "Traceback" not in result.out, result.out
    lines = result.err_lines
    assert len(lines) == 1, lines
    prefix = "lỗi: " if lang == "vi" else "error: "
    assert lines[0].startswith(prefix), lines
    return lines[0]


def line_of(path: Path, marker: str) -> int:
    """1-based number of the first line of ``path`` containing ``marker``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if marker in line:
            return number
    raise AssertionError(f"{marker!r} not in {path}")


@pytest.fixture(autouse=True)
def _neutral_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process calls see no language settings (so Vietnamese is the default)."""
    for name in (*LANG_VARS, "TUYENTRUYEN_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN_YAML, encoding="utf-8")
    return path


def default_state(plan: Path) -> Path:
    return plan.with_name(plan.name + ".events.jsonl")


def moved(source: str, dest: str) -> str:
    """How a Vietnamese ``fire`` line shows a change of state: labels with the ids."""
    vi = STATE_LABELS["vi"]
    return f"{vi[source]} ({source}) -> {vi[dest]} ({dest})"


# --- 1. check and show -----------------------------------------------------------------


def test_check_ok_names_counts(plan_file: Path) -> None:
    result = ok(run("check", plan_file))
    assert str(plan_file) in result.out
    assert "3 nhiệm vụ" in result.out
    assert "3 đơn vị" in result.out
    assert "1 quy định báo cáo" in result.out

    en = ok(cli("--lang", "en", "check", plan_file))
    assert re.search(r"\b3 tasks\b.*\b3 units\b.*\b1 reporting rule", en.out), en.out


def test_check_writes_no_state_file(plan_file: Path) -> None:
    ok(cli("check", plan_file))
    assert not default_state(plan_file).exists()


def test_show_json_is_a_valid_plan_file(plan_file: Path, tmp_path: Path) -> None:
    result = ok(run("show", "--json", plan_file))
    data = json.loads(result.out)
    assert [t["id"] for t in data["tasks"]] == TASK_IDS
    assert {u["id"] for u in data["units"]} == {"btgtu", "tt-bc-xb", "tt-th"}

    json_file = tmp_path / "normalized.json"
    json_file.write_text(result.out, encoding="utf-8")
    checked = ok(run("check", json_file))
    assert "3 nhiệm vụ" in checked.out
    assert load_plan(json_file) == load_plan(plan_file)


def test_show_yaml_round_trips(plan_file: Path, tmp_path: Path) -> None:
    result = ok(cli("show", "--yaml", plan_file))
    assert result.out.startswith("schema: 1")
    yaml_file = tmp_path / "normalized.yaml"
    yaml_file.write_text(result.out, encoding="utf-8")
    ok(cli("check", yaml_file))
    assert load_plan(yaml_file) == load_plan(plan_file)


def test_show_table(plan_file: Path) -> None:
    result = ok(cli("show", plan_file))
    assert "Thông tin tuyên truyền Kỷ niệm 60 năm" in result.out
    assert "Ban Tuyên giáo Tỉnh ủy" in result.out
    assert "Nhiệm vụ" in result.out
    for tid in TASK_IDS:
        assert re.search(rf"^{re.escape(tid)}\s", result.out, re.M), tid
    assert "Tháng 4/2023" in result.out
    assert "Thường xuyên từ tháng 3 đến hết tháng 10/2023" in result.out
    assert "Phòng Thông tin - Tổng hợp" in result.out

    en = ok(cli("--lang", "en", "show", plan_file))
    assert "Task" in en.out
    assert "Lead unit" in en.out


def test_show_json_and_yaml_are_exclusive(plan_file: Path) -> None:
    result = cli("show", "--json", "--yaml", plan_file)
    assert result.code == 2
    assert len(result.err_lines) == 1


# --- 2. a whole lifecycle, end to end ----------------------------------------------------


def fire(plan: Path, task: str, event: str, actor: str, at: str, *extra: str) -> Result:
    return ok(run("fire", plan, task, event, "--actor", actor, "--at", at, *extra))


def test_end_to_end_lifecycle(plan_file: Path) -> None:
    first = fire(plan_file, "2.6", "issue", "tt-bc-xb", "2023-03-20T08:00")
    assert "#1" in first.out
    assert "chưa ban hành (planned) -> đã ban hành (issued)" in first.out
    fire(plan_file, "2.6", "start", "tt-bc-xb", "20/3/2023 09:00")
    fire(plan_file, "3.1", "issue", "tt-th", "2023-03-01")
    report = fire(
        plan_file,
        "2.6",
        "report",
        "Phòng Tuyên truyền - Báo chí - Xuất bản",  # a unit name works as actor too
        "2023-10-20T10:00",
        "--data",
        json.dumps(REPORT_DATA),
        "--note",
        "Báo cáo kết quả tuyên truyền",
    )
    assert moved("in_progress", "reported") in report.out
    done = fire(plan_file, "2.6", "accept", "tt-bc-xb", "25/10/2023 14:30")
    assert moved("reported", "done") in done.out

    # history --json: every event, in order, data exactly as given
    hist = json.loads(ok(run("history", plan_file, "--json")).out)
    assert [(e["seq"], e["task"], e["event"], e["source"], e["dest"]) for e in hist] == [
        (1, "2.6", "issue", "planned", "issued"),
        (2, "2.6", "start", "issued", "in_progress"),
        (3, "3.1", "issue", "planned", "issued"),
        (4, "2.6", "report", "in_progress", "reported"),
        (5, "2.6", "accept", "reported", "done"),
    ]
    assert [e["at"] for e in hist] == [
        "2023-03-20T08:00:00+07:00",
        "2023-03-20T09:00:00+07:00",
        "2023-03-01T00:00:00+07:00",
        "2023-10-20T10:00:00+07:00",
        "2023-10-25T14:30:00+07:00",
    ]
    assert hist[3]["data"] == REPORT_DATA
    assert hist[3]["actor"] == "tt-bc-xb"
    assert hist[3]["note"] == "Báo cáo kết quả tuyên truyền"
    assert hist[3]["final"] is True

    only_26 = json.loads(ok(run("history", plan_file, "2.6", "--json")).out)
    assert [e["event"] for e in only_26] == ["issue", "start", "report", "accept"]

    text = ok(run("history", plan_file)).out
    assert text.index("#1") < text.index("#5")
    assert "chưa ban hành -> đã ban hành" in text

    # status as of 1/11/2023
    status = json.loads(ok(run("status", plan_file, "--at", "2023-11-01", "--json")).out)
    by_id = {t["id"]: t for t in status["tasks"]}
    assert list(by_id) == TASK_IDS
    assert by_id["2.6"]["state"] == "done"
    assert by_id["2.6"]["classification"] == "done_on_time"
    assert by_id["2.6"]["classification_vi"] == "hoàn thành đúng hạn"
    assert by_id["2.1"]["state"] == "planned"
    assert by_id["2.1"]["classification"] == "in_progress_overdue"
    assert by_id["2.1"]["deadline"] == {"kind": "plan_due", "day": "2023-04-30"}
    assert by_id["3.1"]["state"] == "issued"
    assert by_id["3.1"]["classification"] == "in_progress_overdue"

    summary = {row["unit"]: row for row in status["summary"]}
    assert set(summary) == {"tt-bc-xb", "tt-th"}
    assert summary["tt-bc-xb"]["unit_name"] == "Phòng Tuyên truyền - Báo chí - Xuất bản"
    assert summary["tt-bc-xb"]["total"] == 2
    assert summary["tt-bc-xb"]["done_on_time"] == 1
    assert summary["tt-bc-xb"]["not_done_overdue"] == 1
    assert summary["tt-th"]["total"] == 1
    assert summary["tt-th"]["not_done_overdue"] == 1
    assert status["total"]["total"] == 3
    assert status["total"]["done_on_time"] == 1
    assert status["next_reports"] == [{"to": "tt-bc-xb", "due": "2023-11-15"}]

    # status as of an earlier moment replays only the events up to then
    april = json.loads(ok(run("status", plan_file, "--at", "15/4/2023", "--json")).out)
    april_by_id = {t["id"]: t for t in april["tasks"]}
    assert april_by_id["2.6"]["state"] == "in_progress"
    assert april_by_id["2.6"]["classification"] == "in_progress_on_time"
    assert april_by_id["2.1"]["classification"] == "not_started"
    assert april["next_reports"] == [{"to": "tt-bc-xb", "due": "2023-05-15"}]

    # tables: Vietnamese by default, English on request
    vi = ok(run("status", plan_file, "--at", "2023-11-01")).out
    assert "Nhiệm vụ" in vi
    assert "Phân loại" in vi
    assert "hoàn thành đúng hạn" in vi
    assert "đang thực hiện quá hạn" in vi
    assert "15/11/2023" in vi
    en = ok(run("--lang", "en", "status", plan_file, "--at", "2023-11-01")).out
    assert "Task" in en
    assert "Classification" in en
    assert "done on time" in en
    assert "Nhiệm vụ" not in en
    assert "2023-11-15" in en


def test_ongoing_task_interim_report_goes_back_to_in_progress(plan_file: Path) -> None:
    ok(cli("fire", plan_file, "3.1", "issue", "--actor", "tt-th", "--at", "2023-03-01"))
    ok(cli("fire", plan_file, "3.1", "start", "--actor", "tt-th", "--at", "2023-03-02"))
    ok(cli("fire", plan_file, "3.1", "report", "--actor", "tt-th", "--at", "2023-04-10"))
    back = ok(cli("fire", plan_file, "3.1", "accept", "--actor", "tt-bc-xb", "--at", "2023-04-12"))
    assert moved("reported", "in_progress") in back.out
    ok(cli("fire", plan_file, "3.1", "report", "--actor", "tt-th", "--at", "2023-10-30", "--final"))
    done = ok(cli("fire", plan_file, "3.1", "accept", "--actor", "tt-bc-xb", "--at", "2023-10-31"))
    assert moved("reported", "done") in done.out


# --- 3. the state file -------------------------------------------------------------------


def test_state_file_beside_plan_by_default(plan_file: Path) -> None:
    state = default_state(plan_file)
    assert not state.exists()
    fire(plan_file, "2.6", "issue", "tt-bc-xb", "2023-03-20")
    assert state.exists()
    assert state.name == "plan.yaml.events.jsonl"
    lines = state.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    header = json.loads(lines[0])
    assert header["tuyentruyen"] == "event-log"
    assert header["plan"] == "qn-60-test"
    assert json.loads(lines[1])["task"] == "2.6"

    # a fresh process replays it
    status = json.loads(ok(run("status", plan_file, "--at", "2023-03-21", "--json")).out)
    assert {t["id"]: t["state"] for t in status["tasks"]} == {
        "2.1": "planned",
        "2.6": "issued",
        "3.1": "planned",
    }


def test_state_option_puts_the_log_elsewhere(plan_file: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    state = elsewhere / "log.jsonl"
    fire(plan_file, "2.6", "issue", "tt-bc-xb", "2023-03-20", "--state", str(state))
    fire(plan_file, "2.6", "start", "tt-bc-xb", "2023-03-21", "--state", str(state))
    assert state.exists()
    assert not default_state(plan_file).exists()

    status = json.loads(
        ok(run("status", plan_file, "--state", state, "--at", "2023-04-01", "--json")).out
    )
    assert {t["id"]: t["state"] for t in status["tasks"]}["2.6"] == "in_progress"
    hist = json.loads(ok(run("history", plan_file, "--state", state, "--json")).out)
    assert [e["event"] for e in hist] == ["issue", "start"]

    # the default log is untouched and empty
    assert ok(run("history", plan_file)).out.strip() == "chưa có sự kiện nào"
    assert json.loads(ok(run("history", plan_file, "--json")).out) == []
    assert not default_state(plan_file).exists()


def test_read_only_commands_do_not_create_the_state_file(plan_file: Path) -> None:
    ok(cli("status", plan_file, "--at", "2023-05-01"))
    ok(cli("history", plan_file))
    assert not default_state(plan_file).exists()


# --- 4. bad input --------------------------------------------------------------------------


@dataclass
class Env:
    """A plan with a few recorded events: 2.1 issued (10/4/2023); 2.6 and 3.1 planned."""

    dir: Path
    plan: Path
    state: Path

    def write(self, name: str, text: str) -> Path:
        path = self.dir / name
        path.write_text(text, encoding="utf-8")
        return path


@pytest.fixture
def env(plan_file: Path) -> Env:
    ok(cli("fire", plan_file, "2.1", "issue", "--actor", "tt-bc-xb", "--at", "2023-04-10"))
    state = default_state(plan_file)
    assert state.exists()
    return Env(plan_file.parent, plan_file, state)


@dataclass
class Case:
    """A bad invocation: ``setup`` returns the arguments and what the error line must
    contain (as regular expressions)."""

    id: str
    setup: Callable[[Env], tuple[list[object], list[str]]]
    untouched: Callable[[Env], list[Path]] = field(default=lambda e: [])


def _malformed(e: Env) -> tuple[list[object], list[str]]:
    bad = e.write(
        "malformed.yaml",
        PLAN_YAML.replace(
            '    lead: tt-bc-xb\n    plan_due: "Tháng 3/2023"',
            '    lead: tt-bc-xb: oops\n    plan_due: "Tháng 3/2023"',
        ),
    )
    line = line_of(bad, "tt-bc-xb: oops")
    args = ["fire", bad, "2.6", "issue", "--actor", "tt-bc-xb", "--state", e.state]
    return args, [re.escape(f"{bad}:{line}:")]


def _python_tag(e: Env) -> tuple[list[object], list[str]]:
    marker = e.dir / "PWNED"
    bad = e.write(
        "evil.yaml",
        PLAN_YAML.replace(
            '    title: "Tuyên truyền trên các cơ quan báo chí"',
            f'    title: !!python/object/apply:os.system ["touch {marker}"]',
        ),
    )
    line = line_of(bad, "!!python/object")
    args = ["fire", bad, "2.6", "issue", "--actor", "tt-bc-xb", "--state", e.state]
    return args, [re.escape(f"{bad}:{line}:")]


def _unknown_key(e: Env) -> tuple[list[object], list[str]]:
    bad = e.write(
        "unknown-key.yaml",
        PLAN_YAML.replace("    lead: tt-th\n", "    lead: tt-th\n    colour: red\n"),
    )
    args = ["fire", bad, "2.6", "issue", "--actor", "tt-bc-xb", "--state", e.state]
    return args, [re.escape(str(bad)) + r":\d+:", "colour"]


def _fire(*args: object, expect: list[str]) -> Callable[[Env], tuple[list[object], list[str]]]:
    def setup(e: Env) -> tuple[list[object], list[str]]:
        return ["fire", e.plan, *args], expect

    return setup


def _missing_plan(e: Env) -> tuple[list[object], list[str]]:
    missing = e.dir / "nope.yaml"
    return ["fire", missing, "2.6", "issue", "--actor", "tt-bc-xb"], [re.escape(str(missing))]


def _corrupt_state(e: Env) -> tuple[list[object], list[str]]:
    with e.state.open("a", encoding="utf-8") as handle:
        handle.write("garbage, not JSON\n")
    line = len(e.state.read_text(encoding="utf-8").splitlines())
    assert line == 3
    args = ["fire", e.plan, "2.6", "issue", "--actor", "tt-bc-xb", "--at", "2023-03-20"]
    return args, [re.escape(f"{e.state}:{line}")]


def _bad_plan(
    name: str, old: str, new: str, marker: str, *expect: str
) -> Callable[[Env], tuple[list[object], list[str]]]:
    """A copy of the plan with ``old`` replaced by ``new`` (one problem); the error line
    must name the file and the line holding ``marker``, and match each of ``expect``."""

    def setup(e: Env) -> tuple[list[object], list[str]]:
        assert PLAN_YAML.count(old) == 1, old
        bad = e.write(f"{name}.yaml", PLAN_YAML.replace(old, new))
        line = line_of(bad, marker)
        args = ["fire", bad, "2.6", "issue", "--actor", "tt-bc-xb", "--state", e.state]
        return args, [re.escape(f"{bad}:{line}:"), *expect]

    return setup


def _dependency_cycle(e: Env) -> tuple[list[object], list[str]]:
    """2.1 needs 3.1 (as in PLAN_YAML), 3.1 needs 2.6, 2.6 needs 2.1."""
    window_26 = '    window: "Từ tháng 3 đến tháng 10/2023"\n'
    window_31 = '    window: "Thường xuyên từ tháng 3 đến hết tháng 10/2023"\n'
    needs = '    depends_on:\n      - task: "{}"\n        state: issued\n'
    text = PLAN_YAML.replace(window_26, window_26 + needs.format("2.1")).replace(
        window_31, window_31 + needs.format("2.6")
    )
    bad = e.write("cycle.yaml", text)
    args = ["fire", bad, "2.6", "issue", "--actor", "tt-bc-xb", "--state", e.state]
    # the cycle itself, from whichever task it starts: a -> b -> c -> a
    cycle = r"(\d\.\d) -> (?!\1)\d\.\d -> (?!\1)\d\.\d -> \1"
    return args, [re.escape(str(bad)) + r":\d+:", "depends_on", cycle]


def _status(*args: object, expect: list[str]) -> Callable[[Env], tuple[list[object], list[str]]]:
    def setup(e: Env) -> tuple[list[object], list[str]]:
        return ["status", e.plan, *args], expect

    return setup


def _state_folder_missing(e: Env) -> tuple[list[object], list[str]]:
    missing = e.dir / "nonexist" / "x.jsonl"
    args = ["fire", e.plan, "2.6", "issue", "--actor", "tt-bc-xb", "--at", "2023-03-20"]
    # names the state file and its folder, never the temporary file
    no_temp = r"^(?!.*\.x\.jsonl\.)"
    return [*args, "--state", missing], [
        re.escape(f"{missing}: "),
        re.escape(str(missing.parent)),
        no_temp,
    ]


BAD_INPUT = [
    Case("malformed-yaml", _malformed),
    Case("python-tag", _python_tag, lambda e: [e.dir / "PWNED"]),
    Case("unknown-key-in-task", _unknown_key),
    Case("unknown-task", _fire("9.9", "issue", "--actor", "tt-bc-xb", expect=[r"9\.9"])),
    Case(
        "wrong-actor",
        _fire("2.6", "issue", "--actor", "tt-th", "--at", "2023-03-20", expect=[r"2\.6", "tt-th"]),
    ),
    Case(
        "before-previous-event",
        _fire(
            "2.1",
            "cancel",
            "--actor",
            "btgtu",
            "--note",
            "không còn phù hợp",
            "--at",
            "2023-04-01",
            expect=[r"2\.1", "2023-04-10"],
        ),
    ),
    Case(
        "invalid-transition",
        _fire(
            "2.6",
            "start",
            "--actor",
            "tt-bc-xb",
            "--at",
            "2023-03-20",
            expect=[r"2\.6", "planned", "start"],
        ),
    ),
    Case(
        "dependency-not-met",
        _fire(
            "2.1", "start", "--actor", "tt-bc-xb", "--at", "2023-09-01", expect=[r"2\.1", r"3\.1"]
        ),
    ),
    Case(
        "data-not-json",
        _fire(
            "2.6",
            "issue",
            "--actor",
            "tt-bc-xb",
            "--at",
            "2023-03-20",
            "--data",
            "not json",
            expect=["--data"],
        ),
    ),
    Case(
        "data-not-an-object",
        _fire(
            "2.6",
            "issue",
            "--actor",
            "tt-bc-xb",
            "--at",
            "2023-03-20",
            "--data",
            "[1, 2]",
            expect=[r"2\.6", "data"],
        ),
    ),
    Case(
        "bad-moment",
        _fire("2.6", "issue", "--actor", "tt-bc-xb", "--at", "32/13/2023", expect=["32/13/2023"]),
    ),
    Case(
        "cancel-without-note",
        _fire("2.6", "cancel", "--actor", "btgtu", "--at", "2023-03-20", expect=[r"2\.6"]),
    ),
    Case(
        "future-event",
        _fire(
            "2.6", "issue", "--actor", "tt-bc-xb", "--at", "2099-01-01", expect=[r"2\.6", "2099"]
        ),
    ),
    Case("missing-plan-file", _missing_plan, lambda e: [e.dir / "nope.yaml.events.jsonl"]),
    Case("corrupted-state-file", _corrupt_state),
    Case(
        "wrong-type-in-plan",
        _bad_plan(
            "wrong-type",
            '    title: "Tuyên truyền trên các cơ quan báo chí"',
            "    title: 5",
            "title: 5",
            r"\$\.tasks\[1\]\.title",
        ),
    ),
    Case(
        "duplicate-task-id",
        _bad_plan(
            "duplicate",
            "reporting:\n",
            "  - id: '2.6'\n    title: \"Lặp lại\"\n    lead: tt-th\n"
            '    window: "Tháng 5/2023"\nreporting:\n',
            "id: '2.6'",
            r"\$\.tasks\[3\]",
            r"2\.6",
        ),
    ),
    Case(
        "unknown-unit",
        _bad_plan(
            "unknown-unit",
            "    lead: tt-th\n",
            "    lead: tt-thh\n",
            "lead: tt-thh",
            r"\$\.tasks\[2\]\.lead",
            r"'tt-thh'.*\btt-th\b",  # and the closest name
        ),
    ),
    Case("dependency-cycle", _dependency_cycle),
    Case(
        "inverted-window",
        _bad_plan(
            "inverted",
            '"Từ tháng 9 đến tháng 10/2023"',
            '"Từ tháng 10 đến tháng 9/2023"',
            "Từ tháng 10 đến tháng 9/2023",
            r"\$\.tasks\[0\]\.window",
            "Từ tháng 10 đến tháng 9/2023",
        ),
    ),
    Case(
        "month-13",
        _bad_plan(
            "month-13",
            '"Tháng 4/2023"',
            '"Tháng 13/2023"',
            "Tháng 13/2023",
            r"\$\.tasks\[0\]\.plan_due",
            r"\b13\b",
        ),
    ),
    Case(
        "fire-at-year-1",
        _fire("2.6", "issue", "--actor", "tt-bc-xb", "--at", "0001-01-01", expect=YEAR_ERROR),
    ),
    Case(
        "fire-at-year-9999",
        _fire("2.6", "issue", "--actor", "tt-bc-xb", "--at", "9999-12-31", expect=YEAR_ERROR),
    ),
    Case("status-at-year-1", _status("--at", "0001-01-01", expect=YEAR_ERROR)),
    Case("status-at-year-9999", _status("--at", "9999-12-31", expect=YEAR_ERROR)),
    Case("status-at-year-9999-time", _status("--at", "9999-12-31T23:00", expect=YEAR_ERROR)),
    Case(
        "fire-at-empty",
        _fire("2.6", "issue", "--actor", "tt-bc-xb", "--at", "", expect=["''", "2023-09-15"]),
    ),
    Case("status-at-empty", _status("--at", "", expect=["''", "2023-09-15"])),
    Case("state-folder-missing", _state_folder_missing, lambda e: [e.dir / "nonexist"]),
]


def _check_bad_input(case: Case, e: Env, lang: str, runner: Callable[..., Result]) -> None:
    args, expect = case.setup(e)
    before = e.state.read_bytes()
    absent = case.untouched(e)
    result = runner(*args) if lang == "vi" else runner("--lang", "en", *args)
    line = assert_one_error_line(result, lang)
    for pattern in expect:
        assert re.search(pattern, line), (pattern, line)
    assert result.out == ""
    assert e.state.read_bytes() == before
    for path in absent:
        assert not path.exists(), path


@pytest.mark.parametrize("case", BAD_INPUT, ids=lambda c: c.id)
def test_bad_input_vi_subprocess(case: Case, env: Env) -> None:
    _check_bad_input(case, env, "vi", run)


@pytest.mark.parametrize("case", BAD_INPUT, ids=lambda c: c.id)
def test_bad_input_en_in_process(case: Case, env: Env) -> None:
    _check_bad_input(case, env, "en", cli)


def test_error_language_from_environment(env: Env) -> None:
    args = ["fire", env.plan, "9.9", "issue", "--actor", "tt-bc-xb"]
    assert_one_error_line(run(*args, LANG="en_US.UTF-8"), "en")
    assert_one_error_line(run(*args, LC_ALL="en_US.UTF-8", LANG="vi_VN.UTF-8"), "en")
    assert_one_error_line(run(*args, LC_ALL="vi_VN.UTF-8", LANG="en_US.UTF-8"), "vi")
    assert_one_error_line(run(*args, TUYENTRUYEN_LANG="en", LANG="vi_VN.UTF-8"), "en")
    assert_one_error_line(run(*args, TUYENTRUYEN_LANG="vi", LANG="en_US.UTF-8"), "vi")
    assert_one_error_line(run("--lang", "vi", *args, LANG="en_US.UTF-8"), "vi")
    assert_one_error_line(run(*args, "--lang", "en"), "en")


def test_unknown_key_error_points_at_the_task(env: Env) -> None:
    """An unknown key inside task 3.1 is reported at that task, not at ``tasks:``."""
    bad = env.write(
        "unknown-key.yaml",
        PLAN_YAML.replace("    lead: tt-th\n", "    lead: tt-th\n    colour: red\n"),
    )
    task_line = line_of(bad, 'id: "3.1"')
    key_line = line_of(bad, "colour: red")
    line = assert_one_error_line(cli("check", bad), "vi")
    found = re.match(rf"^lỗi: {re.escape(str(bad))}:(\d+): (\S+): ", line)
    assert found, line
    assert task_line <= int(found.group(1)) <= key_line, line
    assert found.group(2).startswith("$.tasks[2]"), line


def test_plan_with_two_problems_gives_two_lines(tmp_path: Path) -> None:
    bad = tmp_path / "two.yaml"
    bad.write_text(
        PLAN_YAML.replace("    lead: tt-th\n", "    lead: phong-khong-co\n").replace(
            '    title: "Tuyên truyền trên các cơ quan báo chí"\n    lead: tt-bc-xb\n',
            '    title: "Tuyên truyền trên các cơ quan báo chí"\n    lead: ban-khac\n',
        ),
        encoding="utf-8",
    )
    result = run("check", bad)
    assert result.code == 2
    assert "Traceback" not in result.err + result.out
    assert result.out == ""
    lines = result.err_lines
    assert len(lines) == 2, lines
    assert all(line.startswith("lỗi: ") for line in lines), lines
    assert f"{bad}:{line_of(bad, 'ban-khac')}:" in lines[0]
    assert "2.6" in lines[0]
    assert "ban-khac" in lines[0]
    assert f"{bad}:{line_of(bad, 'phong-khong-co')}:" in lines[1]
    assert "3.1" in lines[1]
    assert "phong-khong-co" in lines[1]

    en = cli("--lang", "en", "check", bad)
    assert en.code == 2
    assert len(en.err_lines) == 2
    assert all(line.startswith("error: ") for line in en.err_lines)


USAGE_ERRORS = [
    pytest.param(lambda e: ["bogus", e.plan], "bogus", id="unknown-command"),
    pytest.param(
        lambda e: ["fire", e.plan, "2.6", "issue", "--at", "2023-03-20"], "--actor", id="no-actor"
    ),
    pytest.param(
        lambda e: ["fire", e.plan, "2.6", "bogus", "--actor", "tt-bc-xb"], "bogus", id="bad-event"
    ),
    pytest.param(lambda e: ["status", e.plan, "--bogus"], "--bogus", id="unknown-option"),
]


@pytest.mark.parametrize(("make_args", "named"), USAGE_ERRORS)
def test_usage_error_is_one_line_exit_2(
    make_args: Callable[[Env], list[object]], named: str, env: Env
) -> None:
    before = env.state.read_bytes()
    for result in (run(*make_args(env)), cli("--lang", "en", *make_args(env))):
        assert result.code == 2, result
        assert "Traceback" not in result.err + result.out
        assert len(result.err_lines) == 1, result.err
        assert named in result.err
        assert "\n" not in result.err.rstrip("\n")
    assert env.state.read_bytes() == before


@pytest.mark.parametrize(("make_args", "named"), USAGE_ERRORS)
def test_usage_error_line_starts_with_error_word(
    make_args: Callable[[Env], list[object]], named: str, env: Env
) -> None:
    """Usage errors follow the same one-line format as every other error."""
    line = assert_one_error_line(run(*make_args(env)), "vi")
    assert named in line
    line = assert_one_error_line(cli("--lang", "en", *make_args(env)), "en")
    assert named in line


def test_status_bad_at_and_unknown_history_task(env: Env) -> None:
    before = env.state.read_bytes()
    line = assert_one_error_line(run("status", env.plan, "--at", "32/13/2023"), "vi")
    assert "32/13/2023" in line
    line = assert_one_error_line(run("history", env.plan, "9.9"), "vi")
    assert "9.9" in line
    assert env.state.read_bytes() == before


def test_state_file_of_another_plan_is_refused(env: Env) -> None:
    other = env.write("other.yaml", PLAN_YAML.replace("id: qn-60-test", "id: another-plan"))
    before = env.state.read_bytes()
    line = assert_one_error_line(
        run("status", other, "--state", env.state, "--at", "2023-05-01"), "vi"
    )
    assert str(env.state) in line
    assert env.state.read_bytes() == before


def test_corrupted_state_file_breaks_read_commands_too(env: Env) -> None:
    with env.state.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    before = env.state.read_bytes()
    for args in (["status", env.plan], ["history", env.plan, "--json"]):
        line = assert_one_error_line(run(*args), "vi")
        assert f"{env.state}:3" in line
    assert env.state.read_bytes() == before


# --- 5. version and help ---------------------------------------------------------------------


def test_version() -> None:
    result = ok(run("--version"))
    assert re.fullmatch(r"tuyentruyen \d+\.\d+(\.\d+)?\S*\n", result.out), result.out


def test_help_vietnamese_by_default() -> None:
    result = ok(run("--help"))
    assert "cách dùng" in result.out
    assert "các lệnh" in result.out
    assert "usage:" not in result.out
    for command in ("check", "show", "status", "fire", "history", "lifecycle"):
        assert command in result.out


@pytest.mark.parametrize(
    ("args", "env_vars"),
    [
        pytest.param(["--lang", "en", "--help"], {}, id="option"),
        pytest.param(["--help", "--lang=en"], {}, id="option-after"),
        pytest.param(["--help"], {"LANG": "en_US.UTF-8"}, id="LANG"),
        pytest.param(["--help"], {"TUYENTRUYEN_LANG": "en"}, id="TUYENTRUYEN_LANG"),
    ],
)
def test_help_english(args: list[str], env_vars: dict[str, str]) -> None:
    result = ok(run(*args, **env_vars))
    assert "usage:" in result.out
    assert "commands" in result.out
    assert "cách dùng" not in result.out


def test_fire_help_in_both_languages() -> None:
    vi = ok(run("fire", "--help"))
    assert "cách dùng" in vi.out
    assert "--actor" in vi.out
    assert "--allow-future" in vi.out
    assert "mã hoặc tên đơn vị" in vi.out
    for lang_args, env_vars in ((["--lang", "en"], {}), ([], {"LANG": "en_US.UTF-8"})):
        en = ok(run(*lang_args, "fire", "--help", **env_vars))
        assert "usage:" in en.out
        assert "--actor" in en.out
        assert "unit id or name" in en.out
        assert "cách dùng" not in en.out


def test_main_writes_help_and_version_to_the_given_stdout(capsys: pytest.CaptureFixture) -> None:
    """``main(argv, stdout=...)`` sends all of its output to ``stdout``."""
    version = cli("--version")
    assert version.code == 0
    assert re.match(r"tuyentruyen \d+\.\d+", version.out), version
    help_ = cli("--help")
    assert help_.code == 0
    assert "cách dùng" in help_.out, help_
    assert capsys.readouterr().out == ""


# --- 6. lifecycle diagram --------------------------------------------------------------------


def test_lifecycle_mermaid() -> None:
    result = ok(cli("lifecycle", "--format", "mermaid"))
    assert "stateDiagram" in result.out
    for state in STATES:
        assert state in result.out
    assert set(STATES) == {"planned", "issued", "in_progress", "reported", "done", "cancelled"}
    assert ok(cli("lifecycle")).out == result.out  # mermaid is the default


def test_lifecycle_dot() -> None:
    result = ok(run("lifecycle", "--format", "dot"))
    assert "digraph" in result.out
    for state in STATES:
        assert state in result.out
    for event in ("issue", "start", "report", "accept", "rework", "cancel"):
        assert event in result.out


def test_lifecycle_unknown_format() -> None:
    result = cli("lifecycle", "--format", "png")
    assert result.code == 2
    assert len(result.err_lines) == 1


# --- 7. future events ----------------------------------------------------------------------------


def test_future_event_needs_allow_future(plan_file: Path) -> None:
    args = ["fire", plan_file, "2.6", "issue", "--actor", "tt-bc-xb", "--at", "2099-01-01"]
    line = assert_one_error_line(cli(*args), "vi")
    assert "2.6" in line
    assert not default_state(plan_file).exists()

    result = ok(cli(*args, "--allow-future"))
    assert moved("planned", "issued") in result.out
    hist = json.loads(ok(cli("history", plan_file, "--json")).out)
    assert [(e["task"], e["at"]) for e in hist] == [("2.6", "2099-01-01T00:00:00+07:00")]


# --- 8. Vietnamese output, argparse and OS errors --------------------------------------

ENGLISH_IDS = re.compile(rf"\b({'|'.join(STATES)}|issue|start|report|accept|rework|cancel)\b")
ARGPARSE_ENGLISH = re.compile(
    r"\b(argument|arguments|not allowed|expected|invalid|choose|required|unrecognized"
    r"|ignored|ambiguous|could match)\b"
)


def without_ids(text: str) -> str:
    """``text`` without the API ids Vietnamese output keeps in parentheses."""
    return re.sub(r" \([a-z_]+\)", "", text)


def test_fire_line_names_states_and_event_in_vietnamese(plan_file: Path) -> None:
    args = ["fire", plan_file, "2.6", "issue", "--actor", "tt-bc-xb", "--at", "2023-03-20T08:00"]
    line = ok(cli(*args)).out.strip()
    assert line.startswith("đã ghi #1: nhiệm vụ 2.6")
    assert "chưa ban hành (planned) -> đã ban hành (issued)" in line
    assert f"{EVENT_LABELS_VI['issue']} (issue)" in line
    assert "tt-bc-xb" in line
    assert not ENGLISH_IDS.search(without_ids(line)), line
    assert " by " not in line

    en = ok(cli("--lang", "en", "fire", plan_file, "2.6", "start", "--actor", "tt-bc-xb"))
    assert en.out.startswith("recorded #2: task 2.6 issued -> in_progress (start by tt-bc-xb, ")
    assert "đã" not in en.out


def test_history_is_a_localized_table(plan_file: Path) -> None:
    ok(cli("fire", plan_file, "2.6", "issue", "--actor", "tt-bc-xb", "--at", "2023-03-20"))
    ok(cli("fire", plan_file, "2.6", "start", "--actor", "tt-bc-xb", "--at", "2023-03-21"))
    note = ["--note", "đơn vị\nđề nghị hủy", "--at", "2023-03-22"]
    ok(cli("fire", plan_file, "2.6", "cancel", "--actor", "btgtu", *note))

    vi = ok(cli("history", plan_file)).out.splitlines()
    assert len(vi) == 2 + 3  # header, rule, one row per event
    for word in ("STT", "Thời điểm", "Nhiệm vụ", "Sự kiện", "Chuyển trạng thái", "Đơn vị"):
        assert word in vi[0], vi[0]
    assert set(vi[1]) <= {"-", " "}
    assert vi[2].startswith("#1 ")
    assert "2023-03-20T00:00:00+07:00" in vi[2]
    assert "ban hành (issue)" in vi[2]
    assert "chưa ban hành -> đã ban hành" in vi[2]
    assert "đã ban hành -> đang thực hiện" in vi[3]
    assert "hủy (cancel)" in vi[4]
    assert "đang thực hiện -> đã hủy" in vi[4]
    assert vi[4].endswith("đơn vị đề nghị hủy")  # a note stays on its row
    assert not ENGLISH_IDS.search(without_ids("\n".join(vi)))

    en = ok(cli("--lang", "en", "history", plan_file, "2.6")).out.splitlines()
    for word in ("At", "Task", "Event", "Change", "Unit", "Note"):
        assert word in en[0], en[0]
    assert re.search(r"\bissue\s+planned -> issued\s+tt-bc-xb", en[2]), en[2]
    assert "Thời điểm" not in "\n".join(en)


ARGPARSE_CASES = [
    pytest.param(
        ["fire", "{plan}", "3.1", "report", "--actor", "tt-th", "--interim", "--final"],
        "tham số --final: không dùng cùng được với tham số --interim",
        "not allowed with argument --interim",
        id="not-allowed-with",
    ),
    pytest.param(["status", "{plan}", "--at"], "tham số --at: cần một giá trị", "", id="no-value"),
    pytest.param(
        ["status", "{plan}", "--json=1"], "tham số --json: không nhận giá trị", "", id="explicit"
    ),
    pytest.param(
        ["lifecycle", "--format", "png"],
        "lựa chọn không hợp lệ: 'png' (chọn một trong",
        "",
        id="invalid-choice",
    ),
    pytest.param(
        ["fire", "{plan}", "2.6", "issue"], "thiếu tham số bắt buộc: --actor", "", id="required"
    ),
    pytest.param(["status", "{plan}", "--bogus"], "tham số không nhận ra: --bogus", "", id="extra"),
    pytest.param(
        ["fire", "{plan}", "2.6", "issue", "--a", "x"], "tùy chọn --a không rõ", "", id="ambiguous"
    ),
]


@pytest.mark.parametrize(("args", "vi", "en"), ARGPARSE_CASES)
def test_argparse_errors_in_vietnamese(plan_file: Path, args: list[str], vi: str, en: str) -> None:
    argv = [str(plan_file) if a == "{plan}" else a for a in args]
    line = assert_one_error_line(cli(*argv), "vi")
    assert vi in line, line
    assert not ARGPARSE_ENGLISH.search(line), line
    english = assert_one_error_line(cli("--lang", "en", *argv), "en")
    assert en in english, english
    assert not default_state(plan_file).exists()


@pytest.mark.parametrize(
    ("code", "vi", "en"),
    [
        (errno.ENOENT, "không tìm thấy tệp hoặc thư mục", "no such file or folder"),
        (errno.EACCES, "không có quyền truy cập", "permission denied"),
        (errno.EISDIR, "là một thư mục, không phải tệp", "is a folder, not a file"),
        (errno.ENOTDIR, "một phần của đường dẫn không phải là thư mục", "not a folder"),
        (errno.ENOSPC, "hết dung lượng trên thiết bị lưu trữ", "no space left"),
    ],
    ids=["ENOENT", "EACCES", "EISDIR", "ENOTDIR", "ENOSPC"],
)
def test_os_errors_in_vietnamese(
    monkeypatch: pytest.MonkeyPatch, plan_file: Path, code: int, vi: str, en: str
) -> None:
    def fail(path: object) -> object:
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr("tuyentruyen.cli.load_plan", fail)
    line = assert_one_error_line(cli("status", plan_file), "vi")
    assert line == f"lỗi: {plan_file}: {vi}"
    assert os.strerror(code) not in line
    line = assert_one_error_line(cli("--lang", "en", "status", plan_file), "en")
    assert line == f"error: {plan_file}: {en}" or line.startswith(f"error: {plan_file}: ")
    assert en in line


def test_os_error_without_a_file_name(monkeypatch: pytest.MonkeyPatch, plan_file: Path) -> None:
    def fail(path: object) -> object:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("tuyentruyen.cli.load_plan", fail)
    line = assert_one_error_line(cli("status", plan_file), "vi")
    assert line == "lỗi: hết dung lượng trên thiết bị lưu trữ"


def test_state_file_errors_in_vietnamese(plan_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    line = assert_one_error_line(run("status", plan_file, "--state", folder), "vi")
    assert line == f"lỗi: {folder}: không đọc được tệp trạng thái: là một thư mục, không phải tệp"

    missing = tmp_path / "nonexist" / "x.jsonl"
    args = ["fire", plan_file, "2.6", "issue", "--actor", "tt-bc-xb", "--state", missing]
    line = assert_one_error_line(run(*args), "vi")
    assert line == (
        f"lỗi: {missing}: không ghi được tệp trạng thái: thư mục {missing.parent} không tồn tại"
    )
    line = assert_one_error_line(cli("--lang", "en", *args), "en")
    assert line == (
        f"error: {missing}: cannot write the state file: the folder {missing.parent} does not exist"
    )
    assert not missing.parent.exists()


def test_empty_state_file_gets_a_header(plan_file: Path) -> None:
    state = default_state(plan_file)
    state.write_text("", encoding="utf-8")
    ok(cli("fire", plan_file, "2.6", "issue", "--actor", "tt-bc-xb", "--at", "2023-03-20"))
    assert json.loads(state.read_text(encoding="utf-8").splitlines()[0])["plan"] == "qn-60-test"
    ok(cli("fire", plan_file, "2.6", "start", "--actor", "tt-bc-xb", "--at", "2023-03-21"))
    hist = json.loads(ok(cli("history", plan_file, "--json")).out)
    assert [e["event"] for e in hist] == ["issue", "start"]


# --- 9. pipes --------------------------------------------------------------------------


def _popen(*args: object) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in LANG_VARS}
    env.update(PYTHONUTF8="1", PYTHONIOENCODING="utf-8", LANG="C.UTF-8")
    return subprocess.Popen(
        [sys.executable, "-m", "tuyentruyen", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


@pytest.mark.parametrize(
    ("make_args", "codes"),
    [
        pytest.param(lambda p: ["status", p, "--at", "2023-05-01"], {141}, id="status"),
        pytest.param(lambda p: ["history", p], {141}, id="history"),
        pytest.param(lambda p: ["lifecycle"], {141}, id="lifecycle"),
        # argparse itself ignores a failed write of the help: quiet, but it may exit 0
        pytest.param(lambda p: ["--help"], {0, 141}, id="help"),
    ],
)
def test_closed_pipe_ends_quietly(
    plan_file: Path, make_args: Callable[[Path], list[object]], codes: set[int]
) -> None:
    """``tuyentruyen status PLAN | head -1`` where head is gone before we write: no
    "Broken pipe" error, exit status 141 (128 + SIGPIPE) like other Unix tools."""
    with _popen(*make_args(plan_file)) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        proc.stdout.close()  # the reader is gone before the command writes anything
        err = proc.stderr.read().decode("utf-8")
        assert proc.wait(timeout=120) in codes, err
    assert err == ""


def test_reader_leaving_mid_output_ends_quietly(tmp_path: Path) -> None:
    """A long output (more than a pipe holds) read only up to its first line."""
    tasks = "".join(
        f'  - id: "9.{i}"\n    title: "Nhiệm vụ {i}"\n    lead: tt-bc-xb\n'
        f'    window: "Từ tháng 3 đến tháng 10/2023"\n'
        for i in range(3000)
    )
    big = tmp_path / "big.yaml"
    big.write_text(PLAN_YAML.split("tasks:\n")[0] + "tasks:\n" + tasks, encoding="utf-8")
    with _popen("show", big) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        first = proc.stdout.readline().decode("utf-8")
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8")
        assert proc.wait(timeout=120) == 141, err
    assert first.startswith("Thông tin tuyên truyền")
    assert err == ""


# --- 10. moments on the command line ---------------------------------------------------


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("20/3/2023 9:00", "2023-03-20T09:00:00+07:00"),
        ("20/3/2023 09:05", "2023-03-20T09:05:00+07:00"),
        ("ngày 20/3/2023", "2023-03-20T00:00:00+07:00"),
        ("ngày 20/3/2023 lúc 9:00", "2023-03-20T09:00:00+07:00"),
        ("Ngày 20/3/2023 lúc 9h30", "2023-03-20T09:30:00+07:00"),
        ("9 giờ 15 ngày 20/3/2023", "2023-03-20T09:15:00+07:00"),
        ("2023-03-20 9:00", "2023-03-20T09:00:00+07:00"),
        ("2023-03-20T02:00:00+00:00", "2023-03-20T09:00:00+07:00"),
    ],
    ids=[
        "one-digit-hour",
        "two-digit-hour",
        "ngay",
        "ngay-luc",
        "ngay-luc-9h30",
        "gio-ngay",
        "iso-space-one-digit-hour",
        "iso-utc",
    ],
)
def test_fire_at_accepts_vietnamese_moments(plan_file: Path, value: str, iso: str) -> None:
    ok(cli("fire", plan_file, "2.6", "issue", "--actor", "tt-bc-xb", "--at", value))
    hist = json.loads(ok(cli("history", plan_file, "--json")).out)
    assert [e["at"] for e in hist] == [iso]


def test_status_at_a_vietnamese_date_is_the_end_of_that_day(plan_file: Path) -> None:
    ok(cli("fire", plan_file, "2.6", "issue", "--actor", "tt-bc-xb", "--at", "20/3/2023 23:00"))
    status = json.loads(ok(cli("status", plan_file, "--at", "ngày 20/3/2023", "--json")).out)
    assert status["at"] == "2023-03-20T23:59:59.999999+07:00"
    assert {t["id"]: t["state"] for t in status["tasks"]}["2.6"] == "issued"


# --- 11. show --------------------------------------------------------------------------


def test_show_english_headers_are_capitalized(plan_file: Path) -> None:
    header = ok(cli("--lang", "en", "show", plan_file)).out.splitlines()[3]
    assert header.split() == ["Task", "Lead", "unit", "Deadline", "Window"]
    vi = ok(cli("show", plan_file)).out.splitlines()[3]
    assert "Thời gian thực hiện" in vi


# --- 12. Unicode -----------------------------------------------------------------------


def test_nfd_unit_name_is_accepted(plan_file: Path, tmp_path: Path) -> None:
    """A unit name typed in decomposed form (NFD, as some keyboards and macOS file
    systems produce) matches its composed (NFC) form, in the plan and as --actor."""
    name = "Phòng Thông tin - Tổng hợp"
    nfd = unicodedata.normalize("NFD", name)
    assert nfd != name
    plan = tmp_path / "nfd.yaml"
    plan.write_text(PLAN_YAML.replace("    lead: tt-th\n", f"    lead: {nfd}\n"), encoding="utf-8")
    assert "3 nhiệm vụ" in ok(run("check", plan)).out
    fired = ok(run("fire", plan, "3.1", "issue", "--actor", nfd, "--at", "2023-03-01"))
    assert moved("planned", "issued") in fired.out
    ok(cli("--lang", "en", "fire", plan, "3.1", "start", "--actor", nfd, "--at", "2023-03-02"))
    hist = json.loads(ok(cli("history", plan, "--json")).out)
    assert [(e["event"], e["actor"]) for e in hist] == [("issue", "tt-th"), ("start", "tt-th")]
