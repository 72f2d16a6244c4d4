"""programmes: several kinds of help, each with its own rhythm; the rules and visits of
before move into the starting programme (decision 0034)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 22:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

STARTING = ("REGULAR", "Regular visit", {"ro": "Vizită obișnuită", "uk": "Звичайна видача"})


def upgrade():
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("names", sa.JSON(), server_default="{}", nullable=False),
        sa.Column("starting", sa.Boolean(), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=5), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("max_visits", sa.Integer(), nullable=True),
        sa.Column("enrolment", sa.String(length=10), nullable=False),
        sa.Column("for_under_age", sa.Integer(), nullable=True),
        sa.Column("for_min_age", sa.Integer(), nullable=True),
        sa.Column("for_disability", sa.Boolean(), nullable=False),
        sa.Column("for_chronic_disease", sa.Boolean(), nullable=False),
        sa.Column("for_pregnant_or_breastfeeding", sa.Boolean(), nullable=False),
        sa.Column("for_single_parent", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "enrolment IN ('automatic', 'manual')", name=op.f("ck_programmes_enrolment")
        ),
        sa.CheckConstraint(
            "period IS NULL OR period IN ('week', 'month')", name=op.f("ck_programmes_period")
        ),
        sa.CheckConstraint(
            "starting OR (interval_days IS NULL) <> (period IS NULL)",
            name=op.f("ck_programmes_one_rhythm"),
        ),
        sa.CheckConstraint(
            "interval_days IS NULL OR interval_days > 0", name=op.f("ck_programmes_interval")
        ),
        sa.CheckConstraint(
            "max_visits IS NULL OR max_visits > 0", name=op.f("ck_programmes_max_visits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("code", name=op.f("uq_programmes_code")),
    )
    op.create_index(
        "uq_programmes_starting",
        "programmes",
        ["starting"],
        unique=True,
        sqlite_where=sa.text("starting"),
        postgresql_where=sa.text("starting"),
    )
    op.create_table(
        "enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_enrolments_dates")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_enrolments_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["users.id"], name=op.f("fk_enrolments_ended_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_enrolments_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"], ["programmes.id"], name=op.f("fk_enrolments_programme_id_programmes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
    )
    op.create_index(op.f("ix_enrolments_household_id"), "enrolments", ["household_id"])
    op.create_index(
        "uq_enrolments_open",
        "enrolments",
        ["household_id", "programme_id"],
        unique=True,
        sqlite_where=sa.text("ended_on IS NULL"),
        postgresql_where=sa.text("ended_on IS NULL"),
    )
    op.create_table(
        "programme_visits",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("last_served_on", sa.Date(), nullable=True),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.CheckConstraint("visits >= 0", name=op.f("ck_programme_visits_visits")),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_programme_visits_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_visits_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("household_id", "programme_id", name=op.f("pk_programme_visits")),
    )
    op.create_table(
        "handover_bases",
        sa.Column("distribution_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("composition", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["distributions.id"],
            name=op.f("fk_handover_bases_distribution_id_distributions"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_handover_bases_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_handover_bases_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint(
            "distribution_id", "programme_id", name=op.f("pk_handover_bases")
        ),
        sa.UniqueConstraint(
            "household_id",
            "programme_id",
            "served_on",
            name=op.f("uq_handover_bases_household_id_programme_id_served_on"),
        ),
    )

    # The starting programme: every household, ELIGIBILITY_DAYS, the rules of before.
    programmes = sa.table(
        "programmes",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("names", sa.JSON),
        sa.column("starting", sa.Boolean),
        sa.column("enrolment", sa.String),
        sa.column("for_disability", sa.Boolean),
        sa.column("for_chronic_disease", sa.Boolean),
        sa.column("for_pregnant_or_breastfeeding", sa.Boolean),
        sa.column("for_single_parent", sa.Boolean),
        sa.column("version", sa.Integer),
        sa.column("active", sa.Boolean),
        sa.column("created_at", sa.DateTime),
    )
    op.execute(
        programmes.insert().values(
            code=STARTING[0],
            name=STARTING[1],
            names=STARTING[2],
            starting=True,
            enrolment="automatic",
            for_disability=False,
            for_chronic_disease=False,
            for_pregnant_or_breastfeeding=False,
            for_single_parent=False,
            version=1,
            active=True,
            created_at=sa.func.now(),
        )
    )
    starting = "(SELECT id FROM programmes WHERE starting)"

    with op.batch_alter_table("entitlement_rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE entitlement_rules SET programme_id = {starting}")
    with op.batch_alter_table("entitlement_rules", schema=None) as batch_op:
        batch_op.alter_column("programme_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_entitlement_rules_programme_id_programmes"),
            "programmes",
            ["programme_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_entitlement_rules_programme_id"), ["programme_id"], unique=False
        )

    with op.batch_alter_table("distribution_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("declined", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_distribution_lines_programme_id_programmes"),
            "programmes",
            ["programme_id"],
            ["id"],
        )
    # The visits of before were under the starting programme; their basis is the programme
    # at version 1, the composition not recorded then (None).
    op.execute(f"UPDATE distribution_lines SET programme_id = {starting}")
    op.execute(
        "INSERT INTO handover_bases (distribution_id, programme_id, household_id, served_on,"
        f" rule_version) SELECT id, {starting}, household_id, served_on, 1 FROM distributions"
    )


def downgrade():
    with op.batch_alter_table("distribution_lines", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_distribution_lines_programme_id_programmes"), type_="foreignkey"
        )
        batch_op.drop_column("declined")
        batch_op.drop_column("programme_id")
    with op.batch_alter_table("entitlement_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entitlement_rules_programme_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_entitlement_rules_programme_id_programmes"), type_="foreignkey"
        )
        batch_op.drop_column("programme_id")
    op.drop_table("handover_bases")
    op.drop_table("programme_visits")
    op.drop_index("uq_enrolments_open", table_name="enrolments")
    op.drop_index(op.f("ix_enrolments_household_id"), table_name="enrolments")
    op.drop_table("enrolments")
    op.drop_index("uq_programmes_starting", table_name="programmes")
    op.drop_table("programmes")
