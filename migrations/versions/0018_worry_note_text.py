"""worry note text: a child's "I'm worried" note is kept whole, not cut at 1,000 characters

A 15-year-old's worry can run to more than 180 words; the end was cut off and only shown back
to the child once. The note is text now, kept to worry.service.NOTE_LIMIT.

Revision ID: 0018_worry_note_text
Revises: 0017_picture_code_replaced
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_worry_note_text"
down_revision: str | Sequence[str] | None = "0017_picture_code_replaced"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Batch mode: SQLite copies the table (no other table refers to worry_alerts).
    with op.batch_alter_table("worry_alerts") as batch:
        batch.alter_column(
            "note", existing_type=sa.String(length=1000), type_=sa.Text(), existing_nullable=False
        )


def downgrade() -> None:
    # Notes longer than the old column are cut to it (the old code's own cut).
    op.execute(
        "UPDATE worry_alerts SET note = substr(note, 1, 999) || '…' WHERE length(note) > 1000"
    )
    with op.batch_alter_table("worry_alerts") as batch:
        batch.alter_column(
            "note", existing_type=sa.Text(), type_=sa.String(length=1000), existing_nullable=False
        )
