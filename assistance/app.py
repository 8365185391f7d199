"""The Flask application."""

from __future__ import annotations

from typing import Any

from flask import Flask

from assistance.api.evaluate import blueprint as evaluate_blueprint


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]  # decisions read top-down: outcome first
    app.config.update(config or {})
    app.register_blueprint(evaluate_blueprint, url_prefix="/api/v1")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
