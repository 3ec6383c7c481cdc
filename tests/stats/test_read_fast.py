"""The database reader's fast paths give exactly what the plain ones give (issue 18).

``rows.record_maker`` (a pivoted record straight to a row) and ``rows.row_maker`` (an
answer dict to a row, with lookups cached) are checked against ``rows.sheet_row`` over
generated answers, including odd stored values; ``stream.batches`` (a server-side cursor fetched
ahead by a helper thread on PostgreSQL) is checked against the values a plain cursor
returns, including tabs, newlines, backslashes and NULLs, across batch boundaries, and
hands on the database's error.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Integer, Text, literal, select, union_all

from fieldwork.stats import stream
from fieldwork.stats.read import parse_cell
from fieldwork.stats.rows import record_maker, row_maker, sheet_row

FIRST_POOL = ["dossier_code", "procedure", "q01", "overall", "q05", "gender"]
WHOLE_POOL = ["q02", "q02_other", "q03", "survey_date", "q01"]
FIRST_VALUES = [None, "", "na", "yes", "no", " h01.000123 ", "4", "5", "Thủ  tục   A",
                "3", "male", "[]"]
WHOLE_VALUES = [None, "[]", "[ ]", '["reason_b", "reason_a"]', '["other"]', '["yes"]',
                '["2", "8", "0", "8", "2", "0", "2", "6"]', '["12/03/2026"]', '["31/02/2026"]',
                '["bad"]', '[""]', '["Góp ý, gọi 0905123456 hoặc a@b.vn"]', '[5]', '[null]',
                '["", "x"]', '["na"]']
LAYOUT = {"items": [{"code": "q05"}, {"code": "overall"}], "profile": [{"code": "gender"}]}


@st.composite
def sheets(draw):
    first = draw(st.lists(st.sampled_from(FIRST_POOL), unique=True, max_size=6))
    whole = draw(st.lists(st.sampled_from([c for c in WHOLE_POOL if c not in first]),
                          unique=True, max_size=5))
    record = [draw(st.sampled_from(FIRST_VALUES)) for _ in first]
    record += [draw(st.sampled_from(WHOLE_VALUES)) for _ in whole]
    item = draw(st.sampled_from([None, ("q01", ("yes",)), ("overall", ("4", "5"))]))
    reason = draw(st.sampled_from([None, "q02", "q01"]))
    lay = draw(st.sampled_from([None, {}, LAYOUT]))
    hours = draw(st.integers(0, 24 * 400))
    received = draw(st.sampled_from([
        None, datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=hours),
        datetime(2026, 1, 1) + timedelta(hours=hours),
        datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-5))) + timedelta(hours=hours)]))
    phone = draw(st.sampled_from([None, "", "ph1"]))
    cid = draw(st.sampled_from([None, "", "id1"]))
    return first, whole, record, item, reason, lay, received, phone, cid


def _plain(first, whole, record, item, reason, lay, received, phone, cid):
    """The row as the plain path makes it: the answer dict, then ``sheet_row``."""
    answers = {c: [v] for c, v in zip(first, record[:len(first)], strict=True) if v is not None}
    answers.update({c: parse_cell(v) for c, v in zip(whole, record[len(first):], strict=True)
                    if v is not None and v != "[]"})
    row = sheet_row({"serial": 7, "version": 2, "agency": "A", "field": None,
                     "source": "independent", "channel": "paper_omr", "answers": answers,
                     "received": received, "phone_hash": phone, "cid_hash": cid,
                     "key": "s:7"}, item, reason, lay)
    return answers, row


def _day_in_vietnam(received) -> str | None:
    """The ISO day of a stored time at UTC+7, worked out apart from the code under test
    (what the PostgreSQL query hands over instead of the time)."""
    if received is None:
        return None
    aware = received if received.tzinfo else received.replace(tzinfo=UTC)
    return (aware.astimezone(UTC) + timedelta(hours=7)).strftime("%Y-%m-%d")


def _same(a, b) -> None:
    assert a.as_dict() == b.as_dict()
    assert (a.match, a.key) == (b.match, b.key)


@settings(max_examples=400, deadline=None)
@given(sheets())
def test_record_maker_and_row_maker_make_what_sheet_row_makes(sheet):
    first, whole, record, item, reason, lay, received, phone, cid = sheet
    try:
        answers, expected = _plain(*sheet)
    except TypeError:  # an unhashable or unsortable stored value: the plain path fails too
        return
    base = 3
    make = record_maker(item, reason, lay, first, whole, base)
    rec = ("x", "y", "z", *record)
    args = (7, 2, "A", None, "independent", "paper_omr")
    for when in (received, _day_in_vietnam(received)):
        _same(make(rec, *args, when, phone, cid, "s:7"), expected)
        _same(row_maker(item, reason, lay)(dict(answers), *args, when, phone, cid, "s:7"),
              expected)
    # online answers come as lists from JSON, not tuples
    listed = {k: list(v) for k, v in answers.items()}
    _same(row_maker(item, reason, lay)(listed, *args, received, phone, cid, "s:7"), expected)


ODD = ["plain", "tab\there", "line\nbreak", "back\\slash", "\\N", "\\\\N", "", "ends\\",
       "carriage\rreturn", "Tiếng Việt có dấu", json.dumps(["a\tb", "c\\d"]), "100% %(x)s %s %%",
       None]


def test_batches_hand_over_what_the_cursor_returns(db, monkeypatch):
    monkeypatch.setattr(stream, "BATCH", 3)  # rows cross batch boundaries
    parts = [select(literal(i, Integer).label("i"), literal(v, Text).label("v"),
                    literal(ODD[-1 - i], Text).label("w")) for i, v in enumerate(ODD)]
    stmt = union_all(*parts).subquery()
    query = select(stmt.c.i, stmt.c.v, stmt.c.w).order_by(stmt.c.i)
    connection = db.session.connection()
    expected = [tuple(r) for r in connection.execute(query)]
    got = [r for batch in stream.batches(connection, query) for r in batch]
    assert len(got) == len(ODD)
    assert [(int(i), v, w) for i, v, w in got] == expected
    assert [v for _i, v, _w in got] == ODD


@pytest.mark.postgres_only
def test_batches_raise_the_database_error(db):
    from psycopg.errors import DivisionByZero
    bad = select(literal(1, Integer) / literal(0, Integer))
    with pytest.raises(DivisionByZero):
        list(stream.batches(db.session.connection(), bad))
