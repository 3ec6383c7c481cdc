"""``fieldwork keys add|rotate|retire``: data-key rotation for encrypted contact columns."""

from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import with_appcontext

keys = click.Group("keys", help="Data keys that encrypt phone numbers and citizen IDs.")


def _env_keys() -> bool:
    return bool(current_app.config.get("FIELDWORK_DATA_KEY")
                or os.environ.get("FIELDWORK_DATA_KEY"))


def _file_keys_only() -> None:
    if _env_keys():
        raise click.ClickException(
            "the keys come from FIELDWORK_DATA_KEY: edit that setting instead "
            "(new key first, comma-separated), then run `fieldwork keys rotate`")


@keys.command("add")
@with_appcontext
def keys_add():
    """Put a new key first in instance/data_key (old keys still decrypt)."""
    from ..extensions import db
    from .crypto import keyring, reset_keyring
    from .indexkey import ensure_index_key
    from .keys import DataKeyError, add_key

    _file_keys_only()
    reset_keyring()
    try:
        ensure_index_key(keyring())  # stored before the new key, so indexes keep matching
    except DataKeyError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    path = add_key(current_app.instance_path)
    reset_keyring()
    from ..audit.operations import record
    record("cli", "privacy.keys_add", object_type="privacy",
           after={"keys": len(keyring().keys)})
    db.session.commit()
    click.echo(f"new data key added to {path}; now run `fieldwork keys rotate`")


@keys.command("rotate")
@click.option("--batch", type=click.IntRange(1, 100_000), default=500, show_default=True,
              help="Rows re-encrypted and committed at a time.")
@with_appcontext
def keys_rotate(batch):
    """Re-encrypt every encrypted column under the newest key (in batches; resumable)."""
    from ..errors import OperationError
    from ..extensions import db
    from .crypto import keyring, reset_keyring
    from .keys import DataKeyError
    from .rotation import rotate_encrypted

    reset_keyring()
    ring = keyring()
    shown: dict[str, int] = {}

    def progress(column: str, done: int, total: int) -> None:
        step = max(1, total // 20)  # about every 5 %
        if done == total or done - shown.get(column, 0) >= step:
            shown[column] = done
            click.echo(f"  {column}: {done}/{total}")

    try:
        counts = rotate_encrypted(ring, "cli", batch=batch, progress=progress,
                                  commit=db.session.commit)
    except (OperationError, DataKeyError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    total = sum(counts.values())
    click.echo(f"re-encrypted {total} values under the newest of {len(ring.keys)} key(s)")
    for name, n in counts.items():
        if n:
            click.echo(f"  {name}: {n}")


@keys.command("retire")
@with_appcontext
def keys_retire():
    """Drop old keys from instance/data_key once nothing needs them (with FIELDWORK_DATA_KEY:
    only check, and say whether the old keys may be removed from it)."""
    from .crypto import keyring, reset_keyring
    from .keys import retire_keys
    from .rotation import needing_old_keys

    reset_keyring()
    bad = needing_old_keys(keyring())
    if bad:
        where = "; ".join(f"{name}: {n}" for name, n in bad.items())
        raise click.ClickException(f"{sum(bad.values())} values still need an old key ({where}); "
                                   "run `fieldwork keys rotate` first")
    if _env_keys():
        click.echo("nothing needs the old keys any more: remove them from FIELDWORK_DATA_KEY "
                   "(keep the first) and restart")
        return
    removed = retire_keys(current_app.instance_path)
    reset_keyring()
    from ..audit.operations import record
    from ..extensions import db
    record("cli", "privacy.keys_retire", object_type="privacy", after={"removed": removed})
    db.session.commit()
    click.echo(f"removed {removed} old key(s)")


commands = [keys]
