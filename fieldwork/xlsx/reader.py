"""``read_xlsx``: the one entry point for uploaded workbooks (checked, then a child parses).

The result mimics the part of openpyxl's read-only workbook our readers use (``sheetnames``,
``worksheets``, ``book[name].iter_rows(values_only=True)``, ``close()``), so a reader written
for openpyxl needs no other change. Rows are read back one at a time from the child's
temporary files, so a large sheet costs the calling process one row of memory.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from .guard import XlsxLimits, XlsxRefused, inspect_xlsx, number

CHILD = Path(__file__).with_name("child.py")


class XlsxSheet:
    """One sheet as the child wrote it: rows read back lazily."""

    def __init__(self, title: str, path: Path | None,
                 merged: list[list[int]] | None = None) -> None:
        self.title = title
        self._path = path
        # (first col, first row, last col, last row), 1-based, of ranges near the top
        self.merged_ranges = [tuple(r) for r in merged or []]

    def iter_rows(self, values_only: bool = True) -> Iterator[tuple]:
        """Each row as a tuple of cell values (text, number, bool or None; dates as ISO)."""
        if self._path is None or not self._path.exists():
            return
        with open(self._path, encoding="utf-8") as fh:
            for line in fh:
                yield tuple(json.loads(line))


class XlsxBook:
    """The sheets read from a workbook; ``close()`` (or ``with``) removes the temporary files.

    A book dropped without ``close()`` (a caller's generator never started, an exception on
    the way) still removes them when it is collected, or at the latest when the process
    exits: uploaded rows are respondents' data and must not stay behind in the temp folder."""

    def __init__(self, folder: Path, rows: Path, sheetnames: list[str], read: list[str],
                 merges: dict[str, list] | None = None) -> None:
        self._folder = folder
        self._remove = weakref.finalize(self, shutil.rmtree, folder, True)
        self.sheetnames = sheetnames
        self._sheets = {name: XlsxSheet(name, rows / f"{i}.jsonl", (merges or {}).get(name))
                        for i, name in enumerate(read)}

    @property
    def worksheets(self) -> list[XlsxSheet]:
        """The sheets that were read, in workbook order."""
        return list(self._sheets.values())

    def __getitem__(self, name: str) -> XlsxSheet:
        if name not in self._sheets:
            raise KeyError(name)
        return self._sheets[name]

    def __contains__(self, name: str) -> bool:
        return name in self._sheets

    def close(self) -> None:
        """Delete the rows written by the child."""
        self._remove()

    def __enter__(self) -> XlsxBook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _messages(code: str, detail: dict, limits: XlsxLimits):
    d = {k: number(v) if isinstance(v, (int, float)) else v for k, v in detail.items()}
    texts = {
        "broken": lambda: _l("The XLSX file cannot be read (%(why)s).", why=d.get("why", "?")),
        "no_sheet": lambda: _l("The XLSX workbook has no worksheet."),
        "columns": lambda: _l("Sheet %(sheet)s has %(cols)s columns, more than the %(limit)s "
                              "accepted.", **d),
        "cells": lambda: _l("Sheet %(sheet)s has more than %(limit)s cells (%(rows)s rows × "
                            "%(cols)s columns read so far).", **d),
        "cell_chars": lambda: _l("A cell of sheet %(sheet)s (row %(row)s) holds %(n)s "
                                 "characters, more than the %(limit)s accepted.", **d),
        "memory": lambda: _l("Reading the workbook needed more than %(mb)s MB of memory, so it "
                             "was stopped. Split it, or save it as CSV.",
                             mb=number(limits.memory_mb)),
        "time": lambda: _l("Reading the workbook took more than %(s)s seconds, so it was "
                           "stopped. Split it, or save it as CSV.", s=number(limits.seconds)),
    }
    return texts.get(code, texts["broken"])()


def _spooled(source: BinaryIO | bytes | str | Path, folder: Path) -> Path:
    """A path to the workbook's bytes (a stream or bytes are copied into ``folder``)."""
    if isinstance(source, (str, Path)):
        return Path(source)
    path = folder / "upload.xlsx"
    with open(path, "wb") as out:
        if isinstance(source, (bytes, bytearray)):
            out.write(source)
        else:
            start = source.tell() if source.seekable() else None
            shutil.copyfileobj(source, out, 1 << 20)
            if start is not None:
                source.seek(start)
    return path


def read_xlsx(source: BinaryIO | bytes | str | Path, *, only: Sequence[str] | None = None,
              first_only: bool = False, limits: XlsxLimits | None = None) -> XlsxBook:
    """Check and parse a workbook (its first sheet, the sheets named ``only``, or all).

    Raises :class:`XlsxRefused` with a message for the user when the workbook is not one,
    is damaged, or goes over ``limits`` (before parsing, or while the child reads it).
    """
    limits = limits or XlsxLimits()
    folder = Path(tempfile.mkdtemp(prefix="fieldwork-xlsx-"))
    try:
        path = _spooled(source, folder)
        inspect_xlsx(path, limits)
        out = folder / "rows"
        out.mkdir()
        options = limits.as_dict() | {"only": list(only) if only is not None else None,
                                      "first_only": first_only}
        proc = subprocess.Popen([sys.executable, "-I", str(CHILD), str(path), str(out),
                                 json.dumps(options)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _, err = proc.communicate(timeout=limits.seconds * 2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise XlsxRefused("time", _messages("time", {}, limits)) from None
        if proc.returncode != 0:
            raise _refusal(proc.returncode, out, err, limits)
        book = json.loads((out / "book.json").read_text(encoding="utf-8"))
        if path.parent == folder:  # our copy of the upload is no longer needed
            path.unlink()
        return XlsxBook(folder, out, book["sheetnames"], book["read"], book.get("merges"))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _refusal(code: int, out: Path, err: bytes, limits: XlsxLimits) -> XlsxRefused:
    try:
        found = json.loads((out / "error.json").read_text())
    except (OSError, ValueError):  # stopped before it could say why
        found = None
    if found:
        return XlsxRefused(found["code"], _messages(found["code"], found["detail"], limits))
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return XlsxRefused("time", _messages("time", {}, limits))
    # Killed another way (a parser that cannot allocate may abort): treat as memory.
    return XlsxRefused("memory", _messages("memory", {}, limits))
