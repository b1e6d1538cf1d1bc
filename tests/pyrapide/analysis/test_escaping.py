"""DOT and Mermaid output parses, and shows the original text, whatever events are called."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyrapide import Computation, Event, Pattern, placeholder
from pyrapide.analysis.visualization import summary, to_ascii, to_dot, to_json, to_mermaid

HOSTILE = [
    'say "hi"',
    "back\\slash\\",
    "ends with backslash\\",
    "new\nline",
    "crlf\r\nline",
    "[brackets] {braces} (parens) <angle> |pipe|",
    "-> --> ; , = // /* */ # %% end",
    '#quot; &amp; `tick` \\n \\"',
    "subgraph } digraph {",
    "tab\there \x00 \x07 \x1b[31m \x7f \x9b2J \x1b]0;title\x07 \x1bPdcs\x1b\\",
    "\u00e9\u4e2d\U0001f600",
    "",
]


def hostile_computation(texts: list[str]) -> tuple[Computation, list[Event]]:
    comp = Computation()
    events: list[Event] = []
    for number, text in enumerate(texts):
        event = Event(
            name=text or "x",
            payload={text: text},
            source=text,
            id=f"{text}#{number}",
        )
        comp.record(event, caused_by=events[-2:])
        events.append(event)
    return comp, events


# -- a strict reader for the DOT language (lexing rules of the Graphviz grammar) -------

DOT_TOKEN = re.compile(
    r'\s+|//[^\n]*|/\*.*?\*/|"(?:[^"\\]|\\.|\\\n)*"|->|[{}\[\];,=]|[A-Za-z_][A-Za-z_0-9]*'
    r"|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)",
    re.DOTALL,
)


def dot_tokens(text: str) -> list[str]:
    tokens, position = [], 0
    while position < len(text):
        match = DOT_TOKEN.match(text, position)
        assert match, f"DOT does not lex at {text[position : position + 30]!r}"
        token = match.group()
        if not token.isspace() and not token.startswith(("//", "/*")):
            tokens.append(token)
        position = match.end()
    return tokens


def dot_decode(token: str) -> str:
    """What Graphviz shows for a quoted label (its \\n line breaks as newlines)."""
    assert token.startswith('"') and token.endswith('"')
    body = token[1:-1].replace("\\\n", "")
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), body)


def parse_dot(text: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str]]]:
    """Parse the DOT subset the views write; return node attributes and edges."""
    tokens = dot_tokens(text)
    nodes: dict[str, dict[str, str]] = {}
    edges: list[tuple[str, str]] = []
    assert tokens[:3] == ["digraph", "computation", "{"] and tokens[-1] == "}"
    position = 3

    def attributes() -> dict[str, str]:
        nonlocal position
        found = {}
        assert tokens[position] == "["
        position += 1
        while tokens[position] != "]":
            key, equals, value = tokens[position : position + 3]
            assert equals == "=" and re.fullmatch(r"\w+", key)
            found[key] = dot_decode(value) if value.startswith('"') else value
            position += 3
            if tokens[position] == ",":
                position += 1
        position += 1
        return found

    depth = 1
    while depth:
        token = tokens[position]
        if token == "}":
            depth -= 1
            position += 1
        elif token == "subgraph":
            assert re.fullmatch(r"cluster_\d+", tokens[position + 1])
            assert tokens[position + 2] == "{"
            depth += 1
            position += 3
        elif tokens[position + 1] == "=":
            position += 3
        elif token in ("node", "edge", "graph"):
            position += 1
            attributes()
        elif tokens[position + 1] == "->":
            edges.append((token, tokens[position + 2]))
            position += 3
        else:
            position += 1
            nodes[token] = attributes()
        if depth and tokens[position] == ";":
            position += 1
    assert position == len(tokens), "text after the closing brace"
    return nodes, edges


def graphviz_shows(text: str) -> str:
    """A label as the views promise Graphviz shows it: line breaks kept, controls spelled."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return re.sub(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


def test_dot_output_parses_and_shows_hostile_text_as_it_is():
    comp, events = hostile_computation(HOSTILE)
    nodes, edges = parse_dot(to_dot(comp, highlight=set(events[:3])))
    for number, event in enumerate(events):
        parts = [event.name, event.source, event.id]
        assert nodes[f"n{number}"]["label"] == graphviz_shows("\n".join(p for p in parts if p))
        tooltip = nodes[f"n{number}"]["tooltip"]  # the payload, value written as JSON
        assert tooltip.endswith("=" + json.dumps(event.source, separators=(",", ":")))
    assert [nodes[f"n{i}"].get("fillcolor") for i in range(4)] == ["red"] * 3 + [None]
    assert len(edges) == sum(min(i, 2) for i in range(len(events)))


def test_dot_output_is_accepted_by_graphviz_when_installed(tmp_path):
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("Graphviz is not installed")
    comp, events = hostile_computation(HOSTILE)
    for text in (to_dot(comp, highlight={events[0]}), to_dot(comp, max_events=3)):
        done = subprocess.run([dot, "-Tsvg"], input=text.encode(), capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
        assert b"Warning" not in done.stderr and b"Error" not in done.stderr


# -- Mermaid: every line is one of the statement forms written, labels well formed -----

MERMAID_LINE = re.compile(
    r'  n\d+\["(?P<label>[^"]*)"\]|  n\d+ --> n\d+|  %% [^\n]*|  truncated>"[^"]*"\]'
    r"|  classDef highlight fill:#f66,color:#fff|  class n\d+(,n\d+)* highlight"
)
ENTITY = {"#35;": "#", "#quot;": '"', "#amp;": "&", "#lt;": "<", "#gt;": ">", "#96;": "`"}


def mermaid_labels(text: str) -> list[str]:
    lines = text.split("\n")
    assert lines[0] == "graph TD"
    labels = []
    for line in lines[1:]:
        match = MERMAID_LINE.fullmatch(line)
        assert match, f"not a statement the views write: {line!r}"
        label = match.group("label")
        if label is not None:
            # Every '#' opens an entity, and no markup is left but the line breaks.
            assert all(re.match(r"#\w+;", label[i:]) for i, ch in enumerate(label) if ch == "#")
            assert not re.search(r"[<>`]", label.replace("<br/>", ""))
            decoded = re.sub(r"#\w+;", lambda m: ENTITY[m.group()], label.replace("<br/>", "\n"))
            labels.append(decoded)
    return labels


def test_mermaid_output_keeps_to_its_statements_and_shows_hostile_text():
    comp, events = hostile_computation(HOSTILE)
    labels = mermaid_labels(to_mermaid(comp, highlight=set(events)))
    for event, label in zip(events, labels, strict=True):
        name = re.sub(
            r"[\x00-\x08\x0b-\x1f\x7f-\x9f]",
            lambda m: f"\\u{ord(m.group()):04x}",
            event.name.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "),
        )
        assert label.startswith(name)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=6))
def test_any_text_gives_parseable_dot_and_mermaid(texts):
    comp, events = hostile_computation(texts)
    nodes, _ = parse_dot(to_dot(comp, highlight={events[0]}))
    assert len(nodes) == len(events)
    assert len(mermaid_labels(to_mermaid(comp, highlight={events[-1]}))) == len(events)


def _acts_on_a_terminal(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("Cc", "Cf", "Cs", "Zl", "Zp") and char not in "\n\u200c\u200d"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=6))
def test_no_view_carries_a_control_or_invisible_character(texts):
    comp, _ = hostile_computation(texts)
    for view in (to_dot(comp), to_mermaid(comp), to_ascii(comp), summary(comp)):
        assert not any(_acts_on_a_terminal(char) for char in view if ord(char) < 0xE0000)


def test_an_integer_too_long_to_write_is_shown_in_words_by_every_view():
    # An event built by hand may hold any Python value; Python refuses to write an int
    # of more than 4300 digits as text, and every view, the event's own repr and a
    # pattern over such a value failed with that ValueError instead of showing it.
    too_long = 10**5000
    event = Event("Big.number", {"n": too_long, "inside": [1, {"m": -too_long}]})
    comp = Computation()
    comp.record(event)
    words = "<int of more than 4300 digits>"
    assert f"'n': {words}" in repr(event)
    assert f"[1, {{'m': {words}}}]" in repr(event)
    for view in (to_ascii, to_dot):
        assert words in view(comp)
    assert to_json(comp)["events"][0]["payload"]["n"] == words
    json.dumps(to_json(comp))
    assert to_mermaid(comp) and summary(comp)
    assert str(Pattern.match("Big.number", n=too_long)) == f"Big.number(n=<python value {words}>)"
    (found,) = Pattern.match("Big.number", n=placeholder("n")).match_in(comp)
    assert f"bindings={{'n': {words}}}" in repr(found)
