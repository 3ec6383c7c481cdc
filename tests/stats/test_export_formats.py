"""Exports as analysts expect (issue 18) and de-identified free text (issue 15).

The fixture is built from plain values a person would type (dates as dd/mm/yyyy, options by
their code) through the real models; files are read back with pyreadstat, openpyxl, the csv
module and PSPP, never with the code that wrote them.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta

import pyreadstat
import pytest
from openpyxl import load_workbook

from fieldwork.entry.validation import clean_date
from fieldwork.forms import operations as forms_ops
from fieldwork.imports.models import Channel, ImportedResponse, ImportRun
from fieldwork.online.models import OnlineChannel, OnlineResponse
from fieldwork.privacy.crypto import encrypt
from fieldwork.privacy.operations import grant_contact_access
from fieldwork.stats.export_table import fit_label
from fieldwork.stats.exports import export_table, merge_questions

from ..quality.conftest import add_sheet

LEAKS = ["0905 123 456", "0905.123.456", "0905-123-456", "0905123456", "048012345678",
         "lan.nguyen@example.vn"]
COMMENT = ("Gọi 0905 123 456 hoặc 0905.123.456 hay 0905-123-456, số 0905123456, "
           "CCCD 048012345678, thư lan.nguyen@example.vn; hồ sơ ngày 12/03")
DATES = ["28/08/2026", "01/03/2026", "31/12/2025"]


@pytest.fixture()
def ex(db, factory):
    """Survey EX-1 (2025 form): three approved paper sheets with survey dates, reasons and a
    comment full of contacts; one online answer; one imported call-centre record."""
    manager, reviewer = factory.user("manager"), factory.user("home_affairs")
    lan = factory.user("enumerator", name="Nguyễn Thị Lan")
    a = factory.agency("Sở Tư pháp")
    survey = factory.survey("EX-1", agencies=[a])
    v = forms_ops.create_from_template(survey, "danang-2025", manager)
    forms_ops.transition(v, "submit", manager)
    forms_ops.transition(v, "approve", reviewer, "Đồng ý")
    survey.version = v
    at = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
    for serial, typed in enumerate(DATES, 1):
        digits, error = clean_date(typed)
        assert error is None
        answers = {"survey_date": digits, "q01": ["no" if serial == 1 else "yes"],
                   "q02": ["reason_a", "other"] if serial == 1 else [],
                   "q02_other": ["=HYPERLINK(\"http://x.example\")"] if serial == 1 else [],
                   "q03": [COMMENT], "agency": ["Sở Tư pháp"]}
        add_sheet(db, survey, serial, agency=a, enumerator=lan, answers=answers,
                  at=at + timedelta(hours=serial))
    db.session.add(OnlineResponse(
        survey_id=survey.id, version_id=v.id, agency_id=a.id, channel=OnlineChannel.ONLINE,
        device_hash="d" * 64, answers={"q01": ["yes"], "q03": ["Rất tốt, mail a@b.vn"]},
        satisfied=True, phone_enc=encrypt("0912345678"),
        created_at=datetime(2026, 3, 11, 20, 0, tzinfo=UTC)))
    run = ImportRun(survey_id=survey.id, source="call_centre", channel=Channel.CALL_CENTRE,
                    file_name="x.csv", file_sha256="0" * 64, file_format="csv")
    db.session.add(run)
    db.session.flush()
    db.session.add(ImportedResponse(
        survey_id=survey.id, run_id=run.id, source="call_centre", channel=Channel.CALL_CENTRE,
        agency_id=a.id,
        response_date=date(2026, 3, 5), satisfied=False, reasons=["c"],
        comment="gọi lại 0912 345 678", fingerprint="fp1"))
    db.session.commit()
    return survey


def export(runner, tmp_path, fmt, *extra):
    out = tmp_path / f"ex.{fmt}"
    res = runner.invoke(args=["export", "EX-1", "--format", fmt, "--out", str(out), *extra])
    assert res.exit_code == 0, res.output
    return out, res.output


def stats_json(runner, *extra) -> dict:
    res = runner.invoke(args=["stats", "EX-1", "--json", *extra])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_rows_are_the_statistics_rows_with_source_and_channel(runner, ex, tmp_path):
    # By default both are the independent survey: the three paper sheets.
    out, _ = export(runner, tmp_path, "csv")
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    stats = stats_json(runner)
    answered = [r for r in rows if r["satisfied"] != ""]
    assert len(answered) == stats["overall"]["n"] == 3
    assert sum(int(r["satisfied"]) for r in answered) == stats["overall"]["satisfied"] == 2
    assert {r["source"] for r in rows} == {"independent"}
    # Every source pooled, asked for by name: the same five rows in both.
    out, _ = export(runner, tmp_path, "csv", "--combined")
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    stats = stats_json(runner, "--combined")
    answered = [r for r in rows if r["satisfied"] != ""]
    assert len(answered) == stats["overall"]["n"] == 5
    assert sum(int(r["satisfied"]) for r in answered) == stats["overall"]["satisfied"] == 3
    assert sorted((r["source"], r["channel"]) for r in rows) == [
        ("call_centre", "call_centre"), ("city_online", "online")] + [
        ("independent", "paper_keyed")] * 3
    call = next(r for r in rows if r["channel"] == "call_centre")
    assert call["q02_reason_c"] == "1" and call["q02_reason_a"] == "0"
    assert call["import_comment"] == "gọi lại xxx xxx xxx 678"


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_dates_round_trip_through_spss_and_stata(runner, ex, tmp_path, fmt):
    out, _ = export(runner, tmp_path, fmt)
    read = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    df, meta = read(str(out))
    assert list(df["survey_date"][:3]) == [date(2026, 8, 28), date(2026, 3, 1),
                                           date(2025, 12, 31)]
    assert list(df["date"][:3]) == list(df["survey_date"][:3])
    # stored in UTC at 02:30 + n hours, written in Vietnam time (UTC+7)
    assert df["keyed_at"][0].to_pydatetime() == datetime(2026, 3, 10, 10, 30)
    formats = meta.original_variable_types
    if fmt == "sav":
        assert formats["survey_date"] == "SDATE10" and formats["keyed_at"] == "DATETIME20"
        assert formats["q01"] == "F1.0" and formats["q02_reason_a"] == "F1.0"
        assert formats["version"] == "F1.0" and formats["satisfied"] == "F1.0"
        assert meta.variable_measure["q01"] == "nominal"
        assert meta.variable_measure["survey_date"] == "scale"
        assert meta.variable_measure["agency"] == "nominal"
    else:
        assert formats["survey_date"] == "%tdCCYY-NN-DD" and formats["keyed_at"] == "%tc"


def test_dates_are_iso_in_csv_and_date_cells_in_xlsx(runner, ex, tmp_path):
    out, _ = export(runner, tmp_path, "csv", "--combined")
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["survey_date"] for r in rows[:3]] == ["2026-08-28", "2026-03-01", "2025-12-31"]
    assert rows[0]["keyed_at"] == "2026-03-10 10:30:00"
    by = {r["channel"]: r for r in rows}
    assert by["online"]["date"] == "2026-03-12"  # 20:00 UTC is the next day in Vietnam
    assert by["call_centre"]["date"] == "2026-03-05"
    assert all(" " not in r["survey_date"] for r in rows)
    out, _ = export(runner, tmp_path, "xlsx")
    ws = load_workbook(out)["data"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("survey_date") + 1)
    assert cell.is_date and cell.value.date() == date(2026, 8, 28)
    assert cell.number_format == "yyyy-mm-dd"
    q01 = ws.cell(row=2, column=header.index("q01") + 1)
    assert q01.value == 2 and q01.data_type == "n"


def test_multiple_choice_labels_name_the_option(runner, ex, tmp_path):
    out, _ = export(runner, tmp_path, "dta")
    _, meta = pyreadstat.read_dta(str(out))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    b = labels["q02_reason_b"]
    assert len(b) <= 80 and b.endswith(": Về tiến độ, kết quả giải quyết thủ tục hành chính")
    assert b.startswith("Vui lòng") and "…" in b
    # an option longer than Stata's 80 characters on its own: the option, not the question
    assert labels["q02_reason_a"].startswith("Về công khai, minh bạch, đầy đủ, kịp thời")
    assert labels["q02_opt_other"].endswith(": Lý do khác")
    options = [c for c in meta.column_names if c.startswith("q02_") and c != "q02_other"]
    assert len(options) == 9 and len({labels[c] for c in options}) == 9
    out, _ = export(runner, tmp_path, "sav")
    _, meta = pyreadstat.read_sav(str(out))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["q02_reason_d"] == ("Vui lòng lựa chọn nội dung Ông/Bà chưa hài lòng (có thể "
                                      "chọn nhiều): Thái độ ứng xử của cán bộ, công chức, viên "
                                      "chức hướng dẫn, tiếp nhận hồ sơ, giải quyết thủ tục hành "
                                      "chính")
    with open(tmp_path / "ex.sav.codebook.csv", encoding="utf-8-sig") as fh:
        book = {r["variable"]: r for r in csv.DictReader(fh) if r["label"]}
    assert book["q02_reason_a"]["label"] == (
        "Vui lòng lựa chọn nội dung Ông/Bà chưa hài lòng (có thể chọn nhiều): Về công khai, "
        "minh bạch, đầy đủ, kịp thời của thông tin thủ tục hành chính so với quy định")
    assert book["q02_reason_a"]["measure"] == "nominal"


def test_fit_label_cuts_the_question_never_the_option():
    option = "Thời gian chờ đợi"
    label = "x" * 100 + ": " + option
    short = fit_label(label, option, max_chars=80)
    assert len(short) == 80 and short.endswith("…: " + option)
    vn = "Ư" * 200 + ": " + option
    assert len(fit_label(vn, option, max_bytes=255).encode()) <= 255
    assert fit_label(vn, option, max_bytes=255).endswith(option)
    assert fit_label("a" * 90, max_chars=80) == "a" * 79 + "…"
    assert fit_label("ngắn: A", "A", max_chars=80) == "ngắn: A"


def test_snapshot_is_the_same_in_stats_codebook_and_files(runner, ex, tmp_path):
    snapshot = stats_json(runner)["snapshot"]
    for fmt in ("csv", "sav", "dta"):
        out, printed = export(runner, tmp_path, fmt)
        assert f"snapshot {snapshot}" in printed
        with open(tmp_path / f"ex.{fmt}.codebook.csv", encoding="utf-8-sig") as fh:
            facts = {r["variable"]: r["label"] for r in csv.DictReader(fh)}
        assert facts["_snapshot"] == snapshot and facts["_rows"] == "3"
        assert facts["_view"] == "independent"
    _, meta = pyreadstat.read_dta(str(tmp_path / "ex.dta"))
    assert meta.file_label == f"snapshot {snapshot}"
    out, _ = export(runner, tmp_path, "xlsx")
    book = load_workbook(out)["codebook"]
    assert ["_snapshot", snapshot] in [[c.value for c in row[:2]] for row in book.iter_rows()]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "dta"])
def test_deidentified_free_text_has_no_phone_id_or_email(runner, ex, tmp_path, fmt):
    from fieldwork.stats.filters import Filter
    out, _ = export(runner, tmp_path, fmt, "--combined")
    table = export_table(ex, flt=Filter(combined=True))
    texts = [str(r.get(c)) for r in table.rows for c in ("q03", "import_comment")]
    for leak in LEAKS + ["a@b.vn", "0912 345 678"]:
        assert not any(leak in t for t in texts), leak
        for path in tmp_path.glob("ex.*"):
            blob = path.read_bytes()
            assert leak.encode() not in blob and leak.encode("utf-16-le") not in blob, (
                path.name, leak)
    assert table.rows[0]["q03"].startswith("Gọi xxx xxx xxx 456")
    assert "xxx@xxx" in table.rows[0]["q03"] and "12/03" in table.rows[0]["q03"]


def test_identified_export_keeps_free_text_as_written(runner, ex, tmp_path, db, factory):
    manager = factory.user("manager")
    grant_contact_access(manager, {"survey_id": ex.id}, manager)
    db.session.commit()
    out, _ = export(runner, tmp_path, "csv", "--identified", "--as-user", manager.email,
                    "--combined")
    with open(out, encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["q03"] == COMMENT
    by = {r["channel"]: r for r in rows}
    assert by["online"]["phone"] == "0912345678"
    assert by["call_centre"]["import_comment"] == "gọi lại 0912 345 678"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "dta"])
def test_survey_without_answers_gives_a_well_formed_empty_file(runner, db, factory,
                                                               tmp_path, fmt):
    manager, reviewer = factory.user("manager"), factory.user("home_affairs")
    survey = factory.survey("EX-0", agencies=[factory.agency("Sở Y tế")])
    v = forms_ops.create_from_template(survey, "danang-2025", manager)
    forms_ops.transition(v, "submit", manager)
    forms_ops.transition(v, "approve", reviewer, "Đồng ý")
    db.session.commit()
    out = tmp_path / f"empty.{fmt}"
    res = runner.invoke(args=["export", "EX-0", "--format", fmt, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "0 rows" in res.output and "no counted answers" in res.output
    if fmt == "csv":
        with open(out, encoding="utf-8-sig") as fh:
            lines = list(csv.reader(fh))
        assert len(lines) == 1 and "q02_reason_a" in lines[0]
    elif fmt == "xlsx":
        ws = load_workbook(out)["data"]
        assert ws.max_row == 1 and ws.cell(1, 1).value == "serial"
    else:
        df, meta = (pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta)(str(out))
        assert len(df) == 0 and "q02_reason_a" in meta.column_names
        assert "survey_date" in meta.column_names


def test_options_of_later_versions_are_kept():
    from fieldwork.forms.spec import Option, Question, Questionnaire, Section
    old = Questionnaire("v1", sections=[Section("s", "S", questions=[
        Question("q01", "single", "Hài lòng?", options=[Option("yes", "Có"),
                                                       Option("no", "Không")])])])
    new = Questionnaire("v2", sections=[Section("s", "S", questions=[
        Question("q01", "single", "Hài lòng không?", options=[
            Option("yes", "Có"), Option("no", "Không"), Option("dk", "Không biết")])])])
    (q,) = merge_questions([old, new])
    assert q.text == "Hài lòng?" and [o.code for o in q.options] == ["yes", "no", "dk"]
    assert [o.code for o in old.question("q01").options] == ["yes", "no"]  # not changed


def test_pspp_reads_the_sav(runner, ex, tmp_path):
    assert shutil.which("pspp"), "Debian's pspp is a test package (make setup-test)"
    out, _ = export(runner, tmp_path, "sav")
    syntax = tmp_path / "read.sps"
    syntax.write_text(f"GET FILE='{out}'.\nDISPLAY DICTIONARY.\n"
                      "LIST /VARIABLES=serial survey_date q01 q02_reason_a.\n",
                      encoding="utf-8")
    res = subprocess.run(["pspp", "-O", "format=txt", "-o", str(tmp_path / "o.txt"),
                          str(syntax)], capture_output=True, text=True, timeout=120)
    text = (tmp_path / "o.txt").read_text(encoding="utf-8")
    assert res.returncode == 0, res.stderr + text
    assert "error" not in text.lower()
    assert "SDATE10" in text and "F1.0" in text and "Nominal" in text and "Ordinal" not in text
    assert "2026/08/28" in text and "Có chọn" in text
    assert "Về công khai" in text


def test_report_annex_prints_the_same_snapshot(runner, ex, tmp_path):
    import io

    from docx import Document

    snapshot = stats_json(runner)["snapshot"]
    export(runner, tmp_path, "csv")
    with open(tmp_path / "ex.csv.codebook.csv", encoding="utf-8-sig") as fh:
        facts = {r["variable"]: r["label"] for r in csv.DictReader(fh)}
    out = tmp_path / "bc.docx"
    res = runner.invoke(args=["report", "EX-1", "--format", "docx", "--out", str(out)])
    assert res.exit_code == 0, res.output
    paragraphs = [p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs]
    annex = paragraphs[next(i for i, p in enumerate(paragraphs) if p.startswith("PHỤ LỤC 1")):]
    at = next(i for i, p in enumerate(annex) if p.startswith("Bộ dữ liệu (snapshot)"))
    assert annex[at + 1] == snapshot
    assert facts["_snapshot"] == snapshot


def test_stored_moments_become_vietnam_time_whatever_their_form():
    from fieldwork.stats.export_table import local_time
    want = datetime(2026, 3, 10, 9, 30)
    assert local_time(datetime(2026, 3, 10, 2, 30, tzinfo=UTC)) == want
    assert local_time(datetime(2026, 3, 10, 2, 30)) == want  # naive: stored UTC
    assert local_time("2026-03-10T02:30:00") == want
    assert local_time("2026-03-10T09:30:00+07:00") == want
    assert local_time("") is None and local_time("hôm qua") is None and local_time(None) is None


def test_long_codes_fit_stata_and_unknown_options_are_kept(tmp_path):
    from fieldwork.forms.spec import Option, Question
    from fieldwork.stats.exports import build_table, write_table
    long = "q_" + "rat_dai_" * 4 + "x"  # 35 characters: over Stata's 32
    questions = [
        Question(long, "multiple", "Chọn nhiều", options=[
            Option("lua_chon_co_ma_rat_dai_a", "A"), Option("lua_chon_co_ma_rat_dai_b", "B")]),
        Question("q01", "single", "Hài lòng?", options=[Option("yes", "Có"),
                                                         Option("no", "Không")])]
    sheets = [{"serial": 1, "channel": "paper_keyed",
               "answers": {long: ["lua_chon_co_ma_rat_dai_b"], "q01": ["maybe"]}},
              {"serial": 2, "channel": "online", "answers": {"q01": ["yes"]}}]
    table = build_table(questions, sheets)
    names = table.columns
    assert len(set(names)) == len(names) and all(len(n) <= 28 for n in names)
    q01 = next(v for v in table.variables if v.name == "q01")
    assert table.rows[0]["q01"] == -1 and q01.value_labels[-1] == "maybe"
    assert any("q01" in n for n in table.meta["notes"])
    assert [r["source"] for r in table.rows] == ["independent", "city_online"]
    write_table(table, "dta", tmp_path / "x.dta")
    df, meta = pyreadstat.read_dta(str(tmp_path / "x.dta"))
    chosen = [c for c in meta.column_names if c.startswith("q_rat")]
    assert len(chosen) == 2 and df[chosen[1]][0] == 1 and df[chosen[0]][0] == 0
    assert df[chosen[1]].isna()[1]  # not answered at all: missing, not "not chosen"
    assert meta.value_labels[meta.variable_to_label["q01"]][-1] == "maybe"
