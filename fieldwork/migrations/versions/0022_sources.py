"""sources: every imported answer names its source; declared sources; data revisions; the
plan's bands

Imported rows keep the file's record id as ``record_id`` (it identifies a row within its file
only) and may carry a dossier code, or phone and citizen ID (encrypted, blind-indexed), to be
counted once within their source. Existing rows take the source of their channel.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-25 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_survey_sources_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_sources')),
    sa.UniqueConstraint('survey_id', 'name', name='uq_survey_sources_name')
    )
    with op.batch_alter_table('survey_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_sources_survey_id'), ['survey_id'], unique=False)

    op.create_table('stats_revisions',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_stats_revisions_survey_id_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', name=op.f('pk_stats_revisions'))
    )

    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=40), nullable=True))
    op.execute("UPDATE import_runs SET source = 'city_online' WHERE channel = 'online'")
    op.execute("UPDATE import_runs SET source = 'call_centre' WHERE channel = 'call_centre'")

    with op.batch_alter_table('imported_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('dossier_code', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('phone_enc', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('phone_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('cid_enc', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('cid_hash', sa.String(length=64), nullable=True))
        batch_op.alter_column('source_id', new_column_name='record_id',
                              existing_type=sa.String(length=64), existing_nullable=True)
    op.execute("UPDATE imported_responses SET source = 'city_online' WHERE channel = 'online'")
    op.execute("UPDATE imported_responses SET source = 'call_centre' "
               "WHERE channel = 'call_centre'")
    op.execute("UPDATE imported_responses SET source = channel WHERE source IS NULL")
    with op.batch_alter_table('imported_responses', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=sa.String(length=40), nullable=False)
        batch_op.drop_constraint('uq_imported_response_fp', type_='unique')
        batch_op.create_unique_constraint('uq_imported_response_fp',
                                          ['survey_id', 'source', 'fingerprint'])

    with op.batch_alter_table('plans_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bands', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('bands_source', sa.Text(), nullable=True))
    op.execute("UPDATE plans_plans SET bands = '[]', bands_source = ''")
    with op.batch_alter_table('plans_plans', schema=None) as batch_op:
        batch_op.alter_column('bands', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('bands_source', existing_type=sa.Text(), nullable=False)


def downgrade():
    with op.batch_alter_table('plans_plans', schema=None) as batch_op:
        batch_op.drop_column('bands_source')
        batch_op.drop_column('bands')
    with op.batch_alter_table('imported_responses', schema=None) as batch_op:
        batch_op.drop_constraint('uq_imported_response_fp', type_='unique')
        batch_op.create_unique_constraint('uq_imported_response_fp',
                                          ['survey_id', 'channel', 'fingerprint'])
        batch_op.alter_column('record_id', new_column_name='source_id',
                              existing_type=sa.String(length=64), existing_nullable=True)
        batch_op.drop_column('cid_hash')
        batch_op.drop_column('cid_enc')
        batch_op.drop_column('phone_hash')
        batch_op.drop_column('phone_enc')
        batch_op.drop_column('dossier_code')
        batch_op.drop_column('source')
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.drop_column('source')
    op.drop_table('stats_revisions')
    with op.batch_alter_table('survey_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_sources_survey_id'))
    op.drop_table('survey_sources')
