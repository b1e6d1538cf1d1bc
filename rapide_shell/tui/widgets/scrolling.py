"""Growing a Line API widget's virtual size without a screen-wide layout."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Gives ``view`` a new virtual size, laying the screen out again only if needed.

    Assigning ``virtual_size`` asks for a layout of the whole screen, which costs tens
    of milliseconds on a busy screen. When the width stays and the vertical scrollbar
    neither appears nor goes, no other widget moves: only the view's own scrollbar
    needs the news, and the view is repainted. (Textual's ``_scroll_update`` is the
    method its own layout calls for exactly that.) Otherwise the normal assignment
    runs, and once that layout shows the scrollbar the view can scroll.
    """
    old = view.virtual_size
    if size == old:
        return
    needs_scrollbar = size.height > view.scrollable_content_region.height
    if size.width == old.width and needs_scrollbar == view.show_vertical_scrollbar:
        view.set_reactive(ScrollView.virtual_size, size)
        view._scroll_update(size)
        view.refresh()
    else:
        view.virtual_size = size
