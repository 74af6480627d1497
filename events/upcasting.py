"""Upcasting: stored data of an older schema version, brought to the current shape step by step.

An upcaster takes the data of ``(type, version)`` as a dict and returns the data of
``version + 1``; ``upcast`` applies them until the type's current version (``Event.VERSION``).
Every read of a stored event goes through ``events.current_data`` / ``events.decode_stored``,
so handlers, checks and the API see the current shape only. No upcaster is registered today:
every type is at version 1, and fields added since (``meeting.held``'s ``place``) have defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events.base import InvalidEvent

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

UPCASTERS: dict[tuple[str, int], Upcaster] = {}
"""``(type, version)`` -> the function that turns data of that version into the next one."""


def upcaster(type_name: str, version: int) -> Callable[[Upcaster], Upcaster]:
    """Register the decorated function as the step from ``version`` of ``type_name``."""

    def register(function: Upcaster) -> Upcaster:
        if (type_name, version) in UPCASTERS:
            raise ValueError(f"an upcaster from {type_name} version {version} is registered already")
        UPCASTERS[(type_name, version)] = function
        return function

    return register


def upcast(type_name: str, version: int, current: int, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` stored at ``version``, as it would be at ``current``.

    Raises InvalidEvent when a step is missing, fails, or the version is newer than the code.
    """
    if version > current:
        raise InvalidEvent(f"{type_name} schema version {version} is newer than this code ({current})")
    while version < current:
        step = UPCASTERS.get((type_name, version))
        if step is None:
            raise InvalidEvent(f"no upcaster from {type_name} schema version {version}")
        try:
            data = step(dict(data))
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidEvent(f"upcasting {type_name} from version {version}: {error!r}") from error
        version += 1
    return data
