"""picture code own: when the child chose their own pictures, with no adult watching

A child may choose new pictures for their code in their own space, so that no adult knows it.
Kept apart from who last set a code (and when it replaced one), so that the child is still told
of an adult's new code after choosing their own, and the record can say the code is the child's.

Revision ID: 0021_picture_code_own
Revises: 0020_decision_in_person
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import participation.models.base

revision: str = "0021_picture_code_own"
down_revision: str | Sequence[str] | None = "0020_decision_in_person"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = participation.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.add_column("child_spaces", sa.Column("picture_code_own_at", UTC, nullable=True))


def downgrade() -> None:
    # Not batch mode: SQLite drops a column itself since 3.35.
    op.drop_column("child_spaces", "picture_code_own_at")
