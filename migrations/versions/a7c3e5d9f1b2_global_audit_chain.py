"""audit: the global chain over every event (audit_chain, audit_head), filled in event order

Revision ID: a7c3e5d9f1b2
Revises: b7c1d2e3f4a5
Create Date: 2026-11-29 03:10:00.000000

"""
import hashlib

import sqlalchemy as sa
from alembic import op


revision = 'a7c3e5d9f1b2'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None

GENESIS = "0" * 64

APPEND_ONLY = """
CREATE TRIGGER audit_chain_append_only BEFORE UPDATE OR DELETE ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION harmoni_events_append_only();
"""


def _link_hash(prev, seq, event_hash):  # = workflow.models.audit_chain.link_hash, frozen here
    return hashlib.sha256(f"{prev}|{seq}|{event_hash}".encode()).hexdigest()


def upgrade():
    chain = op.create_table('audit_chain',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('event_id')
    )
    head = op.create_table('audit_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # The existing events, in the order they were written, become the chain's beginning.
    connection = op.get_bind()
    prev, seq, batch = GENESIS, 0, []
    for event_id, event_hash in connection.execute(sa.text("SELECT id, hash FROM events ORDER BY id")):
        seq += 1
        prev = _link_hash(prev, seq, event_hash)
        batch.append({"seq": seq, "event_id": event_id, "hash": prev})
        if len(batch) == 5000:
            connection.execute(chain.insert(), batch)
            batch = []
    if batch:
        connection.execute(chain.insert(), batch)
    connection.execute(head.insert().values(id=1, seq=seq, hash=prev))
    if connection.dialect.name == "postgresql":
        op.execute(APPEND_ONLY)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_chain_append_only ON audit_chain")
    op.drop_table('audit_head')
    op.drop_table('audit_chain')
