"""Key rotation over every registered encrypted column: checked first, then in batches.

``rotate_encrypted`` first reads every token and refuses (changing nothing) if one cannot be
opened by any key; then it re-encrypts, column by column in batches of ``batch`` rows, only
the tokens the newest key cannot open yet, committing after each batch (``commit``), so an
interrupted rotation resumes where it stopped and rows done stay done. Blind indexes are
recomputed under the index key, which rotation does not change (``privacy.indexkey``), so
duplicate detection matches across the whole rotation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy import func, select

from ..audit.operations import record
from ..errors import OperationError
from ..extensions import db
from .crypto import DecryptError, Keyring
from .registry import ENCRYPTED, EncryptedColumn

BATCH = 500
Progress = Callable[[str, int, int], None]  # (column, rows done, rows in total)


def _columns() -> Iterator[tuple[EncryptedColumn, type]]:
    for col in ENCRYPTED:
        model = col.resolve()
        if model is not None:
            yield col, model


def _label(col: EncryptedColumn, model) -> str:
    return f"{model.__tablename__}.{col.enc}"


def _tokens(col: EncryptedColumn, model, batch: int) -> Iterator[list[tuple[int, str]]]:
    """(id, token) of every stored value, in batches by id (keyset pages)."""
    enc = getattr(model, col.enc)
    last = 0
    while True:
        rows = db.session.execute(select(model.id, enc).where(enc.is_not(None), model.id > last)
                                  .order_by(model.id).limit(batch)).all()
        if not rows:
            return
        yield [(i, t) for i, t in rows]
        last = rows[-1][0]


def needing_old_keys(ring: Keyring, batch: int = BATCH) -> dict[str, int]:
    """Per column ('table.column'), how many values the newest key alone cannot open."""
    out = {}
    for col, model in _columns():
        n = sum(not ring.newest_opens(t) for rows in _tokens(col, model, batch) for _i, t in rows)
        if n:
            out[_label(col, model)] = n
    return out


def _check_all_open(ring: Keyring, batch: int) -> None:
    for col, model in _columns():
        for rows in _tokens(col, model, batch):
            for row_id, token in rows:
                if ring.newest_opens(token):
                    continue
                try:
                    ring.decrypt(token)
                except DecryptError:
                    raise OperationError(
                        f"{_label(col, model)} row {row_id}: none of the keys decrypts it; "
                        "nothing was rotated (is an old key missing?)") from None


def _rotate_batch(ring: Keyring, col: EncryptedColumn, model, ids: list[int]) -> tuple[int, int]:
    """Re-encrypt the stale tokens of these rows and repair their indexes: (rotated, repaired)."""
    rotated = repaired = 0
    for row in db.session.scalars(select(model).where(model.id.in_(ids))):
        token = getattr(row, col.enc)
        if not ring.newest_opens(token):
            setattr(row, col.enc, ring.rotate(token))
            rotated += 1
        if col.hash:  # an index made under an older scheme is made again
            index = ring.blind_index(col.kind, ring.decrypt(token))
            if getattr(row, col.hash) != index:
                setattr(row, col.hash, index)
                repaired += 1
    db.session.flush()
    return rotated, repaired


def rotate_encrypted(ring: Keyring, user, batch: int = BATCH, progress: Progress | None = None,
                     commit: Callable[[], None] | None = None) -> dict[str, int]:
    """Re-encrypt under the newest key what still needs an older one; per column, how many.

    ``commit`` is called after each batch (resumable); without it the caller commits once.
    Blind indexes that differ from the index key's are made again (counted in the audit).
    """
    _check_all_open(ring, batch)
    counts: dict[str, int] = {}
    repaired: dict[str, int] = {}
    for col, model in _columns():
        label = _label(col, model)
        total = db.session.scalar(select(func.count()).select_from(model).where(
            getattr(model, col.enc).is_not(None))) or 0
        done = counts[label] = repaired[label] = 0
        for rows in _tokens(col, model, batch):
            n_rotated, n_repaired = _rotate_batch(ring, col, model, [i for i, _t in rows])
            counts[label] += n_rotated
            repaired[label] += n_repaired
            done += len(rows)
            if commit is not None:
                commit()
            if progress is not None:
                progress(label, done, total)
    record(user, "privacy.keys_rotate", object_type="privacy",
           after={"rows": counts, "indexes_repaired": {k: v for k, v in repaired.items() if v},
                  "keys": len(ring.keys)})
    return counts
