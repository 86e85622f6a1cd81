"""worry alerts: "I'm worried / I don't feel safe"

Revision ID: 0006_worry
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import participation.models.base

revision: str = "0006_worry"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = participation.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "worry_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", UTC, nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", UTC, nullable=True),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["staff_members.id"],
            name=op.f("fk_worry_alerts_acknowledged_by_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_worry_alerts_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worry_alerts")),
        sa.UniqueConstraint("public_id", name=op.f("uq_worry_alerts_public_id")),
    )
    op.create_index(op.f("ix_worry_alerts_child_id"), "worry_alerts", ["child_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_worry_alerts_child_id"), table_name="worry_alerts")
    op.drop_table("worry_alerts")
