"""`make bench`: run every bench/bench_*.py in turn, each in its own process (clean peak memory)."""

import subprocess
import sys
from pathlib import Path

here = Path(__file__).parent
failed = 0
for script in sorted(here.glob("bench_*.py")):
    print(f"\n=== {script.name}", flush=True)
    failed |= subprocess.call([sys.executable, str(script)])
sys.exit(1 if failed else 0)
