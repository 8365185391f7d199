"""where a 65号 application was made: the household registration, the usual residence, or the
place of medical insurance (65号 第十一条)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('assistance_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filing_place', sa.String(length=10), nullable=False, server_default='hukou'))


def downgrade() -> None:
    with op.batch_alter_table('assistance_case', schema=None) as batch_op:
        batch_op.drop_column('filing_place')
