"""Periods, procedures, comments by agency and masking of numbers in comments."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from statsmodels.stats.proportion import proportion_confint

from fieldwork.stats.breakdowns import (
    comment_texts,
    comments_by_agency,
    mask_numbers,
    parse_date,
    period_of,
    period_rates,
    procedure_rates,
    row_date,
)


def _row(serial, satisfied, **kw):
    row = {"serial": serial, "version": 1, "agency": "A", "field": None,
           "channel": "paper_keyed", "satisfied": satisfied, "reasons": []}
    row.update(kw)
    return row


@pytest.mark.parametrize(("text", "expected"), [
    ("14/05/2026", date(2026, 5, 14)), ("4/5/2026", date(2026, 5, 4)),
    ("2026-05-14", date(2026, 5, 14)), ("31/02/2026", None), ("", None), (None, None),
    ("hôm qua", None)])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_row_date_falls_back_to_the_received_day():
    assert row_date("14/05/2026", datetime(2026, 6, 1, 9)) == "2026-05-14"
    assert row_date("", datetime(2026, 6, 1, 9)) == "2026-06-01"
    assert row_date(None, datetime(2026, 3, 31, 20)) == "2026-04-01"  # 03:00 in Vietnam
    assert row_date(None, datetime(2026, 3, 31, 16, 59, tzinfo=UTC)) == "2026-03-31"
    assert row_date("99/99/2026", date(2026, 6, 2)) == "2026-06-02"
    assert row_date(None, None) is None


def test_period_keys():
    assert period_of("2026-05-14", "month") == "2026-05"
    assert period_of("2026-05-14", "quarter") == "2026-Q2"
    assert period_of("2026-07-01", "half") == "2026-H2"
    with pytest.raises(ValueError):
        period_of("2026-05-14", "week")


def test_period_rates_by_hand():
    rows = [_row(1, True, date="2026-03-02"), _row(2, False, date="2026-03-30"),
            _row(3, True, date="2026-04-01"), _row(4, True, date="2026-07-15"),
            _row(5, None, date="2026-07-16"), _row(6, True, date=None), _row(7, False)]
    p = period_rates(rows)
    assert [(m["group"], m["n"], m["satisfied"]) for m in p["month"]] == [
        ("2026-03", 2, 1), ("2026-04", 1, 1), ("2026-07", 1, 1)]
    assert [(q["group"], q["n"], q["rate"]) for q in p["quarter"]] == [
        ("2026-Q1", 2, 0.5), ("2026-Q2", 1, 1.0), ("2026-Q3", 1, 1.0)]
    assert [(h["group"], h["n"], h["satisfied"]) for h in p["half"]] == [
        ("2026-H1", 3, 2), ("2026-H2", 1, 1)]
    assert p["half"][0]["ci95"] == pytest.approx(proportion_confint(2, 3, method="wilson"))
    assert p["undated"] == 2


def test_procedures_top_and_others():
    names = (["Đăng ký khai sinh"] * 3 + ["đăng ký  khai sinh"] + ["Chứng thực bản sao"] * 2
             + ["Cấp phép xây dựng", "Đăng ký kết hôn", None, "  "])
    rows = [_row(i, i % 2 == 0, procedure=n) for i, n in enumerate(names)]
    p = procedure_rates(rows, top=2)
    assert [(r["group"], r["n"], r["satisfied"]) for r in p["rows"]] == [
        ("Đăng ký khai sinh", 4, 2), ("Chứng thực bản sao", 2, 1)]
    assert (p["others"]["procedures"], p["others"]["n"], p["others"]["satisfied"]) == (2, 2, 1)
    assert p["others"]["group"] is None and p["unnamed"] == 2
    assert procedure_rates(rows)["others"] is None
    assert procedure_rates([_row(1, True)]) == {}


def test_mask_numbers_in_comments():
    text = "Gọi 0905123456 hoặc 0905 123 456, CCCD 048.012.345.678; hồ sơ H17.00012 ngày 12/03"
    masked = mask_numbers(text)
    assert "0905123456" not in masked and "0905 123 456" not in masked
    assert "048.012.345.678" not in masked
    assert masked.count("xxx xxx xxx 456") == 2 and "xxx xxx xxx 678" in masked
    assert "H17.00012" in masked and "12/03" in masked  # short numbers stay
    assert mask_numbers("12345678") == "12345678"


def test_comment_texts_stripped_masked_and_in_order():
    answers = {"q02_other": ["  Chờ   lâu  "], "q03": ["Liên hệ 0912345678"],
               "phone": ["0912345678"], "citizen_id": ["048012345678"]}
    assert comment_texts(answers) == [["q02_other", "Chờ lâu"],
                                      ["q03", "Liên hệ xxx xxx xxx 678"]]
    assert comment_texts({"q03": [""], "q02_other": []}) == []


def test_comments_grouped_by_agency():
    rows = [_row(10, True, agency="Sở Y tế", comments=[["q03", "Tốt"]]),
            _row(2, True, agency="Sở Y tế", comments=[["q02_other", "Chậm"], ["q03", "Ổn"]]),
            _row(3, True, agency=None, comments=[["q03", "Không rõ nơi"]]),
            _row(4, True, agency="Phường Hải Châu", comments=[]),
            _row(5, True, agency="Phường Hải Châu", comments=[["q03", "Nhanh"]])]
    out = comments_by_agency(rows)
    assert [(c["agency"], c["count"]) for c in out] == [
        ("Phường Hải Châu", 1), ("Sở Y tế", 3), (None, 1)]
    assert [c["text"] for c in out[1]["comments"]] == ["Chậm", "Ổn", "Tốt"]  # serial order
    assert out[1]["comments"][0]["item"] == "q02_other"
