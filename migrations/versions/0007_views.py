"""my views: the keyworker's topic choice, the child's items and their photos and videos

Revision ID: 0007_views
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import participation.models.base

revision: str = "0007_views"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = participation.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "views_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_views_settings_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_members.id"],
            name=op.f("fk_views_settings_updated_by_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_views_settings")),
        sa.UniqueConstraint("child_id", name=op.f("uq_views_settings_child_id")),
    )
    op.create_table(
        "view_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "text",
                "photo",
                "video",
                "mixed",
                "feeling",
                name="itemkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("caption", sa.String(length=300), nullable=False),
        sa.Column("feeling", sa.Integer(), nullable=True),
        sa.Column(
            "author",
            sa.Enum(
                "child", "keyworker-with-child", name="itemauthor", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("deleted_at", UTC, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "(author = 'child' AND written_by_id IS NULL) OR "
            "(author = 'keyworker-with-child' AND written_by_id IS NOT NULL)",
            name=op.f("ck_view_items_author_named"),
        ),
        sa.CheckConstraint(
            "feeling IS NULL OR (feeling BETWEEN 1 AND 5)",
            name=op.f("ck_view_items_feeling_scale"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_view_items_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_view_items_review_id_reviews")
        ),
        sa.ForeignKeyConstraint(
            ["written_by_id"],
            ["staff_members.id"],
            name=op.f("fk_view_items_written_by_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_view_items")),
        sa.UniqueConstraint("public_id", name=op.f("uq_view_items_public_id")),
    )
    op.create_index(op.f("ix_view_items_child_id"), "view_items", ["child_id"], unique=False)
    op.create_index(op.f("ix_view_items_review_id"), "view_items", ["review_id"], unique=False)
    op.create_table(
        "media_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("photo", "video", name="mediakind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "processing", "ready", "failed", name="mediastatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("failure_reason", sa.String(length=32), nullable=True),
        sa.Column("storage_key", sa.String(length=512), nullable=True),
        sa.Column("thumb_key", sa.String(length=512), nullable=True),
        sa.Column("raw_key", sa.String(length=512), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["view_items.id"], name=op.f("fk_media_files_item_id_view_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_files")),
        sa.UniqueConstraint("public_id", name=op.f("uq_media_files_public_id")),
        sa.UniqueConstraint("raw_key", name=op.f("uq_media_files_raw_key")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_media_files_storage_key")),
        sa.UniqueConstraint("thumb_key", name=op.f("uq_media_files_thumb_key")),
    )
    op.create_index(op.f("ix_media_files_item_id"), "media_files", ["item_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_media_files_item_id"), table_name="media_files")
    op.drop_table("media_files")
    op.drop_index(op.f("ix_view_items_review_id"), table_name="view_items")
    op.drop_index(op.f("ix_view_items_child_id"), table_name="view_items")
    op.drop_table("view_items")
    op.drop_table("views_settings")
