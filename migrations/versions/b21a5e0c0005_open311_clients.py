"""Open311 clients, API keys and received updates

Revision ID: b21a5e0c0005
Revises: b21a5e0c0004
Create Date: 2026-11-26 09:45:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = "b21a5e0c0005"
down_revision = "b21a5e0c0004"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
