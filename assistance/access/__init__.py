"""Who may see and do what, in one place: the actor (``actors``), the table of permissions
(``permissions``: what → which roles) and a scope per kind of row (``scopes``: the SQL filter and
the check on one row). Nothing outside this package compares a role."""

from assistance.access.actors import (
    Actor,
    actor_and_case_stamp,
    actor_for,
    not_visible,
    visible_case,
)
from assistance.access.permissions import (
    household_editable_states,
    may,
    may_edit_household,
    may_fire,
    reads_audience,
    require,
    role_holds,
)
from assistance.access.scopes import (
    AGENCY_LISTS,
    ARCHIVE_EXPORTS,
    CASES,
    DIGESTS,
    JOBS,
    PARAMETER_ENTRIES,
    RECHECKS,
    REFERRALS,
    REPORTS,
    may_file_in,
)

__all__ = [
    "AGENCY_LISTS",
    "ARCHIVE_EXPORTS",
    "CASES",
    "DIGESTS",
    "JOBS",
    "PARAMETER_ENTRIES",
    "RECHECKS",
    "REFERRALS",
    "REPORTS",
    "Actor",
    "actor_and_case_stamp",
    "actor_for",
    "household_editable_states",
    "may",
    "may_edit_household",
    "may_file_in",
    "may_fire",
    "not_visible",
    "reads_audience",
    "require",
    "role_holds",
    "visible_case",
]
