"""Demo data: a user-led organisation, its staff, and three people with different schemes.

Everything is made up. Dates are relative to today, so the demo always shows a current
year. The random numbers are seeded, so every demo database is the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import (
    Account,
    AgreementAmount,
    BudgetLine,
    FundingAgreement,
    Holder,
    HolderAccess,
    Membership,
    OneOffPayment,
    Organisation,
    Transaction,
    User,
)
from ..models.base import utcnow
from ..text import format_pence
from . import imports, reviews
from .audit import Actor, acting_as
from .auth import hash_password
from .demo_payroll import load_jordan_payroll
from .uow import transactional

DEMO_PASSWORD = "demo-calm-river-42"
# The demo's finance officer and admin must use two-step sign-in (services/two_step.py), so
# they have it set up with this made-up key. A demo has no phones: in demo mode only, the
# code page shows the code the app would show (web/auth.py), and anyone who wants to try a
# real authenticator app can type this key into it. Never used outside the demo.
DEMO_TOTP_SECRET = "DEMODEMODEMODEMODEMODEMODEMODEMO"


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    name: str
    description: str
    password: str = DEMO_PASSWORD
    two_step: bool = False


DEMO_SIGN_INS = (
    DemoSignIn("sam.okafor@riverside.example", "Sam Okafor",
               "Support worker at Riverside Independent Living, for all three people"),
    DemoSignIn("farah.ahmed@riverside.example", "Farah Ahmed",
               "Finance officer: sees everyone's money, changes nothing", two_step=True),
    DemoSignIn("alex.morgan@riverside.example", "Alex Morgan", "Organisation admin",
               two_step=True),
    DemoSignIn("helen.hill@example.org", "Helen Hill",
               "Daughter and nominated person for Margaret Hill (82)"),
    DemoSignIn("jordan.price@example.org", "Jordan Price",
               "Employs two personal assistants with a direct payment"),
    DemoSignIn("isla.macleod@example.org", "Isla MacLeod",
               "Attorney for her brother Ewan MacLeod (Scotland, SDS option 2)"),
)


def _users(session: Session) -> dict[str, User]:
    password_hash = hash_password(DEMO_PASSWORD)  # one hash: argon2 is slow on purpose
    users = {}
    for d in DEMO_SIGN_INS:
        user = User(email=d.email, name=d.name, password_hash=password_hash,
                    totp_secret=DEMO_TOTP_SECRET if d.two_step else None,
                    totp_enabled_at=utcnow() if d.two_step else None)
        session.add(user)
        users[d.name.split()[0].lower()] = user
    session.flush()
    return users


def _agreement(session: Session, holder: Holder, *, funder: str, scheme: str, frequency: str,
               timing: str, start: date, amount: int, contribution: int = 0,
               basis: str = "net", contingency: int = 0, opening: int = 0) -> FundingAgreement:
    agreement = FundingAgreement(
        holder_id=holder.id, funder=funder, scheme=scheme, frequency=frequency, timing=timing,
        start_date=start, client_contribution_pence=contribution, contribution_basis=basis,
        contingency_reserve_pence=contingency, surplus_threshold_weeks=8,
        opening_balance_pence=opening, first_review_date=start + relativedelta(months=6))
    session.add(agreement)
    session.flush()
    session.add(AgreementAmount(agreement_id=agreement.id, effective_date=start,
                                amount_pence=amount))
    return agreement


def _lines(session: Session, holder: Holder, lines: list[tuple[str, str, int, str | None]]
           ) -> dict[str, BudgetLine]:
    made = {}
    for category, label, planned, outcome in lines:
        line = BudgetLine(holder_id=holder.id, category=category, label=label,
                          planned_pence=planned, outcome=outcome)
        session.add(line)
        made[label] = line
    session.flush()
    return made


class _Ledger:
    """Adds a holder's payments as typed in by hand; or, from ``statement_from`` on, keeps
    them for a bank statement that :meth:`import_statement` then imports (as the person
    who manages the money would download and upload it)."""

    def __init__(self, session: Session, holder: Holder, account: Account, today: date,
                 opening: int = 0, statement_from: date | None = None) -> None:
        self.session, self.holder, self.account, self.today = session, holder, account, today
        self.balance, self.statement_from = opening, statement_from
        self.later: list[tuple[date, int, str]] = []

    def add(self, day: date, pence: int, payee: str, category: str | None,
            line: BudgetLine | None = None, note: str | None = None) -> None:
        if day > self.today:
            return
        if self.statement_from is not None and day >= self.statement_from:
            self.later.append((day, pence, payee))
            return
        self.balance += pence
        self.session.add(Transaction(
            holder_id=self.holder.id, account_id=self.account.id, date=day, amount_pence=pence,
            payee=payee, category=category, budget_line_id=line.id if line else None,
            note=note, source="manual", description=payee))

    def import_statement(self, who: User) -> None:
        """Import the kept payments as a Nationwide CSV download. Payees paid before are
        sorted the way they were before (see sorting.sorted_before); a new one is not."""
        self.later.sort(key=lambda entry: entry[0])
        lines = [f'"Account Name:","FlexDirect ****{self.account.last4}"', "",
                 '"Date","Transaction type","Description","Paid out","Paid in","Balance"']
        for day, pence, payee in self.later:
            self.balance += pence
            kind = "Bank credit" if pence > 0 else "Direct debit"
            money = format_pence(abs(pence))
            out, into = ("", money) if pence > 0 else (money, "")
            lines.append(f'"{day:%d %b %Y}","{kind}","{payee.upper()}","{out}","{into}",'
                         f'"{format_pence(self.balance)}"')
        data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
        self.session.flush()
        with acting_as(Actor(who.id, who.name)):
            imports.import_statement(self.session, self.account, data,
                                     f"Statement Download {self.today:%Y-%b-%d} 12-00-00.csv")


def _every(start: date, step: timedelta | relativedelta, until: date) -> list[date]:
    days: list[date] = []
    n = 0
    while True:
        day = start + step * n if isinstance(step, timedelta) else start + relativedelta(
            months=step.months * n)
        if day > until:
            return days
        days.append(day)
        n += 1


@transactional  # one transaction: the services it calls join it (and nothing is half-loaded)
def load_demo(session: Session, today: date | None = None) -> None:
    today = today or date.today()
    rng = random.Random(20261123)
    with acting_as(Actor(None, "Demo data")):
        org = Organisation(name="Riverside Independent Living", kind="ulo")
        session.add(org)
        session.flush()
        users = _users(session)
        for key, role in (("sam", "support_worker"), ("farah", "finance_officer"),
                          ("alex", "org_admin"), ("helen", "representative"),
                          ("jordan", "holder"), ("isla", "representative")):
            session.add(Membership(user_id=users[key].id, organisation_id=org.id, role=role))
        start = today - relativedelta(months=11, days=today.day - 1)  # 1st of a month, ~a year ago

        # 1. Margaret: 82, agency care and a day centre; her daughter Helen manages the money.
        margaret = Holder(organisation_id=org.id, name="Margaret Hill", preferred_name="Margaret",
                          date_of_birth=date(today.year - 82, 3, 14), nation="england",
                          support_worker_id=users["sam"].id)
        # 2. Jordan: 29, employs two personal assistants.
        jordan = Holder(organisation_id=org.id, name="Jordan Price", date_of_birth=date(
            today.year - 29, 9, 2), nation="england", support_worker_id=users["sam"].id)
        # 3. Ewan: Glasgow, SDS option 2 through a provider; his sister Isla is his attorney.
        ewan = Holder(organisation_id=org.id, name="Ewan MacLeod", date_of_birth=date(
            today.year - 41, 6, 20), nation="scotland", support_worker_id=users["sam"].id)
        session.add_all([margaret, jordan, ewan])
        session.flush()
        grants = [
            (margaret, "helen", "representative", "nominated_person"),
            (jordan, "jordan", "holder", None),
            (ewan, "isla", "representative", "attorney"),
        ]
        for holder in (margaret, jordan, ewan):
            grants += [(holder, "sam", "support_worker", None),
                       (holder, "farah", "finance_officer", None)]
        for holder, key, role, rep in grants:
            session.add(HolderAccess(holder_id=holder.id, user_id=users[key].id, role=role,
                                     representative_type=rep, granted_by_id=users["alex"].id))

        _margaret(session, margaret, start, today, rng, users["helen"])
        _jordan(session, jordan, start, today, rng, users["jordan"])
        _ewan(session, ewan, start, today, rng)
        session.flush()
        from .flags import refresh  # the questions each person's records raise today

        for holder in (margaret, jordan, ewan):
            refresh(session, holder, today)
        _ewan_answers(session, ewan, users["isla"])
        _reconciled(session, margaret, today)
    _margarets_review(session, margaret, start, users["farah"])


def _margarets_review(session: Session, holder: Holder, start: date, farah: User) -> None:
    """Farah reviews Margaret's first six months and asks Helen about the one cash
    withdrawal; Helen sees the question on the money page (docs/reviews.md)."""
    cash = session.scalar(select(Transaction).where(Transaction.holder_id == holder.id,
                                                    Transaction.payee == "Cash withdrawal"))
    with acting_as(Actor(farah.id, farah.name)):
        found = reviews.start(session, holder, start,
                              start + relativedelta(months=6) - timedelta(days=1))
        if cash is not None:
            reviews.ask(session, holder, found.id, "Could you tell us what this cash was "
                        "for? A receipt helps if you still have one.", transaction_id=cash.id)


def _account(session: Session, holder: Holder, name: str, kind: str, bank: str,
             last4: str) -> Account:
    account = Account(holder_id=holder.id, name=name, kind=kind, bank_name=bank, last4=last4)
    session.add(account)
    session.flush()
    return account


def _margaret(session: Session, holder: Holder, start: date, today: date,
              rng: random.Random, helen: User) -> None:
    agreement = _agreement(session, holder, funder="Riverside Borough Council",
                           scheme="dp_england", frequency="four_weekly", timing="advance",
                           start=start, amount=112000, contribution=9600, basis="net",
                           contingency=50000, opening=40000)
    lines = _lines(session, holder, [
        ("agency_care", "Home care visits (Brightside Care)", 82000,
         "Help to get up, washed and dressed each morning"),
        ("day_activities", "Day centre, Tuesdays and Thursdays", 16000,
         "See friends and keep active"),
        ("respite", "Short breaks", 10000, "Gives Helen a rest from caring"),
        ("contingency", "Contingency", 4000, None),
    ])
    # Helen typed payments in by hand until last month; since then she has uploaded the
    # bank's statement instead (its payments are sorted like the ones she typed, except a
    # shop she had not paid before).
    statement_from = today - relativedelta(months=1, days=today.day - 1)
    ledger = _Ledger(session, holder, _account(session, holder, "Direct payment account",
                                                "bank", "Nationwide", "4471"), today,
                     opening=agreement.opening_balance_pence, statement_from=statement_from)
    for day in _every(start, timedelta(days=28), today):
        ledger.add(day, 102400, "Riverside Borough Council", "council_payment")
        ledger.add(day + timedelta(days=1), 9600, "M Hill", "contribution")
        ledger.add(day + timedelta(days=14), -rng.randrange(79000, 84000),
                   "Brightside Care Ltd", "agency_care", lines["Home care visits (Brightside Care)"])
        ledger.add(day + timedelta(days=20), -rng.choice([14400, 16000, 16000, 12800]),
                   "Oakwood Day Centre", "day_activities",
                   lines["Day centre, Tuesdays and Thursdays"])
    for months in (2, 7):
        ledger.add(start + relativedelta(months=months, days=9), -rng.randrange(28000, 36000),
                   "Seaview Respite House", "respite", lines["Short breaks"],
                   note="A week's respite while Helen was away")
    ledger.add(start + relativedelta(months=5, days=3), -4000, "Cash withdrawal", None,
               note="Taxi to hospital appointment")
    ledger.add(today - timedelta(days=3), -2340, "Tesco Stores 2231", None)
    ledger.import_statement(helen)


def _jordan(session: Session, holder: Holder, start: date, today: date,
            rng: random.Random, jordan: User) -> None:
    agreement = _agreement(session, holder, funder="Riverside Borough Council",
                           scheme="dp_england", frequency="four_weekly", timing="advance",
                           start=start, amount=248000, contingency=150000, opening=120000)
    rise = start + timedelta(days=28 * 6)
    session.add(AgreementAmount(agreement_id=agreement.id, effective_date=rise,
                                amount_pence=256000))
    session.add(OneOffPayment(agreement_id=agreement.id, date=start + timedelta(days=40),
                              amount_pence=40000, description="Shower chair and rails"))
    lines = _lines(session, holder, [
        ("pa_wages", "Personal assistants' pay", 190000, "Live independently in my own flat"),
        ("employer_costs", "Tax, National Insurance and pension", 16000, None),
        ("insurance", "Employer's liability insurance", 1385, None),
        ("day_activities", "Climbing club and gym", 15000, "Stay fit and see friends"),
        ("equipment", "Equipment (paid for by a one-off payment)", 0, None),
    ])
    # the council's plan gives hours: up to 40 a week (the timesheets stay within them)
    lines["Personal assistants' pay"].planned_minutes = 160 * 60
    ledger = _Ledger(session, holder, _account(session, holder, "Direct payment account",
                                                "bank", "Starling", "9023"), today)
    for day in _every(start, timedelta(days=28), today):
        ledger.add(day, 256000 if day >= rise else 248000, "Riverside Borough Council",
                   "council_payment")
    for day in _every(start + relativedelta(days=21), relativedelta(months=1), today):
        ledger.add(day + timedelta(days=3), -rng.randrange(9000, 15000), "Boulder Hut Climbing",
                   "day_activities", lines["Climbing club and gym"])
    for day in _every(start + timedelta(days=10), timedelta(days=28), today):
        ledger.add(day, -1385, "Fish Insurance", "insurance",
                   lines["Employer's liability insurance"], note="Monthly premium")
    ledger.add(start + timedelta(days=44), 40000, "Riverside Borough Council", "council_payment",
               note="One-off for equipment")
    ledger.add(start + timedelta(days=50), -38950, "Mobility Direct", "equipment",
               lines["Equipment (paid for by a one-off payment)"],
               note="Shower chair and rails")
    # his two PAs, their timesheets and pay runs, and the bank paying what they left due
    load_jordan_payroll(session, holder, start, today, ledger.account, lines, jordan, rng)


def _ewan(session: Session, holder: Holder, start: date, today: date,
          rng: random.Random) -> None:
    agreement = _agreement(session, holder, funder="Glasgow City Council",
                           scheme="sds_option_2", frequency="monthly", timing="arrears",
                           start=start, amount=165000, contribution=4000, basis="gross",
                           contingency=30000, opening=0)
    agreement.option4_split = None
    lines = _lines(session, holder, [
        ("agency_care", "Support from Clyde Support Services", 140000,
         "Support at home and to go to work two days a week"),
        ("day_activities", "Art classes", 15000, "Keep painting"),
        ("other", "Travel", 10000, None),
    ])
    ledger = _Ledger(session, holder, _account(session, holder, "Provider-held budget",
                                                "managed", "Clyde Support Services", None or "0000"),
                     today)
    clyde: dict[date, int] = {}
    for n in range(0, 13):
        due = start + relativedelta(months=n + 1)
        ledger.add(due, 165000, "Glasgow City Council", "council_payment")
        clyde[due + timedelta(days=5)] = -rng.randrange(136000, 142000)
        ledger.add(due + timedelta(days=5), clyde[due + timedelta(days=5)],
                   "Clyde Support Services", "agency_care",
                   lines["Support from Clyde Support Services"])
        if n % 3 != 2:
            ledger.add(due + timedelta(days=12), -rng.choice([6000, 9000, 12000]),
                       "Southside Art Studio", "day_activities", lines["Art classes"])
        ledger.add(due + timedelta(days=18), -rng.randrange(2000, 6000), "First Glasgow",
                   "other", lines["Travel"])
    # £40 taken out in cash (Isla has answered the question about it), and the last bill
    # from Clyde Support Services paid twice, three days apart (still open)
    ledger.add(today - timedelta(days=12), -4000, "CASH WITHDRAWAL LINK ATM GLASGOW", None)
    last = max(day for day in clyde if day + timedelta(days=3) < today)
    ledger.add(last + timedelta(days=3), clyde[last], "Clyde Support Services",
               "agency_care", lines["Support from Clyde Support Services"])


def _ewan_answers(session: Session, holder: Holder, isla: User) -> None:
    """Isla has answered the question about Ewan's £40 cash withdrawal; the duplicate payment
    to his care provider is still open."""
    from .flags import answer, flag_for, flags_for

    for view in flags_for(session, holder, for_holder=True):
        if view.flag.code == "cash_withdrawal":
            found = flag_for(session, holder, view.flag.id, for_holder=True)
            assert found is not None
            with acting_as(Actor(isla.id, isla.name)):
                answer(session, holder, found,
                       "Bus fares and lunch for Ewan and his support worker on the art "
                       "class trip to Edinburgh. I have the receipts.")


def _reconciled(session: Session, holder: Holder, today: date) -> None:
    """Margaret's bank lines are all matched or checked, month by month."""
    from .reconcile import accounts, check_the_rest, confirm_every_suggestion

    for account in accounts(session, holder):
        first = session.scalar(select(func.min(Transaction.date))
                               .where(Transaction.account_id == account.id))
        if first is None:
            continue
        confirm_every_suggestion(session, holder)
        month = first.replace(day=1)
        while month <= today:
            check_the_rest(session, holder, account, month.year, month.month)
            month += relativedelta(months=1)
