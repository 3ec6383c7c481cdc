"""privacy: the blind-index key, wrapped by the data keys, so indexes survive rotation (issue 15)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-24 10:00:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def _wrapped_index_key():
    """The index key the app used so far (derived from the newest data key), wrapped; None
    when the migration runs without the app (the app then stores it on first use)."""
    try:
        from flask import current_app
        app = current_app._get_current_object()
    except RuntimeError:
        return None
    from fieldwork.privacy.crypto import Keyring, derived_index_key
    from fieldwork.privacy.indexkey import wrap
    from fieldwork.privacy.keys import load_keys

    ring = Keyring(load_keys(app.instance_path, app.config.get("FIELDWORK_DATA_KEY")))
    return wrap(ring, derived_index_key(ring.keys[0]))


def upgrade():
    table = op.create_table(
        'privacy_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=32), nullable=False),
        sa.Column('token', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_keys')),
        sa.UniqueConstraint('purpose', name=op.f('uq_privacy_keys_purpose')),
    )
    token = _wrapped_index_key()
    if token is not None:
        op.bulk_insert(table, [{"purpose": "blind_index", "token": token,
                                "created_at": datetime.now(UTC)}])


def downgrade():
    op.drop_table('privacy_keys')
