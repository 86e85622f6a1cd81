"""owner progress: the owner of a review action says how it is going, or that it is done

Only the IRO could mark an action done, and its owner (a social worker, say) had nowhere to
say so: the IRO had to be told and type it in. The owner now records done (and when) or not
yet, with a note; the IRO sees it beside the action and marks it done.

Revision ID: 0027_owner_progress
Revises: 0026_placements
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_owner_progress"
down_revision: str | Sequence[str] | None = "0026_placements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_review_decisions_progress_by_id_staff_members"


def upgrade() -> None:
    with op.batch_alter_table("review_decisions") as batch:
        batch.add_column(sa.Column("progress_done_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("progress_note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("progress_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("progress_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(FOREIGN_KEY, "staff_members", ["progress_by_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("review_decisions") as batch:
        batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        for column in ("progress_at", "progress_by_id", "progress_note", "progress_done_on"):
            batch.drop_column(column)
