"""One-file backups (database dump plus data directory) and their checked restore.

The archive is a gzipped tar: ``database/fieldwork.sqlite3`` or ``database/fieldwork.pgdump``,
the data directory under ``data/``, and ``manifest.json`` last (format, app version, Alembic
revision, database kind, time, row counts, size and SHA-256 of every member). A restore
reads the whole archive into a staging folder and checks every member before it changes
anything; it never lets a member name leave the staging folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from sqlalchemy import Engine

from . import dbdump
from .dbdump import BackupError

FORMAT = "fieldwork-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database/fieldwork.sqlite3", "postgresql": "database/fieldwork.pgdump"}
STAGING_PREFIX = ".fieldwork-restore-"
CHUNK = 1 << 20


def app_version() -> str:
    """The installed fieldwork version."""
    try:
        return metadata.version("fieldwork")
    except metadata.PackageNotFoundError:
        return "unknown"


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class _HashingReader:
    """Reads a file for tarfile while hashing exactly what goes into the archive."""

    def __init__(self, fh):
        self.fh, self.hash = fh, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.hash.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    st = path.stat()
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = st.st_size, int(st.st_mtime), st.st_mode & 0o777
    with open(path, "rb") as fh:
        reader = _HashingReader(fh)
        tar.addfile(info, reader)
    return {"sha256": reader.hash.hexdigest(), "size": st.st_size}


def data_files(data_dir: Path, skip: set[Path]) -> list[tuple[Path, str]]:
    """Regular files and folders of the data directory as (path, member name), sorted."""
    found = []
    for root, dirs, files in os.walk(data_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith(STAGING_PREFIX))
        rel_root = Path(root).relative_to(data_dir)
        for name in [*dirs, *sorted(files)]:
            path = Path(root) / name
            if path.resolve() in skip or path.is_symlink():
                continue
            found.append((path, (PurePosixPath("data") / rel_root.as_posix() / name).as_posix()))
    return found


def create_backup(out: Path, engine: Engine, data_dir: Path, pg_bin: str | None = None) -> dict:
    """Write the archive to ``out`` (through a temporary file renamed at the end)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    kind = engine.dialect.name
    if kind not in DB_MEMBER:
        raise BackupError(f"cannot back up a {kind} database")
    url = engine.url.render_as_string(hide_password=False)
    skip = {out}
    if kind == "sqlite":
        db_file = dbdump.sqlite_path(url)
        skip |= {db_file, Path(f"{db_file}-wal"), Path(f"{db_file}-shm"),
                 Path(f"{db_file}-journal")}
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(tmp_name)
    skip.add(tmp.resolve())
    try:
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".fieldwork-dump-") as work:
            dump = Path(work) / "dump"
            if kind == "sqlite":
                revision, counts = dbdump.sqlite_dump(url, dump)
            else:
                revision, counts = dbdump.pg_dump(engine, dump, pg_bin)
            files: dict[str, dict] = {}
            with tarfile.open(tmp, "w:gz", compresslevel=6) as tar:
                files[DB_MEMBER[kind]] = _add_file(tar, dump, DB_MEMBER[kind])
                for path, name in data_files(Path(data_dir), skip):
                    if path.is_dir():
                        info = tarfile.TarInfo(name)
                        info.type, info.mode = tarfile.DIRTYPE, 0o755
                        info.mtime = int(path.stat().st_mtime)
                        tar.addfile(info)
                    else:
                        try:
                            files[name] = _add_file(tar, path, name)
                        except FileNotFoundError:
                            continue  # deleted since the walk (nothing was written yet)
                manifest = {
                    "format": FORMAT, "format_version": FORMAT_VERSION,
                    "app_version": app_version(), "alembic_revision": revision,
                    "database": kind, "created_at": datetime.now(UTC).isoformat(),
                    "row_counts": counts, "files": files,
                }
                body = json.dumps(manifest, indent=1, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(body), 0o600
                info.mtime = int(datetime.now(UTC).timestamp())
                tar.addfile(info, io.BytesIO(body))
        # The archive holds personal data: readable by its owner only.
        os.chmod(tmp, 0o600)
        os.replace(tmp, out)
    except OSError as exc:
        raise BackupError(f"the backup failed and was not written: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
    return manifest


def safe_member_name(member: tarfile.TarInfo) -> PurePosixPath:
    """The member's path if it is a plain file or folder that stays inside the archive root."""
    name = member.name
    path = PurePosixPath(name)
    if not path.parts or name.startswith("./"):
        raise BackupError(f"archive member {name!r} has no usable name; refused")
    if not (member.isreg() or member.isdir()):
        raise BackupError(f"archive member {name!r} is a link or special file; refused")
    if (name.startswith(("/", "\\")) or path.is_absolute() or "\\" in name or ":" in path.parts[0]
            or any(p in ("..", "") for p in name.rstrip("/").split("/"))):
        raise BackupError(f"archive member {name!r} points outside the archive; refused")
    if name != MANIFEST and path.parts[0] not in ("database", "data"):
        raise BackupError(f"archive member {name!r} is not part of a fieldwork backup")
    return path


def unpack(archive: Path, staging: Path) -> dict:
    """Extract into ``staging`` member by member, then check the manifest and every checksum."""
    seen: dict[str, dict] = {}
    manifest = None
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{archive} is not a readable backup archive ({exc})") from None
    try:
        with tar:
            for member in tar:
                path = safe_member_name(member)
                key = path.as_posix()
                if key in seen or (key == MANIFEST and manifest is not None):
                    raise BackupError(f"archive member {key!r} appears twice; refused")
                if member.isdir():
                    (staging / path).mkdir(parents=True, exist_ok=True)
                    continue
                src = tar.extractfile(member)
                if key == MANIFEST:
                    manifest = json.loads(src.read(1 << 24))
                    continue
                target = staging / path
                target.parent.mkdir(parents=True, exist_ok=True)
                h, size = hashlib.sha256(), 0
                with open(target, "wb") as fh:
                    while chunk := src.read(CHUNK):
                        h.update(chunk)
                        size += len(chunk)
                        fh.write(chunk)
                os.chmod(target, member.mode & 0o777 or 0o600)
                seen[key] = {"sha256": h.hexdigest(), "size": size}
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise BackupError(f"the archive is damaged ({exc}); nothing was restored") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("the archive has no fieldwork manifest; nothing was restored")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"archive format {manifest.get('format_version')} is not supported "
                          f"by this fieldwork ({FORMAT_VERSION}); nothing was restored")
    needed = {"files": dict, "row_counts": dict, "database": str, "created_at": str}
    if any(not isinstance(manifest.get(k), t) for k, t in needed.items()):
        raise BackupError("the archive's manifest is incomplete; nothing was restored")
    listed = manifest["files"]
    for name in sorted(set(listed) | set(seen)):
        if name not in seen:
            raise BackupError(f"{name} is listed in the manifest but missing from the archive")
        if name not in listed:
            raise BackupError(f"{name} is in the archive but not in its manifest; refused")
        if listed[name] != seen[name]:
            raise BackupError(f"checksum mismatch for {name}: the archive was changed or "
                              "damaged; nothing was restored")
    if DB_MEMBER.get(manifest.get("database")) not in seen:
        raise BackupError("the archive holds no database dump; nothing was restored")
    return manifest


def data_is_empty(data_dir: Path) -> bool:
    """True when the data directory holds no files (empty folders do not count)."""
    return not any(p.is_file() or p.is_symlink() for p in Path(data_dir).rglob("*")
                   if not p.relative_to(data_dir).parts[0].startswith(STAGING_PREFIX))


def replace_data(staged: Path, data_dir: Path) -> None:
    """Put the staged files in place of the data directory's contents (same file system)."""
    for entry in list(data_dir.iterdir()):
        if entry.name.startswith(STAGING_PREFIX):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if staged.is_dir():
        for entry in staged.iterdir():
            os.replace(entry, data_dir / entry.name)
