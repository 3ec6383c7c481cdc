"""omr: a page of a scanned file is stored once (unique file and page index), whoever reads it

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 02:40:00

"""
from alembic import op


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('uq_scan_pages_file_index', 'scan_pages', ['file_id', 'index'], unique=True)


def downgrade():
    op.drop_index('uq_scan_pages_file_index', table_name='scan_pages')
