"""The built wheel works outside the checkout (issue 20 item 3): installed into a fresh virtual
environment and run from another directory, it migrates a database, loads the demo, lays out its
notices and serves pages, with the templates, migrations and static files it carries itself."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from server_support import free_port, wait_until_live

ROOT = Path(__file__).resolve().parents[2]


def _run(*command: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-4000:])
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    base = tmp_path_factory.mktemp("wheel")
    # An installation of its own: its keys are made in its instance directory.
    dropped = ("DATABASE_URL", "PYTHONPATH", "ASSISTANCE_AUDIT_KEY", "ASSISTANCE_ANCHOR_DIR")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    pip = (sys.executable, "-m", "pip")
    _run(
        *pip, "wheel", ROOT, "--no-deps", "--no-build-isolation", "-q", "-w", base / "dist", cwd=base, env=env
    )
    (wheel,) = (base / "dist").glob("assistance-*.whl")
    venv = base / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base, env=env)
    _run(*pip, "--python", venv / "bin" / "python", "install", "-q", "--no-deps", wheel, cwd=base, env=env)
    # The dependencies are this environment's (the index is not asked again); a plain path in a .pth
    # file, so the checkout's editable install there is not picked up.
    purelib = Path(
        subprocess.check_output(
            [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            text=True,
        ).strip()
    )
    (purelib / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    work = base / "elsewhere"
    work.mkdir()
    env |= {
        "DATABASE_URL": f"sqlite:///{work / 'assistance.sqlite3'}",
        "ASSISTANCE_INSTANCE": str(work / "instance"),
        "ASSISTANCE_PARAMETERS": str(ROOT / "examples" / "local-parameters"),
        "SESSION_COOKIE_SECURE": "0",
    }
    yield venv, work, env


def test_the_package_is_the_installed_one(installed: tuple[Path, Path, dict[str, str]]) -> None:
    venv, work, env = installed
    where = _run(
        venv / "bin" / "python", "-c", "import assistance; print(assistance.__file__)", cwd=work, env=env
    )
    assert where.strip().startswith(str(venv)), where


def test_the_wheel_migrates_loads_lays_out_and_serves(installed: tuple[Path, Path, dict[str, str]]) -> None:
    venv, work, env = installed
    assert "数据库已是最新结构" in _run(venv / "bin" / "assistance", "db", "upgrade", cwd=work, env=env)
    loaded = _run(
        venv / "bin" / "python", "-m", "assistance", "demo", "--today", "2026-12-04", cwd=work, env=env
    )
    assert "新建演示案件" in loaded
    laid_out = _run(venv / "bin" / "assistance", "documents", "render", cwd=work, env=env)
    assert laid_out.startswith("已排版 ") and not laid_out.startswith("已排版 0 "), laid_out
    assert (work / "instance" / "audit.key").exists()

    port = free_port()
    gunicorn = (venv / "bin" / "python", "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}")
    server = subprocess.Popen(
        [*gunicorn, "assistance.app:create_app()"], cwd=work, env=env, stdout=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_live(base, server, 20)
        login = urllib.request.urlopen(f"{base}/login", timeout=10).read().decode()
        assert "登录" in login
        css = urllib.request.urlopen(f"{base}/static/web/web.css", timeout=10)
        assert css.status == 200 and b"flash" in css.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
