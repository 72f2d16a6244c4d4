"""The record of processing (GDPR Art. 30), declared here next to the code and shown by the
/privacy page. tests/privacy/test_records.py fails when a column of a table holding people's
data is declared in no entry, so the record cannot fall behind the models."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Processing:
    category: object  # a lazy translated string
    columns: tuple[str, ...]  # "table.column" held for it
    purpose: object
    basis: object
    kept: object
    seen_by: tuple[str, ...]  # roles
    special: bool = False  # special-category data (GDPR Art. 9)
    note: object = ""  # how a role's view is narrowed


DESK = ("volunteer", "coordinator")
COORDINATOR = ("coordinator",)
RETENTION = _l("Until AID_RETENTION_MONTHS (24 by default) after the last visit, or erasure")

PROCESSING: tuple[Processing, ...] = (
    Processing(
        _l("Identity of household members"),
        (
            "members.given_name",
            "members.family_name",
            "members.given_name_native",
            "members.family_name_native",
            "members.birth_date",
            "members.sex",
            "members.relationship",
            "members.household_id",
            "members.created_at",
            "members.id",
            "name_keys.key",
            "name_keys.member_id",
        ),
        _l("Recognise the family at the desk; count people by sex and age"),
        _l("Public interest task of humanitarian aid (Art. 6(1)(e)); vital interests"),
        RETENTION,
        DESK,
    ),
    Processing(
        _l("Identity documents"),
        (
            "documents.type",
            "documents.number",
            "documents.number_key",
            "documents.country",
            "documents.expires_on",
            "documents.member_id",
            "documents.id",
        ),
        _l("One registration per person; find a family that forgot its card"),
        _l("Public interest task (Art. 6(1)(e))"),
        RETENTION,
        DESK,
        note=_l("Volunteers see the last 4 characters only."),
    ),
    Processing(
        _l("Health flags: disability, chronic disease, pregnant or breastfeeding"),
        ("members.disability", "members.chronic_disease", "members.pregnant_or_breastfeeding"),
        _l("Entitlement to the medical voucher"),
        _l("Explicit consent (Art. 9(2)(a)), withdrawable"),
        RETENTION,
        DESK,
        special=True,
        note=_l("Volunteers see the resulting entitlement only, never the flags."),
    ),
    Processing(
        _l("Consents to health flags and a photo"),
        (
            "consents.id",
            "consents.member_id",
            "consents.kind",
            "consents.given_at",
            "consents.given_by_id",
            "consents.withdrawn_at",
            "consents.withdrawn_by_id",
        ),
        _l("Ask for health flags or a photo only with the person's recorded consent"),
        _l("Legal obligation to prove consent (Art. 7(1))"),
        RETENTION,
        DESK,
    ),
    Processing(
        _l("Single parent"),
        ("members.single_parent",),
        _l("Vulnerability the entitlement rules may weigh"),
        _l("Public interest task (Art. 6(1)(e))"),
        RETENTION,
        DESK,
        note=_l("Volunteers see the resulting entitlement only, never the flag."),
    ),
    Processing(
        _l("Photo of the head of household (when switched on)"),
        ("members.photo",),
        _l("Recognise the card holder"),
        _l("Consent (Art. 6(1)(a)), withdrawable: withdrawing deletes the photo"),
        RETENTION,
        DESK,
    ),
    Processing(
        _l("Changes to a household, and duplicate checks"),
        (
            "members.departed_on",
            "household_changes.id",
            "household_changes.household_id",
            "household_changes.member_id",
            "household_changes.kind",
            "household_changes.other_household_id",
            "household_changes.changed_by_id",
            "household_changes.changed_at",
            "duplicate_confirmations.id",
            "duplicate_confirmations.member_id",
            "duplicate_confirmations.candidate_id",
            "duplicate_confirmations.confirmed_by_id",
            "duplicate_confirmations.confirmed_at",
        ),
        _l("Keep households true; one registration per person"),
        _l("Public interest task (Art. 6(1)(e))"),
        RETENTION,
        DESK,
    ),
    Processing(
        _l("Vouchers handed over, by serial"),
        (
            "vouchers.id",
            "vouchers.serial",
            "vouchers.batch_id",
            "vouchers.item_id",
            "vouchers.distribution_id",
            "vouchers.household_id",
            "vouchers.issued_at",
        ),
        _l("A serial is issued once; accounts to the donors of vouchers"),
        _l("Public interest task (Art. 6(1)(e))"),
        _l("Kept; anonymous once the household is erased"),
        DESK,
    ),
    Processing(
        _l("Household contact and place"),
        (
            "households.phone",
            "households.locality",
            "households.id",
            "households.site_id",
            "households.registered_on",
            "households.created_at",
            "households.created_by_id",
            "households.last_served_on",
            "households.erased_at",
        ),
        _l("Reach the family; the 10-day rule"),
        _l("Public interest task (Art. 6(1)(e))"),
        RETENTION,
        DESK,
    ),
    Processing(
        _l("Household cards"),
        (
            "cards.id",
            "cards.household_id",
            "cards.number",
            "cards.nonce",
            "cards.token_hash",
            "cards.issued_at",
            "cards.issued_by_id",
            "cards.reason",
            "cards.revoked_at",
        ),
        _l("Check in at the desk"),
        _l("Public interest task (Art. 6(1)(e))"),
        RETENTION,
        DESK,
    ),
    Processing(
        _l("Visits and refusals"),
        (
            "distributions.id",
            "distributions.household_id",
            "distributions.site_id",
            "distributions.served_on",
            "distributions.served_at",
            "distributions.user_id",
            "distributions.card_id",
            "distributions.people",
            "distributions.without_card",
            "refusals.id",
            "refusals.household_id",
            "refusals.site_id",
            "refusals.refused_on",
            "refusals.at",
            "refusals.user_id",
            "declined_handovers.id",
            "declined_handovers.household_id",
            "declined_handovers.site_id",
            "declined_handovers.declined_on",
            "declined_handovers.at",
            "declined_handovers.user_id",
            "declined_handovers.reason",
        ),
        _l("The 10-day rule; the day's counts for donors"),
        _l("Public interest task (Art. 6(1)(e))"),
        _l("Kept; anonymous once the household is erased"),
        DESK,
    ),
    Processing(
        _l("Staff accounts and logins"),
        (
            "users.id",
            "users.username",
            "users.password_hash",
            "users.role",
            "users.active",
            "users.session_version",
            "users.created_at",
            "users.language",
            "login_attempts.id",
            "login_attempts.at",
            "login_attempts.username",
            "login_attempts.address",
            "login_attempts.succeeded",
        ),
        _l("Sign-in, roles, slowing password guessing"),
        _l("Legitimate interest in security (Art. 6(1)(f))"),
        _l("Accounts while in use; login attempts 90 days"),
        COORDINATOR,
    ),
    Processing(
        _l("Audit trail"),
        (
            "audit_events.id",
            "audit_events.at",
            "audit_events.user_id",
            "audit_events.address",
            "audit_events.action",
            "audit_events.entity",
            "audit_events.entity_id",
            "audit_events.fields",
        ),
        _l("Accountability: who wrote or saw what, when, from which desk (never the values)"),
        _l("Legal obligation (Art. 5(2), 32)"),
        _l("Kept"),
        COORDINATOR,
    ),
)

# Tables whose every column must be declared above.
PERSONAL_TABLES = (
    "households",
    "members",
    "documents",
    "name_keys",
    "cards",
    "distributions",
    "refusals",
    "declined_handovers",
    "consents",
    "household_changes",
    "duplicate_confirmations",
    "vouchers",
    "users",
    "login_attempts",
    "audit_events",
)
