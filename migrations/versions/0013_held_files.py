"""held files: photos and videos kept between tries of a form that came back with a problem

A child whose words were too long, or whose second photo was refused, no longer has to choose
the good photos again: they are stored and held for the session that sent them
(participation/models/views.py, HeldFile). Also joins 0007_views, which was still a head of
its own, into the one line of migrations.

Revision ID: 0013_held_files
Revises: 0012_sealed_second_factor, 0007_views
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import participation.models.base

revision: str = "0013_held_files"
down_revision: str | Sequence[str] | None = ("0012_sealed_second_factor", "0007_views")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = participation.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "held_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("auth_session_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("photo", "video", name="mediakind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("storage_key", sa.String(length=512), nullable=True),
        sa.Column("thumb_key", sa.String(length=512), nullable=True),
        sa.Column("raw_key", sa.String(length=512), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["auth_session_id"],
            ["auth_sessions.id"],
            name=op.f("fk_held_files_auth_session_id_auth_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_held_files_child_id_children")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_files")),
        sa.UniqueConstraint("public_id", name=op.f("uq_held_files_public_id")),
        sa.UniqueConstraint("raw_key", name=op.f("uq_held_files_raw_key")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_held_files_storage_key")),
        sa.UniqueConstraint("thumb_key", name=op.f("uq_held_files_thumb_key")),
    )
    # Finding this session's held files; the sweeper's "a day old".
    op.create_index(
        op.f("ix_held_files_auth_session_id"), "held_files", ["auth_session_id"], unique=False
    )
    op.create_index(op.f("ix_held_files_child_id"), "held_files", ["child_id"], unique=False)
    op.create_index(op.f("ix_held_files_created_at"), "held_files", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_held_files_created_at"), table_name="held_files")
    op.drop_index(op.f("ix_held_files_child_id"), table_name="held_files")
    op.drop_index(op.f("ix_held_files_auth_session_id"), table_name="held_files")
    op.drop_table("held_files")
