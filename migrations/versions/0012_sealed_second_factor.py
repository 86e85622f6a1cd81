"""sealed second factor: staff authenticator secrets sealed with a key kept outside the database

The columns grow to hold a sealed value, and every secret already stored is sealed with the key
the app is configured with (participation/security/sealed.py); downgrading opens them again.
Run through `flask db upgrade`, which configures the key first.

Revision ID: 0012_sealed_second_factor
Revises: 0011_dashboard_indexes
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from participation.security import sealed

revision: str = "0012_sealed_second_factor"
down_revision: str | Sequence[str] | None = "0011_dashboard_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("secret", "pending_secret")
factors = sa.table(
    "second_factors",
    sa.column("id", sa.Integer),
    *(sa.column(name, sa.String) for name in COLUMNS),
)


def _rewrite(change: Callable[[str], str]) -> None:
    """Pass every stored secret through `change` (seal or unseal), row by row."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(factors.c.id, *(factors.c[n] for n in COLUMNS))).all()
    for row in rows:
        values = {name: change(value) for name, value in zip(COLUMNS, row[1:], strict=True) if value}
        if values:
            connection.execute(factors.update().where(factors.c.id == row.id).values(**values))


def upgrade() -> None:
    with op.batch_alter_table("second_factors") as batch:
        for name in COLUMNS:
            batch.alter_column(
                name,
                existing_type=sa.String(64),
                type_=sa.String(sealed.SEALED_LENGTH),
                existing_nullable=True,
            )
    _rewrite(sealed.seal)


def downgrade() -> None:
    _rewrite(sealed.unseal)
    with op.batch_alter_table("second_factors") as batch:
        for name in COLUMNS:
            batch.alter_column(
                name,
                existing_type=sa.String(sealed.SEALED_LENGTH),
                type_=sa.String(64),
                existing_nullable=True,
            )
