"""sent twice: a child's save that reached the server but whose answer was lost on weak wifi,
sent again, does not make a second thing or a second copy of a photo

Each page of the "my views" form carries a key: an item keeps the key of the page that made it
and of the page that saved it last; a photo or video keeps the digest of the file as sent.

Revision ID: 0030_sent_twice
Revises: 0029_report_as_shared
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_sent_twice"
down_revision: str | Sequence[str] | None = "0029_report_as_shared"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("view_items") as batch:
        batch.add_column(sa.Column("made_with", sa.String(32), nullable=True))
        batch.add_column(sa.Column("saved_with", sa.String(32), nullable=True))
        batch.create_unique_constraint("uq_view_items_made_with", ["child_id", "made_with"])
    for table in ("media_files", "held_files"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("sent_sha256", sa.String(64), nullable=True))


def downgrade() -> None:
    for table in ("held_files", "media_files"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("sent_sha256")
    with op.batch_alter_table("view_items") as batch:
        batch.drop_constraint("uq_view_items_made_with", type_="unique")
        batch.drop_column("saved_with")
        batch.drop_column("made_with")
