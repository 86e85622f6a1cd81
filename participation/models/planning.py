"""A child's plan for their next review meeting: who comes, how they take part, where and when,
food and the room; staff answers to each wish; the keyworker's checklist for the day.

Every choice is stored as a code from one of the enums below (the allowlists); the words a child
sees for each code live in ``participation.planning.steps``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import Base, HasPublicId, Timestamp, str_enum, utcnow
from .people import Child, NetworkPerson, Role, StaffMember
from .review import Review


class Wish(StrEnum):
    """What the child would like for one person."""

    UNSET = "unset"  # not chosen yet, or "I'm not sure yet"
    YES = "yes"
    PART = "part"  # just for part of the meeting
    WRITTEN = "written"  # send their thoughts in writing instead
    NO = "no"


class Attendance(StrEnum):
    ALL = "all"
    SOME = "some"
    VIEWS_ONLY = "views-only"  # not come, but send my views


class Chairing(StrEnum):
    IRO = "iro"  # the IRO chairs, as usual
    CO_CHAIR = "co-chair"
    CHAIR = "chair"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not-sure"


class Place(StrEnum):
    HOME = "home"
    SCHOOL = "school"
    ELSEWHERE = "elsewhere"


class MeetingTime(StrEnum):
    AFTER_SCHOOL = "after-school"
    WEEKEND = "weekend"
    HOLIDAYS = "school-holidays"
    MORNING = "morning"
    AFTERNOON = "afternoon"


class Food(StrEnum):
    FRUIT = "fruit"
    BISCUITS = "biscuits"
    SANDWICHES = "sandwiches"
    CRISPS = "crisps"
    PIZZA = "pizza"
    WATER = "water"
    JUICE = "juice"
    HOT_CHOCOLATE = "hot-chocolate"


class RoomNeed(StrEnum):
    QUIET = "quiet"
    SOFT_LIGHTS = "soft-lights"
    NEAR_DOOR = "near-door"
    NEXT_TO_SOMEONE = "next-to-someone"
    BREAKS = "breaks"
    FIDGET = "fidget"
    MUSIC = "music"
    PET = "pet"
    PERSON = "person"


class DecisionTopic(StrEnum):
    """What a staff answer is about: one person's invitation, or one part of the plan."""

    WHO = "who"
    VENUE = "venue"
    TIME = "time"
    TAKING_PART = "taking-part"
    FOOD = "food"
    ROOM = "room"


class DecisionOutcome(StrEnum):
    AGREED = "agreed"
    CHANGED = "changed"  # agreed in another form ("joins by video")
    NOT_POSSIBLE = "not-possible"


class ChecklistCode(StrEnum):
    """Things the keyworker gets ready on the day (derived from the plan)."""

    ROOM = "room"
    CHAIRS = "chairs"
    REFRESHMENTS = "refreshments"
    BREAK_SIGNAL = "break-signal"
    INTERPRETER = "interpreter"
    BRINGING = "bringing"


def checked_codes(values: Any, allowed: type[StrEnum], what: str) -> list[str]:
    """A JSON list of codes, each from `allowed`, without repeats, in the allowlist's order.

    Raises ValueError for anything else, so a tampered value can never be stored."""
    if values is None:
        return []
    if not isinstance(values, list | tuple | set | frozenset):
        raise ValueError(f"{what}: a list of codes is needed")
    codes = {allowed(value).value for value in values}
    return [member.value for member in allowed if member.value in codes]


class MeetingPlan(HasPublicId, Base):
    """One child's plan for one review meeting (their next planned review)."""

    __tablename__ = "meeting_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), unique=True)

    # How I'll take part
    attendance: Mapped[Attendance | None] = mapped_column(str_enum(Attendance))
    attendance_parts: Mapped[str] = mapped_column(Text, default="")
    chairing: Mapped[Chairing | None] = mapped_column(str_enum(Chairing))
    meet_iro_first: Mapped[Answer | None] = mapped_column(str_enum(Answer))
    meet_iro_when: Mapped[str] = mapped_column(Text, default="")
    advocate: Mapped[Answer | None] = mapped_column(str_enum(Answer))
    interpreter: Mapped[Answer | None] = mapped_column(str_enum(Answer))
    interpreter_language: Mapped[str] = mapped_column(Text, default="")
    communication: Mapped[str] = mapped_column(Text, default="")

    # Where and when
    place: Mapped[Place | None] = mapped_column(str_enum(Place))
    place_other: Mapped[str] = mapped_column(Text, default="")
    times: Mapped[list[str]] = mapped_column(JSON, default=list)
    avoid: Mapped[str] = mapped_column(Text, default="")

    # Food and drink
    food: Mapped[list[str]] = mapped_column(JSON, default=list)
    food_other: Mapped[str] = mapped_column(Text, default="")
    diet: Mapped[str] = mapped_column(Text, default="")

    # The room
    room: Mapped[list[str]] = mapped_column(JSON, default=list)
    seating: Mapped[str] = mapped_column(Text, default="")
    break_signal: Mapped[str] = mapped_column(Text, default="")
    bring_who: Mapped[str] = mapped_column(Text, default="")
    room_other: Mapped[str] = mapped_column(Text, default="")

    # Steps the child finished with "Save and go on" (skipped ones are not done).
    steps_done: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Each step's own version: a form carries the one it was loaded with, so a save from a
    # second tablet is told when the same step changed meanwhile (other steps do not clash).
    step_versions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # Step slug -> the key of the page that saved it last (forms.FormKeyField): a save from
    # that page with an older version is its own earlier save sent again, not a clash.
    step_saved_with: Mapped[dict[str, str] | None] = mapped_column(JSON)
    created_at: Mapped[Timestamp]
    updated_at: Mapped[Timestamp]
    updated_by_child: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    child: Mapped[Child] = relationship()
    review: Mapped[Review] = relationship()
    invitees: Mapped[list[PlanInvitee]] = relationship(
        back_populates="plan",
        order_by="PlanInvitee.position",
        cascade="all, delete-orphan",
    )
    decisions: Mapped[list[PlanDecision]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )
    checklist: Mapped[list[DayChecklistItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @classmethod
    def blank(cls, child: Child, review: Review) -> MeetingPlan:
        """An unsaved, empty plan to show before the child's first answer (GET never writes)."""
        now = utcnow()
        return cls(
            child_id=child.id,
            review_id=review.id,
            attendance_parts="",
            meet_iro_when="",
            interpreter_language="",
            communication="",
            place_other="",
            times=[],
            avoid="",
            food=[],
            food_other="",
            diet="",
            room=[],
            seating="",
            break_signal="",
            bring_who="",
            room_other="",
            steps_done=[],
            step_versions={},
            created_at=now,
            updated_at=now,
            updated_by_child=True,
            version=0,
        )

    @validates("times")
    def _valid_times(self, _key: str, value: Any) -> list[str]:
        return checked_codes(value, MeetingTime, "times")

    @validates("food")
    def _valid_food(self, _key: str, value: Any) -> list[str]:
        return checked_codes(value, Food, "food")

    @validates("room")
    def _valid_room(self, _key: str, value: Any) -> list[str]:
        return checked_codes(value, RoomNeed, "room")

    def step_version(self, step: str) -> int:
        return int((self.step_versions or {}).get(step, 0))


class PlanInvitee(HasPublicId, Base):
    """One person on the child's list: someone in their network, a professional who works with
    them, or "someone else" the child added by name."""

    __tablename__ = "plan_invitees"
    __table_args__ = (
        UniqueConstraint("plan_id", "network_person_id", name="uq_plan_invitee_person"),
        UniqueConstraint("plan_id", "staff_id", "staff_role", name="uq_plan_invitee_staff"),
        CheckConstraint("network_person_id IS NULL OR staff_id IS NULL", name="one_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("meeting_plans.id"), index=True)
    network_person_id: Mapped[int | None] = mapped_column(ForeignKey("network_people.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    staff_role: Mapped[Role | None] = mapped_column(str_enum(Role))
    # For someone else: the name the child gave, and who they are ("my football coach").
    name: Mapped[str] = mapped_column(String(200), default="")
    described_as: Mapped[str] = mapped_column(String(200), default="")
    wish: Mapped[Wish] = mapped_column(str_enum(Wish), default=Wish.UNSET)
    part: Mapped[str] = mapped_column(Text, default="")  # which part, for Wish.PART
    why: Mapped[str] = mapped_column(Text, default="")
    # The wish the child chose when they last wrote `why` ("" before this was kept): a reason
    # written for "Yes please" and left beside a later "No thanks" is said to be older.
    why_wish: Mapped[str] = mapped_column(String(20), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[Timestamp]

    plan: Mapped[MeetingPlan] = relationship(back_populates="invitees")
    network_person: Mapped[NetworkPerson | None] = relationship()
    staff: Mapped[StaffMember | None] = relationship()
    decision: Mapped[PlanDecision | None] = relationship(
        back_populates="invitee", cascade="all, delete-orphan", uselist=False
    )

    @property
    def kind(self) -> str:
        if self.network_person_id is not None:
            return "person"
        if self.staff_id is not None:
            return "staff"
        return "other"


class PlanDecision(Base):
    """A member of staff's answer to one wish, with a reason written for the child when the wish
    cannot be met as asked."""

    __tablename__ = "plan_decisions"
    __table_args__ = (UniqueConstraint("plan_id", "subject", name="uq_plan_decision_subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("meeting_plans.id"), index=True)
    topic: Mapped[DecisionTopic] = mapped_column(str_enum(DecisionTopic))
    invitee_id: Mapped[int | None] = mapped_column(ForeignKey("plan_invitees.id"), index=True)
    # One answer per subject: a topic ("venue"), or "who:<invitee public id>".
    subject: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[DecisionOutcome] = mapped_column(str_enum(DecisionOutcome))
    reason_for_child: Mapped[str] = mapped_column(Text, default="")
    # The child's wish when it was answered, so a later change of mind shows as new.
    answered_wish: Mapped[str] = mapped_column(String(16), default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"))
    decided_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)

    plan: Mapped[MeetingPlan] = relationship(back_populates="decisions")
    invitee: Mapped[PlanInvitee | None] = relationship(back_populates="decision")
    decided_by: Mapped[StaffMember] = relationship()

    __mapper_args__ = {"version_id_col": version}


class DayChecklistItem(Base):
    """One ticked (or unticked) thing on the keyworker's list for the day of the meeting. The
    items themselves come from the plan; a row exists once someone has ticked it."""

    __tablename__ = "day_checklist_items"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_day_checklist_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("meeting_plans.id"), index=True)
    code: Mapped[ChecklistCode] = mapped_column(str_enum(ChecklistCode))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_members.id"))
    done_at: Mapped[datetime | None]

    plan: Mapped[MeetingPlan] = relationship(back_populates="checklist")
    done_by: Mapped[StaffMember | None] = relationship()
