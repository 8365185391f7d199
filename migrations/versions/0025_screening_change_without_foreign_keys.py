"""screening changes without foreign keys: checked row by row, they cost 1.35 s of the 3.6 s the
server spent writing a reform's 154,000 changing households

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 11:10:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The keys were created unnamed: PostgreSQL named them after the table and column; on SQLite the
# batch copy of the table names them by this convention so that they can be dropped.
_NAMES = {"fk": "%(table_name)s_%(column_0_name)s_fkey"}
_KEYS = (("screening_change_case_id_fkey", "assistance_case", "case_id"),
         ("screening_change_run_id_fkey", "screening_run", "run_id"))  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("screening_change", naming_convention=_NAMES) as batch_op:
        for name, _, _ in _KEYS:
            batch_op.drop_constraint(name, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("screening_change", naming_convention=_NAMES) as batch_op:
        for name, referred, column in _KEYS:
            batch_op.create_foreign_key(name, referred, [column], ["id"])
