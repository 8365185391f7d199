"""The web blueprint, the signed-in user, and rendering a page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec
from urllib.parse import urlsplit

from flask import Blueprint, Response, g, redirect, render_template, request, session, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import Forbidden

from assistance.access import may
from assistance.access.permissions import PERMISSIONS
from assistance.admin import accounts
from assistance.config import shipped
from assistance.errors import FieldProblem, InvalidInput, NotAuthenticated
from assistance.http import LARGEST_OFFSET, SESSION_USER, database, today
from assistance.web import csrf, forms, labels

# Templates sit beside the notice templates at the top of the project (templates/web/).
bp = Blueprint(
    "web",
    __name__,
    url_prefix="/",
    template_folder=str(shipped("templates")),
    static_folder="static",
    static_url_path="/static/web",
)

P = ParamSpec("P")

# Cases per page in the lists and the work queue.
PAGE_SIZE = 50


def offset_argument() -> int:
    """Where a paged list starts (?offset=); anything but a count starts at the top, a count past
    what the databases can count is refused."""
    offset = request.args.get("offset", "0")
    if not offset.isdigit():
        return 0
    if int(offset) > LARGEST_OFFSET:
        raise InvalidInput(
            "分页位置（offset）超出范围", [FieldProblem("offset", f"应不大于{LARGEST_OFFSET}")]
        )
    return int(offset)


@dataclass(frozen=True, slots=True)
class WebUser:
    id: int
    username: str
    display_name: str
    role: str
    role_name: str
    area_code: str | None
    area_name: str | None


def current_user() -> WebUser | None:
    """The signed-in user, looked up once per request; None when signed out or deactivated."""
    if "web_user" in g:
        found: WebUser | None = g.web_user
        return found
    user: WebUser | None = None
    uid = session.get(SESSION_USER)
    if isinstance(uid, int):
        try:
            view = accounts.user_view(database(), uid)
        except NotAuthenticated:
            # A deactivated or deleted account: the old cookie must not keep working.
            session.pop(SESSION_USER, None)
        else:
            area = view["area"] or {}
            user = WebUser(
                id=view["id"],
                username=view["username"],
                display_name=view["display_name"],
                role=view["role"],
                role_name=view["role_name"],
                area_code=area.get("code"),
                area_name=area.get("name"),
            )
    g.web_user = user
    return user


def signed_in() -> WebUser:
    """The signed-in user inside a ``login_required`` view."""
    user = current_user()
    if user is None:
        raise NotAuthenticated("请先登录")
    return user


def login_required(view: Callable[P, ResponseReturnValue]) -> Callable[P, ResponseReturnValue]:
    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        if current_user() is None:
            return redirect(url_for("web.login", next=next_target()))
        return view(*args, **kwargs)

    return wrapped


def require_permission(permission: str) -> WebUser:
    """The signed-in user, if they hold ``permission`` (``access.permissions``); else 403."""
    user = signed_in()
    if not may(user, permission):
        raise Forbidden(PERMISSIONS[permission].refusal or "您的角色不能使用此页面")
    return user


def may_here(permission: str) -> bool:
    """For the templates: whether the signed-in user holds ``permission``."""
    return may(current_user(), permission)


def next_target() -> str:
    """The page to come back to after signing in: this one, for a GET."""
    return request.full_path.rstrip("?") if request.method == "GET" else request.path


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: ``//host`` or ``https://…`` would make the login an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(f"web/{template}", **context), status


def static_url(filename: str) -> str:
    return url_for("web.static", filename=filename)


@bp.record_once
def _globals(state: BlueprintSetupState) -> None:
    # Globals, not context: the macro files are imported without the page's context.
    state.app.jinja_env.globals.update(
        csrf_token=csrf.token,
        L=labels,
        static_url=static_url,
        may=may_here,
        with_choices=forms.with_choices,
        criteria_choices=forms.criteria_choices,
    )


@bp.app_context_processor
def _context() -> dict[str, Any]:
    return {"user": current_user(), "today": today()}


# The pages load nothing from elsewhere: scripts, styles and images come from this site only, and
# no page may be framed (clickjacking of the action forms).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@bp.after_request
def _headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        # Pages show personal data: never keep them in a shared PC's cache.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


bp.before_request(csrf.protect)
