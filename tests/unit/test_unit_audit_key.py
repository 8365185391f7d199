"""The audit key: read from the environment or its file, made on a first run, never in production."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from assistance.audit_key import KEY_FILE_VARIABLE, KEY_VARIABLE, audit_key, key_id
from assistance.config import UnsafeSetting


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    path = tmp_path / "keys" / "audit.key"
    monkeypatch.setenv(KEY_FILE_VARIABLE, str(path))
    return path


def test_a_first_run_makes_a_key_only_its_owner_can_read(key_file: Path) -> None:
    key = audit_key()
    assert len(key) == 32 and audit_key() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert bytes.fromhex(key_file.read_text().strip()) == key


def test_production_never_makes_a_key(key_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANCE_ENV", "production")
    with pytest.raises(UnsafeSetting, match="生产环境缺少审计密钥"):
        audit_key()
    assert not key_file.exists()
    monkeypatch.setenv(KEY_VARIABLE, "ab" * 32)
    assert audit_key() == bytes.fromhex("ab" * 32)


@pytest.mark.parametrize("text", ["", "short", "ab" * 31, "zz" * 32])
def test_a_weak_or_garbled_key_is_refused(text: str, key_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file.parent.mkdir()
    key_file.write_text(text)
    with pytest.raises(UnsafeSetting, match="至少 64 位十六进制字符"):
        audit_key()


def test_the_key_id_names_the_key_without_revealing_it() -> None:
    first, second = b"\x01" * 32, b"\x02" * 32
    assert key_id(first) != key_id(second) and len(key_id(first)) == 16
    assert first.hex()[:16] not in key_id(first)
