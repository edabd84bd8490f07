"""audit_chain: a link moves the head (trigger), so linking a commit takes two statements, not three

Revision ID: f2a6c8e4d1b3
Revises: d12a0c4ec001
Create Date: 2026-11-29 06:30:00.000000

Linking a commit's events read the head under lock (UPDATE ... RETURNING), inserted the links and
updated the head's hash: three statements in every writing transaction. Now the head is read under
lock (SELECT ... FOR UPDATE; on SQLite the transaction holds the database's write lock already),
the links are inserted, and this trigger moves the head to each new link. The head ends where it
ended before, under the same lock; `audit verify` checks the same things.
"""
from alembic import op


revision = 'f2a6c8e4d1b3'
down_revision = 'd12a0c4ec001'
branch_labels = None
depends_on = None

MOVE = "UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1 AND seq < NEW.seq"
POSTGRES = f"""
CREATE FUNCTION harmoni_audit_chain_moves_head() RETURNS trigger AS $$
BEGIN
    {MOVE};
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_chain_moves_head AFTER INSERT ON audit_chain
    FOR EACH ROW EXECUTE FUNCTION harmoni_audit_chain_moves_head();
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES)
    else:
        op.execute(f"CREATE TRIGGER audit_chain_moves_head AFTER INSERT ON audit_chain BEGIN {MOVE}; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_chain_moves_head ON audit_chain; DROP FUNCTION harmoni_audit_chain_moves_head()")
    else:
        op.execute("DROP TRIGGER audit_chain_moves_head")
