"""The JSON-lines event log file: new, empty and damaged files, schema, file mode,
missing folders, and two writers (in one process and in two real processes)."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tuyentruyen import (
    Conflict,
    EventLogFile,
    FixedClock,
    LogConflict,
    Plan,
    StateFileError,
    Tracker,
    load_plan,
)
from tuyentruyen.store.eventlog import os_error_reason

PLAN_YAML = """\
schema: 1
id: eventlog-test
title: "Kế hoạch thử nhật ký sự kiện"
issuer: btgtu
units:
  - id: btgtu
    name: Ban Tuyên giáo Tỉnh ủy
  - id: tt-bc-xb
    name: Phòng Tuyên truyền - Báo chí - Xuất bản
tasks:
  - id: "1.1"
    title: "Tuyên truyền, giáo dục truyền thống"
    lead: tt-bc-xb
    window: "Từ tháng 3 đến tháng 10/2023"
  - id: "2.6"
    title: "Tuyên truyền trên các cơ quan báo chí"
    lead: tt-bc-xb
    plan_due: "Tháng 3/2023"
    window: "Từ tháng 3 đến tháng 10/2023"
"""
MARCH = datetime(2023, 3, 20, 9, 0)
HEADER = {"tuyentruyen": "event-log", "schema": 1, "plan": "eventlog-test"}


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN_YAML, encoding="utf-8")
    return path


@pytest.fixture
def plan(plan_file: Path) -> Plan:
    return load_plan(plan_file)


def tracker(plan: Plan, path: Path) -> Tracker:
    return Tracker(plan, store=EventLogFile(path), clock=FixedClock(datetime(2023, 12, 31, 17)))


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def umask() -> Iterator[None]:
    """Restore the process umask after a test that changes it."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


# --- a new log: missing, empty or blank file -------------------------------------------


@pytest.mark.parametrize("content", ["", "\n", "  \n\n \t\n"], ids=["empty", "newline", "blank"])
def test_empty_state_file_is_a_new_log(plan: Plan, tmp_path: Path, content: str) -> None:
    path = tmp_path / "state.jsonl"
    path.write_text(content, encoding="utf-8")
    t = tracker(plan, path)
    assert t.events == ()
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    written = lines(path)
    assert written[0] == HEADER
    assert [e["seq"] for e in written[1:]] == [1]
    again = tracker(plan, path)  # every later command reads it
    assert again.state("2.6") == "issued"
    again.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    assert tracker(plan, path).state("2.6") == "in_progress"


def test_event_is_never_glued_onto_a_last_line_without_newline(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    tracker(plan, path).fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # as an editor may leave it
    tracker(plan, path).fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    assert [e.get("seq") for e in lines(path)] == [None, 1, 2]
    assert path.read_bytes().endswith(b"}\n")
    assert tracker(plan, path).state("2.6") == "in_progress"


def test_header_only_without_newline(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    path.write_text(json.dumps(HEADER), encoding="utf-8")
    tracker(plan, path).fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    assert lines(path)[0] == HEADER
    assert tracker(plan, path).state("2.6") == "issued"


# --- the header's schema ---------------------------------------------------------------


def test_newer_schema_is_refused(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    path.write_text(json.dumps({**HEADER, "schema": 99}) + "\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(StateFileError) as err:
        tracker(plan, path)
    assert err.value.en.startswith(f"{path}:1: ")
    assert "written by a newer tuyentruyen" in err.value.en
    assert "99" in err.value.en
    assert err.value.vi.startswith(f"{path}:1: ")
    assert "phiên bản tuyentruyen mới hơn" in err.value.vi
    # an append refuses it too, and writes nothing
    event = tracker(plan, tmp_path / "scratch.jsonl").fire(
        "2.6", "issue", actor="tt-bc-xb", at=MARCH
    )
    with pytest.raises(StateFileError, match="newer"):
        EventLogFile(path).append(plan, (event,))
    assert path.read_bytes() == before


@pytest.mark.parametrize("schema", ["1", None, True, 0, 1.5], ids=repr)
def test_unknown_schema_is_refused(plan: Plan, tmp_path: Path, schema: object) -> None:
    path = tmp_path / "state.jsonl"
    header = {**HEADER, "schema": schema}
    if schema is None:
        del header["schema"]
    path.write_text(json.dumps(header) + "\n", encoding="utf-8")
    with pytest.raises(StateFileError) as err:
        tracker(plan, path)
    assert err.value.en.startswith(f"{path}:1: unknown log schema")
    assert "định dạng nhật ký" in err.value.vi


# --- two writers -----------------------------------------------------------------------


def test_stale_tracker_gets_log_conflict_and_nothing_is_written(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    first, stale = tracker(plan, path), tracker(plan, path)
    first.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    before = path.read_bytes()
    with pytest.raises(LogConflict) as err:
        stale.fire("1.1", "issue", actor="tt-bc-xb", at=MARCH)
    assert isinstance(err.value, Conflict)
    assert (err.value.expected_seq, err.value.found_seq) == (1, 2)
    assert str(path) in err.value.en
    assert str(path) in err.value.vi
    assert path.read_bytes() == before
    assert stale.state("1.1") == "planned"  # the stale tracker changed nothing either
    reloaded = tracker(plan, path)  # the log is still one sequence
    assert [(e.seq, e.task) for e in reloaded.events] == [(1, "2.6")]
    reloaded.fire("1.1", "issue", actor="tt-bc-xb", at=MARCH)
    assert [e.seq for e in tracker(plan, path).events] == [1, 2]


def test_append_of_nothing_writes_nothing(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    EventLogFile(path).append(plan, ())
    assert not path.exists()


CHILD = """
import json, sys, time
from datetime import datetime
from pathlib import Path
from tuyentruyen import EventLogFile, FixedClock, LogConflict, Tracker, load_plan

plan_path, state, task, ready, go = sys.argv[1:]
plan = load_plan(plan_path)
tracker = Tracker(plan, store=EventLogFile(state), clock=FixedClock(datetime(2023, 12, 31)))
Path(ready).touch()
give_up = time.monotonic() + 60
while go != "-" and not Path(go).exists():
    if time.monotonic() > give_up:
        sys.exit("never told to go")
    time.sleep(0.001)
try:
    ev = tracker.fire(task, "issue", actor="tt-bc-xb", at=datetime(2023, 3, 20, 9))
except LogConflict as exc:
    print(json.dumps({"result": "conflict", "expected": exc.expected_seq,
                      "found": exc.found_seq, "task": task}))
else:
    print(json.dumps({"result": "ok", "seq": ev.seq, "task": task}))
"""


def start_writer(state: Path, task: str, ready: Path, go: str) -> subprocess.Popen[str]:
    """A separate Python process that opens a tracker on ``state``, touches ``ready``,
    waits for the file ``go`` (``"-"``: no wait), then fires ``task`` issue."""
    plan_file = state.with_name("plan.yaml")
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(plan_file), str(state), task, str(ready), go],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def wait_for(*paths: Path, procs: tuple[subprocess.Popen[str], ...] = ()) -> None:
    give_up = time.monotonic() + 60
    while not all(p.exists() for p in paths):
        for proc in procs:
            assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < give_up, "the writers never got ready"
        time.sleep(0.01)


def result_of(proc: subprocess.Popen[str]) -> dict[str, object]:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    result: dict[str, object] = json.loads(out)
    return result


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl locks are POSIX")
def test_two_processes_appending_at_once_one_wins(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    go = tmp_path / "go"
    ready = [tmp_path / "ready-a", tmp_path / "ready-b"]
    procs = (
        start_writer(path, "2.6", ready[0], str(go)),
        start_writer(path, "1.1", ready[1], str(go)),
    )
    try:
        wait_for(*ready, procs=procs)  # both have read the (missing) log: both are stale
        go.touch()
        results = [result_of(p) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert sorted(r["result"] for r in results) == ["conflict", "ok"], results
    won = next(r for r in results if r["result"] == "ok")
    lost = next(r for r in results if r["result"] == "conflict")
    assert won["seq"] == 1
    assert (lost["expected"], lost["found"]) == (1, 2)
    events = tracker(plan, path).events  # the file stays loadable: one event
    assert [(e.seq, e.task) for e in events] == [(1, won["task"])]


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl locks are POSIX")
def test_append_waits_for_the_lock_then_sees_the_other_write(plan: Plan, tmp_path: Path) -> None:
    import fcntl

    path = tmp_path / "state.jsonl"
    other = tmp_path / "other.jsonl"  # what another writer appends while holding the lock
    tracker(plan, other).fire("1.1", "issue", actor="tt-bc-xb", at=MARCH)
    ready = tmp_path / "ready"
    lock = os.open(EventLogFile(path).lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = start_writer(path, "2.6", ready, "-")
        wait_for(ready, procs=(proc,))
        time.sleep(0.5)
        assert proc.poll() is None, proc.communicate()  # blocked on the lock
        assert not path.exists()
        path.write_bytes(other.read_bytes())  # "another writer" appends #1
    finally:
        os.close(lock)  # releases the lock
    result = result_of(proc)
    assert result == {"result": "conflict", "expected": 1, "found": 2, "task": "2.6"}
    assert path.read_bytes() == other.read_bytes()
    assert EventLogFile(path).lock_path == tmp_path / "state.jsonl.lock"


# --- file mode -----------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o640, 0o644, 0o600, 0o664])
def test_rewrite_keeps_the_file_mode(plan: Plan, tmp_path: Path, mode: int) -> None:
    path = tmp_path / "state.jsonl"
    tracker(plan, path).fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    path.chmod(mode)
    tracker(plan, path).fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    assert stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.usefixtures("umask")
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_new_file_mode_follows_the_umask(plan: Plan, tmp_path: Path, mask: int, mode: int) -> None:
    os.umask(mask)
    path = tmp_path / "state.jsonl"
    tracker(plan, path).fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert os.umask(mask) == mask  # the umask itself is left as it was


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.usefixtures("umask")
def test_empty_file_keeps_its_mode(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    path.touch()
    path.chmod(0o660)
    tracker(plan, path).fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    assert stat.S_IMODE(path.stat().st_mode) == 0o660


# --- file system errors ------------------------------------------------------------------


def test_missing_folder_names_the_state_file(plan: Plan, tmp_path: Path) -> None:
    folder = tmp_path / "nonexist"
    path = folder / "x.jsonl"
    t = tracker(plan, path)  # reading a missing log is fine: no events yet
    with pytest.raises(StateFileError) as err:
        t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    assert err.value.en == (
        f"{path}: cannot write the state file: the folder {folder} does not exist"
    )
    assert err.value.vi == f"{path}: không ghi được tệp trạng thái: thư mục {folder} không tồn tại"
    assert ".x.jsonl." not in err.value.en  # not the temporary file
    assert not folder.exists()
    assert t.state("2.6") == "planned"


def test_state_path_that_is_a_folder(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    path.mkdir()
    with pytest.raises(StateFileError) as err:
        tracker(plan, path)
    assert err.value.en == f"{path}: cannot read the state file: is a folder, not a file"
    assert err.value.vi == f"{path}: không đọc được tệp trạng thái: là một thư mục, không phải tệp"


def test_state_file_not_utf8(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    path.write_bytes(b"\xff\xfe garbage\n")
    with pytest.raises(StateFileError, match="UTF-8"):
        tracker(plan, path)


@pytest.mark.parametrize(
    ("code", "vi"),
    [
        (errno.ENOENT, "không tìm thấy tệp hoặc thư mục"),
        (errno.EACCES, "không có quyền truy cập"),
        (errno.EISDIR, "là một thư mục, không phải tệp"),
        (errno.ENOTDIR, "một phần của đường dẫn không phải là thư mục"),
        (errno.ENOSPC, "hết dung lượng trên thiết bị lưu trữ"),
    ],
    ids=["ENOENT", "EACCES", "EISDIR", "ENOTDIR", "ENOSPC"],
)
def test_os_error_reason_in_vietnamese(code: int, vi: str) -> None:
    en_text, vi_text = os_error_reason(OSError(code, os.strerror(code), "x"))
    assert vi_text == vi
    assert os.strerror(code) not in vi_text
    assert en_text


def test_os_error_reason_of_an_unusual_error_keeps_the_system_words() -> None:
    en, vi = os_error_reason(OSError(errno.EMLINK, os.strerror(errno.EMLINK)))
    assert en == os.strerror(errno.EMLINK)
    assert vi.startswith("lỗi hệ thống")
    assert en in vi
