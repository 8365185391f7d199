"""The `assistance` command line."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NoReturn

import click

from assistance.clock import china_today
from assistance.parameters import parameter_table
from rules import CaseFileError, ParameterError, evaluate_data
from rules.counties import COUNTIES
from rules.schemas import SCHEMAS

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"

INVALID_INPUT = 2


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(INVALID_INPUT)


def _refused(exc: Any) -> NoReturn:
    """A service's refusal (ServiceError): its message and each field's, exit code 2."""
    lines = "\n".join(f"  {e.field}: {e.message}" for e in exc.errors)
    _fail(f"{exc.message}\n{lines}" if lines else exc.message)


def _read_json(source: IO[str]) -> Any:
    try:
        return json.load(source, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        _fail(f"案卷文件不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}")
    except UnicodeDecodeError:
        _fail("案卷文件应为 UTF-8 编码的 JSON")


@click.group()
def main() -> None:
    """救助认定：低保边缘家庭（运民发〔2023〕64号）与因病致贫重病患者（运民发〔2023〕65号）。"""


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
    data = _read_json(case_file)
    try:
        decision = evaluate_data(data, parameter_table(parameter_dirs))
    except CaseFileError as exc:
        lines = "\n".join(f"  {e.field}: {e.message}" for e in exc.errors)
        _fail(f"案卷数据有误：\n{lines}")
    except ParameterError as exc:
        _fail(f"参数未配置：{exc}")
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
        _fail(f"参数文件有误：{exc}")
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
        SCHEMA_DIR.mkdir(exist_ok=True)
        (SCHEMA_DIR / f"{name}.schema.json").write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """启动服务（内置默认配置；DATABASE_URL 指定数据库）。"""
    from assistance.app import create_app

    create_app().run(host=host, port=port)


@main.command()
@click.option("--write", is_flag=True, help="写入 docs/workflows.md。")
def workflows(write: bool) -> None:
    """输出两个认定程序的状态表（Markdown）。"""
    from assistance.workflow.document import markdown

    text = markdown()
    if write:
        (SCHEMA_DIR.parent / "docs" / "workflows.md").write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@main.group()
def db() -> None:
    """数据库。"""


@db.command("upgrade")
def db_upgrade() -> None:
    """把数据库结构升级到最新（Alembic 迁移）。"""
    from assistance.config import database_url
    from assistance.migrate import upgrade

    upgrade(database_url())
    click.echo("数据库已是最新结构")


@main.command()
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    help="演示案件以此日为今天排布（默认北京时间今天）。",
)
@click.option("--reset", is_flag=True, help="清空演示数据库（仅限载有演示账号的数据库）后重新载入。")
def demo(today: datetime | None, reset: bool) -> None:
    """载入演示数据：盐湖区的乡镇、村，各角色账号，以及在各环节等待办理的案件。

    演示案件按工作日倒排，在任何一天载入都停在同样的环节；全部载入，或一件也不载入。
    """
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.demo import ACCOUNTS, DEMO_PASSWORD, is_demo_database, load_demo
    from assistance.errors import ServiceError
    from assistance.migrate import recreate

    url = database_url()
    if reset:
        if not is_demo_database(Database(url)):
            _fail("此数据库不是演示数据库（没有全部演示账号），不予清空")
        recreate(url)
    day = today.date() if today else china_today()
    try:
        cases = load_demo(Database(url), day)
    except ServiceError as exc:
        _refused(exc)
    click.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, name, role, area in ACCOUNTS:
        click.echo(f"  {username:<14} {role:<10} {name}{'（' + area + '）' if area else ''}")
    if cases is None:
        click.echo("已有案件，未再载入演示案件（assistance demo --reset 清空后按今天重新载入）")
        return
    click.echo(f"以 {day.isoformat()} 为今天，新建演示案件 {len(cases)} 件：")
    for case in cases:
        click.echo(f"  {case.applicant:<6} 待 {case.waiting_at} 办理")


def _user_id(username: str) -> int:
    from sqlmodel import select

    from assistance.config import database_url
    from assistance.db import Database
    from assistance.models import User

    with Database(database_url()).reading() as session:
        user = session.exec(select(User).where(User.username == username)).first()
    if user is None or user.id is None:
        _fail(f"没有用户 {username}")
    return user.id


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
            _fail(f"--set 应为 名称=数值：{setting}")
        overrides[key.strip()] = value.strip()
    try:
        report = what_if(Database(database_url()), _user_id(username), county, overrides, china_today())
    except ServiceError as exc:
        _refused(exc)
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
        loaded = load_schedule(Database(database_url()), _user_id(username), _read_json(schedule_file))
    except ServiceError as exc:
        lines = "\n".join(f"  {e.field}: {e.message}" for e in exc.errors)
        _fail(f"{exc.message}：\n{lines}")
    click.echo(f"已录入{loaded['year']}年节假日安排（{loaded['source']}）")


@main.group()
def audit() -> None:
    """审计记录（只增不改，逐条以哈希链接）。"""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
def audit_verify(as_json: bool) -> None:
    """校验每个案件的审计记录链：记录被改动、删除或插入时报告所在位置，退出码为 1。"""
    from assistance.audit import verify_all
    from assistance.config import database_url
    from assistance.db import Database

    with Database(database_url()).reading() as session:
        cases, events, breaks = verify_all(session)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "cases": cases,
                    "events": events,
                    "intact": not breaks,
                    "breaks": [
                        {"case_id": b.case_id, "seq": b.seq, "event_id": b.event_id, "problem": b.problem}
                        for b in breaks
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for b in breaks:
            click.echo(f"案件 {b.case_id} 第{b.seq}条（记录 {b.event_id}）：{b.problem}")
        status = "完好" if not breaks else f"发现 {len(breaks)} 处问题"
        click.echo(f"已校验 {cases} 件案件的 {events} 条审计记录：{status}")
    if breaks:
        raise SystemExit(1)


@main.group()
def rechecks() -> None:
    """低保边缘家庭定期核查（64号 第二十六条）。"""


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
        items = due_rechecks(Database(database_url()), _user_id(username), china_today(), within)
    except ServiceError as exc:
        _fail(exc.message)
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
                _fail(f"--set 应为 名称=数值：{setting}")
            overrides[key.strip()] = value.strip()
        params["overrides"] = overrides
    database = Database(database_url())
    try:
        job_id = create_job(
            database,
            _user_id(username),
            {"kind": kind, "county": county, "params": params},
            china_today(),
        )
        click.echo(f"任务 {job_id} 已开始", err=True)
        result = run_job(database, job_id, progress=_print_progress, workers=workers)
    except ServiceError as exc:
        _refused(exc)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@jobs.command("run")
@click.argument("job_id", type=int)
def jobs_run(job_id: int) -> None:
    """继续运行中断的任务（从最后完成的一批之后继续）。"""
    from assistance.batch.running import run_job
    from assistance.config import database_url
    from assistance.db import Database
    from assistance.errors import ServiceError

    try:
        result = run_job(Database(database_url()), job_id, progress=_print_progress)
    except ServiceError as exc:
        _fail(exc.message)
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@main.group("documents")
def documents_group() -> None:
    """文书排版：办理环节印发的文书在事务提交后排版为 PDF（名单另有 XLSX）。"""


@documents_group.command("render")
@click.option("--follow", is_flag=True, help="持续运行：每隔几秒排版新印发的文书（独立的排版进程）。")
@click.option("--interval", type=float, default=5.0, show_default=True, help="--follow 时的查询间隔（秒）。")
@click.option(
    "--busy-above",
    type=click.FloatRange(min=0),
    default=0.5,
    show_default=True,
    help="--follow 时，本机其他进程占用的 CPU 超过这么多核时暂缓排版（0：不等待）。",
)
@click.option(
    "--longest-wait",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="暂缓排版最多等待的秒数。",
)
def documents_render(follow: bool, interval: float, busy_above: float, longest_wait: float) -> None:
    """排版所有尚未排版的文书；有无法排版的文书时退出码为 2。"""
    import time

    from assistance.config import database_url
    from assistance.db import Database
    from assistance.documents.rendering import render_waiting
    from assistance.runtime.quiet_machine import QuietMachine

    database = Database(database_url())
    # A worker beside the web service lays out in the service's pauses (assistance/runtime/quiet_machine.py).
    quiet = QuietMachine(busy_above, longest_wait) if follow and busy_above > 0 else None
    failed: dict[int, str] = {}
    while True:
        done, failed_now = render_waiting(
            database, skip=set(failed), before_each=quiet.wait if quiet else None
        )
        for document_id, reason in failed_now.items():
            click.echo(f"文书 {document_id} 无法排版：{reason}", err=True)
        failed |= failed_now
        if done or not follow:
            click.echo(f"已排版 {done} 份文书" + (f"，{len(failed_now)} 份无法排版" if failed_now else ""))
        if not follow:
            if failed:
                sys.exit(INVALID_INPUT)
            return
        time.sleep(interval)


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
        document, created = issue_periodic(database, _user_id(username), kind, period, china_today())
        lay_out(database, document["id"])
    except ServiceError as exc:
        _refused(exc)
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
        document = push_confirmed_patients(database, _user_id(username), china_today())
        lay_out(database, document["id"])
    except ServiceError as exc:
        _refused(exc)
    click.echo(f"已推送：《{document['title']}》{document['number']}（文书 {document['id']}）")
