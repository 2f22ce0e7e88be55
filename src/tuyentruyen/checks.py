"""Plan validation: cross references, duplicates, dependencies and windows.

Returns every problem at once, each with a JSON path and the task id, so a plan author
fixes a file in one pass instead of one error per run.
"""

from __future__ import annotations

from collections.abc import Iterator

from tuyentruyen.deps import find_cycle
from tuyentruyen.errors import Problem
from tuyentruyen.lifecycle import PROGRESS_RANK
from tuyentruyen.model import DEPENDENCY_EVENTS, Plan

__all__ = ["plan_problems"]

#: States a dependency can require ("planned" would always hold).
_REQUIRABLE = tuple(s for s in PROGRESS_RANK if s != "planned")


def plan_problems(plan: Plan) -> Iterator[Problem]:
    """Yield every problem of ``plan``."""
    unit_ids: set[str] = set()
    for i, unit in enumerate(plan.units):
        if unit.id in unit_ids:
            yield Problem(
                f"$.units[{i}].id",
                f"duplicate unit id {unit.id!r}",
                f"mã đơn vị {unit.id!r} bị trùng",
            )
        unit_ids.add(unit.id)
    for key, owners in plan.names.ambiguous.items():
        first = next(i for i, u in enumerate(plan.units) if u.id == owners[1])
        yield Problem(
            f"$.units[{first}]",
            f"units {', '.join(owners)} share the name {key!r} once spellings are "
            "normalised; give each unit a distinct name and aliases",
            f"các đơn vị {', '.join(owners)} trùng tên {key!r} sau khi chuẩn hóa cách viết; "
            "hãy đặt tên và tên gọi khác riêng cho từng đơn vị",
        )
    for i, unit in enumerate(plan.units):
        for alias in (unit.name, unit.short, *unit.aliases):
            if alias is not None and alias != unit.id and alias in unit_ids:
                yield Problem(
                    f"$.units[{i}]",
                    f"{alias!r}, a name of unit {unit.id!r}, is the id of another unit",
                    f"{alias!r}, tên của đơn vị {unit.id!r}, lại là mã của một đơn vị khác",
                )
    if plan.issuer not in unit_ids:
        yield _unknown_unit(plan, "$.issuer", plan.issuer, None)

    task_ids: dict[str, int] = {}
    for i, task in enumerate(plan.tasks):
        if task.id in task_ids:
            yield Problem(
                f"$.tasks[{i}].id",
                f"duplicate task id {task.id!r} (first at $.tasks[{task_ids[task.id]}])",
                f"mã nhiệm vụ {task.id!r} bị trùng (lần đầu ở $.tasks[{task_ids[task.id]}])",
                task=task.id,
            )
        else:
            task_ids[task.id] = i

    section_ids = {s.id for s in plan.sections}
    for i, task in enumerate(plan.tasks):
        base = f"$.tasks[{i}]"
        if task.lead not in unit_ids:
            yield _unknown_unit(plan, f"{base}.lead", task.lead, task.id)
        for j, ref in enumerate(task.support):
            if ref not in unit_ids:
                yield _unknown_unit(plan, f"{base}.support[{j}]", ref, task.id)
        if task.section is not None and plan.sections and task.section not in section_ids:
            yield Problem(
                f"{base}.section",
                f"unknown section {task.section!r}",
                f"không có mục {task.section!r}",
                task=task.id,
            )
        w = task.window
        if w.start is not None and w.end is not None and w.start > w.end:
            yield Problem(
                f"{base}.window",
                f"the window ends ({w.end.isoformat()}) before it starts ({w.start.isoformat()})",
                f"thời gian thực hiện kết thúc ({w.end.isoformat()}) trước khi bắt đầu "
                f"({w.start.isoformat()})",
                task=task.id,
            )
        for j, dep in enumerate(task.depends_on):
            path = f"{base}.depends_on[{j}]"
            if dep.task == task.id:
                yield Problem(
                    f"{path}.task",
                    "a task cannot depend on itself",
                    "nhiệm vụ không thể phụ thuộc vào chính nó",
                    task=task.id,
                )
            elif dep.task not in task_ids:
                yield Problem(
                    f"{path}.task",
                    f"unknown task {dep.task!r}",
                    f"không có nhiệm vụ {dep.task!r}",
                    task=task.id,
                )
            if not dep.events:
                yield Problem(
                    f"{path}.events",
                    "a dependency must guard at least one event",
                    "phụ thuộc phải ràng buộc ít nhất một sự kiện",
                    task=task.id,
                )
            if dep.state not in PROGRESS_RANK or dep.state == "planned":
                yield Problem(
                    f"{path}.state",
                    f"{dep.state!r} is not a state a dependency can require; "
                    f"use one of {', '.join(_REQUIRABLE)}",
                    f"{dep.state!r} không phải trạng thái có thể yêu cầu; "
                    f"dùng một trong {', '.join(_REQUIRABLE)}",
                    task=task.id,
                )
            for k, event in enumerate(dep.events):
                if event not in DEPENDENCY_EVENTS:
                    yield Problem(
                        f"{path}.events[{k}]",
                        f"{event!r} cannot be guarded; use one of {', '.join(DEPENDENCY_EVENTS)}",
                        f"không thể ràng buộc sự kiện {event!r}; "
                        f"dùng một trong {', '.join(DEPENDENCY_EVENTS)}",
                        task=task.id,
                    )

    for i, rule in enumerate(plan.reporting):
        if rule.to not in unit_ids:
            yield _unknown_unit(plan, f"$.reporting[{i}].to", rule.to, None)
        for j, ref in enumerate(rule.from_):
            if ref not in unit_ids:
                yield _unknown_unit(plan, f"$.reporting[{i}].from[{j}]", ref, None)
        if rule.every not in ("month", "quarter"):
            yield Problem(
                f"$.reporting[{i}].every",
                f"unknown cadence {rule.every!r}; use month or quarter",
                f"chu kỳ {rule.every!r} không hợp lệ; dùng month hoặc quarter",
            )
        if not 1 <= rule.day <= 31:
            yield Problem(
                f"$.reporting[{i}].day",
                f"day {rule.day} is not a day of the month",
                f"ngày {rule.day} không phải ngày trong tháng",
            )

    graph: dict[str, list[str]] = {}
    for t in plan.tasks:  # a duplicated id keeps its first task's dependencies
        graph.setdefault(
            t.id, [d.task for d in t.depends_on if d.task in task_ids and d.task != t.id]
        )
    cycle = find_cycle(graph)
    if cycle:
        first = task_ids[cycle[0]]
        shown = " -> ".join([*cycle, cycle[0]])
        yield Problem(
            f"$.tasks[{first}].depends_on",
            f"dependency cycle: {shown}",
            f"phụ thuộc vòng tròn: {shown}",
            task=cycle[0],
        )


def _unknown_unit(plan: Plan, path: str, ref: str, task: str | None) -> Problem:
    close = plan.names.closest(ref)
    hint_en = f"; closest: {', '.join(close)}" if close else ""
    hint_vi = f"; gần nhất: {', '.join(close)}" if close else ""
    return Problem(
        path,
        f"unknown unit {ref!r}{hint_en}",
        f"không có đơn vị {ref!r}{hint_vi}",
        task=task,
        candidates=close,
    )
