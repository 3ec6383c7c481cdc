"""The imprint of a batch from the database: the plan's header, the agency and its fields."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..directory.models import Agency, Field
from ..errors import OperationError
from ..extensions import db
from .imprint import Header, Imprint, field_option


def plan_header(survey) -> Header:
    """The survey, the commissioning body and the contractor, as the plan names them.

    The commissioning body is the People's Committee above the agencies in scope (the city
    that orders the survey, Decision 2223), else the plan's parent body; the contractor is
    the plan's issuing body, else the survey's contractor.
    """
    from ..directory.models import AgencyKind
    from ..plans.models_workflow import Plan

    plan = db.session.scalar(select(Plan).where(Plan.survey_id == survey.id))
    parents = {row.agency.parent for row in survey.scope
               if row.agency.parent is not None and row.agency.parent.kind == AgencyKind.CITY}
    commissioner = next(iter(parents)).name if len(parents) == 1 else \
        ((plan.parent_body if plan else "") or "")
    contractor = ((plan.issuing_body if plan else "") or survey.contractor or "").strip()
    return Header(survey=survey.title, commissioner=commissioner.strip(), contractor=contractor)


def scope_agency(survey, agency_id) -> Agency:
    """The agency of the survey's scope with this id; OperationError if it is not in scope."""
    agency = db.session.get(Agency, agency_id) if agency_id else None
    if agency is None:
        raise OperationError(_("Choose the agency the sheets are printed for."))
    if not any(row.agency_id == agency.id for row in survey.scope):
        raise OperationError(_("%(agency)s is not in the scope of survey %(code)s; sheets are "
                               "printed only for agencies in the plan's scope.",
                               agency=agency.name, code=survey.code))
    return agency


def agency_fields(survey, agency_id: int) -> list[Field]:
    """The agency's fields: its rows of the plan's scope, else those of its dossiers in the
    frame (a scope that names the agency alone); empty when neither says."""
    ids = [row.field_id for row in survey.scope if row.agency_id == agency_id and row.field_id]
    if not ids:
        from ..frames.models import FrameDossier

        ids = list(db.session.scalars(select(FrameDossier.field_id).where(
            FrameDossier.survey_id == survey.id, FrameDossier.agency_id == agency_id,
            FrameDossier.field_id.is_not(None)).distinct()))
    if not ids:
        return []
    return list(db.session.scalars(select(Field).where(Field.id.in_(ids)).order_by(Field.name)))


def find_agency(survey, name: str) -> Agency:
    """An agency of the survey's scope by name, diacritics and case ignored."""
    from ..directory.matching import fold

    wanted = fold(name or "")
    found = [row.agency for row in survey.scope if fold(row.agency.name) == wanted]
    if not found:
        found = [row.agency for row in survey.scope if wanted and wanted in fold(row.agency.name)]
    if len({a.id for a in found}) != 1:
        raise OperationError(_("No single agency of the scope of %(code)s is called "
                               "“%(name)s”.", code=survey.code, name=name))
    return found[0]


def imprint_for(survey, agency: Agency | None, field: Field | None = None,
                personal: bool = False) -> Imprint:
    """What a batch for ``agency`` (and ``field``; personalised or not) prints."""
    fields: tuple = ()
    if agency is not None and field is None and not personal:
        fields = tuple((field_option(f.code, f.id), f.name)
                       for f in agency_fields(survey, agency.id))
    return Imprint(plan_header(survey), agency=agency.name if agency else None,
                   field_name=field.name if field else None, fields=fields, personal=personal)


def imprint_dict(imprint: Imprint) -> dict:
    """The imprint as stored with a batch (JSON)."""
    h = imprint.header
    return {"header": {"survey": h.survey, "commissioner": h.commissioner,
                       "contractor": h.contractor, "confidentiality": h.confidentiality},
            "agency": imprint.agency, "field": imprint.field_name,
            "fields": [list(f) for f in imprint.fields], "personal": imprint.personal}


def imprint_from(data: dict | None) -> Imprint | None:
    """A stored imprint back as an ``Imprint`` (None for batches printed before imprints)."""
    if not data:
        return None
    return Imprint(Header(**data.get("header", {})), agency=data.get("agency"),
                   field_name=data.get("field"),
                   fields=tuple(tuple(f) for f in data.get("fields", [])),
                   personal=bool(data.get("personal")))
