"""Unit tables: names that collide are reported, never resolved by guessing."""

from __future__ import annotations

import pytest

from tuyentruyen import Plan, PlanError, Task, Unit, plan_from_dict


def test_units_sharing_a_normalised_name_are_reported() -> None:
    data = {
        "schema": 1,
        "id": "p",
        "title": "t",
        "issuer": "a",
        "units": [
            {"id": "a", "name": "UBND tỉnh"},
            {"id": "b", "name": "Ủy ban nhân dân tỉnh"},
            {"id": "c", "name": "Phòng C", "aliases": ["a"]},
        ],
        "tasks": [{"id": "1", "title": "x", "lead": "Uỷ ban nhân dân tỉnh"}],
    }
    with pytest.raises(PlanError) as err:
        plan_from_dict(data)
    paths = [p.path for p in err.value.problems]
    assert "$.units[1]" in paths  # the two names collide
    assert "$.units[2]" in paths  # an alias equal to another unit's id
    assert "$.tasks[0].lead" in paths  # the ambiguous reference is not guessed
    assert all(p.vi and p.en != p.vi for p in err.value.problems)


def test_plan_unit_lookup_returns_none_for_an_ambiguous_name() -> None:
    plan = Plan(
        id="p",
        title="t",
        issuer="a",
        units=[Unit("a", "UBND tỉnh"), Unit("b", "Ủy ban nhân dân tỉnh")],
        tasks=[Task("1", "x", lead="a")],
    )
    assert plan.unit("Ủy ban nhân dân tỉnh") is None
    assert plan.unit("A") is not None  # ids match whatever the case
    assert [p.path for p in plan.problems] == ["$.units[1]"]
