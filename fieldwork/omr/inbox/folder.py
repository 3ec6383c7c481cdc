"""The inbox folder on disk (a local folder or a mounted network share): no database here.

Layout, as scanners and operators see it::

    INBOX/                    scanners write here (files only; sub-folders are not looked in)
    INBOX/done/               files read (a note beside one whose pages were not all read)
    INBOX/rejected/           files nothing was read from, each with NAME.reason.txt
    INBOX/.fieldwork/inbox    the marker: which inbox this folder is (an unmounted share
                              shows an empty mount point without it, never an empty inbox)
    INBOX/.fieldwork/claimed/ files taken and being read, as TOKEN--NAME

A file is *claimed* by renaming it into ``claimed/`` under a token no other watcher uses: a
rename within one file system is atomic, so of two watchers on two machines exactly one gets
the file, the other finds it gone. Moves out of ``claimed/`` never replace a file already
there (``NAME~2.pdf`` instead).
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import stat
import time
from dataclasses import dataclass
from pathlib import Path

HIDDEN = ".fieldwork"
MARKER = "inbox"
CLAIMED = "claimed"
DONE, REJECTED = "done", "rejected"
SEP = "--"
# Files a scanner or a desktop writes while it works, or leaves beside scans: never taken.
TEMPORARY = (".tmp", ".part", ".partial", ".crdownload", ".filepart", ".swp", ".lock")
LITTER = {"thumbs.db", "desktop.ini", "icon\r"}


class Unreachable(Exception):
    """The folder cannot be used: ``code`` (missing, not_inbox, other_inbox, no_access,
    io_error) and a detail for people."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Entry:
    """A file seen in the inbox: name and what says whether it is still changing."""

    name: str
    size: int
    mtime_ns: int
    inode: int

    @property
    def signature(self) -> tuple[int, int, int]:
        return self.size, self.mtime_ns, self.inode


def new_token() -> str:
    """A claim token: the time (so an abandoned claim's age is known) and 8 random bytes."""
    return f"{int(time.time() * 1000):013d}-{secrets.token_hex(8)}"


def token_age(token: str, now: float | None = None) -> float:
    """Seconds since ``token`` was made (infinite for a name that is not a token)."""
    try:
        made = int(token.split("-", 1)[0]) / 1000
    except ValueError:
        return float("inf")
    return (time.time() if now is None else now) - made


class Folder:
    """One inbox folder: check it, list what waits, claim, move to done/ or rejected/."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.hidden = self.path / HIDDEN
        self.claimed = self.hidden / CLAIMED

    # -- set-up and checks --------------------------------------------------------------

    def mark(self, inbox_id: int, survey: str) -> None:
        """Make the folder an inbox: the marker and the working folders (created if needed)."""
        self.path.mkdir(parents=True, exist_ok=True)
        self.claimed.mkdir(parents=True, exist_ok=True)
        for sub in (DONE, REJECTED):
            (self.path / sub).mkdir(exist_ok=True)
        tmp = self.hidden / f".{MARKER}.{os.getpid()}"
        tmp.write_text(json.dumps({"inbox": inbox_id, "survey": survey}), encoding="utf-8")
        tmp.replace(self.hidden / MARKER)

    def marker(self) -> dict | None:
        """What the marker says, or None when there is none."""
        try:
            return json.loads((self.hidden / MARKER).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except ValueError:
            return {}

    def check(self, inbox_id: int) -> None:
        """Raise ``Unreachable`` unless this is inbox ``inbox_id``'s folder, usable now."""
        try:
            info = os.stat(self.path)
            if not stat.S_ISDIR(info.st_mode):
                raise Unreachable("missing", f"{self.path} is not a folder")
            found = self.marker()
        except FileNotFoundError:
            raise Unreachable("missing", f"{self.path} does not exist (a network share that "
                                         "is not mounted, or a folder moved away)") from None
        except PermissionError as exc:
            raise Unreachable("no_access", f"{self.path}: no permission ({exc.strerror})") \
                from None
        except OSError as exc:
            raise Unreachable("io_error", f"{self.path}: {exc.strerror or exc}") from None
        if found is None:
            raise Unreachable("not_inbox", f"{self.path} has no {HIDDEN}/{MARKER} marker: the "
                                           "network share is probably not mounted (its empty "
                                           "mount point shows instead)")
        if found.get("inbox") != inbox_id:
            raise Unreachable("other_inbox", f"{self.path} is marked as inbox "
                                             f"#{found.get('inbox')}, not #{inbox_id}")
        if not os.access(self.path, os.W_OK | os.X_OK) or not self.claimed.is_dir():
            raise Unreachable("no_access", f"{self.path}: files cannot be moved out of it "
                                           "(no write permission, or claimed/ is missing)")

    # -- what waits -----------------------------------------------------------------------

    def waiting(self) -> list[Entry]:
        """Regular files at the top of the folder, oldest first (OSError: folder gone)."""
        out = []
        with os.scandir(self.path) as it:
            for d in it:
                name = d.name
                low = name.lower()
                if name.startswith((".", "~$")) or low in LITTER or low.endswith(TEMPORARY):
                    continue
                try:
                    info = d.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                if stat.S_ISDIR(info.st_mode):
                    continue
                out.append(Entry(name, info.st_size, info.st_mtime_ns, info.st_ino))
        return sorted(out, key=lambda e: (e.mtime_ns, e.name))

    def is_regular(self, name: str) -> bool:
        """True for a plain file (a link or a device is refused, never followed)."""
        try:
            return stat.S_ISREG(os.lstat(self.path / name).st_mode)
        except OSError:
            return False

    def claimed_files(self) -> list[tuple[str, str, Entry]]:
        """(token, original name, entry) of every file in claimed/."""
        out = []
        try:
            with os.scandir(self.claimed) as it:
                for d in it:
                    if SEP not in d.name or not d.is_file(follow_symlinks=False):
                        continue
                    token, name = d.name.split(SEP, 1)
                    info = d.stat(follow_symlinks=False)
                    out.append((token, name, Entry(d.name, info.st_size, info.st_mtime_ns,
                                                   info.st_ino)))
        except FileNotFoundError:
            return []
        return out

    # -- claiming and moving ----------------------------------------------------------------

    def claimed_path(self, token: str, name: str) -> Path:
        return self.claimed / f"{token}{SEP}{name}"

    def claim(self, name: str, token: str, source: Path | None = None) -> Path | None:
        """Rename the file into claimed/ under ``token``; None if another watcher was first."""
        target = self.claimed_path(token, name)
        try:
            os.rename(source or self.path / name, target)
        except FileNotFoundError:
            return None
        return target

    def move(self, claimed: Path, to: str, name: str, note: str | None = None) -> str | None:
        """Move a claimed file into done/ or rejected/ (never over another file), with an
        optional note beside it; returns where it went, relative to the inbox (None: the
        claimed file is gone)."""
        folder = self.path / to
        folder.mkdir(exist_ok=True)
        placed = _place_free(claimed, folder, name)
        if placed is None:
            return None
        if note is not None:
            _write_new(folder / f"{placed}.reason.txt", note)
        return f"{to}/{placed}"

    def release(self, claimed: Path, name: str) -> str | None:
        """Put a claimed file back into the inbox to be taken again (under a free name)."""
        return _place_free(claimed, self.path, name)


def _place_free(src: Path, folder: Path, name: str) -> str | None:
    """Move ``src`` into ``folder`` as ``name``, or ``NAME~2.ext``... if that is taken;
    the name used, or None when ``src`` is gone."""
    stem, dot, ext = name.rpartition(".")
    if not stem:
        stem, dot, ext = name, "", ""
    for n in range(1, 1000):
        candidate = name if n == 1 else f"{stem}~{n}{dot}{ext}"
        try:
            if _place(src, folder / candidate):
                return candidate
        except FileNotFoundError:
            if not os.path.lexists(src):
                return None
            raise
    raise OSError(errno.EEXIST, f"no free name for {name} in {folder}")


def _place(src: Path, target: Path) -> bool:
    """Move ``src`` to ``target`` unless something is there already (then False)."""
    try:
        os.link(src, target)  # fails if the target exists: no race with another watcher
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                             errno.EMLINK):
            raise
        # A share without hard links: check, then rename (a narrow race between two
        # watchers finishing files of the same name at the same instant).
        if os.path.lexists(target):
            return False
        os.rename(src, target)
        return True
    try:
        os.unlink(src)
    except FileNotFoundError:  # another watcher moved it at the same instant: one copy kept
        os.unlink(target)
        return True
    return True


def _write_new(path: Path, text: str) -> None:
    try:
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        path.write_text(text, encoding="utf-8")
