"""docs/flags.md lists exactly the codes dpsupport/flags raises, in its own section."""

from __future__ import annotations

import re
from pathlib import Path

from dpsupport.flags import CODES

DOC = Path(__file__).resolve().parents[2] / "docs" / "flags.md"


def _table(section: str) -> set[str]:
    text = DOC.read_text().split(section)[1].split("\n## ")[0]
    return {code for row in re.findall(r"^\| (.+?) \|", text, re.MULTILINE)
            for code in re.findall(r"`(\w+)`", row)}


def test_flags_md_lists_the_codes_worked_out_and_not_as_planned() -> None:
    assert _table("## Questions kept and asked: the flags") == set(CODES)
    if "## Planned" in DOC.read_text():  # codes reserved for later are not raised yet
        assert not _table("## Planned") & set(CODES)
