"""The engine's imports: it knows no read model, its modules import one another without a
cycle, and the live hub takes its connections from ``service.database``, not from the engine."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "service" / "projections"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (imports inside functions count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _engine_modules() -> dict[str, Path]:
    return {f"service.projections.{p.stem}": p for p in ENGINE.glob("*.py") if p.stem != "__init__"}


def test_the_engine_imports_no_read_model():
    for name, path in _engine_modules().items():
        assert not any(i.startswith("service.read_models") for i in _imports(path)), name


def test_the_engine_modules_import_one_another_without_a_cycle():
    modules = _engine_modules()
    graph = {name: {i for i in _imports(path) if i in modules} - {name} for name, path in modules.items()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, " -> ".join((*trail, name))
        if name in done:
            return
        for other in graph[name]:
            visit(other, (*trail, name))
        done.add(name)

    for name in graph:
        visit(name, ())


def test_the_live_hub_does_not_borrow_the_engine_s_connections():
    imported = _imports(ROOT / "service" / "live" / "hub.py")
    assert not any(i.startswith("service.projections") for i in imported)
