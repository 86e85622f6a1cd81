"""people news: a child is told when someone new takes up a role that reads their shares

What a child shares with "my keyworker" (or social worker, or IRO) is read by whoever holds that
role; when someone new took it up, they read what the child had shared before and the child was
never told. Each assignment now says when it (last) started, and the child's space when the child
was last told who works with them: My page says who is new since.

Revision ID: 0028_people_news
Revises: 0027_owner_progress
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_people_news"
down_revision: str | Sequence[str] | None = "0027_owner_progress"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
    # Until now, an assignment started when it was made (a taken-up one: no better date known).
    op.execute("UPDATE assignments SET started_at = created_at")
    with op.batch_alter_table("assignments") as batch:
        batch.alter_column("started_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    with op.batch_alter_table("child_spaces") as batch:
        batch.add_column(sa.Column("people_told_at", sa.DateTime(timezone=True), nullable=True))
    # Nobody is news on the day this arrives: the children are told of changes from now on.
    op.execute("UPDATE child_spaces SET people_told_at = CURRENT_TIMESTAMP")


def downgrade() -> None:
    with op.batch_alter_table("child_spaces") as batch:
        batch.drop_column("people_told_at")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("started_at")
