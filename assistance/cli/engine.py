"""The rules engine from the command line: decide a case file, list parameters, publish the
schemas and the workflow tables."""

from __future__ import annotations

import json
from datetime import datetime
from typing import IO

import click

from assistance.cli.base import fail, main, read_json
from assistance.clock import china_today
from assistance.config import PROJECT_ROOT
from assistance.parameters import parameter_table
from rules import CaseFileError, ParameterError, evaluate_data
from rules.counties import COUNTIES
from rules.schemas import SCHEMAS


@main.command()
@click.argument("case_file", type=click.File("r", encoding="utf-8"))
@click.option(
    "--parameters",
    "parameter_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="县级本地参数目录（可多次指定），补充随系统发布的参数。",
)
@click.option("--compact", is_flag=True, help="输出单行 JSON。")
def evaluate(case_file: IO[str], parameter_dirs: tuple[str, ...], compact: bool) -> None:
    """按案卷文件（JSON，- 表示标准输入）作出认定结论，输出 JSON。

    退出码：0 已得出结论（符合或不符合）；2 案卷或参数有误。
    """
    data = read_json(case_file)
    try:
        decision = evaluate_data(data, parameter_table(parameter_dirs))
    except CaseFileError as exc:
        lines = "\n".join(f"  {e.field}: {e.message}" for e in exc.errors)
        fail(f"案卷数据有误：\n{lines}")
    except ParameterError as exc:
        fail(f"参数未配置：{exc}")
    indent = None if compact else 2
    click.echo(json.dumps(decision.to_dict(), ensure_ascii=False, indent=indent))


@main.command()
@click.option(
    "--parameters",
    "parameter_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="县级本地参数目录（可多次指定）。",
)
@click.option("--county", type=click.Choice(sorted(COUNTIES)), help="只看某县（市、区）。")
@click.option("--area", type=click.Choice(["urban", "rural"]), help="只看城市或农村。")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="适用日期，默认今天。")
def parameters(
    parameter_dirs: tuple[str, ...], county: str | None, area: str | None, on: datetime | None
) -> None:
    """检查参数文件，并列出某日各县适用的参数值及其来源。

    参数文件有误时退出码为 2。未配置的参数标为“未配置”。
    """
    try:
        table = parameter_table(parameter_dirs)
    except ParameterError as exc:
        fail(f"参数文件有误：{exc}")
    day = on.date() if on else china_today()
    for kind in table.kinds:
        for code in [county] if county else sorted(COUNTIES):
            for place in [area] if area else ["urban", "rural"]:
                try:
                    value = table.resolve(kind, code, place, day)
                except ParameterError:
                    click.echo(f"{kind}\t{code} {COUNTIES[code]}\t{place}\t未配置")
                    continue
                click.echo(
                    f"{kind}\t{code} {COUNTIES[code]}\t{place}\t{value.amount} {value.unit}\t"
                    f"自{value.effective_from.isoformat()}\t{value.source}"
                )


@main.command()
@click.argument("name", type=click.Choice(sorted(SCHEMAS)))
@click.option("--write", is_flag=True, help="写入 schemas/NAME.schema.json。")
def schema(name: str, write: bool) -> None:
    """输出案卷文件或认定结论的 JSON Schema。"""
    text = json.dumps(SCHEMAS[name](), ensure_ascii=False, indent=2) + "\n"
    if write:
        (PROJECT_ROOT / "schemas").mkdir(exist_ok=True)
        (PROJECT_ROOT / "schemas" / f"{name}.schema.json").write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.option("--write", is_flag=True, help="写入 docs/workflows.md。")
def workflows(write: bool) -> None:
    """输出两个认定程序的状态表（Markdown）。"""
    from assistance.workflow.document import markdown

    text = markdown()
    if write:
        (PROJECT_ROOT / "docs" / "workflows.md").write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
