"""Words shown for stored values, in the reader's language (the profession's words: staff pages)."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from .models import HomeKind, PlacementType, ReviewStatus, Role

ROLES: dict[Role, LazyString] = {
    Role.KEYWORKER: _l("Keyworker"),
    Role.SOCIAL_WORKER: _l("Social worker"),
    Role.IRO: _l("Independent Reviewing Officer"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
}

PLACEMENTS: dict[PlacementType, LazyString] = {
    PlacementType.RESIDENTIAL: _l("children's home"),
    PlacementType.FOSTER: _l("foster care"),
}

HOME_KINDS: dict[HomeKind, LazyString] = {
    HomeKind.CHILDRENS_HOME: _l("Children's home"),
    HomeKind.FOSTER_FAMILY: _l("Foster family"),
}

REVIEW_STATUSES: dict[ReviewStatus, LazyString] = {
    ReviewStatus.PLANNED: _l("Planned"),
    ReviewStatus.HELD: _l("Held"),
    ReviewStatus.ADJOURNED: _l("Adjourned"),
    ReviewStatus.CANCELLED: _l("Cancelled"),
}

# The same roles in the words children asked for (child pages only).
CHILD_ROLES: dict[Role, LazyString] = {
    Role.KEYWORKER: _l("your keyworker"),
    Role.SOCIAL_WORKER: _l("your social worker"),
    Role.IRO: _l("the person who runs your meeting"),
    Role.MANAGER: _l("a manager"),
    Role.ADMIN: _l("an administrator"),
}

TEMPLATE_GLOBALS = {
    "child_role_label": CHILD_ROLES.__getitem__,
    "role_label": ROLES.__getitem__,
    "placement_label": PLACEMENTS.__getitem__,
    "home_kind_label": HOME_KINDS.__getitem__,
    "status_label": REVIEW_STATUSES.__getitem__,
}
