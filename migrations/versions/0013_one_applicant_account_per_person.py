"""one applicant account per person: an applicant's ID number is unique among applicants

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 11:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = "role = 'applicant' AND id_number <> ''"


def upgrade() -> None:
    # Accounts registered before the rule may share a number: the later ones lose it, and with it
    # the right to file as the person (they may still file as a proxy).
    op.execute("UPDATE app_user SET id_number = upper(id_number) WHERE role = 'applicant'")
    op.execute(
        "UPDATE app_user SET id_number = '' WHERE role = 'applicant' AND id_number <> '' AND id > "
        "(SELECT min(u.id) FROM app_user u WHERE u.role = 'applicant' AND u.id_number = app_user.id_number)"
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(
            'ix_app_user_applicant_id_number',
            ['id_number'],
            unique=True,
            postgresql_where=sa.text(WHERE),
            sqlite_where=sa.text(WHERE),
        )


def downgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index('ix_app_user_applicant_id_number')
