"""placements: where each child has lived, from when to when

A child's record kept only where they live now: a move overwrote the home and its start, so
nobody could see how often a child had moved (three or more homes in a year is the national
measure of instability) nor where they lived at an earlier review. Each child's current
placement becomes their first row; moves add rows from now on.

Revision ID: 0026_placements
Revises: 0025_told_then_tablet
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_placements"
down_revision: str | Sequence[str] | None = "0025_told_then_tablet"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "placements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("home_id", sa.Integer(), nullable=True),
        sa.Column(
            "placement_type",
            sa.Enum("residential", "foster", name="placementtype", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name="fk_placements_child_id_children"
        ),
        sa.ForeignKeyConstraint(["home_id"], ["homes.id"], name="fk_placements_home_id_homes"),
        sa.PrimaryKeyConstraint("id", name="pk_placements"),
    )
    op.create_index("ix_placements_child_id", "placements", ["child_id"])
    # What is known of each child's placement now: where they live, since when, and (for a child
    # who has left care) until when.
    op.execute(
        "INSERT INTO placements (child_id, home_id, placement_type, started_on, ended_on) "
        "SELECT id, home_id, placement_type, placement_start, left_care_on FROM children "
        "ORDER BY id"
    )


def downgrade() -> None:
    op.drop_index("ix_placements_child_id", table_name="placements")
    op.drop_table("placements")
