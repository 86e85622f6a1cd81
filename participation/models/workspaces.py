"""Staff workspaces around a review: the keyworker's monthly summaries and their report for the
review (shared with the child, then sent as a locked version), the keyworker's action notes for
the team; the IRO meeting the child, how the child took part (the participation code) and the
decisions and actions of the review; and the child's "you said, we did" answers.

A sent report is a record: `SentReportVersion` rows are never changed or deleted (the ORM
refuses, and the migration adds database triggers that refuse too). Later edits change the
draft, and sending again adds a new version.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from .base import Base, HasPublicId, Timestamp, str_enum
from .people import Child, StaffMember
from .review import Review


class ReportSection(StrEnum):
    """The sections of a monthly summary and of the keyworker report, in the order they appear
    (the West Sussex keyworker guide's headings)."""

    HOME = "home"
    EDUCATION = "education"
    HEALTH = "health"
    FAMILY_TIME = "family-time"
    ACTIVITIES = "activities"
    WELLBEING = "wellbeing"  # wellbeing and behaviour
    PROGRESS = "progress"

    @property
    def column(self) -> str:
        """The name of this section's column on `MonthlySummary`."""
        return self.value.replace("-", "_")


class ReportReaction(StrEnum):
    """What the child thinks of one section of the report."""

    AGREE = "agree"
    DISAGREE = "disagree"


class MeetingWay(StrEnum):
    """How the IRO met the child before the review."""

    IN_PERSON = "in-person"
    VIDEO = "video"
    PHONE = "phone"
    CHILD_CHOSE_NOT_TO = "child-chose-not-to"


class Presence(StrEnum):
    """Whether the child was at their review (recorded by the IRO)."""

    ATTENDED = "attended"
    ATTENDED_PART = "attended-part"
    DID_NOT_ATTEND = "did-not-attend"


class InMeeting(StrEnum):
    """How a child who came to their review took part (SSDA903 PN1-PN4)."""

    SPOKE = "spoke"  # PN1
    ADVOCATE_SPOKE = "advocate-spoke"  # PN2
    SYMBOLIC = "symbolic"  # PN3
    DID_NOT_CONVEY = "did-not-convey"  # PN4


class ViewsAway(StrEnum):
    """How a child who did not come had their views heard (SSDA903 PN5-PN7)."""

    BRIEFED = "briefed"  # PN5: briefed an advocate or the IRO, or sent views
    FACILITATIVE = "facilitative"  # PN6
    NOT_CONVEYED = "not-conveyed"  # PN7


class ParticipationCode(StrEnum):
    """The SSDA903 participation code of one review."""

    PN0 = "PN0"
    PN1 = "PN1"
    PN2 = "PN2"
    PN3 = "PN3"
    PN4 = "PN4"
    PN5 = "PN5"
    PN6 = "PN6"
    PN7 = "PN7"


class DecisionKind(StrEnum):
    DECISION = "decision"
    ACTION = "action"


class DecisionOwner(StrEnum):
    """Who a decision or action belongs to."""

    STAFF = "staff"  # a member of staff on the child's case
    CHILD = "child"
    OTHER = "other"  # someone named (a parent, a teacher ...)


class Happened(StrEnum):
    """The child's answer to "did it happen?"."""

    YES = "yes"
    NOT_YET = "not-yet"
    NO = "no"


class MonthlySummary(HasPublicId, Base):
    """The keyworker's summary of one month of a child's life at the home, in sections."""

    __tablename__ = "monthly_summaries"
    __table_args__ = (UniqueConstraint("child_id", "month", name="uq_monthly_summary_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"))
    # The first day of the month it is about.
    month: Mapped[date] = mapped_column(Date)
    home: Mapped[str] = mapped_column(Text, default="")
    education: Mapped[str] = mapped_column(Text, default="")
    health: Mapped[str] = mapped_column(Text, default="")
    family_time: Mapped[str] = mapped_column(Text, default="")
    activities: Mapped[str] = mapped_column(Text, default="")
    wellbeing: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[str] = mapped_column(Text, default="")
    written_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    child: Mapped[Child] = relationship()
    written_by: Mapped[StaffMember] = relationship(foreign_keys=[written_by_id])
    updated_by: Mapped[StaffMember] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version}

    def text_for(self, section: ReportSection) -> str:
        return str(getattr(self, section.column))


class KeyworkerReport(HasPublicId, Base):
    """The keyworker's report for one review: the draft, what was shared with the child, and the
    versions sent to the social worker and IRO."""

    __tablename__ = "keyworker_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), unique=True)
    # Goes up by one with every saved change to the words; shares and sends name the revision
    # they were of, so "changed since it was shared" is a comparison of two numbers.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    shared_revision: Mapped[int | None] = mapped_column(Integer)
    shared_at: Mapped[datetime | None]
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    started_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    child: Mapped[Child] = relationship()
    review: Mapped[Review] = relationship()
    shared_by: Mapped[StaffMember | None] = relationship(foreign_keys=[shared_by_id])
    updated_by: Mapped[StaffMember] = relationship(foreign_keys=[updated_by_id])
    sections: Mapped[list[KeyworkerReportSection]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="KeyworkerReportSection.id"
    )
    responses: Mapped[list[ChildReportResponse]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ChildReportResponse.id"
    )
    sent_versions: Mapped[list[SentReportVersion]] = relationship(
        back_populates="report", order_by="SentReportVersion.number"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def shared(self) -> bool:
        return self.shared_at is not None

    @property
    def changed_since_shared(self) -> bool:
        return self.shared_revision is not None and self.shared_revision != self.revision


class KeyworkerReportSection(Base):
    """One section of the draft: what the keyworker says, and what the child says."""

    __tablename__ = "keyworker_report_sections"
    __table_args__ = (UniqueConstraint("report_id", "section", name="uq_report_section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("keyworker_reports.id"))
    section: Mapped[ReportSection] = mapped_column(str_enum(ReportSection))
    keyworker_text: Mapped[str] = mapped_column(Text, default="")
    # The child's words, as the child shared them with the keyworker.
    child_text: Mapped[str] = mapped_column(Text, default="")
    # Both as last shared with the child: what the child's page shows (a draft saved since is
    # not theirs to read until it is shared again). None: never shared.
    shared_keyworker_text: Mapped[str | None] = mapped_column(Text)
    shared_child_text: Mapped[str | None] = mapped_column(Text)

    report: Mapped[KeyworkerReport] = relationship(back_populates="sections")


class ChildReportResponse(Base):
    """The child's answer to one section of the report shared with them: agree, disagree, and
    words of their own. It stays with the report and is sent with it."""

    __tablename__ = "child_report_responses"
    __table_args__ = (UniqueConstraint("report_id", "section", name="uq_child_report_response"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("keyworker_reports.id"))
    section: Mapped[ReportSection] = mapped_column(str_enum(ReportSection))
    reaction: Mapped[ReportReaction | None] = mapped_column(str_enum(ReportReaction))
    comment: Mapped[str] = mapped_column(Text, default="")
    # The keyworker's words the child answered (as shared then): an answer to words changed
    # since is not sent as an answer to the new ones.
    answered_text: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(Integer, default=1)

    report: Mapped[KeyworkerReport] = relationship(back_populates="responses")

    __mapper_args__ = {"version_id_col": version}

    @property
    def answered(self) -> bool:
        """The child said something: agreed or disagreed, or wrote words of their own."""
        return self.reaction is not None or bool(self.comment.strip())


class SentReportVersion(HasPublicId, Base):
    """The report exactly as it was sent to the social worker and IRO: dated and locked."""

    __tablename__ = "sent_report_versions"
    __table_args__ = (UniqueConstraint("report_id", "number", name="uq_sent_report_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("keyworker_reports.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime]
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    # Who it went to, as they were then: their names ("Grace Okafor; Daniel Hughes")...
    sent_to: Mapped[str] = mapped_column(Text, default="")
    # ...and each one's name and role code ([{"name": ..., "role": "iro"}]), so the role is shown
    # in the reader's language. None on versions sent before it was kept (sent_to then held the
    # roles too, in the sender's words).
    recipients: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, nullable=True)
    shared_with_child_at: Mapped[datetime | None]
    # Each section as sent: {"section", "keyworker", "child", "reaction", "comment"}.
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

    report: Mapped[KeyworkerReport] = relationship(back_populates="sent_versions")
    sent_by: Mapped[StaffMember] = relationship()


class InvitationsSent(Base):
    """The invitation list as it was when the social worker marked the invitations sent (or
    marked the changes to it sent): what later changes to the child's wishes, or to the answers
    given them, are compared with, so someone the child asks for after the letters went out is
    not left uninvited without anyone noticing."""

    __tablename__ = "invitations_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    sent_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[Timestamp]
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    # One line for each person on the list then: {"key": the person's card key, "invitee": the
    # plan invitee's id or None, "name", "who" (as the child described them), "role" (a staff
    # role's code, shown in the reader's language), "invitation" (the invitation's code), "part"}.
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # The meeting the invitations named: {"at": ISO time in UTC or None (not set yet), "venue"}.
    # None for lists marked sent before this was kept: not compared.
    meeting: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    sent_by: Mapped[StaffMember] = relationship()

    def meeting_as_sent(self) -> tuple[datetime | None, str] | None:
        """(time, venue) as the invitations said them; None when not kept with them."""
        if self.meeting is None:
            return None
        at = self.meeting.get("at")
        return (datetime.fromisoformat(at) if at else None, str(self.meeting.get("venue") or ""))

    def says_meeting_is(self, at: datetime | None, venue: str) -> bool | None:
        """Whether the invitations said this time and place (None: not known)."""
        said = self.meeting_as_sent()
        if said is None:
            return None
        return said[0] == at and said[1].strip() == venue.strip()


class LockedRecord(Exception):
    """Something tried to change or delete a record that is kept as it was."""


@event.listens_for(SentReportVersion, "before_update")
@event.listens_for(SentReportVersion, "before_delete")
def _sent_versions_are_locked(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    raise LockedRecord(f"sent report version {target.public_id} cannot be changed")


class TeamActionNote(HasPublicId, Base):
    """A keyworker's note, after a review, of something the team needs to do or know."""

    __tablename__ = "team_action_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    text: Mapped[str] = mapped_column(Text)
    written_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    created_at: Mapped[Timestamp]

    review: Mapped[Review | None] = relationship()
    written_by: Mapped[StaffMember] = relationship()


class IroChildMeeting(HasPublicId, Base):
    """The IRO meeting the child before a review (or the child choosing not to)."""

    __tablename__ = "iro_child_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    met_on: Mapped[date] = mapped_column(Date)
    way: Mapped[MeetingWay] = mapped_column(str_enum(MeetingWay))
    # A few words for the record (not the child's own views: those are the child's to share).
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    recorded_at: Mapped[Timestamp]

    recorded_by: Mapped[StaffMember] = relationship()


class ReviewOutcome(Base):
    """The IRO's record of one review: how the child took part and the code confirmed for it,
    and when the decisions were circulated."""

    __tablename__ = "review_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), unique=True)
    presence: Mapped[Presence | None] = mapped_column(str_enum(Presence))
    in_meeting: Mapped[InMeeting | None] = mapped_column(str_enum(InMeeting))
    views_away: Mapped[ViewsAway | None] = mapped_column(str_enum(ViewsAway))
    # The code the IRO confirmed (the one reported), and what was suggested to them and why.
    code: Mapped[ParticipationCode | None] = mapped_column(str_enum(ParticipationCode))
    suggested_code: Mapped[ParticipationCode | None] = mapped_column(str_enum(ParticipationCode))
    suggestion_basis: Mapped[str] = mapped_column(String(32), default="")
    code_note: Mapped[str] = mapped_column(String(500), default="")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    confirmed_at: Mapped[datetime | None]
    circulated_at: Mapped[datetime | None]
    circulated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    updated_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(Integer, default=1)

    review: Mapped[Review] = relationship()
    confirmed_by: Mapped[StaffMember | None] = relationship(foreign_keys=[confirmed_by_id])
    circulated_by: Mapped[StaffMember | None] = relationship(foreign_keys=[circulated_by_id])

    __mapper_args__ = {"version_id_col": version}


class ReviewDecision(HasPublicId, Base):
    """A decision or action of a review, in plain words for staff and in a child's words."""

    __tablename__ = "review_decisions"
    __table_args__ = (
        CheckConstraint(
            "(owner = 'staff') = (owner_staff_id IS NOT NULL)", name="owner_staff_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    kind: Mapped[DecisionKind] = mapped_column(str_enum(DecisionKind))
    text: Mapped[str] = mapped_column(Text)
    child_text: Mapped[str] = mapped_column(Text)
    owner: Mapped[DecisionOwner | None] = mapped_column(str_enum(DecisionOwner))
    # (Indexed: each owner's landing page lists the actions still theirs.)
    owner_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), index=True)
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    # An action the IRO has seen done.
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    # What the IRO told the child when marking the action done ("you said, we did" shows it).
    done_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # To be told to the child in person by someone they trust, never on their tablet (news such
    # as family time stopping should not come from a screen): the child's pages leave it out.
    in_person: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Told in person: who on the case is to tell the child, and then who told them, when, and a
    # note for the team of how it went. Until someone records it, nobody knows the child knows.
    # (Indexed: each teller's landing page lists what they are still to tell.)
    teller_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"), index=True)
    told_on: Mapped[date | None] = mapped_column(Date)
    told_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    told_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Told in person and the child wanted to keep it: the words their tablet shows from then on
    # (None: it stays off the tablet). Not child_text, which is the IRO's note of what to say.
    tablet_text: Mapped[str | None] = mapped_column(Text)
    # An action's owner on the staff says how it is going: done (on this day) or not yet, with a
    # note, when and by whom. For the IRO, who marks it done (done_on) and tells the child.
    progress_done_on: Mapped[date | None] = mapped_column(Date)
    progress_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    progress_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    progress_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(Integer, default=1)

    review: Mapped[Review] = relationship()
    owner_staff: Mapped[StaffMember | None] = relationship(foreign_keys=[owner_staff_id])
    done_by: Mapped[StaffMember | None] = relationship(foreign_keys=[done_by_id])
    teller_staff: Mapped[StaffMember | None] = relationship(foreign_keys=[teller_staff_id])
    told_by: Mapped[StaffMember | None] = relationship(foreign_keys=[told_by_id])
    progress_by: Mapped[StaffMember | None] = relationship(foreign_keys=[progress_by_id])
    follow_up: Mapped[DecisionFollowUp | None] = relationship(
        back_populates="decision", cascade="all, delete-orphan", uselist=False
    )

    @property
    def words_for_child(self) -> str:
        """What the child's tablet shows of it ("you said, we did")."""
        return (self.tablet_text or "") if self.in_person else self.child_text

    __mapper_args__ = {"version_id_col": version}


class DecisionFollowUp(Base):
    """The child's answer, after the review, to whether a decision or action happened."""

    __tablename__ = "decision_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("review_decisions.id"), unique=True)
    answer: Mapped[Happened] = mapped_column(str_enum(Happened))
    words: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(Integer, default=1)

    decision: Mapped[ReviewDecision] = relationship(back_populates="follow_up")

    __mapper_args__ = {"version_id_col": version}
