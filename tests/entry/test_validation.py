"""The keying checks are pure functions: hard errors, soft warnings, clean values."""

from __future__ import annotations

import pytest

from fieldwork.entry.validation import (
    check_answers,
    clean_choice,
    clean_cid,
    clean_date,
    clean_digits,
    clean_phone,
    display,
    relevant,
)
from fieldwork.forms.builtin import danang_2025, sipas
from fieldwork.forms.spec import Option, Question

from .conftest import typed


@pytest.mark.parametrize("text, expected", [
    ("0912345678", "0912345678"), ("0912 345 678", "0912345678"),
    ("+84 912 345 678", "0912345678"), ("84912345678", "0912345678"),
    ("035.123.4567", "0351234567"), ("(070) 123-4567", "0701234567")])
def test_good_phones(text, expected):
    assert clean_phone(text) == (expected, None)


@pytest.mark.parametrize("text, says", [
    ("091234567", "10 digits"), ("09123456789", "10 digits"), ("0112345678", "starts with"),
    ("09123x5678", "digits only"), ("", "digits only")])
def test_bad_phones(text, says):
    value, error = clean_phone(text)
    assert error and says in error


@pytest.mark.parametrize("text, ok", [("048123456789", True), ("048 123 456 789", True),
                                      ("04812345678", False), ("0481234567890", False),
                                      ("04812345678a", False)])
def test_citizen_id(text, ok):
    assert (clean_cid(text)[1] is None) is ok


@pytest.mark.parametrize("text, value", [("12/05/2026", "12052026"), ("1/5/2026", "01052026"),
                                         ("12052026", "12052026"), ("12-05-2026", "12052026")])
def test_dates(text, value):
    assert clean_date(text) == (list(value), None)


@pytest.mark.parametrize("text", ["31/02/2026", "2026-05-12x", "12/13/2026", "1205"])
def test_bad_dates(text):
    assert clean_date(text)[1]


def test_digits_ranges():
    q = Question("age", "digits", "Tuổi", digits=2, min=18, max=90)
    assert clean_digits(q, "45") == (["4", "5"], None)
    assert "between 18 and 90" in clean_digits(q, "12")[1]
    assert "At most 2 digits" in clean_digits(q, "123")[1]
    assert "digits only" in clean_digits(q, "4a")[1]


def test_choices_by_code_or_number():
    q = sipas().question("access_1")
    assert clean_choice(q, "4") == (["4"], None)
    assert clean_choice(q, "6") == (["na"], None)  # the sixth option, whose code is "na"
    assert clean_choice(q, "na") == (["na"], None)
    assert "Not an option" in clean_choice(q, "7")[1]
    q2 = Question("m", "multiple", "M", options=[Option("b", "B"), Option("a", "A")])
    assert clean_choice(q2, ["a", "b"]) == (["b", "a"], None)  # printed order
    single = Question("s", "single", "S", options=[Option("x", "X"), Option("y", "Y")])
    assert "Only one" in clean_choice(single, ["x", "y"])[1]


def test_valid_sheet_has_no_problem_and_contacts_apart():
    checked = check_answers(danang_2025(), typed())
    assert checked.ok and not checked.warnings
    assert checked.contact == {"phone": "0912345678", "cid": "048123456789"}
    assert checked.values["phone"] == [] and checked.values["citizen_id"] == []
    assert checked.values["survey_date"] == list("12052026")
    assert checked.values["q01"] == ["yes"]


def test_hard_errors_by_field():
    checked = check_answers(danang_2025(), typed(phone="12345", citizen_id="1",
                                                 survey_date="40/01/2026", q01="maybe"))
    assert set(checked.errors) == {"phone", "citizen_id", "survey_date", "q01"}
    assert not checked.ok


def test_reasons_only_when_not_satisfied():
    qn = danang_2025()
    warned = check_answers(qn, typed(q01="yes", q02=["reason_a"]))
    assert warned.ok and "q02" in warned.warnings  # answered although q01 is "yes"
    needed = check_answers(qn, typed(q01="no", q02=[]))
    assert "q02" in needed.warnings  # required when not satisfied
    fine = check_answers(qn, typed(q01="no", q02=["reason_c"]))
    assert not fine.warnings and fine.values["q02"] == ["reason_c"]
    assert relevant(qn.question("q02_other"), {"q02": ["other"]})
    assert not relevant(qn.question("q02_other"), {"q02": ["reason_a"]})


def test_required_blank_is_a_warning():
    checked = check_answers(danang_2025(), typed(phone="", q01=""))
    assert checked.ok and {"phone", "q01"} <= set(checked.warnings)
    assert len(checked.warning_list()) == len(checked.warnings)


def test_display():
    qn = danang_2025()
    assert display(qn.question("q01"), ["no"]) == "Chưa hài lòng"
    assert display(qn.question("survey_date"), list("12052026")) == "12/05/2026"
    assert display(qn.question("q01"), []) == ""
