"""All models, imported here so that Alembic and the app see one metadata."""

from .audit import AuditEvent
from .base import Base, utcnow
from .child_space import AgeBand, ChildSpace, PersonalLink, SessionVia
from .council import ClosureDay, CouncilSettings
from .people import (
    CASEWORK_ROLES,
    Assignment,
    Child,
    Home,
    HomeKind,
    NetworkPerson,
    NetworkRole,
    PlacementType,
    Role,
    StaffMember,
)
from .planning import (
    Answer,
    Attendance,
    Chairing,
    ChecklistCode,
    DayChecklistItem,
    DecisionOutcome,
    DecisionTopic,
    Food,
    MeetingPlan,
    MeetingTime,
    Place,
    PlanDecision,
    PlanInvitee,
    RoomNeed,
    Wish,
)
from .review import Review, ReviewStatus
from .second_factor import RecoveryCode, SecondFactor
from .sessions import AuthSession, SessionKind
from .timetable import EventDecision, EventKind, Milestone, SignificantEvent
from .views import Item, ItemAuthor, ItemKind, MediaFile, MediaKind, MediaStatus, ViewsSettings
from .worry import WorryAlert

__all__ = [
    "CASEWORK_ROLES",
    "AgeBand",
    "Answer",
    "Assignment",
    "Attendance",
    "AuditEvent",
    "AuthSession",
    "Base",
    "Chairing",
    "ChecklistCode",
    "Child",
    "ChildSpace",
    "ClosureDay",
    "CouncilSettings",
    "DayChecklistItem",
    "DecisionOutcome",
    "DecisionTopic",
    "EventDecision",
    "EventKind",
    "Food",
    "Home",
    "HomeKind",
    "Item",
    "ItemAuthor",
    "ItemKind",
    "MediaFile",
    "MediaKind",
    "MediaStatus",
    "MeetingPlan",
    "MeetingTime",
    "Milestone",
    "NetworkPerson",
    "NetworkRole",
    "PersonalLink",
    "Place",
    "PlacementType",
    "PlanDecision",
    "PlanInvitee",
    "RecoveryCode",
    "Review",
    "ReviewStatus",
    "Role",
    "RoomNeed",
    "SecondFactor",
    "SessionKind",
    "SessionVia",
    "SignificantEvent",
    "StaffMember",
    "ViewsSettings",
    "Wish",
    "WorryAlert",
    "utcnow",
]
