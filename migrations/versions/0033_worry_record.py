"""worry record: who the child would like to talk with, what was done about a child's worry,
the home's email for alerts, and the emails telling people of a worry (an outbox)

Revision ID: 0033_worry_record
Revises: 0032_invitations_sent
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from participation.models.base import UTCDateTime

revision: str = "0033_worry_record"
down_revision: str | Sequence[str] | None = "0032_invitations_sent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("worry_alerts") as batch:
        batch.add_column(sa.Column("action_taken", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("talk_to_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_worry_alerts_talk_to_id_staff_members"),
            "staff_members",
            ["talk_to_id"],
            ["id"],
        )
    with op.batch_alter_table("homes") as batch:
        batch.add_column(
            sa.Column("alert_email", sa.String(length=320), nullable=False, server_default="")
        )
    op.create_table(
        "worry_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("who", sa.String(length=300), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("failure", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["worry_alerts.id"], name=op.f("fk_worry_messages_alert_id_worry_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worry_messages")),
    )
    op.create_index(op.f("ix_worry_messages_alert_id"), "worry_messages", ["alert_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_worry_messages_alert_id"), table_name="worry_messages")
    op.drop_table("worry_messages")
    with op.batch_alter_table("homes") as batch:
        batch.drop_column("alert_email")
    with op.batch_alter_table("worry_alerts") as batch:
        batch.drop_constraint(op.f("fk_worry_alerts_talk_to_id_staff_members"), type_="foreignkey")
        batch.drop_column("talk_to_id")
        batch.drop_column("action_taken")
