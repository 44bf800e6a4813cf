"""risk assessments (questionnaire, answers, scores), case risk

The high-risk service levels are seeded here (a frozen copy of the rows casework/deadlines/policies.py
adds to DEFAULT_POLICIES): reviews of a high-risk victim's case every 5 working days, and the
reassessment clock per level (high 10, medium 20, standard 40 working days).

Revision ID: b21a5e0c0001
Revises: 24fb8539e176
Create Date: 2026-11-26 09:45:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b21a5e0c0001"
down_revision = "24fb8539e176"
branch_labels = None
depends_on = None

DAYS = "working_days"
LADDER = ["assigned_officer", "officer_manager", "partnership_manager", "panel:csmap"]
# (kind, risk, starting state, working days, reminder lead in working days, description)
POLICIES = [
    *(
        ("review", "high", state, 5, 1, "Review a high-risk victim's case every 5 working days.")
        for state in ("under_investigation", "enforcement_action", "awaiting_compliance")
    ),
    ("risk_reassessment", "high", None, 10, 2, "Reassess a high-risk victim within 10 working days."),
    ("risk_reassessment", "medium", None, 20, 5, "Reassess a medium-risk victim within 20 working days."),
    ("risk_reassessment", "standard", None, 40, 5, "Reassess a standard-risk victim within 40 working days."),
]


def _policies_table():
    return sa.table(
        "service_level_policies",
        sa.column("kind", sa.String),
        sa.column("case_type_group", sa.String),
        sa.column("risk", sa.String),
        sa.column("state", sa.String),
        sa.column("duration_value", sa.Integer),
        sa.column("duration_unit", sa.String),
        sa.column("reminder_leads", sa.JSON),
        sa.column("ladder", sa.JSON),
        sa.column("description", sa.String),
        sa.column("active", sa.Boolean),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )


def upgrade():
    op.create_table(
        "risk_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("section_scores", sa.JSON(), nullable=False),
        sa.Column("total_score", sa.Integer(), nullable=False),
        sa.Column("computed_level", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("level_reason", sa.Text(), nullable=False),
        sa.Column("judgement", sa.Text(), nullable=False),
        sa.Column("previous_level", sa.String(length=20), nullable=True),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"],
            ["users.id"],
            name=op.f("fk_risk_assessments_assessed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_risk_assessments_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_risk_assessments_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessments")),
    )
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_index("ix_risk_assessments_case_at", ["case_id", "assessed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_risk_assessments_person_id"), ["person_id"], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk", sa.String(length=20), nullable=True))

    now = datetime.now(UTC)
    op.bulk_insert(
        _policies_table(),
        [
            {
                "kind": kind,
                "case_type_group": None,
                "risk": risk,
                "state": state,
                "duration_value": days,
                "duration_unit": DAYS,
                "reminder_leads": [{"value": lead, "unit": DAYS}],
                "ladder": LADDER,
                "description": description,
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
            for kind, risk, state, days, lead, description in POLICIES
        ],
    )


def downgrade():
    policies = _policies_table()
    op.execute(
        policies.delete().where(
            sa.or_(
                policies.c.kind == "risk_reassessment",
                sa.and_(policies.c.kind == "review", policies.c.risk == "high"),
            )
        )
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("risk")

    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_assessments_person_id"))
        batch_op.drop_index("ix_risk_assessments_case_at")

    op.drop_table("risk_assessments")
