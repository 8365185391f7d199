"""Which process this is, in the rows it writes for others to read (a batch chunk's runner, a
failed task): this machine and process id."""

from __future__ import annotations

import os
import socket
from typing import Final

RUNNER: Final = f"{socket.gethostname()}:{os.getpid()}"[:100]

__all__ = ["RUNNER"]
