"""The task lifecycle, defined once with ``transitions``.

::

    planned --issue--> issued --start--> in_progress --report--> reported --accept--> done
                                              ^                      |
                                              +------rework----------+
                                              +--accept (interim report of ongoing work)
    any state but done/cancelled --cancel--> cancelled

:data:`MACHINE` is the single ``transitions.Machine`` that defines states, events and
guards. It has no models: binding thousands of task records with ``add_model`` costs
about 160 µs and 4.5 KB per task and grows quadratically (transitions issue #434), and
transitions cannot bind triggers onto slotted attrs classes. Instead :data:`TABLE`
is compiled from the machine's own event table once, at import, and the
:class:`~tuyentruyen.tracker.Tracker` applies it to compact per-task records. The
machine stays the one definition: change it and the table, the guards and the diagram
change with it.

Guards are named conditions on transitions. ``report_final`` decides where ``accept``
goes: an accepted *final* report closes the task (``done``); an accepted *interim*
report of ongoing work (*thường xuyên*) sends it back to ``in_progress`` for the next
period. Reports of non-ongoing tasks are final unless said otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs
from transitions import Machine

__all__ = [
    "EVENTS",
    "EVENT_LABELS_VI",
    "FINAL_STATES",
    "GUARDS",
    "MACHINE",
    "PROGRESS_RANK",
    "STATES",
    "STATE_LABELS",
    "TABLE",
    "TRANSITIONS",
    "Edge",
    "diagram",
    "possible_events",
]

#: States in lifecycle order.
STATES: Final = ("planned", "issued", "in_progress", "reported", "done", "cancelled")
#: Events, in the order a task usually meets them.
EVENTS: Final = ("issue", "start", "report", "accept", "rework", "cancel")
#: States nothing leaves.
FINAL_STATES: Final = frozenset({"done", "cancelled"})
#: How far along the lifecycle a state is; a dependency on state S holds once the task
#: has reached a rank >= rank(S). ``cancelled`` never satisfies a dependency.
PROGRESS_RANK: Final[Mapping[str, int]] = {
    "planned": 0,
    "issued": 1,
    "in_progress": 2,
    "reported": 3,
    "done": 4,
}
#: Names of the guard conditions used by the machine.
GUARDS: Final = ("report_final",)

#: Vietnamese labels of the states.
STATE_LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    "vi": {
        "planned": "chưa ban hành",
        "issued": "đã ban hành",
        "in_progress": "đang thực hiện",
        "reported": "đã báo cáo",
        "done": "hoàn thành",
        "cancelled": "đã hủy",
    },
    "en": {s: s.replace("_", " ") for s in STATES},
}
#: Vietnamese names of the events.
EVENT_LABELS_VI: Final[Mapping[str, str]] = {
    "issue": "ban hành",
    "start": "triển khai",
    "report": "báo cáo",
    "accept": "tiếp nhận báo cáo",
    "rework": "trả lại báo cáo",
    "cancel": "hủy",
}

#: The transitions, in transitions' own dictionary form (read-only by convention).
TRANSITIONS: Final[tuple[dict[str, Any], ...]] = (
    {"trigger": "issue", "source": "planned", "dest": "issued"},
    {"trigger": "start", "source": "issued", "dest": "in_progress"},
    {"trigger": "report", "source": "in_progress", "dest": "reported"},
    {"trigger": "accept", "source": "reported", "dest": "done", "conditions": "report_final"},
    {"trigger": "accept", "source": "reported", "dest": "in_progress", "unless": "report_final"},
    {"trigger": "rework", "source": "reported", "dest": "in_progress"},
    {
        "trigger": "cancel",
        "source": ["planned", "issued", "in_progress", "reported"],
        "dest": "cancelled",
    },
)


def _build(machine_class: type[Machine] = Machine, **extra: Any) -> Machine:
    return machine_class(
        states=list(STATES),
        transitions=[dict(t) for t in TRANSITIONS],
        initial="planned",
        auto_transitions=False,
        ignore_invalid_triggers=False,
        **extra,
    )


#: The one lifecycle definition.
MACHINE: Final = _build(model=None)


@attrs.frozen
class Edge:
    """One compiled transition: go to ``dest`` if every guard in ``when`` holds and
    every guard in ``unless`` does not."""

    dest: str
    when: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()


def _compile(machine: Machine) -> dict[tuple[str, str], tuple[Edge, ...]]:
    table: dict[tuple[str, str], tuple[Edge, ...]] = {}
    for name, event in machine.events.items():
        for source, transitions in event.transitions.items():
            edges = []
            for t in transitions:
                when = tuple(str(c.func) for c in t.conditions if c.target)
                unless = tuple(str(c.func) for c in t.conditions if not c.target)
                unknown = set(when + unless) - set(GUARDS)
                if unknown:  # pragma: no cover - a definition error, caught at import
                    raise RuntimeError(f"unknown guards {sorted(unknown)} on {name}")
                edges.append(Edge(str(t.dest), when, unless))
            table[(source, name)] = tuple(edges)
    return table


#: ``(state, event) -> edges`` compiled from :data:`MACHINE`; first edge whose guards
#: pass wins, as in transitions.
TABLE: Final[Mapping[tuple[str, str], tuple[Edge, ...]]] = _compile(MACHINE)


def possible_events(state: str) -> tuple[str, ...]:
    """Events that can be fired from ``state``."""
    return tuple(e for e in EVENTS if (state, e) in TABLE)


def diagram(fmt: str = "mermaid") -> str:
    """The lifecycle diagram, drawn by transitions' own diagram support.

    ``fmt`` is ``"mermaid"`` or ``"dot"`` (Graphviz source, through the ``graphviz``
    package; transitions would quietly fall back to Mermaid without it, so it is a
    dependency).
    """
    from transitions.extensions import GraphMachine

    class _Diagram:  # a throwaway model: GraphMachine draws from a model's point of view
        pass

    engines = {"mermaid": "mermaid", "dot": "graphviz"}
    if fmt not in engines:
        raise ValueError(f"unknown diagram format {fmt!r}; use 'mermaid' or 'dot'")
    graph = _build(
        GraphMachine,
        model=_Diagram(),
        graph_engine=engines[fmt],
        show_conditions=True,
        title="tuyentruyen task lifecycle",
    ).get_graph()
    return str(graph.draw(None) if fmt == "mermaid" else graph.source)
