"""The WCAG contrast of what a Textual screen draws: every text segment against its background."""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color as RichColor
from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.geometry import Region

from rapide_shell.tui.theme_colours import contrast

WCAG_AA = 4.5
"""The least contrast ratio WCAG AA asks of body text."""
#: How much Textual's "dim" keeps of the text colour, over the background.
DIM_FACTOR = 0.66


@dataclass(frozen=True)
class Segment:
    """A piece of text drawn at row ``y``, with its colours and their ratio."""

    y: int
    text: str
    foreground: Color
    background: Color
    ratio: float


def _variable(value: str, terminal: Color) -> Color:
    """A theme variable's colour; ``terminal`` for the terminal's own (ANSI themes)."""
    try:
        return Color.parse(value)
    except Exception:
        return terminal


def _textual(color: RichColor | None, default: Color) -> Color:
    if color is None or color.is_default:
        return default
    red, green, blue = color.get_truecolor()
    return Color(red, green, blue)


def drawn_segments(app: App[object], region: Region | None = None) -> list[Segment]:
    """Every segment of visible text on ``app``'s screen (box-drawing characters
    included: a line is text too), with its contrast; only those that start in
    ``region`` when one is given (a dialog, over the screen it dims)."""
    variables = app.theme_variables
    # An ANSI theme draws in the terminal's own colours, which it names.
    default_fg = _variable(variables.get("ansi-foreground", variables["foreground"]),
                           Color(255, 255, 255))
    default_bg = _variable(variables.get("ansi-background", variables["background"]),
                           Color(0, 0, 0))
    found: list[Segment] = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            text, style = segment.text, segment.style or Style()
            start, x = x, x + segment.cell_length
            if not text.strip() or segment.control:
                continue
            if region is not None and not region.contains(start, y):
                continue
            foreground = _textual(style.color, default_fg)
            background = _textual(style.bgcolor, default_bg)
            if style.reverse:
                foreground, background = background, foreground
            if style.dim:
                foreground = background.blend(foreground, DIM_FACTOR)
            found.append(Segment(y, text, foreground, background,
                                 contrast(foreground, background)))
    return found


def disabled_text(app: App[object], background: Color) -> Color:
    """The colour the theme gives disabled text on ``background``."""
    color, _, percent = app.theme_variables["text-disabled"].partition(" ")
    alpha = float(percent.rstrip("%")) / 100 if percent else 1.0
    if color == "auto":  # black or white, whichever stands out, as Textual picks it
        return background + background.get_contrast_text(alpha)
    if color == "ansi_default":  # the terminal's own text colour
        color = app.theme_variables.get("ansi-foreground", app.theme_variables["foreground"])
    return background + _variable(color, Color(255, 255, 255)).with_alpha(alpha)


def contrast_failures(
    app: App[object],
    segments: list[Segment] | None = None,
    minimum: float = WCAG_AA,
    region: Region | None = None,
) -> list[str]:
    """The ``segments`` (by default, those drawn now, in ``region`` if given) below
    ``minimum``, apart from the theme's disabled text, each as ``row N: 'text' ratio
    (#fg on #bg)``."""
    failures = []
    for segment in drawn_segments(app, region) if segments is None else segments:
        if segment.ratio >= minimum:
            continue
        if _close(segment.foreground, disabled_text(app, segment.background)):
            continue
        failures.append(
            f"row {segment.y}: {segment.text.strip()[:40]!r} {segment.ratio:.2f} "
            f"({segment.foreground.hex} on {segment.background.hex})"
        )
    return failures


def _close(a: Color, b: Color, tolerance: int = 3) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.rgb, b.rgb, strict=True))
