"""Walk the URL map: the routes tests are generated from, never listed by hand."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

PUBLIC = {"static", "auth.sign_in", "auth.sign_out", "main.home",
          # the code after the password (two-step sign-in): the signed marker is the check
          "auth.two_step",
          # for people who cannot sign in yet (the links work once; see tests/web/test_accounts.py)
          "accounts.forgot", "accounts.forgot_sent", "accounts.reset", "accounts.invitation",
          "accounts.demo_mail"}


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    arguments: frozenset[str]
    methods: frozenset[str]

    @property
    def takes_record_id(self) -> bool:
        return bool(self.arguments)


def routes(app: Flask) -> list[Route]:
    found = []
    for rule in app.url_map.iter_rules():
        methods = frozenset((rule.methods or set()) - {"HEAD", "OPTIONS"})
        found.append(Route(rule.endpoint, rule.rule, frozenset(rule.arguments), methods))
    return sorted(found, key=lambda r: r.endpoint)


def holder_routes(app: Flask) -> list[Route]:
    return [r for r in routes(app) if "holder_id" in r.arguments]
