"""Which parameter table the service uses: the shipped files, a county's local directories, and the
values administrators enter through the service (a data file of their own, see
``admin.parameter_entries``)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from assistance.config import PROJECT_ROOT
from rules.parameters import ParameterTable, load_parameters

ENVIRONMENT_VARIABLE = "ASSISTANCE_PARAMETERS"
# Where values entered through the service are written (one TOML file, FORMAT.md's format).
ENTRY_DIR_VARIABLE = "ASSISTANCE_PARAMETER_ENTRIES"
DEFAULT_ENTRY_DIR = PROJECT_ROOT / "instance" / "parameters"


@lru_cache(maxsize=64)
def _resolved(path: str) -> Path:
    # Asked on every act and case page; resolving walks the path's directories each time.
    return Path(path).resolve()


def entry_dir() -> Path:
    configured = os.environ.get(ENTRY_DIR_VARIABLE, "")
    return _resolved(configured) if configured else DEFAULT_ENTRY_DIR


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
def _table(directories: tuple[Path, ...], stamp: tuple[tuple[str, int, int], ...]) -> ParameterTable:
    return load_parameters.__wrapped__(*directories)


def parameter_table(extra: Iterable[str] = ()) -> ParameterTable:
    return _table(local_parameter_dirs(extra), entered_stamp())
