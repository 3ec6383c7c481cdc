"""A SIPAS survey with approved sheets, for the criteria, profile and report tests."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from fieldwork.forms import operations as forms_ops
from fieldwork.forms.builtin import sipas

from ..quality.conftest import add_sheet

SHEETS = 20
GENDERS = ("male", "female")
OCCUPATIONS = ("official", "business", "employee", "farmer")


def level(serial: int, item: int) -> str | None:
    """A deterministic answer: 1-5 mostly high, some N/A and blanks."""
    k = (serial * 7 + item * 3) % 11
    return {0: "na", 1: None, 2: "1", 3: "2", 4: "3"}.get(k, "4" if k < 8 else "5")


def answers(serial: int) -> dict:
    """The answers of sheet ``serial`` (codes as EntryAnswer values)."""
    out = {}
    codes = [q.code for q in sipas().questions()]
    for i, code in enumerate(c for c in codes if "_" in c and c != "age_group"):
        value = level(serial, i)
        out[code] = [value] if value else []
    out["overall"] = ["5" if serial % 4 else "2"]
    out["gender"] = [GENDERS[serial % 2]]
    out["occupation"] = [OCCUPATIONS[serial % 4]] if serial % 5 else []
    out["age_group"] = ["a25_34"]
    return out


def build_sipas(db, factory, code: str = "SP-2") -> SimpleNamespace:
    """Survey ``code`` on the SIPAS form: 20 approved sheets over two agencies, in March
    (sheets 1-10) and May (11-20)."""
    manager, reviewer = factory.user("manager"), factory.user("home_affairs")
    lan = factory.user("enumerator")
    a, b = factory.agency("Phường Hải Châu"), factory.agency("Sở Xây dựng")
    survey = factory.survey(code, agencies=[a, b])
    v = forms_ops.create_from_template(survey, "sipas", manager)
    forms_ops.transition(v, "submit", manager)
    forms_ops.transition(v, "approve", reviewer, "Đồng ý")
    survey.version = v
    for serial in range(1, SHEETS + 1):
        at = datetime(2026, 3 if serial <= 10 else 5, 10, 8, tzinfo=UTC)
        add_sheet(db, survey, serial, agency=a if serial <= 12 else b, enumerator=lan,
                  at=at, answers=answers(serial))
    db.session.commit()
    return SimpleNamespace(survey=survey, a=a, b=b, manager=manager, version=v)
