"""The graph model and picture: layers, orders, rows of boxes, routes, glyphs per kind,
labels and counts."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from rapide_shell.tui.graph_model import (
    ANY_SOURCE,
    OUTSIDE_SOURCE,
    GraphEdge,
    GraphSpec,
    architecture_to_toggle,
    assign_layers,
    count_crossings,
    order_layers,
    spec_from_description,
    wrap_rows,
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


def test_layers_follow_the_edges_and_a_cycle_is_broken_where_declaration_order_enters_it():
    seed_order = ["api", "db", "cache", "notifications"]
    assert assign_layers(seed_order, SEED.edges) == {
        "api": 0, "db": 1, "cache": 1, "notifications": 2,
    }
    # Declared the other way round, the db -> api pipe is the edge kept and api -> db the
    # one that closes the cycle.
    reverse = ["notifications", "cache", "db", "api"]
    assert assign_layers(reverse, SEED.edges) == {
        "db": 0, "notifications": 1, "api": 1, "cache": 2,
    }


def test_a_layer_is_one_below_the_longest_path_into_it():
    names = ["a", "b", "c", "d"]
    edges = [_edge(0, "a", "b"), _edge(1, "b", "c"), _edge(2, "a", "c"), _edge(3, "d", "d")]
    assert assign_layers(names, edges) == {"a": 0, "b": 1, "c": 2, "d": 0}


def _edge(index, source, target, kind="connect"):
    return GraphEdge(index, kind, "X.e", source, target)


def test_the_ordering_pass_removes_the_crossings_of_declaration_order():
    # a feeds y, b feeds x: declared as x, y the two edges cross.
    names = ["a", "b", "x", "y"]
    edges = [_edge(0, "a", "y"), _edge(1, "b", "x")]
    layers = assign_layers(names, edges)
    assert count_crossings([["a", "b"], ["x", "y"]], edges) == 1
    ordered = order_layers(names, edges, layers)
    assert count_crossings(ordered, edges) == 0
    assert sorted(map(sorted, ordered)) == [["a", "b"], ["x", "y"]]


def test_rows_hold_whole_layers_while_they_fit_and_split_a_layer_too_wide_alone():
    layers = [["a"], ["b", "c"], ["d", "e", "f"]]
    width = dict.fromkeys("abcdef", 10).__getitem__
    assert wrap_rows(layers, width, 2, None) == [list("abcdef")]
    assert wrap_rows(layers, width, 2, 34) == [["a", "b", "c"], ["d", "e", "f"]]
    assert wrap_rows(layers, width, 2, 22) == [["a"], ["b", "c"], ["d", "e"], ["f"]]


def test_the_seed_fits_one_row_in_layer_order_when_there_is_room():
    picture = draw_graph(SEED, show_interfaces=False)
    assert picture.layout == [["api", "db", "cache", "notifications"]]
    names_in_row = "".join(ch for ch, _ in picture.rows[1]).split()
    assert [n for n in names_in_row if n != "│"] == ["api", "db", "cache", "notifications"]


def test_with_little_room_the_layers_go_down_in_rows_and_edges_into_box_tops():
    picture = draw_graph(SEED, show_interfaces=False, max_width=30)
    assert picture.width <= 30
    # No label fits beside its track: each is tagged, and cut short in the legend.
    assert picture.text().splitlines()[-1] == "[3] agent DatabaseService.err…"
    assert picture.layout == [["api"], ["db", "cache"], ["notifications"]]
    tops = {name: box[1] for name, box in picture.boxes.items()}
    assert tops["api"] < tops["db"] == tops["cache"] < tops["notifications"]
    # api -> db goes down into db's top; the db -> api pipe comes back up the gutter
    # into api's bottom.
    into_db = picture.routes[0][-1]
    assert into_db[1] == tops["db"] and picture.rows[into_db[1] - 1][into_db[0]][0] == "▼"
    back = picture.routes[2]
    assert min(x for x, _ in back) < picture.boxes["api"][0]  # by the gutter
    assert picture.rows[back[-1][1] + 1][back[-1][0]][0] == "▲"


def test_every_component_gets_a_box_and_every_connection_a_labelled_track():
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


def test_names_in_wide_characters_keep_every_row_of_the_drawing_a_cell_a_cell():
    # A wide character takes two cells of the terminal: placed as one cell of the grid,
    # a box's name pushed its right side out, and a label the lines after it.
    spec = GraphSpec(
        components=(("お客さん", "注文"), ("台所", "Kitchen"), ("cook", "Kitchen")),
        edges=(
            GraphEdge(0, "pipe", '"注文.送信"', "お客さん", "台所"),
            GraphEdge(1, "agent", '"注文.送信"', "お客さん", "cook"),
        ),
    )
    picture = draw_graph(spec, show_interfaces=True)
    for row in picture.rows:
        drawn = "".join(ch for ch, _ in row)
        assert cell_len(drawn) == len(row) == picture.width, drawn
    text = picture.text()
    assert "│ お客さん" in text and "pipe \"注文.送信\"" in text


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


def test_labels_sit_on_their_tracks_row_and_never_cover_a_line():
    picture = draw_graph(SEED)
    for index, rows in picture.lane_rows.items():
        for y in rows:
            row = picture.rows[y]
            label_start = next(
                (x for x, (_, role) in enumerate(row) if role and role[0] == "label"), None
            )
            assert label_start is not None and row[label_start][1][1] == index
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


def test_spec_from_description_maps_any_outside_and_callable_targets():
    from pyrapide.architecture import (
        ArchitectureDescription,
        ComponentDescription,
        ConnectionDescription,
    )

    description = ArchitectureDescription(
        "Arch",
        (ComponentDescription("a", "A", ("A.z",)),),
        (
            ConnectionDescription(0, "connect", "*", None, "a", True),
            ConnectionDescription(1, "pipe", "X.y", (), "a", True),
            ConnectionDescription(2, "agent", "A.z", ("a",), "log", False),
        ),
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
    from rapide_shell.architecture_text import graph_text

    description = _described("nowhere")
    assert description.connections[0].unknown_sources == ("nowhere",)
    spec = spec_from_description(description)
    assert [(e.source, e.target) for e in spec.edges] == [(OUTSIDE_SOURCE, "w")]
    # rapide graph, too, has no component feed it.
    assert "#0 pipe - ==> w" in graph_text(description)


def test_the_picture_and_rapide_graph_draw_the_same_edges():
    from pathlib import Path

    from rapide_shell.architecture_text import graph_dot
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

    from rapide_shell.architecture_text import graph_dot, graph_mermaid, graph_text
    from rapide_shell.loader import load_architecture
    from rapide_shell.render import look

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
        assert look(kind).lines[0] == line
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


NAMES = ["a", "bb", "gateway", "x", "notifications", "w2", "store", "q"]


@st.composite
def small_graphs(draw):
    """A spec of 1-8 components and 0-12 edges of random kinds (self-loops, cycles and
    several edges between the same two components included), and a room to draw in."""
    count = draw(st.integers(1, len(NAMES)))
    names = NAMES[:count]
    ends = st.sampled_from(names)
    edges = tuple(
        GraphEdge(index, kind, f"{source.upper()}.event", source, target)
        for index, (kind, source, target) in enumerate(
            draw(st.lists(st.tuples(st.sampled_from(KINDS), ends, ends), max_size=12))
        )
    )
    spec = GraphSpec(components=tuple((name, name.title()) for name in names), edges=edges)
    return spec, draw(st.sampled_from([None, 40, 60, 90])), draw(st.booleans())


KINDS = ("connect", "pipe", "agent")


@settings(max_examples=150, deadline=None)
@given(small_graphs())
def test_every_component_appears_once_and_every_edge_is_drawn_end_to_end(case):
    spec, max_width, show_interfaces = case
    picture = draw_graph(spec, max_width=max_width, show_interfaces=show_interfaces)
    names = [name for name, _ in spec.components]
    assert sorted(picture.order) == sorted(names)
    assert all(len(row) == picture.width for row in picture.rows)
    for name in names:
        corners = [
            (x, y) for y, row in enumerate(picture.rows) for x, (ch, role) in enumerate(row)
            if ch == "┌" and role == ("box", name)
        ]
        left, top, right, _ = picture.boxes[name]
        assert corners == [(left, top)]
        assert name in "".join(ch for ch, _ in picture.rows[top + 1][left:right])
    for edge, route in zip(spec.edges, picture.routes, strict=True):
        role = ("edge", edge.index, edge.kind)
        (sx, sy), (tx, ty) = route[0], route[-1]
        source, target = picture.boxes[edge.source], picture.boxes[edge.target]
        assert source[0] < sx < source[2] - 1 and sy == source[3] - 1
        assert picture.rows[sy][sx] == ("┬", role)
        assert target[0] < tx < target[2] - 1 and ty in (target[1], target[3] - 1)
        arrow_y, arrow = (ty - 1, "▼") if ty == target[1] else (ty + 1, "▲")
        assert picture.rows[arrow_y][tx] == (arrow, role)
        # Every cell along the line is a line (this edge's, or another's crossing it) or
        # this edge's own label written inside its track: nothing else covers it.
        for (x1, y1), (x2, y2) in itertools.pairwise(route):
            assert x1 == x2 or y1 == y2
            for x in range(min(x1, x2), max(x1, x2) + 1):
                for y in range(min(y1, y2), max(y1, y2) + 1):
                    kind, index, *_ = picture.rows[y][x][1]
                    assert kind == "edge" or (y1 == y2 and index == edge.index)
            assert picture.rows[y2][x2][1] == role  # corners and ends are its own
        assert edge.index in picture.lane_rows
        label_rows = [y for y in picture.lane_rows[edge.index]
                      if any(r and r[0] == "label" for _, r in picture.rows[y])]
        assert label_rows
    widest_box = max(box[2] for box in picture.boxes.values())
    if max_width is not None and widest_box <= max_width:
        # Only a legend tag on a row full of lines may reach past the room given.
        beyond = {role for row in picture.rows for _, role in row[max_width:]} - {None}
        assert all(role[0] == "label" for role in beyond)
        assert picture.width <= max_width or picture.legend_size


def test_a_nested_architecture_is_one_box_until_expanded():
    from tests.pyrapide.runtime.test_examples import load

    description = load("nested_payments").Shop.describe()
    folded = spec_from_description(description)
    assert folded.components == (
        ("front", "Storefront"), ("payments ▸", "PaymentsDept"), ("shipping", "Shipping"),
    )
    assert [(e.index, e.source, e.target) for e in folded.edges] == [
        (0, "front", "payments ▸"), (1, "payments ▸", "shipping"),
    ]
    opened = spec_from_description(description, expanded={"payments"})
    assert opened.components == (
        ("front", "Storefront"),
        ("payments ▾", "PaymentsDept"),
        ("payments.ledger", "Ledger"),
        ("payments.desk", "Payments"),
        ("payments.auditor", "Auditor"),
        ("shipping", "Shipping"),
    )
    # What the shop delivers in starts at the department's own box.
    assert [(e.index, e.source, e.target) for e in opened.edges] == [
        (0, "front", "payments ▾"),
        (1, "payments ▾", "shipping"),
        (2, "payments ▾", "payments.ledger"),
        (3, "payments.ledger", "payments.desk"),
        (4, "payments.ledger", "payments.desk"),
        (5, "payments.ledger", "payments.auditor"),
    ]
    text = draw_graph(opened).text()
    assert "payments.auditor" in text and "agent Ledger.posted" in text


def test_the_architecture_x_opens_or_folds_for_a_selected_component():
    nested = {"a", "a.b", "c"}
    # Folded, the outermost holding it (its box is the one drawn); open, the innermost.
    assert architecture_to_toggle("a.b.worker", nested, set()) == "a"
    assert architecture_to_toggle("a.b.worker", nested, {"a"}) == "a.b"
    assert architecture_to_toggle("a.b.worker", nested, {"a", "a.b"}) == "a.b"
    assert architecture_to_toggle("a.worker", nested, {"a", "a.b"}) == "a"
    assert architecture_to_toggle("c.worker", nested, {"a"}) == "c"
    # Inside none, or nothing selected: nothing, unless one architecture is nested.
    assert architecture_to_toggle("front", nested, set()) is None
    assert architecture_to_toggle("", nested, set()) is None
    assert architecture_to_toggle("front", {"payments"}, set()) == "payments"
    assert architecture_to_toggle("", {"payments"}, {"payments"}) == "payments"
    # A name that only starts like a nested architecture's is not inside it.
    assert architecture_to_toggle("cc.worker", nested, set()) is None
