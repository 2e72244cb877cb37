"""Issue 12's two hostile uploads, sent the way the issue describes them, through gunicorn.

Issue 12 served the app as the README tells organisations to (gunicorn, 4 sync workers, its
default 30-second timeout) and found:

1. a 494 KB Excel file of 100,000 rows, each holding one cell in the last column, XFD
   (``<row r="N"><c r="XFDN"><v>1</v></c></row>``), ran 120.8 s on upload until gunicorn
   killed the worker (500); a 10,000-row version took 20 s in
   ``dpsupport import-statement ... --dry-run``;
2. a 9.9 MB CSV on one line (``x,`` 4.95 million times) took 22 s to upload, 23 s to check
   and 46 s to confirm, with a worker at 589 MB, before being refused.

For each database (a SQLite file; PostgreSQL too when DPSUPPORT_TEST_POSTGRES_URL is set, in
a throwaway database) this starts gunicorn with the demo exactly as bench_load.py does, signs
in as Sam Okafor (a support worker, who may import), and for each file: opens the holder's
"Import a bank statement" form, uploads the file with the form's CSRF token, follows to the
page the upload leads to (the column chooser, whose suggested columns it accepts, choosing
the first two columns where none is suggested, and then the check page), and, if the check
page offers an Import button, presses it with every box the page offers ticked. Each
request is timed; its status, the message the person sees, and the peak resident memory of
the gunicorn workers while it ran (VmRSS of every worker, sampled every 50 ms) are shown.
It also times ``dpsupport import-statement FILE --account ID --dry-run`` on the 10,000-row
Excel file (the account id read from the Bank statements page, as the command's help says).

Then the account is made to remember columns (first column the date, second the amount), as
an earlier statement imported through the column chooser leaves them, and the 100,000-row
upload and the command are tried again: with columns remembered, a statement that needs
columns is read whole at upload (before the fix, this is where a worker ran until gunicorn
killed it).

Exit status 1 if any request gets a 5xx answer or none, or takes longer than gunicorn's 30 s
timeout, or if the command fails other than by refusing the file. Only loopback is used.

    .venv/bin/python bench/bench_hostile_uploads.py
"""

from __future__ import annotations

import html
import http.client
import io
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import (  # noqa: E402
    HOST,
    REQUEST_TIMEOUT,
    WORKERS,
    Browser,
    _environment,
    _postgres,
    _sqlite,
    bench_databases,
    gunicorn,
)

GUNICORN_TIMEOUT = 30.0  # gunicorn's default --timeout, which bench_load leaves as it is
SAMPLE_EVERY = 0.05
SIGN_IN_AS = "sam.okafor@riverside.example"
XLSX_ROWS = 100_000
CLI_XLSX_ROWS = 10_000
CSV_REPEATS = 4_950_000
CLI_TIMEOUT = 180.0
BEFORE = ("issue 12 found, before the fixes: the 100,000-row XLSX ran 120.8 s on upload, then "
          "500 (worker killed); the one-line CSV took 22 s to upload, 23 s to check, 46 s to "
          "import, a worker at 589 MB, then was refused; the 10,000-row XLSX took 20 s with "
          "--dry-run")


# --- the two files --------------------------------------------------------------------------

def hostile_xlsx(rows: int) -> bytes:
    """A valid minimal .xlsx package whose one sheet holds `rows` rows of one cell in XFD."""
    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b"<sheetData>"
             + b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (n, n)
                        for n in range(1, rows + 1))
             + b"</sheetData></worksheet>")
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    parts = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package_zip:
        for name, text in parts.items():
            package_zip.writestr(name, text.encode("utf-8"))
        package_zip.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def hostile_csv() -> bytes:
    """9.9 MB on one line: 'x,' 4.95 million times."""
    return b"x," * CSV_REPEATS


# --- the workers' memory --------------------------------------------------------------------

def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _children(pid: int) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir()
            if p.name.isdigit() and _parent_of(int(p.name)) == pid]


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def gunicorn_workers() -> list[int]:
    """The workers of the gunicorn this process started (its master is our child)."""
    masters = [pid for pid in _children(os.getpid())
               if b"gunicorn" in _cmdline(pid)]
    return [w for m in masters for w in _children(m)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


class RssSampler:
    """Sums nothing: keeps the largest VmRSS seen in any of the watched processes."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self._pids = pids
        self._peak_kb = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        watched: list[int] = []
        listed_at = 0.0
        while not self._stop.is_set():
            now = time.monotonic()
            if now - listed_at > 0.5:  # a worker killed by gunicorn is replaced
                watched, listed_at = self._pids(), now
            biggest = max((_status_kb(pid, "VmRSS") for pid in watched), default=0)
            with self._lock:
                self._peak_kb = max(self._peak_kb, biggest)
            self._stop.wait(SAMPLE_EVERY)

    def take_peak_mb(self) -> float:
        """The peak since the last call, in MB; starts again from nothing."""
        with self._lock:
            peak, self._peak_kb = self._peak_kb, 0
        return peak / 1024

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


# --- a person using the pages ---------------------------------------------------------------

@dataclass
class Step:
    what: str
    status: int | None  # None: no answer
    seconds: float
    peak_mb: float
    message: str

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 500 or self.seconds > GUNICORN_TIMEOUT


@dataclass
class Person(Browser):
    """bench_load's Browser, which can also send a file as a browser's form does."""

    sampler: RssSampler | None = None
    steps: list[Step] = field(default_factory=list)

    def send(self, method: str, path: str, body: bytes, content_type: str
             ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            headers = {"Connection": "close", "Content-Type": content_type,
                       "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = response.read().decode("utf-8", errors="replace")
            for header in response.msg.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), page
        finally:
            connection.close()

    def timed(self, what: str, call: Callable[[], tuple[int, dict[str, str], str]]
              ) -> tuple[int | None, dict[str, str], str]:
        """Make one request, note it as a step, and give back its answer."""
        assert self.sampler is not None
        self.sampler.take_peak_mb()
        began = time.perf_counter()
        try:
            status, headers, page = call()
        except OSError as exc:  # no answer (a timeout is an OSError too)
            seconds = time.perf_counter() - began
            self.steps.append(Step(what, None, seconds, self.sampler.take_peak_mb(),
                                   f"no answer: {type(exc).__name__}"))
            return None, {}, ""
        seconds = time.perf_counter() - began
        time.sleep(SAMPLE_EVERY * 2)  # let the sampler see the end of the request
        message = seen_message(page)
        if status in (301, 302, 303):
            message = f"goes to {_path(headers)}"
        self.steps.append(Step(what, status, seconds, self.sampler.take_peak_mb(), message))
        return status, headers, page

    def get(self, path: str) -> tuple[int, str]:
        status, _, page = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"{path} gave {status}")
        return status, page


def _path(headers: dict[str, str]) -> str:
    location = headers.get("Location") or headers.get("location") or ""
    parts = urllib.parse.urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def seen_message(page: str) -> str:
    """What the page says to the person: its error summary, the 'Done' banner, the check
    page's summary sentence, or failing those its heading."""
    summary = re.search(r'class="govuk-list govuk-error-summary__list">(.*?)</ul>', page, re.S)
    if summary:
        return " / ".join(_text(item) for item in re.findall(r"<li>(.*?)</li>", summary.group(1),
                                                           re.S))
    for pattern in (r'class="govuk-notification-banner__heading">(.*?)</p>',
                    r'<p class="govuk-body-l">(.*?)</p>',
                    r"<p class=\"govuk-body\">(We could not .*?)</p>",
                    r"<h1[^>]*>(.*?)</h1>"):
        found = re.search(pattern, page, re.S)
        if found:
            return _text(found.group(1))
    return _text(page)[:200]


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if not found:
        raise RuntimeError("the page has no CSRF token")
    return found.group(1)


def _multipart(fields: dict[str, str], filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = f"----dpsupportbench{secrets.token_hex(12)}"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  f"{value}\r\n".encode())
    out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="statement"; '
              f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
              .encode())
    out.write(data)
    out.write(f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def _selected(page: str, name: str) -> tuple[str, list[str]]:
    """A select box's chosen value and every value it offers."""
    box = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if not box:
        return "", []
    options = re.findall(r'<option value="([^"]*)"( selected)?', box.group(1))
    chosen = next((value for value, selected in options if selected), "")
    return chosen, [value for value, _ in options]


def _choose_columns(page: str) -> dict[str, str]:
    """The column chooser as the person leaves it: what it suggests, and where it suggests
    no date or amount, the first column for the date and the next for the amount."""
    form = {name: _selected(page, name)[0]
            for name in ("date", "amount", "debit", "credit", "description", "balance")}
    columns = [v for v in _selected(page, "date")[1] if v]
    if not form["date"] and columns:
        form["date"] = columns[0]
    if not (form["amount"] or form["debit"] or form["credit"]):
        others = [c for c in columns if c != form["date"]]
        form["amount"] = others[0] if others else ""
    for name in ("date_order", "sign"):
        checked = re.search(rf'name="{name}"[^>]*value="([^"]+)"[^>]*checked', page)
        if checked:
            form[name] = checked.group(1)
    form["csrf_token"] = _token(page)
    return form


def try_file(person: Person, holder: str, label: str, filename: str, data: bytes) -> None:
    """Upload a file, follow to the check page, and press Import if it is offered."""
    base = f"/holders/{holder}/statements"
    _, form_page = person.get(f"{base}/upload")
    fields = {"csrf_token": _token(form_page)}
    account, _ = _selected(form_page, "account")
    if account:
        fields["account"] = account
    body, content_type = _multipart(fields, filename, data)
    status, headers, page = person.timed(
        f"{label}: upload", lambda: person.send("POST", f"{base}/upload", body, content_type))
    for _ in range(3):  # the column chooser, at most twice, then the check page
        if status not in (301, 302, 303):
            return
        target = _path(headers)
        is_columns = target.endswith("/columns")
        status, headers, page = person.timed(
            f"{label}: {'columns' if is_columns else 'check'} page",
            partial(person.request, "GET", target))
        if status == 200 and is_columns:
            chosen = urllib.parse.urlencode(_choose_columns(page))
            status, headers, page = person.timed(
                f"{label}: choose columns",
                partial(person.request, "POST", target, chosen))
        elif status == 200:
            break
    else:
        return
    if status != 200 or not re.search(r">\s*Import (anyway|\d[\d,]* new payments?)\s*<", page):
        return
    confirm = {"csrf_token": _token(page)}
    for box in ("accept_problems", "different_account"):
        if f'name="{box}"' in page:
            confirm[box] = "y"
    check_page = target
    status, headers, page = person.timed(
        f"{label}: import", lambda: person.request("POST", check_page,
                                                   urllib.parse.urlencode(confirm)))
    if status in (301, 302, 303) and person.steps:  # the page after says what happened
        shown = person.request("GET", _path(headers))[2]
        person.steps[-1].message = seen_message(shown)


def remember_columns(database_url: str, account_id: int) -> None:
    """The account remembers columns, as an earlier statement imported with the column
    chooser leaves them (first column the date, second the amount, no heading row): a
    statement that needs columns is then read whole at upload, and by the command."""
    import json

    from sqlalchemy import create_engine, update

    from dpsupport.models import Account
    from dpsupport.statements import ColumnMapping

    chosen = ColumnMapping(date=0, amount=1, header_row=0).to_dict()
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(update(Account).where(Account.id == account_id)
                     .values(csv_mapping=json.dumps(chosen, sort_keys=True)))
    engine.dispose()


def dry_run(database_url: str, workdir: Path, account: str, path: Path, label: str) -> Step:
    """`dpsupport import-statement FILE --account ID --dry-run`, timed, its peak memory."""
    env = _environment(database_url, workdir)
    # bench_load's environment has a fresh secret key: the command needs none of the app's
    command = [sys.executable, "-m", "dpsupport.cli", "import-statement", str(path),
               "--account", account, "--dry-run"]
    began = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=workdir, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    watching = threading.Event()
    peak = [0]

    def watch() -> None:
        while not watching.is_set():
            peak[0] = max(peak[0], _status_kb(child.pid, "VmRSS"))
            watching.wait(SAMPLE_EVERY)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        out, err = child.communicate(timeout=CLI_TIMEOUT)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        watching.set()
        return Step(label, None, time.perf_counter() - began, peak[0] / 1024,
                    f"still running after {CLI_TIMEOUT:.0f} s: stopped")
    seconds = time.perf_counter() - began
    watching.set()
    watcher.join()
    said = " ".join((err.strip() or out.strip()).split())
    # exit 0: read; exit 2: refused with a message for the person; anything else: failed
    status = {0: 200, 2: 400}.get(child.returncode, 500)
    return Step(f"{label}: exit {child.returncode}", status, seconds, peak[0] / 1024,
                said[:300])


# --- the run --------------------------------------------------------------------------------

def run_database(name: str, database_url: str, workdir: Path, files: dict[str, Path]
                 ) -> list[Step]:
    from dpsupport.services.demo import DEMO_SIGN_INS

    who = next(d for d in DEMO_SIGN_INS if d.email == SIGN_IN_AS)
    with gunicorn(database_url, workdir) as port, RssSampler(gunicorn_workers) as sampler:
        person = Person(port, sampler=sampler)
        person.sign_in(who.email, who.password)
        _, holders_page = person.get("/holders")
        holder = sorted(set(re.findall(r'href="/holders/(\d+)"', holders_page)), key=int)[0]
        _, statements = person.get(f"/holders/{holder}/statements")
        account = re.search(r"--account (\d+)", statements)
        if not account:
            raise RuntimeError("the Bank statements page gives no account id")
        sampler.take_peak_mb()
        idle = [_status_kb(w, "VmRSS") / 1024 for w in gunicorn_workers()]
        print(f"{name}: gunicorn -w {WORKERS} (timeout {GUNICORN_TIMEOUT:.0f} s), signed in as "
              f"{who.name}, holder {holder}, account {account.group(1)}; workers at "
              f"{max(idle, default=0):.0f} MB before the uploads", flush=True)
        try_file(person, holder, "XLSX 100k", "far-right.xlsx", files["xlsx"].read_bytes())
        try_file(person, holder, "CSV 1 line", "one-line.csv", files["csv"].read_bytes())
        person.steps.append(dry_run(database_url, workdir, account.group(1),
                                    files["xlsx_cli"], "CLI 10k"))
        # Once the account remembers its columns, the whole file is read at once.
        remember_columns(database_url, int(account.group(1)))
        try_file(person, holder, "XLSX 100k, kept cols", "far-right.xlsx",
                 files["xlsx"].read_bytes())
        person.steps.append(dry_run(database_url, workdir, account.group(1),
                                    files["xlsx_cli"], "CLI 10k, kept cols"))
        high = [_status_kb(w, "VmHWM") / 1024 for w in gunicorn_workers()]
        print(f"{name}: workers' high-water mark (VmHWM) after the run: "
              + ", ".join(f"{mb:.0f} MB" for mb in sorted(high, reverse=True)), flush=True)
        return person.steps


def report(name: str, steps: list[Step]) -> int:
    print(f"\n{name}")
    print(f"  {'step':<36} {'status':>6} {'seconds':>8} {'peak MB':>8}  what the person sees")
    for s in steps:
        status = "none" if s.status is None else str(s.status)
        flag = "  <-- FAILED" if s.failed else ""
        message = s.message if len(s.message) <= 150 else s.message[:147] + "..."
        print(f"  {s.what:<36} {status:>6} {s.seconds:>8.2f} {s.peak_mb:>8.0f}  {message}{flag}")
    return sum(s.failed for s in steps)


@contextmanager
def _files(workdir: Path) -> Iterator[dict[str, Path]]:
    files = {"xlsx": workdir / "far-right.xlsx", "xlsx_cli": workdir / "far-right-10k.xlsx",
             "csv": workdir / "one-line.csv"}
    files["xlsx"].write_bytes(hostile_xlsx(XLSX_ROWS))
    files["xlsx_cli"].write_bytes(hostile_xlsx(CLI_XLSX_ROWS))
    files["csv"].write_bytes(hostile_csv())
    yield files


def main() -> int:
    databases = bench_databases()
    print(BEFORE, flush=True)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="dpsupport-hostile-files-") as tmp, \
            _files(Path(tmp)) as files:
        print("files: " + ", ".join(f"{p.name} {p.stat().st_size / 1000:,.1f} KB"
                                    for p in files.values()), flush=True)
        for name, url in databases:
            with tempfile.TemporaryDirectory(prefix="dpsupport-hostile-") as work:
                workdir = Path(work)
                with (_postgres(url) if url else _sqlite(workdir)) as database_url:
                    try:
                        steps = run_database(name, database_url, workdir, files)
                    except RuntimeError as exc:
                        log = workdir / "gunicorn.log"
                        print(f"{name}: could not run: {exc}\n"
                              f"{log.read_text()[-3000:] if log.exists() else ''}", flush=True)
                        failures += 1
                        continue
                    failures += report(name, steps)
    print(f"\n{'FAILED' if failures else 'OK'}: {failures} request(s) with a 5xx answer, no "
          f"answer, or over {GUNICORN_TIMEOUT:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
