"""The portal's inbox (what the Walidata did, what waits) and the log of every
e-mail it tried to send.

Revision ID: c5e1f7a3b2d4
Revises: 7b2e4c1d9a10
Create Date: 2026-12-03 23:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = "c5e1f7a3b2d4"
down_revision = "7b2e4c1d9a10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_notice",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("kind", sa.Unicode(30), nullable=False),
        sa.Column("package_id", sa.UnicodeText),
        sa.Column("title", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("actor_role", sa.Unicode(30), nullable=False, server_default=""),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("read_at", sa.DateTime),
    )
    op.create_index("satudata_notice_user", "satudata_notice", ["user_id", "read_at"])
    op.create_table(
        "satudata_mail",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("kind", sa.Unicode(30), nullable=False),
        sa.Column("recipient", sa.UnicodeText, nullable=False),
        sa.Column("subject", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("status", sa.Unicode(10), nullable=False),
        sa.Column("error", sa.UnicodeText, nullable=False, server_default=""),
    )
    op.create_index("satudata_mail_created", "satudata_mail", ["created"])


def downgrade():
    op.drop_table("satudata_mail")
    op.drop_table("satudata_notice")
