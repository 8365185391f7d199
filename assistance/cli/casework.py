"""Casework from the command line: what-ifs, holidays, rechecks, batch jobs,
document layout and the lists sent to other agencies."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from assistance.cli.base import INVALID_INPUT, fail, main, read_json, refused, user_id_of
from assistance.clock import china_today
from rules.counties import COUNTIES


@main.command("what-if")
@click.option("--county", required=True, type=click.Choice(sorted(COUNTIES)), help="县（市、区）代码。")
@click.option(
    "--set", "settings", multiple=True, required=True, help="测算参数，如 dibao_standard.urban=800.00"
)
@click.option("--by", "username", required=True, help="测算人（本县工作人员或管理员）用户名。")
def what_if_command(county: str, settings: tuple[str, ...], username: str) -> None:
    """按拟调整的参数重新测算本县现有案件，输出将新纳入和将退出的家庭（JSON，不改变任何案件）。"""
    from assistance.batch.whatif import what_if
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.errors import ServiceError

    overrides: dict[str, str] = {}
    for setting in settings:
        key, sep, value = setting.partition("=")
        if not sep:
            fail(f"--set 应为 名称=数值：{setting}")
        overrides[key.strip()] = value.strip()
    try:
        report = what_if(Database(database_url()), user_id_of(username), county, overrides, china_today())
    except ServiceError as exc:
        refused(exc)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))


@main.group()
def holidays() -> None:
    """节假日安排（chinesecalendar 未覆盖的年份由管理员录入）。"""


@holidays.command("load")
@click.argument("schedule_file", type=click.File("r", encoding="utf-8"))
@click.option("--by", "username", required=True, help="录入的管理员用户名。")
def holidays_load(schedule_file: IO[str], username: str) -> None:
    """录入某年节假日安排（JSON，格式见 docs/working-days.md）。有误时退出码为 2。"""
    from assistance.admin.holidays import load_schedule
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.errors import ServiceError

    try:
        loaded = load_schedule(Database(database_url()), user_id_of(username), read_json(schedule_file))
    except ServiceError as exc:
        lines = "\n".join(f"  {e.field}: {e.message}" for e in exc.errors)
        fail(f"{exc.message}：\n{lines}")
    click.echo(f"已录入{loaded['year']}年节假日安排（{loaded['source']}）")


@main.group()
def rechecks() -> None:
    """低保边缘家庭定期核查（64号 第二十六条）。"""


@rechecks.command("import")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "username", required=True, help="导入人（县级民政部门工作人员）用户名。")
def rechecks_import(table: Path, username: str) -> None:
    """导入原系统已认定的低保边缘家庭（每行一名成员），排定其定期核查；有错误行时不导入任何一行。"""
    from assistance.cases.recognised_import import import_recognised
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.errors import ServiceError

    try:
        done = import_recognised(
            Database(database_url()), user_id_of(username), table.name, table.read_bytes(), china_today()
        )
    except ServiceError as exc:
        refused(exc)
    click.echo(
        f"已导入{done['imported']}户（共{done['households']}户，{done['duplicates']}户已在本系统中），"
        f"已排定定期核查"
    )


@rechecks.command("due")
@click.option(
    "--by", "username", required=True, help="查看人（乡镇、县级工作人员或管理员）用户名，按其辖区列出。"
)
@click.option("--within", default=30, show_default=True, type=click.IntRange(0, 366), help="多少日内到期。")
def rechecks_due(username: str, within: int) -> None:
    """列出辖区内到期和逾期的定期核查（JSON）。"""
    from assistance.cases.rechecks import due_rechecks
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.errors import ServiceError

    try:
        items = due_rechecks(Database(database_url()), user_id_of(username), china_today(), within)
    except ServiceError as exc:
        fail(exc.message)
    click.echo(json.dumps({"within": within, "items": items}, ensure_ascii=False, indent=2))


@main.group()
def jobs() -> None:
    """批量任务：复核测算（recheck_review）、政策测算（what_if），可中断后继续。"""


def _print_progress(job: Any) -> None:
    percent = int(job.processed * 100 / job.total) if job.total else 100
    click.echo(f"  任务 {job.id}：{job.processed}/{job.total}（{percent}%）", err=True)


@jobs.command("start")
@click.argument("kind", type=click.Choice(["recheck_review", "what_if"]))
@click.option("--by", "username", required=True, help="县级工作人员或管理员用户名。")
@click.option("--county", default=None, help="县（市、区）代码；县级工作人员默认本县。")
@click.option("--on", "on", default=None, help="recheck_review：测算日期（默认今天）。")
@click.option("--set", "settings", multiple=True, help="what_if：测算参数，如 dibao_standard.urban=800.00")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="读取并判定分块的进程数。"
)
def jobs_start(
    kind: str, username: str, county: str | None, on: str | None, settings: tuple[str, ...], workers: int
) -> None:
    """开始批量任务并在前台运行，打印进度；结果以 JSON 输出。"""
    from assistance.batch.jobs import create_job
    from assistance.batch.running import run_job
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.errors import ServiceError

    params: dict[str, Any] = {}
    if kind == "recheck_review" and on:
        params["on"] = on
    if kind == "what_if":
        overrides: dict[str, str] = {}
        for setting in settings:
            key, sep, value = setting.partition("=")
            if not sep:
                fail(f"--set 应为 名称=数值：{setting}")
            overrides[key.strip()] = value.strip()
        params["overrides"] = overrides
    database = Database(database_url())
    try:
        job_id = create_job(
            database,
            user_id_of(username),
            {"kind": kind, "county": county, "params": params},
            china_today(),
        )
        click.echo(f"任务 {job_id} 已开始", err=True)
        result = run_job(database, job_id, progress=_print_progress, workers=workers)
    except ServiceError as exc:
        refused(exc)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@jobs.command("run")
@click.argument("job_id", type=int)
def jobs_run(job_id: int) -> None:
    """继续运行中断或失败的任务（只运行尚未完成的分段）。"""
    from assistance.batch.chunks import reopen
    from assistance.batch.running import run_job
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.errors import ServiceError

    database = Database(database_url())
    try:
        reopen(database, job_id)
        result = run_job(database, job_id, progress=_print_progress)
    except ServiceError as exc:
        fail(exc.message)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@main.group("documents")
def documents_group() -> None:
    """文书排版：办理环节印发的文书在事务提交后排版为 PDF（名单另有 XLSX）。"""


@documents_group.command("render")
def documents_render() -> None:
    """排版所有尚未排版的文书；有无法排版的文书时退出码为 2。（日常由 assistance worker 排版。）"""
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.documents.rendering import render_waiting

    done, failed = render_waiting(Database(database_url()))
    for document_id, reason in failed.items():
        click.echo(f"文书 {document_id} 无法排版：{reason}", err=True)
    click.echo(f"已排版 {done} 份文书" + (f"，{len(failed)} 份无法排版" if failed else ""))
    if failed:
        sys.exit(INVALID_INPUT)


@main.group("lists")
def lists_group() -> None:
    """报送名单：月报医保（64号 第二十五条）、季报残联、因病致贫重病患者推送表（65号 第十七条）。"""


def _issue_list(kind: str, period: str, username: str) -> None:
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.documents.agency_lists import issue_periodic
    from assistance.documents.rendering import lay_out
    from assistance.errors import ServiceError

    database = Database(database_url())
    try:
        document, created = issue_periodic(database, user_id_of(username), kind, period, china_today())
        lay_out(database, document["id"])
    except ServiceError as exc:
        refused(exc)
    state = "已生成" if created else "本期名单没有变化"
    version = f"第{document['version']}版，文书 {document['id']}"
    click.echo(f"{state}：《{document['title']}》{document['number']}（{version}）")


@lists_group.command("monthly")
@click.option("--period", required=True, help="月份 YYYY-MM（通常为上月）。")
@click.option("--by", "username", required=True, help="县级工作人员用户名。")
def lists_monthly(period: str, username: str) -> None:
    """生成上月新增和退出的低保边缘家庭名单（报同级医保部门，每月10日前）。"""
    _issue_list("edge_medical_monthly", period, username)


@lists_group.command("quarterly")
@click.option("--period", required=True, help="季度 YYYY-Qn。")
@click.option("--by", "username", required=True, help="县级工作人员用户名。")
def lists_quarterly(period: str, username: str) -> None:
    """生成本季度新增低保边缘家庭名单（报县区残联，每季度末）。"""
    _issue_list("edge_disability_quarterly", period, username)


@lists_group.command("push")
@click.option("--by", "username", required=True, help="县级工作人员用户名。")
def lists_push(username: str) -> None:
    """将已确认、尚未推送的因病致贫重病患者推送同级医保部门。"""
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.documents.agency_lists import push_confirmed_patients
    from assistance.documents.rendering import lay_out
    from assistance.errors import ServiceError

    database = Database(database_url())
    try:
        document = push_confirmed_patients(database, user_id_of(username), china_today())
        lay_out(database, document["id"])
    except ServiceError as exc:
        refused(exc)
    click.echo(f"已推送：《{document['title']}》{document['number']}（文书 {document['id']}）")
