"""omr: contact readings (phone, citizen ID) encrypted at rest beside a masked copy

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 19:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scan_answers') as batch:
        batch.add_column(sa.Column('secret', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('scan_answers') as batch:
        batch.drop_column('secret')
