"""case review: further tables and columns

Revision ID: b21a5e0c0002
Revises: b21a5e0c0001
Create Date: 2026-11-26 09:45:00

Adds who decided the threshold and whether it was met on potential harm, what an appeal is against,
the incident a complaint was taken from, and the default service level for deciding an appeal
(15 working days), which the admin edits with the other service levels.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b21a5e0c0002"
down_revision = "b21a5e0c0001"
branch_labels = None
depends_on = None

APPEAL_POLICY = "case_review_appeal"
LADDER = ["assigned_officer", "officer_manager", "partnership_manager", "panel:csmap"]


def _policies() -> sa.Table:
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
    with op.batch_alter_table("case_review_appeals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("against", sa.String(length=20), server_default="threshold", nullable=False)
        )

    with op.batch_alter_table("case_review_applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("met_on_potential_harm", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("threshold_decided_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_case_review_applications_threshold_decided_by_id_users"),
            "users",
            ["threshold_decided_by_id"],
            ["id"],
        )

    with op.batch_alter_table("case_review_complaints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_case_review_complaints_incident_id_incidents"),
            "incidents",
            ["incident_id"],
            ["id"],
        )

    now = datetime.now(UTC)
    op.bulk_insert(
        _policies(),
        [
            {
                "kind": APPEAL_POLICY,
                "case_type_group": None,
                "risk": None,
                "state": None,
                "duration_value": 15,
                "duration_unit": "working_days",
                "reminder_leads": [{"value": 3, "unit": "working_days"}],
                "ladder": LADDER,
                "description": "Decide an appeal.",
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )


def downgrade():
    policies = _policies()
    op.execute(policies.delete().where(policies.c.kind == APPEAL_POLICY))

    with op.batch_alter_table("case_review_complaints", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_case_review_complaints_incident_id_incidents"), type_="foreignkey"
        )
        batch_op.drop_column("incident_id")

    with op.batch_alter_table("case_review_applications", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_case_review_applications_threshold_decided_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("threshold_decided_by_id")
        batch_op.drop_column("met_on_potential_harm")

    with op.batch_alter_table("case_review_appeals", schema=None) as batch_op:
        batch_op.drop_column("against")
