"""The strict reading of a case file: all or nothing, for the case file that has no error.

Almost every case file read is valid, and the general reading (:mod:`rules.plan`) still paid for
what only an invalid one needs: a path for every field and item, the values of each record in a
dictionary for the checks to look at, an error list consulted at every step. The strict reading
is generated from the same declarations and plans as one function for the whole case file, the
records it holds written into it rather than called; each value goes straight into the record
being built, no path is made, and nothing is reported. At the first value it does not vouch for
(absent where required, not already valid as given, or failing a check) it gives up with
:class:`Doubt`, and the case file is read again from the start by the general reading, which
finds and words every error exactly as before. So the strict reading only ever decides that a
case file is valid, and then builds the very records the general reading would.

Its checks (``Reader.strict_checks``) are predicates on the records built, not messages: they
hold or they do not. A case file's checks against its application date are made once the whole
case is built, since the order of the checks no longer matters when none may fail.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rules import declaration as d
from rules.declaration import Condition, Fact
from rules.plan import inline, plan_of

_ZERO = Decimal(0)
_FEN = Decimal("0.01")


class Doubt(Exception):
    """A value the strict reading does not vouch for: the general reading decides."""


# Reads one record strictly: (raw data, reader) → the record; raises Doubt.
StrictReader = Callable[[Any, Any], Any]
# Whether a record built by the strict reading passes the record's checks: (reader, record).
# It may complete the record with an attribute its declarations do not give (a member's birth
# date, from the ID number) before the record is shared.
StrictCheck = Callable[[Any, Any], bool]


# The strict readings compiled so far, by record and reader class.
_COMPILED: dict[tuple[type, type], StrictReader] = {}


def strict_of(record: type, owner: type) -> StrictReader:
    """The strict reading of ``record`` with the checks (``strict_checks``) of the reader class
    ``owner``, compiled on first use; the declarations do not change after import."""
    compiled = _COMPILED.get((record, owner))
    if compiled is None:
        compiled = _COMPILED[record, owner] = _compile(record, owner)
    return compiled


def _compile(record: type, owner: type) -> StrictReader:
    """One function reading the record and every record it holds: a call for each of a case
    file's dozen records cost as much as reading their fields."""
    from rules.reader import (  # the reader imports this module
        EARLIEST_DATE,
        LATEST_DATE,
        MAX_AMOUNT,
        SCHEMA_VERSION,
    )

    bound: dict[str, Any] = {
        "new": object.__new__,
        "Doubt": Doubt,
        "InvalidOperation": InvalidOperation,
        "decimal": Decimal,
        "day": date.fromisoformat,
        "earliest": EARLIEST_DATE,
        "latest": LATEST_DATE,
        "zero": _ZERO,
        "fen": _FEN,
        "most": MAX_AMOUNT,
    }
    checks: Mapping[type, StrictCheck] = getattr(owner, "strict_checks", {})
    writer = _Writer(checks, bound, int(MAX_AMOUNT), SCHEMA_VERSION)
    body = writer.record(record, "raw")
    source = "\n".join(
        [
            f"def make({', '.join(bound)}):",
            "    def read(raw, reader):",
            *(" " * 8 + line for line in body),
            f"        return {writer.built_of(record)}",
            "    return read",
        ]
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # the source is built above from the records' own declarations
    made: StrictReader = namespace["make"](**bound)
    return made


class _Writer:
    """Writes the strict reading of one record, and of the records it holds into it. Each record
    written gets a prefix for its locals and bound names (``r0_``, ``r1_``, …): a nested record's
    locals must not overwrite those of the record holding it. ``given`` and ``text`` are shared:
    each is used up before anything nested is read."""

    def __init__(
        self, checks: Mapping[type, StrictCheck], bound: dict[str, Any], most: int, version: int
    ) -> None:
        self.checks, self.bound, self.most, self.version = checks, bound, most, version
        self.prefixes: dict[type, str] = {}

    def built_of(self, record: type) -> str:
        return f"{self.prefixes[record]}built"

    def record(self, record: type, raw: str) -> list[str]:
        """Lines reading the data named ``raw`` into the local ``<prefix>built``."""
        p = self.prefixes.setdefault(record, f"r{len(self.prefixes)}_")
        plan, bound = plan_of(record), self.bound
        bound[f"{p}keys"], bound[f"{p}record"] = plan.keys, record
        # Each value goes straight into the record's twin (see ``twin_of``) as it is read; where
        # there is none, into a local, and from there into the record through its slots.
        twin = twin_of(record)
        bound[f"{p}new"] = twin or record
        body = [
            f"if {raw}.__class__ is not dict:",
            "    raise Doubt",
            f"{p}get = {raw}.get",
            f"{p}absent = 0",
        ]
        if twin:
            body.append(f"{p}built = new({p}new)")
        # The local holding each attribute read so far (None while absent), for the conditions.
        seen: dict[str, str] = {}
        for number, (fact, key, attribute, _, required, meaningful, empty_is_absent) in enumerate(
            plan.fields
        ):
            value = f"{p}built.{attribute}" if twin else f"{p}v{number}"
            default = _default(record, attribute, f"{p}default{number}", bound)
            body += [
                f"given = {p}get({key!r})",
                "if given is None" + (" or given == []:" if empty_is_absent else ":"),
            ]
            if fact.required:
                body.append("    raise Doubt")
            else:
                body.append(f"    {p}absent += 1")
                if required is not None:
                    assert fact.required_when is not None
                    body.append(f"    if {_test(fact.required_when, seen, bound)}:")
                    body.append("        raise Doubt")
                body.append(f"    {value} = {default}")
            if meaningful is not None:
                assert fact.only_when is not None
                body += [f"elif not ({_meaningful(fact.only_when, seen, bound)}):", "    raise Doubt"]
            body += self.value(fact, f"{p}{number}", value, default)
            if _named_in_conditions(attribute, plan.fields):
                # Only a field read inline is named: ``given`` is still its own.
                assert fact.kind not in (d.RECORD, d.ITEMS)
                seen[attribute] = f"{p}c{number}"
                absent = "given is None" + (" or given == []" if empty_is_absent else "")
                body.append(f"{p}c{number} = None if {absent} else {value}")
        # Every key given is declared when the keys given with a value are all the keys there
        # are; one given as null (or an empty list) leaves the question to the full comparison.
        body += [
            f"if len({raw}) + {p}absent != {len(plan.fields)} and not {raw}.keys() <= {p}keys:",
            "    raise Doubt",
        ]
        if not twin:
            body.append(f"{p}built = new({p}new)")
        numbers = {fields[0].attribute: number for number, fields in enumerate(plan.fields)}
        unset: list[str] = []
        for position, field in enumerate(dataclasses.fields(record)):
            if field.name in numbers:
                if twin:  # read in already
                    continue
                value = f"{p}v{numbers[field.name]}"
            elif field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING:
                value = _default(record, field.name, f"{p}undeclared{position}", bound)
            else:  # not declared: left for the record's check to complete
                unset.append(field.name)
                continue
            if twin:
                body.append(f"{p}built.{field.name} = {value}")
            else:
                bound[f"{p}set{position}"] = getattr(record, field.name).__set__
                body.append(f"{p}set{position}({p}built, {value})")
        if twin:
            body.append(f"{p}built.__class__ = {p}record")
        check = self.checks.get(record)
        if check is not None:
            bound[f"{p}check"] = check
            body += [f"if not {p}check(reader, {p}built):", "    raise Doubt"]
        elif unset:  # nothing would complete it: the general reading decides, as for any doubt
            body.append("raise Doubt")
        return body

    def value(self, fact: Fact, name: str, value: str, default: str) -> list[str]:
        """The branches of the ``if`` reading a given value into ``value``."""
        kind = fact.kind
        fast = inline(fact, name, self.bound)
        if fast:
            lines = [f"elif {fast[0]}:", f"    {value} = {fast[1]}"]
        elif kind == d.DAY:
            lines = ["elif given.__class__ is str and len(given) == 10:", *_day(value)]
        elif kind == d.MONEY:
            lines = _money(value, self.most)
        elif kind == d.RECORD:
            nested = self.record(fact.record or object, f"{name}_raw")
            inner = self.built_of(fact.record or object)
            return [
                "else:",
                f"    {name}_raw = given",
                *("    " + line for line in nested),
                f"    {value} = {inner}",
            ]
        elif kind == d.ITEMS:
            nested = self.record(fact.record or object, f"{name}_raw")
            inner = self.built_of(fact.record or object)
            lines = [
                f"elif given.__class__ is list and len(given) <= {fact.max_items}:",
                f"    {name}_items = []",
                f"    for {name}_raw in given:",
                *("        " + line for line in nested),
                f"        {name}_items.append({inner})",
                f"    {value} = tuple({name}_items)",
            ]
        elif kind == d.VERSION:  # the one version there is, kept as the default
            lines = [
                f"elif given.__class__ is int and given == {self.version!r}:",
                f"    {value} = {default}",
            ]
        elif kind == d.OVERRIDES:  # what-if values are rare: only none given is read here
            lines = ["elif given.__class__ is dict and not given:", f"    {value} = {{}}"]
        else:
            lines = []
        return [*lines, "else:", "    raise Doubt"]


@functools.cache
def twin_of(record: type) -> type | None:
    """A plain class with the record's slots, or None where the record has other ancestry.

    A frozen record refuses assignment, and setting each slot through its descriptor is a call
    each; its twin takes plain assignments, which the interpreter does fastest, and an instance
    of it then becomes the record by ``__class__`` assignment, which Python allows between
    classes of the same layout. In half the time, the very object ``record.__init__`` builds."""
    slots = record.__dict__.get("__slots__")
    if slots is None or record.__bases__ != (object,):
        return None
    twin = type(f"{record.__name__}Twin", (), {"__slots__": tuple(slots), "__module__": __name__})
    probe: Any = object.__new__(twin)
    try:
        probe.__class__ = record
    except TypeError:  # a layout Python does not take for the same
        return None
    return twin


def _day(value: str) -> list[str]:
    """``plan._day``: a 10-character string that ``date.fromisoformat`` reads has no surrounding
    whitespace, so the general reading would read it to the same day."""
    return [
        "    try:",
        f"        {value} = day(given)",
        "    except ValueError:",
        "        raise Doubt from None",
        f"    if not earliest <= {value} <= latest:",
        "        raise Doubt",
    ]


def _money(value: str, most: int) -> list[str]:
    """``plan._money``, written in. Whole yuan in ASCII digits, the commonest, need no check but
    their length; otherwise a NaN (the one value that is not finite and not out of range) makes a
    comparison raise InvalidOperation, so ``is_finite`` need not be asked; a whole number of yuan
    is exact to the fen."""
    whole = f"given.isdigit() and given.isascii() and len(given) < {len(str(most))}"
    return [
        f"elif (kind := given.__class__) is str and {whole}:",
        f"    {value} = decimal(given)",
        "elif kind is str or kind is decimal:",
        "    try:",
        f"        {value} = decimal(given.strip() if kind is str else given)",
        f"        kept = zero <= {value} <= most and {value} == {value}.quantize(fen)",
        "    except InvalidOperation:",
        "        raise Doubt from None",
        "    if not kept:",
        "        raise Doubt",
        f"elif kind is int and 0 <= given <= {most}:",
        f"    {value} = decimal(given)",
    ]


def _default(record: type, attribute: str, name: str, bound: dict[str, Any]) -> str:
    """The value an absent field takes, as the record's ``__init__`` would give it, bound as
    ``name``."""
    field = next(f for f in dataclasses.fields(record) if f.name == attribute)
    if field.default_factory is not dataclasses.MISSING:
        bound[name] = field.default_factory
        return f"{name}()"
    bound[name] = None if field.default is dataclasses.MISSING else field.default
    return name


def _named_in_conditions(attribute: str, fields: tuple[Any, ...]) -> bool:
    return any(
        condition is not None and attribute in condition
        for fact, *_ in fields
        for condition in (fact.required_when, fact.only_when)
    )


def _terms(condition: Condition, seen: dict[str, str], bound: dict[str, Any]) -> list[tuple[str, str]]:
    """Each field the condition names, as the local read for it (None while absent or not yet
    read, as ``values.get`` gives it the general reading), with the name of its allowed values."""
    terms = []
    for key, allowed in condition.items():
        name = f"allowed_{len(bound)}"
        bound[name] = allowed
        terms.append((seen.get(key, "None"), name))
    return terms


def _test(condition: Condition, seen: dict[str, str], bound: dict[str, Any]) -> str:
    """``declaration.holds``: every named field has one of its allowed values."""
    return " and ".join(f"{local} in {allowed}" for local, allowed in _terms(condition, seen, bound))


def _meaningful(condition: Condition, seen: dict[str, str], bound: dict[str, Any]) -> str:
    """``plan._meaningful``: the condition holds, or a field it names is absent."""
    terms = _terms(condition, seen, bound)
    absent = " or ".join(f"{local} is None" for local, _ in terms)
    held = " and ".join(f"{local} in {allowed}" for local, allowed in terms)
    return f"{absent} or ({held})"
