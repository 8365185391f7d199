"""Waiting until the rest of the machine is quiet, for work that can wait (laying out documents).

Laying out a Chinese document takes a few hundred milliseconds of CPU and much of the processor's
caches. Beside the web service, even at idle priority, it made every request late: at 200
requests/s on 2 cores, p99 went from 56 ms without the document worker to 296 ms with it. A worker
that looks first, and lays out the next document only while the other processes leave the cores
alone, lays out the same documents in the pauses between bursts instead. A reader who asks for a
document before then has it laid out at once (``rendering.rendered_file``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

CpuTimes = Callable[[], tuple[float, float] | None]


def machine_busy_seconds() -> float | None:
    """CPU seconds the machine has spent on anything but idling and waiting for I/O, all cores
    (Linux ``/proc/stat``); None where the machine does not say."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields)
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cpu_times() -> tuple[float, float] | None:
    """CPU seconds the machine has spent busy and those this process has spent; None where the
    machine does not say."""
    busy = machine_busy_seconds()
    if busy is None:
        return None
    own = os.times()
    return busy, own.user + own.system


class QuietMachine:
    """``wait()`` returns once the other processes used fewer than ``busy_above`` cores since the
    last look (the time the last document took to lay out, say), looking again every ``look``
    seconds while they are busy, and after ``longest_wait`` seconds in any case, so that a machine
    that is never quiet still gets the work done."""

    def __init__(
        self,
        busy_above: float,
        longest_wait: float,
        look: float = 0.25,
        times: CpuTimes = cpu_times,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.busy_above = busy_above
        self.longest_wait = longest_wait
        self.look = look
        self._times, self._clock, self._sleep = times, clock, sleep
        self._last: tuple[tuple[float, float] | None, float] | None = None

    def others_busy(self) -> float | None:
        """Cores the other processes used since the last look (the first look takes ``look``
        seconds); None where the machine does not say."""
        if self._last is None:
            self._last = (self._times(), self._clock())
            self._sleep(self.look)
        before, started = self._last
        after, now = self._times(), self._clock()
        self._last = (after, now)
        if before is None or after is None or now <= started:
            return None
        return max(0.0, (after[0] - before[0]) - (after[1] - before[1])) / (now - started)

    def wait(self) -> bool:
        """True when the machine was quiet, False when the longest wait ran out first."""
        give_up = self._clock() + self.longest_wait
        while True:
            busy = self.others_busy()
            if busy is None or busy < self.busy_above:
                return True
            if self._clock() >= give_up:
                return False
            self._sleep(self.look)


__all__ = ["QuietMachine", "cpu_times", "machine_busy_seconds"]
