"""parameter entries as records, and the append-only security log

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 11:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import assistance.models.base

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION security_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the security log is append-only (安全日志不得修改或删除): % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        'parameter_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('county', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column('area', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('effective_to', sa.Date(), nullable=True),
        sa.Column('amount', assistance.models.base.Money(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column('out_of_range_confirmed', sa.Boolean(), nullable=False),
        sa.Column('entered_by', sa.Integer(), nullable=False),
        sa.Column('entered_at', assistance.models.base.UTCDateTime(), nullable=False),
        sa.Column('approved_by', sa.Integer(), nullable=True),
        sa.Column('approved_at', assistance.models.base.UTCDateTime(), nullable=True),
        sa.Column('withdrawn_by', sa.Integer(), nullable=True),
        sa.Column('withdrawn_at', assistance.models.base.UTCDateTime(), nullable=True),
        sa.Column('withdrawal_reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(['approved_by'], ['app_user.id']),
        sa.ForeignKeyConstraint(['entered_by'], ['app_user.id']),
        sa.ForeignKeyConstraint(['withdrawn_by'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('parameter_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parameter_entry_county'), ['county'], unique=False)
        batch_op.create_index(batch_op.f('ix_parameter_entry_status'), ['status'], unique=False)
    op.create_table(
        'security_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', assistance.models.base.UTCDateTime(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=45), nullable=False),
        sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('security_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_event_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_security_event_user_id'), ['user_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(REFUSE_FUNCTION)
        op.execute(
            'CREATE TRIGGER security_event_append_only BEFORE UPDATE OR DELETE ON security_event '
            'FOR EACH ROW EXECUTE FUNCTION security_event_append_only()'
        )
        op.execute(
            'CREATE TRIGGER security_event_no_truncate BEFORE TRUNCATE ON security_event '
            'FOR EACH STATEMENT EXECUTE FUNCTION security_event_append_only()'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS security_event_no_truncate ON security_event')
        op.execute('DROP TRIGGER IF EXISTS security_event_append_only ON security_event')
        op.execute('DROP FUNCTION IF EXISTS security_event_append_only()')
    with op.batch_alter_table('security_event', schema=None) as batch_op:
        for name in ('user_id', 'subject_id', 'at', 'action'):
            batch_op.drop_index(batch_op.f(f'ix_security_event_{name}'))
    op.drop_table('security_event')
    with op.batch_alter_table('parameter_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parameter_entry_status'))
        batch_op.drop_index(batch_op.f('ix_parameter_entry_county'))
    op.drop_table('parameter_entry')
