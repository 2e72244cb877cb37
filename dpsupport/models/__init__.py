"""SQLAlchemy models, one module per aggregate."""

from .audit import AuditEvent
from .banking import (
    Account,
    Attachment,
    AttachmentBlob,
    PendingUpload,
    StatementImport,
    Transaction,
)
from .base import Base
from .employment import ContractVersion, EmployerDetails, Employment
from .funding import AgreementAmount, BudgetLine, FundingAgreement, OneOffPayment
from .payroll import (
    HolidayEntry,
    PaymentDue,
    PayRun,
    Payslip,
    Shift,
    SicknessSpell,
    TimesheetApproval,
)
from .people import (
    Holder,
    HolderAccess,
    Membership,
    OneTimeLink,
    Organisation,
    SignInThrottle,
    User,
    UserSession,
)
from .reconcile import Match, SortingRule
from .review import Review, ReviewQuestion
from .summary import HolderSummary

__all__ = [
    "Account",
    "AgreementAmount",
    "Attachment",
    "AttachmentBlob",
    "AuditEvent",
    "Base",
    "BudgetLine",
    "ContractVersion",
    "EmployerDetails",
    "Employment",
    "FundingAgreement",
    "Holder",
    "HolderAccess",
    "HolderSummary",
    "HolidayEntry",
    "Match",
    "Membership",
    "OneOffPayment",
    "OneTimeLink",
    "Organisation",
    "PayRun",
    "PaymentDue",
    "Payslip",
    "PendingUpload",
    "Review",
    "ReviewQuestion",
    "Shift",
    "SicknessSpell",
    "SignInThrottle",
    "SortingRule",
    "StatementImport",
    "TimesheetApproval",
    "Transaction",
    "User",
    "UserSession",
]
