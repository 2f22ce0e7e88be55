"""The dependency graph: cycles and topological order, both iterative.

Plans can be large and generated (a 10,000-long chain of tasks is a test case), so
nothing here recurses.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

__all__ = ["find_cycle", "topological_order"]

K = TypeVar("K", bound=Hashable)


def find_cycle(graph: Mapping[K, Iterable[K]]) -> list[K] | None:
    """A cycle of ``graph`` (node -> nodes it depends on) as a list of nodes, or ``None``.

    The returned list starts at a node of the cycle and follows the edges; the edge
    from the last node back to the first closes it.

    >>> find_cycle({"a": ["b"], "b": ["a"]})
    ['a', 'b']
    """
    white, grey, black = 0, 1, 2
    colour: dict[K, int] = dict.fromkeys(graph, white)
    for root in graph:
        if colour[root] != white:
            continue
        colour[root] = grey
        path: list[K] = [root]
        stack = [iter(graph[root])]
        while stack:
            advanced = False
            for nxt in stack[-1]:
                c = colour.get(nxt, black)  # nodes outside the graph cannot close a cycle
                if c == grey:
                    return path[path.index(nxt) :]
                if c == white:
                    colour[nxt] = grey
                    path.append(nxt)
                    stack.append(iter(graph[nxt]))
                    advanced = True
                    break
            if not advanced:
                colour[path.pop()] = black
                stack.pop()
    return None


def topological_order(graph: Mapping[K, Iterable[K]]) -> list[K]:
    """Nodes of ``graph`` (node -> nodes it depends on), dependencies first.

    Ties keep the graph's own order. Raises ``ValueError`` naming a cycle if there is one.
    """
    deps = {node: [d for d in graph[node] if d in graph] for node in graph}
    waiting = {node: len(ds) for node, ds in deps.items()}
    dependants: dict[K, list[K]] = {node: [] for node in graph}
    for node, ds in deps.items():
        for d in ds:
            dependants[d].append(node)
    position = {node: i for i, node in enumerate(graph)}
    ready = [i for i, node in enumerate(graph) if waiting[node] == 0]
    nodes = list(graph)
    order: list[K] = []
    while ready:  # always the earliest ready node in the graph's order
        node = nodes[heapq.heappop(ready)]
        order.append(node)
        for nxt in dependants[node]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, position[nxt])
    if len(order) != len(deps):
        cycle = find_cycle(deps)
        raise ValueError(f"dependency cycle: {cycle}")
    return order
