"""enforcement: waste carrier checks and further columns

Revision ID: b21a5e0c0003
Revises: b21a5e0c0002
Create Date: 2026-11-26 09:45:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = "b21a5e0c0003"
down_revision = "b21a5e0c0002"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
