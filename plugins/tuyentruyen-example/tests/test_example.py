"""tuyentruyen-example, loaded the way tuyentruyen loads it: through its entry point.

Needs the plugin installed (``pip install -e 'plugins/tuyentruyen-example[test]'``).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import logging
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TextIO

import attrs
import pytest
import tuyentruyen_example
from hypothesis import given
from hypothesis import strategies as st

from tuyentruyen import FixedClock, NotPermitted, Plan, Tracker, TuyenTruyenError, load_plan
from tuyentruyen.demo import find_seed_plan
from tuyentruyen.model import Window
from tuyentruyen.notify import Message
from tuyentruyen.plugins import PluginManager, collect, make_plugin_manager, plugin_info

#: Only this plugin and the built-in one, whatever else is installed.
ALLOW = {"TUYENTRUYEN_PLUGINS": "example,console"}
#: examples/quang-ninh-60-nam.yaml of the tuyentruyen checkout (else the packaged copy).
PLAN_FILE = str(find_seed_plan())
LOGGER = "tuyentruyen_example"


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The Quảng Ninh 60-year plan."""
    return load_plan(PLAN_FILE)


@pytest.fixture
def pm() -> PluginManager:
    return make_plugin_manager(env=ALLOW)


def new_tracker(plan: Plan, pm: PluginManager) -> Tracker:
    return Tracker(plan, plugins=pm, clock=FixedClock(datetime(2023, 12, 31, 17, 0)))


# --- loading ------------------------------------------------------------------------


def test_found_through_its_entry_point(pm: PluginManager) -> None:
    (example,) = [p for p in plugin_info(pm) if p.name == "example"]
    assert example.status == "loaded"
    assert example.distribution == "tuyentruyen-example"
    assert example.version == importlib.metadata.version("tuyentruyen-example")
    assert example.hooks == ("on_event", "register_commands", "register_notifiers")


def test_is_the_module_its_entry_point_names(pm: PluginManager) -> None:
    assert [p.name for p in plugin_info(pm) if p.status == "loaded"] == ["console", "example"]
    assert pm.get_plugin("example") is tuyentruyen_example
    assert importlib.metadata.version("tuyentruyen-example") == tuyentruyen_example.__version__
    assert tuyentruyen_example.__version__ == "0.1.0"


@pytest.mark.parametrize(
    "env",
    [{"TUYENTRUYEN_PLUGINS_BLOCK": "example"}, {"TUYENTRUYEN_PLUGINS": "console"}],
    ids=["block-list", "allow-list"],
)
def test_environment_can_leave_it_out(env: dict[str, str]) -> None:
    pm = make_plugin_manager(env=env)
    (example,) = [p for p in plugin_info(pm) if p.name == "example"]
    assert example.status == "blocked"
    assert example.hooks == ()
    assert not pm.has_plugin("example")
    assert "log" not in collect(pm, "register_notifiers")


def test_changes_no_decision_of_a_tracker(pm: PluginManager, plan: Plan) -> None:
    """Installed for everyone, it must not decide who may fire what nor which plans
    are valid."""
    assert pm.hook.authorize.get_hookimpls() == []
    assert pm.hook.validate_plan.get_hookimpls() == []
    t = new_tracker(plan, pm)  # the seed plan is still accepted
    with pytest.raises(NotPermitted):
        t.fire("2.6", "issue", actor="tt-th", at=datetime(2023, 3, 20, 9))
    t.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 20, 9))
    assert t.state("2.6") == "issued"


# --- the log notifier ---------------------------------------------------------------

MESSAGE = Message(
    id="qn-60-nam:2.4:overdue:2023-06-01",
    kind="overdue",
    plan="qn-60-nam",
    units=("tt-th", "btgtu"),
    subject="Nhiệm vụ 2.4 đã quá hạn",
    body="…",
    task="2.4",
)


def test_log_notifier_is_offered_and_logs_at_info(
    pm: PluginManager, caplog: pytest.LogCaptureFixture
) -> None:
    backends = collect(pm, "register_notifiers")
    assert sorted(backends) == ["console", "log"]
    notifier = backends["log"]({})
    caplog.set_level(logging.INFO, logger=LOGGER)
    notifier.send(MESSAGE)
    (record,) = [r for r in caplog.records if r.name == LOGGER]
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        "[qn-60-nam:2.4:overdue:2023-06-01] -> tt-th, btgtu: Nhiệm vụ 2.4 đã quá hạn"
    )
    assert record.tuyentruyen_message is MESSAGE


def test_log_notifier_level_and_logger_come_from_its_table(
    caplog: pytest.LogCaptureFixture,
) -> None:
    notifier = tuyentruyen_example.LogNotifier({"level": "warning", "logger": "ban.tuyen-giao"})
    caplog.set_level(logging.WARNING, logger="ban.tuyen-giao")
    notifier.send(MESSAGE)
    assert [(r.name, r.levelno) for r in caplog.records] == [("ban.tuyen-giao", logging.WARNING)]


def test_log_notifier_refuses_an_unknown_level() -> None:
    with pytest.raises(TuyenTruyenError) as caught:
        tuyentruyen_example.LogNotifier({"level": "loud"})
    assert caught.value.message("en") == "[notify.log] level: unknown logging level 'LOUD'"
    assert caught.value.message("vi") == "[notify.log] level: không có mức ghi log 'LOUD'"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def quiet_logger() -> Iterator[tuple[str, _Records]]:
    """A logger of the tests alone, its records kept by a handler (not caplog, which
    hypothesis's examples would share)."""
    name = f"{LOGGER}.tests"
    logger, handler = logging.getLogger(name), _Records()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield name, handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
        logger.propagate = True


@given(
    subject=st.text(),
    units=st.lists(st.text(st.characters(exclude_characters=","), min_size=1), max_size=3),
)
def test_log_notifier_logs_any_message_whole(
    quiet_logger: tuple[str, _Records], subject: str, units: list[str]
) -> None:
    name, handler = quiet_logger
    handler.records.clear()
    message = attrs.evolve(MESSAGE, subject=subject, units=tuple(units))
    tuyentruyen_example.LogNotifier({"logger": name}).send(message)
    (record,) = handler.records
    assert record.getMessage() == f"[{MESSAGE.id}] -> {', '.join(units)}: {subject}"
    assert record.tuyentruyen_message == message


# --- on_event ----------------------------------------------------------------------


def test_on_event_logs_each_event_at_debug(
    pm: PluginManager, plan: Plan, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    tracker = Tracker(plan, plugins=pm, clock=FixedClock(datetime(2023, 12, 31, 17, 0)))
    tracker.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 20, 9, 0))
    assert [r.getMessage() for r in caplog.records if r.name == LOGGER] == [
        "qn-60-nam: 2.6 issue (planned -> issued) by tt-bc-xb at 2023-03-20T09:00:00+07:00"
    ]


def test_on_event_announces_only_committed_events_and_keeps_nothing(
    pm: PluginManager, plan: Plan, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    before = dict(vars(tuyentruyen_example))
    t = new_tracker(plan, pm)
    t.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 20, 9, 0))
    with pytest.raises(NotPermitted):  # refused: not committed, not announced
        t.fire("2.6", "start", actor="tt-th", at=datetime(2023, 3, 21, 9, 0))
    t.fire_many(
        [
            {"task": "2.6", "event": "start", "actor": "tt-bc-xb", "at": datetime(2023, 3, 22, 9)},
            {"task": "3.2", "event": "issue", "actor": "tt-th", "at": datetime(2023, 4, 3, 14)},
        ]
    )
    assert [r.getMessage() for r in caplog.records if r.name == LOGGER] == [
        "qn-60-nam: 2.6 issue (planned -> issued) by tt-bc-xb at 2023-03-20T09:00:00+07:00",
        "qn-60-nam: 2.6 start (issued -> in_progress) by tt-bc-xb at 2023-03-22T09:00:00+07:00",
        "qn-60-nam: 3.2 issue (planned -> issued) by tt-th at 2023-04-03T14:00:00+07:00",
    ]
    assert all(r.levelno == logging.DEBUG for r in caplog.records if r.name == LOGGER)
    assert dict(vars(tuyentruyen_example)) == before  # nothing kept


def test_on_event_is_silent_without_debug(
    pm: PluginManager, plan: Plan, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    new_tracker(plan, pm).fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 20, 9))
    assert [r for r in caplog.records if r.name == LOGGER] == []


# --- tuyentruyen tasks-of -----------------------------------------------------------


class Registry:
    """A stand-in for the CLI's command registry, with the contract of ``cli.add``:
    it gives each command ``--lang`` (as the CLI does), then ``setup`` adds the rest;
    ``run(args, out)`` returns the exit status."""

    def __init__(self) -> None:
        self.root = argparse.ArgumentParser(prog="tuyentruyen", exit_on_error=False)
        self.sub = self.root.add_subparsers(dest="command", required=True)
        self.helps: dict[str, tuple[str, str]] = {}

    def add(
        self,
        name: str,
        help_en: str,
        help_vi: str,
        setup: Callable[[argparse.ArgumentParser], None],
        run: Callable[[argparse.Namespace, TextIO], int],
    ) -> None:
        parser = self.sub.add_parser(name, help=help_en, add_help=False)
        parser.add_argument("-h", "--help", action="help")
        parser.add_argument("--lang", choices=("vi", "en"), default="vi")
        setup(parser)
        parser.set_defaults(run=run)
        self.helps[name] = (help_en, help_vi)

    def __call__(self, *argv: str) -> str:
        args = self.root.parse_args(argv)
        out = io.StringIO()
        assert args.run(args, out) == 0
        return out.getvalue()


@pytest.fixture
def cli(pm: PluginManager) -> Registry:
    registry = Registry()
    pm.hook.register_commands(cli=registry)
    return registry


def test_adds_one_command_with_help_in_both_languages(cli: Registry) -> None:
    assert cli.helps == {
        "tasks-of": (
            "list the tasks a unit leads in a plan file",
            "liệt kê các nhiệm vụ một đơn vị chủ trì trong tệp kế hoạch",
        )
    }


def test_tasks_of_speaks_vietnamese_by_default(cli: Registry) -> None:
    assert cli("tasks-of", "tt-th", PLAN_FILE) == (
        "Phòng Thông tin - Tổng hợp (tt-th) chủ trì 2 nhiệm vụ của kế hoạch qn-60-nam:\n"
        "  2.4  Thông tin tuyên truyền công tác tổ chức, các hoạt động tham gia, hưởng ứng …\n"
        "       ban hành kế hoạch: Trong tháng 02/2023; thực hiện: Tháng 5/2023\n"
        "  3.2  Với Văn phòng Tỉnh ủy\n"
        "       thực hiện: Tháng 5/2023\n"
    )


def test_tasks_of_in_english(cli: Registry) -> None:
    assert cli("tasks-of", "tt-th", PLAN_FILE, "--lang", "en") == (
        "Phòng Thông tin - Tổng hợp (tt-th) leads 2 tasks of plan qn-60-nam:\n"
        "  2.4  Thông tin tuyên truyền công tác tổ chức, các hoạt động tham gia, hưởng ứng …\n"
        "       sub-plan due: Trong tháng 02/2023; window: Tháng 5/2023\n"
        "  3.2  Với Văn phòng Tỉnh ủy\n"
        "       window: Tháng 5/2023\n"
    )


def test_tasks_of_with_support_by_unit_name(cli: Registry) -> None:
    out = cli("tasks-of", "Phòng Thông tin - Tổng hợp", PLAN_FILE, "--support", "--lang=en")
    assert out.splitlines()[5:] == [
        "Supports 2 tasks:",
        "  3.6  Với Hội Nhà báo tỉnh",
        "       lead: Phòng Tuyên truyền - Báo chí - Xuất bản; "
        "window: Từ tháng 3 đến tháng 10/2023",
        "  3.7  Với Hội Văn học nghệ thuật tỉnh",
        "       lead: Phòng Văn hóa và Dư luận xã hội; window: Từ tháng 3 đến tháng 10/2023",
    ]


def test_tasks_of_a_unit_leading_nothing(cli: Registry) -> None:
    assert cli("tasks-of", "so-tttt", PLAN_FILE) == (
        "Sở Thông tin và Truyền thông (so-tttt) không chủ trì nhiệm vụ nào "
        "của kế hoạch qn-60-nam.\n"
    )
    assert cli("tasks-of", "so-tttt", PLAN_FILE, "--lang", "en").endswith(
        "leads no task of plan qn-60-nam.\n"
    )


def test_tasks_of_an_unknown_unit_names_the_closest(cli: Registry) -> None:
    with pytest.raises(TuyenTruyenError) as caught:
        cli("tasks-of", "tt-thh", PLAN_FILE)
    assert caught.value.message("vi") == (
        "kế hoạch qn-60-nam: không có đơn vị 'tt-thh' (gần nhất: tt-th, tt-tu, tttt-tinh)"
    )
    assert caught.value.message("en").startswith("plan qn-60-nam: no unit 'tt-thh' (closest:")


def test_tasks_of_lists_exactly_the_tasks_each_unit_leads(plan: Plan) -> None:
    for unit in plan.units:
        for lang in ("vi", "en"):
            text = tuyentruyen_example.tasks_of(plan, unit.id, lang=lang)
            listed = re.findall(r"^  (\S+)  ", text, re.M)
            assert listed == [t.id for t in plan.tasks if t.lead == unit.id], (unit.id, lang)


def test_tasks_of_dates_without_their_phrase(plan: Plan) -> None:
    """A plan built in code has dates but no phrases: they are written out."""
    task = attrs.evolve(
        plan.task("2.1"),
        plan_due_text=None,
        window_text=None,
        window=Window(date(2023, 9, 1), date(2023, 10, 31)),
    )
    bare = attrs.evolve(plan, tasks=(task,))
    assert tuyentruyen_example.tasks_of(bare, "tt-bc-xb").splitlines()[2] == (
        "       ban hành kế hoạch: 30/04/2023; thực hiện: 01/09/2023 - 31/10/2023"
    )
    assert tuyentruyen_example.tasks_of(bare, "tt-bc-xb", lang="en").splitlines()[2] == (
        "       sub-plan due: 2023-04-30; window: 2023-09-01 - 2023-10-31"
    )
