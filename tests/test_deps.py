"""Dependency graphs: cycles and topological order, iterative even for huge plans."""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterable, Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuyentruyen.deps import find_cycle, topological_order

Graph = Mapping[Hashable, Iterable[Hashable]]


def assert_is_cycle(graph: Graph, cycle: list[Hashable] | None) -> None:
    """``cycle`` is a real cycle of ``graph``: distinct nodes, each an edge to the next,
    the last an edge back to the first."""
    assert cycle
    assert len(set(cycle)) == len(cycle)
    for node in cycle:
        assert node in graph
    for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True):
        assert b in list(graph[a]), (a, b)


def assert_is_order(graph: Graph, order: list[Hashable]) -> None:
    """``order`` holds every node of ``graph`` once, each after the nodes it depends on."""
    assert sorted(map(repr, order)) == sorted(map(repr, graph))
    assert len(order) == len(set(order))
    position = {node: i for i, node in enumerate(order)}
    for node, deps in graph.items():
        for d in deps:
            if d in graph:
                assert position[d] < position[node], (d, node)


def reference_order(graph: Graph) -> list[Hashable]:
    """The topological order that keeps the graph's own order for ties: at each step
    the first node, in the graph's order, whose dependencies are all placed."""
    placed: set[Hashable] = set()
    order: list[Hashable] = []
    nodes = list(graph)
    while len(order) < len(nodes):
        for node in nodes:
            if node not in placed and all(d in placed or d not in graph for d in graph[node]):
                placed.add(node)
                order.append(node)
                break
        else:  # pragma: no cover - only for cyclic input
            raise AssertionError("cycle")
    return order


# --- find_cycle ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "graph",
    [
        {},
        {"a": []},
        {"a": ["b"], "b": []},
        {"a": ["b", "c"], "b": ["c"], "c": []},
        {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []},  # diamond
        {"a": ["x"], "b": ["a", "y"]},  # references outside the graph
        {"1.1": [], "2.1": ["1.1"], "2.2": ["2.1", "1.1"], "3.1": ["2.2"]},
    ],
)
def test_acyclic_has_no_cycle(graph: Graph) -> None:
    assert find_cycle(graph) is None


@pytest.mark.parametrize(
    "graph",
    [
        {"a": ["b"], "b": ["a"]},
        {"a": ["b"], "b": ["c"], "c": ["a"]},
        {"x": [], "a": ["b"], "b": ["c"], "c": ["b"]},  # the cycle is not at the root
        {"a": ["b", "c"], "b": [], "c": ["d"], "d": ["e"], "e": ["c"]},
        {"a": ["zz", "b"], "b": ["a"]},  # an outside reference on the way
        {1: [2], 2: [3], 3: [4], 4: [2]},
    ],
)
def test_cycle_is_a_real_cycle(graph: Graph) -> None:
    assert_is_cycle(graph, find_cycle(graph))


def test_cycle_example() -> None:
    cycle = find_cycle({"a": ["b"], "b": ["a"]})
    assert cycle is not None
    assert sorted(cycle) == ["a", "b"]


def test_cycle_excludes_the_path_leading_to_it() -> None:
    cycle = find_cycle({"a": ["b"], "b": ["c"], "c": ["d"], "d": ["c"]})
    assert cycle is not None
    assert sorted(cycle) == ["c", "d"]


def test_self_loop() -> None:
    assert find_cycle({"a": ["a"]}) == ["a"]
    graph = {"a": [], "b": ["a", "b"]}
    assert find_cycle(graph) == ["b"]
    assert_is_cycle(graph, find_cycle(graph))


def test_nodes_outside_the_graph_are_ignored() -> None:
    assert find_cycle({"a": ["ghost"], "ghost2": ["ghost"]}) is None
    # "b" is not a node, so a -> b -> a is not a cycle of this graph
    assert find_cycle({"a": ["b"]}) is None


def test_tuple_and_generator_values() -> None:
    assert find_cycle({"a": ("b",), "b": ()}) is None
    graph = {"a": ("b",), "b": ("a",)}
    assert_is_cycle(graph, find_cycle(graph))


N = 10_000


def test_long_chain_does_not_recurse() -> None:
    assert sys.getrecursionlimit() < N
    chain = {i: [i + 1] for i in range(N - 1)} | {N - 1: []}
    assert find_cycle(chain) is None
    assert topological_order(chain) == list(range(N - 1, -1, -1))


def test_long_chain_closed_into_a_cycle() -> None:
    assert sys.getrecursionlimit() < N
    ring = {i: [(i + 1) % N] for i in range(N)}
    cycle = find_cycle(ring)
    assert cycle is not None
    assert len(cycle) == N
    assert_is_cycle(ring, cycle)
    with pytest.raises(ValueError, match="cycle"):
        topological_order(ring)


def test_long_chain_with_a_cycle_at_the_far_end() -> None:
    graph = {i: [i + 1] for i in range(N - 1)} | {N - 1: [N - 3]}
    cycle = find_cycle(graph)
    assert cycle is not None
    assert sorted(cycle) == [N - 3, N - 2, N - 1]
    assert_is_cycle(graph, cycle)


def test_long_reversed_chain_order() -> None:
    # dependencies listed after their dependants: the order must still be complete
    graph = {i: [i - 1] if i else [] for i in range(N - 1, -1, -1)}
    assert topological_order(graph) == list(range(N))


# --- topological_order ---------------------------------------------------------------


def test_dependencies_first() -> None:
    graph = {"report": ["write", "review"], "write": ["plan"], "review": ["write"], "plan": []}
    order = topological_order(graph)
    assert order == ["plan", "write", "review", "report"]
    assert_is_order(graph, order)


def test_no_edges_keeps_input_order() -> None:
    graph = {k: [] for k in ["3.1", "1.1", "2.7", "2.1"]}
    assert topological_order(graph) == ["3.1", "1.1", "2.7", "2.1"]


def test_already_ordered_input_is_unchanged() -> None:
    # a valid order already: ties ("b" and "c" are unrelated) keep the graph's order
    graph = {"a": [], "b": ["a"], "c": []}
    assert topological_order(graph) == ["a", "b", "c"]


def test_ties_keep_input_order() -> None:
    graph = {"c": ["a"], "a": [], "d": [], "b": ["a"]}
    assert topological_order(graph) == ["a", "c", "d", "b"]
    graph2 = {"x": ["z"], "y": [], "z": []}
    assert topological_order(graph2) == ["y", "z", "x"]


def test_outside_references_and_duplicates_are_ignored() -> None:
    graph = {"a": ["ghost", "b", "b"], "b": ["ghost"]}
    assert topological_order(graph) == ["b", "a"]


def test_empty() -> None:
    assert topological_order({}) == []


@pytest.mark.parametrize(
    "graph",
    [
        {"a": ["b"], "b": ["a"]},
        {"a": ["a"]},
        {"ok": [], "a": ["b"], "b": ["c"], "c": ["a"], "after": ["a"]},
    ],
)
def test_cycle_raises_value_error_naming_it(graph: Graph) -> None:
    with pytest.raises(ValueError, match="cycle") as info:
        topological_order(graph)
    cycle = find_cycle(graph)
    assert cycle is not None
    assert str(cycle) in str(info.value)


# --- properties ----------------------------------------------------------------------


@st.composite
def dags(draw: st.DrawFn) -> dict[int, list[int]]:
    """Random DAGs: node i depends only on lower-numbered nodes, listed in a random order,
    with some references to nodes outside the graph."""
    n = draw(st.integers(0, 30))
    graph: dict[int, list[int]] = {}
    for i in range(n):
        deps = draw(st.lists(st.integers(0, i - 1), max_size=4, unique=True)) if i else []
        if draw(st.integers(0, 9)) == 0:
            deps.append(1000 + i)  # not a node
        graph[i] = deps
    order = draw(st.permutations(list(graph)))
    return {k: graph[k] for k in order}


@given(dags())
def test_random_dags(graph: dict[int, list[int]]) -> None:
    assert find_cycle(graph) is None
    order = topological_order(graph)
    assert_is_order(graph, order)


@given(dags())
def test_random_dags_ties_keep_input_order(graph: dict[int, list[int]]) -> None:
    assert topological_order(graph) == reference_order(graph)


def _reachable(graph: dict[int, list[int]], start: int) -> set[int]:
    seen, stack = set(), [start]
    while stack:
        for d in graph.get(stack.pop(), []):
            if d in graph and d not in seen:
                seen.add(d)
                stack.append(d)
    return seen


@given(dags(), st.data())
def test_back_edge_makes_a_real_cycle(graph: dict[int, list[int]], data: st.DataObject) -> None:
    pairs = [(a, b) for a in graph for b in _reachable(graph, a)]
    if not pairs:
        assert find_cycle(graph) is None
        return
    a, b = data.draw(st.sampled_from(pairs))  # a depends (transitively) on b
    cyclic = {k: [*v, a] if k == b else list(v) for k, v in graph.items()}
    cycle = find_cycle(cyclic)
    assert_is_cycle(cyclic, cycle)
    assert cycle is not None
    assert a in cycle
    assert b in cycle
    with pytest.raises(ValueError, match="cycle"):
        topological_order(cyclic)
