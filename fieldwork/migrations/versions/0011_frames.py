"""frames: sampling frame of returned dossiers (personal data encrypted), imports and frozen draws

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 00:55:14.829878

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('frame_draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('simple', 'systematic', name='drawmethod', native_enum=False, length=32), nullable=False),
    sa.Column('by_field', sa.Boolean(), nullable=False),
    sa.Column('late_first', sa.Boolean(), nullable=False),
    sa.Column('reserve_percent', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('drawn', sa.Integer(), nullable=False),
    sa.Column('reserves', sa.Integer(), nullable=False),
    sa.Column('allocation', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_label', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_frame_draws_created_by_id_users')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_frame_draws_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frame_draws'))
    )
    with op.batch_alter_table('frame_draws', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frame_draws_survey_id'), ['survey_id'], unique=False)

    op.create_table('frame_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_format', sa.String(length=8), nullable=False),
    sa.Column('encoding', sa.String(length=16), nullable=True),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_added', sa.Integer(), nullable=False),
    sa.Column('rows_duplicate', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_label', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_frame_imports_created_by_id_users')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_frame_imports_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frame_imports'))
    )
    with op.batch_alter_table('frame_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frame_imports_survey_id'), ['survey_id'], unique=False)

    op.create_table('frame_dossiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('procedure', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('returned_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('name_enc', sa.Text(), nullable=True),
    sa.Column('phone_enc', sa.Text(), nullable=True),
    sa.Column('phone_index', sa.String(length=64), nullable=True),
    sa.Column('cid_enc', sa.Text(), nullable=True),
    sa.Column('cid_index', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_frame_dossiers_agency_id_agencies')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_frame_dossiers_field_id_fields')),
    sa.ForeignKeyConstraint(['import_id'], ['frame_imports.id'], name=op.f('fk_frame_dossiers_import_id_frame_imports')),
    sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'], name=op.f('fk_frame_dossiers_survey_id_surveys')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frame_dossiers')),
    sa.UniqueConstraint('survey_id', 'code', name='uq_frame_dossiers_code')
    )
    with op.batch_alter_table('frame_dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frame_dossiers_cid_index'), ['cid_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_frame_dossiers_import_id'), ['import_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_frame_dossiers_phone_index'), ['phone_index'], unique=False)
        batch_op.create_index('ix_frame_dossiers_stratum', ['survey_id', 'agency_id', 'field_id'], unique=False)

    op.create_table('frame_draw_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=True),
    sa.Column('reserve', sa.Boolean(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_frame_draw_items_agency_id_agencies')),
    sa.ForeignKeyConstraint(['dossier_id'], ['frame_dossiers.id'], name=op.f('fk_frame_draw_items_dossier_id_frame_dossiers')),
    sa.ForeignKeyConstraint(['draw_id'], ['frame_draws.id'], name=op.f('fk_frame_draw_items_draw_id_frame_draws')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_frame_draw_items_field_id_fields')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frame_draw_items')),
    sa.UniqueConstraint('draw_id', 'dossier_id', name='uq_frame_draw_items')
    )
    with op.batch_alter_table('frame_draw_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frame_draw_items_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_frame_draw_items_draw_id'), ['draw_id'], unique=False)



def downgrade():
    with op.batch_alter_table('frame_draw_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frame_draw_items_draw_id'))
        batch_op.drop_index(batch_op.f('ix_frame_draw_items_dossier_id'))

    op.drop_table('frame_draw_items')
    with op.batch_alter_table('frame_dossiers', schema=None) as batch_op:
        batch_op.drop_index('ix_frame_dossiers_stratum')
        batch_op.drop_index(batch_op.f('ix_frame_dossiers_phone_index'))
        batch_op.drop_index(batch_op.f('ix_frame_dossiers_import_id'))
        batch_op.drop_index(batch_op.f('ix_frame_dossiers_cid_index'))

    op.drop_table('frame_dossiers')
    with op.batch_alter_table('frame_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frame_imports_survey_id'))

    op.drop_table('frame_imports')
    with op.batch_alter_table('frame_draws', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frame_draws_survey_id'))

    op.drop_table('frame_draws')
