"""staff known as: the name children see for a member of staff ("Tom", "Miss Evans")

A child's pages showed the full name from the staff list; a child knows their keyworker by what
they call them. Set by the member of staff on their account page; empty means the full name.

Revision ID: 0016_staff_known_as
Revises: 0015_held_answers
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_staff_known_as"
down_revision: str | Sequence[str] | None = "0015_held_answers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("staff_members", sa.Column("known_as", sa.String(length=60), nullable=True))


def downgrade() -> None:
    # Not batch mode: SQLite would copy and drop staff_members, which other tables refer to.
    # SQLite drops a column itself since 3.35.
    op.drop_column("staff_members", "known_as")
