"""adjournment: an IRO adjourns a review once (Bexley s.8), with who adjourned it, what was
missing, and the effect of the wait on the child

Revision ID: 0037_adjournment
Revises: 0036_home_phone
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037_adjournment"
down_revision: str | Sequence[str] | None = "0036_home_phone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # adjourned_on was there from the start (the timetable's rules knew adjournments); no page
    # set it, so no review has one and the new columns start empty.
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("adjourned_by_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("adjourned_why", sa.Text(), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("adjourned_child_effect", sa.Text(), nullable=False, server_default="")
        )
        batch.create_foreign_key(
            "fk_reviews_adjourned_by_id_staff_members", "staff_members", ["adjourned_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.drop_constraint("fk_reviews_adjourned_by_id_staff_members", type_="foreignkey")
        batch.drop_column("adjourned_child_effect")
        batch.drop_column("adjourned_why")
        batch.drop_column("adjourned_by_id")
