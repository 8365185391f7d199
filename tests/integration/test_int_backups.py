"""Backups that are proven (issue 20 item 5): a backup of a working database, with the instance's
key files, restored into a fresh database and instance elsewhere, holds the same cases and its
audit trail verifies clean, anchors included. Restoring never overwrites what it cannot give back."""

from __future__ import annotations

import io
import json
import os
import stat
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from database_support import POSTGRES_ADMIN
from integration_support import ApiClient, Clock, dibao_edge_to_publicity

from assistance.cli import main
from assistance.config import database_url

KEY = "5e" * 32  # the tests' audit key (tests/conftest.py), here kept in a file as a site would


@pytest.fixture
def fresh_database(database: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind, created as a site would before restoring."""
    if database.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"assistance_restored_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(POSTGRES_ADMIN.rsplit("/", 1)[0] + "/" + name)
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _instance(path: Path) -> Path:
    path.mkdir()
    (path / "audit.key").write_text(KEY + "\n", encoding="ascii")
    return path


def _backup_of_one_case(
    api: ApiClient, clock: Clock, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A site's backup, its audit key in a file, of a database holding one case."""
    dibao_edge_to_publicity(api, clock)
    monkeypatch.delenv("ASSISTANCE_AUDIT_KEY")
    site = _instance(tmp_path / "site")
    _cli(monkeypatch, database, site, "backup", "--to", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("*.tar.gz")
    return archive


def _cli(monkeypatch: pytest.MonkeyPatch, url: str, instance: Path, *args: str) -> str:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASSISTANCE_INSTANCE", str(instance))
    monkeypatch.setenv("ASSISTANCE_ANCHOR_DIR", str(instance / "anchors"))
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_backup_restores_into_a_fresh_database_and_verifies_clean(
    api: ApiClient, clock: Clock, database: str, fresh_database: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    for _ in range(2):
        dibao_edge_to_publicity(api, clock)
    monkeypatch.delenv("ASSISTANCE_AUDIT_KEY")
    site = _instance(tmp_path / "site")
    _cli(monkeypatch, database, site, "audit", "anchor")
    made = _cli(monkeypatch, database, site, "backup", "--to", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("assistance-backup-*.tar.gz")
    assert str(archive) in made
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert {"manifest.json", "instance/audit.key"} <= names
    assert manifest["cases"] == 2 and manifest["audit_key_in_file"] is True

    elsewhere = tmp_path / "elsewhere"
    restored = _cli(monkeypatch, fresh_database, elsewhere, "restore", str(archive))
    assert "2 件案件" in restored
    assert (elsewhere / "audit.key").read_text(encoding="ascii").strip() == KEY
    assert list((elsewhere / "anchors").glob("anchor-*.json"))
    engine = sa.create_engine(fresh_database)
    try:
        with engine.connect() as connection:
            cases = connection.execute(sa.text("SELECT count(*) FROM assistance_case")).scalar_one()
            events = connection.execute(sa.text("SELECT count(*) FROM auditevent")).scalar_one()
    finally:
        engine.dispose()
    assert cases == 2 and events > 10
    verified = json.loads(_cli(monkeypatch, fresh_database, elsewhere, "audit", "verify", "--json"))
    assert verified["intact"] is True and verified["anchor"] is not None, verified
    assert verified["cases"] == 2

    # A second restore finds the cases there, and the first is left as it was.
    again = CliRunner().invoke(main, ["restore", str(archive)])
    assert again.exit_code == 2 and "目标数据库已有案件或账号" in again.output


def test_a_restore_keeps_a_different_key_in_place(
    api: ApiClient, clock: Clock, database: str, fresh_database: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    archive = _backup_of_one_case(api, clock, database, tmp_path, monkeypatch)
    other = tmp_path / "other"
    other.mkdir()
    (other / "audit.key").write_text("ab" * 32, encoding="ascii")
    monkeypatch.setenv("DATABASE_URL", fresh_database)
    monkeypatch.setenv("ASSISTANCE_INSTANCE", str(other))
    refused = CliRunner().invoke(main, ["restore", str(archive)])
    assert refused.exit_code == 2 and "已有不同的 audit.key" in refused.output
    assert (other / "audit.key").read_text(encoding="ascii") == "ab" * 32
    assert not os.path.exists(other / "secret_key")


@pytest.mark.parametrize(
    ("entry", "refusal"),
    [
        ("link", "备份文件中有不应有的条目"),
        ("climbs out", "备份文件中有不应有的条目"),
        ("under a file", "备份文件无法完整解开"),
    ],
)
def test_a_restore_refuses_an_archive_with_a_link_or_a_path_out(
    api: ApiClient, clock: Clock, database: str, fresh_database: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, entry: str, refusal: str,
) -> None:  # fmt: skip
    archive = _backup_of_one_case(api, clock, database, tmp_path, monkeypatch)
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as original, tarfile.open(tampered, "w:gz") as tar:
        for member in original.getmembers():
            tar.addfile(member, original.extractfile(member) if member.isfile() else None)
        if entry == "link":  # the key file's place taken by a link to a file of the server's
            bad = tarfile.TarInfo("instance/secret_key")
            bad.type, bad.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(bad)
        else:  # a path out of the folder, or one that puts a file under a file
            payload = b"written outside\n"
            bad = tarfile.TarInfo("../outside.txt" if entry == "climbs out" else "instance/audit.key/more")
            bad.size = len(payload)
            tar.addfile(bad, io.BytesIO(payload))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.setenv("DATABASE_URL", fresh_database)
    monkeypatch.setenv("ASSISTANCE_INSTANCE", str(elsewhere))
    refused = CliRunner().invoke(main, ["restore", str(tampered)])
    assert refused.exit_code == 2 and refusal in refused.output, refused.output
    assert list(elsewhere.iterdir()) == []
    assert not (tmp_path / "outside.txt").exists()
