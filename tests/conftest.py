"""Settings every test shares."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from assistance.parameters import ENTRY_DIR_VARIABLE


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """``name`` set to ``value`` for the session, then as it was."""
    previous = os.environ.get(name)
    os.environ[name] = value
    yield
    if previous is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = previous


@pytest.fixture(scope="session", autouse=True)
def parameter_entries_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Parameter values entered through the service (by a test, or by the API fuzzer) go to a
    throw-away directory, never to the checkout's instance/parameters, which later decisions read."""
    with _environment(ENTRY_DIR_VARIABLE, str(tmp_path_factory.mktemp("parameter-entries"))):
        yield


@pytest.fixture(scope="session", autouse=True)
def cookies_over_plain_http() -> Iterator[None]:
    """The tests' apps, servers and browsers speak plain HTTP on the loopback, as the development
    server does; production keeps the session cookie off plain HTTP."""
    with _environment("SESSION_COOKIE_SECURE", "0"):
        yield


@pytest.fixture(scope="session", autouse=True)
def no_job_queue_behind_the_tests() -> Iterator[None]:
    """No queue threads or workers in the apps tests create: they would write to databases that
    tests empty and drop under it. Documents are laid out when read; the queue's own tests start
    one where they need it."""
    with _environment("ASSISTANCE_QUEUE", "none"):
        yield


@pytest.fixture(scope="session", autouse=True)
def audit_key_and_anchors_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One audit key for every app, server and command of the run (servers inherit it), and anchors
    in a throw-away directory, never the checkout's instance/, whose key a first run made."""
    with (
        _environment("ASSISTANCE_AUDIT_KEY", "5e" * 32),
        _environment("ASSISTANCE_ANCHOR_DIR", str(tmp_path_factory.mktemp("anchors"))),
    ):
        yield
