"""Settings every test shares."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from assistance.parameters import ENTRY_DIR_VARIABLE


@pytest.fixture(scope="session", autouse=True)
def parameter_entries_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Parameter values entered through the service (by a test, or by the API fuzzer) go to a
    throw-away directory, never to the checkout's instance/parameters, which later decisions read."""
    previous = os.environ.get(ENTRY_DIR_VARIABLE)
    os.environ[ENTRY_DIR_VARIABLE] = str(tmp_path_factory.mktemp("parameter-entries"))
    yield
    if previous is None:
        os.environ.pop(ENTRY_DIR_VARIABLE, None)
    else:
        os.environ[ENTRY_DIR_VARIABLE] = previous


@pytest.fixture(scope="session", autouse=True)
def cookies_over_plain_http() -> Iterator[None]:
    """The tests' apps, servers and browsers speak plain HTTP on the loopback, as the development
    server does; production keeps the session cookie off plain HTTP."""
    previous = os.environ.get("SESSION_COOKIE_SECURE")
    os.environ["SESSION_COOKIE_SECURE"] = "0"
    yield
    if previous is None:
        os.environ.pop("SESSION_COOKIE_SECURE", None)
    else:
        os.environ["SESSION_COOKIE_SECURE"] = previous


@pytest.fixture(scope="session", autouse=True)
def documents_laid_out_when_read() -> Iterator[None]:
    """No background renderer thread in the apps tests create: it would write to databases that
    tests empty and drop under it. Documents are laid out when read; the renderer's own tests
    start one where they need it."""
    previous = os.environ.get("ASSISTANCE_RENDER_DOCUMENTS")
    os.environ["ASSISTANCE_RENDER_DOCUMENTS"] = "on-demand"
    yield
    if previous is None:
        os.environ.pop("ASSISTANCE_RENDER_DOCUMENTS", None)
    else:
        os.environ["ASSISTANCE_RENDER_DOCUMENTS"] = previous
