"""child space: picture codes, display choices, personal links, child sessions

Revision ID: 0004_child_space
Revises: 0001_foundation
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import participation.models.base

revision: str = "0004_child_space"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = participation.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "child_spaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("picture_code_hash", sa.String(length=200), nullable=True),
        sa.Column("picture_code_length", sa.Integer(), nullable=False),
        sa.Column("picture_code_set_by_id", sa.Integer(), nullable=True),
        sa.Column("picture_code_set_at", UTC, nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_at", UTC, nullable=True),
        sa.Column(
            "age_band_override",
            sa.Enum("4-7", "8-12", "13+", name="ageband", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("text_size", sa.String(length=8), nullable=False),
        sa.Column("high_contrast", sa.Boolean(), nullable=False),
        sa.Column("calm_colours", sa.Boolean(), nullable=False),
        sa.Column("easy_read", sa.Boolean(), nullable=False),
        sa.Column("reduce_motion", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_child_spaces_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["picture_code_set_by_id"],
            ["staff_members.id"],
            name=op.f("fk_child_spaces_picture_code_set_by_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_spaces")),
        sa.UniqueConstraint("child_id", name=op.f("uq_child_spaces_child_id")),
    )
    op.create_table(
        "personal_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=True),
        sa.Column("bound_at", UTC, nullable=True),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["children.id"], name=op.f("fk_personal_links_child_id_children")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_members.id"],
            name=op.f("fk_personal_links_created_by_id_staff_members"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_links")),
        sa.UniqueConstraint("public_id", name=op.f("uq_personal_links_public_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_personal_links_token_hash")),
    )
    op.create_index(
        op.f("ix_personal_links_child_id"), "personal_links", ["child_id"], unique=False
    )
    with op.batch_alter_table("auth_sessions") as batch:
        batch.add_column(sa.Column("handed_over_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("personal_link_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("unlocked_at", UTC, nullable=True))
        batch.add_column(sa.Column("resume_path", sa.String(length=300), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_auth_sessions_handed_over_by_id_staff_members"),
            "staff_members",
            ["handed_over_by_id"],
            ["id"],
        )
        batch.create_foreign_key(
            batch.f("fk_auth_sessions_personal_link_id_personal_links"),
            "personal_links",
            ["personal_link_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("auth_sessions") as batch:
        batch.drop_constraint(
            "fk_auth_sessions_personal_link_id_personal_links", type_="foreignkey"
        )
        batch.drop_constraint(
            "fk_auth_sessions_handed_over_by_id_staff_members", type_="foreignkey"
        )
        batch.drop_column("resume_path")
        batch.drop_column("unlocked_at")
        batch.drop_column("personal_link_id")
        batch.drop_column("handed_over_by_id")
    op.drop_index(op.f("ix_personal_links_child_id"), table_name="personal_links")
    op.drop_table("personal_links")
    op.drop_table("child_spaces")
