"""gunicorn.conf.py's number of workers: two per core the service may run on, unless the host says."""

from __future__ import annotations

import os
import runpy
from pathlib import Path

import pytest

SETTINGS = Path(__file__).resolve().parents[2] / "assistance" / "gunicorn_config.py"


def _workers() -> int:
    return int(runpy.run_path(str(SETTINGS))["workers"])


def test_two_workers_per_core_this_process_may_run_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 5})
    assert _workers() == 6


def test_web_concurrency_sets_the_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    assert _workers() == 7


def test_an_empty_web_concurrency_is_not_a_number_of_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    assert _workers() == 4
