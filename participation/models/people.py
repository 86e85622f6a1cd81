"""Children, the homes they live in, the staff who work with them and the people in their lives."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, HasPublicId, Timestamp, str_enum

if TYPE_CHECKING:
    from .review import Review


class Role(StrEnum):
    KEYWORKER = "keyworker"
    SOCIAL_WORKER = "social-worker"
    IRO = "iro"
    MANAGER = "manager"
    ADMIN = "admin"


# Roles that work with named children; managers and admins act for the whole council.
CASEWORK_ROLES = (Role.KEYWORKER, Role.SOCIAL_WORKER, Role.IRO)
KNOWN_AS_LENGTH = 60  # "what children call me": a first name or "Miss Evans", not a full title


class HomeKind(StrEnum):
    CHILDRENS_HOME = "childrens-home"
    FOSTER_FAMILY = "foster-family"


class PlacementType(StrEnum):
    RESIDENTIAL = "residential"
    FOSTER = "foster"


class NetworkRole(StrEnum):
    PARENT = "parent"
    CARER = "carer"
    TEACHER = "teacher"
    HEALTH = "health"
    INDEPENDENT_VISITOR = "independent-visitor"
    PERSONAL_ADVISER = "personal-adviser"
    ADVOCATE = "advocate"
    OTHER = "other"


class Home(HasPublicId, Base):
    """A children's home or a foster family: where a child lives."""

    __tablename__ = "homes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[HomeKind] = mapped_column(str_enum(HomeKind))
    # The address is sensitive: it is never put in a review pack unless a council setting allows it.
    address: Mapped[str] = mapped_column(Text, default="")
    # Where a child's worry is emailed for whoever is on shift (a home's office inbox, or the
    # foster carers): the keyworker told in My Review may be off until next week.
    alert_email: Mapped[str] = mapped_column(String(320), default="")
    # The number whoever is on shift answers (or the foster carers'), as phone.written keeps
    # it: the worry emails and the staff worry page give it, so the duty team at night, or a
    # social worker whose email did not go, can ring the home at once.
    phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    children: Mapped[list[Child]] = relationship(back_populates="home")


class Child(HasPublicId, Base):
    """A looked-after child (or a care leaver still reviewed)."""

    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    preferred_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    first_language: Mapped[str] = mapped_column(String(100), default="English")
    communication_needs: Mapped[str] = mapped_column(Text, default="")
    became_looked_after: Mapped[date] = mapped_column(Date)
    placement_type: Mapped[PlacementType] = mapped_column(str_enum(PlacementType))
    home_id: Mapped[int | None] = mapped_column(ForeignKey("homes.id"), index=True)
    placement_start: Mapped[date | None] = mapped_column(Date)
    # Indexed: every caseload and council page asks for the children still in care, and over
    # the years those who have left come to outnumber them.
    left_care_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[Timestamp]
    version: Mapped[int] = mapped_column(Integer, default=1)

    home: Mapped[Home | None] = relationship(back_populates="children")
    assignments: Mapped[list[Assignment]] = relationship(back_populates="child")
    network: Mapped[list[NetworkPerson]] = relationship(
        back_populates="child", order_by="NetworkPerson.id"
    )
    reviews: Mapped[list[Review]] = relationship(back_populates="child", order_by="Review.number")
    placements: Mapped[list[Placement]] = relationship(
        back_populates="child",
        order_by="Placement.id",  # made in the order they began
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def still_looked_after(self) -> bool:
        return self.left_care_on is None

    def age_on(self, day: date) -> int:
        """Whole years of age on `day`."""
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Placement(Base):
    """Where a child lived, from when to when: the child's record keeps only where they live now,
    and a review asks how often they have moved (three or more homes in a year is the national
    measure of instability). Kept by the admin area whenever a child's record changes."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    home_id: Mapped[int | None] = mapped_column(ForeignKey("homes.id"))
    placement_type: Mapped[PlacementType] = mapped_column(str_enum(PlacementType))
    # None: not recorded (records from before placement starts were kept).
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)  # None: where they live now

    child: Mapped[Child] = relationship(back_populates="placements")
    home: Mapped[Home | None] = relationship()


class StaffMember(HasPublicId, Base):
    """Someone who signs in with an email address and password."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role), index=True)  # the staff list's filter
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str | None] = mapped_column(String(8))
    # What children call them ("Tom", "Miss Evans"), set on their account page. A child knows
    # their keyworker by that, not by the full name on the staff list. None: the full name.
    known_as: Mapped[str | None] = mapped_column(String(KNOWN_AS_LENGTH))
    created_at: Mapped[Timestamp]
    password_changed_at: Mapped[datetime | None]
    # Given by an administrator (a new account, a reset): known to two people, so the first
    # sign-in goes no further than choosing their own.
    password_temporary: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]

    assignments: Mapped[list[Assignment]] = relationship(back_populates="staff")

    @property
    def name_for_children(self) -> str:
        """The name a child's pages show for this person."""
        return self.known_as or self.name


class Assignment(Base):
    """A staff member's role with one child (their keyworker, social worker or IRO)."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("staff_id", "child_id", "role", name="uq_assignment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_members.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[Timestamp]
    # When this person (last) took the role up: the child is told who is new since they were
    # last told (child.service.new_people), as they read what the child shares with the role.
    started_at: Mapped[Timestamp]

    staff: Mapped[StaffMember] = relationship(back_populates="assignments")
    child: Mapped[Child] = relationship(back_populates="assignments")


class NetworkPerson(HasPublicId, Base):
    """Someone in a child's life who may be invited to their review."""

    __tablename__ = "network_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # How the child describes them ("Mum", "Nan", "my football coach").
    relationship_to_child: Mapped[str] = mapped_column(String(100))
    role: Mapped[NetworkRole] = mapped_column(str_enum(NetworkRole))
    parental_responsibility: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    child: Mapped[Child] = relationship(back_populates="network")
