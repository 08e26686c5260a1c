"""Production safety: the portal refuses to start with a published or missing SECRET_KEY unless
development is asked for explicitly, seed-demo refuses outside development, and every
environment variable the README documents is read (with the right type)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.config import PROJECT_ROOT, UnsafeConfiguration, load_settings

STRONG_KEY = "k" * 48


def _readme_variables() -> set[str]:
    readme = (PROJECT_ROOT / "README.md").read_text()
    return set(re.findall(r"`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?:=[^`]*)?`", readme))


# variable -> (value in the environment, value the portal must read)
SAMPLES = {
    "DATABASE_URL": ("postgresql://portal@db/portal", "postgresql://portal@db/portal"),
    "SECRET_KEY": (STRONG_KEY, STRONG_KEY),
    "STORAGE_DIR": ("/srv/portal/storage", "/srv/portal/storage"),
    "REDIS_URL": ("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3"),
    "PUBLIC_BASE_URL": ("https://portal.bnsp.go.id", "https://portal.bnsp.go.id"),
    "MAIL_SERVER": ("smtp.bnsp.go.id", "smtp.bnsp.go.id"),
    "MAIL_PORT": ("2525", 2525),
    "MAIL_USERNAME": ("portal", "portal"),
    "MAIL_PASSWORD": ("rahasia-smtp", "rahasia-smtp"),
    "MAIL_USE_TLS": ("false", False),
    "MAIL_SENDER": ("BNSP <portal@bnsp.go.id>", "BNSP <portal@bnsp.go.id>"),
    "MAIL_OUTBOX_DIR": ("/srv/portal/outbox", "/srv/portal/outbox"),
    "SIGNING_TRUST_ROOTS": ("/etc/bnsp/root-a.pem:/etc/bnsp/root-b.pem", "/etc/bnsp/root-a.pem:/etc/bnsp/root-b.pem"),
    "SIGNING_ROOT_CERT_PATH": ("/etc/bnsp/root.pem", "/etc/bnsp/root.pem"),
    "OFFLINE_KEY_PATH": ("/etc/bnsp/offline.pem", "/etc/bnsp/offline.pem"),
    "VERIFY_MAX_BYTES": ("1048576", 1048576),
    "VERIFY_MAX_INFLATED": ("5242880", 5242880),
    "VERIFY_SEARCH_LIMIT": ("7", 7),
    "VERIFY_UPLOAD_LIMIT": ("3", 3),
    "UPLOAD_MAX_BYTES": ("10485760", 10485760),
    "UPLOAD_MAX_INFLATED": ("52428800", 52428800),
    "AUDIT_CHECKPOINT_DIR": ("/srv/portal/audit", "/srv/portal/audit"),
    "PORTAL_ENV": ("production", "production"),
    "SIGNING_BACKEND": ("pkcs11", "pkcs11"),
    "SIGNING_DIR": ("/srv/portal/signing", "/srv/portal/signing"),
    "SIGNING_P12_PATH": ("/etc/bnsp/sign.p12", "/etc/bnsp/sign.p12"),
    "SIGNING_P12_PASSPHRASE_FILE": ("/etc/bnsp/p12-pass", "/etc/bnsp/p12-pass"),
    "SIGNING_PKCS11_LIB": ("/usr/lib/x.so", "/usr/lib/x.so"),
    "SIGNING_PKCS11_TOKEN": ("bnsp", "bnsp"),
    "SIGNING_PKCS11_KEY": ("ketua", "ketua"),
    "SIGNING_PKCS11_PIN_FILE": ("/etc/bnsp/pin", "/etc/bnsp/pin"),
    "SIGNING_TTE_URL": ("https://tte.example/api", "https://tte.example/api"),
    "SIGNING_TSA_URL": ("https://tsa.example", "https://tsa.example"),
    "PROXY_COUNT": ("1", 1),
    "VERIFY_MEMORY_REGISTRY": ("false", False),
    "STORAGE_BACKEND": ("s3", "s3"),
    "S3_BUCKET": ("bnsp-dokumen", "bnsp-dokumen"),
    "S3_ENDPOINT_URL": ("https://s3.bnsp.go.id", "https://s3.bnsp.go.id"),
    "S3_REGION": ("ap-southeast-3", "ap-southeast-3"),
    "S3_PREFIX": ("portal/", "portal/"),
    "S3_ACCESS_KEY_ID": ("AKIAUJI", "AKIAUJI"),
    "S3_SECRET_ACCESS_KEY": ("rahasia-s3", "rahasia-s3"),
    "METRICS_TOKEN": ("token-metrik", "token-metrik"),
    "LOG_FORMAT": ("json", "json"),
    "TIMER_DAYS": ("kalender", "kalender"),
    "ASSESSOR_REGISTRATION_FORMAT": ("MET.{seq:05d}.{year}", "MET.{seq:05d}.{year}"),
}
READ_BY_THE_TEST_SUITE = {"TEST_DATABASE_URL", "TEST_REDIS_URL"}
# Read by prometheus-client itself from the environment, not by the portal's settings.
READ_BY_LIBRARIES = {"PROMETHEUS_MULTIPROC_DIR"}


def test_every_readme_variable_has_a_sample_here():
    documented = _readme_variables() - READ_BY_THE_TEST_SUITE - READ_BY_LIBRARIES
    assert documented, "no variables found in the README"
    assert documented <= set(SAMPLES), f"untested: {sorted(documented - set(SAMPLES))}"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_documented_variable_is_read_from_the_environment(monkeypatch, name):
    raw, expected = SAMPLES[name]
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv(name, raw)
    settings = load_settings(None)
    assert settings[name] == expected


def test_verify_limits_from_the_environment_work_end_to_end(monkeypatch, database_url, tmp_path, db):
    """VERIFY_SEARCH_LIMIT as the README documents it (a number) used to answer 500."""
    monkeypatch.setenv("VERIFY_SEARCH_LIMIT", "2")
    monkeypatch.setenv("VERIFY_UPLOAD_LIMIT", "1")
    app = create_app({"PORTAL_ENV": "development", "DATABASE_URL": database_url,
                      "STORAGE_DIR": str(tmp_path / "s"), "MAIL_OUTBOX_DIR": str(tmp_path / "o")})
    try:
        client = app.test_client()
        codes = [client.get("/v/registri", query_string={"q": f"NOMOR-{i}"}).status_code for i in range(3)]
        assert codes == [200, 200, 429]
    finally:
        with app.app_context():
            from portal.extensions import db as ext_db
            ext_db.engine.dispose()


@pytest.mark.parametrize("environment", [
    {},                                                  # nothing set: not development
    {"PORTAL_ENV": "production"},
    {"PORTAL_ENV": "production", "SECRET_KEY": "dev-only-secret-key-change-me"},
    {"SECRET_KEY": "dev-only-secret-key-change-me"},
    {"PORTAL_ENV": "production", "SECRET_KEY": "pendek"},
])
def test_the_app_refuses_to_start_with_a_missing_or_published_key(monkeypatch, environment):
    for name in ("PORTAL_ENV", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(UnsafeConfiguration):
        create_app()


def test_explicit_development_starts_with_the_dev_key(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("STORAGE_DIR", str(tmp_path / "s"))
    monkeypatch.setenv("MAIL_OUTBOX_DIR", str(tmp_path / "o"))
    app = create_app()
    assert app.config["PORTAL_ENV"] == "development"
    with app.app_context():
        from portal.extensions import db as ext_db
        ext_db.engine.dispose()


def test_seed_demo_refuses_outside_development(database_url, tmp_path, db):
    from portal.accounts.models import User

    app = create_app({"PORTAL_ENV": "production", "SECRET_KEY": STRONG_KEY, "DATABASE_URL": database_url,
                      "STORAGE_DIR": str(tmp_path / "s"), "MAIL_OUTBOX_DIR": str(tmp_path / "o")})
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "hanya untuk pengembangan" in result.output
    with app.app_context():
        from portal.extensions import db as ext_db
        assert ext_db.session.scalar(select(func.count(User.id))) == 0
        ext_db.session.remove()
        ext_db.engine.dispose()
