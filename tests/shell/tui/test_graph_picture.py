"""The graph model and picture: box orders, lanes, glyphs per kind, labels and counts."""

from rapide_shell.tui.graph_model import (
    ANY_SOURCE,
    OUTSIDE_SOURCE,
    GraphEdge,
    GraphSpec,
    feed_order,
    layered_order,
    spec_from_description,
)
from rapide_shell.tui.graph_picture import draw_graph

SEED = GraphSpec(
    components=(
        ("api", "APIService"),
        ("db", "DatabaseService"),
        ("cache", "CacheService"),
        ("notifications", "NotificationService"),
    ),
    edges=(
        GraphEdge(0, "connect", "APIService.request", "api", "db"),
        GraphEdge(1, "connect", "APIService.request", "api", "cache"),
        GraphEdge(2, "pipe", "DatabaseService.result", "db", "api"),
        GraphEdge(3, "agent", "DatabaseService.error", "db", "notifications"),
    ),
)


def test_each_component_is_followed_by_those_it_feeds():
    seed_order = ["api", "db", "cache", "notifications"]
    assert feed_order(seed_order, SEED.edges) == ["api", "db", "notifications", "cache"]
    # Nothing feeds a source: it starts a run of boxes, its worker right after it.
    names = ["s1", "s2", "w1", "w2"]
    edges = [GraphEdge(0, "pipe", "S.job", "s1", "w1"), GraphEdge(1, "agent", "S.job", "s2", "w2")]
    assert feed_order(names, edges) == ["s1", "w1", "s2", "w2"]


def test_layered_order_breaks_cycles_in_declaration_order():
    seed_order = ["api", "db", "cache", "notifications"]
    assert layered_order(seed_order, SEED.edges) == ["api", "db", "cache", "notifications"]
    reverse = ["notifications", "cache", "db", "api"]
    assert layered_order(reverse, SEED.edges) == ["db", "notifications", "api", "cache"]


def test_the_narrowest_of_the_candidate_orders_is_drawn():
    picture = draw_graph(SEED, show_interfaces=False)
    first_row = picture.rows[1]
    names_in_row = "".join(ch for ch, _ in first_row).split()
    assert [n for n in names_in_row if n != "│"] == ["api", "db", "cache", "notifications"]
    feed_first = feed_order(["api", "db", "cache", "notifications"], SEED.edges)
    assert feed_first != ["api", "db", "cache", "notifications"]  # a real choice was made


def test_every_component_gets_a_box_and_every_connection_a_labelled_lane():
    picture = draw_graph(SEED, show_interfaces=True)
    text = picture.text()
    for name, interface in SEED.components:
        assert f"│ {name}" in text or f" {name} " in text
        assert interface in text
    assert "connect APIService.request" in text
    assert "pipe DatabaseService.result" in text
    assert "agent DatabaseService.error" in text
    assert sorted(picture.lane_rows) == [0, 1, 2, 3]
    assert all(len(row) == picture.width for row in picture.rows)


def test_the_three_kinds_are_drawn_with_different_lines():
    rows = draw_graph(SEED).rows
    glyphs_by_kind: dict[str, set[str]] = {}
    for row in rows:
        for ch, role in row:
            if role is not None and role[0] == "edge":
                glyphs_by_kind.setdefault(role[2], set()).add(ch)
    assert "─" in glyphs_by_kind["connect"] and "═" not in glyphs_by_kind["connect"]
    assert "═" in glyphs_by_kind["pipe"]
    assert "┄" in glyphs_by_kind["agent"]
    assert {"▶", "◀"} & (glyphs_by_kind["connect"] | glyphs_by_kind["pipe"])


def test_labels_show_delivery_counts_and_pipe_queue_depth():
    text = draw_graph(SEED, delivered={0: 3, 2: 1}, queued={2: 4}).text()
    lines = text.splitlines()
    connect_line = next(line for line in lines if "connect APIService.request ✓3" in line)
    assert connect_line
    pipe_line = next(line for line in lines if "pipe DatabaseService.result" in line)
    assert "✓1" in pipe_line and "queued 4" in pipe_line
    agent_line = next(line for line in lines if "agent DatabaseService.error" in line)
    assert "queued" not in agent_line


def test_labels_never_cover_a_deeper_lanes_vertical_leg():
    picture = draw_graph(SEED)
    for rows in picture.lane_rows.values():
        for y in rows:
            row = picture.rows[y]
            label_start = next(
                (x for x, (_, role) in enumerate(row) if role and role[0] == "label"), None
            )
            assert label_start is not None
            assert all(role is None or role[0] in {"label", "count"}
                       for _, role in row[label_start:])


def test_without_interfaces_the_picture_is_narrower():
    assert draw_graph(SEED, show_interfaces=False).width < draw_graph(SEED).width


def test_a_self_loop_and_an_any_source_are_drawn():
    spec = GraphSpec(
        components=(("a", "A"),),
        edges=(GraphEdge(0, "agent", "A.x", "a", "a"), GraphEdge(1, "pipe", "*", ANY_SOURCE, "a")),
    )
    picture = draw_graph(spec)
    assert ANY_SOURCE in picture.text()
    assert sorted(picture.lane_rows) == [0, 1]


class _Component:
    def __init__(self, name, interface):
        self.name, self.interface = name, interface


class _Connection:
    def __init__(self, index, kind, pattern, sources, target, target_is_component=True):
        self.index, self.kind, self.pattern = index, kind, pattern
        self.sources, self.target, self.target_is_component = sources, target, target_is_component


class _Description:
    def __init__(self, components, connections):
        self.components, self.connections = components, connections


def test_spec_from_description_maps_any_outside_and_callable_targets():
    description = _Description(
        [_Component("a", "A")],
        [
            _Connection(0, "connect", "*", None, "a"),
            _Connection(1, "pipe", "X.y", (), "a"),
            _Connection(2, "agent", "A.z", ("a",), "log", target_is_component=False),
        ],
    )
    spec = spec_from_description(description)
    assert [(e.source, e.target) for e in spec.edges] == [
        ("(any)", "a"), ("(outside)", "a"), ("a", "log()"),
    ]


def _described(source: str):
    """An architecture of two ``S`` sources and a worker fed by ``S.job from source``."""
    from pyrapide import Pattern, action, architecture, interface, pipe

    @interface
    class S:
        @action
        async def job(self, n: int) -> None:
            """A job."""

    @interface
    class W:
        @action
        async def done(self) -> None:
            """Done."""

    @architecture
    class Pair:
        a = S
        b = S
        w = W
        connections = [pipe(Pattern.match("S.job", source=source), target="w")]

    return Pair.describe()


def test_a_named_source_draws_only_that_components_edge():
    spec = spec_from_description(_described("b"))
    assert [(e.source, e.target) for e in spec.edges] == [("b", "w")]


def test_a_named_source_that_is_no_component_is_drawn_from_outside():
    from rapide_shell.architecture_view import graph_text

    description = _described("nowhere")
    assert description.connections[0].unknown_sources == ("nowhere",)
    spec = spec_from_description(description)
    assert [(e.source, e.target) for e in spec.edges] == [(OUTSIDE_SOURCE, "w")]
    # rapide graph, too, has no component feed it.
    assert "#0 pipe - ==> w" in graph_text(description)


def test_the_picture_and_rapide_graph_draw_the_same_edges():
    from pathlib import Path

    from rapide_shell.architecture_view import graph_dot
    from rapide_shell.loader import load_architecture

    example = Path(__file__).resolve().parents[3] / "examples" / "connection_kinds.py"
    description = load_architecture(example).description
    drawn = {(e.source, e.target) for e in spec_from_description(description).edges}
    assert drawn == {(f"{kind}_source", f"{kind}_worker") for kind in ("connect", "pipe", "agent")}
    dot = graph_dot(description)
    for source, target in drawn:
        assert f"n_{source} -> n_{target} " in dot


def test_every_view_draws_the_kinds_alike():
    import re
    from pathlib import Path

    from rapide_shell.architecture_view import graph_dot, graph_mermaid, graph_text
    from rapide_shell.loader import load_architecture
    from rapide_shell.tui.graph_picture import KIND_GLYPHS

    example = Path(__file__).resolve().parents[3] / "examples" / "connection_kinds.py"
    description = load_architecture(example).description
    text, dot, mermaid = graph_text(description), graph_dot(description), graph_mermaid(description)
    # connect plain, pipe heavy, agent dotted: in the workbench, rapide graph, DOT, Mermaid.
    drawn = {
        "connect": ("─", "-->", "solid", "-->"),
        "pipe": ("═", "==>", "bold", "==>"),
        "agent": ("┄", "~~>", "dashed", "-.->"),
    }
    for kind, (line, arrow, dot_style, mermaid_arrow) in drawn.items():
        source, target = f"{kind}_source", f"{kind}_worker"
        assert KIND_GLYPHS[kind][0] == line
        assert re.search(rf"{source}\s+{re.escape(arrow)}\s+{target}\s", text)
        assert re.search(rf"n_{source} -> n_{target} \[[^]]*style={dot_style}\]", dot)
        assert f"n_{source} {mermaid_arrow}|" in mermaid


def test_a_label_that_does_not_fit_is_tagged_and_written_in_a_legend():
    wide = GraphSpec(
        components=(("a", "A"), ("b", "B"), ("c", "C")),
        edges=(
            GraphEdge(0, "connect", "A.x", "a", "c"),
            GraphEdge(1, "agent", "B.a_rather_long_event_name", "b", "c"),
        ),
    )
    unbounded = draw_graph(wide, show_interfaces=False)
    bounded = draw_graph(wide, show_interfaces=False, max_width=unbounded.width - 10)
    assert bounded.width <= unbounded.width - 10
    lines = bounded.text().splitlines()
    assert lines[-1] == "[1] agent B.a_rather_long_event_name ✓0"
    assert any(line.endswith("╯ [1]") for line in lines)
    assert any(line.endswith("connect A.x ✓0") for line in lines)
    assert len(lines) - 1 in bounded.lane_rows[1]  # highlighting reaches the legend too


def test_compact_boxes_are_narrower():
    assert draw_graph(SEED, show_interfaces=False, compact=True).width <= draw_graph(
        SEED, show_interfaces=False
    ).width
