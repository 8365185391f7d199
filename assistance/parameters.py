"""Which parameter table the service uses: the shipped files plus a county's local directories."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from rules.parameters import ParameterTable, load_parameters

ENVIRONMENT_VARIABLE = "ASSISTANCE_PARAMETERS"


def local_parameter_dirs(extra: Iterable[str] = ()) -> tuple[Path, ...]:
    """Directories named on the command line, then those in ASSISTANCE_PARAMETERS (os.pathsep-separated)."""
    from_environment = [p for p in os.environ.get(ENVIRONMENT_VARIABLE, "").split(os.pathsep) if p]
    return tuple(Path(p).resolve() for p in (*extra, *from_environment))


def parameter_table(extra: Iterable[str] = ()) -> ParameterTable:
    return load_parameters(*local_parameter_dirs(extra))
