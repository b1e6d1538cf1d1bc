"""The Rapide workbench: the ``rapide`` command, its REPL, scripts and TUI."""
