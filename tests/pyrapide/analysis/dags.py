"""Small computations for the analysis tests, built from edge lists, plus brute-force oracles."""

from __future__ import annotations

from hypothesis import strategies as st

from pyrapide import Computation, Event


def build(size: int, links: list[tuple[int, int]], order: list[int] | None = None):
    """A computation of events N0..N{size-1} with the (cause, effect) links given.

    ``order`` is the recording order (default 0, 1, ...); a link whose cause is recorded
    after its effect is added afterwards with ``add_causal_link``, as a caller might.
    Returns the computation and the events by number.
    """
    events = [Event(name=f"N{i}", id=f"n{i}") for i in range(size)]
    order = list(range(size)) if order is None else order
    recorded: set[int] = set()
    late = []
    comp = Computation()
    for number in order:
        causes = [c for c, e in links if e == number and c in recorded]
        late += [(c, e) for c, e in links if e == number and c not in recorded]
        comp.record(events[number], caused_by=[events[c] for c in causes])
        recorded.add(number)
    for cause, effect in late:
        comp.poset.add_causal_link(events[cause], events[effect])
    return comp, events


@st.composite
def random_dags(draw, max_size: int = 9):
    """(size, links, recording order) of a random DAG, links going from lower to higher."""
    size = draw(st.integers(min_value=0, max_value=max_size))
    pairs = [(a, b) for a in range(size) for b in range(a + 1, size)]
    links = [pair for pair in pairs if draw(st.booleans())] if pairs else []
    order = draw(st.permutations(range(size)))
    return size, links, list(order)


def successors(size: int, links) -> list[list[int]]:
    out: list[list[int]] = [[] for _ in range(size)]
    for cause, effect in links:
        out[cause].append(effect)
    return out


def reachable(size: int, links) -> list[set[int]]:
    """For each event, the events it causally precedes (plain depth-first search)."""
    nexts = successors(size, links)
    result = []
    for start in range(size):
        seen: set[int] = set()
        stack = list(nexts[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(nexts[node])
        result.append(seen)
    return result


def maximal_paths(size: int, links) -> list[list[int]]:
    """Every path from a root to a leaf, enumerated one by one."""
    nexts = successors(size, links)
    has_cause = {effect for _, effect in links}
    paths = []

    def walk(path):
        if not nexts[path[-1]]:
            paths.append(path)
        for nxt in nexts[path[-1]]:
            walk([*path, nxt])

    for root in range(size):
        if root not in has_cause:
            walk([root])
    return paths
