"""Does a statement add up? Opening + transactions = closing, and running balances."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .amounts import format_pence
from .model import Transaction


@dataclass(frozen=True, slots=True)
class BalanceCheck:
    adds_up: bool | None  # None: the file does not give us enough to check
    message: str
    difference_pence: int = 0
    order: str | None = None  # "oldest-first" / "newest-first" from the running balances
    breaks: tuple[int, ...] = field(default=())  # line numbers where the running balance jumps


def _running(recs: Sequence[Transaction]) -> tuple[list[int], int]:
    """Line numbers where balance[i] != balance[i-1] + amount[i] (file order)."""
    bad = [recs[i].line for i in range(1, len(recs))
           if recs[i].balance_pence is not None and recs[i - 1].balance_pence is not None
           and recs[i - 1].balance_pence + recs[i].amount_pence != recs[i].balance_pence]
    return bad, len(bad)


def check_balances(records: Sequence[Transaction], opening_pence: int | None = None,
                   closing_pence: int | None = None) -> BalanceCheck:
    recs = list(records)
    total = sum(r.amount_pence for r in recs)
    order = None
    breaks: list[int] = []
    has_running = len(recs) > 1 and all(r.balance_pence is not None for r in recs)
    if has_running:
        fwd, nf = _running(recs)
        back, nb = _running(recs[::-1])
        if nf <= nb:
            order, breaks, chrono = "oldest-first", fwd, recs
        else:
            order, breaks, chrono = "newest-first", back, recs[::-1]
        first, last = chrono[0], chrono[-1]
        assert first.balance_pence is not None and last.balance_pence is not None
        if opening_pence is None:
            opening_pence = first.balance_pence - first.amount_pence
        if closing_pence is None:
            closing_pence = last.balance_pence
    if opening_pence is None or closing_pence is None:
        return BalanceCheck(None, "This file does not give both an opening and a closing "
                            "balance, so we cannot check that it adds up.", 0, order,
                            tuple(breaks))
    diff = closing_pence - (opening_pence + total)
    if diff == 0 and not breaks:
        return BalanceCheck(True, f"This statement adds up: {format_pence(opening_pence)} to "
                            f"{format_pence(closing_pence)}.", 0, order, ())
    if diff == 0:
        lines = ", ".join(str(b) for b in breaks[:5])
        return BalanceCheck(False, f"The totals add up, but the running balance does not follow "
                            f"on at line(s) {lines}: lines may be missing or out of order.",
                            0, order, tuple(breaks))
    msg = (f"This statement does not add up: starting from {format_pence(opening_pence)}, "
           f"the transactions come to {format_pence(opening_pence + total)}, but the bank "
           f"says {format_pence(closing_pence)} (a difference of {format_pence(diff)}).")
    if breaks:
        msg += f" The running balance jumps at line(s) {', '.join(map(str, breaks[:5]))}."
    return BalanceCheck(False, msg, diff, order, tuple(breaks))
