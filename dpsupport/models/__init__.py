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
    PendingTimesheet,
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
    "TimesheetApproval",
    "SicknessSpell",
    "Shift",
    "Payslip",
    "PayRun",
    "PaymentDue",
    "PendingTimesheet",
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
