"""The retention period of what-ifs' lists: how the setting is read (a bad value is refused, never
read as some other period) and from which instant a finished run has kept its list too long."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assistance.config import SCREENING_RETENTION_VARIABLE, UnsafeSetting, screening_retention_days
from assistance.screening.retention import cutoff


@pytest.mark.parametrize(
    ("raw", "days"), [("", 90), ("  ", 90), ("30", 30), (" 365 ", 365), ("off", None), ("OFF", None)]
)
def test_the_setting_is_a_number_of_days_or_off(raw: str, days: int | None) -> None:
    assert screening_retention_days(raw) == days


@pytest.mark.parametrize("raw", ["0", "-5", "90天", "9.5", "３０", "never"])
def test_anything_else_is_refused_naming_the_setting(raw: str) -> None:
    with pytest.raises(UnsafeSetting, match=SCREENING_RETENTION_VARIABLE):
        screening_retention_days(raw)


def test_the_setting_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SCREENING_RETENTION_VARIABLE, raising=False)
    assert screening_retention_days() == 90
    monkeypatch.setenv(SCREENING_RETENTION_VARIABLE, "off")
    assert screening_retention_days() is None


def test_the_cutoff_is_the_start_of_a_day_in_beijing() -> None:
    # 90 days before 31 August 2025 is 2 June: finished before its first instant in Beijing
    # (16:00 UTC on 1 June), a run has kept its list more than 90 days.
    edge = cutoff(date(2025, 8, 31), 90)
    assert edge == datetime(2025, 6, 1, 16, 0, tzinfo=UTC)
    assert cutoff(date(2025, 8, 30), 90) == datetime(2025, 5, 31, 16, 0, tzinfo=UTC)
