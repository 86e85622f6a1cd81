"""password temporary: a password an administrator gave is changed at the first sign-in

An administrator's temporary password (a new account, a reset) was good for ever, and known to
two people. Signing in with one now goes no further than choosing one's own.

Revision ID: 0024_password_temporary
Revises: 0023_decision_told
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_password_temporary"
down_revision: str | Sequence[str] | None = "0023_decision_told"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "staff_members",
        sa.Column("password_temporary", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # Not batch mode: SQLite drops a column itself since 3.35.
    op.drop_column("staff_members", "password_temporary")
