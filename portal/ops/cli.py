"""Operations commands: storage-migrate, backup, restore."""
from __future__ import annotations

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
