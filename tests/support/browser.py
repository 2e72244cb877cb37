"""Pages in a real headless browser (Debian's chromium, driven by a node script in
tests/a11y/ with playwright-core): serve the app on a loopback port, sign in, visit each
path, and read back one JSON object per page that the script prints."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from dpsupport.services.demo import DEMO_TOTP_SECRET

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NODE = shutil.which("node")

needs_browser = pytest.mark.skipif(
    not (NODE and Path(CHROMIUM).exists() and (ROOT / "node_modules" / "axe-core").exists()),
    reason="needs node, Debian's chromium and `npm ci` (axe-core, playwright-core)",
)


def browse(app: Flask, script: str, email: str, password: str,
           paths: list[str], totp_secret: str = DEMO_TOTP_SECRET) -> list[dict[str, Any]]:
    """Run ``tests/a11y/<script>`` against the app signed in as ``email``; the JSON lines
    it printed, one per page (the script says what each holds). People who use two-step
    sign-in type the code worked out from ``totp_secret`` (the demo's key by default)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = subprocess.run(
            [str(NODE), str(ROOT / "tests" / "a11y" / script),
             f"http://127.0.0.1:{server.server_port}", email, password, *paths],
            capture_output=True, text=True, timeout=240, cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "CHROMIUM": CHROMIUM, "HOME": "/tmp",
                 "DPSUPPORT_TOTP_SECRET": totp_secret},
        )
    finally:
        server.shutdown()
        thread.join(timeout=10)
    assert result.returncode == 0, result.stderr[-2000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
