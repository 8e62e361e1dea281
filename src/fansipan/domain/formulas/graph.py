"""Dependency graphs of derived indicators: a stable order, and the cycles that block one."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Collection, Mapping


def cycles(graph: Mapping[str, Collection[str]]) -> list[tuple[list[str], list[str]]]:
    """Each knot of mutually dependent codes: (one cycle through it, everything in it).

    `graph[code]` is what `code` uses. Codes that merely depend on a knot are left out:
    they will be fine once the knot is cut.
    """
    stuck = _stuck(graph)
    reach: dict[str, set[str]] = {}
    for start in stuck:
        seen: set[str] = set()
        queue = deque(d for d in graph[start] if d in stuck)
        while queue:
            node = queue.popleft()
            if node not in seen:
                seen.add(node)
                queue.extend(d for d in graph[node] if d in stuck)
        reach[start] = seen
    knots: list[tuple[list[str], list[str]]] = []
    placed: set[str] = set()
    for start in sorted(stuck):
        if start in placed or start not in reach[start]:
            continue
        members = sorted(n for n in reach[start] if start in reach[n])
        placed.update(members)
        knots.append((_shortest_cycle(graph, start, set(members)), members))
    return knots


def _stuck(graph: Mapping[str, Collection[str]]) -> set[str]:
    """The codes that a topological sort cannot place: in or behind a cycle."""
    placed = set(topological_order(graph))
    return set(graph) - placed


def _shortest_cycle(
    graph: Mapping[str, Collection[str]], start: str, within: set[str]
) -> list[str]:
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for dep in sorted(graph[node]):
            if dep == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if dep in within and dep not in previous:
                previous[dep] = node
                queue.append(dep)
    raise AssertionError("a knot has a cycle through each of its members")


def topological_order(graph: Mapping[str, Collection[str]]) -> list[str]:
    """Codes of `graph` so that each comes after the codes it uses; cycles are left out.

    Edges to codes outside `graph` (base indicators) are ignored. Among codes that are
    ready together the alphabetically first goes first, so the order is stable.
    """
    waiting = {code: {d for d in deps if d in graph} for code, deps in graph.items()}
    users: dict[str, list[str]] = {code: [] for code in graph}
    for code, deps in waiting.items():
        for dep in deps:
            users[dep].append(code)
    ready = [code for code, deps in waiting.items() if not deps]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        code = heapq.heappop(ready)
        order.append(code)
        for user in users[code]:
            waiting[user].discard(code)
            if not waiting[user]:
                heapq.heappush(ready, user)
    return order
