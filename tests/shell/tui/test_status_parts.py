"""The status line's pieces: the least important left out first, spaced evenly."""

from __future__ import annotations

from rich.text import Text

from rapide_shell.tui.status import SEPARATOR, StatusPart, fit_status

PARTS = [
    StatusPart(Text(" Shop "), 4, joined=False),
    StatusPart(Text("from shop.py"), 8, joined=False),
    StatusPart(Text("seed 0"), 7),
    StatusPart(Text(" paused "), 0, joined=False),
    StatusPart(Text("step 3 of main"), 4),
    StatusPart(Text("2 pending"), 1),
]


def test_pieces_are_left_out_least_important_first_with_the_spacing_kept() -> None:
    whole = fit_status(PARTS, 200).plain
    assert whole == f" Shop  from shop.py seed 0  paused  step 3 of main{SEPARATOR}2 pending"
    # Without the file and the seed, the name and the state stand two spaces apart, as
    # every padded piece does from its neighbour, not three.
    narrow = fit_status(PARTS, len(whole) - len("from shop.py seed 0 ")).plain
    assert narrow == f" Shop  paused  step 3 of main{SEPARATOR}2 pending"
