"""Limits that hold for every way data comes in (typed, uploaded or from the command line).

MAX_AMOUNT_PENCE: the largest single amount of money, in or out, that the app accepts,
whether typed into a form or read from a bank statement. £10 million is far above any real
direct payment, so a larger figure is a typing or file error; and a sum of up to 200,000 such
amounts (an import's largest file) still fits a 64-bit integer many times over, so no sum
in SQLite or PostgreSQL can overflow.
"""

from __future__ import annotations

MAX_AMOUNT_PENCE = 10_000_000_00  # £10,000,000.00
MAX_AMOUNT_TEXT = "£10,000,000"

# A balance the bank reports is not money coming in: it is never added up, only shown and
# compared. It is read whatever its size up to this bound (£10 trillion), which only keeps it
# inside the database's 64-bit integers.
MAX_BALANCE_PENCE = 10**15
