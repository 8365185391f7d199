"""The case file is declared once (rules/casefile.py): the parser, the JSON Schema, the database
mapping, the household form and the feature steps each walk that declaration, and no field is
declared where nothing can store or show it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

import assistance.models  # noqa: F401  (registers the tables)
from assistance.casefile import storage
from assistance.models.base import Money
from assistance.web import household_form
from features import declared_steps
from rules import declaration as d
from rules.casefile import CaseFile, Member
from rules.schemas import case_file_schema

_TYPES = {
    d.MONEY: Money,
    d.DAY: sa.Date,
    d.FLAG: sa.Boolean,
    d.WHOLE: sa.Integer,
    d.MEMBER: sa.Integer,
}


def test_every_stored_field_has_its_column() -> None:
    tables = SQLModel.metadata.tables
    checked = 0
    for table, column, fact in storage.stored_columns():
        assert table in tables, f"{fact.attribute}: 没有表 {table}"
        assert column in tables[table].c, f"{fact.attribute}: 表 {table} 没有列 {column}（需要迁移）"
        stored = tables[table].c[column].type
        if fact.as_json:
            assert isinstance(stored, sa.JSON), f"{table}.{column} 应为 JSON"
        elif fact.kind in _TYPES:
            assert isinstance(stored, _TYPES[fact.kind]), f"{table}.{column} 应为 {_TYPES[fact.kind]}"
        elif fact.kind in (d.TEXT, d.CHOICE, d.REGION):
            assert isinstance(getattr(stored, "impl", stored), sa.String), f"{table}.{column} 应为字符串"
            longest = max(map(len, fact.choices)) if fact.choices else fact.max_length
            if fact.kind == d.REGION:
                longest = 6
            length = getattr(stored, "length", None)
            assert length is None or length >= longest, f"{table}.{column} 太短"
        checked += 1
    assert checked > 40


def test_every_field_is_in_the_published_schema() -> None:
    schema = case_file_schema()
    for record in d.walk(CaseFile):
        properties = (schema if record is CaseFile else schema["$defs"][d.record_name(record)])["properties"]
        assert [f.key for f in d.facts(record)] == list(properties)


def test_every_form_field_has_its_column_on_the_household_form() -> None:
    shown = {c.name for s in household_form.SECTIONS for c in s.columns}
    shown |= {c.name for c in household_form.TOP_FIELDS}
    for section in household_form.SECTIONS:
        assert section.record is not None
        for fact in d.facts(section.record):
            if not fact.on_form:
                continue
            if fact.kind == d.RECORD:
                assert fact.record is not None
                names = {f"{fact.key}_{sub.key}" for sub in d.facts(fact.record) if sub.on_form}
            else:
                names = {fact.key}
            assert names <= shown, f"{section.name}.{fact.key} 不在登记表上"


def test_every_member_field_can_be_stated_in_a_feature() -> None:
    labels = {f.label for record in d.walk(Member) for f in d.facts(record) if f.kind != d.RECORD}
    assert labels <= set(declared_steps.MEMBER_FIELDS)


def test_declared_conditions_name_fields_read_before_them() -> None:
    """A condition looks at fields already read (``Reader.record`` reads in declaration order)."""
    for record in d.walk(CaseFile):
        seen: set[str] = set()
        for fact in d.facts(record):
            for condition in (fact.required_when, fact.only_when):
                if condition is not None:
                    assert set(condition) <= seen, f"{record.__name__}.{fact.key}: {sorted(condition)}"
            seen.add(fact.key)
