"""gunicorn's settings, read from the working directory of a checkout:

gunicorn "assistance.app:create_app()"

They live in the package (``assistance/gunicorn_config.py``) so that an installed wheel has them
too: ``gunicorn -c python:assistance.gunicorn_config "assistance.app:create_app()"``.
"""

from assistance.gunicorn_config import *  # noqa: F403
from assistance.gunicorn_config import child_exit, post_worker_init  # noqa: F401
