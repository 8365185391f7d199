"""Web pages in Chinese for applicants, staff and administrators, rendered on the server.

Every page works without JavaScript; ``static/web.js`` only adds conveniences (adding table rows
in place, member names in the member pickers). The pages call the same service functions as the
REST API, so area scope, guards and validation are the services' and never duplicated here.

Modules: ``base`` (the blueprint, the signed-in user, rendering), ``csrf`` (the per-session form
token), ``forms`` (form fields generated from the services' marshmallow schemas, and error
mapping), ``household`` (the household form in the case-file format), ``labels`` (Chinese names
for codes), ``charts`` (inline SVG bar charts), and the pages: ``auth``, ``cases``, ``staff``,
``admin``.
"""

from __future__ import annotations

from flask import Flask

from assistance.web import (  # noqa: F401  (routes register on import)
    accounts,
    admin,
    archives,
    auth,
    cases,
    errors,
    imports,
    jobs,
    lists,
    rechecks,
    reports,
    screening,
    staff,
    verify,
)
from assistance.web.base import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    errors.register(app)


__all__ = ["bp", "register"]
