"""Checks on what assistive technology gets: Chromium's own accessibility tree (over CDP), so
names are computed the way a screen reader receives them."""

from __future__ import annotations

INTERACTIVE = {
    "button", "link", "textbox", "searchbox", "checkbox", "radio", "combobox", "spinbutton",
    "DisclosureTriangle", "menuitem", "tab", "switch", "slider", "listbox",
}


def tree(page) -> list[dict]:
    session = page.context.new_cdp_session(page)
    try:
        return session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()


def _value(node: dict, key: str) -> str:
    return str((node.get(key) or {}).get("value") or "").strip()


def unnamed_controls(page) -> list[str]:
    """Every button, link, input or disclosure that has no accessible name."""
    return [
        f"{_value(node, 'role')} (backend node {node.get('backendDOMNodeId')})"
        for node in tree(page)
        if not node.get("ignored")
        and _value(node, "role") in INTERACTIVE
        and not _value(node, "name")
    ]


def landmarks(page) -> set[str]:
    roles = {"banner", "main", "contentinfo", "navigation", "search", "region"}
    return {_value(node, "role") for node in tree(page) if _value(node, "role") in roles}
