"""enforcement: waste carrier checks and further columns

Revision ID: b21a5e0c0003
Revises: b21a5e0c0002
Create Date: 2026-11-26 09:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b21a5e0c0003"
down_revision = "b21a5e0c0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "waste_carrier_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("carrier_name", sa.String(length=200), nullable=False),
        sa.Column("registration_number", sa.String(length=20), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_waste_carrier_checks_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["checked_by_id"], ["users.id"], name=op.f("fk_waste_carrier_checks_checked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_carrier_checks")),
    )
    op.create_index("ix_waste_carrier_checks_case", "waste_carrier_checks", ["case_id"], unique=False)


def downgrade():
    op.drop_index("ix_waste_carrier_checks_case", table_name="waste_carrier_checks")
    op.drop_table("waste_carrier_checks")
