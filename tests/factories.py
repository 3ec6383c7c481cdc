"""Factories that build model objects through the real operations."""

from __future__ import annotations

import itertools

from fieldwork.auth.operations import create_user
from fieldwork.directory.models import Agency, AgencyKind, Field
from fieldwork.plans.operations import add_scope, create_survey

PASSWORD = "correct-horse-42"
_seq = itertools.count(1)


class Factory:
    """Makes users, agencies, fields and surveys with sensible defaults."""

    def __init__(self, db):
        self.db = db

    def user(self, *roles: str, email: str | None = None, password: str = PASSWORD,
             agency=None, name: str = "Nguyễn Văn Thử"):
        """A user holding ``roles`` (default: manager)."""
        roles = roles or ("manager",)
        if "agency" in roles and agency is None:
            agency = self.agency()
        n = next(_seq)
        return self._done(create_user({"email": email or f"user{n}@test.vn", "name": name,
                            "password": password, "roles": list(roles),
                            "agency_id": agency.id if agency else None}, "test"))

    def agency(self, name: str | None = None, kind: AgencyKind = AgencyKind.DEPARTMENT,
               state_only: bool = False) -> Agency:
        """An agency."""
        row = Agency(name=name or f"Sở Thử nghiệm {next(_seq)}", kind=kind,
                     serves_state_bodies_only=state_only)
        self.db.session.add(row)
        return self._done(row)

    def field(self, code: str | None = None, name: str = "Hộ tịch") -> Field:
        """A field."""
        row = Field(code=code or f"F{next(_seq)}", name=name)
        self.db.session.add(row)
        return self._done(row)

    def survey(self, code: str | None = None, agencies=(), year: int = 2026):
        """A survey with the given agencies in scope (N = 1000 each)."""
        s = create_survey({"code": code or f"T-{next(_seq)}", "title": "Khảo sát thử",
                           "year": year}, "test")
        for a in agencies:
            add_scope(s, {"agency_id": a.id, "dossiers": 1000}, "test")
        return self._done(s)

    def _done(self, obj):
        """Commit like a request would (only a savepoint inside the test's transaction)."""
        self.db.session.commit()
        return obj


def approved_version(db, survey, people: dict, template: str):
    """Version 1 of a built-in ``template`` for ``survey``: submitted by ``people["manager"]``,
    approved by ``people["reviewer"]`` (Home Affairs), committed."""
    from fieldwork.forms import operations as forms_ops

    v = forms_ops.create_from_template(survey, template, people["manager"])
    forms_ops.transition(v, "submit", people["manager"])
    forms_ops.transition(v, "approve", people["reviewer"], "Đồng ý")
    db.session.commit()
    return v
