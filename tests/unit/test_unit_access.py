"""Access lives in one place: the permissions every check names exist, no role is compared outside
``assistance.access``, and each scope's SQL filter and its check on one row agree."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from assistance.access import permissions, scopes
from assistance.models import Case
from assistance.models.users import ROLES

ROOT = Path(__file__).resolve().parents[2]
CASE: sa.Table = Case.__table__  # type: ignore[attr-defined]
ACCESS = ROOT / "assistance" / "access"
NAMED = re.compile(r"""\b(?:may|require|require_permission|holders)\(\s*(?:[\w.]+,\s*)?["'](\w+)["']""")
PERMISSIONS_INDEXED = re.compile(r"""PERMISSIONS\[["'](\w+)["']\]""")
# A role compared in Python (``x.role == …``, ``role in (…)``) or in a template.
COMPARED = re.compile(r"""\brole\s*(?:==|!=|\bin\b|\bnot in\b)|(?:==|!=)\s*[\w.]*\.role\b""")


def _sources() -> list[Path]:
    code = [p for p in (ROOT / "assistance").rglob("*.py") if ACCESS not in p.parents]
    return code + list((ROOT / "templates").rglob("*.html"))


def test_every_permission_named_is_in_the_table() -> None:
    named = {
        (path.relative_to(ROOT), name)
        for path in _sources()
        for pattern in (NAMED, PERMISSIONS_INDEXED)
        for name in pattern.findall(path.read_text(encoding="utf-8"))
    }
    assert named, "the pattern finds the checks"
    unknown = sorted((str(path), name) for path, name in named if name not in permissions.PERMISSIONS)
    assert not unknown


def test_no_role_is_compared_outside_the_access_package() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if COMPARED.search(line)
    ]
    assert not found


def test_every_permission_is_held_by_known_roles() -> None:
    for name, permission in permissions.PERMISSIONS.items():
        assert permission.roles, name
        assert permission.roles <= set(ROLES), name
    assert set(permissions.HOUSEHOLD_EDITING) <= set(ROLES)
    assert set(permissions.DOCUMENT_AUDIENCES) == set(ROLES)


@dataclass(frozen=True)
class Someone:
    role: str
    user_id: int
    area_id: int | None
    county_code: str | None


# Two of everything: a row matches an actor's value or it does not.
ACTORS = [
    Someone(role, user_id, area_id, county)
    for role, user_id, area_id, county in itertools.product(
        ROLES, (1, 2), (None, 10, 11), (None, "140802", "140881")
    )
]
CASE_ROWS = [
    {
        "id": n,
        "filed_by_user_id": filer,
        "village_id": village,
        "township_id": township,
        "county_code": county,
    }
    for n, (filer, village, township, county) in enumerate(
        itertools.product((1, 2), (10, 11), (10, 11), ("140802", "140881")), 1
    )
]


@dataclass(frozen=True)
class CaseRow:
    id: int
    filed_by_user_id: int
    village_id: int
    township_id: int
    county_code: str


def test_the_case_scope_filters_the_rows_it_allows() -> None:
    """On a table of the case's name with only the columns the scope reads."""
    engine = sa.create_engine("sqlite://")
    table = sa.Table(
        "assistance_case",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        *(sa.Column(name, sa.Integer) for name in ("filed_by_user_id", "village_id", "township_id")),
        sa.Column("county_code", sa.String),
    )
    with engine.begin() as connection:
        table.create(connection)
        connection.execute(table.insert(), CASE_ROWS)
        cases = scopes.CASES
        for actor in ACTORS:
            selected = set(connection.execute(sa.select(CASE.c.id).where(cases.where(actor))).scalars())
            allowed = {row["id"] for row in CASE_ROWS if cases.allows(actor, CaseRow(**row))}  # type: ignore[arg-type]
            assert selected == allowed, actor
            by_role = connection.execute(
                sa.select(CASE.c.id).where(cases.where_for_role(actor.role)),
                {"scope": cases.value_of(actor)},
            )
            assert set(by_role.scalars()) == allowed, actor


@pytest.mark.parametrize("scope", [scopes.REPORTS, scopes.JOBS], ids=["with townships", "county only"])
def test_an_area_scope_filters_the_rows_it_allows(scope: scopes.AreaScope) -> None:
    engine = sa.create_engine("sqlite://")
    table = sa.Table(
        "business",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("county_code", sa.String),
        sa.Column("township_id", sa.Integer, nullable=True),
    )
    rows = [
        {"id": n, "county_code": county, "township_id": township}
        for n, (county, township) in enumerate(itertools.product(("140802", "140881"), (None, 10, 11)), 1)
    ]
    with engine.begin() as connection:
        table.create(connection)
        connection.execute(table.insert(), rows)
        for actor in ACTORS:
            where = scope.where(actor, table.c.county_code, table.c.township_id)
            selected = set(connection.execute(sa.select(table.c.id).where(where)).scalars())
            allowed = {r["id"] for r in rows if scope.allows(actor, r["county_code"], r["township_id"])}
            assert selected == allowed, actor
