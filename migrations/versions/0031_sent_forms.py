"""sent forms: a worry, a decision, a summary, a record or a person on the child's list sent
twice (a double press, a reload, an answer lost on weak wifi) is made once; a planning step's
own save sent again is not taken for another tablet's

Revision ID: 0031_sent_forms
Revises: 0030_sent_twice
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from participation.models.base import UTCDateTime

revision: str = "0031_sent_forms"
down_revision: str | Sequence[str] | None = "0030_sent_twice"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sent_forms",
        sa.Column("sender", sa.String(40), nullable=False),
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("made_id", sa.String(32), nullable=True),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender", "key", name=op.f("pk_sent_forms")),
    )
    op.create_index(op.f("ix_sent_forms_sent_at"), "sent_forms", ["sent_at"])
    with op.batch_alter_table("meeting_plans") as batch:
        batch.add_column(sa.Column("step_saved_with", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting_plans") as batch:
        batch.drop_column("step_saved_with")
    op.drop_index(op.f("ix_sent_forms_sent_at"), table_name="sent_forms")
    op.drop_table("sent_forms")
