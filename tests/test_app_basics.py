import hashlib
import re
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, text

from portal.accounts.models import Organisation, User
from portal.config import PROJECT_ROOT
from tests.conftest import make_user

HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"  # htmx.org 2.0.11 dist/htmx.min.js


def test_vendored_htmx_is_the_pinned_2x_release():
    data = (PROJECT_ROOT / "static/vendor/htmx.min.js").read_bytes()
    assert hashlib.sha256(data).hexdigest() == HTMX_SHA256
    assert b'version:"2.0.11"' in data


def test_pages_load_no_asset_from_another_host(client):
    html = client.get("/akun/masuk").get_data(as_text=True)
    assert "/static/vendor/htmx.min.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script>" not in html and "style=" not in html


def test_security_headers_forbid_inline_code_and_framing(client):
    response = client.get("/akun/masuk")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_htmx_indicator_style_is_turned_off_so_the_csp_holds(client):
    html = client.get("/akun/masuk").get_data(as_text=True)
    assert '"includeIndicatorStyles": false' in html


def test_production_config_uses_secure_cookies():
    from portal.config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.SESSION_COOKIE_HTTPONLY
    assert ProductionConfig.REMEMBER_COOKIE_SECURE


def test_datetimes_come_back_timezone_aware_in_utc(db):
    user = make_user("waktu_uji", ["cs"])
    db.session.expire_all()
    fresh = db.session.get(User, user.id)
    assert fresh.created_at.tzinfo is not None
    assert fresh.created_at.utcoffset().total_seconds() == 0
    assert abs((datetime.now(timezone.utc) - fresh.created_at).total_seconds()) < 60


def test_foreign_keys_are_enforced(db):
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.execute(text(
            "INSERT INTO user_account (username, full_name, email, password_hash, is_enabled, "
            "organisation_id, created_at, session_version) "
            "VALUES ('x', 'x', 'x@x.test', 'x', true, 424242, CURRENT_TIMESTAMP, 1)"))
        db.session.flush()
    db.session.rollback()


def test_error_pages_speak_indonesian(client):
    response = client.get("/tidak-ada-halaman-ini")
    assert response.status_code == 404
    assert "Tidak ditemukan" in response.get_data(as_text=True)


def test_seed_demo_creates_one_account_per_role(runner, db):
    from portal.cli import DEMO_ACCOUNTS
    from portal.flows.roles import ROLES

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert set(DEMO_ACCOUNTS) <= set(users)
    held = set().union(*(u.role_codes for u in users.values()))
    assert held == set(ROLES)
    assert users["lsp1"].organisation_id != users["lsp2"].organisation_id
    assert db.session.scalar(select(Organisation).where(Organisation.id == users["lsp1"].organisation_id))


def test_migrations_build_the_same_schema_as_the_models(tmp_path):
    """`flask db upgrade` on an empty database gives exactly the tables and columns of the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade
    from sqlalchemy import create_engine

    from portal import create_app
    from portal.extensions import db as ext_db

    import os

    from tests.conftest import _postgres_schema_url

    drop = None
    if os.environ.get("TEST_DATABASE_URL"):
        url, drop = _postgres_schema_url(os.environ["TEST_DATABASE_URL"])
    else:
        url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "STORAGE_DIR": str(tmp_path / "s"),
                      "MAIL_OUTBOX_DIR": str(tmp_path / "o")})
    with app.app_context():
        upgrade()
        engine = create_engine(url)
        with engine.connect() as conn:
            dialect = conn.dialect.name

            def include_object(obj, name, type_, reflected, compare_to):
                # An index created on one database only (ddl_if), and SQLite's FTS5 search table and
                # its shadow tables (portal.correspondence.letter_search), are no model tables.
                guard = getattr(obj, "_ddl_if", None)
                if type_ == "index" and guard is not None and guard.dialect not in (None, dialect):
                    return False
                if type_ == "index" and guard is not None and guard.callable_ is not None and reflected is False:
                    return guard.callable_(None, obj, conn)
                return not (type_ == "table" and name.startswith("letter_search"))

            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                           "include_object": include_object}),
                                    ext_db.metadata)
        engine.dispose()
        ext_db.engine.dispose()
    if drop:
        drop()
    assert diff == [], f"models and migrations differ: {diff}"


def test_readme_states_the_two_commands():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "./run.sh" in readme or "make run" in readme or "scripts/" in readme
    assert Path(PROJECT_ROOT / ".ci/run").exists()


def test_behind_a_proxy_the_client_address_comes_from_x_forwarded_for(tmp_path, database_url):
    from portal import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "STORAGE_DIR": str(tmp_path / "s"),
                      "MAIL_OUTBOX_DIR": str(tmp_path / "o"), "PROXY_COUNT": 1})
    seen = {}

    @app.before_request
    def remember():
        from flask import request

        seen["addr"] = request.remote_addr

    app.test_client().get("/akun/masuk", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen["addr"] == "203.0.113.7"
    with app.app_context():
        from portal.extensions import db as ext_db
        ext_db.engine.dispose()
