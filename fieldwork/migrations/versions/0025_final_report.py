"""plans: the attachment marked at step 6 as the accepted final report (what is published)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 04:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plans_final_reports',
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=False),
        sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('chosen_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['attachment_id'], ['plans_attachments.id']),
        sa.ForeignKeyConstraint(['chosen_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('survey_id'),
    )


def downgrade():
    op.drop_table('plans_final_reports')
