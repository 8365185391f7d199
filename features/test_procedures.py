"""The procedures' state machines and deadlines (64号、65号 办理程序)."""

from pytest_bdd import scenarios

scenarios("办理程序.feature")
