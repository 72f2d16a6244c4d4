"""Imports every domain's models, so the metadata (and Alembic) sees every table."""

from app.audit.models import AuditEvent
from app.auth.models import ApiToken, LoginAttempt, User
from app.cards.models import Card, CardSheetJob
from app.desk.models import (
    DeclinedHandover,
    Distribution,
    DistributionLine,
    HandoverBasis,
    Refusal,
    VisitMember,
    VisitPeople,
)
from app.desk.offline_models import OfflineHandover, OfflineHandoverLine
from app.entitlements.models import EntitlementRule
from app.households.models import (
    Consent,
    Document,
    DocumentKeyConflict,
    DuplicateConfirmation,
    Household,
    HouseholdChange,
    ImportJob,
    Member,
    NameKey,
    NamePair,
)
from app.idempotency.models import IdempotencyName, IdempotencyRecord
from app.privacy.models import ErasureEntry
from app.programmes.models import Enrolment, Programme, ProgrammeVisit
from app.public.models import PublicCheckBudget
from app.sites.models import Site
from app.stock.models import (
    Barcode,
    Donation,
    DonationLine,
    Donor,
    Item,
    StockCount,
    StockCountLine,
    StockLevel,
    StockLot,
    StockMovement,
    Transfer,
    Voucher,
    VoucherBatch,
)
from app.tickets.models import Ticket

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Barcode",
    "Card",
    "CardSheetJob",
    "Consent",
    "DeclinedHandover",
    "Distribution",
    "DistributionLine",
    "Document",
    "DocumentKeyConflict",
    "Donation",
    "DonationLine",
    "Donor",
    "DuplicateConfirmation",
    "Enrolment",
    "EntitlementRule",
    "ErasureEntry",
    "HandoverBasis",
    "Household",
    "HouseholdChange",
    "IdempotencyName",
    "IdempotencyRecord",
    "ImportJob",
    "Item",
    "LoginAttempt",
    "Member",
    "NameKey",
    "NamePair",
    "OfflineHandover",
    "OfflineHandoverLine",
    "Programme",
    "ProgrammeVisit",
    "PublicCheckBudget",
    "Refusal",
    "Site",
    "StockCount",
    "StockCountLine",
    "StockLevel",
    "StockLot",
    "StockMovement",
    "Ticket",
    "Transfer",
    "User",
    "VisitMember",
    "VisitPeople",
    "Voucher",
    "VoucherBatch",
]
