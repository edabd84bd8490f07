"""confidential public complaints: the reporter's name out of the notices written before the
anonymised default title (in-app notifications, e-mails not yet sent)

A notification or a queued e-mail about a complaint whose reporter asked for confidentiality
(details.confidential) was written with the request's title of the time, "Pengaduan pelayanan
publik: NAME", and its text may quote the name or phone in a comment. Unlike the events, these rows
are not an append-only trail: they are fixed in place, with the wording the events are redacted with
on the way out (operations/event_redaction.py): the old default title becomes the anonymised title
(the label), any other whole-word mention of the name or phone "[disembunyikan]". Columns fixed: the
subject, the stored body and the context (JSON, rendered when shown or sent).

Left as they are: e-mails already sent (sent_at set: what went out is history), and e-mails to the
reporter themselves (recipient = the request's applicant_email: their own name, as new ones are
written). The label, the mark and the identity fields are written out as they were when those rows
were made (a migration does not follow later renames). Irreversible by design.

Revision ID: d6f8a0b2c4e7
Revises: c9e1f3a5b7d2
Create Date: 2026-11-29 12:20:00.000000

"""
import re

import sqlalchemy as sa
from alembic import op


revision = 'd6f8a0b2c4e7'
down_revision = 'c9e1f3a5b7d2'
branch_labels = None
depends_on = None

PROCESS = "public_complaint"
LABEL = "Pengaduan pelayanan publik"
IDENTITY_FIELDS = ("name", "phone")
REDACTED = "[disembunyikan]"
MIN_LENGTH = 3  # shorter values (an initial) would redact unrelated words

requests = sa.table(
    "requests",
    sa.column("id", sa.Integer),
    sa.column("process", sa.String),
    sa.column("details", sa.JSON),
    sa.column("applicant_email", sa.String),
)
notifications = sa.table(
    "notifications",
    sa.column("id", sa.Integer),
    sa.column("request_id", sa.Integer),
    sa.column("subject", sa.String),
    sa.column("body", sa.Text),
    sa.column("context", sa.JSON),
)
outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer),
    sa.column("request_id", sa.Integer),
    sa.column("recipient", sa.String),
    sa.column("subject", sa.String),
    sa.column("body", sa.Text),
    sa.column("context", sa.JSON),
    sa.column("sent_at", sa.DateTime),
)


def identity_pattern(details) -> re.Pattern | None:
    """The reporter's name and phone as whole words, any case (as event_redaction.withheld_identity)."""
    details = details or {}
    if details.get("confidential") is not True:
        return None
    values = {
        v.strip() for f in IDENTITY_FIELDS if isinstance(v := details.get(f), str) and len(v.strip()) >= MIN_LENGTH
    }
    if not values:
        return None
    words = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def redact(value, pattern: re.Pattern):
    if isinstance(value, str):
        # then the old default title "LABEL: NAME", wherever it stands (the title line of a body)
        return pattern.sub(REDACTED, value).replace(f"{LABEL}: {REDACTED}", LABEL)
    if isinstance(value, dict):
        return {k: redact(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, pattern) for v in value]
    return value


def _fix(conn, table, where, pattern) -> None:
    rows = conn.execute(sa.select(table.c.id, table.c.subject, table.c.body, table.c.context).where(where)).all()
    for row_id, subject, body, context in rows:
        new = {"subject": redact(subject, pattern), "body": redact(body, pattern), "context": redact(context, pattern)}
        if new != {"subject": subject, "body": body, "context": context}:
            conn.execute(sa.update(table).where(table.c.id == row_id).values(**new))


def upgrade():
    conn = op.get_bind()
    complaints = conn.execute(
        sa.select(requests.c.id, requests.c.details, requests.c.applicant_email).where(requests.c.process == PROCESS)
    ).all()
    for request_id, details, applicant_email in complaints:
        pattern = identity_pattern(details)
        if pattern is None:
            continue
        _fix(conn, notifications, notifications.c.request_id == request_id, pattern)
        unsent = sa.and_(outbox.c.request_id == request_id, outbox.c.sent_at.is_(None))
        if applicant_email:
            unsent = sa.and_(unsent, outbox.c.recipient != applicant_email)
        _fix(conn, outbox, unsent, pattern)


def downgrade():
    pass  # the names stay out
