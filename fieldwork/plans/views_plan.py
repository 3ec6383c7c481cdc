"""Step 1 routes: plan sections, document header, sample policy, scope, DOCX export."""

from __future__ import annotations

import io

from flask import send_file
from flask_babel import gettext as _

from ..auth.decorators import roles_required
from ..auth.roles import RoleName
from . import operations as ops
from .docx_export import build_plan_docx, plan_document
from .views import STAFF, back, bp, form_data, load_survey, run


@bp.route("/<code>/plan", methods=["POST"])
@roles_required(RoleName.MANAGER)
def plan_sections(code: str):
    """Save the plan's sections or its document header."""
    survey = load_survey(code)
    run(ops.update_plan, survey, form_data(), _("Plan saved."))
    return back(survey, 1, "sections")


@bp.route("/<code>/plan/policy", methods=["POST"])
@roles_required(RoleName.MANAGER)
def plan_policy(code: str):
    """Choose the sample-size policy and rounding."""
    survey = load_survey(code)
    run(ops.set_policy, survey, form_data(), _("Sample-size policy saved."))
    return back(survey, 1, "scope")


@bp.route("/<code>/plan/bands", methods=["POST"])
@roles_required(RoleName.MANAGER)
def plan_bands(code: str):
    """Set or clear the bands that mark agencies, with whose rule they are."""
    survey = load_survey(code)
    run(ops.set_bands, survey, form_data(), _("Bands saved."))
    return back(survey, 1, "bands")


@bp.route("/<code>/scope/add", methods=["POST"])
@roles_required(RoleName.MANAGER)
def scope_add(code: str):
    """Put an agency in scope."""
    survey = load_survey(code)
    run(ops.add_scope, survey, form_data(), _("Agency added to the scope."))
    return back(survey, 1, "scope")


@bp.route("/<code>/scope/update", methods=["POST"])
@roles_required(RoleName.MANAGER)
def scope_update(code: str):
    """Change a scope row's numbers."""
    survey = load_survey(code)
    run(ops.update_scope, survey, form_data(), _("Scope row saved."))
    return back(survey, 1, "scope")


@bp.route("/<code>/scope/remove", methods=["POST"])
@roles_required(RoleName.MANAGER)
def scope_remove(code: str):
    """Take an agency out of scope."""
    survey = load_survey(code)
    run(ops.remove_scope, survey, form_data(), _("Agency removed from the scope."))
    return back(survey, 1, "scope")


@bp.route("/<code>/plan.docx")
@roles_required(*STAFF)
def plan_docx(code: str):
    """The plan as an editable DOCX in the Decree 30/2020 layout."""
    survey = load_survey(code)
    data = build_plan_docx(plan_document(survey))
    return send_file(io.BytesIO(data), as_attachment=True,
                     download_name=f"ke-hoach-{survey.code}.docx",
                     mimetype="application/vnd.openxmlformats-officedocument."
                              "wordprocessingml.document")
