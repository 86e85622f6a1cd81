"""invitations meeting: the meeting's time and place as they were when the invitations were
marked sent, to show when the meeting moved after

Revision ID: 0034_invitations_meeting
Revises: 0033_worry_record
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034_invitations_meeting"
down_revision: str | Sequence[str] | None = "0033_worry_record"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Null for invitations marked sent before this: their meeting then is not known, and is
    # not compared.
    with op.batch_alter_table("invitations_sent") as batch:
        batch.add_column(sa.Column("meeting", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitations_sent") as batch:
        batch.drop_column("meeting")
