"""invitations sent: the invitation list as it was when the invitations were marked sent, to
show what changed after

Revision ID: 0032_invitations_sent
Revises: 0031_sent_forms
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from participation.models.base import UTCDateTime

revision: str = "0032_invitations_sent"
down_revision: str | Sequence[str] | None = "0031_sent_forms"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invitations_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_invitations_sent_review_id_reviews")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["staff_members.id"],
            name=op.f("fk_invitations_sent_sent_by_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations_sent")),
    )
    op.create_index(op.f("ix_invitations_sent_review_id"), "invitations_sent", ["review_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_invitations_sent_review_id"), table_name="invitations_sent")
    op.drop_table("invitations_sent")
