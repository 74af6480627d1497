"""Quoting names into SQL text (DDL cannot take them as parameters)."""

from __future__ import annotations


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def build_schema(projection_name: str) -> str:
    """The schema a blue/green rebuild of this projection writes into, quoted."""
    return quote(f"projection_build_{projection_name}")
