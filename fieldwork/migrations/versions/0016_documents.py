"""documents: the plan's fields and reasons section; report drafts keep every earlier year

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans_plans') as batch:
        batch.add_column(sa.Column('field_reasons', sa.Text(), nullable=False,
                                   server_default=''))
    with op.batch_alter_table('report_drafts') as batch:
        batch.add_column(sa.Column('earlier', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('situation', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('report_drafts') as batch:
        batch.drop_column('situation')
        batch.drop_column('earlier')
    with op.batch_alter_table('plans_plans') as batch:
        batch.drop_column('field_reasons')
