"""The areas a case names (its county, township and village) as plain values, kept by the
process for as long as the reference revision stands.

Every filing, act and case page names them, and the county says whether it delegated confirmation
to its townships (64号 第三十二条, 65号 第二十六条). Areas change only with the reference revision
(``models.revisions``), which ``actors.actor_for`` reads with the actor at the start of each
request, before anything else: a place kept for that revision is never older than what the
request goes on to read. Without a revision (a caller with no actor) the places are read afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session

from assistance.models import Area
from assistance.models.areas import COUNTY

_AREAS: sa.Table = Area.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Place:
    id: int
    code: str
    name: str
    level: str
    county_code: str
    parent_id: int | None
    confirmation_delegated: bool
    backdating_working_days: int
    step_days: dict[str, int] | None = None


@dataclass
class _Kept:
    """The places read at one reference revision, by id and by code (codes are unique)."""

    revision: int
    by_id: dict[int, Place] = field(default_factory=dict)
    by_code: dict[str, Place] = field(default_factory=dict)

    def add(self, places: list[Place]) -> None:
        for place in places:
            self.by_id[place.id] = place
            self.by_code[place.code] = place


# Only the latest revision's: a new one replaces the whole (one assignment, safe across threads).
_kept = _Kept(revision=0)

_COLUMNS = (
    _AREAS.c.id, _AREAS.c.code, _AREAS.c.name, _AREAS.c.level, _AREAS.c.county_code, _AREAS.c.parent_id,
    _AREAS.c.confirmation_delegated, _AREAS.c.backdating_working_days, _AREAS.c.step_days,
)  # fmt: skip
# Built once: a case's three places, a village with its township, an area by id.
_OF_CASE = sa.select(*_COLUMNS).where(
    sa.or_(
        sa.and_(_AREAS.c.code == sa.bindparam("county"), _AREAS.c.level == COUNTY),
        _AREAS.c.id == sa.bindparam("township"),
        _AREAS.c.id == sa.bindparam("village"),
    )
)
_TOWNSHIP = _AREAS.alias("township")
_VILLAGE_AND_TOWNSHIP = (
    sa.select(*_COLUMNS, *(_TOWNSHIP.c[c.name] for c in _COLUMNS))
    .select_from(_AREAS.join(_TOWNSHIP, _TOWNSHIP.c.id == _AREAS.c.parent_id))
    .where(_AREAS.c.code == sa.bindparam("code"))
)
_BY_ID = sa.select(*_COLUMNS).where(_AREAS.c.id == sa.bindparam("id"))


def _kept_for(revision: int | None) -> _Kept | None:
    global _kept
    if revision is None:
        return None
    if _kept.revision != revision:
        _kept = _Kept(revision)
    return _kept


def _read(session: Session, query: sa.Select[Any], parameters: dict[str, object]) -> list[Place]:
    rows = session.connection().execute(query, parameters)
    return [Place(*cast(tuple[Any, ...], row)) for row in rows]


def _session_places(session: Session) -> dict[int, Place]:
    """The places this session has named, by id."""
    held: dict[int, Place] = session.info.setdefault("places", {})
    return held


def of_case(
    session: Session, county_code: str, township_id: int | None, village_id: int | None, revision: int | None
) -> Place | None:
    """The county of a case (by code), with its township and village (by id) held for the session
    (``named``)."""
    kept = _kept_for(revision)
    county = kept.by_code.get(county_code) if kept else None
    if county is not None and county.level != COUNTY:
        county = None
    township = kept.by_id.get(township_id) if kept and township_id is not None else None
    village = kept.by_id.get(village_id) if kept and village_id is not None else None
    if (
        county is None
        or (township is None) != (township_id is None)
        or (village is None) != (village_id is None)
    ):
        found = _read(
            session, _OF_CASE, {"county": county_code, "township": township_id, "village": village_id}
        )
        if kept:
            kept.add(found)
        county = next((p for p in found if p.code == county_code and p.level == COUNTY), None)
        township = next((p for p in found if p.id == township_id), None)
        village = next((p for p in found if p.id == village_id), None)
    held = _session_places(session)
    for place in (county, township, village):
        if place is not None:
            held[place.id] = place
    return county


def village_and_township(session: Session, code: str, revision: int | None) -> tuple[Place, Place] | None:
    """A village (by code) and the township above it; None if the code names no village."""
    kept = _kept_for(revision)
    village = kept.by_code.get(code) if kept else None
    township = kept.by_id.get(village.parent_id) if kept and village and village.parent_id else None
    if village is None or township is None:
        row = session.connection().execute(_VILLAGE_AND_TOWNSHIP, {"code": code}).first()
        if row is None:
            return None
        village, township = Place(*row[: len(_COLUMNS)]), Place(*row[len(_COLUMNS) :])
        if kept:
            kept.add([village, township])
    if village is None or township is None or village.level != "village":
        return None
    return village, township


def named(session: Session, area_id: int) -> Place:
    """An area the session has named already (``of_case``), or read now."""
    held = _session_places(session)
    if area_id not in held:
        found = _read(session, _BY_ID, {"id": area_id})
        assert found, f"no area {area_id}"
        held[area_id] = found[0]
    return held[area_id]
