"""The role each person of the workflow acted in, stored beside their name
(``approval_by_role``, ``approval_submitted_by_role``; ``roles.with_roles``
stores them from now on). Datasets submitted or verified before get the role
their people have now, which is what the public was shown until now.

Revision ID: e2d9b6a41c37
Revises: c5e1f7a3b2d4
Create Date: 2026-12-04 19:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "e2d9b6a41c37"
down_revision = "c5e1f7a3b2d4"
branch_labels = None
depends_on = None

FIELDS = {"approval_by": "approval_by_role", "approval_submitted_by": "approval_submitted_by_role"}

# As roles.workflow_roles reads them on this date: sysadmins and the admins and
# editors of the Walidata's Instansi are the Walidata, those of the Pembina's the
# Pembina Data, everyone else (and a name nobody has) a Produsen Data; a Pembina
# Data submits as a Produsen Data of their Instansi (roles.acted_as).
_BACKFILL = """
WITH people AS (
  SELECT u.name, u.id,
         CASE WHEN bool_or(u.sysadmin OR g.name = :walidata) THEN 'walidata'
              WHEN bool_or(g.name = :pembina) THEN '{pembina}' ELSE 'produsen' END AS role
  FROM "user" u
  LEFT JOIN member m ON m.table_id = u.id AND m.table_name = 'user' AND m.state = 'active'
                    AND m.capacity IN ('admin', 'editor')
  LEFT JOIN "group" g ON g.id = m.group_id AND g.is_organization AND g.state = 'active'
                     AND g.name IN (:walidata, :pembina)
  GROUP BY u.name, u.id
)
UPDATE package p
SET extras = p.extras || jsonb_build_object('{role}', coalesce(
  (SELECT role FROM people WHERE people.name = p.extras->>'{field}' OR people.id = p.extras->>'{field}' LIMIT 1),
  'produsen'))
WHERE coalesce(p.extras->>'{field}', '') <> '' AND NOT p.extras ? '{role}'
"""


def upgrade():
    from ckan.common import config
    backfill(op.get_bind(), config.get("ckanext.satudata.walidata_org") or "diskominfo",
             config.get("ckanext.satudata.pembina_org") or "bps")


def backfill(connection, walidata: str, pembina: str) -> None:
    for field, role in FIELDS.items():
        acted = "pembina" if field == "approval_by" else "produsen"
        connection.execute(sa.text(_BACKFILL.format(field=field, role=role, pembina=acted)),
                           {"walidata": walidata, "pembina": pembina})


def downgrade():
    for role in FIELDS.values():
        op.get_bind().execute(sa.text(f"UPDATE package SET extras = extras - '{role}' WHERE extras ? '{role}'"))
