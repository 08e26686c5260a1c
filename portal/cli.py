"""Flask CLI commands: seed-demo, create-admin, registry-warm, audit-verify, audit-checkpoint (areas add
their own here)."""
from __future__ import annotations

import getpass

import click
from flask import Flask
from sqlalchemy import select

from portal.extensions import db

DEMO_PASSWORD = "demo12345"  # demo accounts only: documented as such in the README

# login name -> (full name, roles, organisation key)
DEMO_ACCOUNTS = {
    "admin": ("Admin Sistem", ["admin"], None),
    "cs": ("Citra Customer Service", ["cs"], None),
    "phu": ("Putri Bagian PHU", ["phu"], None),
    "staf_sertifikasi": ("Sari Staf Sertifikasi", ["staf_sertifikasi"], None),
    "koor_sertifikasi": ("Kurniawan Koordinator Sertifikasi", ["koor_sertifikasi"], None),
    "koor_sdm": ("Dewi Koordinator SDM", ["koor_sdm"], None),
    "staf_lisensi": ("Lukman Staf Lisensi", ["staf_lisensi"], None),
    "kabag": ("Bambang Kepala Bagian", ["kabag"], None),
    "kasek": ("Kartika Kepala Sekretariat", ["kasek"], None),
    "ketua": ("Dr. Ketua BNSP", ["ketua"], None),
    "anggota": ("Ahmad Anggota BNSP", ["anggota"], None),
    "pantek": ("Pratiwi Panitia Teknis", ["pantek"], None),
    "komtek": ("Komang Komisi Teknis", ["komtek"], None),
    "ma_pelatih": ("Maria Master Asesor Pelatih", ["ma_pelatih"], None),
    "ma_penguji": ("Made Master Asesor Penguji", ["ma_penguji"], None),
    "asesor_lisensi": ("Agus Asesor Lisensi", ["asesor_lisensi"], None),
    "lsp1": ("Lina Admin LSP Teknologi Digital", ["lsp"], "lsp1"),
    "lsp2": ("Lukas Admin LSP Pariwisata", ["lsp"], "lsp2"),
    "peserta1": ("Putra Peserta Asesor", ["peserta"], None),
}

DEMO_ORGANISATIONS = {
    "lsp1": ("LSP Teknologi Digital Nusantara", "lsp", "lsp1@contoh.bnsp.test"),
    "lsp2": ("LSP Pariwisata Indonesia", "lsp", "lsp2@contoh.bnsp.test"),
}


def seed_demo_accounts() -> list[str]:
    from portal.accounts.models import Organisation, User
    from portal.accounts.services import create_user

    created = []
    orgs = {}
    for key, (name, kind, email) in DEMO_ORGANISATIONS.items():
        org = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            org = Organisation(name=name, kind=kind, email=email)
            db.session.add(org)
            db.session.flush()
        orgs[key] = org
    for username, (full_name, roles, org_key) in DEMO_ACCOUNTS.items():
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue
        # The demo password is deliberately weak and documented; seed-demo runs only in development.
        create_user(username, full_name, f"{username}@contoh.bnsp.test", DEMO_PASSWORD, roles,
                    organisation=orgs.get(org_key) if org_key else None, enforce_policy=False)
        created.append(username)
    return created


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Create one demo account per role (password demo12345) and the demo data."""
        if app.config.get("PORTAL_ENV") not in ("development", "testing"):
            raise click.ClickException(
                "seed-demo hanya untuk pengembangan: akun demo berkata sandi umum (demo12345) tidak "
                "boleh ada di server produksi. Jalankan dengan PORTAL_ENV=development.")
        created = seed_demo_accounts()
        from portal.seeding import seed_everything_else

        seed_everything_else()
        db.session.commit()
        click.echo(f"Akun demo dibuat: {', '.join(created) or '(sudah ada)'}; kata sandi: {DEMO_PASSWORD}")

    @app.cli.command("create-admin")
    @click.option("--username", prompt="Nama pengguna")
    @click.option("--full-name", prompt="Nama lengkap")
    @click.option("--email", prompt="E-mail")
    def create_admin(username: str, full_name: str, email: str) -> None:
        """Create a real administrator account interactively."""
        from portal.accounts.services import AccountError, create_user

        password = getpass.getpass("Kata sandi: ")
        if password != getpass.getpass("Ulangi kata sandi: "):
            raise click.ClickException("Kata sandi tidak sama.")
        try:
            create_user(username, full_name, email, password, ["admin"])
        except AccountError as exc:
            raise click.ClickException(str(exc))
        db.session.commit()
        click.echo(f"Admin {username} dibuat.")

    @app.cli.command("setup-signing")
    def setup_signing() -> None:
        """Create the embedded default's local test CA and signing certificate (PKCS#12), once."""
        from portal.signing.setup import ensure_dev_signing

        pki = ensure_dev_signing()
        click.echo(f"Kunci tanda tangan siap: {pki.p12_path} (root CA uji: {pki.root_cert_path})")

    @app.cli.command("set-signing-pin")
    @click.argument("username")
    def set_signing_pin(username: str) -> None:
        """Set a signer's signing PIN (asked twice, stored only as an argon2 hash)."""
        from portal.accounts.models import User
        from portal.signing.queue import SigningQueueError, set_pin

        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException("Pengguna tidak ditemukan.")
        pin = getpass.getpass("PIN (6–12 angka): ")
        if pin != getpass.getpass("Ulangi PIN: "):
            raise click.ClickException("PIN tidak sama.")
        try:
            set_pin(user, pin)
        except SigningQueueError as exc:
            raise click.ClickException(exc.message)
        db.session.commit()
        click.echo("PIN tanda tangan disimpan (hanya sebagai hash).")

    @app.cli.command("registry-warm")
    @click.option("--batch", default=5000, show_default=True, help="rows per Redis pipeline")
    def registry_warm(batch: int) -> None:
        """Load every signed document into the Redis read model of /v/<id> (needs REDIS_URL)."""
        from portal.verification import readmodel

        if not app.config.get("REDIS_URL"):
            raise click.ClickException("REDIS_URL tidak diatur: registri publik dibaca dari basis data.")
        click.echo(f"{readmodel.warm(batch):,} dokumen dimuat ke Redis.")

    @app.cli.command("audit-verify")
    def audit_verify() -> None:
        """Check the audit trail's hash chain and checkpoints; list every break, exit 1 if any."""
        from portal.audit.services import verify_chain

        report = verify_chain()
        if report.ok:
            click.echo(f"OK: {report.checked} entri audit, rantai hash utuh dan cocok dengan titik periksa.")
            return
        click.echo(f"RUSAK: {len(report.breaks)} kerusakan pada {report.checked} entri audit:", err=True)
        for entry_id, reason in report.breaks:
            click.echo(f"  entri #{entry_id if entry_id is not None else '?'}: {reason}", err=True)
        raise SystemExit(1)

    @app.cli.command("audit-checkpoint")
    def audit_checkpoint() -> None:
        """Sign the audit chain's head and keep it outside the database (run it regularly)."""
        from portal.audit.anchor import write_checkpoint

        checkpoint = write_checkpoint()
        if checkpoint is None:
            click.echo("Jejak audit masih kosong: tidak ada titik periksa.")
            return
        click.echo(f"Titik periksa audit: entri #{checkpoint.entry_id} ({checkpoint.entry_hash[:16]}…).")
