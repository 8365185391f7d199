"""rules.parameters: dated values resolved by county, area and date; malformed files refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unit_casedata import write_local_parameters

from rules.parameters import (
    ANY,
    ParameterError,
    ParameterTable,
    ParameterValue,
    load_parameters,
    parse_parameter_document,
    read_parameter_files,
)

YANHU = "140802"
LINYI = "140821"


def value(
    amount: str,
    *,
    county: str = ANY,
    area: str = ANY,
    start: date = date(2024, 1, 1),
    end: date | None = None,
    kind: str = "dibao_standard",
) -> ParameterValue:
    return ParameterValue(
        kind=kind,
        title="城乡最低生活保障标准",
        unit="元/人·月",
        county=county,
        area=area,
        effective_from=start,
        effective_to=end,
        amount=Decimal(amount),
        source=f"测试 {amount}",
    )


def amount_on(table: ParameterTable, county: str, area: str, on: date) -> Decimal:
    return table.resolve("dibao_standard", county, area, on).amount


# --- resolution --------------------------------------------------------------------------------


def test_resolution_by_county_area_and_date() -> None:
    table = ParameterTable(
        [
            value("715.00", county=YANHU, area="urban"),
            value("546.00", county=YANHU, area="rural"),
            value("665.00", county=LINYI, area="urban"),
        ]
    )
    assert amount_on(table, YANHU, "urban", date(2025, 3, 10)) == Decimal("715.00")
    assert amount_on(table, YANHU, "rural", date(2025, 3, 10)) == Decimal("546.00")
    assert amount_on(table, LINYI, "urban", date(2024, 1, 1)) == Decimal("665.00")


def test_star_is_a_fallback_for_every_county_and_area() -> None:
    table = ParameterTable([value("600.00")])
    assert amount_on(table, LINYI, "rural", date(2025, 1, 1)) == Decimal("600.00")
    assert amount_on(table, YANHU, "urban", date(2025, 1, 1)) == Decimal("600.00")


def test_exact_county_beats_star_regardless_of_order() -> None:
    star = value("600.00")
    exact = value("715.00", county=YANHU)
    for entries in ([star, exact], [exact, star]):
        table = ParameterTable(entries)
        assert amount_on(table, YANHU, "urban", date(2025, 1, 1)) == Decimal("715.00")
        assert amount_on(table, LINYI, "urban", date(2025, 1, 1)) == Decimal("600.00")


def test_exact_county_beats_star_even_when_the_star_entry_is_later() -> None:
    # FORMAT.md: the most specific entry wins, then the latest effective_from.
    table = ParameterTable([value("715.00", county=YANHU), value("800.00", start=date(2025, 1, 1))])
    assert amount_on(table, YANHU, "urban", date(2025, 6, 1)) == Decimal("715.00")
    assert amount_on(table, LINYI, "urban", date(2025, 6, 1)) == Decimal("800.00")


def test_exact_area_beats_star_area() -> None:
    table = ParameterTable([value("600.00", county=YANHU), value("546.00", county=YANHU, area="rural")])
    assert amount_on(table, YANHU, "rural", date(2025, 1, 1)) == Decimal("546.00")
    assert amount_on(table, YANHU, "urban", date(2025, 1, 1)) == Decimal("600.00")


def test_latest_effective_from_wins() -> None:
    table = ParameterTable(
        [
            value("695.00", county=YANHU, start=date(2023, 1, 1)),
            value("735.00", county=YANHU, start=date(2025, 1, 1)),
            value("715.00", county=YANHU, start=date(2024, 1, 1)),
        ]
    )
    assert amount_on(table, YANHU, "urban", date(2023, 12, 31)) == Decimal("695.00")
    assert amount_on(table, YANHU, "urban", date(2024, 1, 1)) == Decimal("715.00")
    assert amount_on(table, YANHU, "urban", date(2024, 12, 31)) == Decimal("715.00")
    assert amount_on(table, YANHU, "urban", date(2025, 1, 1)) == Decimal("735.00")


def test_effective_to_is_inclusive_and_respected() -> None:
    table = ParameterTable(
        [
            value("700.00", county=YANHU, start=date(2024, 1, 1), end=date(2024, 6, 30)),
            value("650.00", start=date(2023, 1, 1)),
        ]
    )
    assert amount_on(table, YANHU, "urban", date(2024, 6, 30)) == Decimal("700.00")
    assert amount_on(table, YANHU, "urban", date(2024, 7, 1)) == Decimal("650.00")


def test_effective_to_without_successor_is_an_error() -> None:
    table = ParameterTable([value("700.00", county=YANHU, end=date(2024, 6, 30))])
    with pytest.raises(ParameterError, match="2024-07-01"):
        table.resolve("dibao_standard", YANHU, "urban", date(2024, 7, 1))


def test_date_before_any_entry_names_the_parameter_title() -> None:
    table = ParameterTable([value("715.00", county=YANHU, area="urban")])
    with pytest.raises(ParameterError) as caught:
        table.resolve("dibao_standard", YANHU, "urban", date(2023, 12, 31))
    assert str(caught.value) == (
        "盐湖区城市在2023-12-31没有已配置的“城乡最低生活保障标准”，请由管理员按文件补录该日期起施行的数值"
    )


def test_other_county_gets_no_value_from_a_county_entry() -> None:
    table = ParameterTable([value("715.00", county=YANHU, area="urban")])
    with pytest.raises(ParameterError, match="临猗县农村在2025-01-01没有已配置的“城乡最低生活保障标准”"):
        table.resolve("dibao_standard", LINYI, "rural", date(2025, 1, 1))


def test_unknown_kind() -> None:
    with pytest.raises(ParameterError, match="没有参数“no_such_kind”"):
        ParameterTable([value("1")]).resolve("no_such_kind", YANHU, "urban", date(2025, 1, 1))


def test_kind_declared_without_entries_is_known_and_its_title_is_named() -> None:
    table = ParameterTable([], {"minimum_wage": "山西省最低工资标准（月）"})
    assert table.kinds == ["minimum_wage"]
    assert table.title("minimum_wage") == "山西省最低工资标准（月）"
    assert table.values("minimum_wage") == []
    with pytest.raises(ParameterError, match="没有已配置的“山西省最低工资标准（月）”"):
        table.resolve("minimum_wage", YANHU, "urban", date(2025, 1, 1))


def test_resolution_is_cached_but_stable() -> None:
    table = ParameterTable([value("715.00", county=YANHU)])
    first = table.resolve("dibao_standard", YANHU, "urban", date(2025, 1, 1))
    assert table.resolve("dibao_standard", YANHU, "urban", date(2025, 1, 1)) is first
    assert first.source == "测试 715.00"


_DAYS = st.dates(min_value=date(2023, 6, 1), max_value=date(2026, 6, 30))


@settings(max_examples=150, deadline=None)
@given(
    entries=st.lists(
        st.tuples(
            st.sampled_from([ANY, YANHU]),
            st.sampled_from([ANY, "urban"]),
            _DAYS,
            st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
        ),
        min_size=1,
        max_size=6,
    ),
    days=st.lists(st.tuples(_DAYS, st.sampled_from(["urban", "rural"])), min_size=1, max_size=30),
)
def test_what_is_remembered_for_one_day_holds_for_every_day_of_its_period(
    entries: list[tuple[str, str, date, int | None]], days: list[tuple[date, str]]
) -> None:
    # Resolutions are remembered by the period between two days on which some value starts or
    # stops (the day after its effective_to): asked in any order, each day must get what a table
    # that remembers nothing gives it, a value or the same error.
    values = [
        value(f"{700 + n}.00", county=county, area=area, start=start,
              end=None if length is None else start + timedelta(days=length))
        for n, (county, area, start, length) in enumerate(entries)
    ]  # fmt: skip
    table = ParameterTable(values)
    # Each value's first and last days and their neighbours, besides the days drawn.
    edges = {
        e + timedelta(days=d)
        for v in values
        for e in (v.effective_from, v.effective_to)
        if e
        for d in (-1, 0, 1)
    }
    for on, area in [*days, *((e, "urban") for e in sorted(edges)), *((e, "rural") for e in sorted(edges))]:
        fresh = ParameterTable(values)
        try:
            expected: object = fresh.resolve("dibao_standard", YANHU, area, on)
        except ParameterError as exc:
            expected = str(exc)
        try:
            found: object = table.resolve("dibao_standard", YANHU, area, on)
            here = table.resolved_at(YANHU, area, on).setdefault("dibao_standard", found)  # type: ignore[arg-type]
            assert here is found
        except ParameterError as exc:
            found = str(exc)
        assert found == expected, (on, area)


# --- the shipped files -------------------------------------------------------------------------


def test_shipped_parameters() -> None:
    table = load_parameters()
    assert {
        "dibao_standard",
        "minimum_wage",
        "medical_assistance_deductible",
        "edge_upper_multiplier",
    } <= set(table.kinds)
    assert table.resolve("dibao_standard", YANHU, "urban", date(2025, 3, 10)).amount == Decimal("715.00")
    assert table.resolve("dibao_standard", LINYI, "rural", date(2025, 3, 10)).amount == Decimal("536.00")
    multiplier = table.resolve("edge_upper_multiplier", LINYI, "rural", date(2025, 3, 10))
    assert multiplier.amount == Decimal("1.5")
    assert multiplier.source == "运民发〔2023〕64号 第二条、第八条"
    for entry in table.values():
        assert entry.source, entry


def test_shipped_dibao_standard_not_configured_before_2024() -> None:
    with pytest.raises(ParameterError, match="盐湖区城市在2023-12-31没有已配置的“城乡最低生活保障标准”"):
        load_parameters().resolve("dibao_standard", YANHU, "urban", date(2023, 12, 31))


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("minimum_wage", "山西省最低工资标准（月）"),
        ("medical_assistance_deductible", "因病致贫重病患者医疗救助年度起付标准"),
    ],
)
def test_shipped_kinds_with_empty_entries_are_known(kind: str, title: str) -> None:
    table = load_parameters()
    assert kind in table.kinds
    with pytest.raises(ParameterError) as caught:
        # Before 2025 no county's minimum-wage tier was found; no deductible at all.
        table.resolve(kind, YANHU, "urban", date(2024, 5, 20))
    assert f"“{title}”" in str(caught.value)
    assert "没有参数" not in str(caught.value)


def test_load_parameters_adds_a_local_directory(tmp_path: Path) -> None:
    local = write_local_parameters(tmp_path / "local")
    table = load_parameters(local)
    wage = table.resolve("minimum_wage", YANHU, "urban", date(2024, 5, 20))
    assert wage.amount == Decimal("1780.00")
    assert wage.source == "测试用数值"
    # The shipped values are still there, and the shipped title of the declared kind is kept.
    assert table.resolve("dibao_standard", YANHU, "urban", date(2025, 5, 20)).amount == Decimal("715.00")
    assert table.title("minimum_wage") == "山西省最低工资标准（月）"
    # The shipped table itself is not changed.
    with pytest.raises(ParameterError):
        load_parameters().resolve("minimum_wage", YANHU, "urban", date(2024, 5, 20))


@pytest.mark.parametrize(
    ("county", "amount"),
    [("140802", "2150.00"), ("140882", "2150.00"), ("140881", "2050.00"), ("140830", "2050.00")],
)
def test_the_known_minimum_wage_is_shipped_with_its_source(county: str, amount: str) -> None:
    """晋政办发〔2024〕58号 from 2025-01-01, for the counties whose tier was read (issue 19)."""
    wage = load_parameters().resolve("minimum_wage", county, "rural", date(2025, 5, 20))
    assert wage.amount == Decimal(amount)
    assert "晋政办发〔2024〕58号" in wage.source


@pytest.mark.parametrize("county", ["140822", "140823", "140827", "140828", "140829"])
def test_no_minimum_wage_is_shipped_where_the_tier_is_only_inferred(county: str) -> None:
    with pytest.raises(ParameterError):
        load_parameters().resolve("minimum_wage", county, "urban", date(2025, 5, 20))


def test_local_county_value_beats_shipped_star_value(tmp_path: Path) -> None:
    local = write_local_parameters(
        tmp_path / "local",
        """
kind = "edge_upper_multiplier"

[[entries]]
county = "140821"
effective_from = 2024-01-01
amount = "1.6"
source = "临猗县测试"
""",
    )
    table = load_parameters(local)
    assert table.resolve("edge_upper_multiplier", LINYI, "rural", date(2025, 1, 1)).amount == Decimal("1.6")
    assert table.resolve("edge_upper_multiplier", YANHU, "rural", date(2025, 1, 1)).amount == Decimal("1.5")


def test_missing_local_directory(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="不存在"):
        load_parameters(tmp_path / "nowhere")


# --- malformed files ---------------------------------------------------------------------------


def read_one(tmp_path: Path, text: str) -> list[ParameterValue]:
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    values, _ = read_parameter_files(tmp_path)
    return values


ENTRY = """
kind = "dibao_standard"
title = "城乡最低生活保障标准"

[[entries]]
county = "140802"
area = "urban"
effective_from = 2024-01-01
amount = "715.00"
source = "测试"
"""


def test_well_formed_file(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text(ENTRY, encoding="utf-8")
    values, titles = read_parameter_files(tmp_path)
    assert titles == {"dibao_standard": "城乡最低生活保障标准"}
    assert values == [
        ParameterValue(
            kind="dibao_standard",
            title="城乡最低生活保障标准",
            unit="",
            county="140802",
            area="urban",
            effective_from=date(2024, 1, 1),
            amount=Decimal("715.00"),
            source="测试",
        )
    ]


def test_toml_float_amount_is_read_exactly(tmp_path: Path) -> None:
    values = read_one(tmp_path, ENTRY.replace('amount = "715.00"', "amount = 0.1"))
    assert values[0].amount == Decimal("0.1")
    assert isinstance(values[0].amount, Decimal)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('source = "测试"', "", "每个数值都必须注明来源文件 source"),
        ('source = "测试"', 'source = ""', "每个数值都必须注明来源文件 source"),
        ('county = "140802"', 'county = "140800"', "未知的县（市、区）代码 140800"),
        ('county = "140802"', 'county = "140100"', "未知的县（市、区）代码 140100"),
        ('area = "urban"', 'area = "city"', "area 只能是 urban、rural 或 *"),
        ("effective_from = 2024-01-01", 'effective_from = "2024-01-01"', "effective_from 必须是 TOML 日期"),
        ("effective_from = 2024-01-01", "", "effective_from 必须是 TOML 日期"),
        (
            "effective_from = 2024-01-01",
            "effective_from = 2024-01-01\neffective_to = 2023-12-31",
            "effective_to 早于 effective_from",
        ),
        ('amount = "715.00"', 'amount = "七百一十五"', "amount “七百一十五” 不是数值"),
        ('amount = "715.00"', 'amount = "715,00"', "不是数值"),
        ('amount = "715.00"', 'amount = "-715.00"', "amount 必须是非负数"),
        ('amount = "715.00"', 'amount = "NaN"', "amount 必须是非负数"),
        ('amount = "715.00"', 'amount = "Infinity"', "amount 必须是非负数"),
        ('amount = "715.00"', "amount = true", "amount 必须是字符串形式的数值"),
        ('amount = "715.00"', "", "amount 必须是字符串形式的数值"),
        ('amount = "715.00"', "amount = [715]", "amount 必须是字符串形式的数值"),
    ],
)
def test_malformed_entry(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in ENTRY
    with pytest.raises(ParameterError) as caught:
        read_one(tmp_path, ENTRY.replace(old, new))
    assert str(caught.value).startswith("p.toml 第1条: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "dates",
    [
        "effective_from = 2024-01-01T00:00:00",
        "effective_from = 2024-01-01\neffective_to = 2024-12-31T00:00:00",
    ],
)
def test_datetime_instead_of_date_is_a_parameter_error(tmp_path: Path, dates: str) -> None:
    # Bug: a TOML datetime passes the isinstance(raw, date) check (datetime subclasses date);
    # the file is then accepted and the comparison with a date raises TypeError, either while
    # reading (effective_to) or at every resolution (effective_from).
    with pytest.raises(ParameterError, match="必须是 TOML 日期"):
        values = read_one(tmp_path, ENTRY.replace("effective_from = 2024-01-01", dates))
        ParameterTable(values).resolve("dibao_standard", YANHU, "urban", date(2024, 6, 1))


def test_missing_kind(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"p\.toml 第1条: 缺少 kind"):
        read_one(tmp_path, ENTRY.replace('kind = "dibao_standard"', ""))


def test_missing_entries(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"p.toml: 缺少 \[\[entries\]\]"):
        read_one(tmp_path, 'kind = "dibao_standard"\n')


def test_error_names_the_entry_number(tmp_path: Path) -> None:
    second = ENTRY.split("[[entries]]")[1].replace('source = "测试"', "")
    with pytest.raises(ParameterError, match=r"p\.toml 第2条: 每个数值都必须注明来源文件 source"):
        read_one(tmp_path, ENTRY + "\n[[entries]]" + second)


def test_invalid_toml(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"^p.toml: "):
        read_one(tmp_path, "kind = \n")


def test_entries_that_are_not_tables_are_a_parameter_error() -> None:
    # Bug: parse_parameter_document calls entry.get() on whatever the list holds, so
    # `entries = ["715.00"]` escapes as AttributeError instead of ParameterError.
    with pytest.raises(ParameterError, match="第1条"):
        parse_parameter_document({"kind": "dibao_standard", "entries": ["715.00"]}, "p.toml")


@pytest.mark.parametrize("misspelt", ["conty", "efective_to", "ammount_note"])
def test_unknown_keys_in_an_entry_are_refused(tmp_path: Path, misspelt: str) -> None:
    # Bug: unknown keys are silently ignored. A misspelt `county` makes the value apply to every
    # county ("*"), a misspelt `effective_to` makes it hold for ever — both without any warning,
    # whereas the case-file reader refuses unknown fields.
    text = ENTRY.replace('source = "测试"', f'source = "测试"\n{misspelt} = "140821"')
    with pytest.raises(ParameterError, match=misspelt):
        read_one(tmp_path, text)


def test_kind_is_taken_from_the_entry_or_the_document() -> None:
    document = {
        "kind": "dibao_standard",
        "title": "城乡最低生活保障标准",
        "unit": "元/人·月",
        "entries": [
            {"effective_from": date(2024, 1, 1), "amount": "1", "source": "a"},
            {
                "kind": "other",
                "title": "其他",
                "effective_from": date(2024, 1, 1),
                "amount": "2",
                "source": "b",
            },
        ],
    }
    first, second = parse_parameter_document(document, "x.toml")
    assert (first.kind, first.title, first.unit, first.county, first.area) == (
        "dibao_standard",
        "城乡最低生活保障标准",
        "元/人·月",
        ANY,
        ANY,
    )
    assert (second.kind, second.title) == ("other", "其他")
