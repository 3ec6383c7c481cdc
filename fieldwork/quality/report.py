"""Gather a survey's sheets for the integrity detectors and label the signals for the page."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..entry.models import EntryAnswer, EntrySheet, ReviewState
from ..extensions import db
from ..forms.models import QuestionnaireVersion
from ..privacy.access import reveal
from .integrity import SheetFacts, Signal, all_signals, batteries

SIGNAL_LABELS = {
    "duplicate_phone": _l("Same phone number on several sheets"),
    "duplicate_cid": _l("Same citizen ID on several sheets"),
    "burst": _l("Many identical sheets keyed in a burst by one enumerator"),
    "straight_line": _l("Straight-lining: every rating item given the same answer"),
    "outside_assignment": _l("Keyed outside the enumerator's assignment"),
    "online_phone_many": _l("Online: one phone answering for several dossiers or agencies"),
    "online_device_burst": _l("Online: many answers from one device in a short time"),
    "online_office_satisfied": _l("Online: one device, every answer in office hours and "
                                  "satisfied (self-evaluation?)"),
    "dossier_twice": _l("Dossier answered again within one source (counted once)"),
    "dossier_sources": _l("Dossier answered in more than one source (each answer counts in "
                          "its own source)"),
}


@dataclass
class SignalRow:
    """A signal with its sheets loaded, for display."""

    signal: Signal
    sheets: list[EntrySheet]
    contact: str = ""  # masked value shared by the sheets of a duplicate-contact signal
    detail_text: str = ""  # details of the online and cross-channel signals

    @property
    def label(self) -> str:
        """The kind in the user's language."""
        return str(SIGNAL_LABELS[self.signal.kind])


def _choice_questions(version_ids) -> dict[int, tuple[set[str], list[list[str]]]]:
    out = {}
    for v in db.session.scalars(select(QuestionnaireVersion).where(
            QuestionnaireVersion.id.in_(version_ids))):
        qs = [(q.code, q.kind, [o.code for o in q.options]) for q in v.questionnaire.questions()]
        out[v.id] = ({c for c, k, _o in qs if k in ("single", "multiple")}, batteries(qs))
    return out


def survey_facts(survey_id: int) -> tuple[list[SheetFacts], dict[int, EntrySheet], list]:
    """Every sheet of a survey except rejected ones, as facts, plus the rating batteries."""
    sheets = {s.id: s for s in db.session.scalars(select(EntrySheet).where(
        EntrySheet.survey_id == survey_id, EntrySheet.review_state != ReviewState.REJECTED))}
    versions = _choice_questions({s.version_id for s in sheets.values()})
    answers: dict[int, dict[str, tuple]] = {}
    if sheets:
        for sheet_id, question, values in db.session.execute(
                select(EntryAnswer.sheet_id, EntryAnswer.question, EntryAnswer.values)
                .join(EntrySheet).where(EntrySheet.survey_id == survey_id)):
            choice = versions.get(sheets[sheet_id].version_id, (set(), []))[0] \
                if sheet_id in sheets else set()
            if question in choice and values:
                answers.setdefault(sheet_id, {})[question] = tuple(values)
    groups = [g for _c, gs in versions.values() for g in gs]
    facts = [SheetFacts(id=s.id, serial=s.serial, created_at=s.created_at,
                        agency_id=s.agency_id, enumerator_id=s.enumerator_id,
                        phone_hash=s.phone_hash, cid_hash=s.cid_hash,
                        in_assignment=s.in_assignment, answers=answers.get(s.id, {}))
             for s in sheets.values()]
    return facts, sheets, groups


def integrity_rows(survey_id: int) -> list[SignalRow]:
    """The integrity signals of a survey, ready for the report page (contacts masked)."""
    facts, sheets, groups = survey_facts(survey_id)
    rows = []
    for sig in all_signals(facts, groups):
        members = [sheets[i] for i in sig.sheet_ids]
        row = SignalRow(sig, members)
        if sig.kind.startswith("duplicate_"):
            kind = sig.kind.removeprefix("duplicate_")
            row.contact = reveal(kind, getattr(members[0], f"{kind}_enc"), False)
        rows.append(row)
    return rows + online_rows(survey_id)


def online_rows(survey_id: int) -> list[SignalRow]:
    """Signals over online and kiosk answers; dossiers answered twice within a source or in
    several sources."""
    from ..online.integrity import duplicate_rows, signal_rows
    from ..plans.models import Survey

    found = signal_rows(survey_id) + duplicate_rows(db.session.get(Survey, survey_id))
    return [SignalRow(Signal(kind, []), items, contact, text)
            for kind, items, contact, text in found]
