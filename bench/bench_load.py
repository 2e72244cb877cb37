"""Load: 50 signed-in people browsing the demo at once, on gunicorn as the README runs it.

For each database (a SQLite file; PostgreSQL too when DPSUPPORT_TEST_POSTGRES_URL is set, in a
throwaway database made for the run and dropped after it) this:

1. loads the demo into a fresh database (`dpsupport prepare-demo`, production settings);
2. starts `gunicorn -w 4` (sync workers, default 30 s timeout) on a free loopback port;
3. signs 50 clients in (threads, each with its own cookies, spread over the demo accounts),
   all from the same address, as people behind one office proxy would be;
4. makes every session look 10 minutes idle, so the first page view of each client also
   notes that its session is in use (the write that used to fail with "database is locked");
5. lets the 50 clients browse their holders' pages (money, budget, payments, plan,
   agreement, statements, history, the holders list) as fast as answers come, for
   DURATION seconds or MAX_REQUESTS_PER_CLIENT requests each, whichever comes first.

It reports requests per second, the 50th/95th/99th percentile response times and the
errors (any answer but 200, or no answer). Aim: 0 errors on both databases. Exit status 1
if there were any. Only loopback addresses are used.

    .venv/bin/python bench/bench_load.py [--duration 20] [--clients 50]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
WORKERS = 4
DURATION = 20.0
CLIENTS = 50
MAX_REQUESTS_PER_CLIENT = 2000
REQUEST_TIMEOUT = 60.0
HOLDER_PAGES = ("", "/budget", "/transactions", "/plan", "/agreement", "/statements",
                "/history")


# --- one browser --------------------------------------------------------------------------------

@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: str | None = None
                ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            headers = {"Connection": "close"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = response.read().decode("utf-8", errors="replace")
            for header in response.msg.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), page
        finally:
            connection.close()

    def sign_in(self, email: str, password: str) -> None:
        status, _, page = self.request("GET", "/sign-in")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"the sign-in page gave {status}")
        form = urllib.parse.urlencode({"email": email, "password": password,
                                       "csrf_token": token.group(1)})
        status, headers, _ = self.request("POST", "/sign-in", form)
        if status != 302:
            raise RuntimeError(f"signing in as {email} gave {status}")
        if headers.get("Location", "").endswith("/sign-in/code"):  # two-step sign-in
            import pyotp

            from dpsupport.services.demo import DEMO_TOTP_SECRET

            status, _, page = self.request("GET", "/sign-in/code")
            token = re.search(r'name="csrf-token" content="([^"]+)"', page)
            if status != 200 or not token:
                raise RuntimeError(f"the code page gave {status}")
            form = urllib.parse.urlencode({"code": pyotp.TOTP(DEMO_TOTP_SECRET).now(),
                                           "csrf_token": token.group(1)})
            status, _, _ = self.request("POST", "/sign-in/code", form)
            if status != 302:
                raise RuntimeError(f"the code for {email} gave {status}")

    def pages(self) -> list[str]:
        """The pages this person can see: their holders' pages and the lists."""
        status, headers, page = self.request("GET", "/holders")
        if status != 200:
            raise RuntimeError(f"/holders gave {status}")
        holders = sorted(set(re.findall(r'href="/holders/(\d+)"', page)))
        if not holders:
            raise RuntimeError("this person sees no holders")
        paths = ["/holders"] + [f"/holders/{h}{p}" for h in holders for p in HOLDER_PAGES]
        return [p for p in paths if self.request("GET", p)[0] == 200]


# --- the server ---------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _environment(database_url: str, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DPSUPPORT_") or k == "DPSUPPORT_COUNT_SQL"}
    env.update(DPSUPPORT_ENV="production", DPSUPPORT_DATABASE_URL=database_url,
               DPSUPPORT_SECRET_KEY=secrets.token_urlsafe(48),
               DPSUPPORT_INSTANCE_PATH=str(workdir / "instance"))
    return env


@contextmanager
def gunicorn(database_url: str, workdir: Path) -> Iterator[int]:
    env = _environment(database_url, workdir)
    subprocess.run([sys.executable, "-m", "dpsupport.cli", "prepare-demo"], env=env,
                   cwd=workdir, check=True, capture_output=True, timeout=300)
    binary = str(Path(sys.executable).with_name("gunicorn"))
    port = _free_port()
    command = [binary, "--bind", f"{HOST}:{port}", "--workers", str(WORKERS)]
    helptext = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    if "--no-control-socket" in helptext:
        command.append("--no-control-socket")
    log = workdir / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen([*command, "dpsupport:create_app()"], env=env, cwd=workdir,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Browser(port).request("GET", "/sign-in")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _age_sessions(database_url: str) -> None:
    """Every session last seen 10 minutes ago: the next page view notes it is in use."""
    from datetime import timedelta

    from sqlalchemy import create_engine, update

    from dpsupport.models import UserSession
    from dpsupport.models.base import utcnow

    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=10)))
    engine.dispose()


# --- the run ------------------------------------------------------------------------------------

@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    problems: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def browse(database_url: str, port: int, clients: int, duration: float) -> Result:
    from dpsupport.services.demo import DEMO_SIGN_INS

    browsers = [Browser(port) for _ in range(clients)]
    plans: list[list[str]] = [[] for _ in range(clients)]

    # Sign in in parallel too (argon2 is slow on purpose), from one address.
    def sign_in(n: int) -> None:
        who = DEMO_SIGN_INS[n % len(DEMO_SIGN_INS)]
        browsers[n].sign_in(who.email, who.password)
        plans[n] = browsers[n].pages()

    _parallel(sign_in, clients)
    _age_sessions(database_url)

    result = Result()
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)
    stop_at: list[float] = []

    def client(n: int) -> None:
        browser, plan = browsers[n], plans[n]
        latencies: list[float] = []
        problems: Counter[str] = Counter()
        start_line.wait()
        i = n  # clients start at different pages
        while len(latencies) < MAX_REQUESTS_PER_CLIENT and time.monotonic() < stop_at[0]:
            path = plan[i % len(plan)]
            i += 1
            began = time.perf_counter()
            try:
                status = browser.request("GET", path)[0]
            except OSError as exc:
                problems[f"{type(exc).__name__}"] += 1
                continue
            latencies.append(time.perf_counter() - began)
            if status != 200:
                problems[f"HTTP {status}"] += 1
        with lock:
            result.latencies += latencies
            result.problems += problems

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    stop_at.append(time.monotonic() + duration)
    began = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result


def _parallel(job: Callable[[int], None], count: int) -> None:
    errors: list[str] = []

    def run(n: int) -> None:
        try:
            job(n)
        except Exception as exc:  # reported below: the run cannot go on without it
            errors.append(f"client {n}: {exc}")

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError("; ".join(errors[:5]))


def _percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def report(name: str, clients: int, result: Result) -> int:
    ordered = sorted(result.latencies)
    count = len(ordered) + sum(v for k, v in result.problems.items() if not k.startswith("HTTP"))
    errors = sum(result.problems.values())
    rate = len(ordered) / result.seconds if result.seconds else 0.0
    if ordered:
        p50, p95, p99 = (_percentile(ordered, f) * 1000 for f in (0.50, 0.95, 0.99))
        timing = (f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, "
                  f"mean {statistics.fmean(ordered) * 1000:.0f} ms")
    else:
        timing = "no answers"
    print(f"{name}: {clients} clients, gunicorn -w {WORKERS}, {result.seconds:.1f} s: "
          f"{count:,} requests, {rate:.1f} per second; {timing}; errors {errors}"
          + (f" ({dict(result.problems)})" if errors else ""), flush=True)
    return errors


@contextmanager
def _sqlite(workdir: Path) -> Iterator[str]:
    yield f"sqlite:///{workdir / 'load.sqlite3'}"


@contextmanager
def _postgres(base: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"dpsupport_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench_databases() -> list[tuple[str, str | None]]:
    """SQLite always; PostgreSQL too when DPSUPPORT_TEST_POSTGRES_URL names a server on this
    machine (the bench makes and drops its own database there). Says why one is skipped."""
    databases: list[tuple[str, str | None]] = [("SQLite", None)]
    base = os.environ.get("DPSUPPORT_TEST_POSTGRES_URL")
    if base:
        host = make_host(base)
        if host not in ("127.0.0.1", "localhost", "::1", None):
            print(f"PostgreSQL skipped: {host} is not a loopback address")
        else:
            databases.append(("PostgreSQL", base))
    else:
        print("PostgreSQL skipped: DPSUPPORT_TEST_POSTGRES_URL is not set")
    return databases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=DURATION)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    args = parser.parse_args()
    databases = bench_databases()
    errors = 0
    for name, url in databases:
        with tempfile.TemporaryDirectory(prefix="dpsupport-load-") as tmp:
            workdir = Path(tmp)
            with (_postgres(url) if url else _sqlite(workdir)) as database_url:
                try:
                    with gunicorn(database_url, workdir) as port:
                        result = browse(database_url, port, args.clients, args.duration)
                except RuntimeError as exc:
                    log = workdir / "gunicorn.log"
                    print(f"{name}: could not run: {exc}\n"
                          f"{log.read_text()[-3000:] if log.exists() else ''}", flush=True)
                    errors += 1
                    continue
                errors += report(name, args.clients, result)
    return 1 if errors else 0


def make_host(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    return make_url(url).host


if __name__ == "__main__":
    sys.exit(main())
