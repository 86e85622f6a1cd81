"""sharing: the child's sharing choices (versioned), the explanation shown first, review packs
sent and read

Revision ID: 0010_sharing
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import participation.models.base

revision: str = "0010_sharing"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
# Shares point at view items: that branch must be in place first.
depends_on: str | Sequence[str] | None = "0007_views"

UTC = participation.models.base.UTCDateTime(timezone=True)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _audience() -> sa.Enum:
    return _enum("audience", "keyworker", "social-worker", "iro", "meeting")


def upgrade() -> None:
    op.create_table(
        "sharing_explained",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("band", _enum("ageband", "4-7", "8-12", "13+"), nullable=False),
        sa.Column("understood_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_sharing_explained_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_explained")),
    )
    op.create_index(
        op.f("ix_sharing_explained_child_id"), "sharing_explained", ["child_id"], unique=False
    )
    op.create_table(
        "pack_reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("audience", _audience(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("read_at", UTC, nullable=False),
        sa.Column("contents", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_pack_reads_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_pack_reads_review_id_reviews")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_members.id"], name=op.f("fk_pack_reads_staff_id_staff_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_reads")),
    )
    op.create_index(op.f("ix_pack_reads_child_id"), "pack_reads", ["child_id"], unique=False)
    op.create_index(op.f("ix_pack_reads_review_id"), "pack_reads", ["review_id"], unique=False)
    op.create_table(
        "pack_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("audience", _audience(), nullable=False),
        sa.Column("sent_at", UTC, nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("contents", sa.JSON(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_pack_snapshots_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_pack_snapshots_review_id_reviews")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["staff_members.id"],
            name=op.f("fk_pack_snapshots_sent_by_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_snapshots")),
        sa.UniqueConstraint("public_id", name=op.f("uq_pack_snapshots_public_id")),
    )
    op.create_index(
        op.f("ix_pack_snapshots_child_id"), "pack_snapshots", ["child_id"], unique=False
    )
    op.create_index(
        op.f("ix_pack_snapshots_review_id"), "pack_snapshots", ["review_id"], unique=False
    )
    op.create_table(
        "shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=80), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("plan_section", sa.String(length=40), nullable=True),
        sa.Column("audience", _audience(), nullable=False),
        sa.Column("decision", _enum("sharedecision", "shared", "private"), nullable=False),
        sa.Column("withdrawal", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("decided_by_child", sa.Boolean(), nullable=False),
        sa.Column("decided_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("words_shown", sa.Text(), nullable=False),
        sa.Column("decided_at", UTC, nullable=False),
        sa.CheckConstraint(
            "(decided_by_child AND decided_by_staff_id IS NULL) OR (NOT decided_by_child AND "
            "decided_by_staff_id IS NOT NULL AND reason <> '')",
            name=op.f("ck_shares_decider_named"),
        ),
        sa.CheckConstraint(
            "(item_id IS NOT NULL AND review_id IS NULL AND plan_section IS NULL) OR "
            "(item_id IS NULL AND review_id IS NOT NULL AND plan_section IS NOT NULL)",
            name=op.f("ck_shares_one_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_shares_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_staff_id"],
            ["staff_members.id"],
            name=op.f("fk_shares_decided_by_staff_id_staff_members"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["view_items.id"], name=op.f("fk_shares_item_id_view_items")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_shares_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
        sa.UniqueConstraint("subject_key", "audience", "version", name="uq_shares_subject_version"),
    )
    op.create_index(op.f("ix_shares_child_id"), "shares", ["child_id"], unique=False)
    op.create_index(op.f("ix_shares_item_id"), "shares", ["item_id"], unique=False)
    op.create_index(op.f("ix_shares_review_id"), "shares", ["review_id"], unique=False)
    op.create_index(op.f("ix_shares_subject_key"), "shares", ["subject_key"], unique=False)


def downgrade() -> None:
    for index, table in (
        ("ix_shares_subject_key", "shares"),
        ("ix_shares_review_id", "shares"),
        ("ix_shares_item_id", "shares"),
        ("ix_shares_child_id", "shares"),
    ):
        op.drop_index(op.f(index), table_name=table)
    op.drop_table("shares")
    op.drop_index(op.f("ix_pack_snapshots_review_id"), table_name="pack_snapshots")
    op.drop_index(op.f("ix_pack_snapshots_child_id"), table_name="pack_snapshots")
    op.drop_table("pack_snapshots")
    op.drop_index(op.f("ix_pack_reads_review_id"), table_name="pack_reads")
    op.drop_index(op.f("ix_pack_reads_child_id"), table_name="pack_reads")
    op.drop_table("pack_reads")
    op.drop_index(op.f("ix_sharing_explained_child_id"), table_name="sharing_explained")
    op.drop_table("sharing_explained")
