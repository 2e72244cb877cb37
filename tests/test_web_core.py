"""The web core: thin views (no queries, no models), one way to show a UserError, one way
to read a page number."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask import Flask

from dpsupport.errors import UserError
from dpsupport.services.records import MAX_PAGE
from dpsupport.web.forms import BudgetLineForm, page_number, show_error

WEB = Path(__file__).resolve().parents[1] / "dpsupport" / "web"
THIN_VIEWS = ["agreement.py", "plan.py", "transactions.py", "forms.py", "main.py",
              "access.py", "errors.py"]


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("name", THIN_VIEWS)
def test_views_use_services_not_the_database(name: str) -> None:
    source = (WEB / name).read_text()
    imports = _imports(WEB / name)
    bad = {i for i in imports if i.startswith("sqlalchemy") or i.startswith("..models")
           or i.startswith("dpsupport.models")}
    assert not bad, f"web/{name} imports {sorted(bad)}: use a service"
    assert ".commit()" not in source and ".rollback()" not in source, (
        f"web/{name}: services own the unit of work (@transactional)")
    assert "type: ignore[no-untyped-def]" not in source


@pytest.mark.parametrize(("query", "page"), [
    ({}, 1), ({"page": ""}, 1), ({"page": "3"}, 3), ({"page": "0"}, 1), ({"page": "-2"}, 1),
    ({"page": "abc"}, 1), ({"page": "1.5"}, 1), ({"page": "٣"}, 1), ({"page": " 4 "}, 4),
    ({"page": "99999999999999999999"}, MAX_PAGE), ({"page": str(MAX_PAGE + 1)}, MAX_PAGE),
])
def test_page_number_is_always_a_page_there_can_be(query: dict[str, str], page: int) -> None:
    assert page_number(query) == page


def test_show_error_puts_the_message_on_the_field_or_the_form() -> None:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    with app.test_request_context():
        form = BudgetLineForm(formdata=None)
        show_error(form, UserError("Enter a shorter description", field="label"))
        assert form.label.errors == ["Enter a shorter description"]
        show_error(form, UserError("Move the payments first", next_step="Then try again."))
        assert form.form_errors == ["Move the payments first Then try again."]
        show_error(form, UserError("Something about a field it does not have", field="nope"))
        assert form.form_errors[-1] == "Something about a field it does not have"
        assert set(form.errors) == {"label", ""}  # "" is the form as a whole
