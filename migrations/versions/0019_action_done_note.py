"""action done note: what the IRO tells the child when they mark an action done

An action the child said did not happen could be marked done with one press, and the child
heard nothing back. Marking it done now asks first, and the IRO may write a few words for the
child, shown with the action in "you said, we did".

Revision ID: 0019_action_done_note
Revises: 0018_worry_note_text
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_action_done_note"
down_revision: str | Sequence[str] | None = "0018_worry_note_text"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review_decisions") as batch:
        batch.add_column(sa.Column("done_note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("review_decisions") as batch:
        batch.drop_column("done_note")
