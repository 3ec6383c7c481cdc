"""The six steps of a survey (one row each) and the plan document of step 1."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..directory.models import enum_column
from ..extensions import db
from ..timeutil import utcnow


class Step(enum.IntEnum):
    """The six steps of Decision 2223/2025 (section III.3)."""

    PLAN = 1
    QUESTIONNAIRE = 2
    FIELDWORK = 3
    PROCESSING = 4
    COMMENTS = 5
    ACCEPTANCE = 6


STEP_LABELS = {
    Step.PLAN: _l("Plan"),
    Step.QUESTIONNAIRE: _l("Questionnaire and data-entry template"),
    Step.FIELDWORK: _l("Training and fieldwork"),
    Step.PROCESSING: _l("Data processing and reports"),
    Step.COMMENTS: _l("Comments from agencies"),
    Step.ACCEPTANCE: _l("Acceptance and publication"),
}


class StepState(enum.StrEnum):
    """Every state any step can be in; the transition table says which belong to which step."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPRAISED = "appraised"
    ISSUED = "issued"
    CONSULTATION = "consultation"
    APPROVED = "approved"
    FINAL = "final"
    TRAINING = "training"
    IN_FIELD = "in_field"
    COMPLETED = "completed"
    PROCESSING = "processing"
    DRAFTED = "drafted"
    ROUND_OPEN = "round_open"
    ROUND_CLOSED = "round_closed"
    OPINIONS = "opinions"
    COUNCIL = "council"
    PUBLISHED = "published"


STATE_LABELS = {
    StepState.NOT_STARTED: _l("Not started"),
    StepState.DRAFT: _l("Draft"),
    StepState.SUBMITTED: _l("Submitted to Home Affairs"),
    StepState.RETURNED: _l("Returned with comments"),
    StepState.APPRAISED: _l("Appraised by Home Affairs"),
    StepState.ISSUED: _l("Issued"),
    StepState.CONSULTATION: _l("Written consultation with agencies"),
    StepState.APPROVED: _l("Approved; pilot pending"),
    StepState.FINAL: _l("Final"),
    StepState.TRAINING: _l("Training"),
    StepState.IN_FIELD: _l("Fieldwork under way"),
    StepState.COMPLETED: _l("Completed"),
    StepState.PROCESSING: _l("Processing data"),
    StepState.DRAFTED: _l("Report drafts ready"),
    StepState.ROUND_OPEN: _l("Comment round open"),
    StepState.ROUND_CLOSED: _l("Comment round closed"),
    StepState.OPINIONS: _l("Collecting written opinions"),
    StepState.COUNCIL: _l("Acceptance council"),
    StepState.PUBLISHED: _l("Published"),
}

# The state each step starts in, and the state in which it is done.
INITIAL = {Step.PLAN: StepState.DRAFT, **{s: StepState.NOT_STARTED for s in Step
                                          if s != Step.PLAN}}
DONE = {
    Step.PLAN: StepState.ISSUED,
    Step.QUESTIONNAIRE: StepState.FINAL,
    Step.FIELDWORK: StepState.COMPLETED,
    Step.PROCESSING: StepState.DRAFTED,
    Step.COMMENTS: StepState.COMPLETED,
    Step.ACCEPTANCE: StepState.PUBLISHED,
}


def default_due(step: Step, year: int) -> date | None:
    """Due dates of the decision: plan appraisal in Q1, comments complete in November."""
    if step == Step.PLAN:
        return date(year, 3, 31)
    if step == Step.COMMENTS:
        return date(year, 11, 30)
    return None


class WorkflowStep(db.Model):
    """Where one step of one survey stands, and when it is due."""

    __tablename__ = "plans_steps"
    __table_args__ = (UniqueConstraint("survey_id", "step", name="uq_plans_steps_survey_step"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    step: Mapped[int] = mapped_column(Integer)
    state: Mapped[StepState] = mapped_column(enum_column(StepState))
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_by = relationship("User", lazy="joined")

    @property
    def label(self) -> str:
        """The step's name in the user's language."""
        return str(STEP_LABELS[Step(self.step)])

    @property
    def state_label(self) -> str:
        """The state in the user's language."""
        return str(STATE_LABELS[self.state])

    @property
    def done(self) -> bool:
        """True once the step reached its final state."""
        return self.state == DONE[Step(self.step)]

    def overdue(self, today: date) -> bool:
        """Due date passed and the step is not done."""
        return self.due_date is not None and today > self.due_date and not self.done


class Rounding(enum.StrEnum):
    """How the exact Slovin value becomes whole forms."""

    FLOOR = "floor"
    CEIL = "ceil"


# The plan's text sections, in the order of the decision (III.3.a) and of the DOCX export.
PLAN_SECTIONS = ("purpose", "requirements", "scope_text", "subjects", "field_reasons",
                 "methods", "questionnaire_content", "timeline", "budget")
SECTION_LABELS = {
    "purpose": _l("Purpose"),
    "requirements": _l("Requirements"),
    "scope_text": _l("Scope"),
    "subjects": _l("Survey subjects"),
    # Seed 002 III.3.a and d: the fields chosen, why (the city's tasks, public concern), and
    # their current situation; the report opens with it.
    "field_reasons": _l("Fields surveyed: situation and reasons for choosing them"),
    "methods": _l("Methods"),
    "questionnaire_content": _l("Questionnaire content"),
    "timeline": _l("Timeline"),
    "budget": _l("Budget"),
}


class Plan(db.Model):
    """The survey plan (kế hoạch): its sections, sample policy, reviewer and document header."""

    __tablename__ = "plans_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           unique=True)
    purpose: Mapped[str] = mapped_column(Text, default="")
    requirements: Mapped[str] = mapped_column(Text, default="")
    scope_text: Mapped[str] = mapped_column(Text, default="")
    subjects: Mapped[str] = mapped_column(Text, default="")
    field_reasons: Mapped[str] = mapped_column(Text, default="")
    methods: Mapped[str] = mapped_column(Text, default="")
    questionnaire_content: Mapped[str] = mapped_column(Text, default="")
    timeline: Mapped[str] = mapped_column(Text, default="")
    budget: Mapped[str] = mapped_column(Text, default="")
    sample_policy: Mapped[str] = mapped_column(String(32), default="qd2223-2025")
    rounding: Mapped[Rounding] = mapped_column(enum_column(Rounding), default=Rounding.FLOOR)
    # Contact attempts before a drawn respondent counts as "not reachable" (and is replaced).
    contact_attempts: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    # Thresholds for marking agencies (fractions 0-1), none by default: Decision 2223 names
    # no bands, so any is the plan's own setting, shown with whose rule it is.
    bands: Mapped[list] = mapped_column(JSON, default=list)
    bands_source: Mapped[str] = mapped_column(Text, default="")
    # Home Affairs reviewer in charge; if none is set any Home Affairs reviewer may act.
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # Document header and signature (Decree 30/2020 layout of the DOCX export).
    parent_body: Mapped[str] = mapped_column(String(200), default="")
    issuing_body: Mapped[str] = mapped_column(String(200), default="")
    doc_symbol: Mapped[str] = mapped_column(String(40), default="")
    doc_number: Mapped[str] = mapped_column(String(20), default="")
    place: Mapped[str] = mapped_column(String(100), default="Đà Nẵng")
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    subject: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    signer_authority: Mapped[str] = mapped_column(String(100), default="")
    signer_title: Mapped[str] = mapped_column(String(100), default="")
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewer = relationship("User", lazy="joined")
    survey = relationship("Survey", backref=db.backref("plan", uselist=False,
                                                       cascade="all, delete-orphan"))

    def missing_sections(self) -> list[str]:
        """Keys of sections still empty."""
        return [k for k in PLAN_SECTIONS if not (getattr(self, k) or "").strip()]
