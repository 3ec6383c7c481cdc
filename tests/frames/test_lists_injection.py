"""The draw file and the call list neutralise formula-like cells (issue 15, CSV injection)."""

from __future__ import annotations

import csv
import io

from fieldwork.frames.lists import CALL_COLUMNS, DRAW_COLUMNS, call_rows, draw_rows, to_csv
from fieldwork.frames.operations_draw import make_draw
from fieldwork.frames.operations_lists import call_list
from fieldwork.privacy.operations import grant_contact_access

from .conftest import run_import
from .helpers import dossier, frame_csv

PROCEDURE = "=cmd|' /C calc'!A0"
NAME = "=HYPERLINK(\"http://x.example\",\"Bấm\")"


def _cells(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_call_list_quotes_what_the_frame_file_carried(db, setup):
    rows = []
    for i in range(1, 7):
        r = dossier(i)
        r[3], r[7] = PROCEDURE, NAME
        rows.append(r)
    run_import(setup, frame_csv(rows))
    draw = make_draw(setup["survey"], {"seed": 1, "size": 6}, setup["manager"])
    grant_contact_access(setup["manager"], {"survey_id": setup["survey"].id}, "test")
    db.session.commit()
    calls = _cells(call_list(draw, setup["manager"], identified=True))
    assert calls and all(r["procedure"] == "'" + PROCEDURE for r in calls)
    assert all(r["applicant"] == "'" + NAME for r in calls)
    assert all(r["rank"].isdigit() and r["late"] in ("0", "1") for r in calls)
    # the writer is the one the draw file uses too
    assert _cells(to_csv(call_rows(draw, True), CALL_COLUMNS)) == calls
    drawn = _cells(to_csv(draw_rows(draw), DRAW_COLUMNS))
    assert len(drawn) == len(calls) and all(r["rank"].isdigit() for r in drawn)
