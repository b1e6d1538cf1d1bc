"""The Textual front end of the workbench (``rapide shell``)."""
