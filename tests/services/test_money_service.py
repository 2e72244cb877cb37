"""The money picture worked out from database rows, with exact amounts."""

from __future__ import annotations

from datetime import date

from dpsupport.charts import balance_chart, month_end_table
from dpsupport.models import AgreementAmount, FundingAgreement, OneOffPayment
from dpsupport.services.money import holder_money, terms_for

from ..support.factories import create_holder, create_org


def test_holder_money_from_the_database(session) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session)
    holder = create_holder(session, org, start=date(2026, 4, 6), amount=100000)
    session.commit()
    info = holder_money(session, holder, date(2026, 4, 10))
    pic = info.picture
    assert pic is not None
    # £1,000 in, £450 out on 6 April.
    assert pic.balance_today.value == 55000
    assert pic.money_in_this_period.value == 100000
    assert pic.money_out_this_period.value == 45000
    assert pic.period.start == date(2026, 4, 6) and pic.period.end == date(2026, 5, 3)
    # Planned £800 per 4 weeks = £200 a week; £550 lasts 2.7 weeks (rounded down).
    assert pic.weekly_planned_spend.value == 20000
    assert str(pic.weeks_of_funding_held.value) == "2.7"
    assert any("Balance on 6 April 2026" in step.text for step in pic.balance_today.workings)


def test_a_holder_with_no_agreement_is_told_so(session) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session)
    holder = create_holder(session, org)
    agreement = session.query(FundingAgreement).one()
    for row in session.query(AgreementAmount).all():
        session.delete(row)
    session.delete(agreement)
    session.commit()
    info = holder_money(session, holder, date(2026, 5, 1))
    assert info.picture is None
    assert info.problem and "no funding agreement" in info.problem


def test_terms_carry_every_part_of_the_agreement(session) -> None:  # type: ignore[no-untyped-def]
    org = create_org(session)
    create_holder(session, org, start=date(2026, 4, 6), amount=100000)
    agreement = session.query(FundingAgreement).one()
    session.add(AgreementAmount(agreement_id=agreement.id, effective_date=date(2026, 10, 1),
                                amount_pence=120000))
    session.add(OneOffPayment(agreement_id=agreement.id, date=date(2026, 6, 1),
                              amount_pence=30000, description="Hoist"))
    agreement.client_contribution_pence = 5000
    agreement.contribution_basis = "gross"
    session.commit()
    session.refresh(agreement)
    terms = terms_for(agreement)
    assert terms.amounts == ((date(2026, 4, 6), 100000), (date(2026, 10, 1), 120000))
    assert terms.one_off_payments == ((date(2026, 6, 1), 30000, "Hoist"),)
    assert terms.client_contribution_pence == 5000 and terms.contribution_basis == "gross"


def test_balance_chart_and_table_agree() -> None:
    actual = [(date(2026, 1, 1), 10000), (date(2026, 1, 20), 5000), (date(2026, 2, 3), -2500)]
    forecast = [(date(2026, 3, 31), 7000)]
    chart = balance_chart(actual, forecast)
    assert chart is not None
    assert chart.actual_path.startswith("M") and chart.forecast_path.startswith("M")
    assert chart.zero_y is not None  # the balance went below zero: the zero line is drawn
    labels = [t.label for t in chart.y_ticks]
    assert labels[0].startswith("\u2212£") and "£0" in labels  # the one minus sign
    table = month_end_table(actual, forecast)
    assert table == [(date(2026, 1, 20), 5000, False), (date(2026, 2, 3), -2500, False),
                     (date(2026, 3, 31), 7000, True)]
    assert balance_chart([(date(2026, 1, 1), 1)], []) is None


def test_a_long_history_gives_the_same_figures_from_fewer_rows(session) -> None:  # type: ignore[no-untyped-def]
    """Issue 12.11: holder_money reads transactions one by one only from window_start, and
    the database sums the rest; every figure is what the engine gives from all of them."""
    from dpsupport import budget
    from dpsupport.models import Account, BudgetLine, Transaction
    from dpsupport.services.money import budget_reports, money_page_balances

    org = create_org(session)
    start, today = date(2022, 4, 4), date(2026, 4, 10)
    holder = create_holder(session, org, start=start, amount=100000)
    account = session.query(Account).filter_by(holder_id=holder.id).one()
    line = session.query(BudgetLine).filter_by(holder_id=holder.id).one()
    rows = [Transaction(holder_id=holder.id, account_id=account.id, date=date(2021, 12, 1),
                        amount_pence=-1234, payee="Before the agreement", source="manual")]
    day, n = start, 0
    while day <= today:
        n += 1
        rows.append(Transaction(holder_id=holder.id, account_id=account.id, date=day,
                                amount_pence=-(700 + n % 900), payee=f"P{n % 7}",
                                category="pa_wages" if n % 3 else None,
                                budget_line_id=line.id if n % 2 else None, source="manual"))
        if n % 7 == 0:
            rows.append(Transaction(holder_id=holder.id, account_id=account.id, date=day,
                                    amount_pence=25000, payee="Council", source="manual"))
        day = date.fromordinal(day.toordinal() + 3)
    session.add_all(rows)
    session.commit()

    info = holder_money(session, holder, today)
    assert info.earlier is not None and info.earlier.before == budget.window_start(
        info.terms, today)
    assert info.earlier.everything.count > 300 and info.earlier.before_agreement.count == 1
    assert len(info.transactions) < 200  # about a year of them, not four
    every = [budget.Transaction(t.date, t.amount_pence, t.category, t.budget_line_id,
                                t.payee or t.description or "")
             for t in session.query(Transaction).filter_by(holder_id=holder.id)
             .order_by(Transaction.date, Transaction.id)]
    agreement = session.query(FundingAgreement).one()
    whole = budget.money_picture(info.terms, info.plan, every, [], today,
                                 opening_balance=agreement.opening_balance_pence)
    assert info.picture == whole
    assert info.picture.balance_today.value == sum(t.amount_pence for t in every)
    assert info.unsorted_count == sum(1 for t in every if t.category is None)
    pic = info.picture
    assert budget_reports(info) == list(reversed(budget.plan_vs_actual(
        info.terms, info.plan, every, pic.year_start, min(pic.year_end, pic.period.end))))
    balances = money_page_balances(info)
    assert balances is not None and balances[0][-1] == (today, pic.balance_today.value)
