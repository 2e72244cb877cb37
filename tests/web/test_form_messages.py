"""Issue 11.12: every message names the field and says how to put it right (GOV.UK style),
never a default message of the form library ("Not a valid choice.", "Field cannot be
longer than 200 characters.", "This field is required."). Checked on every form class of
the web package, found by walking its modules."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.fields import (
    DateField,
    DateTimeField,
    DecimalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
)

import dpsupport.web
from dpsupport.web import forms

# Forms another part of the app still has to move onto web/forms.py's fields (the
# statement import pages: their helper adopts forms.SelectField / forms.RadioField).
NOT_YET: set[str] = set()

# Fields whose own checks have a default message unless one is given.
CHOICE = (SelectField, SelectMultipleField, RadioField)
NUMBER = (IntegerField, DecimalField, FloatField, DateField, DateTimeField)
# Fields of ours that make their own messages from what they are about.
OURS = (forms.MoneyField, forms.DateField, forms.SelectField, forms.RadioField,
        forms.WholeNumberField)


def _form_classes() -> list[type[FlaskForm]]:
    for module in pkgutil.iter_modules(dpsupport.web.__path__):
        importlib.import_module(f"dpsupport.web.{module.name}")
    found: list[type[FlaskForm]] = []
    todo = list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("dpsupport.web"):
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _problems(field: Field) -> list[str]:
    problems = []
    for validator in field.validators:
        if hasattr(validator, "message") and validator.message is None:
            problems.append(f"{type(validator).__name__} has the library's own message")
    if isinstance(field, OURS):
        return problems
    if isinstance(field, CHOICE) and not getattr(field, "invalid_choice_message", None):
        problems.append("a list with 'Not a valid choice.': use forms.SelectField/RadioField")
    if isinstance(field, NUMBER):
        problems.append("a number or date with the library's message: use forms' fields")
    return problems


@pytest.mark.parametrize("cls", [
    pytest.param(c, id=_name(c), marks=[pytest.mark.xfail(
        reason="statement import forms: their helper moves them onto forms' fields",
        strict=False)] if _name(c) in NOT_YET else [])
    for c in _form_classes()])
def test_every_field_has_its_own_messages(cls: type[FlaskForm]) -> None:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", WTF_CSRF_ENABLED=False)
    with app.test_request_context():
        form = cls(formdata=None)
        problems = {name: p for name, field in form._fields.items() if (p := _problems(field))}
    assert not problems, f"{_name(cls)}: {problems}"


def test_the_forms_are_found() -> None:
    names = {_name(c) for c in _form_classes()}
    assert {"dpsupport.web.forms.TransactionForm", "dpsupport.web.forms.AgreementForm",
            "dpsupport.web.imports.MappingForm", "dpsupport.web.timesheet_forms.ApproveForm",
            "dpsupport.web.timesheet_forms.ExportForm"} <= names


@pytest.mark.parametrize(("max_length", "what", "message"), [
    (200, "a name for the payee", "Enter a name for the payee that is 200 characters or fewer"),
    (2000, "a note", "Enter a note that is 2,000 characters or fewer"),
])
def test_too_long_says_what_and_how_long(max_length: int, what: str, message: str) -> None:
    assert forms.too_long(max_length, what).message == message
