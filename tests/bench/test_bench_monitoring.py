"""bench/bench_monitoring.py still runs, on tiny sizes (3 holders, 6 months), on each
database, so a change to the services it calls cannot leave it broken unnoticed."""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest

from ..conftest import PG_ENV

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.syspath_prepend(str(BENCH))
    import bench_monitoring

    return bench_monitoring


@pytest.mark.parametrize("database", ["SQLite", "PostgreSQL"])
def test_the_monitoring_bench_runs(database: str, bench: ModuleType,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    if database == "PostgreSQL" and not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} to run this on it")
    assert bench.main(["--holders", "3", "--months", "6", "--runs", "1",
                       "--only", database]) == 0
    out = capsys.readouterr().out
    ratios = [line for line in out.splitlines() if line.startswith("RATIO ")]
    assert len(ratios) == 2, out
    assert ratios[0].startswith("RATIO one holder: flags and matches / import = ")
    assert ratios[1].startswith(f"RATIO {database}, 3 holders after one statement each")
    assert "open flags by code:" in out
