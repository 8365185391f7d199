"""The document worker's wait for a quiet machine, on a made-up machine whose CPU times it is told."""

from __future__ import annotations

from assistance.runtime.quiet_machine import QuietMachine, cpu_times


class Machine:
    """A clock, and the busy CPU seconds of the whole machine and of this process, moved by
    ``sleep``: while the worker sleeps, the others use ``others`` cores and it uses none."""

    def __init__(self, others: list[float]) -> None:
        self.now = 0.0
        self.busy = 0.0
        self.own = 0.0
        self.others = others  # cores used by the others in each successive sleep
        self.slept: list[float] = []

    def times(self) -> tuple[float, float]:
        return self.busy, self.own

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        cores = self.others.pop(0) if self.others else 0.0
        self.now += seconds
        self.busy += cores * seconds
        self.slept.append(seconds)

    def lay_out(self, seconds: float, others: float) -> None:
        """The worker busy on one core for ``seconds`` while the others use ``others`` cores."""
        self.now += seconds
        self.own += seconds
        self.busy += (1 + others) * seconds


def gate(machine: Machine, busy_above: float = 0.5, longest_wait: float = 60) -> QuietMachine:
    return QuietMachine(busy_above, longest_wait, 0.25, machine.times, machine.clock, machine.sleep)


def test_on_a_quiet_machine_the_worker_goes_on_after_one_look() -> None:
    machine = Machine(others=[0.1])
    assert gate(machine).wait() is True
    assert machine.slept == [0.25]


def test_while_the_others_are_busy_the_worker_looks_again_until_they_are_quiet() -> None:
    machine = Machine(others=[1.6, 1.8, 1.2, 0.2])
    assert gate(machine).wait() is True
    assert machine.slept == [0.25, 0.25, 0.25, 0.25]


def test_the_worker_does_not_count_its_own_layout_as_the_machine_being_busy() -> None:
    machine = Machine(others=[0.0])
    quiet = gate(machine)
    assert quiet.wait() is True
    machine.lay_out(0.4, others=0.1)  # the worker's own core, and little else
    assert quiet.wait() is True
    assert machine.slept == [0.25]  # judged by the time the layout took: no second look


def test_a_burst_during_the_layout_holds_the_next_one_back() -> None:
    machine = Machine(others=[0.0, 0.1])
    quiet = gate(machine)
    quiet.wait()
    machine.lay_out(0.4, others=1.5)
    assert quiet.wait() is True
    assert machine.slept == [0.25, 0.25]  # looked again once the burst had passed


def test_a_machine_that_is_never_quiet_still_gets_its_documents_after_the_longest_wait() -> None:
    machine = Machine(others=[2.0] * 1000)
    assert gate(machine, longest_wait=5).wait() is False
    assert 5 <= machine.now <= 5.5


def test_where_the_machine_does_not_say_the_worker_does_not_wait() -> None:
    quiet = QuietMachine(0.5, 60, 0.25, lambda: None, lambda: 0.0, lambda _: None)
    assert quiet.wait() is True


def test_this_machine_says_how_busy_it_is() -> None:
    found = cpu_times()
    assert found is not None
    busy, own = found
    assert busy > 0 and own > 0
