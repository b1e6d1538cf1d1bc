"""Tests of pyrapide.constraints."""
