"""Report draft pages: who sees which versions, the new-version form, messages, step 5 links."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from fieldwork.plans import operations_review, operations_steps
from fieldwork.plans.models_docs import DocKind
from fieldwork.plans.models_workflow import Step, StepState
from fieldwork.plans.steps import ensure, plan_of
from fieldwork.reports import drafts
from fieldwork.reports.content import SHORTCOMINGS
from fieldwork.reports.models import ReportDraft

from ..conftest import csrf_token, login
from ..factories import PASSWORD
from ..plans.helpers import pdf, put_in_state, upload
from .test_drafts import NARRATIVE, build_data


@pytest.fixture(autouse=True)
def quick_files(monkeypatch):
    """Small stand-in files (the real builders are tested in test_drafts): pages only."""
    from fieldwork.reports import docx_report, pdf_report

    def tag(content):
        return repr((content.subject, content.snapshot, [s.blocks for s in content.sections
                                                         if s.heading == SHORTCOMINGS]))
    monkeypatch.setattr(pdf_report, "build_report_pdf", lambda c, *_a: pdf(tag(c)))
    monkeypatch.setattr(docx_report, "build_report_docx", lambda c, *_a: docx_of(tag(c)))


def docx_of(text: str) -> bytes:
    """A minimal DOCX-shaped ZIP whose document part holds ``text``."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document>{text}</w:document>")
    return buf.getvalue()


@pytest.fixture()
def data(db, factory):
    """ST-1 with a synthesis version, a field version and a version for each agency."""
    d = build_data(db, factory)
    d.syn = drafts.create_draft(d.survey, d.manager, narrative=NARRATIVE)
    d.fld = drafts.create_draft(d.survey, d.manager, field=d.field)
    d.va = drafts.create_draft(d.survey, d.manager, agency=d.a, narrative=NARRATIVE)
    d.vb = drafts.create_draft(d.survey, d.manager, agency=d.b)
    db.session.commit()
    return d


def _as(client, user):
    assert login(client, user.email, PASSWORD).status_code == 302
    return client


def _post(client, data: dict, code: str = "ST-1"):
    token = csrf_token(client, f"/reports/{code}")
    return client.post(f"/reports/{code}/drafts", data={"csrf_token": token, **data})


def _versions(html: str) -> set[int]:
    return {int(x) for x in re.findall(r'id="draft-(\d+)"', html)}


def test_manager_sees_every_version_and_the_form(client, data):
    html = _as(client, data.manager).get("/reports/ST-1").get_data(as_text=True)
    assert _versions(html) == {data.syn.id, data.fld.id, data.va.id, data.vb.id}
    assert data.syn.snapshot[:12] in html and 'id="new"' in html
    assert NARRATIVE["shortcomings"] in html  # the form is prefilled from the newest version
    assert f"/surveys/ST-1/attachments/{data.syn.pdf_id}" in html


@pytest.mark.parametrize("who, visible", [
    ("reviewer", {"syn", "fld"}), ("agency_a", {"va"}), ("agency_b", {"vb"}),
])
def test_readers_see_only_their_versions(client, data, who, visible):
    html = _as(client, getattr(data, who)).get("/reports/ST-1").get_data(as_text=True)
    assert _versions(html) == {getattr(data, k).id for k in visible}
    assert 'id="new"' not in html
    for name in ("syn", "fld", "va", "vb"):
        draft = getattr(data, name)
        resp = client.get(f"/reports/ST-1/drafts/{draft.id}")
        assert resp.status_code == (200 if name in visible else 403), name


def test_agency_downloads_only_its_own_pdf(client, data):
    _as(client, data.agency_a)
    resp = client.get(f"/surveys/ST-1/attachments/{data.va.pdf_id}")
    assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
    resp.close()
    assert client.get(f"/surveys/ST-1/attachments/{data.vb.pdf_id}").status_code == 403
    assert client.get(f"/surveys/ST-1/attachments/{data.syn.pdf_id}").status_code == 403


def test_others_are_refused(client, data, factory):
    assert client.get("/reports/ST-1").status_code == 302  # to the sign-in page
    _as(client, data.lan)  # an enumerator
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/ST-1").status_code == 403
    outsider = factory.user("agency")  # an agency outside the survey's scope
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _as(client, outsider)
    assert client.get("/reports/ST-1").status_code == 403


@pytest.mark.parametrize("who", ["reviewer", "agency_a"])
def test_only_the_manager_creates(client, data, db, who):
    _as(client, getattr(data, who))
    token = csrf_token(client, "/reports/")
    resp = client.post("/reports/ST-1/drafts", data={"csrf_token": token, "scope": "synthesis"})
    assert resp.status_code == 403
    assert len(db.session.scalars(select(ReportDraft)).all()) == 4


def test_manager_creates_a_version(client, data, db):
    _as(client, data.manager)
    resp = _post(client, {"scope": f"agency:{data.a.id}", "shortcomings": "Chờ lâu.",
                          "recommendations": "Thêm quầy."})
    assert resp.status_code == 302
    new = db.session.scalars(select(ReportDraft).order_by(ReportDraft.id.desc())).first()
    assert resp.headers["Location"].endswith(f"/reports/ST-1/drafts/{new.id}")
    assert (new.number, new.agency_id, new.shortcomings) == (2, data.a.id, "Chờ lâu.")
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã tạo phiên bản 2" in html and "Chờ lâu." in html
    html = client.get(f"/reports/ST-1?scope=agency:{data.a.id}").get_data(as_text=True)
    assert "Sẽ tạo phiên bản 3" in html and ">Chờ lâu.</textarea>" in html


@pytest.mark.parametrize("form, message", [
    ({"scope": "bogus"}, "Hãy chọn phạm vi"),
    ({"scope": "agency:99999"}, "Cơ quan không tồn tại"),
    ({"scope": "synthesis", "shortcomings": "x" * 20001}, "quá dài"),
])
def test_bad_input_shows_a_message_and_keeps_the_text(client, data, db, form, message):
    _as(client, data.manager)
    resp = _post(client, {**form, "recommendations": "Giữ lại chữ này."})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "alert-danger" in html
    assert re.search(message, html) and "Giữ lại chữ này." in html
    assert len(db.session.scalars(select(ReportDraft)).all()) == 4


def test_a_round_cannot_open_while_a_draft_to_send_has_empty_parts(client, data, db):
    plan_of(data.survey).field_reasons = ""
    v2 = drafts.create_draft(data.survey, data.manager, narrative=NARRATIVE)  # no situation
    put_in_state(db, data.survey, Step.COMMENTS, StepState.NOT_STARTED)
    db.session.commit()
    _as(client, data.manager)
    token = csrf_token(client, "/surveys/ST-1/step/5")
    page = client.post("/surveys/ST-1/step/5/do/open_round", data={
        "csrf_token": token, "comment": ""}, follow_redirects=True).get_data(as_text=True)
    assert (f"báo cáo tổng hợp, phiên bản {v2.number}: thực trạng và lý do lựa chọn lĩnh "
            "vực") in page
    assert f"{data.b.name}, phiên bản 1: tồn tại, hạn chế, kiến nghị, đề xuất" in page
    assert data.a.name + ", phiên bản" not in page  # its draft has every part
    assert ensure(data.survey)[Step.COMMENTS].state == StepState.NOT_STARTED
    assert operations_steps.current_round(data.survey) is None


def _ready_for_round(db, data) -> None:
    drafts.create_draft(data.survey, data.manager, agency=data.b, narrative=NARRATIVE)
    put_in_state(db, data.survey, Step.COMMENTS, StepState.NOT_STARTED)


def test_round_and_comment_pages_show_the_version(client, data, db):
    _ready_for_round(db, data)
    operations_steps.transition(data.survey, {"step": 5, "name": "open_round"}, data.manager)
    rnd = operations_steps.current_round(data.survey)
    operations_review.file_comment(rnd, {"text": "Số phiếu chưa đúng."}, data.agency_a)
    db.session.commit()
    _as(client, data.agency_a)
    page = client.get("/surveys/ST-1/step/5").get_data(as_text=True)
    assert f"/reports/ST-1/drafts/{data.va.id}" in page
    assert "Về dự thảo báo cáo phiên bản 1" in page
    assert "Bạn đang góp ý dự thảo báo cáo phiên bản 1." in page
    html = client.get(f"/reports/ST-1/drafts/{data.va.id}").get_data(as_text=True)
    assert "Số phiếu chưa đúng." in html and "Đợt 1" in html
    listing = client.get("/reports/ST-1").get_data(as_text=True)
    row = re.search(rf'id="draft-{data.va.id}".*?</tr>', listing, re.S).group(0)
    assert ">1</td>" in row


def test_publication_freezes_the_page(client, data, db):
    upload(data.survey, data.manager, DocKind.FINAL_REPORT)
    put_in_state(db, data.survey, Step.ACCEPTANCE, StepState.ISSUED)
    operations_steps.transition(data.survey, {"step": 6, "name": "publish"}, data.manager)
    db.session.commit()
    _as(client, data.manager)
    html = client.get("/reports/ST-1").get_data(as_text=True)
    assert 'id="frozen"' in html and 'id="new"' not in html
    assert re.search(rf'id="draft-{data.syn.id}".*?Đã công bố', html, re.S)
    resp = _post(client, {"scope": "synthesis"})
    assert resp.status_code == 400 and "đã công bố" in resp.get_data(as_text=True)


def test_pages_have_no_inline_script_or_data_uris(client, data):
    _as(client, data.manager)
    for path in ("/reports/", "/reports/ST-1", f"/reports/ST-1/drafts/{data.va.id}"):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\son[a-z]+\s*=", html) and "data:" not in html, path


def test_a_version_saved_at_the_same_moment_is_a_message(client, data, db, monkeypatch):
    def clash(survey, actor, **kwargs):
        """As if another request had taken version 1 of the synthesis meanwhile."""
        row = ReportDraft(survey_id=survey.id, scope=data.syn.scope, scope_key="synthesis",
                          number=1, snapshot="x", statistics={}, shortcomings="",
                          recommendations="", docx_id=data.syn.docx_id, pdf_id=data.syn.pdf_id)
        db.session.add(row)
        return row

    _as(client, data.manager)
    monkeypatch.setattr(drafts, "create_draft", clash)
    resp = _post(client, {"scope": "synthesis", "shortcomings": "Giữ lại chữ này."})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "cùng lúc" in html and "Giữ lại chữ này." in html
    assert len(db.session.scalars(select(ReportDraft)).all()) == 4
