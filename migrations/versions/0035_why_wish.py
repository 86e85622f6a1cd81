"""why wish: the wish a child's reason for it was written beside, so staff know when the wish
changed and the reason did not

Revision ID: 0035_why_wish
Revises: 0034_invitations_meeting
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035_why_wish"
down_revision: str | Sequence[str] | None = "0034_invitations_meeting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # "" for reasons written before this: not known, and never said to be older.
    with op.batch_alter_table("plan_invitees") as batch:
        batch.add_column(
            sa.Column("why_wish", sa.String(length=20), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("plan_invitees") as batch:
        batch.drop_column("why_wish")
