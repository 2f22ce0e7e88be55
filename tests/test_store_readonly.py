"""Read-only SQLite databases: every read works, every write is one clear error, and the
file is left byte for byte as it was (issue "Persistence", Bad input).

The files are really read-only for the process that opens them. Root ignores permission
bits, so when the tests run as root the reading code runs in a forked child that first
drops to an unprivileged user (``nobody``); otherwise ``chmod`` is enough. The child is
forked, not started afresh, because the interpreter may live where ``nobody`` cannot
reach it (``/root/.pyenv``); the command line therefore runs in the child as
:func:`tuyentruyen.cli.main`, with its exit status and output captured. The databases
live in a folder of the system temp dir that the child can reach (pytest's ``tmp_path``
is private to its user).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import tuyentruyen.store.postgres  # noqa: F401  (imported before the child drops privileges)
from clirun import Result, cli, ok
from tuyentruyen import Tracker
from tuyentruyen.io import event_to_dict
from tuyentruyen.store import SQLiteStore, StoreError
from tuyentruyen.store.sql import SCHEMA_VERSION

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX permissions, fork and setuid"
)

ROOT = Path(__file__).resolve().parents[1]
SEED_PLAN = ROOT / "examples" / "quang-ninh-60-nam.yaml"
PLAN_ID = "qn-60-nam"
AT = datetime(2023, 10, 31, 17, 0)
#: The unprivileged user the reading child becomes when the tests run as root.
NOBODY = 65534
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

#: An event the plan accepts after the setup's two: refused only because it cannot be written.
FIRE = ["fire", PLAN_ID, "2.6", "report", "--actor", "tt-bc-xb", "--at", "2023-10-20T09:00"]
READS = [
    ["status", PLAN_ID, "--at", "2023-10-31"],
    ["history", PLAN_ID, "2.6"],
    ["verify"],
]


# --- helpers ---------------------------------------------------------------------------


def one_error(result: Result, lang: str) -> str:
    """Exit 2, exactly one line on standard error, no traceback; returns the line."""
    assert result.code == 2, result
    assert "Traceback" not in result.err + result.out, result
    assert result.out == "", result
    lines = result.err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("lỗi: " if lang == "vi" else "error: "), lines
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def as_reader(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` run by a user for whom the prepared files are read-only.

    As root: in a forked child that has become ``nobody`` (groups, gid, then uid) before
    touching anything; the result comes back pickled, an exception as its traceback.
    Otherwise in this process, the files' permission bits being enough."""
    if not AS_ROOT:
        return fn(*args)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow it
        status = 0
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            try:
                data = pickle.dumps(("ok", fn(*args)))
            except BaseException:
                data = pickle.dumps(("raised", traceback.format_exc()))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        except BaseException:
            status = 70
            os.write(2, traceback.format_exc().encode())
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the reading child failed"
    kind, value = pickle.loads(data)
    if kind == "raised":
        pytest.fail(f"the reader raised:\n{value}", pytrace=False)
    return value


def can_write(*paths: Path) -> list[bool]:
    """Whether this process may write each path (a folder: create files in it)."""
    return [os.access(p, os.W_OK | (os.X_OK if p.is_dir() else 0)) for p in paths]


def run_cli(*commands: list[str]) -> list[Result]:
    """Each command through the CLI, in one reader."""
    return [cli(*command) for command in commands]


def store_error(exc: StoreError) -> dict[str, Any]:
    return {
        "type": type(exc).__name__,
        "en": exc.en,
        "vi": exc.vi,
        "unchained": exc.__cause__ is None
        and (exc.__suppress_context__ or exc.__context__ is None),
    }


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _neutral_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No language settings and no default database (commands pass --lang and --db)."""
    for name in ("TUYENTRUYEN_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "TUYENTRUYEN_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("TUYENTRUYEN_DB", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def folder() -> Iterator[Path]:
    """A new folder in the system temp dir, reachable by the reader."""
    path = Path(tempfile.mkdtemp(prefix="tt-readonly-"))
    path.chmod(0o755)
    if AS_ROOT:
        for parent in path.parents:
            if not parent.stat().st_mode & 0o001:
                shutil.rmtree(path)
                pytest.fail(f"{parent} is not searchable by others; set TMPDIR elsewhere")
    try:
        yield path
    finally:
        for p in [path, *path.rglob("*")]:
            if not p.is_symlink():
                p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(path)


def make_read_only(db: Path, how: str) -> None:
    """``file``: the file's mode is 0444 in a folder the reader may write;
    ``folder``: the file may be written, its folder may not (no -wal, no -shm)."""
    if how == "file":
        db.chmod(0o444)
        db.parent.chmod(0o777 if AS_ROOT else 0o755)
    else:
        db.chmod(0o666 if AS_ROOT else 0o644)
        db.parent.chmod(0o555)
    # The reader really may not write what it should not, and may write the rest.
    assert as_reader(can_write, db, db.parent) == (
        [False, True] if how == "file" else [True, False]
    )


@pytest.fixture
def seeded(folder: Path) -> Path:
    """The seed plan in ``folder/plan.db`` with two events on task 2.6, all connections
    closed (no -wal or -shm left); still writable."""
    db = folder / "plan.db"
    ok(cli("--lang", "en", "init", SEED_PLAN, "--db", db))
    at = ("2023-03-20T09:00", "2023-03-22T08:30")
    for event, when in zip(("issue", "start"), at, strict=True):
        ok(cli("--lang", "en", "fire", PLAN_ID, "2.6", event, "--actor", "tt-bc-xb",
               "--at", when, "--db", db))  # fmt: skip
    # The event the tests try to record is accepted where the file may be written.
    spare = folder / "spare.db"
    try:
        shutil.copyfile(db, spare)
        ok(cli("--lang", "en", *FIRE, "--db", spare))
    finally:
        for extra in (spare, Path(f"{spare}-wal"), Path(f"{spare}-shm")):
            extra.unlink(missing_ok=True)
    assert listing(folder) == ["plan.db"]
    return db


# --- the command line --------------------------------------------------------------------


@pytest.mark.parametrize("how", ["file", "folder"])
def test_the_cli_reads_a_read_only_database(seeded: Path, how: str) -> None:
    commands = [
        ["--lang", lang, *read, "--db", str(seeded)] for lang in ("en", "vi") for read in READS
    ]
    expected = run_cli(*commands)  # while the file may still be written
    for result in expected:
        ok(result)
        assert result.out
    before = digest(seeded)
    make_read_only(seeded, how)

    got = as_reader(run_cli, *commands)

    assert got == expected
    assert "2 events" in got[2].out
    assert digest(seeded) == before
    assert listing(seeded.parent) == ["plan.db"]  # no -wal or -shm left behind


@pytest.mark.parametrize("how", ["file", "folder"])
def test_the_cli_refuses_to_write_a_read_only_database_in_one_line(seeded: Path, how: str) -> None:
    before = digest(seeded)
    rows = cli("--lang", "en", "history", PLAN_ID, "2.6", "--db", seeded).out
    make_read_only(seeded, how)
    commands = [
        ["--lang", lang, *command, "--db", str(seeded)]
        for lang in ("en", "vi")
        for command in (FIRE, ["init", str(SEED_PLAN)])
    ]

    results = as_reader(run_cli, *commands)

    why_en = (
        "no permission to write the file" if how == "file" else "no permission to write its folder"
    )
    why_vi = "không có quyền ghi tệp" if how == "file" else "không có quyền ghi thư mục"
    for command, result in zip(commands, results, strict=True):
        lang = command[1]
        line = one_error(result, lang)
        assert str(seeded) in line
        if lang == "en":
            assert "the database is read-only" in line
            assert why_en in line
            assert line.endswith("nothing was changed")
        else:
            assert "cơ sở dữ liệu chỉ đọc" in line
            assert why_vi in line
            assert line.endswith("không có gì bị thay đổi")
    assert digest(seeded) == before
    assert listing(seeded.parent) == ["plan.db"]
    assert (
        as_reader(run_cli, ["--lang", "en", "history", PLAN_ID, "2.6", "--db", str(seeded)])[0].out
        == rows
    )


def test_init_in_a_read_only_folder_creates_nothing(folder: Path) -> None:
    folder.chmod(0o555)
    db = folder / "new.db"

    en, vi = as_reader(
        run_cli,
        ["--lang", "en", "init", str(SEED_PLAN), "--db", str(db)],
        ["--lang", "vi", "init", str(SEED_PLAN), "--db", str(db)],
    )

    assert one_error(en, "en") == (
        f"error: {db}: cannot create the database: no permission to write the folder {folder}"
    )
    assert one_error(vi, "vi") == (
        f"lỗi: {db}: không tạo được cơ sở dữ liệu: không có quyền ghi thư mục {folder}"
    )
    assert listing(folder) == []


# --- Python ------------------------------------------------------------------------------


def _open_and_fire(db: Path) -> dict[str, Any]:
    tracker = Tracker.open(db)
    try:
        found: dict[str, Any] = {
            "read_only": tracker.store.read_only,  # type: ignore[attr-defined]
            "states": tracker.states(),
            "summary": tracker.summary(AT),
            "events": [event_to_dict(e) for e in tracker.events],
            "verify": tracker.store.verify().ok,  # type: ignore[attr-defined]
        }
        try:
            tracker.fire("2.6", "report", actor="tt-bc-xb", at=datetime(2023, 10, 20, 9, 0))
        except StoreError as exc:
            found["error"] = store_error(exc)
        found["states after"] = tracker.states()
        return found
    finally:
        tracker.store.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("how", ["file", "folder"])
def test_tracker_open_reads_a_read_only_database_and_fire_is_refused(
    seeded: Path, how: str
) -> None:
    writable = Tracker.open(seeded)
    try:
        expected = {
            "states": writable.states(),
            "summary": writable.summary(AT),
            "events": [event_to_dict(e) for e in writable.events],
        }
        assert not writable.store.read_only  # type: ignore[attr-defined]
    finally:
        writable.store.close()  # type: ignore[attr-defined]
    assert listing(seeded.parent) == ["plan.db"]
    before = digest(seeded)
    make_read_only(seeded, how)

    got = as_reader(_open_and_fire, seeded)

    assert got["read_only"] is True
    assert got["verify"] is True
    for key, value in expected.items():
        assert got[key] == value, key
    assert len(got["events"]) == 2
    assert got["states after"] == expected["states"]
    error = got["error"]
    assert error["unchained"]  # no sqlite3 exception chained to it
    assert error["en"].startswith(f"{seeded}: the database is read-only (")
    assert error["en"].endswith("); nothing was changed")
    assert error["vi"].startswith(f"{seeded}: cơ sở dữ liệu chỉ đọc (")
    assert error["vi"].endswith("); không có gì bị thay đổi")
    assert digest(seeded) == before
    assert listing(seeded.parent) == ["plan.db"]


def test_read_only_true_reads_and_refuses_every_write(seeded: Path) -> None:
    before = digest(seeded)
    with SQLiteStore(seeded, read_only=True) as store:
        assert store.read_only
        assert store.schema_version() == SCHEMA_VERSION
        plan = store.load_plan()
        assert [e.event for e in store.load(plan)] == ["issue", "start"]
        assert store.verify().ok
        tracker = Tracker(plan, store=store)
        for write in (
            lambda: tracker.fire("2.6", "report", actor="tt-bc-xb", at=AT),
            lambda: store.save_plan(plan),
            store.migrate,
        ):
            with pytest.raises(StoreError) as err:
                write()
            assert str(err.value) == (
                f"{seeded}: the database is read-only (opened with read_only=True); "
                "nothing was changed"
            )
        assert tracker.state("2.6") == "in_progress"
    assert digest(seeded) == before
    assert listing(seeded.parent) == ["plan.db"]  # immutable: no -wal or -shm made


def test_a_missing_file_is_not_created_read_only(folder: Path) -> None:
    with pytest.raises(StoreError, match="does not exist") as err:
        SQLiteStore(folder / "plan.db", read_only=True)
    assert str(folder / "plan.db") in str(err.value)
    assert listing(folder) == []


def test_a_read_only_reader_follows_a_writer_that_comes_later(seeded: Path) -> None:
    def fire(event: str, day: int, *, close: bool = True) -> Tracker:
        writer = Tracker.open(seeded, plan_id=PLAN_ID)
        writer.fire("2.6", event, actor="tt-bc-xb", at=datetime(2023, 10, day, 9, 0))
        if close:
            writer.store.close()  # type: ignore[attr-defined]
        return writer

    # The setup's last write a minute ago, so that the next one shows in the file's times
    # whatever their granularity.
    a_minute_ago = time.time_ns() - 60 * 10**9
    os.utime(seeded, ns=(a_minute_ago, a_minute_ago))
    # Opened while no one else has the file open: read as immutable, without locks.
    reader = SQLiteStore(seeded, read_only=True)
    try:
        plan = reader.load_plan()
        assert [e.event for e in reader.load(plan)] == ["issue", "start"]
        fire("report", 20)  # checkpointed into the file on close: the file changed
        assert listing(seeded.parent) == ["plan.db"]
        assert [e.event for e in reader.load(plan)] == ["issue", "start", "report"]

        writer = fire("accept", 23, close=False)  # only in the writer's -wal so far
        try:
            assert Path(f"{seeded}-wal").stat().st_size > 0
            assert [e.event for e in reader.load(plan)] == ["issue", "start", "report", "accept"]
        finally:
            writer.store.close()  # type: ignore[attr-defined]
        assert [e.event for e in reader.load(plan)] == ["issue", "start", "report", "accept"]
        assert reader.verify().ok
    finally:
        reader.close()
    with SQLiteStore(seeded) as store:  # the next writer to close tidies the -wal away
        assert store.verify().ok
    assert listing(seeded.parent) == ["plan.db"]


@pytest.mark.skipif(not AS_ROOT, reason="needs a writer and a reader of different users")
def test_a_reader_sees_what_a_live_writer_has_not_checkpointed(seeded: Path) -> None:
    seeded.chmod(0o644)  # the owner's database in the owner's folder
    seeded.parent.chmod(0o755)
    script = textwrap.dedent(
        f"""
        import sys
        from datetime import datetime
        from tuyentruyen import Tracker
        t = Tracker.open({str(seeded)!r}, plan_id={PLAN_ID!r})
        t.fire("2.6", "report", actor="tt-bc-xb", at=datetime(2023, 10, 20, 9, 0))
        print("ready", flush=True)
        sys.stdin.readline()
        t.store.close()
        """
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "ready\n"
        assert sorted(listing(seeded.parent)) == ["plan.db", "plan.db-shm", "plan.db-wal"]
        wal = digest(Path(f"{seeded}-wal"))
        before = digest(seeded)

        (history,) = as_reader(
            run_cli, ["--lang", "en", "history", PLAN_ID, "2.6", "--db", str(seeded)]
        )

        ok(history)
        assert "report" in history.out
        assert digest(seeded) == before
        assert digest(Path(f"{seeded}-wal")) == wal
    finally:
        writer.communicate("done\n", timeout=60)
    assert writer.returncode == 0
    assert listing(seeded.parent) == ["plan.db"]


# --- schema versions -----------------------------------------------------------------


def _open_store(db: Path) -> dict[str, Any]:
    try:
        SQLiteStore(db).close()
    except StoreError as exc:
        return store_error(exc)
    return {}


@pytest.mark.parametrize("how", ["file", "folder"])
def test_a_read_only_database_of_an_older_schema_is_refused_clearly(folder: Path, how: str) -> None:
    db = folder / "plan.db"
    old = SQLiteStore(db, migrate=False)
    assert old.migrate(upto=1) == 1
    old.close()
    assert listing(folder) == ["plan.db"]
    before = digest(db)
    make_read_only(db, how)

    error = as_reader(_open_store, db)
    (status,) = as_reader(run_cli, ["--lang", "vi", "status", PLAN_ID, "--db", str(db)])

    assert error["type"] == "StoreError"
    assert error["unchained"]
    assert error["en"].startswith(
        f"{db}: the database has schema 1, older than this tuyentruyen's ({SCHEMA_VERSION}),"
        " and it is read-only ("
    )
    assert "so it cannot be upgraded; open it once with write access" in error["en"]
    assert error["vi"].startswith(f"{db}: cơ sở dữ liệu có lược đồ 1, cũ hơn")
    assert "không nâng cấp được" in error["vi"]
    line = one_error(status, "vi")
    assert line == f"lỗi: {error['vi']}"
    assert digest(db) == before
    assert listing(folder) == ["plan.db"]

    # With write access again, opening upgrades it, as the message says.
    db.chmod(0o644)
    folder.chmod(0o755)
    with SQLiteStore(db) as store:
        assert store.schema_version() == SCHEMA_VERSION


def test_a_read_only_database_of_a_newer_schema_is_refused(seeded: Path) -> None:
    conn = sqlite3.connect(seeded)
    with conn:
        conn.execute("UPDATE tt_meta SET value = '99' WHERE key = 'schema'")
    conn.close()
    before = digest(seeded)
    make_read_only(seeded, "file")

    error = as_reader(_open_store, seeded)

    assert error["en"] == (
        f"{seeded}: the database has schema 99, newer than this tuyentruyen knows "
        f"({SCHEMA_VERSION}); upgrade tuyentruyen"
    )
    assert digest(seeded) == before


def test_a_read_only_file_without_tuyentruyen_tables_is_refused(folder: Path) -> None:
    db = folder / "other.db"
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    conn.close()
    before = digest(db)
    make_read_only(db, "file")

    error = as_reader(_open_store, db)
    (status,) = as_reader(run_cli, ["--lang", "en", "status", PLAN_ID, "--db", str(db)])

    assert "holds no tuyentruyen tables" in error["en"]
    assert "read-only" in error["en"]
    assert str(db) in one_error(status, "en")
    assert digest(db) == before
    assert listing(folder) == ["other.db"]


# --- read-only media -------------------------------------------------------------------


_MEDIA_SCRIPT = """
import hashlib, io, json, os, shutil, subprocess, sys
from tuyentruyen.cli import main

source, mount, fire = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount], check=False)
if made.returncode != 0:
    sys.exit(77)  # cannot mount here
try:
    db = os.path.join(mount, "plan.db")
    shutil.copyfile(source, db)
    if subprocess.run(["mount", "-o", "remount,ro", mount], check=False).returncode != 0:
        sys.exit(77)
    results = []
    for argv in (
        ["--lang", "en", "verify", "--db", db],
        ["--lang", "en", "history", "qn-60-nam", "2.6", "--db", db],
        ["--lang", "en", *fire, "--db", db],
    ):
        out, err = io.StringIO(), io.StringIO()
        results.append([main(argv, stdout=out, stderr=err), out.getvalue(), err.getvalue()])
    with open(db, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    print(json.dumps({"results": results, "digest": digest, "files": sorted(os.listdir(mount))}))
finally:
    subprocess.run(["umount", mount], check=False)
"""


@pytest.mark.skipif(not AS_ROOT, reason="mounting needs root")
def test_a_database_on_read_only_media_is_read_even_by_root(seeded: Path, folder: Path) -> None:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        pytest.skip("unshare or mount is missing")
    probe = subprocess.run(
        ["unshare", "--mount", "true"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot make a mount namespace: {probe.stderr.strip()}")
    mount = folder / "media"
    mount.mkdir()
    # In a mount namespace of its own, so that nothing outlives the test.
    proc = subprocess.run(
        ["unshare", "--mount", sys.executable, "-c", _MEDIA_SCRIPT, str(seeded), str(mount),
         json.dumps(FIRE)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if proc.returncode == 77:
        pytest.skip(f"cannot mount a read-only tmpfs here: {proc.stderr.strip()}")
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    verify, history, fire = (Result(*r) for r in found["results"])
    assert "OK: 1 plan, 2 events" in ok(verify).out
    assert ok(history).out == cli(
        "--lang", "en", "history", PLAN_ID, "2.6", "--db", seeded
    ).out.replace(str(seeded), str(mount / "plan.db"))
    line = one_error(fire, "en")
    assert line == (
        f"error: {mount / 'plan.db'}: the database is read-only (the file system is mounted "
        "read-only); nothing was changed"
    )
    assert found["digest"] == digest(seeded)
    assert found["files"] == ["plan.db"]


# --- when SQLite refuses what the permissions allow ------------------------------------


@contextlib.contextmanager
def held_open(db: Path) -> Iterator[None]:
    """A process of this user holds ``db`` open, so that its -wal and -shm files exist
    (created with the database file's mode at that moment)."""
    script = (
        "import sqlite3, sys\n"
        f"conn = sqlite3.connect({str(db)!r})\n"
        "conn.execute('SELECT count(*) FROM sqlite_master').fetchone()\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
        "conn.close()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "ready\n"
        yield
    finally:
        holder.communicate("done\n", timeout=60)
    assert holder.returncode == 0


@pytest.mark.skipif(not AS_ROOT, reason="needs -wal and -shm files of another user")
def test_a_database_whose_wal_files_the_reader_cannot_write_is_read_only(
    seeded: Path, folder: Path
) -> None:
    old = folder / "old.db"
    with SQLiteStore(old, migrate=False) as store:
        store.migrate(upto=1)
    for db in (seeded, old):
        db.chmod(0o644)
    with held_open(seeded), held_open(old):
        # The file and the folder may be written; the -wal and -shm files (0644, root's)
        # may not, which only SQLite finds out.
        for db in (seeded, old):
            db.chmod(0o666)
        folder.chmod(0o777)
        assert sorted(listing(folder)) == sorted(
            f"{db.name}{suffix}" for db in (seeded, old) for suffix in ("", "-shm", "-wal")
        )
        before = {db: digest(db) for db in (seeded, old)}

        history, fire = as_reader(
            run_cli,
            ["--lang", "en", "history", PLAN_ID, "2.6", "--db", str(seeded)],
            ["--lang", "en", *FIRE, "--db", str(seeded)],
        )
        error = as_reader(_open_store, old)

        assert "start" in ok(history).out
        assert one_error(fire, "en") == (
            f"error: {seeded}: the database is read-only; nothing was changed"
        )
        assert error["en"].startswith(f"{old}: the database has schema 1, older than")
        assert "read-only (SQLite cannot write the file or its -wal and -shm files)" in error["en"]
        assert {db: digest(db) for db in (seeded, old)} == before
