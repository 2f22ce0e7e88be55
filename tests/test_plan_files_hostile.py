"""Plan files written to break the loader: impossible dates, odd keys, aliases, deep
nesting, repeated keys, wrong types.

Whatever the input, loading ends in a :class:`PlanError` whose problems name a JSON path
and, for YAML, the line, explained in English and in Vietnamese; never in another
exception, a hang or a crash. The YAML cases run with libyaml's loader and with
PyYAML's pure-Python one (used when PyYAML is built without libyaml).
"""

from __future__ import annotations

import errno
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tuyentruyen import reading
from tuyentruyen.errors import PlanError, Problem
from tuyentruyen.io import load_plan, loads_plan, plan_from_dict
from tuyentruyen.model import Window

# --- helpers -------------------------------------------------------------------------

HEAD = """\
schema: 1
id: kh-thu
title: Kế hoạch thử nghiệm
issuer: btg
units:
  - id: btg
    name: Ban Tuyên giáo Tỉnh ủy
  - id: ttbc
    name: Phòng Tuyên truyền - Báo chí
tasks:
  - id: "1"
    title: Nhiệm vụ một
    lead: ttbc
"""


def doc(task: str = "", tail: str = "", head: str = HEAD) -> str:
    """The plan ``head``, more lines of its last task (``task``), then top-level ``tail``."""
    return head + task + tail


def base_dict(**task: Any) -> dict[str, Any]:
    """A valid plan mapping with one task, extra task fields from ``task``."""
    return {
        "schema": 1,
        "id": "kh-thu",
        "title": "Kế hoạch",
        "issuer": "btg",
        "units": [{"id": "btg", "name": "Ban Tuyên giáo Tỉnh ủy"}],
        "tasks": [{"id": "1", "title": "Nhiệm vụ một", "lead": "btg", **task}],
    }


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the ``occurrence``-th line of ``text`` containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} occurs {len(hits)} times in the test text"
    return hits[occurrence - 1]


def listing(error: PlanError) -> list[tuple[str, int | None, str]]:
    return [(p.path, p.line, p.en) for p in error.problems]


def problem_at(error: PlanError, path: str) -> Problem:
    found = [p for p in error.problems if p.path == path]
    assert found, f"no problem at {path}; got {listing(error)}"
    return found[0]


def assert_bilingual(problem: Problem) -> None:
    assert problem.en.strip(), problem
    assert problem.vi.strip(), problem
    assert problem.en != problem.vi, problem


#: Signs of a message that leaks Python internals instead of saying what is wrong.
LEAKS = ("unknown error", "datetime.", "object has no attribute", "NoneType", "invalid value")


def assert_plain_words(problem: Problem) -> None:
    assert_bilingual(problem)
    for leak in LEAKS:
        assert leak not in problem.en, problem
        assert leak not in problem.vi, problem
    for english in ("expected", " got ", "must be", "required", "missing"):
        assert english not in problem.vi, problem


Loads = Callable[..., Any]


def _pure_python_reading() -> ModuleType:
    """A private copy of :mod:`tuyentruyen.reading` built as if PyYAML had no libyaml."""
    saved = getattr(yaml, "CSafeLoader", None)
    if saved is not None:
        del yaml.CSafeLoader
    try:
        spec = importlib.util.spec_from_file_location("_tuyentruyen_reading_pure", reading.__file__)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # cattrs resolves the annotations through it
        spec.loader.exec_module(module)
    finally:
        if saved is not None:
            yaml.CSafeLoader = saved  # type: ignore[misc]
    assert not issubclass(module.PlanLoader, getattr(yaml, "CSafeLoader", ()))
    return module


@pytest.fixture(scope="module", params=["libyaml", "pure-python"])
def loads(request: pytest.FixtureRequest) -> Iterator[Loads]:
    """``loads_plan`` with each YAML loader."""
    if request.param == "libyaml":
        if not yaml.__with_libyaml__:
            pytest.skip("PyYAML is built without libyaml")
        yield loads_plan
    else:
        pure = _pure_python_reading()

        def pure_loads(text: str, fmt: str = "yaml") -> Any:
            if fmt == "json":
                return plan_from_dict(pure.read_json(text))
            data, lines = pure.read_yaml(text)
            return plan_from_dict(data, lines=lines)

        yield pure_loads


def yaml_error(loads: Loads, text: str) -> PlanError:
    with pytest.raises(PlanError) as info:
        loads(text)
    return info.value


def json_error(data: Any) -> PlanError:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    with pytest.raises(PlanError) as info:
        loads_plan(text, fmt="json")
    return info.value


def dict_error(data: Any) -> PlanError:
    with pytest.raises(PlanError) as info:
        plan_from_dict(data)
    return info.value


# --- 1. impossible YAML dates ----------------------------------------------------------

DATE_PLACES = [
    pytest.param("    plan_due: {v}\n", "", "$.tasks[0].plan_due", id="plan_due"),
    pytest.param("    window: {{start: {v}}}\n", "", "$.tasks[0].window.start", id="window-flow"),
    pytest.param(
        "    window:\n      start: 2023-01-01\n      end: {v}\n",
        "",
        "$.tasks[0].window.end",
        id="window-block",
    ),
    pytest.param("", "issued_on: {v}\n", "$.issued_on", id="issued_on"),
    pytest.param(
        "", "bases:\n  - text: Chỉ thị 27\n    issued_on: {v}\n", "$.bases[0].issued_on", id="basis"
    ),
]


@pytest.mark.parametrize("value", ["2023-02-29", "2023-02-30", "2023-13-01", "2023-04-31"])
@pytest.mark.parametrize(("task", "tail", "path"), DATE_PLACES)
def test_impossible_yaml_date_is_a_problem_at_its_line(
    loads: Loads, value: str, task: str, tail: str, path: str
) -> None:
    text = doc(task.format(v=value), tail.format(v=value))
    error = yaml_error(loads, text)
    problem = problem_at(error, path)
    assert problem.line == line_of(text, value)
    assert value in problem.en
    assert value in problem.vi
    assert "không tồn tại" in problem.vi
    assert_plain_words(problem)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2023-02-01 25:00:00", "2023-02-01 25:00:00"),
        ("!!int abc", "abc"),
        ("!!bool maybe", "maybe"),
        ("!!timestamp soon", "soon"),
        ("!!float x", "x"),
    ],
)
def test_yaml_value_its_tag_cannot_hold_is_a_problem(loads: Loads, value: str, shown: str) -> None:
    text = doc(f"    plan_due: {value}\n")
    error = yaml_error(loads, text)
    problem = problem_at(error, "$.tasks[0].plan_due")
    assert problem.line == line_of(text, "plan_due:")
    assert shown in problem.en
    assert shown in problem.vi
    assert_bilingual(problem)


def test_valid_leap_day_still_loads(loads: Loads) -> None:
    plan = loads(doc("    plan_due: 2024-02-29\n    window: {start: 2024-02-29}\n"))
    assert plan.tasks[0].plan_due == date(2024, 2, 29)
    assert plan.tasks[0].window == Window(date(2024, 2, 29), None)


@pytest.mark.parametrize("value", ["'2023-02-30'", '"2023-13-01"'])
def test_impossible_quoted_iso_date_is_a_problem(loads: Loads, value: str) -> None:
    text = doc(f"    plan_due: {value}\n")
    problem = problem_at(yaml_error(loads, text), "$.tasks[0].plan_due")
    assert problem.line == line_of(text, "plan_due:")
    assert value.strip("'\"") in problem.vi
    assert_plain_words(problem)


# --- 2. keys that are not text ---------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "shown"),
    [("1", "1"), ("1.5", "1.5"), ("null", "null"), ("true", "true"), ("2023-01-01", "2023-01-01")],
)
def test_non_text_key_in_task(loads: Loads, key: str, shown: str) -> None:
    text = HEAD.replace('  - id: "1"\n', f'  - {key}: x\n    id: "1"\n')
    error = yaml_error(loads, text)
    problem = problem_at(error, "$.tasks[0]")
    assert problem.line == line_of(text, f"- {key}: x")
    assert "keys must be text" in problem.en
    assert "khóa phải là văn bản" in problem.vi
    assert shown in problem.en
    assert_bilingual(problem)


def test_non_text_key_in_flow_mapping_task(loads: Loads) -> None:
    """The reviewer's case: ``tasks: [{1: x, id: "1", title: t, lead: a}]``."""
    head = HEAD.split("tasks:\n")[0]
    text = head + 'tasks: [{1: x, id: "1", title: t, lead: btg}]\n'
    problem = problem_at(yaml_error(loads, text), "$.tasks[0]")
    assert problem.line == line_of(text, "tasks:")
    assert "keys must be text" in problem.en
    assert_bilingual(problem)


@pytest.mark.parametrize("key", ["? [a, b]\n: x\n", "? {a: 1}\n: x\n"])
def test_collection_key_at_top_level(loads: Loads, key: str) -> None:
    text = doc(tail=key)
    problem = problem_at(yaml_error(loads, text), "$")
    assert problem.line == line_of(text, "? ")
    assert "keys must be text" in problem.en
    assert_bilingual(problem)


def test_non_text_key_from_python_caller() -> None:
    data = base_dict()
    data["tasks"][0][1] = "x"
    problem = problem_at(dict_error(data), "$.tasks[0]")
    assert "keys must be text" in problem.en
    assert "khóa phải là văn bản" in problem.vi
    assert_bilingual(problem)


# --- 3. anchors and aliases ------------------------------------------------------------


def test_alias_sharing_a_list_still_loads(loads: Loads) -> None:
    """The example plan shares ``support_other`` between tasks through an alias."""
    text = doc(
        "    support_other: &others [Các phòng thuộc Ban, các sở]\n"
        '  - id: "2"\n    title: Hai\n    lead: btg\n    support_other: *others\n'
    )
    plan = loads(text)
    assert (
        plan.tasks[0].support_other
        == plan.tasks[1].support_other
        == ("Các phòng thuộc Ban", "các sở")
    )


def test_problem_inside_an_aliased_value_names_each_path(loads: Loads) -> None:
    text = doc(
        "    content: &bad [Viết bài, 5]\n"
        '  - id: "2"\n    title: Hai\n    lead: btg\n    content: *bad\n'
    )
    error = yaml_error(loads, text)
    assert problem_at(error, "$.tasks[0].content[1]").line == line_of(text, "content: &bad")
    # The same value again, through the alias: named at the alias's line.
    assert problem_at(error, "$.tasks[1].content[1]").line == line_of(text, "content: *bad")


def test_merge_key_still_loads(loads: Loads) -> None:
    text = doc('  - <<: &base {title: Chung, lead: btg}\n    id: "2"\n  - {<<: *base, id: "3"}\n')
    plan = loads(text)
    assert [(t.id, t.title, t.lead) for t in plan.tasks[1:]] == [
        ("2", "Chung", "btg"),
        ("3", "Chung", "btg"),
    ]


@pytest.mark.parametrize(
    ("tail", "path", "needle"),
    [
        ("purposes: &a [*a]\n", "$.purposes[0]", "purposes:"),
        ("purposes: &a\n  - x\n  - *a\n", "$.purposes[1]", "purposes:"),  # the list's line
        ("signer: &s\n  title: *s\n  name: A\n", "$.signer.title", "title: *s"),
        ("signer: &s {title: x, name: [a, [b, *s]]}\n", "$.signer.name[1][1]", "signer:"),
    ],
)
def test_alias_inside_its_own_value_is_refused(
    loads: Loads, tail: str, path: str, needle: str
) -> None:
    text = doc(tail=tail)
    error = yaml_error(loads, text)
    problem = problem_at(error, path)
    assert problem.line == line_of(text, needle)
    assert "alias" in problem.en
    assert "bí danh" in problem.vi
    assert f"line {line_of(text, '&')}" in problem.en
    assert_bilingual(problem)


def alias_bomb(levels: int, width: int) -> str:
    """``levels`` lists of ``width`` aliases of the list before: ``width**levels`` values."""
    items = ["  - &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels + 1):
        items.append(f"  - &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return doc(tail="purposes:\n" + "\n".join(items) + "\n")


@pytest.mark.parametrize("levels", [3, 8, 30])
def test_alias_bomb_is_refused_quickly(loads: Loads, levels: int) -> None:
    text = alias_bomb(levels, 10)
    started = time.perf_counter()
    error = yaml_error(loads, text)
    assert time.perf_counter() - started < 5
    (problem,) = [p for p in error.problems if "alias" in p.en]
    assert problem.path.startswith("$.purposes[")
    assert problem.line is not None
    assert line_of(text, "&a1") <= problem.line <= line_of(text, f"&a{levels}")
    assert "bí danh" in problem.vi
    assert_bilingual(problem)


def test_alias_bomb_through_merge_keys_is_refused(loads: Loads) -> None:
    items = ["  - &m0 {a: 1, b: 2, c: 3}"]
    for level in range(1, 9):
        aliases = ", ".join([f"*m{level - 1}"] * 10)
        items.append(f"  - &m{level} {{<<: [{aliases}], k{level}: 1}}")
    text = doc(tail="purposes:\n" + "\n".join(items) + "\n")
    started = time.perf_counter()
    error = yaml_error(loads, text)
    assert time.perf_counter() - started < 5
    assert any("alias" in p.en for p in error.problems), listing(error)


def test_a_few_aliases_stay_within_the_bound(loads: Loads) -> None:
    plan = loads(doc(tail="purposes:\n  - &p Tuyên truyền\n" + "  - *p\n" * 200))
    assert len(plan.purposes) == 201


# --- 4. deep nesting -------------------------------------------------------------------


@pytest.mark.parametrize("depth", [60, 999, 1001, 10_000])
def test_deeply_nested_yaml_flow_list(loads: Loads, depth: int) -> None:
    text = doc(tail="purposes: " + "[" * depth + "]" * depth + "\n")
    error = yaml_error(loads, text)
    (problem,) = error.problems
    assert "nested too deeply" in problem.en
    assert "lồng nhau quá sâu" in problem.vi
    assert problem.line == line_of(text, "purposes:")
    assert_bilingual(problem)


def test_deeply_nested_yaml_names_the_path(loads: Loads) -> None:
    text = doc(tail="purposes: " + "[" * 60 + "]" * 60 + "\n")
    (problem,) = yaml_error(loads, text).problems
    assert problem.path.startswith("$.purposes[0][0]")


def test_deeply_nested_yaml_block_style(loads: Loads) -> None:
    body = "".join("  " * i + "-\n" for i in range(2000))
    text = doc(tail="purposes:\n" + body)
    (problem,) = yaml_error(loads, text).problems
    assert "nested too deeply" in problem.en
    assert problem.line is not None
    assert_bilingual(problem)


@pytest.mark.parametrize("depth", [60, 100_000])
def test_deeply_nested_json(depth: int) -> None:
    text = json.dumps(base_dict())[:-1] + ', "purposes": ' + "[" * depth + "]" * depth + "}"
    (problem,) = json_error(text).problems
    assert "nested too deeply" in problem.en
    assert "lồng nhau quá sâu" in problem.vi
    assert_bilingual(problem)


def test_deeply_nested_python_data() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    problem = problem_at(dict_error({**base_dict(), "purposes": deep}), "$.purposes[0]")
    assert "expected text" in problem.en
    assert_plain_words(problem)


def test_cyclic_python_data() -> None:
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    problem = problem_at(dict_error({**base_dict(), "purposes": cyclic}), "$.purposes[0]")
    assert "expected text, got a list" in problem.en
    assert_plain_words(problem)


# --- 5. YAML is parsed once, by the safe loader ------------------------------------------


def test_yaml_is_parsed_once_with_the_safe_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the plan loader parses with its own loader, once")

    for name in ("compose", "load", "safe_load", "full_load", "unsafe_load"):
        monkeypatch.setattr(yaml, name, refuse)
    calls: list[str] = []

    def spy(name: str) -> Callable[..., Any]:
        original = getattr(reading.PlanLoader, name)

        def method(self: Any, *args: Any) -> Any:
            calls.append(name)
            return original(self, *args)

        return method

    for name in ("get_single_node", "construct_document"):
        monkeypatch.setattr(reading.PlanLoader, name, spy(name))
    assert loads_plan(doc()).tasks[0].lead == "ttbc"
    assert calls == ["get_single_node", "construct_document"]
    safe_loader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    assert issubclass(reading.PlanLoader, safe_loader)


def test_yaml_loader_customisation_stays_private() -> None:
    """The timestamp constructor is the plan loader's, not PyYAML's global one."""
    with pytest.raises(ValueError, match="day is out of range"):
        yaml.safe_load("d: 2023-02-30\n")


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system", "!!python/name:os.system"])
def test_python_tags_refused_with_line_and_path(loads: Loads, tag: str) -> None:
    text = doc(f'    support_other: {tag} ["echo"]\n')
    problem = problem_at(yaml_error(loads, text), "$.tasks[0].support_other")
    assert problem.line == line_of(text, tag)
    assert tag in problem.en
    assert tag in problem.vi
    assert_bilingual(problem)


def test_text_that_is_not_unicode(loads: Loads) -> None:
    (problem,) = yaml_error(loads, doc(tail="place: \ud800\n")).problems
    assert problem.path == "$"
    assert_bilingual(problem)


# --- 6. repeated keys in JSON ----------------------------------------------------------


def test_json_duplicate_key_top_level() -> None:
    text = '{"schema": 1, "schema": 1, ' + json.dumps(base_dict())[1:]
    problem = problem_at(json_error(text), "$.schema")
    assert "schema" in problem.en
    assert "bị lặp" in problem.vi
    assert_bilingual(problem)


def test_json_duplicate_key_in_task() -> None:
    text = json.dumps(base_dict(), ensure_ascii=False)
    error = json_error(text.replace('"title": "Nhiệm vụ một"', '"title": "A", "title": "B"'))
    problem = problem_at(error, "$.tasks[0].title")
    assert "duplicate key 'title'" in problem.en
    assert "khóa 'title' bị lặp" in problem.vi
    assert [p.path for p in error.problems] == ["$.tasks[0].title"]


def test_json_without_duplicates_still_loads() -> None:
    plan = loads_plan(json.dumps(base_dict(plan_due="2023-05-15")), fmt="json")
    assert plan.tasks[0].plan_due == date(2023, 5, 15)


def test_json_number_too_long_to_convert() -> None:
    text = json.dumps(base_dict())[:-1] + ', "purposes": [' + "7" * 5000 + "]}"
    (problem,) = json_error(text).problems
    assert problem.path == "$"
    assert "JSON" in problem.en
    assert_bilingual(problem)


# --- 7. schema -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["true", "1.0", "'1'", "2", "[1]", "null"])
def test_schema_must_be_the_integer_one(loads: Loads, value: str) -> None:
    text = HEAD.replace("schema: 1\n", f"schema: {value}\n")
    (problem,) = yaml_error(loads, text).problems
    assert problem.path == "$.schema"
    assert problem.line == 1
    assert_bilingual(problem)


@pytest.mark.parametrize("value", [True, 1.0])
def test_schema_must_be_the_integer_one_in_json(value: Any) -> None:
    (problem,) = json_error({**base_dict(), "schema": value}).problems
    assert problem.path == "$.schema"


# --- 8. a date and time where a date is expected -----------------------------------------


@pytest.mark.parametrize(("task", "tail", "path"), DATE_PLACES)
def test_yaml_date_and_time_refused_where_a_date_is_expected(
    loads: Loads, task: str, tail: str, path: str
) -> None:
    value = "2023-02-01 10:00:00"
    text = doc(task.format(v=value), tail.format(v=value))
    problem = problem_at(yaml_error(loads, text), path)
    assert problem.line == line_of(text, value)
    assert "expected a date, not a date and time" in problem.en
    assert "cần ngày, không phải ngày giờ" in problem.vi
    assert value in problem.en
    assert_plain_words(problem)


def test_python_datetime_refused_where_a_date_is_expected() -> None:
    problem = problem_at(
        dict_error(base_dict(plan_due=datetime(2023, 2, 1, 10))), "$.tasks[0].plan_due"
    )
    assert "not a date and time" in problem.en


# --- 9. years out of range -------------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
@pytest.mark.parametrize("quote", ["", "'"])
@pytest.mark.parametrize(("task", "tail", "path"), DATE_PLACES)
def test_yaml_date_outside_the_years_1900_2200(
    loads: Loads, value: str, quote: str, task: str, tail: str, path: str
) -> None:
    quoted = f"{quote}{value}{quote}"
    text = doc(task.format(v=quoted), tail.format(v=quoted))
    problem = problem_at(yaml_error(loads, text), path)
    assert problem.line == line_of(text, value)
    assert value in problem.en
    assert "1900-2200" in problem.en
    assert "1900-2200" in problem.vi
    assert_plain_words(problem)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_json_date_outside_the_years_1900_2200(value: str) -> None:
    data = base_dict(plan_due=value, window={"start": value})
    data["issued_on"] = value
    data["bases"] = [{"text": "Chỉ thị", "issued_on": value}]
    paths = {p.path for p in json_error(data).problems}
    assert paths == {
        "$.tasks[0].plan_due",
        "$.tasks[0].window.start",
        "$.issued_on",
        "$.bases[0].issued_on",
    }


def test_python_date_outside_the_years_1900_2200() -> None:
    problem = problem_at(dict_error(base_dict(plan_due=date.max)), "$.tasks[0].plan_due")
    assert "1900-2200" in problem.en


def test_first_and_last_allowed_years_load(loads: Loads) -> None:
    plan = loads(
        doc("    plan_due: 1900-01-01\n    window: {start: 1900-01-01, end: 2200-12-31}\n")
    )
    assert plan.tasks[0].window == Window(date(1900, 1, 1), date(2200, 12, 31))


# --- 10. type problems in plain words --------------------------------------------------

TYPE_CASES = [
    pytest.param(
        "",
        "signer: Nguyễn Văn A\n",
        "$.signer",
        "expected a mapping",
        "cần một ánh xạ (mapping)",
        id="signer-text",
    ),
    pytest.param("", "signer: [a]\n", "$.signer", "got a list", "một danh sách", id="signer-list"),
    pytest.param(
        "    window: [1]\n",
        "",
        "$.tasks[0].window",
        "expected a mapping, got a list",
        "cần một ánh xạ (mapping), nhận được một danh sách",
        id="window-list",
    ),
    pytest.param(
        "",
        "issued_on: 16/02/2023\n",
        "$.issued_on",
        "expected an ISO date YYYY-MM-DD, got '16/02/2023'",
        "cần ngày dạng YYYY-MM-DD, nhận được '16/02/2023'",
        id="issued-on-dmy",
    ),
    pytest.param(
        "",
        "bases:\n  - {text: Chỉ thị, issued_on: 5}\n",
        "$.bases[0].issued_on",
        "expected an ISO date YYYY-MM-DD, got 5",
        "cần ngày dạng YYYY-MM-DD, nhận được 5",
        id="basis-date-int",
    ),
    pytest.param(
        "    support_other: [5]\n",
        "",
        "$.tasks[0].support_other[0]",
        "expected text, got 5",
        "cần văn bản, nhận được 5",
        id="text-int",
    ),
    pytest.param(
        "    content: một chuỗi\n",
        "",
        "$.tasks[0].content",
        "expected a list",
        "cần một danh sách",
        id="content-text",
    ),
    pytest.param(
        "    ongoing: 'yes'\n",
        "",
        "$.tasks[0].ongoing",
        "expected true or false",
        "cần true hoặc false",
        id="ongoing-text",
    ),
    pytest.param(
        "",
        "reporting:\n  - to: btg\n    day: mười lăm\n",
        "$.reporting[0].day",
        "expected an integer",
        "cần số nguyên",
        id="day-text",
    ),
    pytest.param(
        "",
        "reporting: [btg]\n",
        "$.reporting[0]",
        "expected a mapping",
        "cần một ánh xạ (mapping)",
        id="reporting-text",
    ),
    pytest.param(
        "    depends_on: [[1]]\n",
        "",
        "$.tasks[0].depends_on[0]",
        "expected a mapping",
        "cần một ánh xạ (mapping)",
        id="dependency-list",
    ),
    pytest.param(
        "",
        "sections: [II.1]\n",
        "$.sections[0]",
        "expected a mapping",
        "cần một ánh xạ (mapping)",
        id="section-text",
    ),
    pytest.param(
        "    colour: red\n",
        "",
        "$.tasks[0]",
        "unknown keys (colour)",
        "có trường không được phép (colour)",
        id="unknown-key",
    ),
]


@pytest.mark.parametrize(("task", "tail", "path", "en", "vi"), TYPE_CASES)
def test_type_problems_in_plain_words(
    loads: Loads, task: str, tail: str, path: str, en: str, vi: str
) -> None:
    text = doc(task, tail)
    problem = problem_at(yaml_error(loads, text), path)
    assert en in problem.en
    assert vi in problem.vi
    assert problem.line == line_of(text, (task or tail).strip().splitlines()[-1].strip())
    assert_plain_words(problem)


def test_unit_given_as_text() -> None:
    text = HEAD.replace("  - id: ttbc\n    name: Phòng Tuyên truyền - Báo chí\n", "  - ttbc\n")
    error = yaml_error(loads_plan, text)
    problem = problem_at(error, "$.units[1]")
    assert "expected a mapping, got 'ttbc'" in problem.en
    assert "cần một ánh xạ (mapping), nhận được 'ttbc'" in problem.vi
    assert problem.line == line_of(text, "- ttbc")
    assert_plain_words(problem)


def test_missing_field_in_plain_words() -> None:
    text = HEAD.replace("    lead: ttbc\n", "")
    problem = problem_at(yaml_error(loads_plan, text), "$.tasks[0].lead")
    assert problem.en == "required field missing"
    assert problem.vi == "thiếu trường bắt buộc"


def test_long_text_is_cut_short_in_messages() -> None:
    problem = problem_at(dict_error(base_dict(ongoing="x" * 10_000)), "$.tasks[0].ongoing")
    assert len(problem.en) < 200
    assert len(problem.vi) < 200
    problem = problem_at(dict_error(base_dict(ongoing=10**5000)), "$.tasks[0].ongoing")
    assert "very large number" in problem.en
    assert_plain_words(problem)


# --- 11. files that cannot be read -----------------------------------------------------


def read_error(path: Path) -> Problem:
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert info.value.source == str(path)
    (problem,) = info.value.problems
    assert_bilingual(problem)
    return problem


def test_missing_file_in_vietnamese(tmp_path: Path) -> None:
    problem = read_error(tmp_path / "khong-co.yaml")
    assert problem.vi == "không đọc được tệp: không tìm thấy tệp"
    assert "No such file" in problem.en


def test_directory_in_vietnamese(tmp_path: Path) -> None:
    problem = read_error(tmp_path)
    assert problem.vi == "không đọc được tệp: đây là thư mục, không phải tệp"


def test_path_through_a_file_in_vietnamese(tmp_path: Path) -> None:
    (tmp_path / "plan.yaml").write_text(doc(), encoding="utf-8")
    problem = read_error(tmp_path / "plan.yaml" / "plan.yaml")
    assert "không phải là thư mục" in problem.vi
    assert "Not a directory" not in problem.vi


@pytest.mark.parametrize(
    ("code", "vi"),
    [
        (errno.EACCES, "không đọc được tệp: không có quyền đọc tệp"),
        (errno.EIO, "không đọc được tệp: Input/output error"),  # no translation: strerror
    ],
)
def test_unreadable_file_in_vietnamese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, vi: str
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(doc(), encoding="utf-8")

    def fail(self: Path) -> bytes:
        raise OSError(
            code, {errno.EACCES: "Permission denied", errno.EIO: "Input/output error"}[code]
        )

    monkeypatch.setattr(Path, "read_bytes", fail)
    assert read_error(path).vi == vi
