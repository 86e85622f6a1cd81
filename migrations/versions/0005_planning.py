"""planning: a child's meeting plan, the people on it, staff answers, the day's checklist

Revision ID: 0005_planning
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import participation.models.base

revision: str = "0005_planning"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = participation.models.base.UTCDateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


ANSWER = ("yes", "no", "not-sure")
ROLE = ("keyworker", "social-worker", "iro", "manager", "admin")


def upgrade() -> None:
    op.create_table(
        "meeting_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("attendance", _enum("attendance", "all", "some", "views-only"), nullable=True),
        sa.Column("attendance_parts", sa.Text(), nullable=False),
        sa.Column("chairing", _enum("chairing", "iro", "co-chair", "chair"), nullable=True),
        sa.Column("meet_iro_first", _enum("answer", *ANSWER), nullable=True),
        sa.Column("meet_iro_when", sa.Text(), nullable=False),
        sa.Column("advocate", _enum("answer", *ANSWER), nullable=True),
        sa.Column("interpreter", _enum("answer", *ANSWER), nullable=True),
        sa.Column("interpreter_language", sa.Text(), nullable=False),
        sa.Column("communication", sa.Text(), nullable=False),
        sa.Column("place", _enum("place", "home", "school", "elsewhere"), nullable=True),
        sa.Column("place_other", sa.Text(), nullable=False),
        sa.Column("times", sa.JSON(), nullable=False),
        sa.Column("avoid", sa.Text(), nullable=False),
        sa.Column("food", sa.JSON(), nullable=False),
        sa.Column("food_other", sa.Text(), nullable=False),
        sa.Column("diet", sa.Text(), nullable=False),
        sa.Column("room", sa.JSON(), nullable=False),
        sa.Column("seating", sa.Text(), nullable=False),
        sa.Column("break_signal", sa.Text(), nullable=False),
        sa.Column("bring_who", sa.Text(), nullable=False),
        sa.Column("room_other", sa.Text(), nullable=False),
        sa.Column("steps_done", sa.JSON(), nullable=False),
        sa.Column("step_versions", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by_child", sa.Boolean(), nullable=False),
        sa.Column("updated_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_meeting_plans_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_meeting_plans_review_id_reviews")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_staff_id"],
            ["staff_members.id"],
            name=op.f("fk_meeting_plans_updated_by_staff_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_plans")),
        sa.UniqueConstraint("public_id", name=op.f("uq_meeting_plans_public_id")),
        sa.UniqueConstraint("review_id", name=op.f("uq_meeting_plans_review_id")),
    )
    op.create_index(op.f("ix_meeting_plans_child_id"), "meeting_plans", ["child_id"])

    op.create_table(
        "plan_invitees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("network_person_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("staff_role", _enum("role", *ROLE), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("described_as", sa.String(length=200), nullable=False),
        sa.Column("wish", _enum("wish", "unset", "yes", "part", "written", "no"), nullable=False),
        sa.Column("part", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "network_person_id IS NULL OR staff_id IS NULL",
            name=op.f("ck_plan_invitees_one_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["network_person_id"],
            ["network_people.id"],
            name=op.f("fk_plan_invitees_network_person_id_network_people"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["meeting_plans.id"], name=op.f("fk_plan_invitees_plan_id_meeting_plans")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_members.id"], name=op.f("fk_plan_invitees_staff_id_staff_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_invitees")),
        sa.UniqueConstraint("public_id", name=op.f("uq_plan_invitees_public_id")),
        sa.UniqueConstraint("plan_id", "network_person_id", name="uq_plan_invitee_person"),
        sa.UniqueConstraint("plan_id", "staff_id", "staff_role", name="uq_plan_invitee_staff"),
    )
    op.create_index(op.f("ix_plan_invitees_plan_id"), "plan_invitees", ["plan_id"])

    op.create_table(
        "plan_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column(
            "topic",
            _enum("decisiontopic", "who", "venue", "time", "taking-part", "food", "room"),
            nullable=False,
        ),
        sa.Column("invitee_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column(
            "outcome",
            _enum("decisionoutcome", "agreed", "changed", "not-possible"),
            nullable=False,
        ),
        sa.Column("reason_for_child", sa.Text(), nullable=False),
        sa.Column("answered_wish", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", UTC, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["staff_members.id"],
            name=op.f("fk_plan_decisions_decided_by_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["invitee_id"],
            ["plan_invitees.id"],
            name=op.f("fk_plan_decisions_invitee_id_plan_invitees"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["meeting_plans.id"], name=op.f("fk_plan_decisions_plan_id_meeting_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_decisions")),
        sa.UniqueConstraint("plan_id", "subject", name="uq_plan_decision_subject"),
    )
    op.create_index(op.f("ix_plan_decisions_plan_id"), "plan_decisions", ["plan_id"])
    op.create_index(op.f("ix_plan_decisions_invitee_id"), "plan_decisions", ["invitee_id"])

    op.create_table(
        "day_checklist_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column(
            "code",
            _enum(
                "checklistcode",
                "room",
                "chairs",
                "refreshments",
                "break-signal",
                "interpreter",
                "bringing",
            ),
            nullable=False,
        ),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["done_by_id"],
            ["staff_members.id"],
            name=op.f("fk_day_checklist_items_done_by_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["meeting_plans.id"],
            name=op.f("fk_day_checklist_items_plan_id_meeting_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_checklist_items")),
        sa.UniqueConstraint("plan_id", "code", name="uq_day_checklist_item"),
    )
    op.create_index(op.f("ix_day_checklist_items_plan_id"), "day_checklist_items", ["plan_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_day_checklist_items_plan_id"), table_name="day_checklist_items")
    op.drop_table("day_checklist_items")
    op.drop_index(op.f("ix_plan_decisions_invitee_id"), table_name="plan_decisions")
    op.drop_index(op.f("ix_plan_decisions_plan_id"), table_name="plan_decisions")
    op.drop_table("plan_decisions")
    op.drop_index(op.f("ix_plan_invitees_plan_id"), table_name="plan_invitees")
    op.drop_table("plan_invitees")
    op.drop_index(op.f("ix_meeting_plans_child_id"), table_name="meeting_plans")
    op.drop_table("meeting_plans")
