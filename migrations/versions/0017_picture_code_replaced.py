"""picture code replaced: when an adult gave a child a new picture code in place of one they had

Whoever sets a child's picture code can open the child's space with it, private things and all.
A new code in place of one the child already had is told to the child on their own page for two
weeks (the adult's name and the day), so a change they did not ask for does not go unseen.

Revision ID: 0017_picture_code_replaced
Revises: 0016_staff_known_as
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import participation.models.base

revision: str = "0017_picture_code_replaced"
down_revision: str | Sequence[str] | None = "0016_staff_known_as"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = participation.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.add_column("child_spaces", sa.Column("picture_code_replaced_at", UTC, nullable=True))


def downgrade() -> None:
    # Not batch mode: SQLite drops a column itself since 3.35.
    op.drop_column("child_spaces", "picture_code_replaced_at")
