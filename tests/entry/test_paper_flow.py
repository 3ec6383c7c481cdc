"""Paper that needs no typing: printed for an agency or a drawn dossier, ticked, crossed and
ringed by hand, scanned at any rotation, and in review with nobody typing but real comments.

The sheets are filled by ``tests/forms/paperfill.py`` (poppler raster, boxes found from the
PDF's own text, marks drawn with Pillow), not by the package's own generator.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from fieldwork.entry import operations as ops
from fieldwork.entry.models import EntrySheet, ReviewState
from fieldwork.entry.sources import sync_from_omr
from fieldwork.forms.batches import print_batch
from fieldwork.forms.models import PrintedSheet
from fieldwork.omr.models import PageStatus, ScanPage, TextRegion

from ..conftest import csrf_token
from ..forms.paperfill import Answers, fill
from ..omr.test_station import _as, _upload

WARD = "Phường Hải Châu"
FIELDS = [("HT", "Hộ tịch"), ("CT", "Chứng thực"), ("DD", "Đất đai")]
STYLES = ("fill", "tick", "cross", "ring")


@pytest.fixture()
def paper(db, factory, people):
    """PAPER-1: the 2025 form approved; a ward with three fields and Sở Tư pháp, whose
    dossiers are in the frame and drawn (24 of Sở Tư pháp's 60, 16 of the ward's 40)."""
    from fieldwork.frames.demo import dossier_list
    from fieldwork.frames.operations import import_frame
    from fieldwork.frames.operations_draw import make_draw

    from .conftest import approve

    ward, justice = factory.agency(WARD), factory.agency("Sở Tư pháp")
    fields = {code: factory.field(code, name) for code, name in FIELDS}
    survey = factory.survey("PAPER-1", agencies=[ward, justice])
    approve(db, survey, people)
    data = dossier_list([(ward.name, 40), (justice.name, 60)],
                        {ward.name: ["HT", "CT", "DD"], justice.name: ["HT", "CT"]}, seed=11)
    import_frame(survey, io.BytesIO(data), {"name": "frame.csv"}, people["manager"])
    make_draw(survey, {"seed": 2026, "size": 40}, people["manager"])
    db.session.commit()
    return survey, ward, justice, fields


def _answers(layout: dict, i: int, style: str, satisfied: bool, comment: str = "") -> Answers:
    from fieldwork.forms.builtin import _REASONS

    choices = [("Hài lòng" if satisfied else "Chưa hài lòng", style)]
    if not satisfied:
        choices += [(_REASONS[i % 8][1], style), (_REASONS[(i + 3) % 8][1], style)]
    ticks = [name for _c, name in layout["imprint"]["fields"]]
    if ticks:
        choices.append((ticks[i % len(ticks)], style))
    grids = {"survey_date": f"{10 + i:02d}072026"}
    if any(q["code"] == "phone" for q in layout["questions"]):
        grids["phone"] = f"09{12345670 + i:08d}"
    return Answers(choices, grids, comment)


def _scan(client, people, survey, batch, answers, rotations) -> None:
    """Fill every sheet of ``batch``, scan at the given rotations, upload, read."""
    layout = json.loads(Path(batch.layout_path).read_text(encoding="utf-8"))
    scanner = _as(client, people["scanner"])
    for i in range(batch.count):
        jpeg = fill(Path(batch.pdf_path), layout, i, answers(layout, i), dpi=150,
                    rotation=rotations[i % len(rotations)])
        res = _upload(scanner, [(io.BytesIO(jpeg), f"{batch.id}-{i:02d}.jpg")],
                      survey=str(survey.id))
        assert res.status_code == 302
    return layout


def test_printed_sheets_reach_review_with_no_typing_but_real_comments(client, db, paper,
                                                                     people):
    """The issue's done-when: 20 personalised sheets for Sở Tư pháp's drawn dossiers and 20
    generic ones for Phường Hải Châu, each on one A4 side, filled, scanned, in review with
    no typing but the real comments, the 20 dossiers answered."""
    survey, ward, justice, fields = paper
    manager = people["manager"]
    generic = print_batch(survey, {"agency_id": ward.id, "count": 20}, manager)
    personal = print_batch(survey, {"draw": True, "agency_id": justice.id, "count": 20},
                           manager)
    db.session.commit()
    assert generic.count == personal.count == 20
    assert generic.pages_per_sheet == personal.pages_per_sheet == 1
    rotations = (0, 90, 180, 270)

    def answers(layout, i):
        comment = "Can bo nhiet tinh, huong dan ro" if i == 2 else ""
        # Each hand on every turn of the scanner; rings on a satisfied and an unsatisfied sheet.
        return _answers(layout, i, STYLES[(i + i // 4) % 4], satisfied=i % 4 != 1,
                        comment=comment)

    ticks = [name for _c, name in _scan(client, people, survey, generic, answers, rotations)
             ["imprint"]["fields"]]
    _scan(client, people, survey, personal, answers, rotations)
    pages = db.session.scalars(select(ScanPage)).all()
    assert len(pages) == generic.count + personal.count
    assert {p.status for p in pages} == {PageStatus.READ}
    assert {p.rotation for p in pages} == {0, 90, 180, 270}
    # The two sheets with a comment wait for it; nothing else waits for anyone.
    inked = db.session.scalars(select(TextRegion).where(TextRegion.has_ink.is_(True))).all()
    assert sorted(r.page.serial for r in inked) == [generic.first_serial + 2,
                                                     personal.first_serial + 2]
    assert {r.question for r in inked} == {"q03"}
    sync_from_omr(survey, manager)
    sheets = {s.serial: s for s in db.session.scalars(select(EntrySheet))}
    assert len(sheets) == generic.count + personal.count - 2
    assert {s.review_state for s in sheets.values()} == {ReviewState.RECEIVED}
    # Agency and field from the paper's record (or its ticks), dossier and procedure known.
    printed = {p.serial: p for p in db.session.scalars(select(PrintedSheet))}
    names = {f.id: f.name for f in fields.values()}
    for serial, sheet in sheets.items():
        answers_ = sheet.answer_map()
        if serial in printed:
            dossier = printed[serial].dossier
            assert sheet.agency_id == justice.id and sheet.field_id == dossier.field_id
            assert answers_["dossier_code"].values == [dossier.code]
            assert answers_["procedure"].values == [dossier.procedure]
            assert answers_["phone"].status == "blank" and not sheet.phone_hash
            assert printed[serial].returned_at is not None
        else:
            i = serial - generic.first_serial
            assert sheet.agency_id == ward.id and answers_["agency"].values == [WARD]
            assert names[sheet.field_id] == ticks[i % 3] == answers_["field"].values[0]
            assert answers_["phone"].status == "contact" and sheet.phone_hash
        i = serial - (personal.first_serial if serial in printed else generic.first_serial)
        assert answers_["q01"].values == (["no"] if i % 4 == 1 else ["yes"])
    # The real comments are typed; then those sheets come in too, without issues.
    keyer = _as(client, people["lan"])
    token = csrf_token(keyer, "/scans/texts")
    for region in inked:
        res = keyer.post(f"/scans/texts/{region.id}", data={
            "csrf_token": token, "text": "Cán bộ nhiệt tình, hướng dẫn rõ"})
        assert res.status_code == 302
    assert sync_from_omr(survey, manager) == 2
    sheet = db.session.scalar(select(EntrySheet).where(
        EntrySheet.serial == generic.first_serial + 2))
    assert sheet.answer_map()["q03"].values == ["Cán bộ nhiệt tình, hướng dẫn rõ"]
    assert sheet.review_state == ReviewState.RECEIVED
    # Approved in one go once their marks are verified.
    done = ops.approve_received(survey, manager)
    assert len(done) == generic.count + personal.count
    assert all(s.review_state == ReviewState.APPROVED for s in done)
    # Each drawn dossier whose personalised sheet came back is answered in the draw.
    from fieldwork.frames.models import FrameDrawItem, Outcome

    back = {p.dossier_id for p in printed.values()}
    items = db.session.scalars(select(FrameDrawItem).where(
        FrameDrawItem.dossier_id.in_(back))).all()
    assert len(items) == personal.count
    assert {(i.outcome, i.outcome_source) for i in items} == {(Outcome.ANSWERED, "answer")}


def test_a_ringed_answer_is_read_as_the_answer(client, db, paper, people):
    """Respondents ring answers (a quick loop tight round the box): the ringed answer is read,
    and the sheet needs nobody."""
    survey, ward, _justice, _fields = paper
    batch = print_batch(survey, {"agency_id": ward.id, "count": 2}, people["manager"])
    db.session.commit()
    _scan(client, people, survey, batch, lambda layout, i: _answers(layout, i, "ring", True),
          (0, 180))
    sync_from_omr(survey, people["manager"])
    sheets = db.session.scalars(select(EntrySheet)).all()
    assert len(sheets) == 2
    for sheet in sheets:
        assert sheet.answer_map()["q01"].values == ["yes"]
        assert sheet.review_state == ReviewState.RECEIVED
