"""The command line: python -m payroll_rules payslip ..."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from payroll_rules.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
ARGS = ["payslip", "--date", "2026-04-30", "--frequency", "monthly", "--period", "1",
        "--gross", "1156.25", "--tax-code", "1257L", "--ni-category", "A"]


def test_payslip_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(ARGS) == 0
    out = capsys.readouterr().out
    assert "£21.40" in out and "Net pay" in out
    assert "Your tax-free pay for month 1 is £1,048.26" in out


def test_payslip_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["income_tax"] == "21.40"
    assert data["employee_ni"] == "8.66" and data["employer_ni"] == "110.89"
    assert data["net_pay"] == "1126.19" and data["employee_pension"] == "0.00"
    assert isinstance(data["explain"], list) and data["explain"]


@pytest.mark.parametrize("change", [
    ["--tax-code", "12X57L"],
    ["--period", "13"],
    ["--date", "2031-04-30"],
    ["--gross", "lots"],
    ["--ni-category", "Q"],
])
def test_bad_input_exits_2_with_one_line(change: list[str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    args = list(ARGS)
    i = args.index(change[0])
    args[i + 1] = change[1]
    with pytest.raises(SystemExit) as exc:
        sys.exit(main(args))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error:")


def test_subprocess() -> None:
    done = subprocess.run([sys.executable, "-m", "payroll_rules", *ARGS, "--json"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    assert json.loads(done.stdout)["income_tax"] == "21.40"
    bad = subprocess.run([sys.executable, "-m", "payroll_rules", *ARGS[:-2], "--ni-category",
                          "A", "--period", "99"], cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and "out of range" in bad.stderr
