"""The layers (docs/architecture.md), read from the source's imports with ast.

- Views in dpsupport/web are thin: they call services and never import ``sqlalchemy`` or
  ``dpsupport.models``.
- dpsupport/statements, dpsupport/budget, dpsupport/flags, dpsupport/payroll, dpsupport/reconcile,
  dpsupport/exports and payroll_rules are pure: no Flask, no
  SQLAlchemy, and nothing from the app's database, service or web layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Views that still import what they must not, when this test was written. Each moves its
# queries into a service; then its name comes off this list (strict: a module that is
# already clean fails here until it is removed).
NOT_YET_THIN: set[str] = set()
# The request's database session has to come from somewhere: this module hands it out,
# and names its type. Nothing else here is allowed.
WEB_ALLOWED = {"dpsupport.web.database": {"sqlalchemy.orm.Session"}}
WEB_FORBIDDEN = ("sqlalchemy", "dpsupport.models")
PURE_FORBIDDEN = ("flask", "flask_wtf", "wtforms", "sqlalchemy", "alembic", "dpsupport.models",
                  "dpsupport.services", "dpsupport.web", "dpsupport.db")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py")
                  if "__pycache__" not in p.parts)


def imports(source: str, module: str, *, is_package: bool = False) -> dict[str, int]:
    """Everything the module imports, as ``module.name`` for ``from module import name``,
    from anywhere in it (also inside functions and TYPE_CHECKING blocks), with the line."""
    package = module if is_package else module.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.setdefault(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                origin = ".".join(parts + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                found.setdefault(f"{origin}.{alias.name}", node.lineno)
    return found


def _offending(path: Path, forbidden: tuple[str, ...], allowed: set[str]) -> list[str]:
    found = imports(path.read_text(), _module_name(path), is_package=path.name == "__init__.py")
    return sorted(f"{path.relative_to(ROOT)}:{line} imports {name}"
                  for name, line in found.items()
                  if name not in allowed
                  and any(name == f or name.startswith(f + ".") for f in forbidden))


def test_the_import_reader_sees_relative_and_late_imports() -> None:
    source = ("from .. import models\nfrom ..models.people import ROLES\nfrom . import forms\n"
              "import flask\ndef f():\n    import sqlalchemy.orm\n")
    found = imports(source, "dpsupport.web.sample")
    assert found == {"dpsupport.models": 1, "dpsupport.models.people.ROLES": 2,
                     "dpsupport.web.forms": 3, "flask": 4, "sqlalchemy.orm": 6}
    assert imports("from .models import Base\n", "dpsupport", is_package=True) == {
        "dpsupport.models.Base": 1}


WEB_MODULES = _modules("dpsupport/web")


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason="not thin yet: see NOT_YET_THIN"))
    if _module_name(p) in NOT_YET_THIN else p
    for p in WEB_MODULES
], ids=[_module_name(p) for p in WEB_MODULES])
def test_a_view_module_uses_services_not_the_database(path: Path) -> None:
    allowed = WEB_ALLOWED.get(_module_name(path), set())
    offending = _offending(path, WEB_FORBIDDEN, allowed)
    assert not offending, "move these into a service:\n" + "\n".join(offending)


def test_the_not_yet_thin_list_names_real_modules() -> None:
    assert NOT_YET_THIN <= {_module_name(p) for p in WEB_MODULES}


def test_the_pure_packages_import_no_framework_or_database() -> None:
    offending = [o for p in _modules("dpsupport/statements", "dpsupport/budget", "dpsupport/flags",
                                     "dpsupport/payroll", "dpsupport/reconcile",
                                     "dpsupport/exports", "payroll_rules")
                 for o in _offending(p, PURE_FORBIDDEN, set())]
    assert not offending, "\n".join(offending)


UNIT_OF_WORK_CALLS = (".commit()", ".rollback()")


@pytest.mark.parametrize("path", [
    *WEB_MODULES, ROOT / "dpsupport" / "cli.py", ROOT / "dpsupport" / "cli_import.py",
], ids=lambda p: _module_name(p))
def test_views_and_commands_leave_the_unit_of_work_to_services(path: Path) -> None:
    """Services own the unit of work (@transactional, services/uow.py); web/database.py
    only closes the request's session (rolling back anything a view left half done)."""
    if path.name == "database.py":
        return
    source = path.read_text()
    calls = [c for c in UNIT_OF_WORK_CALLS if c in source]
    assert not calls, f"{path.relative_to(ROOT)} calls {calls}: use a @transactional service"


@pytest.mark.parametrize("path", WEB_MODULES, ids=[_module_name(p) for p in WEB_MODULES])
def test_every_view_is_typed(path: Path) -> None:
    source = path.read_text()
    assert "no-untyped-def" not in source
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            assert node.returns is not None, f"{path.name}: {node.name} has no return type"
