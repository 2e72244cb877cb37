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
from .flags import Flag, FlagAnswer, FlagNotice, FundingPolicy
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
    Organisation,
    SignInThrottle,
    User,
    UserSession,
)

__all__ = [
    "Flag",
    "FlagAnswer",
    "FlagNotice",
    "FundingPolicy",
    "TimesheetApproval",
    "SicknessSpell",
    "Shift",
    "Payslip",
    "PayRun",
    "PaymentDue",
    "HolidayEntry",
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
    "Membership",
    "OneOffPayment",
    "PendingUpload",
    "Organisation",
    "SignInThrottle",
    "StatementImport",
    "Transaction",
    "User",
    "UserSession",
]
