"""workspaces: monthly summaries, the keyworker report and its sent versions, action notes, the
IRO meeting the child, review outcomes, decisions and actions, the child's "you said, we did"

Revision ID: 0008_workspaces
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import participation.models.base

revision: str = "0008_workspaces"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = participation.models.base.UTCDateTime(timezone=True)

SECTIONS = (
    "home",
    "education",
    "health",
    "family-time",
    "activities",
    "wellbeing",
    "progress",
)
CODES = ("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")

# A sent report is kept exactly as it was sent: the database itself refuses to change or delete
# one, whoever asks (the ORM refuses first, with a clearer message).
SQLITE_TRIGGERS = (
    "CREATE TRIGGER sent_report_versions_no_update BEFORE UPDATE ON sent_report_versions "
    "BEGIN SELECT RAISE(ABORT, 'sent_report_versions are locked'); END",
    "CREATE TRIGGER sent_report_versions_no_delete BEFORE DELETE ON sent_report_versions "
    "BEGIN SELECT RAISE(ABORT, 'sent_report_versions are locked'); END",
)
POSTGRESQL_FUNCTION = """
CREATE FUNCTION sent_report_versions_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'sent_report_versions are locked';
END
$$
"""
POSTGRESQL_TRIGGER = (
    "CREATE TRIGGER sent_report_versions_locked BEFORE UPDATE OR DELETE ON sent_report_versions "
    "FOR EACH ROW EXECUTE FUNCTION sent_report_versions_locked()"
)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _public_id(table: str) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.UniqueConstraint("public_id", name=op.f(f"uq_{table}_public_id")),
    ]


def upgrade() -> None:
    op.create_table(
        "monthly_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("home", sa.Text(), nullable=False),
        sa.Column("education", sa.Text(), nullable=False),
        sa.Column("health", sa.Text(), nullable=False),
        sa.Column("family_time", sa.Text(), nullable=False),
        sa.Column("activities", sa.Text(), nullable=False),
        sa.Column("wellbeing", sa.Text(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_public_id("monthly_summaries"),
        _fk("monthly_summaries", "child_id", "children"),
        _fk("monthly_summaries", "written_by_id", "staff_members"),
        _fk("monthly_summaries", "updated_by_id", "staff_members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monthly_summaries")),
        sa.UniqueConstraint("child_id", "month", name="uq_monthly_summary_month"),
    )

    op.create_table(
        "keyworker_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("shared_revision", sa.Integer(), nullable=True),
        sa.Column("shared_at", UTC, nullable=True),
        sa.Column("shared_by_id", sa.Integer(), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_public_id("keyworker_reports"),
        _fk("keyworker_reports", "child_id", "children"),
        _fk("keyworker_reports", "review_id", "reviews"),
        _fk("keyworker_reports", "shared_by_id", "staff_members"),
        _fk("keyworker_reports", "started_by_id", "staff_members"),
        _fk("keyworker_reports", "updated_by_id", "staff_members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keyworker_reports")),
        sa.UniqueConstraint("review_id", name=op.f("uq_keyworker_reports_review_id")),
    )
    op.create_index(op.f("ix_keyworker_reports_child_id"), "keyworker_reports", ["child_id"])

    op.create_table(
        "keyworker_report_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("section", _enum("reportsection", *SECTIONS), nullable=False),
        sa.Column("keyworker_text", sa.Text(), nullable=False),
        sa.Column("child_text", sa.Text(), nullable=False),
        _fk("keyworker_report_sections", "report_id", "keyworker_reports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_keyworker_report_sections")),
        sa.UniqueConstraint("report_id", "section", name="uq_report_section"),
    )

    op.create_table(
        "child_report_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("section", _enum("reportsection", *SECTIONS), nullable=False),
        sa.Column("reaction", _enum("reportreaction", "agree", "disagree"), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("child_report_responses", "report_id", "keyworker_reports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_report_responses")),
        sa.UniqueConstraint("report_id", "section", name="uq_child_report_response"),
    )

    op.create_table(
        "sent_report_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sent_at", UTC, nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("sent_to", sa.Text(), nullable=False),
        sa.Column("shared_with_child_at", UTC, nullable=True),
        sa.Column("sections", sa.JSON(), nullable=False),
        *_public_id("sent_report_versions"),
        _fk("sent_report_versions", "report_id", "keyworker_reports"),
        _fk("sent_report_versions", "child_id", "children"),
        _fk("sent_report_versions", "review_id", "reviews"),
        _fk("sent_report_versions", "sent_by_id", "staff_members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_report_versions")),
        sa.UniqueConstraint("report_id", "number", name="uq_sent_report_number"),
    )
    op.create_index(op.f("ix_sent_report_versions_child_id"), "sent_report_versions", ["child_id"])
    op.create_index(
        op.f("ix_sent_report_versions_review_id"), "sent_report_versions", ["review_id"]
    )

    op.create_table(
        "team_action_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        *_public_id("team_action_notes"),
        _fk("team_action_notes", "child_id", "children"),
        _fk("team_action_notes", "review_id", "reviews"),
        _fk("team_action_notes", "written_by_id", "staff_members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_action_notes")),
    )
    op.create_index(op.f("ix_team_action_notes_child_id"), "team_action_notes", ["child_id"])

    op.create_table(
        "iro_child_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=False),
        sa.Column(
            "way",
            _enum("meetingway", "in-person", "video", "phone", "child-chose-not-to"),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        *_public_id("iro_child_meetings"),
        _fk("iro_child_meetings", "review_id", "reviews"),
        _fk("iro_child_meetings", "recorded_by_id", "staff_members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_iro_child_meetings")),
    )
    op.create_index(op.f("ix_iro_child_meetings_review_id"), "iro_child_meetings", ["review_id"])

    op.create_table(
        "review_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column(
            "presence",
            _enum("presence", "attended", "attended-part", "did-not-attend"),
            nullable=True,
        ),
        sa.Column(
            "in_meeting",
            _enum("inmeeting", "spoke", "advocate-spoke", "symbolic", "did-not-convey"),
            nullable=True,
        ),
        sa.Column(
            "views_away",
            _enum("viewsaway", "briefed", "facilitative", "not-conveyed"),
            nullable=True,
        ),
        sa.Column("code", _enum("participationcode", *CODES), nullable=True),
        sa.Column("suggested_code", _enum("participationcode", *CODES), nullable=True),
        sa.Column("suggestion_basis", sa.String(length=32), nullable=False),
        sa.Column("code_note", sa.String(length=500), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", UTC, nullable=True),
        sa.Column("circulated_at", UTC, nullable=True),
        sa.Column("circulated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("review_outcomes", "review_id", "reviews"),
        _fk("review_outcomes", "confirmed_by_id", "staff_members"),
        _fk("review_outcomes", "circulated_by_id", "staff_members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_outcomes")),
        sa.UniqueConstraint("review_id", name=op.f("uq_review_outcomes_review_id")),
    )

    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("decisionkind", "decision", "action"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("child_text", sa.Text(), nullable=False),
        sa.Column("owner", _enum("decisionowner", "staff", "child", "other"), nullable=True),
        sa.Column("owner_staff_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        *_public_id("review_decisions"),
        sa.CheckConstraint(
            "(owner = 'staff') = (owner_staff_id IS NOT NULL)",
            name=op.f("ck_review_decisions_owner_staff_named"),
        ),
        _fk("review_decisions", "review_id", "reviews"),
        _fk("review_decisions", "owner_staff_id", "staff_members"),
        _fk("review_decisions", "done_by_id", "staff_members"),
        _fk("review_decisions", "created_by_id", "staff_members"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
    )
    op.create_index(op.f("ix_review_decisions_review_id"), "review_decisions", ["review_id"])

    op.create_table(
        "decision_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("answer", _enum("happened", "yes", "not-yet", "no"), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("answered_at", UTC, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("decision_follow_ups", "decision_id", "review_decisions"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_follow_ups")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_decision_follow_ups_decision_id")),
    )

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    elif dialect == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS sent_report_versions_locked ON sent_report_versions")
        op.execute("DROP FUNCTION IF EXISTS sent_report_versions_locked()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS sent_report_versions_no_update")
        op.execute("DROP TRIGGER IF EXISTS sent_report_versions_no_delete")
    op.drop_table("decision_follow_ups")
    op.drop_index(op.f("ix_review_decisions_review_id"), table_name="review_decisions")
    op.drop_table("review_decisions")
    op.drop_table("review_outcomes")
    op.drop_index(op.f("ix_iro_child_meetings_review_id"), table_name="iro_child_meetings")
    op.drop_table("iro_child_meetings")
    op.drop_index(op.f("ix_team_action_notes_child_id"), table_name="team_action_notes")
    op.drop_table("team_action_notes")
    op.drop_index(op.f("ix_sent_report_versions_review_id"), table_name="sent_report_versions")
    op.drop_index(op.f("ix_sent_report_versions_child_id"), table_name="sent_report_versions")
    op.drop_table("sent_report_versions")
    op.drop_table("child_report_responses")
    op.drop_table("keyworker_report_sections")
    op.drop_index(op.f("ix_keyworker_reports_child_id"), table_name="keyworker_reports")
    op.drop_table("keyworker_reports")
    op.drop_table("monthly_summaries")
