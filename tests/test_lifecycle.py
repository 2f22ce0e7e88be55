"""The task lifecycle: one transitions.Machine with no models, compiled into TABLE."""

from __future__ import annotations

from collections import deque

import pytest

from tuyentruyen.lifecycle import (
    EVENTS,
    FINAL_STATES,
    GUARDS,
    MACHINE,
    PROGRESS_RANK,
    STATE_LABELS,
    STATES,
    TABLE,
    Edge,
    diagram,
    possible_events,
)

NON_FINAL = ("planned", "issued", "in_progress", "reported")

# The documented lifecycle, written out by hand.
DOCUMENTED = {
    ("planned", "issue"): (Edge("issued"),),
    ("issued", "start"): (Edge("in_progress"),),
    ("in_progress", "report"): (Edge("reported"),),
    ("reported", "accept"): (
        Edge("done", when=("report_final",)),
        Edge("in_progress", unless=("report_final",)),
    ),
    ("reported", "rework"): (Edge("in_progress"),),
    **{(s, "cancel"): (Edge("cancelled"),) for s in NON_FINAL},
}


def test_table_is_the_documented_lifecycle() -> None:
    assert dict(TABLE) == DOCUMENTED


def test_accept_tries_the_final_edge_first() -> None:
    first, second = TABLE[("reported", "accept")]
    assert first.dest == "done"
    assert first.when == ("report_final",)
    assert second.dest == "in_progress"
    assert second.unless == ("report_final",)


@pytest.mark.parametrize("state", sorted(FINAL_STATES))
def test_nothing_leaves_a_final_state(state: str) -> None:
    assert not [key for key in TABLE if key[0] == state]
    assert possible_events(state) == ()


def test_table_is_derived_from_machine() -> None:
    from_machine = {}
    for name, event in MACHINE.events.items():
        for source, transitions in event.transitions.items():
            from_machine[(source, name)] = [
                (
                    t.dest,
                    sorted(str(c.func) for c in t.conditions if c.target),
                    sorted(str(c.func) for c in t.conditions if not c.target),
                )
                for t in transitions
            ]
    from_table = {
        key: [(e.dest, sorted(e.when), sorted(e.unless)) for e in edges]
        for key, edges in TABLE.items()
    }
    assert from_table == from_machine


def test_machine_defines_states_and_events() -> None:
    assert list(MACHINE.states) == list(STATES)
    assert set(MACHINE.events) == set(EVENTS)
    assert MACHINE.initial == "planned"
    # no auto transitions (to_planned, ...) sneak into the table
    assert {event for _, event in TABLE} == set(EVENTS)


def test_machine_has_no_models() -> None:
    # the design point: one Machine, no add_model; tasks are compact records
    assert MACHINE.models == []
    assert not hasattr(MACHINE, "state")


def test_guards_are_the_declared_ones() -> None:
    used = {g for edges in TABLE.values() for e in edges for g in (*e.when, *e.unless)}
    assert used == set(GUARDS)


@pytest.mark.parametrize(
    ("state", "events"),
    [
        ("planned", ("issue", "cancel")),
        ("issued", ("start", "cancel")),
        ("in_progress", ("report", "cancel")),
        ("reported", ("accept", "rework", "cancel")),
        ("done", ()),
        ("cancelled", ()),
    ],
)
def test_possible_events(state: str, events: tuple[str, ...]) -> None:
    assert possible_events(state) == events


def test_possible_events_of_unknown_state() -> None:
    assert possible_events("archived") == ()


def _successors(state: str) -> set[str]:
    return {e.dest for (s, _), edges in TABLE.items() if s == state for e in edges}


def _reachable(start: str) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in _successors(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def test_every_state_reachable_from_planned() -> None:
    assert _reachable("planned") == set(STATES)


@pytest.mark.parametrize("state", NON_FINAL)
def test_every_non_final_state_can_end(state: str) -> None:
    assert _reachable(state) >= FINAL_STATES


def test_final_states_are_the_states_without_exits() -> None:
    assert {s for s in STATES if not _successors(s)} == set(FINAL_STATES)
    assert set(NON_FINAL) | set(FINAL_STATES) == set(STATES)


def test_progress_rank_follows_the_main_path() -> None:
    assert sorted(PROGRESS_RANK, key=PROGRESS_RANK.__getitem__) == [
        "planned",
        "issued",
        "in_progress",
        "reported",
        "done",
    ]
    assert "cancelled" not in PROGRESS_RANK


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_diagram_names_every_state_and_event(fmt: str) -> None:
    text = diagram(fmt)
    for state in STATES:
        assert state in text
    for event in EVENTS:
        assert event in text
    assert "report_final" in text


def test_default_diagram_is_mermaid() -> None:
    assert "stateDiagram" in diagram()


def test_dot_diagram_is_a_digraph() -> None:
    assert diagram("dot").lstrip().startswith("digraph")


def test_diagram_does_not_bind_the_machine() -> None:
    diagram("mermaid")
    assert MACHINE.models == []


@pytest.mark.parametrize("fmt", ["png", "svg", ""])
def test_diagram_rejects_other_formats(fmt: str) -> None:
    with pytest.raises(ValueError, match="mermaid"):
        diagram(fmt)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_state_labels(lang: str) -> None:
    labels = STATE_LABELS[lang]
    assert set(labels) == set(STATES)
    assert all(isinstance(v, str) and v.strip() for v in labels.values())
    assert len(set(labels.values())) == len(STATES)


def test_vietnamese_labels() -> None:
    assert STATE_LABELS["vi"]["done"] == "hoàn thành"
    assert STATE_LABELS["en"]["in_progress"] == "in progress"
