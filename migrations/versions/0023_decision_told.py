"""decision told: who tells the child a decision in person, and the record that they were told

A decision to be told in person never reaches the child's tablet, and nothing said who would tell
the child or whether anyone had. The IRO now names someone on the case, and whoever tells the
child records the day and a note for the team; the teller's landing page lists what they are to
tell (and the actions they own), and the IRO sees those not told a week after circulation.

Revision ID: 0023_decision_told
Revises: 0022_milestone_index_name
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_decision_told"
down_revision: str | Sequence[str] | None = "0022_milestone_index_name"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED = ("teller_staff_id", "owner_staff_id")
FOREIGN_KEYS = (
    ("fk_review_decisions_teller_staff_id_staff_members", "teller_staff_id"),
    ("fk_review_decisions_told_by_id_staff_members", "told_by_id"),
)


def upgrade() -> None:
    with op.batch_alter_table("review_decisions") as batch:
        batch.add_column(sa.Column("teller_staff_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("told_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("told_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("told_note", sa.Text(), nullable=False, server_default=""))
        for name, column in FOREIGN_KEYS:
            batch.create_foreign_key(name, "staff_members", [column], ["id"])
        # Each teller's and owner's landing page lists what they are still to tell or do.
        for column in INDEXED:
            batch.create_index(f"ix_review_decisions_{column}", [column])


def downgrade() -> None:
    with op.batch_alter_table("review_decisions") as batch:
        for column in INDEXED:
            batch.drop_index(f"ix_review_decisions_{column}")
        for name, _column in FOREIGN_KEYS:
            batch.drop_constraint(name, type_="foreignkey")
        for column in ("told_note", "told_by_id", "told_on", "teller_staff_id"):
            batch.drop_column(column)
