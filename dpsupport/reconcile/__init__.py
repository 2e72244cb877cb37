"""Reconciliation: which bank line is which expected payment (pure: no Flask, no database).

``match(expectations, lines)`` pairs them exactly and one to one, each pair with its reason
in words, and lists what is left over on both sides. The rules are in ``match.py``'s
docstring; docs/reconciliation.md says them for people.
"""

from .match import NAME_THRESHOLD, match, pairing
from .model import KINDS, BankLine, Expectation, Pairing, Result

__all__ = ["KINDS", "NAME_THRESHOLD", "BankLine", "Expectation", "Pairing", "Result", "match",
           "pairing"]
