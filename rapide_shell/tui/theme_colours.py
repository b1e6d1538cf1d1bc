"""Colours every theme can read: the theme's own, moved toward its text colour until they
stand out (WCAG AA, 4.5:1) on every background the workbench draws them on.

:func:`workbench_variables` adds ``$rapide-*`` variables to a theme's CSS variables (the
app calls it whenever the theme changes), and :class:`ThemedLines` makes a widget draw
the terminal's named colours that shared text carries (``render.py`` writes ``green``
and ``dim`` for the REPL too) in those theme colours instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.color import WHITE, Color
from textual.strip import Strip

from rapide_shell.render import KIND_LOOKS

READABLE = 4.6
"""The contrast the derived text colours reach (WCAG AA asks 4.5:1; a little margin
for the blending of the compositor)."""

#: The derived text colours: variable suffix -> the theme variable it starts from.
TEXT_COLOURS = {
    "muted": "text-muted",
    "primary": "primary",
    "secondary": "secondary",
    "accent": "accent",
    "warning": "warning",
    "error": "error",
    "success": "success",
}
#: Connection kinds -> the theme colour their look names (``$primary``...), from which
#: their readable colour is derived.
KIND_COLOURS = {str(kind): look.theme_colour.lstrip("$") for kind, look in KIND_LOOKS.items()}
#: Tinted backgrounds (variable suffix -> theme colour, and how much of it over $surface).
TINTS = {"past": ("primary", 0.22), "future": ("success", 0.22), "marked": ("warning", 0.3)}
#: The terminal's named colours (ANSI numbers, normal and bright) -> the derived colour.
ANSI_NAMES = {1: "error", 2: "success", 3: "warning", 4: "primary", 5: "accent", 6: "secondary"}


def luminance(color: Color) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(one: Color, other: Color) -> float:
    """The WCAG contrast ratio of two opaque colours (1 to 21)."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def resolve(value: str, under: Color, terminal: Color) -> Color:
    """The opaque colour a CSS variable's ``value`` gives over ``under``: ``#hex``,
    ``ansi_*`` names, ``auto`` (black or white, whichever stands out), ``transparent``,
    each with an optional ``N%`` of opacity. ``terminal`` stands for ``ansi_default``."""
    name, _, percent = value.strip().partition(" ")
    alpha = float(percent.rstrip("%")) / 100 if percent else 1.0
    if name == "transparent":
        return under
    if name == "auto":
        colour = under.get_contrast_text(alpha)
    elif name == "ansi_default":
        colour = terminal.with_alpha(alpha)
    else:
        colour = Color.parse(name)
        colour = colour.with_alpha(colour.a * alpha)
        if colour.ansi is not None:  # an ANSI colour: its usual value, to compute with
            colour = Color(colour.r, colour.g, colour.b, colour.a)
    return under + colour


def readable(colour: Color, backgrounds: Iterable[Color], toward: Color) -> Color:
    """``colour``, blended toward ``toward`` (the theme's text colour) just enough to
    reach READABLE on each of ``backgrounds``; ``toward`` itself if that is needed."""
    grounds = list(backgrounds)
    for step in range(21):
        candidate = colour.blend(toward, step / 20)
        if all(contrast(candidate, ground) >= READABLE for ground in grounds):
            return candidate
    best_text = max((WHITE, Color(0, 0, 0)), key=lambda c: min(contrast(c, g) for g in grounds))
    return best_text


def text_on(background: Color, preferred: Color) -> Color:
    """``preferred`` if it stands out on ``background``, else black or white."""
    if contrast(preferred, background) >= READABLE:
        return preferred
    return max((WHITE, Color(0, 0, 0)), key=lambda c: contrast(c, background))


def workbench_variables(variables: Mapping[str, str]) -> dict[str, str]:
    """The ``rapide-*`` variables for a theme whose generated CSS ``variables`` are given:
    text colours readable on the panels, the status line, headers and tinted rows;
    border colours; kind colours; a cursor pair; scrollbars; the footer's keys."""
    dark = Color(0, 0, 0)
    ansi = variables.get("background", "").startswith("ansi")
    terminal_text = resolve(variables.get("ansi-foreground", "ansi_white"), dark, WHITE)
    terminal_ground = resolve(variables.get("ansi-background", "ansi_black"), dark, dark)
    background = resolve(variables["background"], terminal_ground, terminal_ground)
    surface = resolve(variables["surface"], background, terminal_ground)
    panel = resolve(variables["panel"], background, terminal_ground)
    foreground = resolve(variables["foreground"], surface, terminal_text)
    if ansi:
        foreground = terminal_text
    boost = resolve(variables.get("boost", "transparent"), surface, terminal_ground)
    out: dict[str, str] = {}
    tints = {}
    for name, (base, share) in TINTS.items():
        tint = surface.blend(resolve(variables[base], surface, terminal_text), share)
        tints[name] = tint
        out[f"rapide-{name}"] = tint.hex
    # A focused list tints its background with 5% of the text colour.
    focused = surface.blend(foreground, 0.05)
    grounds = [background, surface, panel, boost, focused, *tints.values()]
    for name, variable in TEXT_COLOURS.items():
        colour = resolve(variables[variable], surface, terminal_text)
        out[f"rapide-{name}"] = readable(colour, grounds, foreground).hex
    out["rapide-text"] = readable(foreground, grounds, foreground).hex
    for kind, variable in KIND_COLOURS.items():
        colour = resolve(variables[variable], surface, terminal_text)
        out[f"rapide-{kind}"] = readable(colour, grounds, foreground).hex
    out["rapide-border"] = out["rapide-muted"]
    cursor = resolve(variables["block-cursor-background"], surface, terminal_text)
    out["rapide-cursor-background"] = cursor.hex
    wanted = resolve(variables["block-cursor-foreground"], cursor, terminal_text)
    out["rapide-cursor-text"] = text_on(cursor, wanted).hex
    blurred = surface.blend(cursor, 0.25)
    out["rapide-cursor-blurred"] = blurred.hex
    # The selected component's box: the focus colour on the blurred cursor's ground.
    out["rapide-focus"] = readable(
        resolve(variables["accent"], surface, terminal_text), [*grounds, blurred], foreground
    ).hex
    out["rapide-cursor-blurred-text"] = text_on(blurred, foreground).hex
    out["rapide-on-primary"] = text_on(
        resolve(variables["primary"], surface, terminal_text), foreground
    ).hex
    out["rapide-scrollbar"] = readable(
        resolve(variables.get("scrollbar", "transparent"), surface, terminal_text),
        [surface, background], foreground,
    ).hex
    out["rapide-scrollbar-background"] = surface.hex
    footer = resolve(variables.get("footer-background", "transparent"), background,
                     terminal_ground)
    key_ground = resolve(variables.get("footer-key-background", "transparent"), footer,
                         terminal_ground)
    for part in ("footer-key-foreground", "footer-description-foreground"):
        colour = resolve(variables.get(part, "auto 87%"), key_ground, terminal_text)
        out[part] = readable(colour, [footer, key_ground], foreground).hex
    return out


class ThemeTranslation:
    """Draws the terminal's named colours and ``dim`` in the theme's readable colours."""

    def __init__(self, variables: Mapping[str, str]) -> None:
        self._colours = {
            number: RichColor.parse(variables[f"rapide-{name}"])
            for number, name in ANSI_NAMES.items()
        }
        self._muted = RichColor.parse(variables["rapide-muted"])
        self._style = lru_cache(maxsize=512)(self._translate)

    def _translate(self, style: Style) -> Style:
        colour = style.color
        changes: dict[str, Any] = {}
        if colour is not None and colour.number is not None and not colour.is_default:
            number = colour.number % 8 if colour.number < 16 else None
            if number in self._colours:
                changes["color"] = self._readable_on(style.bgcolor, self._colours[number])
            elif number in (0, 7):
                changes["color"] = None  # black or white text: the theme's own text
        if style.bgcolor is not None and style.bgcolor.number is not None and (
            style.bgcolor.number < 16
        ):
            changes["bgcolor"] = None
        if style.dim:
            # Muted, or on a background the muted colour does not read on (a cursor's),
            # black or white, whichever reads.
            changes["color"], changes["dim"] = self._readable_on(style.bgcolor, self._muted), False
        if not changes:
            return style
        return Style(**{**_fields(style), **changes})

    @staticmethod
    def _readable_on(ground: RichColor | None, colour: RichColor) -> RichColor:
        """``colour``, or black or white where it is drawn on a ground it does not read
        on (a list's cursor: the theme's colours are made readable on its panels)."""
        if ground is None or ground.triplet is None:
            return colour
        readable_text = text_on(Color(*ground.triplet), Color(*colour.get_truecolor()))
        return RichColor.from_rgb(*readable_text.rgb)

    def strip(self, strip: Strip) -> Strip:
        """``strip`` with its styles translated."""
        style = self._style
        return Strip(
            [Segment(text, style(seg_style) if seg_style else seg_style, control)
             for text, seg_style, control in strip],
            strip.cell_length,
        )


class ThemedLines:
    """Mixed into a widget that draws lines (``render_line``): its lines come out with the
    terminal's named colours drawn in the theme's (see :class:`ThemeTranslation`). The
    app provides ``theme_translation`` for the theme in use."""

    def render_line(self, y: int) -> Strip:
        """The widget's line, its colours translated."""
        strip: Strip = super().render_line(y)  # type: ignore[misc]
        translation = getattr(self.app, "theme_translation", None)  # type: ignore[attr-defined]
        return strip if translation is None else translation.strip(strip)


def _fields(style: Style) -> dict[str, Any]:
    return {
        "color": style.color, "bgcolor": style.bgcolor, "bold": style.bold,
        "dim": style.dim, "italic": style.italic, "underline": style.underline,
        "reverse": style.reverse, "strike": style.strike, "meta": style.meta or None,
    }
