"""The version of PyRapide, read by the build and by ``rapide --version``."""

__version__ = "0.4.0"
