"""Does a statement add up? Opening + transactions = closing, and running balances.

:class:`BalanceTracker` does the work one line at a time, so an import can check a
statement while streaming it; :func:`check_balances` is the same check over a list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..text import format_pence
from .model import Transaction


@dataclass(frozen=True, slots=True)
class BalanceCheck:
    adds_up: bool | None  # None: the file does not give us enough to check
    message: str
    difference_pence: int = 0
    order: str | None = None  # "oldest-first" / "newest-first" from the running balances
    breaks: tuple[int, ...] = field(default=())  # line numbers where the running balance jumps


class BalanceTracker:
    """Feed it every line in file order with :meth:`add`; :meth:`result` gives the check.

    Running balances are compared pairwise both ways (oldest-first and newest-first files);
    only the first and last lines and the break line numbers are kept.
    """

    __slots__ = ("total", "count", "_first", "_prev", "_all_running", "_fwd", "_back")

    def __init__(self) -> None:
        self.total = 0
        self.count = 0
        self._first: Transaction | None = None
        self._prev: Transaction | None = None
        self._all_running = True
        self._fwd: list[int] = []  # breaks if the file is oldest-first
        self._back: list[int] = []  # breaks (line numbers) if the file is newest-first

    def add(self, rec: Transaction) -> None:
        self.total += rec.amount_pence
        self.count += 1
        prev = self._prev
        if rec.balance_pence is None:
            self._all_running = False
        elif prev is None:
            self._first = rec
        elif self._all_running and prev.balance_pence is not None:
            if prev.balance_pence + rec.amount_pence != rec.balance_pence:
                self._fwd.append(rec.line)
            if rec.balance_pence + prev.amount_pence != prev.balance_pence:
                self._back.append(prev.line)
        self._prev = rec

    def add_many(self, records: list[Transaction]) -> None:
        """:meth:`add` for each of ``records`` in turn (one call for a chunk of lines)."""
        if not records:
            return
        self.count += len(records)
        total = self.total
        prev = self._prev
        running = self._all_running
        fwd, back = self._fwd, self._back
        for rec in records:
            total += rec.amount_pence
            bal = rec.balance_pence
            if bal is None:
                running = False
            elif prev is None:
                self._first = rec
            elif running and prev.balance_pence is not None:
                if prev.balance_pence + rec.amount_pence != bal:
                    fwd.append(rec.line)
                if bal + prev.amount_pence != prev.balance_pence:
                    back.append(prev.line)
            prev = rec
        self.total = total
        self._prev = prev
        self._all_running = running

    def result(self, opening_pence: int | None = None,
               closing_pence: int | None = None) -> BalanceCheck:
        order = None
        breaks: list[int] = []
        first, last = self._first, self._prev
        if self.count > 1 and self._all_running and first is not None and last is not None:
            if len(self._fwd) <= len(self._back):
                order, breaks = "oldest-first", self._fwd
            else:
                order, breaks = "newest-first", self._back[::-1]
                first, last = last, first
            assert first.balance_pence is not None and last.balance_pence is not None
            if opening_pence is None:
                opening_pence = first.balance_pence - first.amount_pence
            if closing_pence is None:
                closing_pence = last.balance_pence
        return _verdict(self.total, opening_pence, closing_pence, order, breaks)


def _verdict(total: int, opening_pence: int | None, closing_pence: int | None,
             order: str | None, breaks: list[int]) -> BalanceCheck:
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
           f"says {format_pence(closing_pence)} (a difference of {format_pence(abs(diff))}).")
    if breaks:
        msg += f" The running balance jumps at line(s) {', '.join(map(str, breaks[:5]))}."
    return BalanceCheck(False, msg, diff, order, tuple(breaks))


def check_balances(records: Iterable[Transaction], opening_pence: int | None = None,
                   closing_pence: int | None = None) -> BalanceCheck:
    tracker = BalanceTracker()
    for rec in records:
        tracker.add(rec)
    return tracker.result(opening_pence, closing_pence)
