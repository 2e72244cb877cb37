"""The web core: one way to show a UserError, one way to read a page number (thin views
are checked in whole_app/test_layers.py)."""

from __future__ import annotations

import pytest
from flask import Flask

from dpsupport.errors import UserError
from dpsupport.services.records import MAX_PAGE
from dpsupport.web.forms import BudgetLineForm, page_number, show_error


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
