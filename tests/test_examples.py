"""Every example in examples/ runs, and does what its docstring says."""

from __future__ import annotations

import configparser
import importlib.util
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tuyentruyen import FixedClock, NotPermitted, Tracker, load_plan
from tuyentruyen.export import export_to
from tuyentruyen.plugins import collect, make_plugin_manager

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PLAN = EXAMPLES / "quang-ninh-60-nam.yaml"
END = datetime(2023, 10, 31, 17, 0)


def load_example(name: str, path: Path) -> ModuleType:
    """Import an example file as a module (examples/ is no package)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run(script: Path) -> list[str]:
    """Run ``script`` from another folder (examples find the plan by their own path)."""
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd="/", check=True,
        timeout=120, encoding="utf-8",
    )  # fmt: skip
    assert done.stderr == ""
    return done.stdout.splitlines()


# --- embed_basic.py -------------------------------------------------------------------


def test_embed_basic_prints_what_the_readme_example_prints() -> None:
    lines = run(EXAMPLES / "embed_basic.py")
    assert lines[0] == "in_progress"
    assert (
        lines[1] == "['2.1 must be issued (it is planned)', '3.1 must be issued (it is planned)']"
    )
    assert lines[2].startswith("[('2.1', (Deadline(kind='plan_due'")
    assert "'2.4'" in lines[2]
    assert "'2.6'" not in lines[2]
    assert lines[3] == "0.0"
    assert len(lines) == 4


def test_embed_basic_is_the_readme_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```python\n", 1)[1].split("```", 1)[0]
    script = (EXAMPLES / "embed_basic.py").read_text(encoding="utf-8")
    for line in block.splitlines():
        if line.startswith(("from ", "plan = ")):
            continue  # the script imports Path too and finds the plan by its own path
        assert line.strip() in script, line


# --- custom_policy.py -----------------------------------------------------------------


@pytest.fixture(scope="module")
def policy() -> ModuleType:
    return load_example("custom_policy", EXAMPLES / "custom_policy.py")


def tracker_with(*plugins: object) -> Tracker:
    pm = make_plugin_manager(plugins, entry_points=False, env={})
    return Tracker(load_plan(PLAN), plugins=pm, clock=FixedClock(END))


def test_custom_policy_script_runs() -> None:
    lines = run(EXAMPLES / "custom_policy.py")
    assert lines[0] == "2.6 tt-bc-xb cancelled"
    assert lines[1].startswith("nhiệm vụ 1.1: đơn vị 'btgtu' không được thực hiện")


def test_custom_policy_lets_the_lead_unit_cancel(policy: ModuleType) -> None:
    note = "Gộp vào nhiệm vụ 2.1"
    with pytest.raises(NotPermitted):  # the default policy: only the issuer cancels
        tracker_with().fire("2.6", "cancel", actor="tt-bc-xb", at=END, note=note)
    tracker = tracker_with(policy.LeadMayCancel())
    ev = tracker.fire("2.6", "cancel", actor="tt-bc-xb", at=END, note=note)
    assert (ev.actor, tracker.state("2.6")) == ("tt-bc-xb", "cancelled")
    # By the unit's name, too: recorded under its id.
    name = tracker.plan.unit("tt-th")
    assert name is not None
    ev = tracker.fire("2.4", "cancel", actor=name.name, at=END, note=note)
    assert ev.actor == "tt-th"


def test_custom_policy_leaves_other_decisions_to_the_tracker(policy: ModuleType) -> None:
    tracker = tracker_with(policy.LeadMayCancel())
    with pytest.raises(NotPermitted):  # 2.6 is not tt-th's task
        tracker.fire("2.6", "cancel", actor="tt-th", at=END, note="không phải việc của phòng")
    ev = tracker.fire("2.6", "cancel", actor="btgtu", at=END, note="theo chỉ đạo")
    assert ev.dest == "cancelled"
    ev = tracker.fire("2.1", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 1, 9))
    assert ev.dest == "issued"
    with pytest.raises(NotPermitted):
        tracker.fire("2.2", "issue", actor="btgtu", at=datetime(2023, 3, 1, 9))


def test_custom_policy_refuses_cancelling_standing_duties(policy: ModuleType) -> None:
    assert tracker_with().fire("1.1", "cancel", actor="btgtu", at=END, note="x").dest == (
        "cancelled"
    )
    tracker = tracker_with(policy.LeadMayCancel())
    for actor in ("btgtu", "tt-bc-xb"):
        with pytest.raises(NotPermitted) as refused:
            tracker.fire("1.1", "cancel", actor=actor, at=END, note="không còn cần thiết")
        assert refused.value.allowed == ()
    assert tracker.state("1.1") == "planned"


# --- custom_exporter/ -----------------------------------------------------------------

EXPORTER = EXAMPLES / "custom_exporter"


@pytest.fixture(scope="module")
def counts_module() -> Iterator[ModuleType]:
    sys.path.insert(0, str(EXPORTER / "src"))
    try:
        import tuyentruyen_counts

        yield tuyentruyen_counts
    finally:
        sys.path.remove(str(EXPORTER / "src"))


def test_custom_exporter_counts_tasks_per_classification(
    counts_module: ModuleType, tmp_path: Path
) -> None:
    tracker = tracker_with(counts_module)
    tracker.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 20, 9))
    tracker.fire("2.6", "start", actor="tt-bc-xb", at=datetime(2023, 3, 22, 9))
    exporter = collect(tracker.plugins, "register_exporters")["counts"]
    assert exporter.suffix == ".txt"
    at = datetime(2023, 10, 31)
    path = export_to(exporter, tracker, tmp_path / "counts.txt", {"at": at})
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith("(qn-60-nam) — 31/10/2023")
    counts = dict(line.split("\t") for line in lines[1:])
    expected: dict[str, int] = {}
    for st in tracker.status(at=at):
        label = st.classification.label("vi")
        expected[label] = expected.get(label, 0) + 1
    assert {k: int(v) for k, v in counts.items() if int(v)} == {**expected, "Tổng số": 17}
    assert int(counts["chưa thực hiện"]) > 0

    english = export_to(exporter, tracker, tmp_path / "en.txt", {"at": at, "lang": "en"})
    assert english.read_text(encoding="utf-8").splitlines()[-1] == "Total\t17"
    one_unit = {"at": at, "unit": "tt-th"}
    path = export_to(exporter, tracker, tmp_path / "tt-th.txt", one_unit)
    leads = sum(1 for t in tracker.plan.tasks if t.lead == "tt-th" or "tt-th" in t.support)
    assert path.read_text(encoding="utf-8").splitlines()[-1] == f"Tổng số\t{leads}"


def test_custom_exporter_builds_a_wheel_with_its_entry_point(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(tmp_path), str(EXPORTER)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("tuyentruyen_counts-0.1.0-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        entry_points = zf.read("tuyentruyen_counts-0.1.0.dist-info/entry_points.txt")
    assert "tuyentruyen_counts/__init__.py" in names
    parser = configparser.ConfigParser()
    parser.read_string(entry_points.decode())
    assert dict(parser["tuyentruyen"]) == {"counts": "tuyentruyen_counts"}


# --- web_api.py -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The web API on a seeded SQLite database, served by uvicorn on a free port."""
    import uvicorn  # the `examples` extra, part of `test`

    db = tmp_path_factory.mktemp("web") / "plan.db"
    Tracker.open(db, load_plan(PLAN)).store.close()  # as `tuyentruyen init`
    mp = pytest.MonkeyPatch()
    mp.setenv("TUYENTRUYEN_DB", str(db))
    web_api = load_example("web_api", EXAMPLES / "web_api.py")
    config = uvicorn.Config(web_api.app, host="127.0.0.1", port=0, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert thread.is_alive(), "uvicorn stopped"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    (sock,) = [s for server in srv.servers for s in server.sockets]
    port = sock.getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        mp.undo()


@pytest.fixture
def client(server: str) -> Iterator[Any]:
    import httpx

    with httpx.Client(base_url=server, timeout=10) as c:
        yield c


def fire(client: Any, task: str, body: dict[str, Any], actor: str | None) -> Any:
    headers = {} if actor is None else {"X-Actor": actor}
    return client.post(f"/plans/qn-60-nam/tasks/{task}/events", json=body, headers=headers)


def test_web_api_fires_an_event_as_the_header_s_unit(client: Any) -> None:
    r = fire(client, "2.6", {"event": "issue", "at": "2023-03-20T09:00:00"}, "tt-bc-xb")
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["state"], body["actor"], body["source"]) == ("issued", "tt-bc-xb", "planned")
    r = fire(client, "2.6", {"event": "start", "at": "2023-03-22T09:00:00"}, "tt-bc-xb")
    assert r.json()["state"] == "in_progress"
    report = {"event": "report", "at": "2023-05-10T09:00:00", "data": {"tin_bai": 12},
              "note": "Đã đăng 12 tin, bài", "final": False}  # fmt: skip
    r = fire(client, "2.6", report, "tt-bc-xb")
    assert r.status_code == 201, r.text
    assert (r.json()["data"], r.json()["final"]) == ({"tin_bai": 12}, False)

    history = client.get("/plans/qn-60-nam/tasks/2.6/history")
    assert history.status_code == 200
    events = history.json()
    assert [e["event"] for e in events] == ["issue", "start", "report"]
    assert events[0]["at"] == "2023-03-20T09:00:00+07:00"
    assert events[2]["note"] == "Đã đăng 12 tin, bài"


def test_web_api_refuses_the_wrong_unit_with_both_languages(client: Any) -> None:
    r = fire(client, "2.7", {"event": "issue", "at": "2023-03-20T09:00:00"}, "tt-th")
    assert r.status_code == 403
    body = r.json()
    assert body["error"] == "NotPermitted"
    assert body["task"] == "2.7"
    assert "may not fire 'issue'" in body["en"]
    assert "không được thực hiện" in body["vi"]
    assert "Traceback" not in r.text


def test_web_api_needs_the_actor_header(client: Any) -> None:
    r = fire(client, "2.7", {"event": "issue"}, None)
    assert r.status_code in (400, 422)
    assert "x-actor" in r.text.lower()


@pytest.mark.parametrize(
    ("task", "body", "status", "error"),
    [
        ("9.9", {"event": "issue"}, 404, "UnknownTask"),
        ("1.1", {"event": "report"}, 409, "InvalidTransition"),
        ("2.1", {"event": "launch"}, 422, "EventError"),
        ("3.3", {"event": "cancel", "at": "2023-04-01T09:00:00"}, 422, "EventError"),
    ],
)
def test_web_api_maps_library_errors(
    client: Any, task: str, body: dict[str, Any], status: int, error: str
) -> None:
    actor = "btgtu" if body["event"] == "cancel" else "tt-bc-xb"
    r = fire(client, task, body, actor)
    assert (r.status_code, r.json()["error"]) == (status, error), r.text
    assert r.json()["vi"]
    assert r.json()["en"]


def test_web_api_status_lists_every_task(client: Any) -> None:
    r = client.get("/plans/qn-60-nam/status", params={"at": "2023-10-31T17:00:00"})
    assert r.status_code == 200, r.text
    status = r.json()
    assert len(status["tasks"]) == 17
    first = status["tasks"][0]
    assert set(first) >= {"id", "state", "classification", "classification_vi", "lead"}
    assert {u["unit"] for u in status["units"]} >= {"tt-bc-xb", "tt-th", "vh-dlxh"}
    assert status["total"]["total"] == 17
    assert sum(status["total"]["by_class"].values()) == 17


def test_web_api_unknown_plan_is_404(client: Any) -> None:
    r = client.get("/plans/khong-co/status")
    assert r.status_code == 404
    assert r.json()["vi"] == "không có kế hoạch 'khong-co'"
