"""jobs: background jobs (scanning, report versions, exports, imports) with progress and result

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 01:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

STATUS = sa.Enum('queued', 'running', 'done', 'failed', name='jobstatus', native_enum=False,
                 length=32)


def upgrade():
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kind', sa.String(40), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('title', sa.String(255), nullable=False),
        sa.Column('subject', sa.String(80), nullable=True),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('progress_done', sa.Integer(), nullable=False),
        sa.Column('progress_total', sa.Integer(), nullable=True),
        sa.Column('message', sa.String(255), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('max_attempts', sa.Integer(), nullable=False),
        sa.Column('worker', sa.String(120), nullable=True),
        sa.Column('dispatch_id', sa.String(80), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('survey_id', sa.Integer(), sa.ForeignKey('surveys.id'), nullable=True),
        sa.Column('created_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_by_label', sa.String(254), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_jobs_kind', 'jobs', ['kind'])
    op.create_index('ix_jobs_subject', 'jobs', ['subject'])
    op.create_index('ix_jobs_survey_id', 'jobs', ['survey_id'])
    op.create_index('ix_jobs_created_by_id', 'jobs', ['created_by_id'])
    op.create_index('ix_jobs_status_heartbeat', 'jobs', ['status', 'heartbeat_at'])


def downgrade():
    op.drop_table('jobs')
