"""audit trail sealed with a key kept outside the database

Every event is chained again with HMAC-SHA-256 under the audit key (assistance.audit_key) where
it verifies under the plain SHA-256 of revision 0003. A break already in the trail is carried
over, never healed, so `assistance audit verify` still reports it (issue 18 item 15). On
PostgreSQL the owner lifts the append-only triggers for this one transaction.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 17:00:00.000000
"""

from collections.abc import Callable, Sequence
from typing import Any

from alembic import op

from assistance.audit import event_hash, reseal, unkeyed_event_hash

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGER = "audit_event_no_update_delete"


def _rechain(old: Callable[[Any, str], str], new: Callable[[Any, str], str]) -> None:
    connection = op.get_bind()
    postgres = connection.dialect.name == 'postgresql'
    if postgres:
        op.execute(f"ALTER TABLE auditevent DISABLE TRIGGER {TRIGGER}")
    resealed, carried = reseal(connection, old, new)
    if postgres:
        op.execute(f"ALTER TABLE auditevent ENABLE TRIGGER {TRIGGER}")
    if carried:
        print(f"审计记录：重新封存 {resealed} 条；原有 {carried} 处断裂照旧保留，请运行 assistance audit verify 查看")


def upgrade() -> None:
    _rechain(unkeyed_event_hash, event_hash)


def downgrade() -> None:
    _rechain(event_hash, unkeyed_event_hash)
