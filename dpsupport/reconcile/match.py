"""Matching bank lines to expected payments: exact, one to one, the same every time.

The rule
    A bank line can pay an expectation when all of these hold:

    - it goes the same way (money in for money in, out for out);
    - its amount is exactly the amount expected (or, for an expectation with a range, any
      amount in the range, ends included): never "about right";
    - it is dated within the expectation's window (``days_before`` before the due date to
      ``days_after`` after it, ends included);
    - when the expectation says so (``payee_required``), the payee's name is like one of
      the names expected (see "Names" below).

    Each bank line pays at most one expectation and each expectation is paid by at most one
    bank line. Among the lines that can pay an expectation, the better one is, in order:
    the exact amount (over one in a range), the right name (over another name), the
    nearest date, the closest name, then the earlier date and the smaller id (so that the
    answer never depends on the order things were given in). The best pairs are taken
    first; then, if a choice made that way left an expectation unpaid that could have been
    paid by moving another pair to its second-best line, the pairs are moved (the largest
    number of pairs wins over the best-looking few). Pairs a person confirmed are taken
    before anything else and never moved. A "soft" expectation (a habit, not a debt) left
    unpaid because the one line it could take pays another expectation is not missing.

Names
    Names are compared after taking the bank's codes off (``statements.clean_payee``) and
    upper-casing with punctuation as spaces. A name expected that appears as whole words in
    the bank's payee or description is the right name; otherwise the closeness is
    RapidFuzz's ``token_set_ratio`` (0 to 100: words in any order, and one name's words
    all found in the other count as close), and 80 or more is the right name ("S JONES" for
    "Sally Jones" is 83). An expectation for HMRC or a pension scheme also takes a line the
    flags' word lists recognise as HMRC or a pension scheme ("HMRC NDDS", "NEST").
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import fuzz

from ..flags.recognise import KIND_LABELS, recognise
from ..statements.dedupe import normalise_description
from ..statements.payees import clean_payee
from ..text import format_date, format_pence, plural
from .model import BankLine, Expectation, Pairing, Result

NAME_THRESHOLD = 80  # token_set_ratio at or above this: the right name


def _plain(text: str) -> str:
    return normalise_description(clean_payee(text)) if text.strip() else ""


class _Names:
    """How alike an expectation's names and a bank line's are (remembered: statements repeat
    the same payees)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[tuple[str, ...], str | None, str, str], int] = {}

    def score(self, e: Expectation, line: BankLine) -> int:
        key = (e.payees, e.recognised_as, line.payee, line.description)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = self._work_out(e, line)
        return found

    @staticmethod
    def _work_out(e: Expectation, line: BankLine) -> int:
        if e.recognised_as:
            seen = recognise(line.description, line.payee)
            if seen is not None and seen.kind == e.recognised_as:
                return 100
        texts = [t for t in {_plain(line.payee), _plain(line.description)} if t]
        best = 0
        for hint in e.payees:
            wanted = _plain(hint)
            if not wanted:
                continue
            for text in texts:
                if f" {wanted} " in f" {text} ":
                    return 100
                best = max(best, int(fuzz.token_set_ratio(wanted, text)))
        return best


Score = tuple[int, int, int, int, str, int]


def _score(e: Expectation, line: BankLine, name: int) -> Score:
    """Smaller is better (module docstring: "among the lines that can pay")."""
    return (0 if line.amount_pence == e.amount_pence else 1,
            0 if name >= NAME_THRESHOLD else 1,
            abs((line.date - e.due).days), -name, line.date.isoformat(), line.id)


def _candidates(expectations: Sequence[Expectation], lines: Sequence[BankLine],
                names: _Names) -> dict[str, list[tuple[Score, BankLine]]]:
    """Every line each expectation could take, best first."""
    by_amount: dict[int, list[BankLine]] = {}
    for line in lines:
        by_amount.setdefault(line.amount_pence, []).append(line)
    ranged = sorted(lines, key=lambda ln: (ln.date, ln.id))
    dates = [ln.date for ln in ranged]
    found: dict[str, list[tuple[Score, BankLine]]] = {}
    for e in expectations:
        first, last = e.first_day, e.last_day
        pool: Iterable[BankLine]
        if e.amount_max_pence is None:
            pool = by_amount.get(e.amount_pence, ())
        else:
            pool = ranged[bisect_left(dates, first):bisect_right(dates, last)]
        options = []
        for line in pool:
            if not (first <= line.date <= last and e.takes_amount(line.amount_pence)):
                continue
            name = names.score(e, line)
            if e.payee_required and name < NAME_THRESHOLD:
                continue
            options.append((_score(e, line, name), line))
        options.sort(key=lambda o: o[0])
        found[e.key] = options
    return found


def _augment(start: str, options: Mapping[str, list[tuple[Score, BankLine]]],
             owner: dict[int, str], taken: dict[str, int], frozen: set[int]) -> bool:
    """Find a chain of moves that lets ``start`` take a line (breadth first, best options
    first); make the moves and say True, or change nothing and say False."""
    came_from: dict[int, str] = {}  # line id -> the expectation that would take it
    queue = deque([start])
    visited = {start}
    while queue:
        key = queue.popleft()
        for _, line in options[key]:
            if line.id in came_from or line.id in frozen:
                continue
            came_from[line.id] = key
            holder = owner.get(line.id)
            if holder is None:
                # walk back: each expectation on the path takes the line after it
                line_id = line.id
                while True:
                    who = came_from[line_id]
                    previous = taken.get(who)
                    owner[line_id], taken[who] = who, line_id
                    if who == start or previous is None:
                        return True
                    line_id = previous
            if holder not in visited:
                visited.add(holder)
                queue.append(holder)
    return False


def match(expectations: Sequence[Expectation], lines: Sequence[BankLine],
          fixed: Mapping[str, int] | None = None,
          not_expected: Iterable[int] = ()) -> Result:
    """Pair bank lines with expectations (module docstring).

    ``fixed``: expectation key -> bank line id, pairs a person confirmed: kept as they are
    (a key or line not given is left out, and said in ``problems``). ``not_expected``: ids
    of bank lines a person said are nothing expected: never paired.
    """
    by_key: dict[str, Expectation] = {}
    for e in expectations:
        if e.key in by_key:
            raise ValueError(f"two expectations have the key {e.key!r}")
        by_key[e.key] = e
    by_id: dict[int, BankLine] = {}
    for line in lines:
        if line.id in by_id:
            raise ValueError(f"two bank lines have the id {line.id}")
        by_id[line.id] = line
    names = _Names()
    owner: dict[int, str] = {}
    taken: dict[str, int] = {}
    problems: list[str] = []
    for key, line_id in sorted((fixed or {}).items()):
        if line_id in owner:
            raise ValueError(f"bank line {line_id} is confirmed for two expectations")
        if key not in by_key or line_id not in by_id:
            problems.append(f"A confirmed match ({key}, bank line {line_id}) is not in "
                            "what was given")
            continue
        owner[line_id], taken[key] = key, line_id
    frozen = set(owner)
    blocked = set(not_expected) - frozen
    free_lines = [ln for ln in by_id.values() if ln.id not in owner and ln.id not in blocked]
    open_expectations = sorted((e for e in by_key.values() if e.key not in taken),
                               key=lambda e: e.key)
    options = _candidates(open_expectations, free_lines, names)
    pairs = sorted(((score, e_key, line) for e_key, found in options.items()
                    for score, line in found), key=lambda p: (p[0], p[1]))
    for _, e_key, line in pairs:
        if e_key in taken or line.id in owner:
            continue
        owner[line.id], taken[e_key] = e_key, line.id
    for e in open_expectations:
        if e.key not in taken and options[e.key]:
            _augment(e.key, options, owner, taken, frozen)
    fixed_keys = {key for key, line_id in (fixed or {}).items() if owner.get(line_id) == key}
    pairings = [pairing(by_key[key], by_id[line_id], names, fixed=key in fixed_keys)
                for key, line_id in taken.items()]
    pairings.sort(key=lambda p: (p.line.date, p.line.id))
    not_seen = sorted((e for e in by_key.values()
                       if e.key not in taken and not _paid_elsewhere(e, by_id, owner, names)),
                      key=lambda e: (e.due, e.key))
    unexpected = sorted((ln for ln in by_id.values() if ln.id not in owner),
                        key=lambda ln: (ln.date, ln.id))
    return Result(tuple(pairings), tuple(not_seen), tuple(unexpected), tuple(problems))


def _paid_elsewhere(e: Expectation, by_id: Mapping[int, BankLine], owner: Mapping[int, str],
                    names: _Names) -> bool:
    """A soft expectation whose line is there but pays another expectation."""
    if not e.soft:
        return False
    for line_id in owner:
        line = by_id[line_id]
        if (e.first_day <= line.date <= e.last_day and e.takes_amount(line.amount_pence)
                and (not e.payee_required or names.score(e, line) >= NAME_THRESHOLD)):
            return True
    return False


def _days(n: int) -> str:
    return plural(n, "day")


def pairing(e: Expectation, line: BankLine, names: _Names | None = None, *,
            fixed: bool = False) -> Pairing:
    """The pair with its reason in words."""
    name = (names or _Names()).score(e, line)
    right_name = name >= NAME_THRESHOLD
    who = e.payees[0] if (right_name and e.payees) else clean_payee(line.name) or line.name
    direction = "from" if line.amount_pence > 0 else "to"
    reason = (f"{format_pence(abs(line.amount_pence))} {direction} {who} on "
              f"{format_date(line.date, year=False)}: {e.words}")
    details = []
    if line.amount_pence == e.amount_pence:
        details.append("It is exactly the amount expected.")
    else:
        low, high = sorted((abs(e.amount_pence), abs(e.amount_max_pence or e.amount_pence)))
        details.append(f"It is within the {format_pence(low)} to {format_pence(high)} "
                       "expected.")
    gap = (line.date - e.due).days
    due = format_date(e.due)
    if gap == 0:
        details.append(f"It was paid on the day it was due, {due}.")
    elif gap < 0:
        details.append(f"It was paid {_days(-gap)} before it was due ({due}).")
    else:
        details.append(f"It was paid {_days(gap)} after it was due ({due}).")
    seen = recognise(line.description, line.payee) if e.recognised_as else None
    if seen is not None and seen.kind == e.recognised_as:
        details.append(f"The bank line is recognised as {KIND_LABELS[seen.kind]} "
                       f"(“{seen.words}”).")
    elif right_name and e.payees:
        details.append(f"The bank's name for the payee, “{line.name}”, is like "
                       f"“{e.payees[0]}”.")
    elif e.payees:
        details.append(f"The bank's name for the payee, “{line.name}”, is not like "
                       f"“{e.payees[0]}”: it was matched on the amount and the date.")
    return Pairing(e, line, reason, tuple(details), fixed)
