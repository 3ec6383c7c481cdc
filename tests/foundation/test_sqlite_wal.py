"""The embedded SQLite database under many keyers: readers and a writer do not block each
other (write-ahead log), and a writer waits for another instead of failing."""

from __future__ import annotations

import sqlite3

from fieldwork import SQLITE_BUSY_SECONDS, create_app
from fieldwork.extensions import db


def _app(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDWORK_INSTANCE", str(tmp_path / "instance"))
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'f.db'}",
                       "FIELDWORK_DATA_DIR": str(tmp_path / "data"), "TESTING": True})


def test_the_app_opens_sqlite_in_wal_mode_with_a_long_busy_wait(tmp_path, monkeypatch):
    app = _app(tmp_path, monkeypatch)
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == \
                SQLITE_BUSY_SECONDS * 1000
        db.engine.dispose()
    # the mode is kept in the file: a plain sqlite3 connection (a backup, a tool) sees it
    plain = sqlite3.connect(tmp_path / "f.db")
    assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    plain.close()


def test_a_reader_in_a_transaction_does_not_block_a_keyers_commit(tmp_path, monkeypatch):
    """A statistics page reading in a long transaction while a keyer saves a sheet: in the
    old rollback-journal mode the keyer's commit waits for the reader (and fails after the
    busy wait with 'database is locked'); with the write-ahead log it goes through at once,
    and the reader keeps its consistent view."""
    app = _app(tmp_path, monkeypatch)
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE sheets (id INTEGER PRIMARY KEY, answer TEXT)")
            conn.exec_driver_sql("INSERT INTO sheets (answer) VALUES ('a')")
        reader, writer = engine.raw_connection(), engine.raw_connection()
        try:
            reader.driver_connection.isolation_level = None
            writer.driver_connection.isolation_level = None
            reader.driver_connection.execute("BEGIN")
            assert reader.driver_connection.execute(
                "SELECT count(*) FROM sheets").fetchone()[0] == 1
            writer.driver_connection.execute("PRAGMA busy_timeout = 100")
            writer.driver_connection.execute("BEGIN IMMEDIATE")
            writer.driver_connection.execute("INSERT INTO sheets (answer) VALUES ('b')")
            writer.driver_connection.execute("COMMIT")  # raises 'database is locked' without WAL
            assert reader.driver_connection.execute(
                "SELECT count(*) FROM sheets").fetchone()[0] == 1  # its snapshot
            reader.driver_connection.execute("COMMIT")
            assert reader.driver_connection.execute(
                "SELECT count(*) FROM sheets").fetchone()[0] == 2
        finally:
            reader.close()
            writer.close()
        engine.dispose()
