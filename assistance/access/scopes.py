"""Which rows an actor may see, one scope per kind of row. Each scope gives both the SQL filter
for a query and the check on one row already read, from the same rule.

- ``CASES``: applicants see what they filed, village and township staff their own area's cases,
  county staff their county's, the administrator all.
- ``AreaScope`` for an area's business that is not a case (real-name reports, monitoring
  referrals, periodic rechecks, batch jobs, agency lists, parameter entries): the county's staff
  see their county's, a township its own where the kind has townships, the administrator all.
- ``may_file_in``: where an actor may file: applicants anywhere, a village committee in its
  village, township staff in their township's villages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Protocol

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from assistance.models import Case
from assistance.models.users import ADMIN, APPLICANT, COUNTY, TOWNSHIP, VILLAGE


class HasRole(Protocol):
    @property
    def role(self) -> str: ...


class InArea(HasRole, Protocol):
    """An actor, or an account: its role and the area it works in."""

    @property
    def area_id(self) -> int | None: ...


class Scoped(InArea, Protocol):
    @property
    def user_id(self) -> int: ...
    @property
    def county_code(self) -> str | None: ...


_CASES: sa.Table = Case.__table__  # type: ignore[attr-defined]

# Cases: the case column that must hold the actor's own value, and the actor's field holding it.
CASE_COLUMNS: Final[dict[str, tuple[str, str]]] = {
    APPLICANT: ("filed_by_user_id", "user_id"),
    VILLAGE: ("village_id", "area_id"),
    TOWNSHIP: ("township_id", "area_id"),
    COUNTY: ("county_code", "county_code"),
}
SEES_ALL: Final = ADMIN


class CaseScope:
    def value_of(self, actor: Scoped) -> int | str | None:
        """The actor's own value of their role's case column: user id, area id or county code."""
        column = CASE_COLUMNS.get(actor.role)
        return getattr(actor, column[1]) if column else None

    def _where(self, role: str, value: Any) -> ColumnElement[bool]:
        if role == SEES_ALL:
            return sa.true()
        column = CASE_COLUMNS.get(role)
        return _CASES.c[column[0]] == value if column else sa.false()

    def where(self, actor: Scoped) -> ColumnElement[bool]:
        return self._where(actor.role, self.value_of(actor))

    def where_for_role(self, role: str) -> ColumnElement[bool]:
        """``where`` for any actor of a role, their own value left as the parameter ``scope``: a
        statement built once per role serves every actor of it."""
        return self._where(role, sa.bindparam("scope"))

    def joined(self, role: Any, columns: dict[str, Any]) -> ColumnElement[bool]:
        """``where`` written out for every role at once, for a statement that reads the role in
        the same go: ``role`` is its column, ``columns`` the columns of the actor's fields."""
        return sa.or_(
            role == SEES_ALL,
            *(
                sa.and_(role == each, _CASES.c[column] == columns[field])
                for each, (column, field) in CASE_COLUMNS.items()
            ),
        )

    def allows(self, actor: Scoped, case: Case) -> bool:
        if actor.role == SEES_ALL:
            return True
        column = CASE_COLUMNS.get(actor.role)
        return column is not None and getattr(case, column[0]) == self.value_of(actor)


CASES: Final = CaseScope()


@dataclass(frozen=True, slots=True)
class AreaScope:
    # Whether a township's staff see the rows of their own township (else only the county's do).
    townships: bool

    def where(self, actor: Scoped, county: Any, township: Any = None) -> ColumnElement[bool]:
        """Given the row's county code column and, where townships see their own, its township
        column."""
        if actor.role == SEES_ALL:
            return sa.true()
        if actor.role == COUNTY:
            return sa.and_(county == actor.county_code)
        own = self.township_of(actor)
        if own is not None and township is not None:
            return sa.and_(township == own)
        return sa.false()

    def allows(self, actor: Scoped, county_code: str, township_id: int | None = None) -> bool:
        if actor.role == SEES_ALL:
            return True
        if actor.role == COUNTY:
            return county_code == actor.county_code
        own = self.township_of(actor)
        return own is not None and township_id is not None and township_id == own

    def township_of(self, account: InArea) -> int | None:
        """The township whose rows the account sees, if its scope is one township."""
        return account.area_id if self.townships and account.role == TOWNSHIP else None


REPORTS: Final = AreaScope(townships=True)
REFERRALS: Final = AreaScope(townships=True)
RECHECKS: Final = AreaScope(townships=True)
JOBS: Final = AreaScope(townships=False)
AGENCY_LISTS: Final = AreaScope(townships=False)
PARAMETER_ENTRIES: Final = AreaScope(townships=False)
DIGESTS: Final = AreaScope(townships=True)
ARCHIVE_EXPORTS: Final = AreaScope(townships=True)


def may_file_in(actor: HasRole, own_area: object, village: object, township: object) -> bool:
    """Whether the actor files for a household of ``village`` in ``township``; ``own_area`` is the
    actor's area, named the way the other two are (ids, or codes)."""
    if actor.role == APPLICANT:
        return True
    if actor.role == VILLAGE:
        return own_area == village
    return actor.role == TOWNSHIP and own_area == township


__all__ = [
    "AGENCY_LISTS",
    "ARCHIVE_EXPORTS",
    "CASES",
    "CASE_COLUMNS",
    "DIGESTS",
    "JOBS",
    "PARAMETER_ENTRIES",
    "RECHECKS",
    "REFERRALS",
    "REPORTS",
    "AreaScope",
    "CaseScope",
    "may_file_in",
]
