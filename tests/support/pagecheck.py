"""A test client that checks every HTML page it receives.

Checks: the HTML parses without errors; exactly one h1, and the <title> starts with it
(after an optional "Error: "); ids are unique; every input, select and textarea has a label
(or is hidden, or is a button); every form posting has a CSRF field; every script carries
the CSP nonce; nothing says GOV.UK or uses the crown or GDS Transport.
"""

from __future__ import annotations

import re
from typing import Any

import html5lib
from flask.testing import FlaskClient

# A web address on gov.uk (a source named in "how we worked this out": www.gov.uk/...,
# https://gov.uk/...) is not branding; the name GOV.UK on its own is.
BRANDING = re.compile(r"(?<![./])GOV\.UK(?! Frontend)(?!/)|govuk-logo|govuk-crest|GDS Transport"
                      r"|crown", re.IGNORECASE)
NS = "{http://www.w3.org/1999/xhtml}"
checked_pages: list[str] = []


class PageProblem(AssertionError):
    pass


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


def check_page(html: str, url: str = "") -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    try:
        doc = parser.parse(html)
    except Exception as exc:  # html5lib raises ParseError with a position
        line = ""
        if hasattr(parser, "errors") and parser.errors:
            (pos, code, data) = parser.errors[0]
            line = f" at {pos}: {code} {data}"
            lines = html.splitlines()
            if 0 < pos[0] <= len(lines):
                line += f"\n    {lines[pos[0] - 1].strip()[:200]}"
        raise PageProblem(f"{url}: HTML does not parse{line}") from exc

    h1s = doc.findall(f".//{NS}h1")
    if len(h1s) != 1:
        raise PageProblem(f"{url}: expected exactly one h1, found {len(h1s)}")
    title_el = doc.find(f".//{NS}title")
    title = _text(title_el) if title_el is not None else ""
    h1 = _text(h1s[0])
    bare_title = title.removeprefix("Error: ").split(" – ")[0]
    if bare_title != h1:
        raise PageProblem(f"{url}: title {title!r} does not match h1 {h1!r}")

    ids: dict[str, int] = {}
    for el in doc.iter():
        if "id" in el.attrib:
            ids[el.attrib["id"]] = ids.get(el.attrib["id"], 0) + 1
    dupes = [i for i, n in ids.items() if n > 1]
    if dupes:
        raise PageProblem(f"{url}: duplicate ids {dupes}")

    labelled = {lab.attrib.get("for") for lab in doc.iter(f"{NS}label")}
    for tag in ("input", "select", "textarea"):
        for el in doc.iter(f"{NS}{tag}"):
            kind = el.attrib.get("type", "text")
            if kind in ("hidden", "submit", "button"):
                continue
            if el.attrib.get("id") not in labelled and not el.attrib.get("aria-label"):
                raise PageProblem(f"{url}: <{tag} name={el.attrib.get('name')}> has no label")

    for form in doc.iter(f"{NS}form"):
        if form.attrib.get("method", "get").lower() == "post":
            names = {i.attrib.get("name") for i in form.iter(f"{NS}input")}
            if "csrf_token" not in names:
                raise PageProblem(f"{url}: a POST form has no CSRF token")

    for script in doc.iter(f"{NS}script"):
        if not script.attrib.get("nonce"):
            raise PageProblem(f"{url}: a script has no CSP nonce")

    if BRANDING.search(html):
        raise PageProblem(f"{url}: GOV.UK branding found: {BRANDING.search(html).group(0)!r}")


class PageCheckingClient(FlaskClient):
    def open(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and response.status_code != 302:
            url = response.request.path if response.request else str(args[:1])
            check_page(response.get_data(as_text=True), url)
            checked_pages.append(url)
        return response
