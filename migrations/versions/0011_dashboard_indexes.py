"""dashboard indexes: children still in care, staff by role, audit events by outcome

Every staff dashboard query is backed by an index; these three were missing. Also joins the
branches made so far (each area's migrations branch from the foundation) into one head.

Revision ID: 0011_dashboard_indexes
Revises: 0002_timetable, 0003_security, 0004_child_space, 0005_planning, 0006_worry,
    0008_workspaces, 0010_sharing (and 0007_views through 0010_sharing, which depends on it)
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_dashboard_indexes"
down_revision: str | Sequence[str] | None = (
    "0002_timetable",
    "0003_security",
    "0004_child_space",
    "0005_planning",
    "0006_worry",
    # Not "0007_views": 0010_sharing depends on it, so it is not a head of its own.
    "0008_workspaces",
    "0010_sharing",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Caseloads, the council pages and the admin list ask for children still in care (or,
    # for the list, those who have left); over the years those who left outnumber them.
    op.create_index(op.f("ix_children_left_care_on"), "children", ["left_care_on"], unique=False)
    # The admin staff list filters by role.
    op.create_index(op.f("ix_staff_members_role"), "staff_members", ["role"], unique=False)
    # The audit page filters by outcome and offers the outcomes seen so far.
    op.create_index(op.f("ix_audit_events_outcome"), "audit_events", ["outcome"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_events_outcome"), table_name="audit_events")
    op.drop_index(op.f("ix_staff_members_role"), table_name="staff_members")
    op.drop_index(op.f("ix_children_left_care_on"), table_name="children")
