"""Rows of a column query as plain tuples, fast: on PostgreSQL through ``COPY (query) TO
STDOUT`` (the server streams while we split, and the text is split in bulk, not a row at a
time), elsewhere through the connection's cursor. Texts come back as ``str`` (``None`` for
NULL): the caller converts what it needs.
"""

from __future__ import annotations

import re

BATCH = 20000  # rows split at a time
_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _unescape(field: str) -> str | None:
    """A field of COPY's text format as it is stored (``\\N`` is NULL)."""
    if field == "\\N":
        return None
    if "\\" not in field:
        return field
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), field)


NULL = "\\N"
_NULLS = {NULL: None}


def _split(lines: list[str], width: int) -> list[tuple]:
    nulls = _NULLS.get
    out = []
    for line in lines:
        fields = line.split("\t")
        if "\\" in line and line.count("\\") != line.count(NULL):  # escapes beside NULLs
            out.append(tuple(map(_unescape, fields)))
        else:
            out.append(tuple(map(nulls, fields, fields)))
    if any(len(t) != width for t in out):
        raise ValueError("a COPY row does not have the query's columns")
    return out


def batches(connection, stmt, width: int):
    """Lists of row tuples of ``stmt`` (``width`` columns) on the SQLAlchemy ``connection``,
    in its transaction, so a reader sees what it has changed itself."""
    if connection.dialect.name != "postgresql":
        result = connection.execute(stmt)
        while True:
            chunk = result.fetchmany(BATCH)
            if not chunk:
                return
            yield [tuple(r) for r in chunk]
    sql = str(stmt.compile(dialect=connection.dialect,
                           compile_kwargs={"literal_binds": True}))
    raw = connection.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT") as copy:
        parts: list = []
        for block in copy:  # a row a block, as the server sends them
            parts.append(block)
            if len(parts) >= BATCH:
                data = b"".join(parts)
                end = data.rfind(b"\n") + 1  # whole lines now, the rest with the next
                parts = [data[end:]] if end < len(data) else []
                if end:
                    yield _split(data[:end].decode("utf-8").split("\n")[:-1], width)
        data = b"".join(parts)
        if data:
            if not data.endswith(b"\n"):
                raise ValueError("COPY ended within a row")
            yield _split(data.decode("utf-8").split("\n")[:-1], width)
