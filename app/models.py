"""Imports every domain's models, so the metadata (and Alembic) sees every table."""

from app.audit.models import AuditEvent
from app.auth.models import ApiToken, LoginAttempt, User
from app.cards.models import Card, CardSheetJob
from app.desk.models import Distribution, DistributionLine, Refusal, VisitPeople
from app.entitlements.models import EntitlementRule
from app.households.models import Document, Household, Member, NameKey
from app.idempotency.models import IdempotencyRecord
from app.stock.models import Donation, DonationLine, Item, Site, StockLevel, StockMovement

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Card",
    "CardSheetJob",
    "Distribution",
    "DistributionLine",
    "Document",
    "Donation",
    "DonationLine",
    "EntitlementRule",
    "Household",
    "IdempotencyRecord",
    "Item",
    "LoginAttempt",
    "Member",
    "NameKey",
    "Refusal",
    "Site",
    "StockLevel",
    "StockMovement",
    "User",
    "VisitPeople",
]
