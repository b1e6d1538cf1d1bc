"""The prompt-toolkit front end of the command language (``rapide repl``)."""

from rapide_shell.repl.app import run_repl

__all__ = ["run_repl"]
