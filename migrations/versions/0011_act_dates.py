"""act dates: the case's latest act, and each county's backdating window

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Events of a case that are not acts of its procedure: their dates do not bound the next act's.
NOT_ACTS = "('add_evidence', 'update_household', 'correct_document', 'push_to_medical_insurance')"


def upgrade() -> None:
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('backdating_working_days', sa.Integer(), nullable=False, server_default='3')
        )
    with op.batch_alter_table('assistance_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_act_on', sa.Date(), nullable=True))
    op.execute(
        'UPDATE assistance_case SET last_act_on = (SELECT max(e."on") FROM auditevent e'
        f" WHERE e.case_id = assistance_case.id AND e.action NOT IN {NOT_ACTS}"
        " AND e.action NOT LIKE 'report%')"
    )


def downgrade() -> None:
    with op.batch_alter_table('assistance_case', schema=None) as batch_op:
        batch_op.drop_column('last_act_on')
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_column('backdating_working_days')
