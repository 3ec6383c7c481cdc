"""Handing out a draw's lists: contact data in clear only to entitled users, audited."""

from __future__ import annotations

from flask_babel import gettext as _

from ..audit.operations import record
from ..auth.roles import RoleName
from ..plans.operations import require
from ..privacy.access import can_export_identified
from .invitations import InvitationMeta, invitation_pdf
from .lists import CALL_COLUMNS, call_rows, invitation_groups, to_csv
from .models import FrameDraw


def entitled(user, draw: FrameDraw, identified: bool = True) -> bool:
    """Whether ``user`` gets names and phones in clear: a code actor that asks for it, or a
    holder of the contact-data right for the survey."""
    if isinstance(user, str):
        return identified
    return identified and can_export_identified(user, draw.survey_id)


def call_list(draw: FrameDraw, user, identified: bool = True) -> bytes:
    """The call centre's list (CSV) of a draw; an identified copy is audited."""
    require(user, RoleName.MANAGER)
    clear = entitled(user, draw, identified)
    data = to_csv(call_rows(draw, clear), CALL_COLUMNS)
    record(user, "frames.call_list", draw, after={"rows": len(draw.items), "identified": clear})
    return data


def invitations_pdf(draw: FrameDraw, user, identified: bool = True) -> bytes:
    """The invitation lists (PDF) of a draw, one section per enumerator assignment."""
    require(user, RoleName.MANAGER)
    clear = entitled(user, draw, identified)
    groups = invitation_groups(draw, clear, _("Not assigned to an enumerator"))
    survey = draw.survey
    meta = InvitationMeta(survey.code, survey.title, survey.contractor, draw.id, draw.seed,
                          masked=not clear)
    data = invitation_pdf(groups, meta)
    record(user, "frames.invitations", draw, after={"groups": len(groups),
                                                    "identified": clear})
    return data
