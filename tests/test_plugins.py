"""The plugin system: hooks, the plugin manager, the ``plugins`` command.

Every hook of :mod:`tuyentruyen.hookspecs` has a test here named ``test_hook_<name>_...``
and a section in docs/plugins.md; :func:`test_every_hook_is_documented_and_tested`
fails when one lacks either.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
import sys
import textwrap
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

from clirun import cli, ok
from tuyentruyen import (
    Event,
    FixedClock,
    NotPermitted,
    Plan,
    PlanError,
    Problem,
    Task,
    Tracker,
    hookimpl,
    hookspecs,
)
from tuyentruyen.notify import ConsoleNotifier
from tuyentruyen.plugins import (
    PluginError,
    collect,
    make_plugin_manager,
    plugin_info,
    reset_plugin_manager,
)
from tuyentruyen.store import MemoryStore

ROOT = Path(__file__).resolve().parents[1]
MARCH = datetime(2023, 3, 20, 9, 0)
HOOKS = sorted(
    name
    for name, f in vars(hookspecs).items()
    if inspect.isfunction(f) and hasattr(f, "tuyentruyen_spec")
)


def manager(*plugins: object) -> Any:
    """A plugin manager with only the built-in plugins and ``plugins``."""
    return make_plugin_manager(plugins, entry_points=False, env={})


def tracker(plan: Plan, *plugins: object, store: Any = None) -> Tracker:
    return Tracker(
        plan, plugins=manager(*plugins), store=store, clock=FixedClock(datetime(2023, 12, 31))
    )


@pytest.fixture
def global_manager() -> Iterator[Callable[[Any], None]]:
    """Set the process's plugin manager (what the CLI uses) for one test."""

    def use(pm: Any) -> None:
        reset_plugin_manager(pm)

    yield use
    reset_plugin_manager(None)


# --- the catalogue -------------------------------------------------------------------


def test_every_hook_is_documented_and_tested() -> None:
    assert HOOKS == [
        "authorize", "on_event", "register_commands", "register_exporters",
        "register_notifiers", "validate_plan",
    ]  # fmt: skip
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    tests = {name for name in globals() if name.startswith("test_hook_")}
    for hook in HOOKS:
        section = re.search(rf"^### `{hook}\((.*?)\)`\n(.*?)(?=^### |\Z)", docs, re.M | re.S)
        assert section is not None, f"docs/plugins.md has no section for {hook}"
        assert "```python" in section.group(2), f"the {hook} section has no runnable example"
        assert any(t.startswith(f"test_hook_{hook}_") for t in tests), f"no test for {hook}"


# --- each hook ---------------------------------------------------------------------------


def test_hook_register_notifiers_offers_the_console_backend() -> None:
    found = collect(manager(), "register_notifiers")
    assert found["console"] is ConsoleNotifier

    class Extra:
        @hookimpl
        def register_notifiers(self, register: Callable[[str, Any], None]) -> None:
            register("sms", lambda config: config)

    found = collect(manager(Extra()), "register_notifiers")
    assert sorted(found) == ["console", "sms"]
    assert found["sms"]({"to": "x"}) == {"to": "x"}


def test_hook_register_exporters_collects_by_name() -> None:
    class Csv:
        suffix = ".csv"

        def export(self, tracker: Any, path: str, options: Any) -> None:
            Path(path).write_text("id\n", encoding="utf-8")

    class Plugin:
        @hookimpl
        def register_exporters(self, register: Callable[[str, Any], None]) -> None:
            register("csv", Csv())

    assert sorted(collect(manager(), "register_exporters")) == [
        "csv",
        "dot",
        "json",
        "markdown",
        "mermaid",
    ]
    found = collect(manager(Plugin()), "register_exporters")
    assert found["csv"] is not collect(manager(), "register_exporters")["csv"]  # replaced
    assert found["csv"].suffix == ".csv"
    assert type(found["csv"]).__name__ == "Csv"


def test_hook_on_event_runs_after_commit_with_event_task_and_plan(seed_plan: Plan) -> None:
    seen: list[tuple[int, str, str, int]] = []
    store = MemoryStore()

    class Watcher:
        @hookimpl
        def on_event(self, event: Event, task: Task, plan: Plan) -> None:
            # Committed already: the store holds the event when the hook runs.
            seen.append((event.seq, task.id, plan.id, len(store.load(plan))))

    t = tracker(seed_plan, Watcher(), store=store)
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire_many([{"task": "2.6", "event": "start", "actor": "tt-bc-xb", "at": MARCH}])
    assert seen == [(1, "2.6", seed_plan.id, 1), (2, "2.6", seed_plan.id, 2)]


def test_hook_on_event_that_raises_leaves_the_event_and_the_other_plugins(
    seed_plan: Plan, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    class Broken:
        @hookimpl
        def on_event(self, event: Event) -> None:
            calls.append("broken")
            raise RuntimeError("backend down")

    class Fine:
        @hookimpl
        def on_event(self, task: Task) -> None:  # fewer arguments than the spec offers
            calls.append(f"fine {task.id}")

    t = tracker(seed_plan, Broken(), Fine())
    with caplog.at_level(logging.ERROR, logger="tuyentruyen"):
        ev = t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    assert t.state("2.6") == "issued"
    assert t.events == (ev,)
    assert sorted(calls) == ["broken", "fine 2.6"]
    assert "on_event failed for event #1" in caplog.text
    assert "backend down" in caplog.text


def test_hook_on_event_is_not_called_for_a_refused_event(seed_plan: Plan) -> None:
    seen: list[Event] = []

    class Watcher:
        @hookimpl
        def on_event(self, event: Event) -> None:
            seen.append(event)

    t = tracker(seed_plan, Watcher())
    with pytest.raises(NotPermitted):
        t.fire("2.6", "issue", actor="nobody", at=MARCH)
    assert seen == []


def test_hook_authorize_can_allow_refuse_or_leave_it_to_the_policy(seed_plan: Plan) -> None:
    class Deputy:
        """Lets the plan's issuer stand in for any lead, and bars one unit."""

        @hookimpl
        def authorize(self, actor: str, task: Task, event: str, plan: Plan) -> bool | None:
            if actor == plan.issuer and event == "issue":
                return True
            if actor == "tt-bc-xb" and task.id == "2.7":
                return False
            return None

    t = tracker(seed_plan, Deputy())
    issuer = seed_plan.issuer
    assert t.fire("2.1", "issue", actor=issuer, at=MARCH).actor == issuer  # allowed
    with pytest.raises(NotPermitted):
        t.fire("2.7", "issue", actor="tt-bc-xb", at=MARCH)  # refused
    assert t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH).actor == "tt-bc-xb"  # policy
    with pytest.raises(NotPermitted):
        tracker(seed_plan).fire("2.1", "issue", actor=issuer, at=MARCH)  # without it


def test_hook_validate_plan_problems_refuse_the_plan(seed_plan: Plan) -> None:
    class CitesItsBases:
        @hookimpl
        def validate_plan(self, plan: Plan) -> list[Problem]:
            if plan.bases:
                return []
            return [Problem("$.bases", "legal bases are required", "cần nêu căn cứ ban hành")]

    assert tracker(seed_plan, CitesItsBases()).plan is seed_plan  # the seed cites three
    with pytest.raises(PlanError, match="legal bases are required") as caught:
        tracker(attrs.evolve(seed_plan, bases=()), CitesItsBases())
    assert caught.value.message("vi").endswith("cần nêu căn cứ ban hành")


def test_hook_register_commands_adds_a_cli_command(global_manager: Callable[[Any], None]) -> None:
    class Hello:
        @hookimpl
        def register_commands(self, cli: hookspecs.CommandRegistry) -> None:
            def setup(p: Any) -> None:
                p.add_argument("who")

            def run(args: Any, out: Any) -> int:
                greeting = "Xin chào" if args.lang == "vi" else "Hello"
                out.write(f"{greeting}, {args.who}\n")
                return 0

            cli.add("hello", "say hello", "chào hỏi", setup, run)

    global_manager(manager(Hello()))
    assert ok(cli("hello", "Quảng Ninh")).out == "Xin chào, Quảng Ninh\n"
    assert ok(cli("--lang", "en", "hello", "Hạ Long")).out == "Hello, Hạ Long\n"
    assert "chào hỏi" in ok(cli("--help")).out


# --- the manager -----------------------------------------------------------------------


def test_a_misspelled_hook_fails_loudly() -> None:
    class Typo:
        @hookimpl
        def on_evnet(self, event: Event) -> None:  # sic
            pass

    with pytest.raises(PluginError, match="on_evnet"):
        manager(Typo())


def test_a_hook_with_arguments_the_spec_lacks_is_refused() -> None:
    class Wrong:
        @hookimpl
        def on_event(self, event: Event, tracker: Any) -> None:
            pass

    with pytest.raises(PluginError, match="tracker"):
        manager(Wrong())


@pytest.fixture
def fake_dists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two installed distributions with entry points in group ``tuyentruyen``: one
    that imports, one whose import fails."""
    for name, module, body in (
        ("tt_good", "tt_good_plugin", "from tuyentruyen import hookimpl\n\n"
         "@hookimpl\ndef on_event(event):\n    pass\n"),
        ("tt_bad", "tt_bad_plugin", "raise ImportError('needs libfoo')\n"),
    ):  # fmt: skip
        (tmp_path / f"{module}.py").write_text(body, encoding="utf-8")
        info = tmp_path / f"{name}-1.2.3.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2.3\n", encoding="utf-8"
        )
        short = name.removeprefix("tt_")
        (info / "entry_points.txt").write_text(
            f"[tuyentruyen]\n{short} = {module}\n", encoding="utf-8"
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_installed_plugins_are_found_and_a_broken_one_is_logged_not_fatal(
    fake_dists: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tuyentruyen.plugins"):
        pm = make_plugin_manager(env={"TUYENTRUYEN_PLUGINS": "console,good,bad"})
    info = {p.name: p for p in plugin_info(pm)}
    assert info["good"].status == "loaded"
    assert (info["good"].distribution, info["good"].version) == ("tt_good", "1.2.3")
    assert info["good"].hooks == ("on_event",)
    assert info["bad"].status == "failed"
    assert "needs libfoo" in (info["bad"].error or "")
    assert "plugin bad (tt_bad 1.2.3) failed to load" in caplog.text
    assert pm.has_plugin("good")
    assert not pm.has_plugin("bad")


def test_allow_and_block_lists(fake_dists: Path) -> None:
    only = make_plugin_manager(env={"TUYENTRUYEN_PLUGINS": "good"})
    assert [p.name for p in plugin_info(only) if p.status == "loaded"] == ["good"]
    blocked = make_plugin_manager(env={"TUYENTRUYEN_PLUGINS_BLOCK": "console,bad"})
    status = {p.name: p.status for p in plugin_info(blocked)}
    assert status["console"] == "blocked"
    assert status["bad"] == "blocked"
    assert not blocked.has_plugin("console")


def test_the_plugins_command_lists_them(
    fake_dists: Path, global_manager: Callable[[Any], None]
) -> None:
    global_manager(make_plugin_manager(env={"TUYENTRUYEN_PLUGINS": "console,good,bad"}))
    listed = json.loads(ok(cli("plugins", "--json")).out)
    assert [p["name"] for p in listed] == ["console", "good"]
    assert listed[1] == {
        "name": "good", "distribution": "tt_good", "version": "1.2.3",
        "hooks": ["on_event"], "status": "loaded", "error": None,
    }  # fmt: skip
    everything = ok(cli("--lang", "en", "plugins", "--all")).out
    assert "bad (failed to load: ImportError('needs libfoo'))" in everything
    assert ok(cli("plugins")).out.splitlines()[0] == (
        "console: tuyentruyen 0.1.0; các hook: register_exporters, register_notifiers"
    )


def test_a_misspelled_hook_in_an_installed_plugin_is_one_cli_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tt_typo_plugin.py").write_text(
        "from tuyentruyen import hookimpl\n\n@hookimpl\ndef on_evnet(event):\n    pass\n",
        encoding="utf-8",
    )
    info = tmp_path / "tt_typo-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: tt_typo\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[tuyentruyen]\ntypo = tt_typo_plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    reset_plugin_manager(None)
    try:
        result = cli("plugins")
    finally:
        reset_plugin_manager(None)
        sys.modules.pop("tt_typo_plugin", None)
    assert result.code == 2
    assert result.err.startswith("lỗi: plugin 'typo' cài đặt một hook không tồn tại")
    assert "Traceback" not in result.err
    assert textwrap.dedent(result.out) == ""


def test_a_wrapper_around_a_hook_still_wraps_it(seed_plan: Plan) -> None:
    order: list[str] = []

    class Wrapper:
        @hookimpl(wrapper=True)
        def on_event(self, event: Event) -> Any:
            order.append("before")
            result = yield
            order.append("after")
            return result

    class Plain:
        @hookimpl
        def on_event(self, event: Event) -> None:
            order.append(f"event {event.seq}")

    t = tracker(seed_plan, Plain(), Wrapper())
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    assert order == ["before", "event 1", "after"]


def test_authorize_sees_the_moment_and_the_note_when_it_asks(seed_plan: Plan) -> None:
    seen: list[tuple[str, object, object]] = []

    class Watcher:
        @hookimpl
        def authorize(self, event: str, at: datetime, note: str | None) -> None:
            seen.append((event, at, note))

    class Old:  # the four-argument form still works
        @hookimpl
        def authorize(self, actor: str, task: Any, event: str, plan: Plan) -> None:
            seen.append(("old", actor, task.id))

    pm = make_plugin_manager([Watcher(), Old()], entry_points=False)
    tracker = Tracker(seed_plan, plugins=pm, clock=FixedClock(datetime(2023, 12, 31)))
    tracker.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 1, 8), note="ghi chú")
    assert ("old", "tt-bc-xb", "2.6") in seen
    (_, at, note) = next(s for s in seen if s[0] == "issue")
    assert note == "ghi chú"
    assert isinstance(at, datetime)
    assert at.tzinfo is not None
    assert (at.year, at.month, at.day, at.hour) == (2023, 3, 1, 8)
