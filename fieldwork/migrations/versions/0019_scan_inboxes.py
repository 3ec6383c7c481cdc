"""omr: watched inboxes (folders scanners write into) and the ledger of files taken from them

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

INBOX_STATE = sa.Enum('waiting', 'watching', 'unreachable', name='inboxstate',
                      native_enum=False, length=32)
FILE_STATE = sa.Enum('reading', 'done', 'rejected', 'duplicate', name='filestate',
                     native_enum=False, length=32)


def upgrade():
    op.create_table(
        'scan_inboxes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('name', sa.String(120), nullable=False),
        sa.Column('path', sa.String(1000), nullable=False),
        sa.Column('survey_id', sa.Integer(), sa.ForeignKey('surveys.id', ondelete='CASCADE'),
                  nullable=False),
        sa.Column('operator_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('pilot', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('settle_seconds', sa.Integer(), nullable=False),
        sa.Column('give_up_seconds', sa.Integer(), nullable=False),
        sa.Column('state', INBOX_STATE, nullable=False),
        sa.Column('state_detail', sa.Text(), nullable=False),
        sa.Column('state_since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('waiting', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('path'),
    )
    op.create_index('ix_scan_inboxes_survey_id', 'scan_inboxes', ['survey_id'])
    op.create_table(
        'scan_inbox_files',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('inbox_id', sa.Integer(),
                  sa.ForeignKey('scan_inboxes.id', ondelete='CASCADE'), nullable=False),
        sa.Column('token', sa.String(64), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(64), nullable=True),
        sa.Column('content_key', sa.String(80), nullable=True),
        sa.Column('modified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('state', FILE_STATE, nullable=False),
        sa.Column('reason', sa.String(40), nullable=True),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('batch_id', sa.Integer(),
                  sa.ForeignKey('scan_batches.id', ondelete='SET NULL'), nullable=True),
        sa.Column('earlier_batch_id', sa.Integer(),
                  sa.ForeignKey('scan_batches.id', ondelete='SET NULL'), nullable=True),
        sa.Column('moved_to', sa.String(500), nullable=True),
        sa.Column('worker', sa.String(120), nullable=False),
        sa.UniqueConstraint('token'),
        sa.UniqueConstraint('content_key'),
    )
    op.create_index('ix_scan_inbox_files_inbox_id', 'scan_inbox_files', ['inbox_id'])
    op.create_index('ix_scan_inbox_files_batch_id', 'scan_inbox_files', ['batch_id'])
    op.create_index('ix_scan_files_sha256', 'scan_files', ['sha256'])


def downgrade():
    op.drop_index('ix_scan_files_sha256', table_name='scan_files')
    op.drop_table('scan_inbox_files')
    op.drop_table('scan_inboxes')
