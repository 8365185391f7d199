"""扫码验真: each issued document's verification code

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 21:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verification_code', sa.String(length=16), nullable=True))
        batch_op.create_index('ix_issued_document_verification_code', ['verification_code'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.drop_index('ix_issued_document_verification_code')
        batch_op.drop_column('verification_code')
