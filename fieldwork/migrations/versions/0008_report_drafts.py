"""reports: versioned report drafts (frozen statistics, narrative, DOCX and PDF attachments)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 21:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Enum('synthesis', 'agency', 'field', name='reportscope', native_enum=False, length=32), nullable=False),
    sa.Column('scope_key', sa.String(length=40), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.String(length=64), nullable=False),
    sa.Column('statistics', sa.JSON(), nullable=False),
    sa.Column('previous_survey_id', sa.Integer(), nullable=True),
    sa.Column('previous_statistics', sa.JSON(), nullable=True),
    sa.Column('shortcomings', sa.Text(), nullable=False),
    sa.Column('recommendations', sa.Text(), nullable=False),
    sa.Column('docx_id', sa.Integer(), nullable=False),
    sa.Column('pdf_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_report_drafts_agency_id_agencies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_report_drafts_created_by_id_users')),
    sa.ForeignKeyConstraint(['docx_id'], ['plans_attachments.id'], name=op.f('fk_report_drafts_docx_id_plans_attachments')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_report_drafts_field_id_fields')),
    sa.ForeignKeyConstraint(['pdf_id'], ['plans_attachments.id'], name=op.f('fk_report_drafts_pdf_id_plans_attachments')),
    sa.ForeignKeyConstraint(['previous_survey_id'], ['surveys.id'], name=op.f('fk_report_drafts_previous_survey_id_surveys'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_report_drafts_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_drafts')),
    sa.UniqueConstraint('survey_id', 'scope_key', 'number', name='uq_report_drafts_version')
    )
    with op.batch_alter_table('report_drafts', schema=None) as batch_op:
        batch_op.create_index('ix_report_drafts_survey_scope', ['survey_id', 'scope_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_drafts_pdf_id'), ['pdf_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_drafts_pdf_id'))
        batch_op.drop_index('ix_report_drafts_survey_scope')

    op.drop_table('report_drafts')
