"""Deployment smoke test: build the wheel, install it in a fresh virtualenv, migrate a
database with the installed `dpsupport` command, serve it with gunicorn, and use it.

This is what an organisation does (README, "Running it for an organisation"), so it catches
files that are in the checkout but not in the wheel. It needs PyPI (or pip's cache) for the
dependencies; re-runs are quick. pyproject.toml is the one packaging file.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dpsupport.services.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("dpsupport", "payroll_rules")
SECRET = "wheel-smoke-test-secret-key-0123456789abcdef"


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    workdir: Path

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (
        f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n"
        f"{result.stderr[-3000:]}")
    return result


def _clean_env(**extra: str) -> dict[str, str]:
    """Nothing from this checkout's environment: the installed wheel must stand alone."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DPSUPPORT_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(extra)
    return env


def _copy_source(target: Path) -> None:
    """Only what the wheel is built from, so building never writes into the checkout."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "instance", "*.egg-info")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    for name in (*PACKAGES, "templates"):
        shutil.copytree(ROOT / name, target / name, ignore=ignore)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    assert (ROOT / "dpsupport/static/build/app.css").is_file(), (
        "dpsupport/static/build/app.css is missing: run `make assets` before building a wheel")
    base = tmp_path_factory.mktemp("wheel")
    source, dist, venv, workdir = (base / n for n in ("src", "dist", "venv", "work"))
    source.mkdir()
    workdir.mkdir()
    _copy_source(source)
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(source)],
         env=_clean_env(), timeout=300)
    wheels = list(dist.glob("dpsupport-*.whl"))
    assert len(wheels) == 1, wheels
    # A bare venv, filled by this pip (`--python`): seeding pip into it would add 10 seconds.
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], timeout=120)
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
          "--quiet", "--no-compile", "--disable-pip-version-check", str(wheels[0])],
         env=_clean_env(), timeout=600)
    return Installed(wheels[0], venv, workdir)


def test_pyproject_lists_every_package_and_is_the_only_packaging_file() -> None:
    """Quick: a new package (a folder with __init__.py) must be added to pyproject.toml's
    list, or the wheel would leave it out."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for package in PACKAGES for p in (ROOT / package).rglob("__init__.py")}
    assert "dpsupport.models" in found  # the walk sees what it should
    listed = set(setuptools["packages"])
    assert listed == found | {"dpsupport._templates"}, (
        f"add to [tool.setuptools] packages: {sorted(found - listed)}; "
        f"remove: {sorted(listed - found - {'dpsupport._templates'})}")
    assert setuptools["package-dir"] == {"dpsupport._templates": "templates"}
    assert not (ROOT / "setup.py").exists() and not (ROOT / "setup.cfg").exists()


@pytest.mark.slow
def test_the_wheel_carries_templates_assets_migrations_and_data(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for required in ("dpsupport/_templates/base.html",
                     "dpsupport/_templates/auth/sign_in.html",
                     "dpsupport/_templates/errors/error.html",
                     "dpsupport/static/build/app.css",
                     "dpsupport/static/build/govuk-frontend.min.js",
                     "dpsupport/migrations/env.py",
                     "dpsupport/migrations/script.py.mako",
                     "dpsupport/migrations/versions/0001_initial_schema.py",
                     "dpsupport/access_policy.toml"):
        assert required in names, f"{required} is not in the wheel"
    # Every template and every file the packages read at run time, not only the ones above.
    expected = {f"dpsupport/_templates/{p.relative_to(ROOT / 'templates').as_posix()}"
                for p in (ROOT / "templates").rglob("*.html")}
    for package in PACKAGES:
        expected |= {p.relative_to(ROOT).as_posix() for p in (ROOT / package).rglob("*")
                     if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    missing = sorted(expected - names)
    assert not missing, f"in the checkout but not in the wheel: {missing}"
    assert not [n for n in names if n.startswith("tests/")], "tests do not ship"


@pytest.mark.slow
def test_the_installed_command_migrates_and_gunicorn_serves(installed: Installed) -> None:
    database = installed.workdir / "dpsupport.sqlite3"
    env = _clean_env(DPSUPPORT_ENV="production", DPSUPPORT_SECRET_KEY=SECRET,
                     DPSUPPORT_DATABASE_URL=f"sqlite:///{database}")
    where = _run([installed.bin("python"), "-c", "import dpsupport; print(dpsupport.__file__); "
                  "print(dpsupport.template_folder())"], env=env, cwd=installed.workdir)
    module, templates = where.stdout.split()
    assert module.startswith(str(installed.venv)), f"imported from the checkout: {module}"
    assert templates.endswith("_templates"), templates

    upgraded = _run([installed.bin("dpsupport"), "db", "upgrade"], env=env,
                    cwd=installed.workdir, timeout=120)
    assert "The database is up to date" in upgraded.stdout
    assert database.is_file()
    _run([installed.bin("dpsupport"), "prepare-demo"], env=env, cwd=installed.workdir,
         timeout=120)

    port = _free_port()
    log = installed.workdir / "gunicorn.log"
    command = [installed.bin("gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    if "--no-control-socket" in _run([installed.bin("gunicorn"), "--help"], env=env).stdout:
        command.append("--no-control-socket")  # newer gunicorns: one shared socket in ~
    with log.open("w") as out:
        server = subprocess.Popen([*command, "dpsupport:create_app()"], env=env,
                                  cwd=installed.workdir, stdout=out, stderr=subprocess.STDOUT)
    try:
        site = _Site(f"http://127.0.0.1:{port}")
        status, _, page = site.wait_for("/sign-in", server, log)
        assert status == 200
        assert "<title>Sign in – dpsupport</title>" in page
        assert site.get("/static/build/app.css")[0] == 200
        _sign_in_and_see_money(site)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    assert server.returncode is not None


def _sign_in_and_see_money(site: _Site) -> None:
    """Holder pages read the access policy and the database: the wheel must carry both."""
    status, headers, page = site.get("/sign-in")
    cookie = site.cookie_from(headers)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    status, headers, _ = site.post("/sign-in", {"email": "jordan.price@example.org",
                                                "password": DEMO_PASSWORD,
                                                "csrf_token": token.group(1)}, cookie)
    assert status == 302, "signing in with a demo account failed"
    set_cookie = headers.get("Set-Cookie", "")
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie, "production cookie flags"
    cookie = site.cookie_from(headers)
    status, headers, _ = site.get("/", cookie)
    assert status == 302
    money = urllib.parse.urlsplit(headers["Location"]).path
    assert re.fullmatch(r"/holders/\d+", money), money
    status, _, page = site.get(money, cookie)
    assert status == 200, f"{money} gave {status}"
    assert "<title>Your money – dpsupport</title>" in page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class _Site:
    """A tiny HTTP client that shows redirects and keeps the session cookie by hand (the
    production cookie is Secure; here we stand in for the HTTPS proxy in front)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(_NoRedirects)

    def _open(self, request: urllib.request.Request) -> tuple[int, dict[str, str], str]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, self._headers(response.headers), response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, self._headers(err.headers), err.read().decode(errors="replace")

    @staticmethod
    def _headers(message: Any) -> dict[str, str]:
        """The headers, with only the session cookie's Set-Cookie (there may be others)."""
        headers = dict(message)
        sessions = [c for c in message.get_all("Set-Cookie") or []
                    if c.startswith("dpsupport_session=")]
        headers.pop("Set-Cookie", None)
        if sessions:
            headers["Set-Cookie"] = sessions[-1]
        return headers

    def get(self, path: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
        headers = {"Cookie": cookie} if cookie else {}
        return self._open(urllib.request.Request(self.base + path, headers=headers))

    def post(self, path: str, form: dict[str, str],
             cookie: str = "") -> tuple[int, dict[str, str], str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if cookie:
            headers["Cookie"] = cookie
        data = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(self.base + path, data=data, headers=headers))

    @staticmethod
    def cookie_from(headers: dict[str, str]) -> str:
        value = headers.get("Set-Cookie", "")
        match = re.match(r"(dpsupport_session=[^;]*)", value)
        assert match, f"no session cookie set: {value!r}"
        return match.group(1)

    def wait_for(self, path: str, server: subprocess.Popen[bytes],
                 log: Path) -> tuple[int, dict[str, str], str]:
        # Workers import the app after the port is open: on a busy machine the first answer
        # can take longer than one request's timeout, so a timeout is retried too.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"gunicorn stopped ({server.returncode}):\n{log.read_text()[-3000:]}")
            try:
                return self.get(path)
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # still booting
                time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer within 60 seconds:\n{log.read_text()[-3000:]}")
