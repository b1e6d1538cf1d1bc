"""The widgets of the TUI, one a file: the panels and the command bar."""
