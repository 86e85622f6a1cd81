"""decision in person: a decision the child is told in person, never on their tablet

Every decision of a review reached the child's tablet in "you said, we did" once circulated. Some
news (family time stopped, a move of home) should come from someone the child trusts, with time to
talk, not from a screen: the IRO can now mark a decision to be told in person, and the child's
pages leave it out.

Revision ID: 0020_decision_in_person
Revises: 0019_action_done_note
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_decision_in_person"
down_revision: str | Sequence[str] | None = "0019_action_done_note"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review_decisions") as batch:
        batch.add_column(
            sa.Column("in_person", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("review_decisions") as batch:
        batch.drop_column("in_person")
