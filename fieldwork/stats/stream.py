"""Rows of a column query as plain tuples, fast and in step with the database.

On PostgreSQL a server-side cursor hands rows over in batches, loaded in C (no ORM step, no
result processing per row), and a helper thread fetches the next batch while the caller
works on the last one, so the server and the reader each use a core. Elsewhere the
connection's cursor, a batch at a time.
"""

from __future__ import annotations

import itertools
import queue
import threading

BATCH = 20000  # rows a fetch
_names = itertools.count(1)
_END = object()


def batches(connection, stmt):
    """Lists of row tuples of ``stmt`` on the SQLAlchemy ``connection``, in its transaction
    (a reader sees what it has changed itself)."""
    if connection.dialect.name != "postgresql":
        result = connection.execute(stmt)
        while True:
            chunk = result.fetchmany(BATCH)
            if not chunk:
                return
            yield [tuple(r) for r in chunk]
    # Values written into the statement; the dialect doubles every "%" for a driver that
    # fills in parameters, and none are filled in here: undone, the text is as written.
    sql = str(stmt.compile(dialect=connection.dialect,
                           compile_kwargs={"literal_binds": True})).replace("%%", "%")
    raw = connection.connection.driver_connection
    ahead: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def fetch() -> None:
        try:
            with raw.cursor(name=f"fieldwork_stream_{next(_names)}") as cur:
                cur.execute(sql)
                while not stop.is_set():
                    chunk = cur.fetchmany(BATCH)
                    ahead.put(chunk)
                    if not chunk:
                        return
        except BaseException as exc:  # handed to the reader, raised there
            ahead.put(exc)
        finally:
            ahead.put(_END)

    helper = threading.Thread(target=fetch, name="fieldwork-stream", daemon=True)
    helper.start()
    try:
        while True:
            chunk = ahead.get()
            if isinstance(chunk, BaseException):
                raise chunk
            if chunk is _END or not chunk:
                return
            yield chunk
    finally:
        stop.set()
        while helper.is_alive():  # let it finish its fetch and close the cursor
            try:
                ahead.get(timeout=0.1)
            except queue.Empty:
                pass
        helper.join()
