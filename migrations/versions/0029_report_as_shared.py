"""report as shared: the child reads the keyworker report as it was shared, and an answer
says which words it was to

The child's page showed the report's live draft once it had been shared once, so words saved
but not shared again reached the child; and an "I agree" given to earlier words was sent with
words the child never saw. Each section keeps the words as last shared, and each answer the
keyworker's words it answered.

Revision ID: 0029_report_as_shared
Revises: 0028_people_news
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029_report_as_shared"
down_revision: str | Sequence[str] | None = "0028_people_news"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("keyworker_report_sections") as batch:
        batch.add_column(sa.Column("shared_keyworker_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("shared_child_text", sa.Text(), nullable=True))
    with op.batch_alter_table("child_report_responses") as batch:
        batch.add_column(sa.Column("answered_text", sa.Text(), nullable=True))
    # Reports shared before: the child has been reading the words as they are now.
    op.execute(
        "UPDATE keyworker_report_sections SET shared_keyworker_text = keyworker_text, "
        "shared_child_text = child_text WHERE report_id IN "
        "(SELECT id FROM keyworker_reports WHERE shared_at IS NOT NULL)"
    )


def downgrade() -> None:
    with op.batch_alter_table("child_report_responses") as batch:
        batch.drop_column("answered_text")
    with op.batch_alter_table("keyworker_report_sections") as batch:
        batch.drop_column("shared_child_text")
        batch.drop_column("shared_keyworker_text")
