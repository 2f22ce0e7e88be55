"""The testing kit's strategies keep their promises, checked against the library itself:
spellings resolve, phrases parse to what they say, plans load and validate, broken
plans raise exactly the stated problem, fires get exactly the stated answer, and a
failing plan shrinks to few tasks."""

from __future__ import annotations

import itertools
import json
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import find as hypothesis_find
from hypothesis import strategies as st

from tuyentruyen import (
    DependencyNotMet,
    EventError,
    FixedClock,
    InvalidTransition,
    NotPermitted,
    Tracker,
)
from tuyentruyen.errors import PlanError
from tuyentruyen.io import dump_plan, loads_plan, plan_from_dict, plan_to_dict
from tuyentruyen.lifecycle import PROGRESS_RANK
from tuyentruyen.model import DEPENDENCY_EVENTS, Plan, Unit, Window
from tuyentruyen.names import NameIndex, normalize_name
from tuyentruyen.testing import strategies as tts
from tuyentruyen.testing._names import all_base_names
from tuyentruyen.timeexpr import month_end, parse_date, parse_deadline, parse_window

#: ``find`` settings: explore enough to reach rare shapes, deterministically, and
#: return the first one found (shrinking is tested on its own, below).
FIND = settings(
    max_examples=2000,
    database=None,
    derandomize=True,
    deadline=None,
    phases=(Phase.generate,),
)


def find(strategy: st.SearchStrategy[Any], condition: Any) -> Any:
    return hypothesis_find(strategy, condition, settings=FIND)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- unit names ------------------------------------------------------------------------


def test_every_base_name_is_its_own_unit() -> None:
    names = all_base_names()
    assert len(names) > 200
    keys = [normalize_name(n) for n in names]
    assert len(set(keys)) == len(names)  # no two names are spellings of one unit
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    index = NameIndex((f"u{i}", [n]) for i, n in enumerate(names))
    assert not index.ambiguous
    for i, name in enumerate(names):
        assert index.resolve(name) == f"u{i}"


def test_names_are_realistic() -> None:
    names = all_base_names()
    for expected in (
        "Phòng Tuyên truyền - Báo chí - Xuất bản",
        "Ủy ban nhân dân tỉnh Quảng Ninh",
        "Ủy ban nhân dân huyện Vân Đồn",
        "Sở Văn hóa và Thể thao",
        "Hội Nhà báo tỉnh",
        "Trung tâm Truyền thông thành phố Hạ Long",
        "Văn phòng Ủy ban nhân dân tỉnh",
        "Ban Tuyên giáo Tỉnh ủy",
    ):
        assert expected in names
    for kind in ("Phòng ", "Sở ", "Ban ", "Hội ", "Trung tâm ", "Ủy ban ", "Văn phòng "):
        assert any(n.startswith(kind) for n in names), kind


@given(tts.unit_names())
def test_generated_names_come_from_the_vocabulary(name: str) -> None:
    assert name in all_base_names()


BASE_KEYS = frozenset(normalize_name(n) for n in all_base_names())


@given(tts.unit_names(variants=True))
def test_every_variant_resolves_to_a_base_name(name: str) -> None:
    assert normalize_name(name) in BASE_KEYS


@given(tts.units(min_size=1, max_size=8), st.data())
def test_every_spelling_resolves_to_its_unit(units: tuple[Unit, ...], data: st.DataObject) -> None:
    index = NameIndex((u.id, [u.name]) for u in units)
    assert not index.ambiguous
    for unit in units:
        spelling = data.draw(tts.unit_name_spellings(unit.name))
        assert index.resolve(spelling) == unit.id, spelling


@given(
    st.sampled_from(all_base_names()).flatmap(
        lambda n: st.tuples(st.just(n), tts.unit_name_spellings(n))
    )
)
def test_spellings_of_any_name_keep_its_key(case: tuple[str, str]) -> None:
    name, spelling = case
    assert normalize_name(spelling) == normalize_name(name)


def test_spellings_shrink_to_the_name_itself() -> None:
    name = "Ủy ban nhân dân huyện Vân Đồn"
    shrunk = hypothesis_find(
        tts.unit_name_spellings(name), lambda s: True, settings=settings(database=None)
    )
    assert shrunk == name


@pytest.mark.parametrize(
    ("name", "wanted"),
    [
        ("Ủy ban nhân dân huyện Vân Đồn", lambda s: "UBND" in s),
        ("Hội đồng nhân dân tỉnh", lambda s: "HĐND" in s),
        ("Ủy ban Mặt trận Tổ quốc tỉnh", lambda s: "MTTQ" in s),
        ("Ban Tuyên giáo Tỉnh ủy", lambda s: s == "BTGTU"),
        ("Ban Tuyên giáo Trung ương", lambda s: s == "BTGTW"),
        ("Sở Thông tin và Truyền thông", lambda s: "TT&TT" in s),
        ("Các tổ chức chính trị - xã hội tỉnh", lambda s: "CT-XH" in s),
        ("Ủy ban nhân dân tỉnh", lambda s: s.startswith("Uỷ ban")),  # new tone style
        ("Sở Văn hóa và Thể thao", lambda s: "hoá" in s),
        ("Trung tâm Thủy sản huyện Cô Tô", lambda s: "Thuỷ" in s),
        ("Phòng Thông tin - Tổng hợp", lambda s: "tin–Tổng" in s or "tin-Tổng" in s),
        ("Phòng Khoa giáo", lambda s: s == "PHÒNG KHOA GIÁO"),
        ("Phòng Khoa giáo", lambda s: s == "phòng khoa giáo"),
        ("Phòng Khoa giáo", lambda s: s == nfd("Phòng Khoa giáo")),
        ("Phòng Khoa giáo", lambda s: s.endswith(".")),
        ("Phòng Khoa giáo", lambda s: "\t" in s or "  " in s),
    ],
)
def test_spellings_reach_every_variant(name: str, wanted: Any) -> None:
    spelling = find(tts.unit_name_spellings(name), wanted)
    assert normalize_name(spelling) == normalize_name(name)


# --- time phrases ----------------------------------------------------------------------


def assert_means(phrase: str, meaning: tts.PhraseMeaning) -> None:
    meaning.check(phrase)


@given(tts.time_phrases())
def test_every_time_phrase_means_what_it_says(case: tuple[str, tts.PhraseMeaning]) -> None:
    assert_means(*case)


@given(tts.time_phrases(dressed=False, first=date(2020, 1, 1), last=date(2026, 12, 31)))
def test_plain_phrases_in_a_narrow_range(case: tuple[str, tts.PhraseMeaning]) -> None:
    phrase, meaning = case
    assert_means(phrase, meaning)
    assert phrase == phrase.strip()
    assert unicodedata.is_normalized("NFC", phrase)
    for day in (meaning.window.start, meaning.window.end):
        assert day is None or date(2020, 1, 1) <= day <= date(2026, 12, 31)


@pytest.mark.parametrize("form", tts.PHRASE_FORMS)
def test_every_form_is_generated(form: str) -> None:
    phrase, meaning = find(tts.time_phrases((form,)), lambda c: True)
    assert meaning.form == form
    assert_means(phrase, meaning)


@pytest.mark.parametrize(
    ("form", "wanted"),
    [
        ("month", lambda p: p.startswith("Trong tháng")),
        ("month", lambda p: " năm " in p),
        ("month_range", lambda p: p.count("/") == 2),  # the start's year written
        ("month_range", lambda p: p.count("/") == 1 and "hết" in p),
        ("month_until", lambda p: p.startswith("Tới")),
        ("day", lambda p: p[:4].isdigit() and p[4] == "-"),  # ISO
        ("day", lambda p: "." in p.rstrip(".")),
        ("day", lambda p: p.startswith("Ngày 0")),
        ("day_range", lambda p: "đến hết ngày" in p),
        ("month_from", lambda p: p.startswith("Thường xuyên, từ")),
    ],
)
def test_forms_are_spelled_every_way(form: str, wanted: Any) -> None:
    phrase, meaning = find(tts.time_phrases((form,), dressed=False), lambda c: wanted(c[0]))
    assert_means(phrase, meaning)


def test_dressed_phrases_cover_case_space_and_normal_form() -> None:
    for wanted in (
        lambda p: p != unicodedata.normalize("NFC", p),
        lambda p: p.isupper(),
        lambda p: "\t" in p or "\n" in p,
        lambda p: p.endswith("."),
    ):
        assert_means(*find(tts.time_phrases(), lambda c, w=wanted: w(c[0])))


@given(tts.deadline_phrases())
def test_deadline_phrases_are_deadlines(case: tuple[str, tts.PhraseMeaning]) -> None:
    phrase, meaning = case
    assert meaning.deadline is not None
    assert not meaning.ongoing
    assert_means(phrase, meaning)


@given(tts.date_phrases())
def test_date_phrases_are_dates(case: tuple[str, tts.PhraseMeaning]) -> None:
    phrase, meaning = case
    assert meaning.day is not None
    assert meaning.window == Window(meaning.day, meaning.day)
    assert_means(phrase, meaning)


@given(
    tts.time_phrases(
        ("month", "month_until"), ongoing=False, first=date(2024, 2, 1), last=date(2024, 2, 29)
    )
)
def test_month_meanings_use_the_calendar(case: tuple[str, tts.PhraseMeaning]) -> None:
    phrase, meaning = case
    assert meaning.window.end == date(2024, 2, 29)
    assert meaning.window.start in (None, date(2024, 2, 1))
    assert meaning.deadline == date(2024, 2, 29)
    assert_means(phrase, meaning)


def test_time_phrases_refuse_unknown_forms() -> None:
    with pytest.raises(ValueError, match="quarter"):
        find(tts.time_phrases(("quarter",)), lambda c: True)


# phrases_for(window) meaning that window: tests/test_timeexpr.py
# (test_any_phrase_for_a_window_reads_back_as_it, over 1900-2199).


@pytest.mark.parametrize(
    ("window", "ongoing"),
    [(Window(), False), (Window(date(2023, 5, 1), date(2023, 4, 1)), False)],
)
def test_no_phrase_for_what_cannot_be_said(window: Window, ongoing: bool) -> None:
    with pytest.raises(ValueError, match="no phrase"):
        tts.phrases_for(window, ongoing)


@given(tts.bad_time_phrases())
def test_bad_phrases_are_refused_by_every_parser(phrase: str) -> None:
    for parse in (parse_window, parse_deadline, parse_date):
        assert tts.refuses(parse, phrase), (parse.__name__, phrase)


# --- units, tasks, plans -----------------------------------------------------------------


@given(tts.units(min_size=1, max_size=5))
def test_units_have_distinct_ids_and_names(units: tuple[Unit, ...]) -> None:
    assert 1 <= len(units) <= 5
    assert len({u.id for u in units}) == len(units)
    assert len({normalize_name(u.name) for u in units}) == len(units)


@given(tts.tasks(("a", "b"), task_id="7", depends_on=("1", "2", "3"), dependency_density=1.0))
def test_tasks_use_the_given_units_and_candidates(task: Any) -> None:
    assert task.id == "7"
    assert task.lead in ("a", "b")
    assert set(task.support) <= {"a", "b"}
    assert len(set(task.support)) == len(task.support)
    deps = [d.task for d in task.depends_on]
    assert set(deps) <= {"1", "2", "3"}
    assert len(set(deps)) == len(deps)
    for dep in task.depends_on:
        assert dep.state in PROGRESS_RANK
        assert dep.state != "planned"
        assert dep.events
        assert set(dep.events) <= set(DEPENDENCY_EVENTS)


def test_tasks_need_a_unit() -> None:
    with pytest.raises(ValueError, match="unit"):
        find(tts.tasks(()), lambda t: True)


def assert_valid(plan: Plan) -> None:
    assert plan.validate() is plan
    assert plan.problems == ()
    ids = [t.id for t in plan.tasks]
    assert len(set(ids)) == len(ids)
    units = {u.id for u in plan.units}
    assert plan.issuer in units
    for i, task in enumerate(plan.tasks):
        assert task.lead in units
        assert set(task.support) <= units
        for dep in task.depends_on:  # only on earlier tasks: acyclic
            assert dep.task in ids[:i]
        w = task.window
        assert w.start is None or w.end is None or w.start <= w.end
    for rule in plan.reporting:
        assert rule.to in units


@given(tts.plans())
def test_plans_are_valid_and_round_trip(plan: Plan) -> None:
    assert_valid(plan)
    assert 1 <= len(plan.tasks) <= 8
    assert plan_from_dict(plan_to_dict(plan)) == plan
    assert loads_plan(dump_plan(plan)) == plan
    assert loads_plan(dump_plan(plan, fmt="json"), fmt="json") == plan
    tracker = Tracker(plan)  # the tracker takes it too
    assert set(tracker.states()) == {t.id for t in plan.tasks}


@given(tts.plans(min_tasks=3, max_tasks=3, dependency_density=0.0))
def test_no_dependencies_at_density_zero(plan: Plan) -> None:
    assert len(plan.tasks) == 3
    assert not any(t.depends_on for t in plan.tasks)


@given(
    tts.plans(
        min_tasks=2,
        max_tasks=4,
        units=tts.units(min_size=1, max_size=1, names=st.just("Hội Nhà báo tỉnh")),
        windows=st.just((Window(date(2023, 3, 1), None), True)),
    )
)
def test_plans_compose_with_given_units_and_windows(plan: Plan) -> None:
    assert_valid(plan)
    assert [u.name for u in plan.units] == ["Hội Nhà báo tỉnh"]
    assert {t.lead for t in plan.tasks} == {"u0"}
    assert all(t.window == Window(date(2023, 3, 1), None) and t.ongoing for t in plan.tasks)


def test_a_plan_with_a_dependency_shrinks_to_two_tasks() -> None:
    plan = hypothesis_find(
        tts.plans(max_tasks=8),
        lambda p: any(t.depends_on for t in p.tasks),
        settings=settings(database=None, deadline=None),
    )
    assert len(plan.tasks) == 2
    assert [d.task for d in plan.tasks[1].depends_on] == ["1"]
    assert not plan.tasks[0].depends_on
    # and the rest is as simple as it gets
    assert len(plan.units) == 2
    assert all(t.support == () and t.plan_due is None for t in plan.tasks)
    assert plan.tasks[0].window == Window(date(2022, 1, 1), date(2022, 1, 31))


def test_a_failing_plan_shrinks_to_the_fewest_tasks() -> None:
    plan = hypothesis_find(
        tts.plans(max_tasks=8),
        lambda p: len(p.tasks) >= 3 and any(t.ongoing for t in p.tasks),
        settings=settings(database=None, deadline=None),
    )
    assert len(plan.tasks) == 3
    assert sum(t.ongoing for t in plan.tasks) == 1


# --- plan files --------------------------------------------------------------------------


def _json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=lambda d: d.isoformat())


@given(tts.plan_files())
def test_plan_files_load_as_their_plan(case: tts.PlanFile) -> None:
    assert plan_from_dict(case.data) == case.plan
    assert loads_plan(yaml.safe_dump(case.data, allow_unicode=True)) == case.plan
    assert loads_plan(_json_text(case.data), fmt="json") == case.plan
    assert_valid(case.plan)


@pytest.mark.parametrize(
    "wanted",
    [
        lambda d: isinstance(d["issuer"], str) and d["issuer"].upper() == d["issuer"],
        lambda d: any(isinstance(t.get("window"), str) for t in d["tasks"]),
        lambda d: any(
            isinstance(t.get("window"), dict) and isinstance(t["window"]["start"], date)
            for t in d["tasks"]
        ),
        lambda d: any(
            isinstance(t.get("plan_due"), str) and not t["plan_due"][:1].isdigit()
            for t in d["tasks"]
        ),
        lambda d: any(isinstance(dep, str) for t in d["tasks"] for dep in t.get("depends_on", [])),
        lambda d: any(isinstance(r["to"], str) and r["to"] != nfd(r["to"]) for r in d["reporting"]),
    ],
)
def test_plan_files_are_written_every_way(wanted: Any) -> None:
    case = find(tts.plan_files(), lambda c: wanted(c.data))
    assert plan_from_dict(case.data) == case.plan


# --- invalid plans -----------------------------------------------------------------------


def _raised(load: Any) -> BaseException:
    with pytest.raises(PlanError) as info:
        load()
    return info.value


@given(tts.invalid_plans())
def test_invalid_plans_raise_the_stated_problem(case: tts.InvalidPlan) -> None:
    assert case.kind in tts.INVALID_KINDS
    case.check(_raised(lambda: plan_from_dict(case.data)))
    case.check(_raised(lambda: loads_plan(_json_text(case.data), fmt="json")))
    case.check(_raised(lambda: loads_plan(yaml.safe_dump(case.data, allow_unicode=True))))


@pytest.mark.parametrize("kind", tts.INVALID_KINDS)
@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_kind_of_invalid_plan(kind: str, data: st.DataObject) -> None:
    case = data.draw(tts.invalid_plans(kinds=(kind,)))
    assert case.kind == kind
    case.check(_raised(lambda: plan_from_dict(case.data)))


def test_check_refuses_other_errors() -> None:
    case = find(tts.invalid_plans(kinds=("unknown_unit",)), lambda c: True)
    with pytest.raises(AssertionError):
        case.check(ValueError("no"))
    other = find(tts.invalid_plans(kinds=("wrong_schema",)), lambda c: True)
    with pytest.raises(AssertionError):
        case.check(_raised(lambda: plan_from_dict(other.data)))


def test_invalid_plans_need_a_kind_that_applies() -> None:
    one_task = tts.plans(min_tasks=1, max_tasks=1)
    with pytest.raises(ValueError, match="applies"):
        find(tts.invalid_plans(one_task, kinds=("dependency_cycle",)), lambda c: True)
    with pytest.raises(ValueError, match="unknown kinds"):
        find(tts.invalid_plans(kinds=("typo",)), lambda c: True)


# --- event sequences ----------------------------------------------------------------------

ANSWERS = {
    "valid": None,
    "blocked": DependencyNotMet,
    "wrong_actor": NotPermitted,
    "wrong_order": InvalidTransition,
    "unknown_event": EventError,
    "no_reason": EventError,
}


@st.composite
def sequences(draw: st.DrawFn, **kwargs: Any) -> tuple[Plan, list[tts.Fire]]:
    plan = draw(tts.plans(max_tasks=5, dependency_density=0.6))
    return plan, draw(tts.event_sequences(plan, **kwargs))


def fire_all(plan: Plan, fires: list[tts.Fire]) -> Tracker:
    """Fire each one; the tracker must answer exactly what the fire says."""
    last = fires[-1].at if fires else datetime(2023, 1, 1)
    tracker = Tracker(plan, clock=FixedClock(last + timedelta(days=1)))
    for fire in fires:
        try:
            tracker.fire(fire.task, fire.event, **fire.kwargs())
        except (InvalidTransition, EventError, NotPermitted, DependencyNotMet) as exc:
            assert fire.expected is not None, f"{fire}: refused with {exc}"
            assert type(exc) is fire.expected, f"{fire}: {type(exc).__name__}: {exc}"
        else:
            assert fire.expected is None, f"{fire}: accepted"
    return tracker


@given(sequences())
def test_event_sequences_get_the_stated_answers(case: tuple[Plan, list[tts.Fire]]) -> None:
    plan, fires = case
    assert all(a.at < b.at for a, b in itertools.pairwise(fires))
    units = {u.id for u in plan.units}
    for fire in fires:
        assert fire.task in {t.id for t in plan.tasks}
        assert fire.kind in tts.FIRE_KINDS
        assert fire.expected is ANSWERS[fire.kind], fire
        if fire.kind != "wrong_actor":
            assert fire.actor in units
    tracker = fire_all(plan, fires)
    assert len(tracker.events) == sum(f.expected is None for f in fires)
    assert [(e.task, e.event, e.at.replace(tzinfo=None)) for e in tracker.events] == [
        (f.task, f.event, f.at) for f in fires if f.expected is None
    ]
    replayed = Tracker.replay(plan, tracker.events, clock=tracker.clock)
    assert replayed.states() == tracker.states()


@settings(max_examples=50)
@given(sequences(kinds=("valid",), max_size=25))
def test_valid_only_sequences_are_accepted(case: tuple[Plan, list[tts.Fire]]) -> None:
    plan, fires = case
    for fire in fires:
        if fire.kind == "valid":
            assert fire.expected is None
        else:  # every task is final: nothing valid is left
            assert fire.kind == "wrong_order"
    fire_all(plan, fires)


@pytest.mark.parametrize("kind", [k for k in tts.FIRE_KINDS if k != "valid"])
def test_every_kind_of_fire_is_generated(kind: str) -> None:
    plan, fires = find(
        sequences(kinds=("valid", kind)), lambda c: any(f.kind == kind for f in c[1])
    )
    fire_all(plan, fires)


def test_times_may_repeat_when_not_strict() -> None:
    plan, fires = find(
        sequences(strictly_increasing=False, max_gap=timedelta(seconds=2)),
        lambda c: any(a.at == b.at for a, b in itertools.pairwise(c[1])),
    )
    assert all(a.at <= b.at for a, b in itertools.pairwise(fires))
    fire_all(plan, fires)


@settings(max_examples=50)
@given(sequences(start=datetime(2024, 6, 1, 7, 30), max_gap=timedelta(hours=1), min_size=3))
def test_sequences_start_when_told(case: tuple[Plan, list[tts.Fire]]) -> None:
    _, fires = case
    assert len(fires) >= 3
    assert datetime(2024, 6, 1, 7, 30) < fires[0].at <= datetime(2024, 6, 1, 8, 30)
    assert all(b.at - a.at <= timedelta(hours=1) for a, b in itertools.pairwise(fires))


@settings(max_examples=50)
@given(tts.plans(max_tasks=4).flatmap(lambda p: st.tuples(st.just(p), tts.event_steps(p))))
def test_event_steps_still_work(case: tuple[Plan, list[tts.Step]]) -> None:
    plan, steps = case
    for step in steps:
        assert step.task in {t.id for t in plan.tasks}
        assert step.actor in {u.id for u in plan.units}


def test_month_end_helper_agrees_with_the_library() -> None:
    from tuyentruyen.testing._phrases import month_end as kit_month_end

    for year, month in itertools.product((1900, 2000, 2023, 2024, 2200), range(1, 13)):
        assert kit_month_end(year, month) == month_end(year, month)
