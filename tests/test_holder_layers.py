"""The money pages' views are thin: no database queries or models in web/holder.py."""

from __future__ import annotations

import ast
from pathlib import Path

import dpsupport.web.holder as holder_views


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
    return found


def test_holder_views_do_not_import_sqlalchemy_or_models() -> None:
    modules = _imported_modules(Path(holder_views.__file__))
    assert not any(m.split(".")[0] == "sqlalchemy" for m in modules), modules
    assert not any(m.lstrip(".").startswith("models") or m.startswith("dpsupport.models")
                   for m in modules), modules


def test_holder_views_are_typed() -> None:
    source = Path(holder_views.__file__).read_text(encoding="utf-8")
    assert "no-untyped-def" not in source
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            assert node.returns is not None, node.name
