"""The command line on the SQL stores: ``init``, ``--db`` on fire/status/history, ``verify``.

SQLite databases live in ``tmp_path``. The PostgreSQL variants run against
``TUYENTRUYEN_PG_DSN`` (default ``postgresql://postgres@127.0.0.1:5432/test``); the CLI
cannot choose a schema, so each test uses a fresh plan id (a uuid) in the database's
default schema and removes its rows afterwards. Without a reachable server they are
skipped, unless ``TUYENTRUYEN_REQUIRE_PG=1``, under which that is a failure.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clirun import Result, cli, ok
from tuyentruyen.errors import Conflict
from tuyentruyen.store.sql import SQLStore

PG_DSN = os.environ.get("TUYENTRUYEN_PG_DSN", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("TUYENTRUYEN_REQUIRE_PG") == "1"
BAD_DSN = "postgresql://postgres:secret@127.0.0.1:1/test"
ENV_VARS = ("TUYENTRUYEN_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")

PLAN_YAML = """\
schema: 1
id: {plan_id}
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
  - id: "2.6"
    title: "Tuyên truyền trên các cơ quan báo chí"
    lead: tt-bc-xb
    plan_due: "Tháng 3/2023"
    window: "Từ tháng 3 đến tháng 10/2023"
  - id: "3.1"
    title: "Thông tin tổng hợp về các hoạt động kỷ niệm"
    lead: tt-th
    window: "Thường xuyên từ tháng 3 đến hết tháng 10/2023"
{extra}"""

EXTRA_TASK = """\
  - id: "4.1"
    title: "Tổng kết công tác tuyên truyền"
    lead: btgtu
    window: "Tháng 11/2023"
"""


# --- helpers ---------------------------------------------------------------------------


def run(*args: object, **env_vars: str) -> Result:
    """Run ``python -m tuyentruyen ARGS`` in a fresh process (Vietnamese unless told)."""
    env = {k: v for k, v in os.environ.items() if k not in (*ENV_VARS, "TUYENTRUYEN_DB")}
    env.pop("TUYENTRUYEN_DEBUG", None)
    env.update({"PYTHONUTF8": "1", "PYTHONIOENCODING": "utf-8", "LANG": "C.UTF-8"})
    env.update(env_vars)
    proc = subprocess.run(
        [sys.executable, "-m", "tuyentruyen", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def one_error(result: Result, lang: str = "vi") -> str:
    """Exit 2, exactly one line on standard error, no traceback; returns the line."""
    assert result.code == 2, result
    assert "Traceback" not in result.err + result.out, result
    assert len(result.err_lines) == 1, result.err_lines
    assert result.err_lines[0].startswith("lỗi: " if lang == "vi" else "error: "), result
    return result.err_lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> list[str]:
    """Every row and schema statement of the SQLite file, for "unchanged" checks."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def _neutral_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No language settings (Vietnamese is the default) and no default database."""
    for name in (*ENV_VARS, "TUYENTRUYEN_DEBUG", "TUYENTRUYEN_DB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


# --- databases -------------------------------------------------------------------------


_pg_state: dict[str, str | None] = {}


def _pg_unreachable() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it can (asked once)."""
    if "why" not in _pg_state:
        try:
            import psycopg

            psycopg.connect(PG_DSN, connect_timeout=5).close()
            _pg_state["why"] = None
        except Exception as exc:  # no driver, no server, refused, ...
            _pg_state["why"] = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    return _pg_state["why"]


def _pg_drop_plan(plan_id: str) -> None:
    """Remove a test plan's rows (events are append-only: the trigger is switched off
    inside this one transaction, so no other session ever sees it off)."""
    import psycopg

    with psycopg.connect(PG_DSN, connect_timeout=5) as conn, conn.transaction():
        if conn.execute("SELECT to_regclass('tt_events')").fetchone() == (None,):
            return
        conn.execute("ALTER TABLE tt_events DISABLE TRIGGER tt_events_no_change")
        for table in ("tt_outbox", "tt_events", "tt_tasks", "tt_heads", "tt_plans"):
            conn.execute(f"DELETE FROM {table} WHERE plan_id = %s", (plan_id,))
        conn.execute("ALTER TABLE tt_events ENABLE TRIGGER tt_events_no_change")


@dataclass
class DB:
    """A database for one test: its ``--db`` value, a plan id, plan files."""

    kind: str
    target: str
    plan_id: str
    folder: Path
    ids: list[str]

    def plan(self, name: str = "plan.yaml", *, plan_id: str | None = None, extra: str = "") -> Path:
        """Write a plan file (the test's plan id unless given) and return its path."""
        pid = plan_id or self.plan_id
        if pid not in self.ids:
            self.ids.append(pid)
        path = self.folder / name
        path.write_text(PLAN_YAML.format(plan_id=pid, extra=extra), encoding="utf-8")
        return path

    def other_id(self) -> str:
        return f"{self.plan_id}-b"

    def tamper(self, seq: int) -> None:
        """Change event ``seq``'s actor behind the library's back, in plain SQL."""
        if self.kind == "sqlite":
            conn = sqlite3.connect(self.target)
            try:
                conn.execute("DROP TRIGGER tt_events_no_update")
                conn.execute(
                    "UPDATE tt_events SET actor = 'someone-else' WHERE plan_id = ? AND seq = ?",
                    (self.plan_id, seq),
                )
                conn.commit()
            finally:
                conn.close()
            return
        import psycopg

        with psycopg.connect(PG_DSN, connect_timeout=5) as pg, pg.transaction():
            pg.execute("ALTER TABLE tt_events DISABLE TRIGGER tt_events_no_change")
            pg.execute(
                "UPDATE tt_events SET actor = 'someone-else' WHERE plan_id = %s AND seq = %s",
                (self.plan_id, seq),
            )
            pg.execute("ALTER TABLE tt_events ENABLE TRIGGER tt_events_no_change")

    def snapshot(self) -> object:
        """What the database holds, to check that a refused command changed nothing."""
        if self.kind == "sqlite":
            return dump(Path(self.target))
        import psycopg

        with psycopg.connect(PG_DSN, connect_timeout=5) as conn:
            return [
                conn.execute(
                    f"SELECT * FROM {table} WHERE plan_id = ANY(%s) ORDER BY 1, 2", (self.ids,)
                ).fetchall()
                for table in ("tt_plans", "tt_heads", "tt_tasks", "tt_events")
            ]


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DB]:
    """An SQLite file in ``tmp_path``, then PostgreSQL with a fresh plan id."""
    if request.param == "sqlite":
        yield DB("sqlite", str(tmp_path / "plan.db"), "qn-60-test", tmp_path, [])
        return
    why = _pg_unreachable()
    if why is not None:
        message = f"PostgreSQL at {PG_DSN} is not reachable ({why})"
        if REQUIRE_PG:
            pytest.fail(message + " and TUYENTRUYEN_REQUIRE_PG=1")
        pytest.skip(message + "; start it or set TUYENTRUYEN_PG_DSN to run these tests")
    plan_id = f"test-cli-{uuid.uuid4().hex[:12]}"
    found = DB("postgresql", PG_DSN, plan_id, tmp_path, [])
    try:
        yield found
    finally:
        for pid in found.ids:
            _pg_drop_plan(pid)


@pytest.fixture
def sqlite_db(tmp_path: Path) -> DB:
    return DB("sqlite", str(tmp_path / "plan.db"), "qn-60-test", tmp_path, [])


def fire(db: DB, task: str, event: str, actor: str, at: str, *extra: str) -> Result:
    return ok(
        cli(
            "fire", db.plan_id, task, event, "--actor", actor, "--at", at, "--db", db.target, *extra
        )
    )


# --- init and status -------------------------------------------------------------------


def test_init_then_status_shows_the_plan(db: DB) -> None:
    plan = db.plan()
    result = ok(cli("init", plan, "--db", db.target))
    assert result.out.startswith(f"{db.target}: đã nạp kế hoạch {db.plan_id}: 3 nhiệm vụ")

    status = ok(cli("status", db.plan_id, "--db", db.target, "--at", "2023-10-31"))
    assert "Thông tin tuyên truyền Kỷ niệm 60 năm" in status.out
    for task in ("2.1", "2.6", "3.1"):
        assert f"\n{task} " in status.out
    assert "Phòng Thông tin - Tổng hợp" in status.out

    # The plan file stands for its id; JSON says which plan.
    data = json.loads(ok(cli("status", plan, "--db", db.target, "--json")).out)
    assert data["plan"] == db.plan_id
    assert {t["id"]: t["state"] for t in data["tasks"]} == {
        "2.1": "planned",
        "2.6": "planned",
        "3.1": "planned",
    }
    # Loading the same plan again changes nothing and says so.
    again = ok(cli("--lang", "en", "init", plan, "--db", db.target))
    assert again.out == f"{db.target}: plan {db.plan_id} is already up to date: 3 tasks\n"
    # No JSON-lines log appears beside the plan in database mode.
    assert not plan.with_name(plan.name + ".events.jsonl").exists()


def test_fire_records_and_a_new_process_sees_it(db: DB) -> None:
    plan = db.plan()
    ok(cli("init", plan, "--db", db.target))
    first = fire(db, "2.6", "issue", "tt-bc-xb", "2023-03-20T09:00")
    assert first.out.startswith("đã ghi #1: nhiệm vụ 2.6: chưa ban hành (planned) -> ")

    history = ok(cli("history", db.plan_id, "2.6", "--db", db.target, "--json"))
    assert [(e["seq"], e["task"], e["event"]) for e in json.loads(history.out)] == [
        (1, "2.6", "issue")
    ]

    # Another process reads what this one wrote, and writes what this one then reads.
    seen = ok(run("--lang", "en", "history", db.plan_id, "--db", db.target))
    assert "#1" in seen.out
    assert "issue" in seen.out
    second = ok(
        run(
            "fire",
            plan,
            "2.6",
            "start",
            "--actor",
            "tt-bc-xb",
            "--at",
            "22/3/2023 8:30",
            "--db",
            db.target,
        )
    )
    assert "#2" in second.out
    data = json.loads(ok(cli("status", db.plan_id, "--db", db.target, "--json")).out)
    assert {t["id"]: t["state"] for t in data["tasks"]}["2.6"] == "in_progress"
    assert [
        e["event"]
        for e in json.loads(ok(cli("history", db.plan_id, "--db", db.target, "--json")).out)
    ] == ["issue", "start"]

    # A refused event is one line, exit 2, and records nothing.
    before = db.snapshot()
    refused = cli("fire", db.plan_id, "2.6", "issue", "--actor", "tt-bc-xb", "--db", db.target)
    assert "2.6" in one_error(refused)
    assert db.snapshot() == before
    ok(cli("verify", "--db", db.target, "--plan", db.plan_id))


def test_init_of_a_changed_plan(db: DB) -> None:
    plan = db.plan()
    ok(cli("init", plan, "--db", db.target))
    fire(db, "2.6", "issue", "tt-bc-xb", "2023-03-20T09:00")

    # A task added: loaded beside the recorded history.
    added = ok(cli("--lang", "en", "init", db.plan(extra=EXTRA_TASK), "--db", db.target))
    assert added.out == (
        f"{db.target}: updated plan {db.plan_id}: 4 tasks (1 added, 0 removed, 0 changed)\n"
    )
    data = json.loads(ok(cli("status", db.plan_id, "--db", db.target, "--json")).out)
    assert {t["id"]: t["state"] for t in data["tasks"]} == {
        "2.1": "planned",
        "2.6": "issued",
        "3.1": "planned",
        "4.1": "planned",
    }

    # A task without events removed: fine.
    smaller = (
        db.plan()
        .read_text("utf-8")
        .replace(
            '  - id: "3.1"\n    title: "Thông tin tổng hợp về các hoạt động kỷ niệm"\n'
            "    lead: tt-th\n"
            '    window: "Thường xuyên từ tháng 3 đến hết tháng 10/2023"\n',
            "",
        )
    )
    (db.folder / "smaller.yaml").write_text(smaller, encoding="utf-8")
    removed = ok(cli("init", db.folder / "smaller.yaml", "--db", db.target))
    assert "2 nhiệm vụ (thêm 0, bỏ 2, sửa 0)" in removed.out  # 3.1 and 4.1 went
    data = json.loads(ok(cli("status", db.plan_id, "--db", db.target, "--json")).out)
    assert [t["id"] for t in data["tasks"]] == ["2.1", "2.6"]

    # A task with events removed: refused, one line naming the task, nothing changed.
    without_26 = smaller.replace(
        '  - id: "2.6"\n    title: "Tuyên truyền trên các cơ quan báo chí"\n'
        "    lead: tt-bc-xb\n"
        '    plan_due: "Tháng 3/2023"\n'
        '    window: "Từ tháng 3 đến tháng 10/2023"\n',
        "",
    )
    assert '"2.6"' not in without_26
    bad = db.folder / "without-2.6.yaml"
    bad.write_text(without_26, encoding="utf-8")
    before = db.snapshot()
    for lang in ("vi", "en"):
        line = one_error(cli("--lang", lang, "init", bad, "--db", db.target), lang)
        assert "2.6" in line
        assert str(bad) in line
    assert "đã có sự kiện" in one_error(cli("init", bad, "--db", db.target))
    assert db.snapshot() == before
    assert "2.6" in ok(cli("status", db.plan_id, "--db", db.target)).out
    ok(cli("verify", "--db", db.target, "--plan", db.plan_id))


def test_two_plans_in_one_database(db: DB) -> None:
    plan_a = db.plan("a.yaml")
    plan_b = db.plan("b.yaml", plan_id=db.other_id())
    ok(cli("init", plan_a, "--db", db.target))
    ok(cli("init", plan_b, "--db", db.target))
    fire(db, "2.6", "issue", "tt-bc-xb", "2023-03-20T09:00")  # plan a only
    ok(
        cli(
            "fire",
            plan_b,
            "3.1",
            "issue",
            "--actor",
            "tt-th",
            "--at",
            "2023-03-01",
            "--db",
            db.target,
        )
    )

    def states(plan: str, plan_id: str) -> dict[str, str]:
        data = json.loads(ok(cli("status", plan, "--db", db.target, "--json")).out)
        assert data["plan"] == plan_id
        return {t["id"]: t["state"] for t in data["tasks"]}

    b_states = {"2.1": "planned", "2.6": "planned", "3.1": "issued"}
    assert states(db.plan_id, db.plan_id) == {"2.1": "planned", "2.6": "issued", "3.1": "planned"}
    assert states(db.other_id(), db.other_id()) == b_states
    assert states(str(plan_b), db.other_id()) == b_states  # a plan file stands for its id
    history_b = json.loads(ok(cli("history", db.other_id(), "--db", db.target, "--json")).out)
    assert [(e["seq"], e["task"]) for e in history_b] == [(1, "3.1")]  # each plan its own chain
    assert ok(cli("history", db.other_id(), "2.6", "--db", db.target)).out == (
        "chưa có sự kiện nào\n"
    )
    for pid in (db.plan_id, db.other_id()):
        result = ok(cli("--lang", "en", "verify", "--db", db.target, "--plan", pid))
        assert ": OK: 1 plan, 1 event;" in result.out

    # An unknown plan id: one line listing the plans there are.
    line = one_error(cli("status", "no-such-plan", "--db", db.target))
    assert "no-such-plan" in line
    assert db.plan_id in line


def test_sqlite_verify_counts_every_plan(sqlite_db: DB) -> None:
    db = sqlite_db
    ok(cli("init", db.plan("a.yaml"), "--db", db.target))
    ok(cli("init", db.plan("b.yaml", plan_id="another"), "--db", db.target))
    fire(db, "2.6", "issue", "tt-bc-xb", "2023-03-20T09:00")
    fire(db, "2.6", "start", "tt-bc-xb", "2023-03-21T09:00")
    en = ok(cli("--lang", "en", "verify", "--db", db.target))
    assert en.out == (
        f"{db.target}: OK: 2 plans, 2 events; every hash chain and task state checks out\n"
    )
    vi = ok(cli("verify", db.target))  # the database may also be given as an argument
    assert vi.out.startswith(f"{db.target}: HỢP LỆ: 2 kế hoạch, 2 sự kiện;")


# --- verify ----------------------------------------------------------------------------


def test_verify_catches_an_edited_event(db: DB) -> None:
    ok(cli("init", db.plan(), "--db", db.target))
    fire(db, "2.6", "issue", "tt-bc-xb", "2023-03-20T09:00")
    fire(db, "2.6", "start", "tt-bc-xb", "2023-03-21T09:00")
    fire(db, "3.1", "issue", "tt-th", "2023-03-22T09:00")
    ok(cli("verify", "--db", db.target, "--plan", db.plan_id))

    db.tamper(2)
    en = cli("--lang", "en", "verify", "--db", db.target, "--plan", db.plan_id)
    assert en.code == 1, en
    assert en.err == ""
    assert en.out == (
        f"{db.target}: BROKEN: plan {db.plan_id}, event #2: hash does not match the event\n"
    )
    vi = cli("verify", "--db", db.target, "--plan", db.plan_id)
    assert vi.code == 1, vi
    assert f"kế hoạch {db.plan_id}, sự kiện #2: hash không khớp" in vi.out
    # A new process reaches the same verdict.
    again = run("verify", "--db", db.target, "--plan", db.plan_id)
    assert again.code == 1
    assert "sự kiện #2" in again.out
    assert "Traceback" not in again.err


def test_verify_of_an_unknown_plan_is_a_usage_error(sqlite_db: DB) -> None:
    ok(cli("init", sqlite_db.plan(), "--db", sqlite_db.target))
    line = one_error(
        cli("--lang", "en", "verify", "--db", sqlite_db.target, "--plan", "nope"), "en"
    )
    assert line == (
        f"error: {sqlite_db.target}: no plan 'nope' (plans: qn-60-test); "
        f"load it with 'tuyentruyen init PLAN --db {sqlite_db.target}'"
    )


def test_verify_needs_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    line = one_error(cli("--lang", "en", "verify"), "en")
    assert line == "error: no database given: use --db DB or set TUYENTRUYEN_DB"
    assert "TUYENTRUYEN_DB" in one_error(cli("init", "plan.yaml"))
    line = one_error(cli("verify", "a.db", "--db", "b.db"))
    assert "a.db" in line
    assert "b.db" in line
    assert list(tmp_path.iterdir()) == []


# --- the default database and the JSON-lines mode --------------------------------------


def test_tuyentruyen_db_gives_the_default(sqlite_db: DB, monkeypatch: pytest.MonkeyPatch) -> None:
    db = sqlite_db
    plan = db.plan()
    monkeypatch.setenv("TUYENTRUYEN_DB", db.target)
    ok(cli("init", plan))
    ok(cli("fire", plan, "2.6", "issue", "--actor", "tt-bc-xb", "--at", "2023-03-20T09:00"))
    assert "2.6" in ok(cli("history", db.plan_id)).out
    assert ok(cli("verify")).out.startswith(f"{db.target}: HỢP LỆ: 1 kế hoạch, 1 sự kiện")
    assert not plan.with_name(plan.name + ".events.jsonl").exists()

    # --state still chooses the JSON-lines log, which knows nothing of the database.
    log = db.folder / "log.jsonl"
    assert ok(cli("history", plan, "--state", log)).out == "chưa có sự kiện nào\n"
    ok(
        cli(
            "fire",
            plan,
            "2.1",
            "issue",
            "--actor",
            "tt-bc-xb",
            "--at",
            "2023-04-01",
            "--state",
            log,
        )
    )
    assert log.exists()
    assert "2.1" not in ok(cli("history", db.plan_id)).out


def test_state_and_db_are_exclusive(sqlite_db: DB) -> None:
    plan = sqlite_db.plan()
    line = one_error(cli("status", plan, "--state", "x.jsonl", "--db", sqlite_db.target))
    assert "--db" in line
    assert "--state" in line


# --- concurrency -----------------------------------------------------------------------


def test_racing_processes_record_one_issue(sqlite_db: DB) -> None:
    """Four processes issue the same task at once: one records it, the others are told
    the task is already issued; the chain stays whole."""
    db = sqlite_db
    ok(cli("init", db.plan(), "--db", db.target))
    env = {k: v for k, v in os.environ.items() if k not in (*ENV_VARS, "TUYENTRUYEN_DB")}
    env.update({"PYTHONUTF8": "1", "LANG": "C.UTF-8"})
    argv = [
        sys.executable,
        "-m",
        "tuyentruyen",
        "--lang",
        "en",
        "fire",
        db.plan_id,
        "2.6",
        "issue",
        "--actor",
        "tt-bc-xb",
        "--at",
        "2023-03-20T09:00",
        "--db",
        db.target,
    ]
    procs = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        for _ in range(4)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert sorted(code for code, _, _ in results) == [0, 2, 2, 2], results
    for code, _out, err in results:
        assert "Traceback" not in err
        if code == 2:
            assert len(err.splitlines()) == 1
            assert "2.6" in err
    events = json.loads(ok(cli("history", db.plan_id, "--db", db.target, "--json")).out)
    assert [(e["seq"], e["task"], e["event"]) for e in events] == [(1, "2.6", "issue")]
    ok(cli("verify", "--db", db.target))


def test_fire_decides_again_after_a_conflict(
    sqlite_db: DB, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Conflict (another writer changed the task first) makes ``fire --db`` reload and
    decide again; when it keeps happening the user gets one line and exit 2."""
    db = sqlite_db
    ok(cli("init", db.plan(), "--db", db.target))
    real = SQLStore.append
    calls: list[int] = []

    def flaky(times: int) -> Callable[..., object]:
        def append(self: SQLStore, *args: object, **kwargs: object) -> object:
            calls.append(1)
            if len(calls) <= times:
                raise Conflict("2.6", "planned", "planned")
            return real(self, *args, **kwargs)  # type: ignore[arg-type]

        return append

    monkeypatch.setattr(SQLStore, "append", flaky(1))
    assert "#1" in fire(db, "2.6", "issue", "tt-bc-xb", "2023-03-20T09:00").out
    assert len(calls) == 2

    calls.clear()
    monkeypatch.setattr(SQLStore, "append", flaky(100))
    before = db.snapshot()
    line = one_error(
        cli(
            "--lang",
            "en",
            "fire",
            db.plan_id,
            "2.6",
            "start",
            "--actor",
            "tt-bc-xb",
            "--db",
            db.target,
        ),
        "en",
    )
    assert line.startswith("error: task 2.6: expected state")
    assert len(calls) == 3
    assert db.snapshot() == before


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_file_that_is_not_a_database(tmp_path: Path, lang: str) -> None:
    plan = DB("sqlite", "", "qn-60-test", tmp_path, []).plan()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database\n" * 200)
    before = digest(garbage)
    commands = [
        ["init", plan, "--db", garbage],
        ["status", "qn-60-test", "--db", garbage],
        ["fire", "qn-60-test", "2.6", "issue", "--actor", "tt-bc-xb", "--db", garbage],
        ["history", "qn-60-test", "--db", garbage],
        ["verify", "--db", garbage],
    ]
    for args in commands:
        line = one_error(cli("--lang", lang, *args), lang)
        assert str(garbage) in line, line
        assert ("not a tuyentruyen database" if lang == "en" else "không phải") in line
    assert digest(garbage) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["garbage.db", "plan.yaml"]


def test_a_garbage_file_in_a_new_process(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(bytes(range(256)) * 40)
    before = digest(garbage)
    line = one_error(run("verify", "--db", garbage))
    assert str(garbage) in line
    assert digest(garbage) == before


def test_another_programs_sqlite_database_is_left_alone(sqlite_db: DB) -> None:
    """An SQLite file without tuyentruyen's tables: read commands refuse it, unchanged."""
    other = sqlite_db.folder / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE accounts (name TEXT)")
    conn.commit()
    conn.close()
    before = digest(other)
    for args in (["status", "x"], ["history", "x"], ["verify"]):
        line = one_error(cli("--lang", "en", *args, "--db", other), "en")
        assert line.startswith(f"error: {other}: not a tuyentruyen database")
        assert "tuyentruyen init" in line
    assert digest(other) == before
    empty = sqlite_db.folder / "empty.db"
    empty.touch()
    assert "tuyentruyen init" in one_error(cli("verify", empty))
    assert empty.read_bytes() == b""


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_missing_database_file_or_folder(tmp_path: Path, lang: str) -> None:
    plan = DB("sqlite", "", "qn-60-test", tmp_path, []).plan()
    missing = tmp_path / "missing.db"
    for args in (["status", "qn-60-test"], ["history", "qn-60-test"], ["verify"]):
        line = one_error(cli("--lang", lang, *args, "--db", missing), lang)
        assert str(missing) in line
        assert "tuyentruyen init PLAN --db" in line
    assert not missing.exists()  # read commands do not create a database

    in_missing_folder = tmp_path / "no-such-folder" / "plan.db"
    for args in (["init", str(plan)], ["status", "qn-60-test"], ["verify"]):
        line = one_error(cli("--lang", lang, *args, "--db", in_missing_folder), lang)
        assert str(in_missing_folder if args[0] != "init" else in_missing_folder.parent) in line
    assert not in_missing_folder.parent.exists()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_refused_connection_masks_the_password(tmp_path: Path, lang: str) -> None:
    pytest.importorskip("psycopg")
    plan = DB("sqlite", "", "qn-60-test", tmp_path, []).plan()
    for args in (
        ["init", plan, "--db", BAD_DSN],
        ["status", "qn-60-test", "--db", BAD_DSN],
        ["fire", "qn-60-test", "2.6", "issue", "--actor", "tt-bc-xb", "--db", BAD_DSN],
        ["history", "qn-60-test", "--db", BAD_DSN],
        ["verify", BAD_DSN],
    ):
        result = cli("--lang", lang, *args)
        line = one_error(result, lang)
        assert "postgresql://postgres:***@127.0.0.1:1/test" in line
        assert "secret" not in result.err + result.out
    result = run("verify", "--db", BAD_DSN)
    assert "***" in one_error(result)
    assert "secret" not in result.err + result.out


def test_missing_psycopg_is_one_line(sqlite_db: DB, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg -> ImportError
    line = one_error(cli("--lang", "en", "verify", "--db", BAD_DSN), "en")
    assert "pip install 'tuyentruyen[postgres]'" in line
    assert "secret" not in line


# --- languages and help ----------------------------------------------------------------


def test_messages_in_both_languages(sqlite_db: DB) -> None:
    db = sqlite_db
    plan = db.plan()
    vi = ok(cli("init", plan, "--db", db.target))
    assert vi.out == f"{db.target}: đã nạp kế hoạch qn-60-test: 3 nhiệm vụ\n"
    en = ok(cli("--lang", "en", "init", db.plan(extra=EXTRA_TASK), "--db", db.target))
    assert en.out == (
        f"{db.target}: updated plan qn-60-test: 4 tasks (1 added, 0 removed, 0 changed)\n"
    )
    fired = fire(db, "2.6", "issue", "tt-bc-xb", "2023-03-20T09:00", "--lang", "en")
    assert fired.out.startswith("recorded #1: task 2.6 planned -> issued (issue by tt-bc-xb, ")
    missing = db.folder / "nope.db"
    assert one_error(cli("--lang", "en", "status", "x", "--db", missing), "en") == (
        f"error: {missing}: no such database file; create it with "
        f"'tuyentruyen init PLAN --db {missing}'"
    )
    assert one_error(cli("status", "x", "--db", missing)) == (
        f"lỗi: {missing}: không có tệp cơ sở dữ liệu này; hãy tạo bằng "
        f"'tuyentruyen init PLAN --db {missing}'"
    )
    assert one_error(cli("--lang", "en", "verify"), "en") == (
        "error: no database given: use --db DB or set TUYENTRUYEN_DB"
    )


def test_help_names_the_database_commands() -> None:
    vi = ok(cli("--help"))
    for command in ("init", "verify"):
        assert command in vi.out
    assert "nạp tệp kế hoạch vào cơ sở dữ liệu" in vi.out
    en = ok(cli("--lang", "en", "--help"))
    assert "load a plan file into a database" in en.out
    fire_help = ok(cli("--lang", "en", "fire", "--help"))
    assert "--db DB" in fire_help.out
    assert "TUYENTRUYEN_DB" in fire_help.out
    verify_help = ok(cli("verify", "--help"))
    assert "--plan ID" in verify_help.out
    assert "chỉ kế hoạch này" in verify_help.out
