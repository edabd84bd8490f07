"""notifications and outbox: the notice's context (JSON), its body rendered when read or sent

Revision ID: e7b3c9d2a5f1
Revises: d4e8a1c6b2f9
Create Date: 2026-11-29 06:10:00.000000

A transition's notices no longer render their text inside the transaction: the rows keep what the
text says (operations/notifications.py, notice_context) and the body is rendered from it when the
in-app notification is shown or the e-mail is sent (and then stored on the outbox row). Rows
written before keep their rendered body and no context.
"""
import sqlalchemy as sa
from alembic import op


revision = 'e7b3c9d2a5f1'
down_revision = 'd4e8a1c6b2f9'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('notifications', 'outbox'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
            batch_op.alter_column('body', existing_type=sa.Text(), nullable=True)


def downgrade():
    # a body not rendered yet cannot be rendered here (no templates in a migration): such rows
    # would say nothing, so they are kept with an empty body rather than dropped
    for table in ('notifications', 'outbox'):
        op.execute(f"UPDATE {table} SET body = '' WHERE body IS NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('body', existing_type=sa.Text(), nullable=False)
            batch_op.drop_column('context')
