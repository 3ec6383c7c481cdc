"""notifications: the work a notification announces, and when that work was done

A notification about a hand-off names its work (``step:<survey>:<n>``,
``questionnaire:<version>``, ...); when that work is done the notification is cleared.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 01:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans_notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('work', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_plans_notifications_work', ['work'], unique=False)


def downgrade():
    with op.batch_alter_table('plans_notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_plans_notifications_work')
        batch_op.drop_column('done_at')
        batch_op.drop_column('work')
