"""A realistic demo year: the city, its agencies and fields, survey DEMO-2026 (in the field), one
user per role, the previous year DEMO-2025, closed and published (``demo_previous``), the next
year DEMO-2027 in step 2 (``demo_story``), and two thematic surveys, DEMO-2026-DN in step 4 and
DEMO-2026-CD in step 5 with its comment round open (``demo_round``)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from sqlalchemy import select

from .auth.operations import create_user
from .directory.models import Agency, AgencyKind, Field, Procedure
from .extensions import db
from .plans.models import Survey, SurveyStatus
from .plans.operations import add_scope, create_survey

DATA = Path(__file__).with_name("demo_city.json")
DEMO_CODE = "DEMO-2026"

# (e-mail, name, roles, agency name or None)
DEMO_USERS = [
    ("quanly@demo.vn", "Nguyễn Văn An", ["manager"], None),
    ("dtv.lan@demo.vn", "Nguyễn Thị Lan", ["enumerator"], None),
    ("dtv.hung@demo.vn", "Trần Văn Hùng", ["enumerator"], None),
    ("smq@demo.vn", "Lê Thị Mai", ["scanner"], None),
    ("snv@demo.vn", "Phạm Quốc Bảo", ["home_affairs"], None),
    ("stp@demo.vn", "Hoàng Minh Tuấn", ["agency"], "Sở Tư pháp"),
    ("phuchau@demo.vn", "Võ Thị Hạnh", ["agency"], "Phường Hải Châu"),
    ("phuctra@demo.vn", "Đặng Văn Sơn", ["recheck"], None),
    ("congchung@demo.vn", "Bùi Thị Ngọc", ["public"], None),
]


class DemoExists(Exception):
    """The demo survey is already loaded."""


def load_demo(password: str | None = None) -> list[tuple[str, str, str]]:
    """Create the demo data in the session (caller commits); return (email, role, password)."""
    if db.session.scalar(select(Survey).where(Survey.code == DEMO_CODE)):
        raise DemoExists(f"{DEMO_CODE} is already loaded; nothing changed.")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    actor = "demo"

    city = db.session.scalar(select(Agency).where(Agency.name == "UBND " + data["city"]))
    if city is None:
        city = Agency(name="UBND " + data["city"], kind=AgencyKind.CITY)
        db.session.add(city)
        db.session.flush()
    agencies = {}
    for a in data["agencies"]:
        row = db.session.scalar(select(Agency).where(Agency.name == a["name"]))
        if row is None:
            row = Agency(name=a["name"], kind=AgencyKind(a["kind"]), parent_id=city.id,
                         serves_state_bodies_only=bool(a.get("serves_state_bodies_only")))
            db.session.add(row)
        agencies[a["name"]] = (row, a["dossiers"])
    for f in data["fields"]:
        if db.session.scalar(select(Field).where(Field.code == f["code"])) is None:
            field = Field(code=f["code"], name=f["name"])
            field.procedures = [Procedure(name=p) for p in f["procedures"]]
            db.session.add(field)
    db.session.flush()

    survey = create_survey({
        "code": DEMO_CODE, "year": 2026,
        "title": "Khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan "
                 "hành chính nhà nước thành phố Đà Nẵng năm 2026",
        "contractor": "Trung tâm Khảo sát Độc lập (demo)",
        "description": "Dữ liệu minh hoạ: số hồ sơ là giả định.",
    }, actor)
    for row, dossiers in agencies.values():
        add_scope(survey, {"agency_id": row.id, "dossiers": dossiers,
                           "state_bodies_only": row.serves_state_bodies_only}, actor)
    survey.status = SurveyStatus.ACTIVE

    accounts = []
    for email, name, roles, agency_name in DEMO_USERS:
        pw = password or secrets.token_urlsafe(9) + "9x"
        agency_id = agencies[agency_name][0].id if agency_name else None
        create_user({"email": email, "name": name, "password": pw, "roles": roles,
                     "agency_id": agency_id}, actor)
        accounts.append((email, roles[0], pw))
    _load_extensions(survey, actor)
    from .demo_previous import load_previous
    load_previous(data, actor)
    from .demo_story import load_story
    load_story(data, actor)
    from .demo_round import load_round
    load_round(data, actor)
    return accounts


PHASES = ("load", "finish", "field")


def _load_extensions(survey: Survey, actor) -> None:
    """Let feature packages add their demo content (questionnaires, plans ...).

    Every feature's ``load`` runs first, in feature order; then each optional ``finish``, in
    the same order, for what needs another feature's content (e.g. consultation comments on
    the questionnaire draft, then that draft's approval); then each optional ``field``, once
    the survey is in the field with its assignments (printed sheets handed out in serial
    ranges, scanned and keyed, re-checked, the drawn dossiers' outcomes).
    """
    from .features import FEATURES, optional_module
    modules = [m for m in (optional_module(f"fieldwork.{f}.demo") for f in FEATURES)
               if m is not None]
    for phase in PHASES:
        for mod in modules:
            run = getattr(mod, phase, None)
            if run is not None:
                run(survey, actor)
