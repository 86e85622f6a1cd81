"""The words a child reads about sharing, by audience. Children's words only."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..models import Audience, Role, ShareDecision

# "my IRO" is explained once, where the child chooses.
AUDIENCE_NAME: dict[Audience, LazyString] = {
    Audience.KEYWORKER: _l("my keyworker"),
    Audience.SOCIAL_WORKER: _l("my social worker"),
    Audience.IRO: _l("my IRO"),
    Audience.MEETING: _l("everyone at my meeting"),
}
AUDIENCE_TITLE: dict[Audience, LazyString] = {
    Audience.KEYWORKER: _l("My keyworker"),
    Audience.SOCIAL_WORKER: _l("My social worker"),
    Audience.IRO: _l("My IRO (the person who runs my meeting)"),
    Audience.MEETING: _l("Everyone at my meeting"),
}
AUDIENCE_ICON: dict[Audience, str] = {
    Audience.KEYWORKER: "keyworker",
    Audience.SOCIAL_WORKER: "social-worker",
    Audience.IRO: "iro",
    Audience.MEETING: "meeting",
}
# The words on each button: the same weight for sharing and for keeping private.
SHARE_BUTTON: dict[Audience, LazyString] = {
    Audience.KEYWORKER: _l("Share with my keyworker"),
    Audience.SOCIAL_WORKER: _l("Share with my social worker"),
    Audience.IRO: _l("Share with my IRO"),
    Audience.MEETING: _l("Share with everyone at my meeting"),
}
PRIVATE_BUTTON: dict[Audience, LazyString] = {
    Audience.KEYWORKER: _l("Keep it private from my keyworker"),
    Audience.SOCIAL_WORKER: _l("Keep it private from my social worker"),
    Audience.IRO: _l("Keep it private from my IRO"),
    Audience.MEETING: _l("Keep it private from my meeting"),
}
# What the child is told a choice means: stored with the choice, word for word.
MEANING: dict[tuple[Audience, ShareDecision], LazyString] = {
    (Audience.KEYWORKER, ShareDecision.SHARED): _l(
        "My keyworker will be able to see this. I can change my mind at any time."
    ),
    (Audience.SOCIAL_WORKER, ShareDecision.SHARED): _l(
        "My social worker will be able to see this. I can change my mind at any time."
    ),
    (Audience.IRO, ShareDecision.SHARED): _l(
        "My IRO, the person who runs my meeting, will be able to see this before my meeting. "
        "I can change my mind at any time."
    ),
    (Audience.MEETING, ShareDecision.SHARED): _l(
        "Everyone at my meeting will be able to see this, and so will my keyworker, my social "
        "worker and my IRO. I can change my mind at any time."
    ),
    (Audience.KEYWORKER, ShareDecision.PRIVATE): _l("My keyworker will not see this."),
    (Audience.SOCIAL_WORKER, ShareDecision.PRIVATE): _l("My social worker will not see this."),
    (Audience.IRO, ShareDecision.PRIVATE): _l("My IRO will not see this."),
    (Audience.MEETING, ShareDecision.PRIVATE): _l("It will not go to everyone at my meeting."),
}
# "Keep it private from my keyworker" while it goes to everyone at the meeting (who include the
# keyworker): the choice is kept for later, but saying "will not see this" would be untrue.
STILL_SEES_THROUGH_MEETING: dict[Audience, LazyString] = {
    Audience.KEYWORKER: _l(
        "My keyworker can still see this, because it goes to everyone at my meeting. To keep it "
        "from my keyworker, I can stop it going to everyone at my meeting too."
    ),
    Audience.SOCIAL_WORKER: _l(
        "My social worker can still see this, because it goes to everyone at my meeting. To keep "
        "it from my social worker, I can stop it going to everyone at my meeting too."
    ),
    Audience.IRO: _l(
        "My IRO can still see this, because it goes to everyone at my meeting. To keep it from "
        "my IRO, I can stop it going to everyone at my meeting too."
    ),
}
ONLY_ME = _l("Only you can see this.")
ROLE_WORDS: dict[Role, LazyString] = {
    Role.KEYWORKER: _l("your keyworker"),
    Role.SOCIAL_WORKER: _l("your social worker"),
    Role.IRO: _l("your IRO"),
    Role.MANAGER: _l("a manager"),
    Role.ADMIN: _l("someone who looks after the records"),
}


def role_words(role: str | None) -> str:
    """A staff role in a child's words ("your social worker")."""
    try:
        return str(ROLE_WORDS[Role(role or "")])
    except ValueError:
        return str(_l("someone who helps you"))
