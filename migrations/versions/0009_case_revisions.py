"""case revisions: a case page a process kept is good while its case's revision stands

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('assistance_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.BigInteger(), server_default='0', nullable=False))
    reference = op.create_table(
        'reference_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.bulk_insert(reference, [{'id': 1, 'revision': 0}])


def downgrade() -> None:
    op.drop_table('reference_revision')
    with op.batch_alter_table('assistance_case', schema=None) as batch_op:
        batch_op.drop_column('revision')
