"""gunicorn's settings for the service, read from the working directory:

gunicorn "assistance.app:create_app()"
"""

from __future__ import annotations

import gc
from typing import Any

# A sync worker closes the connection after every answer and then waits for the client to close
# its end: a new TCP connection per request, and a worker held while a slow client hangs up. A
# threaded worker keeps connections alive between requests and lets a second request run while
# the first waits on the database.
worker_class = "gthread"
threads = 2
keepalive = 5


def post_worker_init(worker: Any) -> None:
    # The application, its libraries and WeasyPrint are some 170,000 objects that live as long as
    # the worker. Left to the collector, each full collection walks them all (≈65 ms, a pause
    # every request waiting on that worker shares); frozen, a collection walks only what requests
    # made since.
    gc.freeze()
