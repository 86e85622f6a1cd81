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
from .review import Review, ReviewStatus
from .sessions import AuthSession, SessionKind

__all__ = [
    "CASEWORK_ROLES",
    "AgeBand",
    "Assignment",
    "AuditEvent",
    "AuthSession",
    "Base",
    "Child",
    "ChildSpace",
    "ClosureDay",
    "CouncilSettings",
    "Home",
    "HomeKind",
    "NetworkPerson",
    "NetworkRole",
    "PersonalLink",
    "PlacementType",
    "Review",
    "ReviewStatus",
    "Role",
    "SessionKind",
    "SessionVia",
    "StaffMember",
    "utcnow",
]
