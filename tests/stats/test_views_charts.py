"""The statistics page's new parts and its chart images (same numbers, same roles)."""

from __future__ import annotations

import pytest

from fieldwork.reports.content import pct
from fieldwork.reports.dashboard import CHARTS, available, chart_png
from fieldwork.stats.statistics import survey_statistics

from ..entry.conftest import sign_in
from .sipas_data import build_sipas
from .test_dataset import build

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture()
def sipas_data(db, factory):
    """SP-2 of sipas_data: criteria, profile, groups, two months."""
    return build_sipas(db, factory)


def test_page_shows_criteria_profile_periods_and_charts(client, sipas_data):
    result = survey_statistics(sipas_data.survey)
    sign_in(client, sipas_data.manager, "vi")
    page = client.get("/stats/SP-2").get_data(as_text=True)
    for part in ("aspects", "criteria", "profile", "months", "groups"):
        assert f'id="{part}"' in page
    assert "Tiếp cận dịch vụ" in page and pct(result["aspects"][0]["index"]) in page
    assert "Quý 1/2026" in page and "03/2026" in page and "Nghề nghiệp" in page
    for name in ("agencies", "aspects", "periods"):
        assert f'src="/stats/SP-2/chart/{name}.png"' in page
    assert "/stats/SP-2/chart/reasons.png" not in page  # a SIPAS form has no reasons
    assert 'id="reasons"' not in page
    assert "data:image" not in page and "<script>" not in page


def test_chart_images_and_their_etag(client, sipas_data):
    sign_in(client, sipas_data.manager)
    res = client.get("/stats/SP-2/chart/aspects.png")
    assert res.status_code == 200 and res.mimetype == "image/png"
    assert res.data.startswith(PNG) and "private" in res.headers["Cache-Control"]
    again = client.get("/stats/SP-2/chart/aspects.png",
                       headers={"If-None-Match": res.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    assert client.get("/stats/SP-2/chart/reasons.png").status_code == 404  # no data
    assert client.get("/stats/SP-2/chart/nope.png").status_code == 404
    assert client.get("/stats/NOPE/chart/aspects.png").status_code == 404


def test_chart_roles(client, db, factory):
    d = build(db, factory)
    sign_in(client, d.agency_user)
    assert client.get("/stats/ST-1/chart/agencies.png").status_code == 403
    sign_in(client, d.manager)
    res = client.get("/stats/ST-1/chart/reasons.png")
    assert res.status_code == 200 and res.data.startswith(PNG)
    page = client.get("/stats/ST-1").get_data(as_text=True)
    assert "Phải liên hệ nhiều lần" in page and "reason_c" in page
    assert "Paper, keyed" in page and 'id="reasons"' in page
    assert 'id="comments"' in page and "Tốt" in page  # ten "Tốt" comments per agency


def test_available_charts_follow_the_data():
    empty = {"agencies": [], "reasons": [{"code": "reason_a", "count": 0}], "aspects": [],
             "periods": {"month": [{"group": "2026-03", "n": 1, "rate": 1.0}]}}
    assert available(empty) == []
    assert chart_png(empty, "agencies") is None
    with pytest.raises(ValueError):
        chart_png(empty, "pie")
    assert set(CHARTS) == {"agencies", "reasons", "aspects", "periods"}


def test_page_and_charts_share_one_cached_summary_until_the_data_change(
        client, db, sipas_data, monkeypatch):
    from fieldwork.stats import statistics

    calls = []
    real = statistics.compute

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(statistics, "compute", counted)
    sign_in(client, sipas_data.manager)
    assert client.get("/stats/SP-2").status_code == 200 and len(calls) == 1
    etags = set()
    for name in ("agencies", "aspects", "periods"):
        res = client.get(f"/stats/SP-2/chart/{name}.png")
        assert res.status_code == 200 and res.data.startswith(PNG)
        etags.add(res.headers["ETag"].rsplit("-", 1)[0])
    assert len(calls) == 1  # the page's figures, not three more computations
    assert len(etags) == 1  # ... so every chart carries the page's revision and snapshot
    assert client.get("/stats/SP-2").status_code == 200 and len(calls) == 1  # cached
    # Another view of the same survey is another summary.
    assert client.get("/stats/SP-2?combined=1").status_code == 200 and len(calls) == 2



def test_a_repeat_chart_view_draws_nothing_until_the_data_change(client, db, factory,
                                                                 monkeypatch):
    """Charts are cached beside the statistics under the data revision: the second view of
    a chart neither computes nor draws; an approved sheet raises the revision, so the next
    view draws the new figures under a new ETag."""
    from fieldwork.reports import dashboard
    from fieldwork.stats import statistics

    from ..quality.conftest import add_sheet

    d = build(db, factory)
    drawn, computed = [], []
    real_png, real_compute = dashboard.chart_png, statistics.compute
    monkeypatch.setattr(dashboard, "chart_png",
                        lambda *a, **k: drawn.append(a[1]) or real_png(*a, **k))
    monkeypatch.setattr(statistics, "compute",
                        lambda *a, **k: computed.append(1) or real_compute(*a, **k))
    sign_in(client, d.manager)
    first = client.get("/stats/ST-1/chart/reasons.png")
    assert first.status_code == 200 and first.data.startswith(PNG)
    assert (drawn, len(computed)) == (["reasons"], 1)
    again = client.get("/stats/ST-1/chart/reasons.png")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert (drawn, len(computed)) == (["reasons"], 1)  # from the cache: nothing redone
    other = client.get("/stats/ST-1/chart/reasons.png?combined=1")  # another view
    assert other.status_code == 200 and len(drawn) == 2
    add_sheet(db, d.survey, 99, agency=d.a, enumerator=d.lan,
              answers={"q01": ["no"], "q02": ["reason_g"]})
    db.session.commit()
    after = client.get("/stats/ST-1/chart/reasons.png")
    assert after.status_code == 200 and len(drawn) == 3 and len(computed) == 3
    assert after.headers["ETag"] != first.headers["ETag"] and after.data != first.data
