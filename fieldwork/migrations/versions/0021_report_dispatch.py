"""reports: the issued report (number, date, version, files) and whom it was sent to

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-26 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'report_issues',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=True),
        sa.Column('number', sa.String(length=10), nullable=False),
        sa.Column('symbol', sa.String(length=40), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('docx_id', sa.Integer(), nullable=True),
        sa.Column('pdf_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['draft_id'], ['report_drafts.id']),
        sa.ForeignKeyConstraint(['docx_id'], ['plans_attachments.id']),
        sa.ForeignKeyConstraint(['pdf_id'], ['plans_attachments.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('survey_id'),
    )
    op.create_table(
        'report_dispatches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('issue_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('city', 'home_affairs', 'agency', 'other',
                                  name='dispatchkind', native_enum=False, length=32),
                  nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=True),
        sa.Column('recipient', sa.String(length=300), nullable=False),
        sa.Column('sent_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['issue_id'], ['report_issues.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_report_dispatches_issue_id', 'report_dispatches', ['issue_id'])


def downgrade():
    op.drop_index('ix_report_dispatches_issue_id', table_name='report_dispatches')
    op.drop_table('report_dispatches')
    op.drop_table('report_issues')
