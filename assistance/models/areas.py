"""Administrative areas: county (县、市、区) → township or street (乡镇、街道) → village or community."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

COUNTY = "county"
TOWNSHIP = "township"
VILLAGE = "village"
LEVELS = (COUNTY, TOWNSHIP, VILLAGE)


class Area(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, unique=True, index=True)
    name: str = Field(max_length=60)
    level: str = Field(max_length=10, index=True)
    parent_id: int | None = Field(default=None, foreign_key="area.id", index=True)
    county_code: str = Field(max_length=6, index=True)
    # 64号 第三十二条, 65号 第二十六条: a county may delegate confirmation to its townships.
    confirmation_delegated: bool = Field(default=False)
    # How many working days before the day it is entered an act may take effect, with a reason
    # (a county setting; acts are entered when done, a paper record a few days late at most).
    backdating_working_days: int = Field(default=3, sa_column_kwargs={"server_default": "3"})
    # The county's own working days for the steps 64号 asks to be done “及时”
    # ("dibao_edge.investigation" → days);
    # a step not named keeps the default its workflow declares (workflow/steps.py).
    step_days: dict[str, int] | None = Field(default=None, sa_type=sa.JSON)
