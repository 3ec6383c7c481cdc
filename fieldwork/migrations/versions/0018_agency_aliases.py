"""agency aliases: other names of agencies that imports accept (former wards, spellings)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'agency_aliases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.Enum('former', 'other', name='aliaskind', native_enum=False,
                                  length=32), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_by_label', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'],
                                name=op.f('fk_agency_aliases_agency_id_agencies')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_aliases')),
        sa.UniqueConstraint('key', name=op.f('uq_agency_aliases_key')),
    )
    with op.batch_alter_table('agency_aliases') as batch:
        batch.create_index(batch.f('ix_agency_aliases_agency_id'), ['agency_id'], unique=False)


def downgrade():
    with op.batch_alter_table('agency_aliases') as batch:
        batch.drop_index(batch.f('ix_agency_aliases_agency_id'))
    op.drop_table('agency_aliases')
