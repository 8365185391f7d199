"""Which parameter table the service uses: the shipped files, a county's local directories, and the
values entered through the service (records in the database, ``admin.parameter_entries``; values
entered before they were records, in ``entered.toml``, still count)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Final

from sqlmodel import Session, col, select

from assistance.config import instance_dir
from assistance.models.parameter_entries import IN_FORCE, ParameterEntry
from assistance.models.revisions import reference_revision_read
from rules.parameters import ParameterTable, ParameterValue, load_parameters


@dataclass(frozen=True, slots=True)
class Enterable:
    """A parameter a county sets, entered through the service; the regulations' own ratios
    (1.5倍, 36个月 …) are not. A value outside ``low``–``high`` is refused unless the person
    entering it confirms it (docs/decisions/parameter-entry-bounds.md)."""

    title: str
    unit: str
    low: Decimal
    high: Decimal


ENTERABLE: Final = {
    "dibao_standard": Enterable("城乡最低生活保障标准", "元/人·月", Decimal(300), Decimal(2000)),
    "minimum_wage": Enterable("最低工资标准（月）", "元/月", Decimal(1000), Decimal(4000)),
    "medical_assistance_deductible": Enterable(
        "因病致贫重病患者医疗救助年度起付标准", "元/年", Decimal(500), Decimal(20000)
    ),
}

ENVIRONMENT_VARIABLE = "ASSISTANCE_PARAMETERS"
# Where values entered through the service are written (one TOML file, FORMAT.md's format).
ENTRY_DIR_VARIABLE = "ASSISTANCE_PARAMETER_ENTRIES"


@lru_cache(maxsize=64)
def _resolved(path: str) -> Path:
    # Asked on every act and case page; resolving walks the path's directories each time.
    return Path(path).resolve()


def entry_dir() -> Path:
    configured = os.environ.get(ENTRY_DIR_VARIABLE, "")
    return _resolved(configured) if configured else instance_dir() / "parameters"


def local_parameter_dirs(extra: Iterable[str] = ()) -> tuple[Path, ...]:
    """Directories named on the command line, then those in ASSISTANCE_PARAMETERS (os.pathsep-separated),
    then the directory of entered values when it exists."""
    from_environment = [p for p in os.environ.get(ENVIRONMENT_VARIABLE, "").split(os.pathsep) if p]
    dirs = [_resolved(p) for p in (*extra, *from_environment)]
    entered = entry_dir()
    if entered.is_dir() and entered not in dirs:
        dirs.append(entered)
    return tuple(dirs)


def entered_stamp() -> tuple[tuple[str, int, int], ...]:
    """What changes when a value is entered through the service (the only parameter file written
    while it runs), so that it applies at once in every worker process; the other files are read
    once per process."""
    entered = entry_dir()
    if not entered.is_dir():
        return ()
    stats = ((p.name, p.stat()) for p in sorted(entered.glob("*.toml")))
    return tuple((name, stat.st_mtime_ns, stat.st_size) for name, stat in stats)


@lru_cache(maxsize=8)
def _table(
    directories: tuple[Path, ...],
    stamp: tuple[tuple[str, int, int], ...],
    entries: tuple[ParameterValue, ...],
) -> ParameterTable:
    files = load_parameters.__wrapped__(*directories)
    if not entries:
        return files
    titles = {kind: files.title(kind) for kind in files.kinds}
    return ParameterTable([*files.values(), *entries], titles)


def parameter_table(extra: Iterable[str] = (), session: Session | None = None) -> ParameterTable:
    """The files' values, and with a ``session`` the entries in force."""
    entries = entries_in_force(session) if session is not None else ()
    return _table(local_parameter_dirs(extra), entered_stamp(), entries)


_ENTRIES = (
    select(ParameterEntry).where(col(ParameterEntry.status) == IN_FORCE).order_by(col(ParameterEntry.id))
)
# The entries in force at the latest reference revision read (an entry moves it).
_KEPT: dict[int, tuple[ParameterValue, ...]] = {}


def entries_in_force(session: Session) -> tuple[ParameterValue, ...]:
    revision = reference_revision_read(session)
    if revision is not None and revision in _KEPT:
        return _KEPT[revision]
    found = tuple(as_value(entry) for entry in session.execute(_ENTRIES).scalars())
    if revision is not None:
        _KEPT.clear()
        _KEPT[revision] = found
    return found


def as_value(entry: ParameterEntry) -> ParameterValue:
    """An entry as the rules engine uses it; its source names the entry, so that a decision
    shows which entry it used."""
    enterable = ENTERABLE[entry.kind]
    return ParameterValue(
        kind=entry.kind,
        title=enterable.title,
        unit=enterable.unit,
        county=entry.county,
        area=entry.area,
        effective_from=entry.effective_from,
        effective_to=entry.effective_to,
        amount=entry.amount,
        source=f"{entry.source}（参数录入第{entry.id}号）",
        note=entry.note,
    )
