"""sent report recipients: each recipient's name and role code, kept with a sent keyworker report

The role was written into ``sent_to`` as words in the sender's language, so a reader in another
language saw it in the sender's. Versions sent before keep their ``sent_to`` as it was (they are
locked, and the words cannot be turned back into codes reliably): ``recipients`` is NULL there.

Revision ID: 0014_sent_report_recipients
Revises: 0013_held_files
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_sent_report_recipients"
down_revision: str | Sequence[str] | None = "0013_held_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: the table's lock (its triggers) refuses UPDATE and
    # DELETE of rows, not a new column, and a batch copy would have to drop and remake them.
    op.add_column("sent_report_versions", sa.Column("recipients", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sent_report_versions") as batch:
        batch.drop_column("recipients")
