"""The declarations of :mod:`rules.casefile`, compiled once per record into the plan that
:meth:`rules.reader.Reader.record` follows.

Reading a case file walked the declared facts of each record value by value (which kind, which
limits, which message), and that cost more than deciding the case. The plan settles all of it
once per record: the reading of its fields in declaration order, unrolled, with each field's
limits and messages written in, and the building of the record (see ``record_reader``).

Each field has a fast path for a value that is already valid and would be kept unchanged. Any
other value (wrong type, out of range, whitespace the general path trims) goes to the general
:class:`~rules.reader.Reader` method for its kind, which records the same error, with the same path
and message, as it always has: the fast paths never decide an error.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from rules import declaration as d
from rules.declaration import Condition, Fact, facts, holds, keys_of, positional

# (reader, raw value, the record's path prefix, the field's key) → the value, or None when wrong
# (the reader has recorded why). The path is joined only when it is needed: for an error, or as
# the path of a nested record.
FieldReader = Callable[[Any, Any, str, str], Any]

_ZERO = Decimal(0)
_FEN = Decimal("0.01")


# A test on the values of the record read so far.
Test = Callable[[dict[str, Any]], bool]
# A field as the plan sees it: its declaration, key, attribute and reader; whether it is required
# when absent (None: never), whether it may be given (None: always); and whether an empty list
# counts as absent.
FieldPlan = tuple[Fact, str, str, FieldReader, Test | None, Test | None, bool]
# Reads one record: (reader, raw data, path) → the record, or None (the reader has recorded why).
RecordReader = Callable[[Any, Any, str], Any]


@dataclass(frozen=True, slots=True)
class RecordPlan:
    keys: frozenset[str]
    fields: tuple[FieldPlan, ...]
    read: RecordReader


@functools.cache
def plan_of(record: type) -> RecordPlan:
    """The record's plan, compiled on first use; the declarations do not change after import."""
    fields = tuple(
        (
            f,
            f.key,
            f.attribute,
            field_reader(f),
            _requirement(f),
            None if f.only_when is None else _meaningful(f.only_when),
            f.kind == d.ITEMS,  # an empty list of items counts as absent
        )
        for f in facts(record)
    )
    return RecordPlan(keys_of(record), fields, record_reader(record, fields))


def _requirement(fact: Fact) -> Test | None:
    """When an absent field is an error: ``Fact.required_for``, settled once."""
    if fact.required:
        return lambda values: True
    if fact.required_when is None:
        return None
    return _condition(fact.required_when)


def _meaningful(condition: Condition) -> Test:
    """A field meaning something only under ``condition`` is refused only once the fields the
    condition names were read: a wrong ``kind`` is one error, not two."""
    if len(condition) == 1:
        ((key, allowed),) = condition.items()
        return lambda values: key not in values or values[key] in allowed
    return lambda values: not all(key in values for key in condition) or holds(condition, values)


def _condition(condition: Condition) -> Test:
    """``declaration.holds`` for one condition; most name a single field."""
    if len(condition) == 1:
        ((key, allowed),) = condition.items()
        return lambda values: values.get(key) in allowed
    return lambda values: holds(condition, values)


def field_reader(fact: Fact) -> FieldReader:
    """How a given value of the field is read when ``inline`` cannot take it: a day and an
    amount with a fast path of their own, nested records through their plans, anything else
    through the reader's general method for its kind (the kinds a reader adds itself, the case
    file's version and what-if parameters, included)."""
    if fact.kind == d.DAY:
        return _day(fact)
    if fact.kind == d.MONEY:
        return _money(fact)
    if fact.kind == d.RECORD:
        return _record(fact)
    if fact.kind == d.ITEMS:
        return _items(fact)
    kind = fact.kind

    def read(reader: Any, raw: Any, prefix: str, key: str) -> Any:
        return reader.kinds[kind](fact, raw, prefix + key)

    return read


def _day(fact: Fact) -> FieldReader:
    from rules.reader import EARLIEST_DATE, LATEST_DATE  # the reader imports this module

    parse = date.fromisoformat

    def read(reader: Any, raw: Any, prefix: str, key: str) -> Any:
        # date.fromisoformat accepts no surrounding whitespace, so a 10-character string it
        # parses is one the general path would read to the same day.
        if raw.__class__ is str and len(raw) == 10:
            try:
                parsed = parse(raw)
            except ValueError:
                pass
            else:
                if EARLIEST_DATE <= parsed <= LATEST_DATE:
                    return parsed
        return reader.day(raw, prefix + key, required=False)

    return read


def _money(fact: Fact) -> FieldReader:
    from rules.reader import MAX_AMOUNT  # the reader imports this module

    def read(reader: Any, raw: Any, prefix: str, key: str) -> Any:
        kind = raw.__class__
        if kind is str or kind is int or kind is Decimal:
            try:
                amount = Decimal(raw.strip() if kind is str else raw)
            except InvalidOperation:
                pass
            else:
                if amount.is_finite() and _ZERO <= amount <= MAX_AMOUNT and amount == amount.quantize(_FEN):
                    return amount
        return reader.money(raw, prefix + key, required=False)

    return read


def _nested(record: type) -> Callable[[], RecordReader]:
    """The reader of a nested record, found on first use: a plan is compiled before the plans of
    the records it holds."""
    found: list[RecordReader] = []

    def nested() -> RecordReader:
        if not found:
            found.append(plan_of(record).read)
        return found[0]

    return nested


def _record(fact: Fact) -> FieldReader:
    nested = _nested(fact.record or object)

    def read(reader: Any, raw: Any, prefix: str, key: str) -> Any:
        return nested()(reader, raw, prefix + key)

    return read


def _items(fact: Fact) -> FieldReader:
    assert fact.record is not None
    nested, limit = _nested(fact.record), fact.max_items

    def read(reader: Any, raw: Any, prefix: str, key: str) -> Any:
        path = prefix + key
        listed = raw if raw.__class__ is list and len(raw) <= limit else reader.items(raw, path, limit)
        built = []
        read_item = nested()
        for index, item in enumerate(listed):
            value = read_item(reader, item, f"{path}[{index}]")
            if value is not None:
                built.append(value)
        return tuple(built)

    return read


def record_reader(record: type, fields: tuple[FieldPlan, ...]) -> RecordReader:
    """The reading of one record, generated from its declarations as a dataclass's ``__init__``
    is generated from its fields: the loop over the fields unrolled, the commonest kinds' fast
    paths written inline, and the record built through its slots.

    For each field in declaration order: its absence (an error when required), its condition,
    then its value. Then the record's check (the reader's, by record), and the record built as
    ``record(**values)`` would build it (an absent attribute takes its default), in half the
    time: a frozen dataclass's ``__init__`` takes keywords and sets each attribute through
    ``object.__setattr__``. The names the code uses are bound as closure variables, not globals,
    since they are looked up for every value."""
    bound: dict[str, Any] = {"keys": keys_of(record), "record": record, "new": object.__new__}
    body: list[str] = []
    for number, (fact, key, attribute, read, required, meaningful, empty_is_absent) in enumerate(fields):
        at = f"prefix + {key!r}"
        bound[f"read_{number}"] = read
        body += [
            f"given = get({key!r})",
            "if given is None" + (" or given == []:" if empty_is_absent else ":"),
        ]
        # A condition on a single field (all of them, so far) is written in; any other is called.
        if required is None:
            body.append("    pass")
        elif fact.required:
            body.append(f"    reader.fail({at}, {fact.required_message!r})")
        else:
            single = _single(fact.required_when)
            if single:
                bound[f"required_{number}"] = single[1]
                body.append(f"    if values.get({single[0]!r}) in required_{number}:")
            else:
                bound[f"required_{number}"] = required
                body.append(f"    if required_{number}(values):")
            body.append(f"        reader.fail({at}, {fact.required_message!r})")
        if meaningful is not None:
            single = _single(fact.only_when)
            if single:
                bound[f"meaningful_{number}"] = single[1]
                test = f"{single[0]!r} in values and values[{single[0]!r}] not in meaningful_{number}"
            else:
                bound[f"meaningful_{number}"] = meaningful
                test = f"not meaningful_{number}(values)"
            body += [f"elif {test}:", f"    reader.fail({at}, {fact.only_message!r})"]
        fast = inline(fact, number, bound)
        if fast:
            body += [f"elif {fast[0]}:", f"    values[{attribute!r}] = {fast[1]}"]
        body += [
            "else:",
            f"    value = read_{number}(reader, given, prefix, {key!r})",
            "    if value is not None:",
            f"        values[{attribute!r}] = value",
        ]
    body += [
        "check = reader.checks.get(record)",
        "if check is not None:",
        "    check(reader, values, path, data)",
    ]
    needed = sorted(positional(record))
    if needed:
        body += ["if " + " or ".join(f"{name!r} not in values" for name in needed) + ":", "    return None"]
    body.append("built = new(record)")
    for number, field in enumerate(dataclasses.fields(record)):
        given = f"values[{field.name!r}] if {field.name!r} in values else " if field.init else ""
        if field.default is not dataclasses.MISSING:
            bound[f"default_{number}"] = field.default
            value = f"{given}default_{number}"
        elif field.default_factory is not dataclasses.MISSING:
            bound[f"default_{number}"] = field.default_factory
            value = f"{given}default_{number}()"
        elif field.init:
            value = f"values[{field.name!r}]"
        else:  # left unset, as the dataclass's __init__ leaves it
            continue
        # The slot's own descriptor sets it, past the frozen class's refusing __setattr__.
        bound[f"set_{number}"] = getattr(record, field.name).__set__
        body.append(f"set_{number}(built, {value})")
    body.append("return built")
    source = "\n".join(
        [
            f"def make({', '.join(bound)}):",
            "    def read(reader, raw, path):",
            "        if raw.__class__ is dict and raw.keys() <= keys:",  # only known keys
            "            data = raw",
            "        else:",
            "            data = reader.mapping(raw, path, keys)",
            "            if data is None:",
            "                return None",
            "        values = {}",
            "        if path:",
            "            prefix = path + '.'",
            "        else:",
            "            prefix = ''",
            "            reader.top = values",
            "        get = data.get",
            *(" " * 8 + line for line in body),
            "    return read",
        ]
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # the source is built above from the record's own declarations
    made: RecordReader = namespace["make"](**bound)
    return made


def _single(condition: Condition | None) -> tuple[str, frozenset[str]] | None:
    """The one field a condition names and the values it allows, if it names one field."""
    if condition is None or len(condition) != 1:
        return None
    ((key, allowed),) = condition.items()
    return key, allowed


def inline(fact: Fact, number: int | str, bound: dict[str, Any]) -> tuple[str, str] | None:
    """For the kinds whose check needs no call: the test under which a given value is already
    valid, exactly as the general method would keep it, and the value then. A text is trimmed
    and its length checked as ``Reader.text`` does; a choice must be one of the choices that pass
    those same checks untouched."""
    kind = fact.kind
    if kind == d.CHOICE:
        assert fact.choices is not None
        bound[f"valid_{number}"] = frozenset(
            c for c in fact.choices if isinstance(c, str) and c == c.strip() and len(c) <= fact.max_length
        )
        return f"given.__class__ is str and given in valid_{number}", "given"
    if kind == d.FLAG:
        return "given is True or given is False", "given"
    if kind == d.WHOLE:
        return f"given.__class__ is int and {fact.low} <= given <= {fact.high}", "given"
    trimmed = "given.__class__ is str and len(text := given.strip()) <= {}"
    if kind == d.TEXT:
        return trimmed.format(fact.max_length), "text"
    if kind == d.REGION:  # REGION_PATTERN, ^[1-8]\d{5}$, as string tests: \d is what isdecimal takes
        test = 'given.__class__ is str and len(text := given.strip()) == 6 and "1" <= text[0] <= "8"'
        return test + " and text.isdecimal()", "text"
    if kind == d.MEMBER:  # any id while the members are not yet read, as ``Reader.member_ref``
        return trimmed.format(40) + " and (not reader.member_ids or text in reader.member_ids)", "text"
    return None
