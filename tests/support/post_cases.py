"""A valid, state-changing POST for every POST route, used by the route-walking tests.

A new POST route must be added here (test_every_post.py fails until it is): give the form
data that a person would send, using ids from the standard World in scenario.py.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from .factories import TOTP_SECRET, current_code
from .scenario import PNG, STATEMENT_CSV, TIMESHEET_TO_CANCEL, TIMESHEET_TO_CONFIRM

Case = Callable[[], dict[str, Any]]


def _date(prefix: str, d: int, m: int, y: int) -> dict[str, str]:
    return {f"{prefix}-day": str(d), f"{prefix}-month": str(m), f"{prefix}-year": str(y)}


_NEW_PASSWORD = {"password": "a brand new password 7", "confirm": "a brand new password 7"}

CASES: dict[str, Case] = {
    "accounts.forgot": lambda: {"email": "representative@a.example"},
    "accounts.reset": lambda: dict(_NEW_PASSWORD),
    "accounts.invitation": lambda: dict(_NEW_PASSWORD),
    # acted as the representative (test_every_post.ACTING_AS): the acting role keeps its password
    "accounts.change_password": lambda: {"current": "correct horse battery", **_NEW_PASSWORD},
    # one's own choice of emails about questions (the default is "daily")
    "accounts.question_emails": lambda: {"choice": "weekly"},
    # the demo's "Send the emails that are due now" (the tests write mail to files too)
    "accounts.send_due_mail": lambda: {},
    "accounts.invite_to_holder": lambda: {"name": "Dee Daughter", "email": "dee@example.org",
                                          "role": "representative",
                                          "representative_type": "attorney"},
    "accounts.invite_staff": lambda: {"name": "New Worker", "email": "new.worker@example.org",
                                      "role": "support_worker"},
    # acted as the organisation admin (test_every_post.ACTING_AS)
    "organisation.add_holder": lambda: {"name": "Nell New", "preferred_name": "Nell",
                                        **_date("date_of_birth", 3, 3, 1950), "nation": "wales",
                                        "support_worker": "", "funder_organisation": "",
                                        "funder": "Northshire Council", "scheme": "dp_wales",
                                        "frequency": "four_weekly", "timing": "advance",
                                        **_date("start_date", 6, 4, 2026), "amount": "1200",
                                        "plan1_category": "pa_wages", "plan1_label": "PA",
                                        "plan1_planned": "900"},
    # the world's spare support worker (scenario.py: person_id)
    "organisation.remove_staff": lambda: {},
    # the world's spare representative (scenario.py: access_id)
    "people.authority": lambda: {"representative_type": "deputy"},
    "people.remove_access": lambda: {},
    "people.arrangements": lambda: {"support_worker": "", "funder_organisation": ""},
    "plan.add_line": lambda: {"category": "respite", "label": "Short breaks", "planned": "120"},
    "plan.edit_line": lambda: {"category": "other", "label": "Renamed", "planned": "15.50"},
    "plan.delete_line": lambda: {},
    "transactions.new": lambda: {"direction": "out", **_date("date", 1, 5, 2026),
                                 "amount": "42.10", "payee": "Corner shop",
                                 "category": "other", "budget_line": "", "note": ""},
    "transactions.edit": lambda: {"direction": "out", **_date("date", 2, 5, 2026),
                                  "amount": "450.00", "payee": "A Patel (changed)",
                                  "category": "pa_wages", "budget_line": "", "note": "x"},
    "transactions.delete": lambda: {},
    # the world has a payment to Corner Shop that is not sorted yet
    "transactions.sort": lambda: {"group-0-key": "out:CORNER SHOP", "group-0-category": "other",
                                  "group-0-budget_line": ""},
    "transactions.upload_attachment": lambda: {"file": (__import__("io").BytesIO(PNG),
                                                        "till-receipt.png")},
    "agreement.edit": lambda: {"funder": "New Council", "scheme": "dp_england",
                               "frequency": "four_weekly", "timing": "advance",
                               **_date("start_date", 6, 4, 2026), "client_contribution": "0",
                               "contribution_basis": "net", "contingency_reserve": "100",
                               "surplus_threshold_weeks": "8", "opening_balance": "0"},
    "agreement.add_amount": lambda: {**_date("change-effective_date", 1, 10, 2026),
                                     "change-amount": "1100"},
    "agreement.add_one_off": lambda: {**_date("oneoff-date", 1, 6, 2026),
                                      "oneoff-amount": "250", "oneoff-description": "Ramp"},
    "imports.upload": lambda: {"statement": (io.BytesIO(STATEMENT_CSV.replace(b"/05/", b"/06/")),
                                             "june.csv")},
    "imports.mapping": lambda: {"date": "0", "amount": "2", "debit": "", "credit": "",
                                "description": "1", "balance": "", "date_order": "ymd",
                                "sign": "as_is"},
    "imports.confirm": lambda: {},
    "imports.cancel": lambda: {},
    "imports.undo": lambda: {},
    "employment.employer": lambda: {"paye_reference": "123/AB45678",
                                    "accounts_office_reference": "123PX00123456",
                                    **_date("insurance_renewal_date", 1, 4, 2027),
                                    "employment_allowance_claimed": "yes",
                                    "payroll_by_organisation": "y"},
    "employment.new": lambda: {"name": "Tom Reed", **_date("date_of_birth", 2, 2, 2006),
                               "ni_number": "AB 12 34 56 C", "address": "1 High Street",
                               **_date("start_date", 1, 6, 2026), "starter_statement": "C",
                               "tax_code": "", "ni_category": "", "student_loan_plan": "2",
                               "postgraduate_loan": "no", "close_relative_in_household": "no",
                               "council_approval_reference": ""},
    "employment.edit": lambda: {"name": "Sally Pope", **_date("date_of_birth", 1, 3, 1990),
                                "ni_number": "", "address": "2 Low Road",
                                **_date("start_date", 6, 4, 2026), "starter_statement": "p45",
                                "tax_code": "1257L", "ni_category": "A",
                                # her loans are as they were: the world's draft pay run
                                # (payroll.approve) is still right after this change
                                "student_loan_plan": "", "postgraduate_loan": "no",
                                "close_relative_in_household": "no",
                                "council_approval_reference": ""},
    "employment.new_contract": lambda: {**_date("effective_date", 1, 10, 2026),
                                        "pay_frequency": "monthly", "pay_day": "last Friday",
                                        "day_rate": "13.50", "hours_kind": "regular",
                                        "weekly_hours": "16",
                                        **_date("holiday_year_start", 6, 4, 2026)},
    "holiday.book": lambda: {**_date("first_day", 7, 9, 2026), **_date("last_day", 8, 9, 2026),
                             "hours": "7.5", "note": "Seaside"},
    "holiday.delete_booking": lambda: {},
    "holiday.change": lambda: {"kind": "add", **_date("on", 1, 10, 2026), "hours": "4",
                               "reason": "", "note": "Worked on a bank holiday"},
    "holiday.record_sickness": lambda: {**_date("first_day", 1, 6, 2026),
                                        **_date("last_day", 3, 6, 2026),
                                        "qualifying_days": ["0", "1", "2"],
                                        "fit_note": "no", "note": ""},
    "holiday.delete_sickness": lambda: {},
    # the world's payment of £100 to HMRC on 30 April, and its PAYE owed for tax month 1
    "reconcile.change": lambda: {"choice": "none"},
    "reconcile.confirm": lambda: {"expectation": "hmrc:2026:1"},
    "reconcile.undo": lambda: {},
    # April: the council's payment on 6 April is a suggested match
    "reconcile.confirm_all": lambda: {},
    # April: A Patel's wages and the corner shop were not expected
    "reconcile.check_rest": lambda: {},
    "rules.new": lambda: {"pattern": "HMRC", "direction": "out", "category": "employer_costs",
                          "budget_line": "", "scope": "holder", "action": "save"},
    "rules.edit": lambda: {"pattern": "NEST PENSIONS", "direction": "out",
                           "category": "employer_costs", "budget_line": "", "scope": "holder",
                           "action": "save"},
    "rules.delete": lambda: {},
    # payroll: run June's pay, approve May's draft, correct April (the world's pay runs),
    # and mark April's net pay as paid
    "payroll.draft": lambda: {"frequency": "monthly", "period_start": "2026-06-01"},
    "payroll.approve": lambda: {"confirm": "y"},
    "payroll.correct": lambda: {},
    "payroll.mark_paid": lambda: {},
    # timesheets: after the paid months (the world pays April to June)
    "timesheets.save_week": lambda: {
        "week": "2026-08-17", "shift-count": "2",
        "shift-0-day": "2026-08-18", "shift-0-start": "09:00", "shift-0-end": "17:00",
        "shift-0-break": "30", "shift-0-kind": "day",
        "shift-1-day": "2026-08-21", "shift-1-start": "22:00", "shift-1-end": "07:00",
        "shift-1-break": "", "shift-1-kind": "sleep_in"},
    "timesheets.approve": lambda: {"week": "2026-08-03", **_date("period_start", 3, 8, 2026),
                                   **_date("period_end", 9, 8, 2026)},
    "timesheets.withdraw": lambda: {"week": "2026-07-06"},
    "timesheets.upload": lambda: {"file": (io.BytesIO(
        b"PA,Date,Start,End,Break,Kind\nSally Pope,25/08/2026,08:00,12:00,0,day\n"),
        "shifts.csv")},
    "timesheets.confirm_upload": lambda: {"ref": TIMESHEET_TO_CONFIRM},
    "timesheets.cancel_upload": lambda: {"ref": TIMESHEET_TO_CANCEL},
    # the world's cash withdrawal flag, taken through its lifecycle in this order
    "flags.answer": lambda: {"text": "Paid for the taxi to the day centre",
                             "file": (io.BytesIO(PNG), "taxi.png")},
    "flags.escalate": lambda: {},
    "flags.hide": lambda: {"hide-reason": "A safeguarding concern about a relative"},
    "flags.resolve": lambda: {"resolve-reason": "Taxi fares are part of the plan"},
    "flags.unhide": lambda: {},
    "funding_policy.edit": lambda: {"ask_gambling": "y", "ask_alcohol": "y",
                                    "words_gambling": "LOCAL BOOKIE",
                                    "unknown_payee_over": "75", "duplicate_days": "7",
                                    "duplicate_min": "10", "statement_gap_days": "35",
                                    "review_notice_days": "28"},
    # two-step sign-in (test_every_post.ACTING_AS says who). Setting up sends the key the
    # page showed with the code an app would give for it (the tests' own key here).
    "two_step.set_up": lambda: {"secret": TOTP_SECRET, "code": current_code()},
    "two_step.recovery_codes": lambda: {},
    "two_step.turn_off": lambda: {},
    # "no": so the support worker the other routes act as is not sent to set it up
    "two_step.organisation": lambda: {"required": "no"},
    # the world's review is under way with a question for the holder; these run in this
    # order (by name), so the review is decided, then signed off, then a new one starts
    "reviews.answer": lambda: {"answer": "A kettle for my PA's breaks",
                               "file": (io.BytesIO(PNG), "kettle.png")},
    # the world's cash withdrawal on 3 May (its flag), inside the review's period
    "reviews.ask": lambda: {"about": "flag:cash_withdrawal:1",
                            "question": "Do you have a receipt for the cash?"},
    "reviews.decide": lambda: {"decision": "advice", "notes": "Keep receipts for cash",
                               "recover_council": "", "recover_contribution": "",
                               "escalate_to": ""},
    "reviews.sign_off": lambda: {},
    "reviews.start": lambda: {**_date("period_start", 6, 10, 2026),
                              **_date("period_end", 5, 11, 2026)},
}

# Who sends a POST in the route-walking tests when the usual support worker may not: hiding
# a flag is a safeguarding lead's (an organisation admin's), and so is the funding policy.
ACTING_ROLES = {"flags.hide": "org_admin", "flags.unhide": "org_admin",
                "funding_policy.edit": "org_admin"}

# POST routes that are not about a holder's records, and what they change. The code after
# the password is sent with a code from the tests' authenticator key (test_every_post.py
# signs out and types the password first).
OTHER_POSTS = {"auth.sign_in", "auth.sign_out", "auth.two_step"}
