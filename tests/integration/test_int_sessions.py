"""Sessions: eight hours from sign-in, a working day, however active the user."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask
from integration_support import ApiClient


def test_a_session_lasts_from_sign_in_not_from_the_last_request(app: Flask, api: ApiClient) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=3)  # eight hours, shortened
    client = api.as_("beicheng")
    signed_in = time.monotonic()
    answer = client.get("/api/v1/auth/me")
    # Not signed and sent again with every answer: its age counts from the sign-in.
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
    time.sleep(max(0.0, signed_in + 1.5 - time.monotonic()))
    assert client.get("/api/v1/auth/me").status_code == 200
    # 3 s after that request, 4.5 s after the sign-in (the signature counts whole seconds).
    time.sleep(max(0.0, signed_in + 4.5 - time.monotonic()))
    refused = client.get("/api/v1/auth/me")
    assert refused.status_code == 401, refused.json
