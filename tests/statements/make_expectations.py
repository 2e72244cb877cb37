"""Regenerate tests/data/bank_samples (copy of permissively licensed corpus files), NOTICE.md,
EXPECTED.json and the golden *.expected.json files.

Run by hand after a deliberate change, then REVIEW the diff:
    .venv/bin/python tests/statements/make_expectations.py [/work/shared/data/bank_samples]
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from dpsupport.statements import StatementError, read_statement  # noqa: E402

DEST = ROOT / "tests" / "data" / "bank_samples"
ALLOWED = ("MIT", "Apache-2.0", "BSD", "OGL", "public domain")
GOLDEN = [
    "Metasaura+ofxstatement-lloyds/tests/sample-statement.csv",
    "WillOnGit+nationwide-transaction-parser/fixtures/test-statement.csv",
    "WillOnGit+nationwide-transaction-parser/fixtures/test-midata.csv",
    "bank2ynab+bank2ynab/test/test-data/20180226_12345678.csv",
    "bank2ynab+bank2ynab/test/test-data/MS_JANE_SMITH_01-12-2019_14-12-2019.csv",
    "bank2ynab+bank2ynab/test/test-data/statement_1.csv",
    "jakubka+transactions-mapper/data/example_monzo_input.csv",
    "jakubka+transactions-mapper/data/example_tsb_input.csv",
    "jameshaworthcs+countinghouse/tests/fixtures/barclays.csv",
    "jameshaworthcs+countinghouse/tests/fixtures/hsbc.csv",
    "jameshaworthcs+countinghouse/tests/fixtures/monzo.csv",
    "jameshaworthcs+countinghouse/tests/fixtures/natwest.csv",
    "jameshaworthcs+countinghouse/tests/fixtures/santander.txt",
    "jameshaworthcs+countinghouse/tests/fixtures/starling.csv",
    "jameshaworthcs+countinghouse/tests/fixtures/statement.ofx",
    "jameshaworthcs+countinghouse/tests/fixtures/statement.qif",
    "jameshaworthcs+countinghouse/tests/fixtures/tesco-bank-card.csv",
    "actualbudget+actual/packages/loot-core/src/mocks/files/1252.qfx",
    "actualbudget+actual/packages/loot-core/src/mocks/files/html-vals.qfx",
    "jseutter+ofxparse/tests/fixtures/checking.ofx",
    "reubano+csv2ofx/data/test/ubs-ch-fr_trimmed.csv",
    "isaacharrisholt+quiffen/tests/test_files/test.qif",
]


def manifest(src: Path) -> list[dict[str, str]]:
    rows = []
    for line in (src / "MANIFEST.md").read_text().splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows.append({"file": cells[0].strip("`"), "repo": cells[1], "path": cells[2].strip("`"),
                     "commit": cells[3].strip("`"), "format": cells[4], "licence": cells[7]})
    return rows


def outcome(path: Path) -> dict[str, object]:
    try:
        st = read_statement(path.read_bytes(), path.name)
    except StatementError as exc:
        return {"error": exc.message}
    out: dict[str, object] = {"format": st.format, "count": len(st.records),
                              "problems": len(st.problems)}
    if st.needs_mapping:
        out["needs_mapping"] = True
    return out


def golden(path: Path) -> list[dict[str, object]]:
    st = read_statement(path.read_bytes(), path.name)
    return [{"posted": r.posted.isoformat(), "amount_pence": r.amount_pence,
             "description": r.description, "payee": r.payee, "reference": r.reference,
             "bank_id": r.bank_id, "balance_pence": r.balance_pence, "line": r.line,
             "kind": r.kind} for r in st.records]


def main() -> None:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/bank_samples")
    rows = manifest(src)
    copied, excluded = [], []
    for row in rows:
        ok = any(row["licence"].startswith(a) for a in ALLOWED)
        (copied if ok else excluded).append(row)
        if ok and (src / row["file"]).exists():
            dest = DEST / row["file"]
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / row["file"], dest)
    notice = ["# Third-party test data", "",
              "Copied from the public repositories below for use as test inputs only. Each "
              "file keeps the licence of its repository (MIT or Apache-2.0); copyright stays "
              "with the original authors. GPL, AGPL, CC-BY-SA and unlicensed files were not "
              "copied.", "", "| file | repository | path | commit | licence |",
              "|---|---|---|---|---|"]
    notice += [f"| `{r['file']}` | https://github.com/{r['repo']} | `{r['path']}` | "
               f"`{r['commit']}` | {r['licence']} |" for r in copied]
    (DEST / "NOTICE.md").write_text("\n".join(notice) + "\n")
    expected = {r["file"]: outcome(DEST / r["file"]) for r in copied}
    (DEST / "EXPECTED.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    shared = {r["file"]: outcome(src / r["file"]) for r in excluded}
    (DEST / "EXPECTED_SHARED_ONLY.json").write_text(json.dumps(shared, indent=1,
                                                               sort_keys=True) + "\n")
    for name in GOLDEN:
        p = DEST / name
        Path(str(p) + ".expected.json").write_text(
            json.dumps(golden(p), indent=1, ensure_ascii=False) + "\n")
    print(f"copied {len(copied)}, excluded {len(excluded)}:",
          sorted({r["licence"] for r in excluded}))


if __name__ == "__main__":
    main()
