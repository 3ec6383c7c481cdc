"""quality: the plan's re-check rule, approved by Home Affairs; draws above it wait (issue 15)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-24 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'recheck_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('period_kind', sa.Enum('month', 'quarter', name='periodkind',
                                         native_enum=False, length=32), nullable=False),
        sa.Column('monthly_from', sa.Integer(), nullable=True),
        sa.Column('size_mode', sa.Enum('count', 'percent', name='sizemode', native_enum=False,
                                       length=32), nullable=False),
        sa.Column('size_value', sa.Integer(), nullable=False),
        sa.Column('basis', sa.Text(), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=True),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('approved_with_plan', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['survey_id'], ['surveys.id'],
                                name=op.f('fk_recheck_rules_survey_id_surveys')),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'],
                                name=op.f('fk_recheck_rules_proposed_by_id_users')),
        sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'],
                                name=op.f('fk_recheck_rules_approved_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recheck_rules')),
        sa.UniqueConstraint('survey_id', name=op.f('uq_recheck_rules_survey_id')),
    )
    with op.batch_alter_table('recheck_draws') as batch:
        batch.add_column(sa.Column('state', sa.Enum('drawn', 'requested', 'refused',
                                                    name='drawstate', native_enum=False,
                                                    length=32),
                                   nullable=False, server_default='drawn'))
        batch.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('decision_note', sa.Text(), nullable=True))
        batch.create_foreign_key(op.f('fk_recheck_draws_decided_by_id_users'), 'users',
                                 ['decided_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('recheck_draws') as batch:
        batch.drop_constraint(op.f('fk_recheck_draws_decided_by_id_users'), type_='foreignkey')
        batch.drop_column('decision_note')
        batch.drop_column('decided_at')
        batch.drop_column('decided_by_id')
        batch.drop_column('state')
    op.drop_table('recheck_rules')
