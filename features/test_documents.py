"""The documents the acts issue, and what they must and must not say."""

from pytest_bdd import scenarios

scenarios("文书.feature")
