"""documents laid out after the act

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import assistance.models.base


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.add_column(sa.Column('rendered_at', assistance.models.base.UTCDateTime(timezone=True), nullable=True))
    # Documents issued before this revision were laid out in their act.
    op.execute("UPDATE issued_document SET rendered_at = issued_at")
    op.create_index(
        'ix_issued_document_pending', 'issued_document', ['id'], unique=False,
        postgresql_where=sa.text('content IS NULL'), sqlite_where=sa.text('content IS NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_issued_document_pending', table_name='issued_document')
    with op.batch_alter_table('issued_document', schema=None) as batch_op:
        batch_op.drop_column('rendered_at')
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=False)
