"""The statistics page: who may see it, what it shows, and the export downloads."""

from __future__ import annotations

import io
import zipfile

import pyreadstat
import pytest

from fieldwork.privacy.operations import grant_contact_access

from ..conftest import csrf_token
from ..entry.conftest import sign_in
from ..quality.conftest import phone_of
from .test_dataset import build


@pytest.fixture()
def data(db, factory):
    """The ST-1 survey of test_dataset."""
    return build(db, factory)


def test_manager_sees_the_page(client, data):
    sign_in(client, data.manager, "vi")
    res = client.get("/stats/ST-1")
    assert res.status_code == 200
    page = res.get_data(as_text=True)
    assert "85,00%" in page and "Sở Y tế" in page and "reason_c" in page
    assert 'name="identified"' not in page


def test_agency_reviewer_is_refused(client, data):
    sign_in(client, data.agency_user)
    assert client.get("/stats/ST-1").status_code == 403
    assert client.get("/stats/").status_code == 403


def test_index_redirects_and_unknown_survey_404(client, data):
    sign_in(client, data.manager)
    assert client.get("/stats/").status_code == 302
    assert client.get("/stats/NOPE").status_code == 404


def post_export(client, fmt, **extra):
    token = csrf_token(client, "/stats/ST-1")
    return client.post("/stats/ST-1/export", data={"csrf_token": token, "format": fmt, **extra})


def test_download_sav_zip_deidentified(client, data, tmp_path):
    sign_in(client, data.manager)
    res = post_export(client, "sav")
    assert res.status_code == 200
    with zipfile.ZipFile(io.BytesIO(res.data)) as zf:
        assert sorted(zf.namelist()) == ["ST-1.sav", "ST-1.sav.codebook.csv"]
        zf.extractall(tmp_path)
    df, meta = pyreadstat.read_sav(str(tmp_path / "ST-1.sav"))
    assert len(df) == 40 and "phone" not in df.columns
    assert post_export(client, "pdf").status_code == 400


def test_identified_download_only_for_entitled(client, data, db):
    sign_in(client, data.manager)
    assert post_export(client, "xlsx", identified="1").status_code == 403
    grant_contact_access(data.manager, {"survey_id": data.survey.id}, data.manager)
    db.session.commit()
    assert 'name="identified"' in client.get("/stats/ST-1").get_data(as_text=True)
    res = post_export(client, "csv", identified="1")
    assert res.status_code == 200
    with zipfile.ZipFile(io.BytesIO(res.data)) as zf:
        assert phone_of(1) in zf.read("ST-1.csv").decode("utf-8-sig")


def test_export_of_a_survey_without_answers_is_a_well_formed_empty_file(client, db, factory,
                                                                        tmp_path):
    from sqlalchemy import select

    from fieldwork.forms import operations as forms_ops
    from fieldwork.jobs.models import Job

    manager, reviewer = factory.user("manager"), factory.user("home_affairs")
    survey = factory.survey("ST-0", agencies=[factory.agency("Sở Y tế")])
    v = forms_ops.create_from_template(survey, "danang-2025", manager)
    forms_ops.transition(v, "submit", manager)
    forms_ops.transition(v, "approve", reviewer, "Đồng ý")
    db.session.commit()
    sign_in(client, manager, "vi")
    token = csrf_token(client, "/stats/ST-0")
    res = client.post("/stats/ST-0/export", data={"csrf_token": token, "format": "dta"})
    assert res.status_code == 200
    with zipfile.ZipFile(io.BytesIO(res.data)) as zf:
        zf.extractall(tmp_path)
    df, meta = pyreadstat.read_dta(str(tmp_path / "ST-0.dta"))
    assert len(df) == 0 and "q02_reason_a" in meta.column_names
    job = db.session.scalars(select(Job).where(Job.kind == "stats.export")).all()[-1]
    assert job.result["rows"] == 0
    assert job.message.startswith("Chưa có câu trả lời nào được tính")
