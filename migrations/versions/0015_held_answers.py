"""held answers: what a child had on a page when a save as they went was refused

Words too long for their box could not be saved as the child typed, and a break, giving the
tablet back or the idle lock then lost them. They are held for the child
(participation/models/child_space.py, HeldAnswers) and shown again on the same page.

Revision ID: 0015_held_answers
Revises: 0014_sent_report_recipients
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import participation.models.base

revision: str = "0015_held_answers"
down_revision: str | Sequence[str] | None = "0014_sent_report_recipients"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = participation.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "held_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_held_answers_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_answers")),
        # Finding the child's answers for a page (its first column serves "this child's").
        sa.UniqueConstraint("child_id", "path", name=op.f("uq_held_answers_child_id")),
    )
    # The sweeper's "HOLD_FOR old".
    op.create_index(
        op.f("ix_held_answers_created_at"), "held_answers", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_held_answers_created_at"), table_name="held_answers")
    op.drop_table("held_answers")
