"""The periodic recheck of recognised families (64号 第二十六条)."""

from pytest_bdd import scenarios

scenarios("定期核查.feature")
