"""Open311 clients, API keys and received updates

Revision ID: b21a5e0c0005
Revises: b21a5e0c0004
Create Date: 2026-11-26 09:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b21a5e0c0005"
down_revision = "b21a5e0c0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "open311_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("service_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_open311_clients_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["service_user_id"], ["users.id"], name=op.f("fk_open311_clients_service_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_clients")),
        sa.UniqueConstraint("name", name=op.f("uq_open311_clients_name")),
    )
    op.create_table(
        "open311_client_boroughs",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("borough_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["borough_id"], ["boroughs.id"], name=op.f("fk_open311_client_boroughs_borough_id_boroughs")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["open311_clients.id"],
            name=op.f("fk_open311_client_boroughs_client_id_open311_clients"),
        ),
        sa.PrimaryKeyConstraint("client_id", "borough_id", name=op.f("pk_open311_client_boroughs")),
    )
    op.create_table(
        "open311_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=12), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["open311_clients.id"], name=op.f("fk_open311_keys_client_id_open311_clients")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_open311_keys_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_open311_keys_revoked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_keys_key_hash")),
    )
    with op.batch_alter_table("open311_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_keys_client_id"), ["client_id"], unique=False)

    op.create_table(
        "open311_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_request_id", sa.String(length=40), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=40), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("address_string", sa.String(length=300), nullable=False),
        sa.Column("media_url", sa.String(length=1000), nullable=False),
        sa.Column("opened_case", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_open311_requests_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["client_id"], ["open311_clients.id"], name=op.f("fk_open311_requests_client_id_open311_clients")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_open311_requests_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_requests")),
        sa.UniqueConstraint("service_request_id", name=op.f("uq_open311_requests_service_request_id")),
    )
    with op.batch_alter_table("open311_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_requests_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_open311_requests_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_open311_requests_requested_at"), ["requested_at"], unique=False)

    op.create_table(
        "open311_citizen_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["open311_clients.id"],
            name=op.f("fk_open311_citizen_updates_client_id_open311_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name=op.f("fk_open311_citizen_updates_note_id_notes")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["open311_requests.id"],
            name=op.f("fk_open311_citizen_updates_request_id_open311_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_citizen_updates")),
        sa.UniqueConstraint("client_id", "update_id", name=op.f("uq_open311_citizen_updates_client_id")),
    )
    with op.batch_alter_table("open311_citizen_updates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_open311_citizen_updates_request_id"), ["request_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("open311_citizen_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open311_citizen_updates_request_id"))

    op.drop_table("open311_citizen_updates")
    with op.batch_alter_table("open311_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open311_requests_requested_at"))
        batch_op.drop_index(batch_op.f("ix_open311_requests_client_id"))
        batch_op.drop_index(batch_op.f("ix_open311_requests_case_id"))

    op.drop_table("open311_requests")
    with op.batch_alter_table("open311_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open311_keys_client_id"))

    op.drop_table("open311_keys")
    op.drop_table("open311_client_boroughs")
    op.drop_table("open311_clients")
