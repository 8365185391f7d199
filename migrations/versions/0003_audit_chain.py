"""audit trail chained by hash and append-only

Each case's events are numbered and chained by SHA-256 (assistance.audit); events written
before this revision are numbered and chained in the order they were written. On PostgreSQL the
database itself refuses to update, delete or truncate audit events (64号 第二十八条, 65号 第二十条).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 11:56:20.305975
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from types import SimpleNamespace

import sqlalchemy as sa
import sqlmodel
from alembic import op

from assistance.audit import GENESIS, unkeyed_event_hash

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (审计记录不得修改或删除): % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def _backfill() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, case_id, at, actor_id, actor_role, action, \"on\", from_state, to_state, detail "
            "FROM auditevent ORDER BY case_id, id"
        )
    ).mappings().all()
    last: dict[int, tuple[int, str]] = {}
    for row in rows:
        seq, prev = last.get(row["case_id"], (0, GENESIS))
        at = row["at"] if isinstance(row["at"], datetime) else datetime.fromisoformat(str(row["at"]))
        on = row["on"] if isinstance(row["on"], date) else date.fromisoformat(str(row["on"]))
        detail = row["detail"]
        if isinstance(detail, str):
            import json

            detail = json.loads(detail)
        event = SimpleNamespace(
            case_id=row["case_id"], seq=seq + 1, at=at if at.tzinfo else at.replace(tzinfo=UTC),
            actor_id=row["actor_id"], actor_role=row["actor_role"], action=row["action"], on=on,
            from_state=row["from_state"], to_state=row["to_state"], detail=detail or {},
        )
        digest = unkeyed_event_hash(event, prev)  # type: ignore[arg-type]
        connection.execute(
            sa.text("UPDATE auditevent SET seq = :seq, prev_hash = :prev, hash = :hash WHERE id = :id"),
            {"seq": seq + 1, "prev": prev, "hash": digest, "id": row["id"]},
        )
        last[row["case_id"]] = (seq + 1, digest)


def upgrade() -> None:
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default=''))
    _backfill()
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.alter_column('seq', server_default=None)
        batch_op.alter_column('prev_hash', server_default=None)
        batch_op.alter_column('hash', server_default=None)
        batch_op.create_unique_constraint('uq_audit_event_case_seq', ['case_id', 'seq'])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(REFUSE_FUNCTION)
        op.execute(
            "CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON auditevent "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON auditevent "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON auditevent")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update_delete ON auditevent")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.drop_constraint('uq_audit_event_case_seq', type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
