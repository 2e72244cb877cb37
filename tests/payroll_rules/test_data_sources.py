"""Every statutory figure in payroll_rules/data has a unit, a period and a source reference."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from payroll_rules import params

FIGURE_KEYS = {"value", "weekly", "monthly", "annual", "fortnightly", "four_weekly", "rate",
               "width", "age_21_and_over", "weekly_rate", "weeks_per_year", "rule",
               "employee_main_rate", "electronic_day", "total", "basic_rate",
               "state_pension_age"}


def _walk(node: Any, path: str, out: list[tuple[str, dict[str, Any]]], loose: list[str]) -> None:
    if isinstance(node, dict):
        numbers = [k for k, v in node.items()
                   if isinstance(v, (int, Decimal)) and not isinstance(v, bool)]
        if numbers or FIGURE_KEYS & node.keys():
            out.append((path, node))
        for k, v in node.items():
            if k != "source":
                _walk(v, f"{path}.{k}", out, loose)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _walk(v, f"{path}[{i}]", out, loose)
    elif isinstance(node, float):
        loose.append(path)


@pytest.mark.parametrize("name", params.DATA_FILES)
def test_every_figure_has_a_source(name: str) -> None:
    figures: list[tuple[str, dict[str, Any]]] = []
    floats: list[str] = []
    _walk(params.load(name), name, figures, floats)
    assert figures, f"{name}.toml has no figures"
    assert not floats, f"float values in {floats}"
    for path, table in figures:
        src = table.get("source")
        assert isinstance(src, dict), f"{path} has no source"
        assert src.get("title", "").strip(), f"{path} source has no title"
        assert str(src.get("url", "")).startswith("http"), f"{path} source has no link"
        assert table.get("unit"), f"{path} has no unit"
        assert table.get("period"), f"{path} has no pay period"


@pytest.mark.parametrize("name", params.DATA_FILES)
def test_versions_are_keyed_by_effective_date(name: str) -> None:
    data = params.load(name)
    for key, items in data.items():
        assert isinstance(items, list), f"{name}.{key} should be a list of dated versions"
        for item in items:
            assert isinstance(item["effective"], date)


def test_supported_tax_years() -> None:
    assert params.supported_tax_years() == (2024, 2025, 2026)


def test_figures_match_payroll_rules_md() -> None:
    yp = params.year_params(2025)
    th = yp.ni_thresholds
    assert (th["weekly"]["lel"], th["fortnightly"]["lel"], th["four_weekly"]["lel"],
            th["monthly"]["lel"]) == (12500, 25000, 50000, 54200)
    assert th["fortnightly"]["st"] == 19300 and th["four_weekly"]["pt"] == 96700
    assert th["four_weekly"]["uel"] == 386700 and th["fortnightly"]["uel"] == 193400
    assert params.year_params(2024).ni_thresholds["four_weekly"]["st"] == 70000
    assert params.year_params(2026).ni_thresholds["four_weekly"]["lel"] == 51600
    assert params.year_params(2024).employer_bp == 1380
    assert yp.employer_bp == 1500
