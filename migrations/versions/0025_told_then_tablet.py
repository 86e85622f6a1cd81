"""told then tablet: news told in person may go on the child's tablet once they know

A decision told in person never reached the child's tablet, even after they were told, so a child
could not read it again nor say whether it happened. Whoever records telling them may now, when
the child wants it, give the words for their tablet ("you said, we did").

Revision ID: 0025_told_then_tablet
Revises: 0024_password_temporary
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_told_then_tablet"
down_revision: str | Sequence[str] | None = "0024_password_temporary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review_decisions") as batch:
        batch.add_column(sa.Column("tablet_text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_decisions") as batch:
        batch.drop_column("tablet_text")
