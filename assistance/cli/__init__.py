"""The ``assistance`` command line. Each module adds its commands to ``main``."""

from assistance.cli import accounts, backups, casework, engine, screening, setup, trail, worker  # noqa: F401  (commands register on import)
from assistance.cli.base import main

__all__ = ["main"]
