"""Settings from the environment. SQLite is the embedded default; PostgreSQL is production."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Installed from a wheel, the templates, migrations and alembic.ini ride inside the package
# (setup.py copies them there); in a checkout they are the project's own, edited in place.
_SHIPPED = Path(__file__).resolve().parent / "_shipped"
INSTANCE_VARIABLE = "ASSISTANCE_INSTANCE"


def shipped(name: str) -> Path:
    """``templates``, ``migrations`` or ``alembic.ini``: in the installed package, or the checkout's."""
    inside = _SHIPPED / name
    return inside if inside.exists() else PROJECT_ROOT / name


def instance_dir() -> Path:
    """Where this installation keeps what is its own and not in the database: the SQLite file of a
    first run, the secret and audit keys, audit anchors. ``ASSISTANCE_INSTANCE``; else the
    checkout's ``instance/``, or, installed from a wheel, ``./instance`` of the working directory."""
    configured = os.environ.get(INSTANCE_VARIABLE, "").strip()
    if configured:
        return Path(configured)
    if (PROJECT_ROOT / "pyproject.toml").exists():
        return PROJECT_ROOT / "instance"
    return Path.cwd() / "instance"


def database_url(raw: str | None = None) -> str:
    """DATABASE_URL, with `postgresql://` made to use psycopg 3."""
    url = raw or os.environ.get("DATABASE_URL") or f"sqlite:///{instance_dir() / 'assistance.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class UnsafeSetting(RuntimeError):
    """A setting production must not run with, or one the service cannot read."""


def in_production() -> bool:
    """``ASSISTANCE_ENV=production``: the service refuses what is only for a first run or a demo."""
    return os.environ.get("ASSISTANCE_ENV", "").strip().lower() == "production"


def check_production_database(url: str) -> None:
    """SQLite has no roles and no triggers: the audit trail is only append-only on PostgreSQL."""
    if in_production() and url.startswith("sqlite"):
        raise UnsafeSetting(
            "生产环境（ASSISTANCE_ENV=production）不能使用 SQLite：请设置 DATABASE_URL 指向 PostgreSQL"
            "（见 docs/operations.md）"
        )


def secret_key() -> str:
    """SECRET_KEY, or a key kept in instance/ so that sessions survive a restart of a first run."""
    configured = os.environ.get("SECRET_KEY")
    if configured:
        return configured
    path = instance_dir() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


SCREENING_RETENTION_VARIABLE = "ASSISTANCE_SCREENING_RETENTION_DAYS"
SCREENING_RETENTION_DEFAULT_DAYS = 90


def screening_retention_days(raw: str | None = None) -> int | None:
    """How many days a finished what-if keeps its list of changing households:
    ``ASSISTANCE_SCREENING_RETENTION_DAYS``, a whole number of days, default 90; ``off``: kept
    for ever (None). Anything else is refused rather than read as some period, since what it
    decides is deleted for good."""
    value = (os.environ.get(SCREENING_RETENTION_VARIABLE, "") if raw is None else raw).strip()
    if value == "":
        return SCREENING_RETENTION_DEFAULT_DAYS
    if value.lower() == "off":
        return None
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise UnsafeSetting(
            f"{SCREENING_RETENTION_VARIABLE} 应为正整数天数（如 90），或 off（不删除）；现为 {value!r}"
        )
    return int(value)
