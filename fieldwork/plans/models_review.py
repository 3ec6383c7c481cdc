"""Steps 5 and 6: comment rounds, agency comments, on-site verification, acceptance, publication."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..directory.models import enum_column
from ..extensions import db
from ..timeutil import utcnow


class CommentRound(db.Model):
    """A round that sends each agency its draft results for written comments."""

    __tablename__ = "plans_comment_rounds"
    __table_args__ = (UniqueConstraint("survey_id", "number", name="uq_plans_rounds_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    number: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    drafts: Mapped[list[RoundDraft]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundDraft.id")
    comments: Mapped[list[AgencyComment]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="AgencyComment.id")

    @property
    def is_open(self) -> bool:
        """True until the round is closed."""
        return self.closed_at is None


class RoundDraft(db.Model):
    """The draft (one attachment version) an agency received in a round."""

    __tablename__ = "plans_round_drafts"
    __table_args__ = (UniqueConstraint("round_id", "agency_id", name="uq_plans_round_drafts"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("plans_comment_rounds.id",
                                                     ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    attachment_id: Mapped[int] = mapped_column(ForeignKey("plans_attachments.id"))
    round: Mapped[CommentRound] = relationship(back_populates="drafts")
    agency = relationship("Agency", lazy="joined")
    attachment = relationship("Attachment", lazy="joined")


class ResponseKind(enum.StrEnum):
    """The contractor's answer to an agency comment."""

    ACCEPTED = "accepted"
    EXPLAINED = "explained"


RESPONSE_LABELS = {
    ResponseKind.ACCEPTED: _l("Accepted (report changed)"),
    ResponseKind.EXPLAINED: _l("Explained (report kept)"),
}


class AgencyComment(db.Model):
    """A written comment of an agency on its draft results, and the contractor's response."""

    __tablename__ = "plans_agency_comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("plans_comment_rounds.id",
                                                     ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    disputed_figure: Mapped[str] = mapped_column(String(300), default="")
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("plans_attachments.id"),
                                                      nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    response_kind: Mapped[ResponseKind | None] = mapped_column(enum_column(ResponseKind),
                                                               nullable=True)
    response_text: Mapped[str] = mapped_column(Text, default="")
    change_made: Mapped[str] = mapped_column(Text, default="")
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    round: Mapped[CommentRound] = relationship(back_populates="comments")
    agency = relationship("Agency", lazy="joined")
    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    attachment = relationship("Attachment", lazy="joined")
    verifications: Mapped[list[VerificationTask]] = relationship(
        back_populates="comment", cascade="all, delete-orphan", order_by="VerificationTask.id")

    @property
    def response_label(self) -> str:
        """The response kind in the user's language, or empty."""
        return str(RESPONSE_LABELS[self.response_kind]) if self.response_kind else ""


class VerificationOutcome(enum.StrEnum):
    """What an on-site verification found about a disputed figure."""

    CONFIRMED = "confirmed"
    CORRECTED = "corrected"


OUTCOME_LABELS = {
    VerificationOutcome.CONFIRMED: _l("Survey result confirmed"),
    VerificationOutcome.CORRECTED: _l("Survey result corrected"),
}


class VerificationTask(db.Model):
    """An on-site verification (khảo sát thực tế) of a disputed figure; blocks the round."""

    __tablename__ = "plans_verifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("plans_agency_comments.id",
                                                       ondelete="CASCADE"), index=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scheduled_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))
    findings: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[VerificationOutcome | None] = mapped_column(
        enum_column(VerificationOutcome), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    comment: Mapped[AgencyComment] = relationship(back_populates="verifications")
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="joined")

    @property
    def outcome_label(self) -> str:
        """The outcome in the user's language, or empty."""
        return str(OUTCOME_LABELS[self.outcome]) if self.outcome else ""


class WrittenOpinion(db.Model):
    """A written opinion on the draft report (the alternative to an acceptance council)."""

    __tablename__ = "plans_opinions"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           index=True)
    source: Mapped[str] = mapped_column(String(200))
    received_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("plans_attachments.id"),
                                                      nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attachment = relationship("Attachment", lazy="joined")


class CouncilDecision(enum.StrEnum):
    """The acceptance council's conclusion."""

    PASSED = "passed"
    PASSED_WITH_REVISIONS = "passed_with_revisions"
    NOT_PASSED = "not_passed"


DECISION_LABELS = {
    CouncilDecision.PASSED: _l("Report approved by the council"),
    CouncilDecision.PASSED_WITH_REVISIONS: _l("Report approved with revisions"),
    CouncilDecision.NOT_PASSED: _l("Report not approved by the council"),
}


class Council(db.Model):
    """The acceptance council (Hội đồng nghiệm thu) of a survey's report."""

    __tablename__ = "plans_councils"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           unique=True)
    meeting_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    decision: Mapped[CouncilDecision | None] = mapped_column(enum_column(CouncilDecision),
                                                             nullable=True)
    decision_text: Mapped[str] = mapped_column(Text, default="")
    minutes_id: Mapped[int | None] = mapped_column(ForeignKey("plans_attachments.id"),
                                                   nullable=True)
    members: Mapped[list[CouncilMember]] = relationship(
        back_populates="council", cascade="all, delete-orphan", order_by="CouncilMember.id")
    minutes = relationship("Attachment", lazy="joined")

    @property
    def decision_label(self) -> str:
        """The decision in the user's language, or empty."""
        return str(DECISION_LABELS[self.decision]) if self.decision else ""


class Vote(enum.StrEnum):
    """A council member's vote."""

    AGREE = "agree"
    DISAGREE = "disagree"


VOTE_LABELS = {Vote.AGREE: _l("Agrees"), Vote.DISAGREE: _l("Disagrees")}


class CouncilMember(db.Model):
    """A member of the council with their vote and score."""

    __tablename__ = "plans_council_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("plans_councils.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    council_role: Mapped[str] = mapped_column(String(100), default="")
    vote: Mapped[Vote | None] = mapped_column(enum_column(Vote), nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    council: Mapped[Council] = relationship(back_populates="members")

    @property
    def vote_label(self) -> str:
        """The vote in the user's language, or empty."""
        return str(VOTE_LABELS[self.vote]) if self.vote else ""


class Publication(db.Model):
    """A published report on the public page."""

    __tablename__ = "plans_publications"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           unique=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("plans_attachments.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    survey = relationship("Survey", lazy="joined")
    attachment = relationship("Attachment", lazy="joined")


class FinalReport(db.Model):
    """The attachment marked at step 6 as the accepted final report: the one published."""

    __tablename__ = "plans_final_reports"
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"),
                                           primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("plans_attachments.id"))
    chosen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    attachment = relationship("Attachment", lazy="joined")
    chosen_by = relationship("User", lazy="joined")
