"""Broken plan files behind :func:`tuyentruyen.testing.strategies.invalid_plans`.

Each example starts from a valid plan's normalized mapping and breaks it in one way
whose problem (path, message, task) is known from the documented plan-file rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import attrs
from hypothesis import strategies as st

from tuyentruyen.errors import PlanError
from tuyentruyen.model import Plan

#: The ways :func:`invalid_plans` breaks a plan file.
INVALID_KINDS: tuple[str, ...] = (
    "unknown_unit",
    "duplicate_task_id",
    "duplicate_unit_id",
    "dependency_cycle",
    "self_dependency",
    "unknown_dependency",
    "bad_dependency_state",
    "bad_dependency_event",
    "no_guarded_event",
    "bad_window_phrase",
    "bad_plan_due",
    "bad_window_date",
    "inverted_window",
    "date_out_of_range",
    "unknown_key",
    "wrong_type",
    "missing_field",
    "unknown_section",
    "bad_cadence",
    "bad_report_day",
    "wrong_schema",
)
#: Kinds that need two tasks or more.
_NEED_TWO = frozenset(
    {
        "duplicate_task_id",
        "dependency_cycle",
        "bad_dependency_state",
        "bad_dependency_event",
        "no_guarded_event",
    }
)
#: Kinds that need a reporting rule.
_NEED_RULE = frozenset({"bad_cadence", "bad_report_day"})


@attrs.frozen
class InvalidPlan:
    """A plan-file mapping broken in exactly one known way, and what loading it raises.

    Loading :attr:`data` (``plan_from_dict``, or ``loads_plan`` of it as YAML or JSON)
    must raise :attr:`error` with exactly one problem, at :attr:`path`, whose English
    message contains :attr:`message`, whose Vietnamese message contains
    :attr:`message_vi`, and which names :attr:`task`.
    """

    #: The plan-file mapping (JSON-ready).
    data: dict[str, Any]
    #: How it is broken: one of ``INVALID_KINDS``.
    kind: str
    #: The problem's JSON path, e.g. ``$.tasks[2].lead``.
    path: str
    #: A fragment of the problem's English message.
    message: str
    #: A fragment of the problem's Vietnamese message.
    message_vi: str
    #: The task id the problem names (``Problem.task``), if any.
    task: str | None = None
    #: The exception class loading must raise.
    error: type[PlanError] = PlanError

    def check(self, error: BaseException) -> None:
        """Raise ``AssertionError`` unless ``error`` is what loading :attr:`data` must
        raise.

        >>> from hypothesis import given, settings
        >>> from tuyentruyen.io import plan_from_dict
        >>> from tuyentruyen.testing.strategies import invalid_plans
        >>> @settings(max_examples=20, deadline=None, database=None)
        ... @given(invalid_plans())
        ... def test_broken(case):
        ...     try:
        ...         plan_from_dict(case.data)
        ...     except Exception as error:
        ...         case.check(error)
        ...     else:
        ...         raise AssertionError(f"{case.kind}: no error")
        >>> test_broken()
        """
        if not isinstance(error, self.error):
            raise AssertionError(f"{self.kind}: expected {self.error.__name__}, got {error!r}")
        found = [(p.path, p.en, p.vi, p.task) for p in error.problems]
        if len(found) != 1:
            raise AssertionError(f"{self.kind}: expected one problem at {self.path}, got {found}")
        ((path, en, vi, task),) = found
        if path != self.path:
            raise AssertionError(f"{self.kind}: expected a problem at {self.path}, got {found}")
        if self.message not in en or self.message_vi not in vi:
            raise AssertionError(
                f"{self.kind}: expected {self.message!r} / {self.message_vi!r}, got {found}"
            )
        if task != self.task:
            raise AssertionError(f"{self.kind}: expected task {self.task!r}, got {found}")


#: Units no generated plan has (not in the name vocabulary either).
_STRANGERS = (
    "Phòng Không Tồn Tại",
    "Sở Vô Danh",
    "Ban Chưa Thành Lập",
    "Hội Những Người Vắng Mặt",
    "Trung tâm Ảo",
)
_UNKNOWN_UNIT = ("unknown unit", "không có đơn vị")
_BAD_PHRASE = ("cannot understand the time phrase", "không hiểu cụm từ thời gian")
_NOT_DEADLINES = ("Từ tháng 3 đến tháng 5/2023", "Thường xuyên", "Từ ngày 15/9/2023")

#: What a mutation returns: the problem's path, English and Vietnamese fragments, task.
_Found = tuple[str, str, str, str | None]


def _tasks(data: dict[str, Any]) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = data["tasks"]
    return tasks


def _pick_task(draw: st.DrawFn, data: dict[str, Any], least: int = 0) -> tuple[int, str]:
    i = draw(st.integers(least, len(_tasks(data)) - 1))
    return i, str(_tasks(data)[i]["id"])


def _unknown_unit(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    stranger = draw(st.sampled_from(_STRANGERS))
    where = draw(st.sampled_from(("lead", "support", "issuer", "to", "from")))
    if where in ("to", "from") and not data.get("reporting"):
        where = "lead"
    if where == "issuer":
        data["issuer"] = stranger
        return ("$.issuer", *_UNKNOWN_UNIT, None)
    if where == "to":
        data["reporting"][0]["to"] = stranger
        return ("$.reporting[0].to", *_UNKNOWN_UNIT, None)
    if where == "from":
        refs = data["reporting"][0].setdefault("from", [])
        refs.append(stranger)
        return (f"$.reporting[0].from[{len(refs) - 1}]", *_UNKNOWN_UNIT, None)
    i, tid = _pick_task(draw, data)
    task = _tasks(data)[i]
    if where == "lead":
        task["lead"] = stranger
        return (f"$.tasks[{i}].lead", *_UNKNOWN_UNIT, tid)
    support = task.setdefault("support", [])
    j = draw(st.integers(0, len(support)))
    support.insert(j, stranger)
    return (f"$.tasks[{i}].support[{j}]", *_UNKNOWN_UNIT, tid)


def _drop_deps_on(data: dict[str, Any], task_id: str) -> None:
    for task in _tasks(data):
        task["depends_on"] = [d for d in task.get("depends_on", []) if d["task"] != task_id]


def _duplicate_task_id(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    k, old = _pick_task(draw, data, least=1)
    j = draw(st.integers(0, k - 1))
    tid = str(_tasks(data)[j]["id"])
    _drop_deps_on(data, old)  # they would name a task that is gone
    _drop_deps_on(data, tid)  # the copy depending on its own id
    _tasks(data)[k]["id"] = tid
    return (f"$.tasks[{k}].id", "duplicate task id", "bị trùng", tid)


def _duplicate_unit_id(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    unit = draw(st.sampled_from(data["units"]))
    data["units"].append({"id": unit["id"], "name": draw(st.sampled_from(_STRANGERS))})
    return (f"$.units[{len(data['units']) - 1}].id", "duplicate unit id", "bị trùng", None)


def _dependency_cycle(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    tasks = _tasks(data)
    members = draw(
        st.lists(
            st.integers(0, len(tasks) - 1), min_size=2, max_size=min(4, len(tasks)), unique=True
        )
    )
    first = min(members)
    rest = [m for m in members if m != first]  # in drawn order: any cycle through them
    ring = [first, *rest]
    for task in tasks:
        task["depends_on"] = []
    for a, b in zip(ring, [*ring[1:], ring[0]], strict=True):
        tasks[a]["depends_on"] = [{"task": tasks[b]["id"], "state": "issued", "events": ["start"]}]
    return (
        f"$.tasks[{first}].depends_on",
        "dependency cycle",
        "phụ thuộc vòng tròn",
        tasks[first]["id"],
    )


def _add_dep(task: dict[str, Any], dep: dict[str, Any]) -> int:
    deps = task.setdefault("depends_on", [])
    deps.append(dep)
    return len(deps) - 1


def _self_dependency(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    i, tid = _pick_task(draw, data)
    j = _add_dep(_tasks(data)[i], {"task": tid})
    return (f"$.tasks[{i}].depends_on[{j}].task", "cannot depend on itself", "chính nó", tid)


def _unknown_dependency(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    i, tid = _pick_task(draw, data)
    ids = {t["id"] for t in _tasks(data)}
    missing = draw(st.sampled_from([x for x in ("99.9", "0", "X.1", "9.9.9") if x not in ids]))
    j = _add_dep(_tasks(data)[i], {"task": missing})
    return (f"$.tasks[{i}].depends_on[{j}].task", "unknown task", "không có nhiệm vụ", tid)


def _earlier_dep(draw: st.DrawFn, data: dict[str, Any]) -> tuple[int, str, str]:
    k, tid = _pick_task(draw, data, least=1)
    j = draw(st.integers(0, k - 1))
    return k, tid, str(_tasks(data)[j]["id"])


def _bad_dependency_state(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    k, tid, on = _earlier_dep(draw, data)
    state = draw(st.sampled_from(("planned", "cancelled", "finished", "đã ban hành")))
    j = _add_dep(_tasks(data)[k], {"task": on, "state": state})
    return (
        f"$.tasks[{k}].depends_on[{j}].state",
        "is not a state a dependency can require",
        "không phải trạng thái có thể yêu cầu",
        tid,
    )


def _bad_dependency_event(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    k, tid, on = _earlier_dep(draw, data)
    good = draw(st.lists(st.sampled_from(("issue", "start", "report", "accept")), max_size=2))
    bad = draw(st.sampled_from(("cancel", "rework", "fly", "ban hành")))
    j = _add_dep(_tasks(data)[k], {"task": on, "events": [*good, bad]})
    return (
        f"$.tasks[{k}].depends_on[{j}].events[{len(good)}]",
        "cannot be guarded",
        "không thể ràng buộc sự kiện",
        tid,
    )


def _no_guarded_event(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    k, tid, on = _earlier_dep(draw, data)
    j = _add_dep(_tasks(data)[k], {"task": on, "events": []})
    return (
        f"$.tasks[{k}].depends_on[{j}].events",
        "must guard at least one event",
        "ít nhất một sự kiện",
        tid,
    )


def _bad_window_phrase(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    from tuyentruyen.testing._phrases import bad_phrases

    i, tid = _pick_task(draw, data)
    _tasks(data)[i]["window"] = draw(bad_phrases())
    return (f"$.tasks[{i}].window", *_BAD_PHRASE, tid)


def _bad_plan_due(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    from tuyentruyen.testing._phrases import bad_phrases

    i, tid = _pick_task(draw, data)
    _tasks(data)[i]["plan_due"] = draw(bad_phrases() | st.sampled_from(_NOT_DEADLINES))
    return (f"$.tasks[{i}].plan_due", *_BAD_PHRASE, tid)


def _bad_window_date(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    i, tid = _pick_task(draw, data)
    end = draw(st.sampled_from(("start", "end")))
    bad = draw(
        st.sampled_from(("31/2/2023", "cuối năm", "Tháng 4/2023", "29/2/2023", "15/13/2023"))
    )
    _tasks(data)[i]["window"] = {"start": None, "end": None, end: bad}
    return (f"$.tasks[{i}].window.{end}", *_BAD_PHRASE, tid)


def _inverted_window(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    i, tid = _pick_task(draw, data)
    first = draw(st.dates(date(2000, 1, 1), date(2099, 12, 31)))
    later = first + timedelta(days=draw(st.integers(1, 400)))
    if draw(st.booleans()):
        window: Any = {"start": later.isoformat(), "end": first.isoformat()}
    else:
        window = (
            f"Từ ngày {later.day}/{later.month}/{later.year} "
            f"đến ngày {first.day}/{first.month}/{first.year}"
        )
    _tasks(data)[i]["window"] = window
    return (f"$.tasks[{i}].window", "before it starts", "kết thúc (", tid)


def _date_out_of_range(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    i, _ = _pick_task(draw, data)
    day = draw(st.sampled_from(("1899-12-31", "2201-01-01", "1000-01-01", "9999-12-31")))
    where = draw(st.sampled_from(("window.start", "window.end", "plan_due")))
    if where == "plan_due":
        _tasks(data)[i]["plan_due"] = day
    else:
        _tasks(data)[i]["window"] = {"start": None, "end": None, where[7:]: day}
    return (f"$.tasks[{i}].{where}", "outside the years", "nằm ngoài khoảng năm", None)


_ODD_KEYS = ("colour", "ghi_chu", "deadline", "mô tả", "lead_unit")


def _unknown_key(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    key = draw(st.sampled_from(_ODD_KEYS))
    where = draw(st.sampled_from(("top", "task", "unit", "window", "rule")))
    if where == "rule" and not data.get("reporting"):
        where = "top"
    path = "$"
    if where == "top":
        data[key] = "x"
    elif where == "unit":
        u = draw(st.integers(0, len(data["units"]) - 1))
        data["units"][u][key] = "x"
        path = f"$.units[{u}]"
    elif where == "rule":
        data["reporting"][0][key] = "x"
        path = "$.reporting[0]"
    else:
        i, _ = _pick_task(draw, data)
        task = _tasks(data)[i]
        if where == "window":
            window = task.get("window")
            task["window"] = dict(window) if isinstance(window, dict) else {"start": None}
            task["window"][key] = "x"
            path = f"$.tasks[{i}].window"
        else:
            task[key] = "x"
            path = f"$.tasks[{i}]"
    return (path, f"unknown keys ({key})", f"không được phép ({key})", None)


_EXPECTED_TEXT = ("expected text", "cần văn bản")
_EXPECTED_LIST = ("expected a list", "cần một danh sách")


def _wrong_type(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    where = draw(
        st.sampled_from(
            ("title", "task_title", "lead", "ongoing", "content", "window", "day", "tasks")
        )
    )
    if where == "day" and not data.get("reporting"):
        where = "title"
    if where == "title":
        data["title"] = draw(st.sampled_from((5, 2.5, True, ["a"])))
        return ("$.title", *_EXPECTED_TEXT, None)
    if where == "day":
        data["reporting"][0]["day"] = draw(st.sampled_from(("15", "mười lăm", 15.0, True)))
        return ("$.reporting[0].day", "expected an integer", "cần số nguyên", None)
    if where == "tasks":
        data["tasks"] = draw(st.sampled_from(({}, "1, 2", 3)))
        return ("$.tasks", *_EXPECTED_LIST, None)
    i, _ = _pick_task(draw, data)
    task = _tasks(data)[i]
    if where == "ongoing":
        task["ongoing"] = draw(st.sampled_from(("yes", "có", 1, 0)))
        return (f"$.tasks[{i}].ongoing", "expected true or false", "cần true hoặc false", None)
    if where == "content":
        task["content"] = draw(st.sampled_from(("một chuỗi", 7)))
        return (f"$.tasks[{i}].content", *_EXPECTED_LIST, None)
    if where == "window":
        task["window"] = draw(st.sampled_from((5, ["2023-01-01"], True)))
        return (f"$.tasks[{i}].window", "expected a mapping", "cần một ánh xạ", None)
    key = "title" if where == "task_title" else "lead"
    task[key] = draw(st.sampled_from((5, ["a"], None)))
    return (f"$.tasks[{i}].{key}", *_EXPECTED_TEXT, None)


def _missing_field(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    where = draw(st.sampled_from(("task", "top", "unit")))
    if where == "top":
        key = draw(st.sampled_from(("id", "title", "issuer", "tasks")))
        del data[key]
        path = f"$.{key}"
    elif where == "unit":
        u = draw(st.integers(0, len(data["units"]) - 1))
        key = draw(st.sampled_from(("id", "name")))
        del data["units"][u][key]
        path = f"$.units[{u}].{key}"
    else:
        i, _ = _pick_task(draw, data)
        key = draw(st.sampled_from(("id", "title", "lead")))
        del _tasks(data)[i][key]
        path = f"$.tasks[{i}].{key}"
    return (path, "required field missing", "thiếu trường bắt buộc", None)


def _unknown_section(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    i, tid = _pick_task(draw, data)
    data["sections"] = [{"id": "I", "title": "Nhiệm vụ chung"}]
    for task in _tasks(data):
        task["section"] = draw(st.sampled_from(("I", None)))
    _tasks(data)[i]["section"] = draw(st.sampled_from(("II", "I.1", "i")))
    return (f"$.tasks[{i}].section", "unknown section", "không có mục", tid)


def _bad_cadence(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    data["reporting"][0]["every"] = draw(st.sampled_from(("week", "year", "tháng", "")))
    return ("$.reporting[0].every", "unknown cadence", "chu kỳ", None)


def _bad_report_day(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    data["reporting"][0]["day"] = draw(st.sampled_from((0, 32, -1, 100)))
    return ("$.reporting[0].day", "is not a day of the month", "không phải ngày trong tháng", None)


def _wrong_schema(draw: st.DrawFn, data: dict[str, Any], plan: Plan) -> _Found:
    value = draw(st.sampled_from((2, 0, "1", 1.0, True, None, "missing")))
    if value == "missing":
        del data["schema"]
    else:
        data["schema"] = value
    return ("$.schema", "schema must be 1", "schema phải là 1", None)


_MUTATIONS: dict[str, Callable[[st.DrawFn, dict[str, Any], Plan], _Found]] = {
    "unknown_unit": _unknown_unit,
    "duplicate_task_id": _duplicate_task_id,
    "duplicate_unit_id": _duplicate_unit_id,
    "dependency_cycle": _dependency_cycle,
    "self_dependency": _self_dependency,
    "unknown_dependency": _unknown_dependency,
    "bad_dependency_state": _bad_dependency_state,
    "bad_dependency_event": _bad_dependency_event,
    "no_guarded_event": _no_guarded_event,
    "bad_window_phrase": _bad_window_phrase,
    "bad_plan_due": _bad_plan_due,
    "bad_window_date": _bad_window_date,
    "inverted_window": _inverted_window,
    "date_out_of_range": _date_out_of_range,
    "unknown_key": _unknown_key,
    "wrong_type": _wrong_type,
    "missing_field": _missing_field,
    "unknown_section": _unknown_section,
    "bad_cadence": _bad_cadence,
    "bad_report_day": _bad_report_day,
    "wrong_schema": _wrong_schema,
}


@st.composite
def invalid_plans(
    draw: st.DrawFn,
    plans: st.SearchStrategy[Plan] | None = None,
    kinds: Sequence[str] = INVALID_KINDS,
) -> InvalidPlan:
    """A plan-file mapping broken in exactly one way, and the error it must raise.

    Starts from the normalized mapping (``plan_to_dict``) of a valid plan from ``plans``
    (:func:`~tuyentruyen.testing.strategies.plans` with up to 4 tasks by default) and
    breaks it one of the ``kinds`` way (:data:`INVALID_KINDS`): an unknown unit in
    ``lead``/``support``/``issuer``/``reporting``, a duplicate task or unit id, a
    dependency cycle, on itself or on an unknown task, a dependency state or event that
    cannot be required, an unparseable window or plan-due phrase, a window that ends
    before it starts, a date outside 1900-2200, an unknown key, a value of the wrong
    type, a missing required field, an unknown section, a bad reporting cadence or day,
    a wrong schema. With your own ``plans``, kinds that need two tasks (or a reporting
    rule) are only drawn for plans that have them.
    See :class:`InvalidPlan` for what loading it must raise.
    """
    from tuyentruyen.io import plan_to_dict
    from tuyentruyen.testing.strategies import plans as valid_plans

    unknown = set(kinds) - set(INVALID_KINDS)
    if unknown or not kinds:
        raise ValueError(f"unknown kinds {sorted(unknown)}; use {INVALID_KINDS}")
    if plans is None:  # the kind first, then a plan it applies to
        kind = draw(st.sampled_from(tuple(kinds)))
        plan = draw(valid_plans(min_tasks=2 if kind in _NEED_TWO else 1, max_tasks=4))
    else:
        plan = draw(plans)
        usable = [
            k
            for k in kinds
            if (len(plan.tasks) >= 2 or k not in _NEED_TWO)
            and (plan.reporting or k not in _NEED_RULE)
            and (plan.tasks or k in ("duplicate_unit_id", "unknown_key", "wrong_schema"))
        ]
        if not usable:
            raise ValueError(f"none of {list(kinds)} applies to a plan of {len(plan.tasks)} tasks")
        kind = draw(st.sampled_from(usable))
    data: dict[str, Any] = json.loads(json.dumps(plan_to_dict(plan), ensure_ascii=False))
    path, en, vi, task = _MUTATIONS[kind](draw, data, plan)
    return InvalidPlan(data, kind, path, en, vi, task)
