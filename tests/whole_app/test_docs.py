"""The repository stands on its own: the documents the code points to are in it, and
docs/flags.md lists every flag code the code raises."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [p for d in ("dpsupport", "payroll_rules", "tests", "bench", "scripts")
           for p in (ROOT / d).rglob("*.py")]


def test_every_document_the_code_points_to_exists() -> None:
    pointed = {m for p in SOURCES for m in re.findall(r"docs/[\w-]+\.md", p.read_text())}
    assert "docs/flags.md" in pointed
    assert not [d for d in pointed if not (ROOT / d).is_file()]


def test_nothing_points_outside_the_repository() -> None:
    outside = [p.relative_to(ROOT).as_posix() for p in SOURCES
               if p != Path(__file__) and re.search(r"MONITORING\.md|\.\./shared", p.read_text())]
    assert not outside, outside


def test_flags_md_lists_every_flag_the_code_raises() -> None:
    raised = {m for p in (ROOT / "dpsupport").rglob("*.py")
              for m in re.findall(r'AttentionItem\(\s*"(\w+)"', p.read_text())}
    assert {"low_balance", "payment_missing"} <= raised  # the search sees what it should
    doc = (ROOT / "docs/flags.md").read_text()
    today = doc.split("## What the code checks today")[1].split("\n## ")[0]
    listed = set(re.findall(r"^\| `(\w+)`", today, re.MULTILINE))
    assert raised == listed, f"raised but not in docs/flags.md: {raised - listed}; " \
                             f"listed but not raised: {listed - raised}"
