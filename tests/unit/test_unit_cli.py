"""The `assistance evaluate` command, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from unit_casedata import EXAMPLES, LOCAL_PARAMETERS, edge_case

from assistance.cli import main
from assistance.parameters import ENVIRONMENT_VARIABLE

EDGE_EXAMPLES = sorted(EXAMPLES.glob("dibao-edge-*.json"))
ILLNESS_EXAMPLE = EXAMPLES / "illness-poverty-eligible.json"


@pytest.fixture(autouse=True)
def no_local_parameters_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)


def run(*args: str, stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, ["evaluate", *args], input=stdin)


@pytest.mark.parametrize("path", EDGE_EXAMPLES, ids=lambda p: p.name)
def test_each_edge_example_gives_a_decision(path: Path) -> None:
    result = run(str(path))
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert decision["procedure"] == "dibao_edge"
    assert decision["outcome"] in ("eligible", "not_eligible")
    assert result.stderr == ""


def test_eligible_example_figures() -> None:
    decision = json.loads(run(str(EXAMPLES / "dibao-edge-eligible.json")).stdout)
    assert decision["outcome"] == "eligible"
    assert decision["income"]["per_capita_monthly"] == "900.00"


def test_not_eligible_is_still_exit_zero() -> None:
    result = run(str(EXAMPLES / "dibao-edge-income-too-high.json"))
    assert result.exit_code == 0
    decision = json.loads(result.stdout)
    assert decision["outcome"] == "not_eligible"
    upper = next(c for c in decision["criteria"] if c["id"] == "edge.income_below_upper")
    assert "恰好等于" in upper["explanation"]


def test_illness_example_with_local_parameters() -> None:
    result = run(str(ILLNESS_EXAMPLE), "--parameters", str(LOCAL_PARAMETERS))
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert decision["procedure"] == "illness_poverty"
    assert "medical" in decision


def test_illness_example_without_local_parameters_is_not_configured() -> None:
    result = run(str(ILLNESS_EXAMPLE))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("参数未配置：")
    assert "没有已配置的“" in result.stderr
    assert "请由管理员按文件补录该日期起施行的数值" in result.stderr


def test_local_parameters_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(LOCAL_PARAMETERS))
    assert run(str(ILLNESS_EXAMPLE)).exit_code == 0


def test_output_keeps_chinese_and_is_indented_unless_compact() -> None:
    path = str(EXAMPLES / "dibao-edge-eligible.json")
    pretty = run(path).stdout
    assert "低保边缘家庭认定" in pretty
    assert "\\u" not in pretty
    assert pretty.count("\n") > 10
    compact = run(path, "--compact").stdout
    assert compact.count("\n") == 1
    assert json.loads(compact) == json.loads(pretty)


def test_reads_standard_input() -> None:
    result = run("-", stdin=json.dumps(edge_case(), ensure_ascii=False))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["household"]["size"] == 1


def test_json_floats_are_read_as_decimals() -> None:
    data = json.dumps(edge_case(incomes=[{"member": "m1", "kind": "wage", "amount": "__X__"}]))
    result = run("-", stdin=data.replace('"__X__"', "9000.10"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["income"]["annual_total"] == "9000.10"


def test_invalid_json() -> None:
    result = run("-", stdin='{"procedure": "dibao_edge",')
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("案卷文件不是有效的 JSON：第1行第")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_bytes(json.dumps(edge_case(), ensure_ascii=False).encode("gbk"))
    result = run(str(path))
    assert result.exit_code == 2
    assert "案卷文件应为 UTF-8 编码的 JSON" in result.stderr


def test_invalid_case_file_lists_field_errors(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    data = edge_case(county="140800", incomes=[{"member": "m1", "kind": "wage", "amount": "-1"}])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "案卷数据有误："
    assert "  county: “140800”不是运城市的县（市、区）代码" in lines
    assert "  incomes[0].amount: 金额不能为负数" in lines


def test_override_of_an_unknown_parameter_is_invalid_input() -> None:
    result = run("-", stdin=json.dumps(edge_case(parameter_overrides={"poverty_line": "1"})))
    assert result.exit_code == 2
    assert "parameter_overrides.poverty_line: 没有这种参数，无法测算" in result.stderr


def test_missing_file() -> None:
    result = run(str(EXAMPLES / "no-such-case.json"))
    assert result.exit_code == 2


def test_missing_parameter_directory() -> None:
    result = run(str(ILLNESS_EXAMPLE), "--parameters", str(EXAMPLES / "no-such-dir"))
    assert result.exit_code == 2
