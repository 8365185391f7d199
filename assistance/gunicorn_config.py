"""gunicorn's settings for the service: ``gunicorn.conf.py`` reads them in a checkout; installed,
``gunicorn -c python:assistance.gunicorn_config "assistance.app:create_app()"``.
"""

from __future__ import annotations

import gc
import os
from typing import Any

# Two workers per core this process may run on. A kept-alive connection stays with the worker
# that accepted it, so with few workers a worker busy with an act (20-30 ms) holds up the other
# requests of its connections while another worker idles: at 300 requests/s on 2 cores, in
# alternating runs 3 workers gave a p99 of 54-648 ms, 4 workers 39-51 ms (benchmarks/api_load.py).
# WEB_CONCURRENCY, as on most hosts, or --workers sets another number.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * len(os.sched_getaffinity(0)))

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


def child_exit(server: Any, worker: Any) -> None:
    # With PROMETHEUS_MULTIPROC_DIR set, /metrics adds up every worker's counts: a dead worker's
    # files are marked so that its gauges stop counting (assistance/metrics.py).
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

        GunicornInternalPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)
