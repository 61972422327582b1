"""Open-data services: data requests, their steps, and usage per dataset and day.

Revision ID: 3f1c0a9d2b7e
Revises:
Create Date: 2026-01-12 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3f1c0a9d2b7e"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "satudata_data_request",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Unicode(100), nullable=False),
        sa.Column("email", sa.Unicode(254), nullable=False),
        sa.Column("title", sa.Unicode(200), nullable=False),
        sa.Column("description", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("purpose", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("status", sa.Unicode(20), nullable=False, server_default="baru"),
        sa.Column("reply", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("dataset_id", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.Column("answered", sa.DateTime),
    )
    op.create_index("satudata_data_request_status", "satudata_data_request", ["status"])
    op.create_table(
        "satudata_data_request_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Integer,
                  sa.ForeignKey("satudata_data_request.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.Unicode(20), nullable=False),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("dataset_id", sa.UnicodeText),
        sa.Column("actor_id", sa.UnicodeText),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("ix_satudata_data_request_event_request_id", "satudata_data_request_event",
                    ["request_id"])
    op.create_table(
        "satudata_usage",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, primary_key=True),
        sa.Column("kind", sa.Unicode(10), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("satudata_usage_package_id", "satudata_usage", ["package_id"])


def downgrade():
    op.drop_table("satudata_usage")
    op.drop_table("satudata_data_request_event")
    op.drop_table("satudata_data_request")
