"""milestone index name: the caseload's task index also holds the task's name

A task for before the meeting, not done when the meeting was held, is "missed", not overdue
(timetable.rules.missed). Telling the two apart needs the task's name, which the index the
dashboards count from did not hold, so every count read the table too (the council's timetable
at 5,000 children went from 44 to 64 ms). With the name in the index they count from it again.

Revision ID: 0022_milestone_index_name
Revises: 0021_picture_code_own
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022_milestone_index_name"
down_revision: str | Sequence[str] | None = "0021_picture_code_own"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "ix_milestones_review_id_done_on_due_on"
NEW = "ix_milestones_review_id_done_on_due_on_name"


def upgrade() -> None:
    op.create_index(NEW, "milestones", ["review_id", "done_on", "due_on", "name"])
    op.drop_index(OLD, table_name="milestones")


def downgrade() -> None:
    op.create_index(OLD, "milestones", ["review_id", "done_on", "due_on"])
    op.drop_index(NEW, table_name="milestones")
