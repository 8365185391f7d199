"""the job queue: batch jobs in chunks that any worker takes, failed tasks, scheduled work,
township digests and township archive exports; on PostgreSQL, Procrastinate's own tables and
functions (issue 20)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 22:43:27.398380
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import assistance.models.base


revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "task_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("runner", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("failed_at", assistance.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("task_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_failure_failed_at"), ["failed_at"], unique=False)

    op.create_table(
        "township_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("township_id", sa.Integer(), nullable=False),
        sa.Column("county_code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("made_at", assistance.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["township_id"],
            ["area.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("township_id", "day"),
    )
    with op.batch_alter_table("township_digest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_township_digest_township_id"), ["township_id"], unique=False)

    op.create_table(
        "schedule_setting",
        sa.Column("county_code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("schedule", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", assistance.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by"],
            ["app_user.id"],
        ),
        sa.PrimaryKeyConstraint("county_code", "schedule"),
    )
    op.create_table(
        "batch_job_chunk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("after_id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("processed", sa.Integer(), nullable=False),
        sa.Column("done_at", assistance.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("runner", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["batch_job.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("job_id", "after_id"),
    )
    with op.batch_alter_table("batch_job_chunk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batch_job_chunk_job_id"), ["job_id"], unique=False)

    op.create_table(
        "schedule_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("county_code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("ran_at", assistance.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["issued_document.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("schedule", "county_code", "period"),
    )
    with op.batch_alter_table("schedule_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schedule_run_county_code"), ["county_code"], unique=False)

    op.create_table(
        "archive_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("township_id", sa.Integer(), nullable=False),
        sa.Column("county_code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", assistance.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("finished_at", assistance.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["requested_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["township_id"], ["area.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("archive_export", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_archive_export_county_code"), ["county_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_archive_export_township_id"), ["township_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        # Several statements and dollar-quoted functions: psycopg's plain cursor takes them whole.
        raw = op.get_bind().connection.dbapi_connection
        assert raw is not None
        with raw.cursor() as cursor:
            cursor.execute(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            DO $$
            DECLARE r record;
            BEGIN
              FOR r IN SELECT tablename FROM pg_tables WHERE tablename LIKE 'procrastinate_%' AND schemaname = current_schema() LOOP
                EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(r.tablename) || ' CASCADE';
              END LOOP;
              FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                       WHERE p.proname LIKE 'procrastinate_%' AND n.nspname = current_schema() LOOP
                EXECUTE 'DROP FUNCTION IF EXISTS ' || r.f || ' CASCADE';
              END LOOP;
              FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                       WHERE t.typname LIKE 'procrastinate_%' AND t.typtype IN ('e', 'c') AND n.nspname = current_schema() LOOP
                EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(r.typname) || ' CASCADE';
              END LOOP;
            END $$
        """)
    with op.batch_alter_table("schedule_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schedule_run_county_code"))

    op.drop_table("schedule_run")
    with op.batch_alter_table("batch_job_chunk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_job_chunk_job_id"))

    op.drop_table("batch_job_chunk")
    op.drop_table("schedule_setting")
    with op.batch_alter_table("township_digest", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_township_digest_township_id"))

    op.drop_table("township_digest")
    with op.batch_alter_table("task_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_failure_failed_at"))

    op.drop_table("task_failure")
    with op.batch_alter_table("archive_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_export_township_id"))
        batch_op.drop_index(batch_op.f("ix_archive_export_county_code"))

    op.drop_table("archive_export")
