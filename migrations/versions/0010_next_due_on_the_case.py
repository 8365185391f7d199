"""next due on the case: work queues sort and count by a column, not by every case's deadlines

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 13:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('assistance_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE assistance_case SET next_due_on = (SELECT min(d.due_on) FROM casedeadline d"
        " WHERE d.case_id = assistance_case.id AND d.met_on IS NULL AND d.cancelled = false)"
    )


def downgrade() -> None:
    with op.batch_alter_table('assistance_case', schema=None) as batch_op:
        batch_op.drop_column('next_due_on')
