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
from .flags import (
    Flag,
    FlagAnswer,
    FlagNotice,
    FlagTold,
    FundingPolicy,
    ReviewQuestionTold,
)
from .funding import AgreementAmount, BudgetLine, FundingAgreement, OneOffPayment
from .payroll import (
    HolidayEntry,
    PaymentDue,
    PayRun,
    Payslip,
    PendingTimesheet,
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
    RecoveryCode,
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
    "Flag",
    "FlagAnswer",
    "FlagNotice",
    "FlagTold",
    "FundingAgreement",
    "FundingPolicy",
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
    "PendingTimesheet",
    "PendingUpload",
    "RecoveryCode",
    "Review",
    "ReviewQuestion",
    "ReviewQuestionTold",
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
