"""Exports: SPSS/Stata labels read back with pyreadstat, CSV/XLSX columns, de-identification."""

from __future__ import annotations

import csv

import pyreadstat
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from fieldwork.audit.models import AuditEvent
from fieldwork.privacy.operations import grant_contact_access

from ..quality.conftest import phone_of
from .test_dataset import build


@pytest.fixture()
def data(db, factory):
    """The ST-1 survey of test_dataset."""
    return build(db, factory)


def export(runner, tmp_path, fmt, *extra):
    out = tmp_path / f"st1.{fmt}"
    res = runner.invoke(args=["export", "ST-1", "--format", fmt, "--out", str(out), *extra])
    return res, out


def test_sav_has_variable_and_value_labels(runner, data, tmp_path, db):
    res, out = export(runner, tmp_path, "sav")
    assert res.exit_code == 0, res.output
    df, meta = pyreadstat.read_sav(str(out))
    assert len(df) == 40
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["serial"].startswith("Số sê-ri phiếu")
    assert labels["q01"].startswith("Ông/Bà có hài lòng")
    assert meta.variable_value_labels["q01"] == {1.0: "Hài lòng", 2.0: "Chưa hài lòng"}
    assert meta.variable_value_labels["q02_reason_c"] == {0.0: "Không chọn", 1.0: "Có chọn"}
    assert (df["q01"] == 1).sum() == 34
    assert df["q02_reason_c"].sum() == 6
    assert "phone" not in df.columns and "citizen_id" not in df.columns
    assert (tmp_path / "st1.sav.codebook.csv").exists()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "stats.export")
                               .order_by(AuditEvent.id)).all()[-1]
    assert event.after["format"] == "sav" and event.after["identified"] is False


def test_dta_has_labels(runner, data, tmp_path):
    res, out = export(runner, tmp_path, "dta")
    assert res.exit_code == 0, res.output
    df, meta = pyreadstat.read_dta(str(out))
    assert len(df) == 40
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["agency"] == "Cơ quan, đơn vị"
    value_labels = meta.value_labels[meta.variable_to_label["q01"]]
    assert value_labels == {1: "Hài lòng", 2: "Chưa hài lòng"}


def test_csv_and_xlsx_columns(runner, data, tmp_path):
    res, out = export(runner, tmp_path, "csv")
    assert res.exit_code == 0, res.output
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 40
    assert list(rows[0])[:12] == ["serial", "source", "channel", "version", "agency", "field",
                                  "review_state", "enumerator", "date", "keyed_at",
                                  "approved_at", "satisfied"]
    assert {r["review_state"] for r in rows} == {"approved"}
    assert {(r["source"], r["channel"]) for r in rows} == {("independent", "paper_keyed")}
    with open(tmp_path / "st1.csv.codebook.csv", encoding="utf-8") as fh:
        assert "q02_reason_a" in fh.read()
    res, out = export(runner, tmp_path, "xlsx")
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["data", "codebook"]
    header = [c.value for c in next(wb["data"].iter_rows(max_row=1))]
    assert "q01" in header and "phone" not in header
    assert wb["data"].max_row == 41


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "dta"])
def test_plain_phone_never_in_a_deidentified_file(runner, data, tmp_path, fmt):
    res, out = export(runner, tmp_path, fmt)
    assert res.exit_code == 0, res.output
    for path in tmp_path.glob("st1.*"):
        blob = path.read_bytes()
        assert phone_of(1).encode() not in blob
        assert phone_of(1).encode("utf-16-le") not in blob


def test_identified_refused_without_the_right(runner, data, tmp_path):
    res, out = export(runner, tmp_path, "csv", "--identified")
    assert res.exit_code != 0 and "--as-user" in res.output
    res, out = export(runner, tmp_path, "csv", "--identified", "--as-user",
                      data.manager.email)
    assert res.exit_code != 0 and "refused" in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_identified_for_a_granted_user(runner, data, tmp_path, db):
    grant_contact_access(data.manager, {"survey_id": data.survey.id}, data.manager)
    db.session.commit()
    res, out = export(runner, tmp_path, "sav", "--identified", "--as-user",
                      data.manager.email)
    assert res.exit_code == 0, res.output
    df, _ = pyreadstat.read_sav(str(out))
    assert phone_of(1) in set(df["phone"])


@pytest.mark.parametrize("args, message", [
    (["export", "NOPE", "--format", "csv", "--out", "x.csv"], "unknown survey"),
    (["export", "ST-1", "--format", "pdf", "--out", "x.pdf"], "unknown format"),
    (["export", "ST-1", "--format", "csv", "--out", "/nonexistent/dir/x.csv"], "cannot write"),
    (["export", "ST-1", "--format", "sav", "--out", "/nonexistent/dir/x.sav"], "cannot write"),
    (["export", "ST-1", "--format", "dta", "--out", "/nonexistent/dir/x.dta"], "cannot write"),
    (["export", "ST-1", "--format", "csv", "--out", "x.csv", "--as-user", "no@x.vn"],
     "unknown user"),
])
def test_export_bad_input(runner, data, args, message):
    res = runner.invoke(args=args)
    assert res.exit_code != 0
    assert message in res.output
    assert "Traceback" not in res.output
