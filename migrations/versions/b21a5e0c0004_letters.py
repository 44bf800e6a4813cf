"""letter templates and generated letters

Revision ID: b21a5e0c0004
Revises: b21a5e0c0003
Create Date: 2026-11-26 09:45:00

"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b21a5e0c0004"
down_revision = "b21a5e0c0003"
branch_labels = None
depends_on = None

# The default wording as it stood when this revision was written (a snapshot: the app's own copy,
# casework/letters/default_wording/, may move on; councils then edit theirs on /admin/settings/letters).
DEFAULT_WORDING = (
    (
        "warning_letter",
        "Warning letter",
        "Dear {{ recipient_name }}\n\nWe have received reports of behaviour that is affecting your neighbours or the local area, linked to you or to your address, which we are investigating under case {{ case_reference }}. Behaviour of this kind causes real distress and harm to the people who live and work nearby.\n\n## What we are asking you to do\nPlease stop this behaviour now, and make sure that anyone living with or visiting you does the same.\n\nThis letter is a warning. It is not a legal notice and it does not mean that you have committed an offence. But if the behaviour continues, the council and its partners may take formal action under the Anti-social Behaviour, Crime and Policing Act 2014 or the Environmental Protection Act 1990. That can include a Community Protection Warning, a Community Protection Notice, a fixed penalty notice, an application to court or prosecution.\n\nIf you think this letter has been sent to you by mistake, or there is something we should know, please contact us quoting the reference {{ case_reference }}.\n\nYours sincerely\n\n{{ officer_name }}\nOn behalf of {{ council_name }}\n{{ partnership_name }}",
    ),
    (
        "cpw",
        "Community Protection Warning",
        "Dear {{ recipient_name }}\n\n## Anti-social Behaviour, Crime and Policing Act 2014, section 43\n\nThis is a Community Protection Warning, issued to you on {{ issued_on }} by an authorised officer of {{ council_name }}.\n\nWe are satisfied that your conduct is having a detrimental effect, of a persistent or continuing nature, on the quality of life of those in the locality, and that the conduct is unreasonable.\n\n## What you must do\n{{ requirements }}\n\nYou must do this by {{ compliance_date }}.\n\n## What happens if you do not\nIf your conduct continues after {{ compliance_date }}, a Community Protection Notice may be issued to you under section 43 of the Act. Failing to comply with a Community Protection Notice is a criminal offence. It can be dealt with by a fixed penalty notice of up to £100 or by prosecution, with a fine on conviction of up to £2,500 for an individual or £20,000 for a business.\n\nIf you wish to discuss this warning, please contact us quoting the reference {{ notice_reference }}.\n\nYours sincerely\n\n{{ officer_name }}\nOn behalf of {{ council_name }}\n{{ partnership_name }}",
    ),
    (
        "cpn",
        "Community Protection Notice",
        "Dear {{ recipient_name }}\n\n## Anti-social Behaviour, Crime and Policing Act 2014, section 43\n\nThis is a Community Protection Notice, issued to you on {{ issued_on }} by an authorised officer of {{ council_name }}.\n\nYou were given a Community Protection Warning about your conduct and you were given enough time to deal with it. We are satisfied that your conduct has continued, that it is having a detrimental effect, of a persistent or continuing nature, on the quality of life of those in the locality, and that it is unreasonable.\n\n## What this notice requires you to do\n{{ requirements }}\n\nYou must comply with these requirements by {{ compliance_date }}.\n\n## Your right of appeal\nYou may appeal against this notice to a magistrates' court within 21 days of the date it was issued to you. You may appeal on the grounds set out in section 46 of the Act, for example that the conduct did not take place, that it has not had a detrimental effect on the quality of life of those in the locality, that it is not unreasonable, or that a requirement is unreasonable. While an appeal is pending, requirements to do something are suspended; requirements to stop doing something remain in force.\n\n## If you do not comply\nFailing to comply with a Community Protection Notice without reasonable excuse is a criminal offence under section 48 of the Act. You may be offered a fixed penalty notice of up to £100, or be prosecuted and fined up to £2,500 (£20,000 for a business). The council may also carry out the work needed and recover its costs from you, or apply to court for a remedial order or for the forfeiture of any item used in the offence.\n\nPlease quote the reference {{ notice_reference }} in any contact with us.\n\nYours sincerely\n\n{{ officer_name }}\nOn behalf of {{ council_name }}\n{{ partnership_name }}",
    ),
    (
        "fpn",
        "Fixed Penalty Notice",
        "Dear {{ recipient_name }}\n\nThis is a fixed penalty notice, issued to you on {{ issued_on }} by an authorised officer of {{ council_name }}.\n\n## The offence\nAn authorised officer has reason to believe that you have committed the offence of: {{ offence }}.\nWhere: {{ incident_address }}\n\n## Paying the fixed penalty\nThe fixed penalty is {{ amount }}. {{ early_payment_offer }}\n\nYou must pay within 14 days of the date of this notice, that is by {{ payment_due }}.\n\n## How to pay\nPay the council online through its website, or by telephone to its payments line, quoting the notice reference {{ notice_reference }}. Do not send cash by post.\n\n## If you do not pay\nPaying the fixed penalty discharges your liability to conviction for the offence: no proceedings will be taken against you for it if you pay in full by {{ payment_due }}. If you do not pay in full by that date, the council will consider prosecuting you for the offence. On conviction a court may fine you more than the fixed penalty and order you to pay costs.\n\nYou do not have to pay the fixed penalty. If you believe you did not commit the offence, you may choose not to pay, in which case the matter may be decided by a court.\n\nYours sincerely\n\n{{ officer_name }}\nOn behalf of {{ council_name }}\n{{ partnership_name }}",
    ),
    (
        "s34_notice",
        "Notice to produce waste transfer documents",
        "Dear {{ recipient_name }}\n\n## Environmental Protection Act 1990, section 34(5), and the regulations made under it\n\n{{ council_name }} is investigating waste found at {{ incident_address }} under case {{ case_reference }}.\n\nAnyone who produces, carries, keeps or disposes of controlled waste has a duty of care under section 34 of the Environmental Protection Act 1990. This includes keeping a written description of the waste and a waste transfer note for each transfer of waste, for at least two years.\n\n## What you must produce\nYou are required to produce to the council, by {{ compliance_date }}, copies of:\n- the waste transfer notes or other written descriptions of waste for any waste you transferred to another person;\n- the name and waste carrier registration number of anyone who collected or carried waste for you;\n- any invoices or receipts for the collection or disposal of that waste.\n\n## What happens if you do not\nFailing, without reasonable excuse, to produce the documents required by this notice is an offence. It may be dealt with by a fixed penalty notice or by prosecution. A failure to comply with the duty of care itself is also an offence, which on conviction can lead to an unlimited fine.\n\nPlease send the documents, or contact us, quoting the reference {{ notice_reference }}.\n\nYours sincerely\n\n{{ officer_name }}\nOn behalf of {{ council_name }}\n{{ partnership_name }}",
    ),
)


def upgrade():
    op.create_table(
        "letter_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_letter_templates_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_templates")),
        sa.UniqueConstraint("code", name=op.f("uq_letter_templates_code")),
    )
    op.create_table(
        "letter_template_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["saved_by_id"], ["users.id"], name=op.f("fk_letter_template_versions_saved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["letter_templates.id"],
            name=op.f("fk_letter_template_versions_template_id_letter_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_template_versions")),
        sa.UniqueConstraint("template_id", "version", name=op.f("uq_letter_template_versions_template_id")),
    )
    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("template_version_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("heading", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("generated_by_id", sa.Integer(), nullable=True),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["enforcement_actions.id"], name=op.f("fk_letters_action_id_enforcement_actions")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_letters_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_letters_evidence_id_evidence")
        ),
        sa.ForeignKeyConstraint(
            ["generated_by_id"], ["users.id"], name=op.f("fk_letters_generated_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["template_version_id"],
            ["letter_template_versions.id"],
            name=op.f("fk_letters_template_version_id_letter_template_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letters_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_letters_case_id"), ["case_id"], unique=False)

    _seed_default_wording()


def _seed_default_wording():
    templates = sa.table(
        "letter_templates",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("title", sa.String),
        sa.column("body", sa.Text),
        sa.column("version", sa.Integer),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    versions = sa.table(
        "letter_template_versions",
        sa.column("template_id", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("title", sa.String),
        sa.column("body", sa.Text),
        sa.column("saved_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        templates,
        [
            {"code": code, "title": title, "body": body, "version": 1, "updated_at": now}
            for code, title, body in DEFAULT_WORDING
        ],
    )
    ids = dict(op.get_bind().execute(sa.select(templates.c.code, templates.c.id)).all())
    op.bulk_insert(
        versions,
        [
            {"template_id": ids[code], "version": 1, "title": title, "body": body, "saved_at": now}
            for code, title, body in DEFAULT_WORDING
        ],
    )


def downgrade():
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letters_case_id"))
        batch_op.drop_index(batch_op.f("ix_letters_action_id"))

    op.drop_table("letters")
    op.drop_table("letter_template_versions")
    op.drop_table("letter_templates")
