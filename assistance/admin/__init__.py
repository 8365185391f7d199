"""The administrator's work: accounts, holiday schedules and parameter entries."""
