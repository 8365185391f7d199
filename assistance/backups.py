"""Backups of an installation, and restoring one into an empty database.

A backup is one file, ``assistance-backup-YYYYMMDDTHHMMSSZ.tar.gz`` (mode 0600), holding:

- ``database.dump``: ``pg_dump --format=custom`` of a PostgreSQL database, without owners or
  grants (the restoring site runs ``assistance db grant`` for its own service role); or
  ``database.sqlite3``: an SQLite database copied with SQLite's own backup, consistent while
  the service writes;
- ``instance/``: the key files the database cannot be used without: ``audit.key`` (without it
  no trail verifies) and ``secret_key`` (sessions), where they are files, and the audit anchors;
- ``manifest.json``: when, from which schema revision, how many cases, and the audit key's id.

A key given in the environment (``ASSISTANCE_AUDIT_KEY``) is not in the file: the manifest says
so, and the key must be kept apart, as it should anyway.

Restoring refuses a database that already holds cases, and a key file that differs from one
already in place: it never overwrites what it cannot give back.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, Final

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import make_url

from assistance.audit_anchors import anchor_directory
from assistance.audit_key import KEY_VARIABLE, audit_key, key_id
from assistance.config import instance_dir
from assistance.models import Case, User

KEY_FILES: Final = ("audit.key", "secret_key")
ANCHORS: Final = "anchors"
_CASES: sa.Table = Case.__table__  # type: ignore[attr-defined]
_USERS: sa.Table = User.__table__  # type: ignore[attr-defined]


class BackupError(RuntimeError):
    """A backup or restore that cannot be done, said in Chinese."""


@dataclass(frozen=True, slots=True)
class Manifest:
    taken_at: str
    backend: str
    revision: str | None
    cases: int
    audit_key_id: str
    audit_key_in_file: bool

    @classmethod
    def read(cls, raw: dict[str, Any]) -> Manifest:
        try:
            return cls(**{k: raw[k] for k in cls.__dataclass_fields__})
        except (KeyError, TypeError) as exc:
            raise BackupError("备份文件的 manifest.json 不完整") from exc


def _postgres(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for the pg_ tools, and the password in the environment (never
    on the command line, where ``ps`` shows it)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=6 * 3600)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {command[0]}：请安装 postgresql-client（与数据库同一主版本）") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[-500:]}")


def _counted(url: str) -> tuple[str | None, int, int]:
    """The schema revision, and how many cases and accounts the database holds."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            revision = MigrationContext.configure(connection).get_current_revision()
            counts = [
                connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                if sa.inspect(connection).has_table(table.name)
                else 0
                for table in (_CASES, _USERS)
            ]
        return revision, int(counts[0]), int(counts[1])
    finally:
        engine.dispose()


def backup(url: str, to: Path, now: datetime) -> Path:
    """A backup of the database at ``url`` and of the instance's key files, written in ``to``."""
    to.mkdir(parents=True, exist_ok=True)
    revision, cases, _ = _counted(url)
    key = audit_key()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        if url.startswith("sqlite"):
            source = make_url(url).database
            if not source or not Path(source).exists():
                raise BackupError(f"SQLite 数据库文件不存在：{source}")
            with sqlite3.connect(source) as live, sqlite3.connect(work / "database.sqlite3") as copy:
                live.backup(copy)
            backend = "sqlite"
        else:
            target, env = _postgres(url)
            dump = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
            _run([*dump, "-f", str(work / "database.dump"), target], env)
            backend = "postgresql"
        keys = work / "instance"
        keys.mkdir()
        for name in KEY_FILES:
            if (instance_dir() / name).exists():
                shutil.copy2(instance_dir() / name, keys / name)
        anchors = anchor_directory()
        if anchors.is_dir():
            shutil.copytree(anchors, keys / ANCHORS)
        manifest = Manifest(
            taken_at=now.isoformat(),
            backend=backend,
            revision=revision,
            cases=cases,
            audit_key_id=key_id(key),
            audit_key_in_file=not os.environ.get(KEY_VARIABLE, "").strip(),
        )
        (work / "manifest.json").write_text(
            json.dumps(_plain(manifest), ensure_ascii=False, indent=2), "utf-8"
        )
        archive = to / f"assistance-backup-{now:%Y%m%dT%H%M%SZ}.tar.gz"
        descriptor = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            for entry in sorted(work.iterdir()):
                tar.add(entry, arcname=entry.name)
    return archive


def _plain(manifest: Manifest) -> dict[str, Any]:
    return {name: getattr(manifest, name) for name in Manifest.__dataclass_fields__}


def read_manifest(archive: Path) -> Manifest:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise BackupError("备份文件中没有 manifest.json")
        return Manifest.read(json.loads(member.read().decode("utf-8")))


def restore(archive: Path, url: str) -> Manifest:
    """The backup's database into the empty database at ``url`` (migrated or not), and its key
    files into the instance directory."""
    try:
        manifest = read_manifest(archive)
    except (OSError, tarfile.TarError, json.JSONDecodeError) as exc:
        raise BackupError(f"不是有效的备份文件：{archive.name}") from exc
    backend = "sqlite" if url.startswith("sqlite") else "postgresql"
    if manifest.backend != backend:
        raise BackupError(f"备份来自 {manifest.backend}，不能恢复到 {backend} 数据库")
    if any(_counted(url)[1:]):
        raise BackupError("目标数据库已有案件或账号：请恢复到一个新建的空数据库")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                _extract(tar, work)
        except (OSError, EOFError, tarfile.TarError) as exc:  # cut short, or an entry's place taken
            raise BackupError(f"备份文件无法完整解开：{archive.name}（{exc}）") from exc
        _restore_keys(work / "instance")
        if backend == "sqlite":
            target = make_url(url).database
            if not target:
                raise BackupError("SQLite 数据库地址缺少文件路径")
            with sqlite3.connect(work / "database.sqlite3") as copy, sqlite3.connect(target) as live:
                copy.backup(live)
        else:
            target, env = _postgres(url)
            _reset_public_schema(url)
            load = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
            _run([*load, "-d", target, str(work / "database.dump")], env)
    return manifest


def _extract(tar: tarfile.TarFile, into: Path) -> None:
    """The archive's files and folders, written under ``into``. Anything else is refused before
    a byte is written, as tarfile's "data" filter would refuse it: links, devices, absolute
    paths, paths that climb out. That filter is not in every 3.11 (Debian 12's 3.11.2 lacks it)."""
    members = tar.getmembers()
    for member in members:
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"备份文件中有不应有的条目：{member.name}")
    for member in members:
        target = into.joinpath(*PurePosixPath(member.name).parts)
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        assert source is not None  # a regular file, checked above
        with source, target.open("wb") as written:
            shutil.copyfileobj(source, written)


def _reset_public_schema(url: str) -> None:
    """An empty database that was migrated has the tables already; pg_restore makes them."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            tables = sa.inspect(connection).get_table_names()
            if tables:
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def _restore_keys(keys: Path) -> None:
    instance = instance_dir()
    instance.mkdir(parents=True, exist_ok=True)
    for name in KEY_FILES:
        source, target = keys / name, instance / name
        if not source.exists():
            continue
        if target.exists():
            if target.read_bytes() != source.read_bytes():
                raise BackupError(f"实例目录已有不同的 {name}：为免覆盖，请先移走它（丢失则无法找回）")
            continue
        shutil.copy2(source, target)
        target.chmod(0o600)
    if (keys / ANCHORS).is_dir():
        anchors = anchor_directory()
        anchors.mkdir(parents=True, exist_ok=True)
        for anchor in (keys / ANCHORS).iterdir():
            if not (anchors / anchor.name).exists():
                shutil.copy2(anchor, anchors / anchor.name)


__all__ = ["BackupError", "Manifest", "backup", "read_manifest", "restore"]
