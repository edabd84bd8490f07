"""confidential public complaints filed before the anonymised default title: the reporter's name
out of the title, as new ones are titled ("Pengaduan pelayanan publik", without ": NAME")

A complaint whose reporter asked for confidentiality (details.confidential) keeps its identity for the
assigned staff alone, yet every list, page and e-mail of the office shows the title. Only titles
that are exactly the old default ("Pengaduan pelayanan publik: " + the reporter's name) change: a
title someone wrote is left alone. The label is written out here as it was when those titles were
made (a migration does not follow later renames of the process). Irreversible by design: the
downgrade does not put names back.

Revision ID: a1b2c3d4e5f7
Revises: b8d2f4a6c1e3
Create Date: 2026-11-29 09:20:00.000000

"""
import sqlalchemy as sa
from alembic import op


revision = 'a1b2c3d4e5f7'
down_revision = 'b8d2f4a6c1e3'
branch_labels = None
depends_on = None

PROCESS = "public_complaint"
LABEL = "Pengaduan pelayanan publik"

requests = sa.table(
    "requests",
    sa.column("id", sa.Integer),
    sa.column("process", sa.String),
    sa.column("title", sa.Text),
    sa.column("details", sa.JSON),
)


def anonymised_titles(rows) -> dict[int, str]:
    """id -> the new title, for each row whose title is the old default of a confidential complaint."""
    changes = {}
    for row_id, title, details in rows:
        details = details or {}
        name = details.get("name")
        if details.get("confidential") is True and isinstance(name, str) and name and title == f"{LABEL}: {name}":
            changes[row_id] = LABEL
    return changes


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(requests.c.id, requests.c.title, requests.c.details).where(requests.c.process == PROCESS)
    ).all()
    for row_id, title in anonymised_titles(rows).items():
        conn.execute(sa.update(requests).where(requests.c.id == row_id).values(title=title))


def downgrade():
    pass  # the names stay out of the titles
