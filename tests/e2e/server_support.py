"""Starting a server the way an installation does, for the end-to-end tests: a free port on the
loopback, and waiting until the server answers ``/healthz`` (failing with its own words if it
stops first)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_live(base: str, server: subprocess.Popen[bytes], seconds: float = 30) -> None:
    """Until ``{base}/healthz`` answers; the server's error output if it exits before."""
    give_up = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            return
        except OSError:
            if server.poll() is not None:
                said = server.stderr.read().decode()[-2000:] if server.stderr else ""
                raise AssertionError(f"the server stopped (exit {server.returncode}): {said}") from None
            if time.monotonic() > give_up:
                raise AssertionError(f"{base} did not answer in {seconds} s") from None
            time.sleep(0.2)


__all__ = ["free_port", "wait_until_live"]
