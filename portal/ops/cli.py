"""Operations commands: storage-migrate, backup, restore."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask


def register_ops_cli(app: Flask) -> None:
    @app.cli.command("storage-migrate")
    def storage_migrate() -> None:
        """Copy documents from STORAGE_DIR into the S3 bucket (S3_* settings) and verify every copy."""
        from portal.ops.storage_migrate import migrate_to_bucket

        if not app.config.get("S3_BUCKET"):
            raise click.ClickException("S3_BUCKET belum diatur: tentukan bucket tujuan lebih dulu.")
        report = migrate_to_bucket(echo=lambda line: click.echo(line, err=True))
        click.echo(f"Disalin dan diverifikasi: {report.copied}; sudah ada dan cocok: {report.already_there}; "
                   f"rusak: {len(report.damaged)}.")
        if not report.ok:
            raise SystemExit(1)

    @app.cli.command("backup")
    @click.option("--to", "target", required=True, type=click.Path(file_okay=False),
                  help="Folder baru untuk cadangan")
    def backup(target: str) -> None:
        """Back up the database, every stored document and the key material's location (never secrets)."""
        from portal.ops.backup import BackupError, make_backup

        try:
            make_backup(Path(target), echo=click.echo)
        except BackupError as exc:
            raise click.ClickException(str(exc))
        click.echo(f"Cadangan selesai: {target}")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, file_okay=False))
    def restore(source: str) -> None:
        """Restore a backup into an empty database and the configured storage, then verify it."""
        from portal.ops.backup import BackupError, restore_backup
        from portal.storage_backends import StoredFileDamaged

        try:
            restore_backup(Path(source), echo=click.echo)
        except (BackupError, StoredFileDamaged) as exc:
            raise click.ClickException(str(exc))
