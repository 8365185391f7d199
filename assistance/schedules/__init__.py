"""Scheduled work: what runs without anyone asking, for each county in service (issue 20)."""
