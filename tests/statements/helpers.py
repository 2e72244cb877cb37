from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "bank_samples"
SHARED = Path("/work/shared/data/bank_samples")


def expected(name: str = "EXPECTED.json") -> dict[str, dict[str, object]]:
    return json.loads((DATA / name).read_text())


def ofx_files() -> list[Path]:
    return sorted(p for p in DATA.rglob("*") if p.suffix.lower() in (".ofx", ".qfx"))
