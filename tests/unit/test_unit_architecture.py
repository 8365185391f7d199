"""The shape docs/architecture.md draws holds: imports between packages run one way, the pages do
not import the API, the rules engine imports nothing of the service, and no module grows past
about 500 lines."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LONGEST = 520


def _modules(top: str) -> list[Path]:
    return sorted((ROOT / top).rglob("*.py"))


def _unit(module: str) -> str:
    """The package (or top-level module) of ``assistance`` a dotted module belongs to."""
    parts = module.split(".")
    return parts[1] if parts[0] == "assistance" and len(parts) > 1 else parts[0]


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= (
                {f"{node.module}.{a.name}" for a in node.names}
                if node.module == "assistance"
                else {node.module}
            )
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in _modules("assistance"):
        dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        source = _unit(dotted)
        for target in _imported(path):
            if target.startswith("assistance.") and _unit(target) != source:
                edges[source].add(_unit(target))
    return edges


def test_imports_between_packages_run_one_way() -> None:
    edges = _graph()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        if start == goal:
            return True
        seen.add(start)
        return any(reaches(n, goal, seen) for n in edges[start] if n not in seen)

    cycles = sorted((a, b) for a in list(edges) for b in edges[a] if reaches(b, a, set()))
    assert not cycles


def test_the_pages_and_the_api_do_not_import_each_other() -> None:
    edges = _graph()
    assert "api" not in edges["web"]
    assert "web" not in edges["api"]


def test_the_rules_engine_imports_nothing_of_the_service() -> None:
    for path in _modules("rules"):
        service = {
            m for m in _imported(path) if m.split(".")[0] in ("assistance", "flask", "sqlalchemy", "sqlmodel")
        }
        assert not service, path


def test_no_module_is_much_over_500_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for top in ("assistance", "rules")
        for path in _modules(top)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST
    }
    assert not long
