"""The tasks the app marks done itself, on the page where the work is done, and which page that is.

Circulating the decisions, meeting the child, sharing and sending the keyworker report and
sending the invitations each mark their task done when the work is done (through
`service.mark_done`, by way of `workspaces.common.mark_milestone`). A bare "Mark done" on the
milestone page would count such a task done while nothing was circulated, shared or sent: the
milestone page points to the right page instead, and refuses a "Mark done" posted anyway.
This is the one place that says which task is done where.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from ..models import Review
from ..security.policy import (
    may_keep_keyworker_records,
    may_prepare_invitations,
    may_record_review_outcome,
)
from ..security.principal import Principal


@dataclass(frozen=True)
class DoneElsewhere:
    """Where a task is done: the page (its endpoint, and whether its address names the review or
    the child), what the milestone page says about it, its button's words, and who may open it
    (the rule that page's own routes use)."""

    endpoint: str
    names: Literal["review", "child"]
    how: LazyString
    go: LazyString
    may_open: Callable[[Principal], bool]

    def address(self, review: Review) -> dict[str, Any]:
        """The arguments of `url_for` for this page, for the task of ``review``."""
        if self.names == "review":
            return {"review_id": review.public_id}
        return {"public_id": review.child.public_id}


_KEYWORKER_REPORT = _l("Go to the keyworker report")

DONE_ELSEWHERE: Mapping[str, DoneElsewhere] = MappingProxyType(
    {
        "decisions-circulated": DoneElsewhere(
            "iro.outcome",
            "review",
            _l(
                "This task is marked done when the IRO circulates the decisions from the review "
                "outcome page: the child then sees them in “you said, we did”."
            ),
            _l("Go to the review outcome"),
            may_record_review_outcome,
        ),
        "iro-meets-child": DoneElsewhere(
            "iro.meeting",
            "review",
            _l(
                "This task is marked done when the IRO records meeting the child, on the page "
                "for meeting the child before the review."
            ),
            _l("Go to meeting the child"),
            may_record_review_outcome,
        ),
        "keyworker-report-shared-with-child": DoneElsewhere(
            "keyworker.report",
            "child",
            _l(
                "This task is marked done when the keyworker shares the keyworker report with "
                "the child, from the keyworker report page."
            ),
            _KEYWORKER_REPORT,
            may_keep_keyworker_records,
        ),
        "keyworker-report-sent": DoneElsewhere(
            "keyworker.report",
            "child",
            _l(
                "This task is marked done when the keyworker sends the keyworker report, from "
                "the keyworker report page."
            ),
            _KEYWORKER_REPORT,
            may_keep_keyworker_records,
        ),
        "invitations-sent": DoneElsewhere(
            "invitations.invitation_list",
            "child",
            _l(
                "This task is marked done when the invitations are marked sent, on the "
                "invitations page."
            ),
            _l("Go to the invitations"),
            may_prepare_invitations,
        ),
    }
)


def done_elsewhere(name: str) -> DoneElsewhere | None:
    """Where the task ``name`` is done, if the app marks it done on a page of its own; None for a
    task marked done on the milestone page."""
    return DONE_ELSEWHERE.get(name)


# Tasks marked done on their own page whose work is the child's meeting plan: the plan (what the
# child asked for, and the answers they are waiting for) is one link from the task (QA: the
# social worker's "consult the child" was a date box and nothing else).
DONE_WITH_THE_PLAN = frozenset({"consult-child", "invitations-sent"})
