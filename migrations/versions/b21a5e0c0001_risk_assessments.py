"""risk assessments (questionnaire, answers, scores), case risk

Revision ID: b21a5e0c0001
Revises: 24fb8539e176
Create Date: 2026-11-26 09:45:00

"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


# revision identifiers, used by Alembic.
revision = "b21a5e0c0001"
down_revision = "24fb8539e176"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
