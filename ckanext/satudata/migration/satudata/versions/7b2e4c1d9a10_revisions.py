"""Revisions of published datasets: a Produsen's change waits beside the
published version until the Walidata approves it.

Revision ID: 7b2e4c1d9a10
Revises: 3f1c0a9d2b7e
Create Date: 2026-12-03 08:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "7b2e4c1d9a10"
down_revision = "3f1c0a9d2b7e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_revision",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.Unicode(20), nullable=False),
        sa.Column("data", sa.UnicodeText, nullable=False),
        sa.Column("files", sa.UnicodeText, nullable=False, server_default="{}"),
        sa.Column("changes", sa.UnicodeText, nullable=False, server_default="[]"),
        sa.Column("withdraw", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("submitted_by", sa.UnicodeText, nullable=False),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("decided_role", sa.Unicode(20)),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
    )
    op.create_index("satudata_revision_package", "satudata_revision", ["package_id", "status"])


def downgrade():
    op.drop_table("satudata_revision")
