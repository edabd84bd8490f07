"""requests: applicant type and the application letter (number, date)

Revision ID: ef0863509a3f
Revises: b5d2f8a1c7e4
Create Date: 2026-11-29 03:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = 'ef0863509a3f'
down_revision = 'b5d2f8a1c7e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_type', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('application_letter_number', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('application_letter_date', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            'applicant_type', "applicant_type IS NULL OR applicant_type IN ('kepala_daerah', 'dprd')"
        )
    # harmonisation requests already filed: the organisation's own type
    op.execute(
        "UPDATE requests SET applicant_type = CASE WHEN (SELECT kind FROM organisations o "
        "WHERE o.id = requests.organisation_id) = 'dprd' THEN 'dprd' ELSE 'kepala_daerah' END "
        "WHERE process IN ('ranperda', 'ranperkada') AND organisation_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_requests_applicant_type'), type_='check')
        batch_op.drop_column('application_letter_date')
        batch_op.drop_column('application_letter_number')
        batch_op.drop_column('applicant_type')
