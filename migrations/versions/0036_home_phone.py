"""home phone: the number whoever is on shift at a home answers (or the foster carers'), given in
a child's worry emails and on the staff worry page

Revision ID: 0036_home_phone
Revises: 0035_why_wish
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036_home_phone"
down_revision: str | Sequence[str] | None = "0035_why_wish"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # "" for homes added before this: no number known until an administrator gives one.
    with op.batch_alter_table("homes") as batch:
        batch.add_column(sa.Column("phone", sa.String(length=40), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("homes") as batch:
        batch.drop_column("phone")
