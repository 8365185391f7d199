"""The audit trail from the command line: verify every chain, and anchor the chains' heads."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistance.cli.base import fail, main


@main.group()
def audit() -> None:
    """审计记录（只增不改，逐条以密钥哈希链接，定期锚定）。"""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果。")
@click.option(
    "--anchor",
    "anchor_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="对照的锚点文件（默认：锚点目录中最新的一份）。",
)
@click.option("--no-anchor", is_flag=True, help="不对照锚点，只校验记录链。")
def audit_verify(as_json: bool, anchor_path: Path | None, no_anchor: bool) -> None:
    """校验每个案件的审计记录链，并对照锚点：记录被改动、删除或插入时报告所在位置，退出码为 1。"""
    from assistance.audit import ChainBreak, verify_all
    from assistance.audit_anchors import BadAnchor, anchor_directory, latest, read
    from assistance.audit_key import audit_key, key_id
    from assistance.config import UnsafeSetting, database_url
    from assistance.db import Database

    try:
        key = audit_key()
    except UnsafeSetting as exc:
        fail(str(exc))
    path = None if no_anchor else anchor_path or latest(anchor_directory())
    breaks: list[ChainBreak] = []
    heads = None
    if path is not None:
        try:
            anchor = read(path, key)
            heads = anchor.heads
        except BadAnchor as exc:
            # A forged or altered anchor is a finding, not a usage error.
            breaks.append(ChainBreak(0, 0, None, str(exc)))
    with Database(database_url()).reading() as session:
        cases, events, found = verify_all(session, anchor=heads)
    breaks += found
    if as_json:
        report = {
            "cases": cases,
            "events": events,
            "intact": not breaks,
            "key_id": key_id(key),
            "anchor": str(path) if path is not None else None,
            "breaks": [
                {"case_id": b.case_id, "seq": b.seq, "event_id": b.event_id, "problem": b.problem}
                for b in breaks
            ],
        }
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for b in breaks:
            click.echo(f"案件 {b.case_id} 第{b.seq}条（记录 {b.event_id}）：{b.problem}")
        against = f"，并对照锚点 {path.name}" if path is not None and heads is not None else ""
        status = "完好" if not breaks else f"发现 {len(breaks)} 处问题"
        click.echo(f"已校验 {cases} 件案件的 {events} 条审计记录{against}：{status}")
        if events and sum(b.problem.endswith("（已被改动）") for b in breaks) == events:
            click.echo(f"每条记录都与密钥（{key_id(key)}）不符：请先确认所用的审计密钥是否就是本库的密钥。")
    if breaks:
        raise SystemExit(1)


@audit.command("anchor")
@click.option(
    "--to",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    help="锚点目录（默认：ASSISTANCE_ANCHOR_DIR，或 instance/anchors）。",
)
def audit_anchor(directory: Path | None) -> None:
    """记下每个案件最后一条审计记录的序号和哈希，用审计密钥签名，写入锚点目录。"""
    from assistance.audit_anchors import BadAnchor, anchor_directory, take, write
    from assistance.audit_key import audit_key
    from assistance.clock import utcnow
    from assistance.config import UnsafeSetting, database_url
    from assistance.db import Database

    try:
        key = audit_key()
        with Database(database_url()).reading() as session:
            anchor = take(session, key, utcnow())
        path = write(anchor, key, directory or anchor_directory())
    except (UnsafeSetting, BadAnchor, OSError) as exc:
        fail(str(exc))
    click.echo(f"已锚定 {len(anchor.heads)} 件案件的 {anchor.events} 条审计记录：{path}")
