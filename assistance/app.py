"""The Flask application."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from assistance import api, logs, metrics, readiness, web
from assistance.audit_key import audit_key
from assistance.config import check_production_database, database_url, secret_key
from assistance.db import Database
from assistance.http import (
    guard_api_request,
    limiter,
    no_store,
    refuse_unstorable_text,
    refuse_until_password_changed,
    remember_request,
    today,
)
from assistance.queue import backends as queues


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]  # decisions read top-down: outcome first
    app.config.update(
        SECRET_KEY=secret_key(),
        DATABASE_URL=database_url(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # The cookie never travels over plain HTTP, unless SESSION_COOKIE_SECURE=0 (the
        # development server on the loopback, and the tests).
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE", "1") != "0",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # Eight hours from sign-in, a working day, however active the user: an absolute limit, and
        # no answer has to sign and send the cookie again (0.2 ms of every request).
        SESSION_REFRESH_EACH_REQUEST=False,
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,
    )
    app.config.update(config or {})
    # Behind a reverse proxy (deploy/nginx): how many proxies to believe about the client's address
    # and scheme. The address counts sign-in attempts and goes to the security log; without this it
    # would be the proxy's own for everyone.
    proxies = int(app.config.get("PROXIES", os.environ.get("ASSISTANCE_PROXIES", "0")) or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.config["DATABASE_URL"] = database_url(app.config["DATABASE_URL"])
    check_production_database(app.config["DATABASE_URL"])
    # Read (or, on a first run, made) now: without it no act could be recorded.
    audit_key()
    app.extensions["assistance_db"] = Database(app.config["DATABASE_URL"])
    # The job queue (assistance/queue): Procrastinate workers on PostgreSQL, this process's threads
    # on SQLite, so that a first run needs nothing else.
    app.config.setdefault(
        "QUEUE", os.environ.get("ASSISTANCE_QUEUE") or queues.default_kind(app.config["DATABASE_URL"])
    )
    app.extensions["assistance_queue"] = queues.start(
        app.config["QUEUE"], app.extensions["assistance_db"], lambda: _today_of(app)
    )
    logs.install(app)
    metrics.install(app, app.extensions["assistance_db"], today)
    # Per remote address, on top of the account's own lockout (docs/security.md).
    app.config.setdefault(
        "SIGN_IN_RATE_LIMIT", os.environ.get("ASSISTANCE_SIGN_IN_RATE_LIMIT", "20 per minute;200 per hour")
    )
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", os.environ.get("ASSISTANCE_RATELIMIT_STORAGE", "memory://")
    )
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)
    app.before_request(remember_request)
    app.before_request(guard_api_request)
    app.before_request(refuse_unstorable_text)
    app.before_request(refuse_until_password_changed)
    app.after_request(no_store)
    api.register(app)
    web.register(app)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness: the process answers. Nothing else is asked."""
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> tuple[dict[str, Any], int]:
        """Readiness: database at head, Chinese fonts, documents and jobs keeping up (503 if not)."""
        return readiness.report(app.extensions["assistance_db"], app.config["QUEUE"])

    return app


def _today_of(app: Flask) -> date:
    """Today for the application's background work, as its requests see it (the TODAY setting)."""
    with app.app_context():
        return today()
