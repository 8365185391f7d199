"""A household and the people on its roster (who counts is the rules engine's question)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class Household(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    county_code: str = Field(max_length=6, index=True)
    township_id: int = Field(foreign_key="area.id", index=True)
    village_id: int = Field(foreign_key="area.id", index=True)
    address: str = Field(default="", max_length=200)
    hukou_type: str = Field(max_length=10)
    residence_area: str | None = Field(default=None, max_length=10)


class Member(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    household_id: int = Field(foreign_key="household.id", index=True)
    # The member's id in the case file ("m1"), unique within the household.
    key: str = Field(max_length=40)
    position: int = 0
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=18, index=True)
    relation: str = Field(max_length=12)
    hukou_region: str | None = Field(default=None, max_length=6)
    unable_to_live_independently: bool = False
    full_time_student: str | None = Field(default=None, max_length=20)
    exclusion_reason: str | None = Field(default=None, max_length=20)
    exclusion_since: date | None = None
    exclusion_note: str = Field(default="", max_length=500)
    insurance_scheme: str | None = Field(default=None, max_length=10)
    insurance_region: str | None = Field(default=None, max_length=6)
    note: str = Field(default="", max_length=500)
