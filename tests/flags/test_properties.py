"""Properties that hold for any transactions (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from dpsupport.flags import (
    HOLDER,
    Known,
    KnownPayee,
    Line,
    Reader,
    StatementSpan,
    recognise,
    work_out,
    work_out_for,
)

START = dt.date(2025, 1, 1)
# Ours: payees the flags are about. Theirs: unrelated payees (no shared words with ours).
OURS = ["ATM", "LADBROKES", "J SMITH", "ACME WIDGETS", "CAREWATCH", "S JONES", "SAVINGS",
        "TESCO STORES", "MAJESTIC WINE", "HMRC"]
THEIRS = ["GREEN GARDENS", "BLUE SKY TAXIS", "RIVERSIDE DAY CENTRE", "ORCHARD FLORIST"]
KINDS = ["", "FPO", "DEB", "DD", "SO"]
KNOWN = Known(payees=(KnownPayee("Sally Jones", "pa", person=True),))


def _lines(names: list[str], first_id: int) -> st.SearchStrategy[list[Line]]:
    one = st.tuples(st.integers(0, 400), st.sampled_from([-12000, -6000, -5001, -5000, -4000,
                                                          -1500, 2000]),
                    st.sampled_from(names), st.sampled_from(KINDS))
    return st.lists(one, max_size=25).map(lambda items: [
        Line(first_id + n, START + dt.timedelta(days=d), a, text, "", kind)
        for n, (d, a, text, kind) in enumerate(items)])


def _keys(flags: list) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {(f.key, f.evidence_key) for f in flags}


@settings(max_examples=150, deadline=None)
@given(_lines(OURS, 0), _lines(THEIRS, 10_000))
def test_unrelated_transactions_do_not_change_a_flags_evidence(ours: list[Line],
                                                               theirs: list[Line]) -> None:
    alone = work_out(ours, known=KNOWN)
    together = work_out(ours + theirs, known=KNOWN)
    about_ours = [f for f in together if all(t < 10_000 for t in f.transactions)]
    assert _keys(about_ours) == _keys(alone)
    assert all(all(t >= 10_000 for t in f.transactions) for f in together
               if f not in about_ours)


@settings(max_examples=100, deadline=None)
@given(_lines(OURS + THEIRS, 0), st.randoms(use_true_random=False))
def test_the_order_of_the_lines_does_not_matter(lines: list[Line], rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    assert work_out(shuffled, known=KNOWN) == work_out(lines, known=KNOWN)


@settings(max_examples=100, deadline=None)
@given(_lines(OURS + THEIRS, 0))
def test_every_flag_names_its_evidence_and_says_what_to_do(lines: list[Line]) -> None:
    ids = {line.id for line in lines}
    for flag in work_out(lines, known=KNOWN):
        assert flag.transactions and set(flag.transactions) <= ids
        assert flag.title and flag.explanation and flag.next_step
        assert flag.severity in ("info", "attention", "urgent")
        assert flag.evidence_key.startswith(flag.code + ":")


@given(st.text(max_size=80), st.text(max_size=20), st.text(max_size=12))
def test_the_recogniser_reads_any_text(description: str, payee: str, kind: str) -> None:
    seen = recognise(description, payee, kind)
    assert seen is None or seen.kind


@settings(max_examples=100, deadline=None)
@given(_lines(OURS + THEIRS, 0))
def test_working_out_for_several_readers_is_working_out_for_each(lines: list[Line]) -> None:
    """work_out_for decides once and words for each reader: the same flags, in the same
    order, as work_out for each reader on its own."""
    staff = Reader("Ewan")
    extra = dict(known=KNOWN, statements=[StatementSpan(1, START, START + dt.timedelta(days=30))],
                 since=START, today=START + dt.timedelta(days=420),
                 first_review=START + dt.timedelta(days=180))
    both = work_out_for(lines, (HOLDER, staff), **extra)  # type: ignore[arg-type]
    assert [mine for mine, _staff in both] == work_out(lines, reader=HOLDER, **extra)  # type: ignore[arg-type]
    assert [theirs for _mine, theirs in both] == work_out(lines, reader=staff, **extra)  # type: ignore[arg-type]
