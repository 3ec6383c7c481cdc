"""``fieldwork keys add|rotate|retire``: data-key rotation for encrypted contact columns."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import with_appcontext

keys = click.Group("keys", help="Data keys that encrypt phone numbers and citizen IDs.")


def _file_keys_only() -> None:
    if current_app.config.get("FIELDWORK_DATA_KEY") or os.environ.get("FIELDWORK_DATA_KEY"):
        raise click.ClickException(
            "the keys come from FIELDWORK_DATA_KEY: edit that setting instead "
            "(new key first, comma-separated), then run `fieldwork keys rotate`")


@keys.command("add")
@with_appcontext
def keys_add():
    """Put a new key first in instance/data_key (old keys still decrypt)."""
    from .crypto import keyring, reset_keyring
    from .keys import add_key

    _file_keys_only()
    path = add_key(current_app.instance_path)
    reset_keyring()
    from ..audit.operations import record
    from ..extensions import db
    record("cli", "privacy.keys_add", object_type="privacy",
           after={"keys": len(keyring().keys)})
    db.session.commit()
    click.echo(f"new data key added to {path}; now run `fieldwork keys rotate`")


@keys.command("rotate")
@with_appcontext
def keys_rotate():
    """Re-encrypt every encrypted column under the newest key (audited)."""
    from ..errors import OperationError
    from ..extensions import db
    from .crypto import keyring, reset_keyring
    from .operations import rotate_encrypted

    reset_keyring()
    ring = keyring()
    try:
        counts = rotate_encrypted(ring, "cli")
    except OperationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    total = sum(counts.values())
    click.echo(f"re-encrypted {total} values under the newest of {len(ring.keys)} key(s)")
    for name, n in counts.items():
        click.echo(f"  {name}: {n}")


@keys.command("retire")
@with_appcontext
def keys_retire():
    """Drop old keys from instance/data_key once nothing needs them."""
    from .crypto import keyring, reset_keyring
    from .keys import retire_keys
    from .operations import undecryptable

    _file_keys_only()
    reset_keyring()
    bad = undecryptable(keyring())
    if bad:
        raise click.ClickException(f"{bad} values still need an old key; run "
                                   "`fieldwork keys rotate` first")
    removed = retire_keys(current_app.instance_path)
    reset_keyring()
    from ..audit.operations import record
    from ..extensions import db
    record("cli", "privacy.keys_retire", object_type="privacy", after={"removed": removed})
    db.session.commit()
    click.echo(f"removed {removed} old key(s)")


commands = [keys]
