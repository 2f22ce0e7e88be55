"""The Tracker on the seed plan: firing, checks, errors, replay, stores."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyentruyen import (
    Dependency,
    DependencyNotMet,
    Event,
    EventError,
    EventLogFile,
    FixedClock,
    InvalidTransition,
    MemoryStore,
    NotPermitted,
    Plan,
    PlanError,
    StateFileError,
    Task,
    Tracker,
    TuyenTruyenError,
    Unit,
    UnknownTask,
)
from tuyentruyen.timeexpr import ZONE

MARCH = datetime(2023, 3, 20, 9, 0)


def test_fire_returns_an_immutable_event(seed_tracker: Tracker) -> None:
    ev = seed_tracker.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH, note="Kế hoạch số 5")
    assert isinstance(ev, Event)
    assert (ev.seq, ev.task, ev.event, ev.source, ev.dest) == (
        1,
        "2.6",
        "issue",
        "planned",
        "issued",
    )
    assert ev.actor == "tt-bc-xb"
    assert ev.at == datetime(2023, 3, 20, 9, 0, tzinfo=ZONE)
    assert ev.at.utcoffset() == timedelta(hours=7)
    assert ev.note == "Kế hoạch số 5"
    with pytest.raises(AttributeError):
        ev.dest = "done"  # type: ignore[misc]
    with pytest.raises(TypeError):
        ev.data["x"] = 1  # type: ignore[index]
    assert seed_tracker.state("2.6") == "issued"
    assert seed_tracker.events == (ev,)


def test_full_lifecycle_of_an_ordinary_task(seed_tracker: Tracker) -> None:
    t = seed_tracker
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH + timedelta(days=1))
    rep = t.fire("2.6", "report", actor="tt-bc-xb", at=MARCH + timedelta(days=30))
    assert rep.final is True  # ordinary tasks: a report is final by default
    t.fire("2.6", "accept", actor="tt-bc-xb", at=MARCH + timedelta(days=31))
    assert t.state("2.6") == "done"
    assert [e.seq for e in t.history("2.6")] == [1, 2, 3, 4]
    with pytest.raises(InvalidTransition) as err:
        t.fire("2.6", "report", actor="tt-bc-xb", at=MARCH + timedelta(days=40))
    assert err.value.state == "done"
    assert err.value.possible == ()
    assert "2.6" in str(err.value)
    assert "2.6" in err.value.message("vi")


def test_ongoing_task_reports_many_times_until_a_final_report(seed_tracker: Tracker) -> None:
    t = seed_tracker
    assert t.task("1.1").ongoing
    t.fire("1.1", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire("1.1", "start", actor="tt-bc-xb", at=MARCH)
    for month in (4, 5, 6):
        rep = t.fire("1.1", "report", actor="tt-bc-xb", at=datetime(2023, month, 10))
        assert rep.final is False
        acc = t.fire("1.1", "accept", actor="tt-bc-xb", at=datetime(2023, month, 11))
        assert acc.dest == "in_progress"
    t.fire("1.1", "report", actor="tt-bc-xb", at=datetime(2023, 10, 20), final=True)
    assert t.fire("1.1", "accept", actor="tt-bc-xb", at=datetime(2023, 10, 21)).dest == "done"


def test_rework_sends_a_report_back(seed_tracker: Tracker) -> None:
    t = seed_tracker
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "report", actor="tt-bc-xb", at=MARCH)
    ev = t.fire("2.6", "rework", actor="tt-bc-xb", at=MARCH, note="Bổ sung số liệu")
    assert (ev.source, ev.dest) == ("reported", "in_progress")


def test_interim_report_of_an_ordinary_task_can_be_asked_for(seed_tracker: Tracker) -> None:
    t = seed_tracker
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "report", actor="tt-bc-xb", at=MARCH, final=False)
    assert t.fire("2.6", "accept", actor="tt-bc-xb", at=MARCH).dest == "in_progress"


def test_final_is_only_for_report(seed_tracker: Tracker) -> None:
    with pytest.raises(EventError, match="final"):
        seed_tracker.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH, final=True)
    assert seed_tracker.events == ()


def test_start_before_issue_is_refused_with_the_possible_events(seed_tracker: Tracker) -> None:
    with pytest.raises(InvalidTransition) as err:
        seed_tracker.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    assert err.value.state == "planned"
    assert err.value.possible == ("issue", "cancel")
    assert "issue, cancel" in err.value.message("vi")


def test_declared_dependency_blocks_start_and_names_the_blocker(seed_tracker: Tracker) -> None:
    t = seed_tracker
    t.fire("2.1", "issue", actor="tt-bc-xb", at=MARCH)
    with pytest.raises(DependencyNotMet) as err:
        t.fire("2.1", "start", actor="tt-bc-xb", at=MARCH)
    (blocker,) = err.value.blockers
    assert (blocker.task, blocker.required, blocker.state) == ("3.1", "issued", "planned")
    assert "3.1" in err.value.message("vi")
    assert "3.1" in str(err.value)
    assert t.state("2.1") == "issued"  # nothing changed
    t.fire("3.1", "issue", actor="tt-bc-xb", at=MARCH)
    assert t.fire("2.1", "start", actor="tt-bc-xb", at=MARCH).dest == "in_progress"


def test_blockers_explain_in_words(seed_tracker: Tracker) -> None:
    t = seed_tracker
    found = t.blockers("2.1")
    assert [(b.task, b.required, b.state) for b in found] == [
        ("2.1", "issued", "planned"),  # built in: plan issued before execution
        ("3.1", "issued", "planned"),  # declared in the plan file
    ]
    assert found[1].message("en") == "3.1 must be issued (it is planned)"
    assert found[1].message("vi") == (
        "3.1 phải đạt trạng thái 'đã ban hành' (issued), hiện là 'chưa ban hành' (planned)"
    )
    t.fire("2.1", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire("3.1", "issue", actor="tt-bc-xb", at=MARCH)
    assert t.blockers("2.1") == []
    # As of a moment before those events, the blockers were there.
    assert len(t.blockers("2.1", at=MARCH - timedelta(minutes=1))) == 2


def test_a_cancelled_dependency_never_holds(seed_tracker: Tracker) -> None:
    t = seed_tracker
    t.fire("3.1", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire("3.1", "cancel", actor="btgtu", at=MARCH, note="Tạp chí đổi kế hoạch")
    t.fire("2.1", "issue", actor="tt-bc-xb", at=MARCH)
    with pytest.raises(DependencyNotMet) as err:
        t.fire("2.1", "start", actor="tt-bc-xb", at=MARCH)
    assert err.value.blockers[0].state == "cancelled"


@pytest.mark.parametrize(
    ("task", "event", "actor"),
    [
        ("2.6", "issue", "tt-th"),  # not the lead unit
        ("2.6", "issue", "btgtu"),  # the issuer does not run tasks
        ("2.6", "cancel", "tt-bc-xb"),  # only the issuer cancels
        ("2.6", "issue", "Sở Không Tồn Tại"),  # not a unit at all
    ],
)
def test_wrong_actor_is_not_permitted(
    seed_tracker: Tracker, task: str, event: str, actor: str
) -> None:
    with pytest.raises(NotPermitted) as err:
        seed_tracker.fire(task, event, actor=actor, at=MARCH, note="x")
    assert err.value.actor == actor
    assert err.value.allowed  # says who may
    assert task in err.value.message("vi")
    assert seed_tracker.events == ()


def test_actor_may_be_named_in_any_unicode_form(seed_tracker: Tracker) -> None:
    import unicodedata

    name = unicodedata.normalize("NFD", "Phòng Tuyên truyền – Báo chí – Xuất bản")
    ev = seed_tracker.fire("2.6", "issue", actor=name, at=MARCH)
    assert ev.actor == "tt-bc-xb"


def test_accept_belongs_to_the_receiving_unit(seed_tracker: Tracker) -> None:
    t = seed_tracker
    t.fire("2.4", "issue", actor="tt-th", at=MARCH)
    t.fire("2.4", "start", actor="tt-th", at=MARCH)
    t.fire("2.4", "report", actor="tt-th", at=MARCH)
    with pytest.raises(NotPermitted) as err:
        t.fire("2.4", "accept", actor="tt-th", at=MARCH)
    assert err.value.allowed == ("tt-bc-xb",)
    assert t.fire("2.4", "accept", actor="tt-bc-xb", at=MARCH).dest == "done"


def test_unknown_task_suggests_close_ids(seed_tracker: Tracker) -> None:
    with pytest.raises(UnknownTask) as err:
        seed_tracker.fire("2.66", "issue", actor="tt-bc-xb", at=MARCH)
    assert "2.6" in err.value.candidates
    assert str(err.value).startswith("unknown task '2.66'")
    with pytest.raises(UnknownTask):
        seed_tracker.state("9.9")


def test_unknown_event_is_an_event_error(seed_tracker: Tracker) -> None:
    with pytest.raises(EventError, match="approve"):
        seed_tracker.fire("2.6", "approve", actor="tt-bc-xb", at=MARCH)


def test_event_dated_before_the_previous_one_is_refused(seed_tracker: Tracker) -> None:
    t = seed_tracker
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    with pytest.raises(EventError) as err:
        t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH - timedelta(seconds=1))
    assert "2.6" in err.value.message("vi")
    assert t.state("2.6") == "issued"
    # Other tasks keep their own order: an earlier moment is fine for them.
    t.fire("2.4", "issue", actor="tt-th", at=MARCH - timedelta(days=30))
    # The same moment as the previous event is fine.
    t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)


def test_aware_moments_are_compared_as_instants(seed_tracker: Tracker) -> None:
    t = seed_tracker
    t.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 20, 2, 0, tzinfo=UTC))
    with pytest.raises(EventError):  # 08:59 +07:00 is before 02:00 UTC (= 09:00 +07:00)
        t.fire("2.6", "start", actor="tt-bc-xb", at=datetime(2023, 3, 20, 8, 59))
    ev = t.fire("2.6", "start", actor="tt-bc-xb", at=datetime(2023, 3, 20, 9, 0))
    assert ev.at.tzinfo == ZONE


def test_future_events_are_refused_unless_allowed(seed_plan: Plan) -> None:
    clock = FixedClock(datetime(2023, 3, 1, 12, 0))
    t = Tracker(seed_plan, clock=clock)
    with pytest.raises(EventError, match="future"):
        t.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 2))
    assert t.fire("2.6", "issue", actor="tt-bc-xb").at == clock.now()  # default: now
    planned = Tracker(seed_plan, clock=clock, allow_future=True)
    assert planned.fire("2.6", "issue", actor="tt-bc-xb", at=datetime(2023, 3, 2)).dest == "issued"


def test_cancel_needs_a_reason(seed_tracker: Tracker) -> None:
    for note in (None, "", "   "):
        with pytest.raises(EventError, match="reason"):
            seed_tracker.fire("2.6", "cancel", actor="btgtu", at=MARCH, note=note)
    ev = seed_tracker.fire("2.6", "cancel", actor="btgtu", at=MARCH, note="Không tổ chức")
    assert ev.dest == "cancelled"
    with pytest.raises(InvalidTransition):
        seed_tracker.fire("2.6", "cancel", actor="btgtu", at=MARCH, note="lần nữa")


def test_report_data_is_checked_and_frozen(seed_tracker: Tracker) -> None:
    t = seed_tracker
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    data = {"articles": 12, "links": ["https://baoquangninh.vn/a"], "by": {"tv": 3}}
    ev = t.fire("2.6", "report", actor="tt-bc-xb", at=MARCH, data=data)
    data["articles"] = 0  # the caller's dict is not shared
    data["links"].append("x")  # type: ignore[attr-defined]
    assert ev.plain_data == {
        "articles": 12,
        "links": ["https://baoquangninh.vn/a"],
        "by": {"tv": 3},
    }
    with pytest.raises(TypeError):
        ev.data["articles"] = 1  # type: ignore[index]
    assert json.loads(json.dumps(ev.plain_data)) == ev.plain_data


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"when": datetime(2023, 1, 1)}, "data.when"),
        ({"count": float("nan")}, "data.count"),
        ({"links": ["a", {1: "b"}]}, "data.links[1]"),
        ({"files": {"a", "b"}}, "data.files"),
        (["not", "a", "mapping"], "data"),
    ],
)
def test_non_json_report_data_names_its_path(
    seed_tracker: Tracker, data: object, where: str
) -> None:
    t = seed_tracker
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    with pytest.raises(EventError) as err:
        t.fire("2.6", "report", actor="tt-bc-xb", at=MARCH, data=data)  # type: ignore[arg-type]
    assert where in str(err.value)
    assert "2.6" in err.value.message("vi")
    assert t.state("2.6") == "in_progress"
    assert len(t.events) == 2


def test_invalid_plan_is_refused_by_the_tracker() -> None:
    plan = Plan(
        id="p",
        title="t",
        issuer="a",
        units=[Unit("a", "Đơn vị A")],
        tasks=[Task("1", "x", lead="nobody"), Task("1", "y", lead="a")],
    )
    with pytest.raises(PlanError) as err:
        Tracker(plan)
    paths = {p.path for p in err.value.problems}
    assert {"$.tasks[0].lead", "$.tasks[1].id"} <= paths


class FailingStore(MemoryStore):
    """A store whose disk fills up after a number of appends."""

    def __init__(self, fail_after: int) -> None:
        super().__init__()
        self.left = fail_after

    def append(self, plan: Plan, events: Sequence[Event], versions: Sequence[int] = ()) -> None:
        if self.left == 0:
            raise OSError(28, "No space left on device")
        self.left -= 1
        super().append(plan, events, versions)


def test_a_failing_store_changes_nothing(seed_plan: Plan, clock: FixedClock) -> None:
    store = FailingStore(fail_after=1)
    t = Tracker(seed_plan, store=store, clock=clock)
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    with pytest.raises(OSError, match="space"):
        t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    assert t.state("2.6") == "issued"
    assert len(t.events) == 1
    assert len(store.load(seed_plan)) == 1


def test_replay_rebuilds_the_same_state(seed_tracker: Tracker) -> None:
    t = seed_tracker
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    t.fire("3.1", "issue", actor="tt-bc-xb", at=MARCH)
    again = Tracker.replay(t.plan, t.events, clock=t.clock)
    assert again.states() == t.states()
    assert again.events == t.events
    assert again.summary(at=datetime(2023, 11, 1)) == t.summary(at=datetime(2023, 11, 1))


def test_replay_refuses_an_inconsistent_log(seed_tracker: Tracker) -> None:
    t = seed_tracker
    ev = t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    with pytest.raises(StateFileError, match="replay"):
        Tracker.replay(t.plan, [ev, ev._replace(seq=2)])  # issued twice
    with pytest.raises(StateFileError, match="sequence"):
        Tracker.replay(t.plan, [Event(5, "2.6", "issue", "planned", "issued", "tt-bc-xb", ev.at)])
    with pytest.raises(StateFileError, match=r"9\.9"):
        Tracker.replay(t.plan, [Event(1, "9.9", "issue", "planned", "issued", "tt-bc-xb", ev.at)])


def test_event_log_file_round_trip(seed_plan: Plan, clock: FixedClock, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    t = Tracker(seed_plan, store=EventLogFile(path), clock=clock)
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)
    t.fire("2.6", "report", actor="tt-bc-xb", at=MARCH, data={"links": ["https://a.vn"], "n": 2})
    lines = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"tuyentruyen": "event-log", "schema": 1, "plan": "qn-60-nam"}
    assert len(lines) == 4
    reopened = Tracker(seed_plan, store=EventLogFile(path), clock=clock)
    assert reopened.events == t.events
    assert reopened.states() == t.states()
    assert reopened.events[2].plain_data == {"links": ["https://a.vn"], "n": 2}
    assert not list(tmp_path.glob(".state.jsonl.*"))  # no temporary files left behind


def test_event_log_of_another_plan_is_refused(seed_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    path.write_text('{"tuyentruyen": "event-log", "schema": 1, "plan": "other"}\n')
    with pytest.raises(StateFileError, match="other"):
        Tracker(seed_plan, store=EventLogFile(path))


def test_corrupted_event_log_names_file_and_line(seed_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "state.jsonl"
    t = Tracker(seed_plan, store=EventLogFile(path), clock=FixedClock(datetime(2024, 1, 1)))
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    before = path.read_bytes()
    with path.open("a") as fh:
        fh.write("{not json\n")
    with pytest.raises(StateFileError) as err:
        Tracker(seed_plan, store=EventLogFile(path))
    assert f"{path}:3" in str(err.value)
    assert isinstance(err.value, TuyenTruyenError)
    path.write_bytes(before)
    assert Tracker(seed_plan, store=EventLogFile(path)).state("2.6") == "issued"


def test_many_plans_in_one_memory_store(seed_plan: Plan, clock: FixedClock) -> None:
    other = Plan(
        id="other",
        title="Kế hoạch khác",
        issuer="a",
        units=[Unit("a", "Đơn vị A")],
        tasks=[Task("2.6", "Cùng mã, kế hoạch khác", lead="a")],
    )
    store = MemoryStore()
    Tracker(seed_plan, store=store, clock=clock).fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    Tracker(other, store=store, clock=clock)
    assert Tracker(other, store=store, clock=clock).state("2.6") == "planned"
    assert Tracker(seed_plan, store=store, clock=clock).state("2.6") == "issued"


class PeoplePolicy:
    """A policy of the embedding tool: people act for their units; directors cancel."""

    people: ClassVar[dict[str, str]] = {"chi.nguyen": "tt-bc-xb", "an.tran": "tt-th"}

    def check(self, plan: Plan, task: Task, event: str, actor: str) -> str:
        unit = self.people.get(actor)
        if event == "cancel" and actor == "giam.doc":
            return actor
        if unit is None or unit != task.lead:
            raise NotPermitted(
                task.id, event, actor, [p for p, u in self.people.items() if u == task.lead]
            )
        return actor


def test_a_policy_object_replaces_the_default(seed_plan: Plan, clock: FixedClock) -> None:
    t = Tracker(seed_plan, clock=clock, policy=PeoplePolicy())
    ev = t.fire("2.6", "issue", actor="chi.nguyen", at=MARCH)
    assert ev.actor == "chi.nguyen"
    with pytest.raises(NotPermitted) as err:
        t.fire("2.6", "start", actor="tt-bc-xb", at=MARCH)  # a unit id is not a person here
    assert err.value.allowed == ("chi.nguyen",)
    assert t.fire("2.6", "cancel", actor="giam.doc", at=MARCH, note="Dừng").dest == "cancelled"


def test_without_a_reporting_rule_the_issuer_judges_reports() -> None:
    plan = Plan(
        id="p",
        title="t",
        issuer="boss",
        units=[Unit("boss", "Ban Tuyên giáo Tỉnh ủy"), Unit("a", "Phòng A")],
        tasks=[Task("1", "x", lead="a")],
    )
    t = Tracker(plan, clock=FixedClock(datetime(2024, 1, 1)))
    for event in ("issue", "start", "report"):
        t.fire("1", event, actor="a", at=MARCH)
    with pytest.raises(NotPermitted):
        t.fire("1", "accept", actor="a", at=MARCH)
    assert t.fire("1", "accept", actor="boss", at=MARCH).dest == "done"


def test_a_backdated_start_cannot_slip_before_its_dependency(seed_tracker: Tracker) -> None:
    t = seed_tracker
    t.fire("2.1", "issue", actor="tt-bc-xb", at=datetime(2023, 5, 9, 9, 0))
    t.fire("3.1", "issue", actor="tt-bc-xb", at=datetime(2023, 9, 10, 9, 0))
    with pytest.raises(DependencyNotMet) as err:
        t.fire("2.1", "start", actor="tt-bc-xb", at=datetime(2023, 9, 4, 9, 0))
    (blocker,) = err.value.blockers
    assert blocker.reached_later == datetime(2023, 9, 10, 9, 0, tzinfo=ZONE)
    assert "2023-09-10T09:00:00+07:00" in blocker.message("en")
    assert "chỉ đạt được lúc" in blocker.message("vi")
    assert t.fire("2.1", "start", actor="tt-bc-xb", at=datetime(2023, 9, 10, 9, 0)).dest == (
        "in_progress"
    )


@given(
    st.integers(0, 1000),
    st.integers(0, 1000),
    st.integers(0, 1000),
    st.sampled_from(["issued", "in_progress", "reported", "done"]),
)
def test_dependencies_hold_as_of_the_event_time(
    dep_hours: int, issue_hours: int, start_hours: int, required: str
) -> None:
    base = datetime(2023, 3, 1)
    plan = Plan(
        id="p",
        title="t",
        issuer="a",
        units=[Unit("a", "Đơn vị A")],
        tasks=[
            Task("D", "phụ thuộc", lead="a"),
            Task("X", "nhiệm vụ", lead="a", depends_on=[Dependency("D", required)]),
        ],
    )
    t = Tracker(plan, clock=FixedClock(datetime(2024, 1, 1)))
    d_at = base + timedelta(hours=dep_hours)
    path = {"issued": 1, "in_progress": 2, "reported": 3, "done": 4}[required]
    for k, event in enumerate(["issue", "start", "report", "accept"][:path]):
        t.fire("D", event, actor="a", at=d_at + timedelta(seconds=k))
    reached = d_at + timedelta(seconds=path - 1)
    x_issue = base + timedelta(hours=issue_hours)
    x_start = x_issue + timedelta(hours=start_hours)
    t.fire("X", "issue", actor="a", at=x_issue)
    if x_start >= reached:
        assert t.fire("X", "start", actor="a", at=x_start).dest == "in_progress"
    else:
        with pytest.raises(DependencyNotMet):
            t.fire("X", "start", actor="a", at=x_start)
        assert t.state("X") == "issued"


def test_fire_many_is_all_or_nothing(seed_plan: Plan, clock: FixedClock) -> None:
    store = MemoryStore()
    t = Tracker(seed_plan, store=store, clock=clock)
    t.fire("2.6", "issue", actor="tt-bc-xb", at=MARCH)
    batch = [
        {"task": "2.4", "event": "issue", "actor": "tt-th", "at": MARCH},
        {"task": "2.4", "event": "start", "actor": "tt-th", "at": MARCH},  # sees the issue
        {"task": "2.6", "event": "start", "actor": "tt-bc-xb", "at": MARCH},
        {"task": "2.6", "event": "report", "actor": "tt-th", "at": MARCH},  # wrong actor
    ]
    before = (t.states(), t.events)
    with pytest.raises(NotPermitted) as err:
        t.fire_many(batch)
    assert "fires[3]" in err.value.__notes__
    assert (t.states(), t.events) == before
    assert len(store.load(seed_plan)) == 1
    events = t.fire_many(batch[:3])
    assert [(e.seq, e.task, e.dest) for e in events] == [
        (2, "2.4", "issued"),
        (3, "2.4", "in_progress"),
        (4, "2.6", "in_progress"),
    ]
    assert Tracker(seed_plan, store=store, clock=clock).states() == t.states()


def test_fire_many_failing_store_restores_everything(seed_plan: Plan, clock: FixedClock) -> None:
    t = Tracker(seed_plan, store=FailingStore(fail_after=0), clock=clock)
    with pytest.raises(OSError, match="space"):
        t.fire_many([{"task": "2.6", "event": "issue", "actor": "tt-bc-xb", "at": MARCH}])
    assert t.state("2.6") == "planned"
    assert t.events == ()
    assert t.fire_many([]) == []


def test_fire_many_names_an_unknown_task_as_such(seed_tracker: Tracker) -> None:
    with pytest.raises(UnknownTask) as err:
        seed_tracker.fire_many(
            [{"task": "2.6", "event": "issue", "actor": "tt-bc-xb", "at": MARCH},
             {"task": "9.9", "event": "issue", "actor": "tt-bc-xb", "at": MARCH}]
        )  # fmt: skip
    assert "fires[1]" in err.value.__notes__
    assert seed_tracker.events == ()
    with pytest.raises(EventError, match="missing 'actor'"):
        seed_tracker.fire_many([{"task": "2.6", "event": "issue"}])
