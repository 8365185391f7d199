"""Backups at the console: ``assistance backup`` and ``assistance restore`` (assistance/backups.py)."""

from __future__ import annotations

from pathlib import Path

import click

from assistance.cli.base import fail, main


@main.command("backup")
@click.option(
    "--to",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("backups"),
    show_default=True,
    help="备份文件写入的目录",
)
def backup_command(directory: Path) -> None:
    """备份数据库和实例密钥文件（审计密钥、会话密钥、审计锚点）为一个文件（仅本人可读）。"""
    from assistance.backups import BackupError, backup
    from assistance.clock import utcnow
    from assistance.config import database_url

    try:
        archive = backup(database_url(), directory, utcnow())
    except BackupError as exc:
        fail(str(exc))
    click.echo(f"已备份到 {archive}")


@main.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """把备份恢复到 DATABASE_URL 所指的新建空数据库，并恢复实例密钥文件。"""
    from assistance.backups import BackupError, restore
    from assistance.config import database_url

    try:
        manifest = restore(archive, database_url())
    except BackupError as exc:
        fail(str(exc))
    click.echo(f"已恢复 {manifest.taken_at} 的备份：{manifest.cases} 件案件，数据库结构 {manifest.revision}")
    if not manifest.audit_key_in_file:
        click.echo(
            f"审计密钥来自环境变量，不在备份中：请设置编号为 {manifest.audit_key_id} 的 ASSISTANCE_AUDIT_KEY"
        )
    click.echo("请接着运行：assistance db upgrade（如需）、assistance audit verify")
