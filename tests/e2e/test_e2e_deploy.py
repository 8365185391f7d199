"""The deployment files run what they say (issue 20 item 3). No container engine runs here, so
the systemd units' commands are started as they are written, with the installation's paths
replaced by this environment's: the web service answers ready behind its settings, the worker
keeps running, the anchor and backup jobs finish. The container files are held to the same
commands."""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from database_support import BACKENDS, migrated_database
from server_support import free_port, wait_until_live

from assistance.migrate import upgrade
from assistance.queue.procrastinate_app import conninfo

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = str(Path(sys.executable).parent) + "/"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / "systemd" / name, encoding="utf-8")
    return parser


def command(name: str, key: str = "ExecStart") -> list[str]:
    """The unit's command, with /opt/assistance/bin/ as this environment's."""
    return [part.replace("/opt/assistance/bin/", BIN) for part in shlex.split(unit(name)["Service"][key])]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment the units read (deploy/systemd/assistance.env), pointed at a scratch site."""
    settings = dict(
        line.split("=", 1)
        for line in (DEPLOY / "systemd" / "assistance.env").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    upgrade(url)
    (tmp_path / "metrics").mkdir()
    (tmp_path / "audit.key").write_text("5e" * 32, encoding="ascii")
    env = {k: v for k, v in os.environ.items() if k not in ("ASSISTANCE_AUDIT_KEY", "PYTHONPATH")}
    env |= settings | {
        # SQLite on a scratch site: production's PostgreSQL and its refusal of SQLite are tested
        # elsewhere (test_int_database_roles.py).
        "ASSISTANCE_ENV": "",
        "DATABASE_URL": url,
        # The queue in the web process, as on any SQLite installation; the worker's test below
        # runs on PostgreSQL with the file's own setting.
        "ASSISTANCE_QUEUE": "in-process",
        "ASSISTANCE_INSTANCE": str(tmp_path),
        "ASSISTANCE_AUDIT_KEY_FILE": str(tmp_path / "audit.key"),
        "ASSISTANCE_ANCHOR_DIR": str(tmp_path / "anchors"),
        "ASSISTANCE_PARAMETERS": str(ROOT / "examples" / "local-parameters"),
        "ASSISTANCE_RATELIMIT_STORAGE": "memory://",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "SESSION_COOKIE_SECURE": "0",
    }
    yield env


def test_every_unit_reads_the_environment_file_and_runs_as_its_own_user() -> None:
    for path in sorted((DEPLOY / "systemd").glob("*.service")):
        service = unit(path.name)["Service"]
        assert service["EnvironmentFile"] == "/etc/assistance/env", path.name
        assert service["User"].startswith("assistance"), path.name
        assert command(path.name)[0].startswith(BIN) or command(path.name)[0].startswith("/usr/bin"), (
            path.name
        )


def test_the_web_unit_serves_ready_behind_its_proxy(site: dict[str, str]) -> None:
    port = free_port()
    started = command("assistance-web.service")
    started[started.index("--bind") + 1] = f"127.0.0.1:{port}"
    server = subprocess.Popen(started, cwd=ROOT, env=site, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_live(base, server, 30)
        ready = urllib.request.urlopen(f"{base}/readyz", timeout=10)
        assert ready.status == 200
        # /metrics adds up the workers' files in the unit's PROMETHEUS_MULTIPROC_DIR.
        assert b"flask_http_request_total" in urllib.request.urlopen(f"{base}/metrics", timeout=10).read()
        assert list(Path(site["PROMETHEUS_MULTIPROC_DIR"]).iterdir())
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.skipif("postgresql" not in BACKENDS, reason="the job queue's workers need PostgreSQL")
def test_the_worker_unit_keeps_running_and_beats(
    site: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    for url in migrated_database("postgresql", tmp_path_factory, "deploy"):
        env = site | {
            "DATABASE_URL": url,
            "ASSISTANCE_QUEUE": "procrastinate",
            "ASSISTANCE_WORKER_HEARTBEAT_SECONDS": "1",
        }
        worker = subprocess.Popen(
            command("assistance-worker.service"), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            time.sleep(4)
            assert worker.poll() is None, (worker.stderr.read() if worker.stderr else b"")[-2000:]
            with psycopg.connect(conninfo(url)) as connection:
                beats = connection.execute(
                    "SELECT count(*) FROM procrastinate_workers"
                    " WHERE last_heartbeat > now() - interval '3 seconds'"
                ).fetchone()
            assert beats == (1,)
        finally:
            worker.terminate()
            worker.wait(timeout=30)


def test_the_anchor_and_backup_jobs_finish(site: dict[str, str], tmp_path: Path) -> None:
    anchored = subprocess.run(command("assistance-anchor.service"), env=site, capture_output=True, text=True)
    assert anchored.returncode == 0, anchored.stderr
    assert list((tmp_path / "anchors").glob("anchor-*.json"))
    backup = command("assistance-backup.service")
    backup[backup.index("--to") + 1] = str(tmp_path / "backups")
    made = subprocess.run(backup, env=site, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert list((tmp_path / "backups").glob("assistance-backup-*.tar.gz"))
    for timer in ("assistance-anchor.timer", "assistance-backup.timer"):
        assert unit(timer)["Timer"]["OnCalendar"], timer


def test_the_container_runs_the_units_commands() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    compose = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert "-c python:assistance.gunicorn_config" in dockerfile
    assert "fonts-noto-cjk" in dockerfile and "libharfbuzz-subset0" in dockerfile
    worker = command("assistance-worker.service")[1:]
    assert f"command: [{', '.join(f'{w!r}' for w in ['assistance', *worker])}]".replace("'", '"') in compose
    nginx = (DEPLOY / "nginx" / "assistance.conf").read_text(encoding="utf-8")
    assert "client_max_body_size 12m;" in nginx and "location /metrics" in nginx
