"""Words for the timetable's stored values, in the profession's language (staff pages)."""

from __future__ import annotations

from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..models import EventDecision, EventKind

MILESTONES: dict[str, LazyString] = {
    "consult-child": _l("Consult the child about who comes and where"),
    "invitations-sent": _l("Send invitations and consultation papers"),
    "iro-meets-child": _l("IRO meets the child"),
    "keyworker-report-shared-with-child": _l("Share the keyworker report with the child"),
    "keyworker-report-sent": _l("Send the keyworker report"),
    "child-views-ready": _l("Child's views ready for the review"),
    "social-worker-documents": _l("Send the social worker's report and Care Plan to the IRO"),
    "decisions-circulated": _l("Circulate the review decisions"),
    "manager-considers-decisions": _l("Team manager considers the decisions"),
    "care-plan-updated": _l("Update the Care Plan"),
    "full-record": _l("Complete the full review record"),
    "record-distributed": _l("Send copies of the review record"),
}

STATUSES: dict[str, LazyString] = {
    "overdue": _l("Overdue"),
    "due-today": _l("Due today"),
    "due-soon": _l("Due soon"),
    "upcoming": _l("Upcoming"),
    # Not done before a meeting that has been held (rules.missed).
    "missed": _l("Missed: not done before the meeting"),
    "done": _l("Done"),
}

# The CSS class that goes with each status; the status is always written in words as well.
STATUS_TAGS: dict[str, str] = {
    "overdue": "tag tag-overdue",
    "due-today": "tag tag-soon",
    "due-soon": "tag tag-soon",
    "upcoming": "tag",
    "missed": "tag tag-missed",
    "done": "tag tag-done",
}

EVENT_KINDS: dict[EventKind, LazyString] = {
    EventKind.CARE_PLAN_CHANGE: _l("Change to the care plan"),
    EventKind.DECISIONS_NOT_CARRIED_OUT: _l("Review decisions not carried out"),
    # "Family time", not "contact": the words young people in care ask for.
    EventKind.CONTACT_CHANGE: _l("Family time change"),
    EventKind.CHANGE_OF_SOCIAL_WORKER: _l("Change of social worker"),
    EventKind.SAFEGUARDING_ENQUIRY: _l("Safeguarding enquiry (section 47)"),
    EventKind.COMPLAINT: _l("Complaint"),
    EventKind.PLACEMENT_CHANGE: _l("Change of home (placement)"),
    EventKind.BIRTH_FAMILY_EVENT: _l("Significant event in the birth family"),
    EventKind.OFFENDING: _l("Offending"),
    EventKind.SCHOOL_EXCLUSION: _l("School exclusion"),
    EventKind.MISSING: _l("Missing from home or care"),
    EventKind.SERIOUS_HEALTH_EVENT: _l("Serious health event"),
    EventKind.OTHER: _l("Something else significant"),
}

DECISIONS: dict[EventDecision, LazyString] = {
    EventDecision.BRING_FORWARD: _l("Review brought forward"),
    EventDecision.NO_CHANGE: _l("No change to the review date"),
}

NATIONS: dict[str, LazyString] = {
    "ENG": _l("England"),
    "WLS": _l("Wales"),
    "SCT": _l("Scotland"),
    "NIR": _l("Northern Ireland"),
}


def milestone_label(name: str) -> str:
    """The words for a milestone name; the name itself if it is not one we know."""
    label = MILESTONES.get(name)
    return str(label) if label is not None else name


def days_late(due_on: date, done_on: date | None) -> int:
    """How many days after its due day a task was done (0: on time, or not done). Calendar
    days: what a manager checking compliance reads ("done 5 days after it was due")."""
    return max(0, (done_on - due_on).days) if done_on is not None else 0


TEMPLATE_GLOBALS = {
    "days_late": days_late,
    "milestone_label": milestone_label,
    "milestone_status_label": STATUSES.__getitem__,
    "milestone_status_tag": STATUS_TAGS.__getitem__,
    "event_kind_label": EVENT_KINDS.__getitem__,
    "event_decision_label": DECISIONS.__getitem__,
    "nation_label": NATIONS.__getitem__,
}
