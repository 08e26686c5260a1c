"""Shared fixtures: app, fresh database per test (SQLite, or PostgreSQL when TEST_DATABASE_URL is
set), a client that sends the CSRF token like the real pages do, and login_as(role)."""
from __future__ import annotations

import os
import re
import secrets
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from portal import create_app
from portal.core.csrf import SESSION_KEY
from portal.extensions import db as _db

TEST_PASSWORD = "rahasia-uji-123"


def _postgres_schema_url(base_url: str):
    """A fresh schema per test run, dropped at the end: runs never see each other's rows."""
    from portal.core.scratch import scratch_schema

    return scratch_schema(base_url, "t")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        url, drop = _postgres_schema_url(base)
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal-test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    root = tmp_path_factory.mktemp("instance")
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "STORAGE_DIR": str(root / "storage"),
        "MAIL_OUTBOX_DIR": str(root / "outbox"),
        "SIGNING_DIR": str(root / "signing"),
        "SIGNING_PROCESSES": 1,
    })
    app.test_client_class = PortalClient
    from portal.signing.tasks import huey

    huey.immediate = True  # tasks run in the caller, as the worker would run them
    with app.app_context():
        _db.create_all()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture()
def db(app):
    """A clean database for each test, inside an application context."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        _wipe(app)


def _wipe(app) -> None:
    tables = list(reversed(_db.metadata.sorted_tables))
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    for folder in (app.config["STORAGE_DIR"], app.config["MAIL_OUTBOX_DIR"]):
        for dirpath, _dirs, files in os.walk(folder):
            for name in files:
                os.unlink(os.path.join(dirpath, name))


class PortalClient(FlaskClient):
    """Sends the session's CSRF token on state-changing requests, as base.html's hx-headers does.

    Pass ``csrf=False`` to send none (to test the refusal), or ``csrf="..."`` to send a given one.
    """

    def open(self, *args, csrf=True, **kwargs):
        # Tests hold an app context open, which requests then share; in production every request
        # has its own, so start each request with an empty `g` (no cached user or calendar).
        from flask import g, has_app_context

        if has_app_context():
            for name in list(vars(g)):
                delattr(g, name)
        method = (kwargs.get("method") or "GET").upper()
        if method not in ("GET", "HEAD", "OPTIONS") and csrf is not False:
            token = csrf if isinstance(csrf, str) else self.csrf_token()
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", token)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            if SESSION_KEY not in session:
                session[SESSION_KEY] = secrets.token_urlsafe(32)
            return session[SESSION_KEY]


@pytest.fixture()
def client(app, db):
    return app.test_client()


@pytest.fixture()
def runner(app, db):
    return app.test_cli_runner()


def make_user(username: str, roles: list[str], organisation=None, password: str = TEST_PASSWORD):
    from portal.accounts.services import create_user

    user = create_user(username, username.replace("_", " ").title(), f"{username}@uji.bnsp.test",
                       password, roles, organisation=organisation)
    _db.session.commit()
    return user


def make_organisation(name: str = "LSP Uji Coba", kind: str = "lsp"):
    from portal.accounts.models import Organisation

    org = Organisation(name=name, kind=kind, email=f"{uuid.uuid4().hex[:8]}@lsp.test")
    _db.session.add(org)
    _db.session.commit()
    return org


def login(client, username: str, password: str = TEST_PASSWORD):
    response = client.post("/akun/masuk", data={"username": username, "password": password})
    assert response.status_code == 302, f"login as {username} failed: {response.status_code}"
    return response


@pytest.fixture()
def login_as(app, db):
    """login_as("kasek") -> a client logged in as a fresh user holding that role (or roles)."""

    def _login_as(*roles: str, organisation=None, username: str | None = None):
        username = username or re.sub(r"[^a-z0-9_]", "", "_".join(roles))[:40] + "_" + secrets.token_hex(2)
        if organisation is None and "lsp" in roles:
            organisation = make_organisation(f"LSP {username}")
        user = make_user(username, list(roles), organisation=organisation)
        client = app.test_client()
        login(client, username)
        client.user = user
        return client

    return _login_as


# --- real service processes (tests/services.py) -------------------------------------------------

@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """An S3-protocol server (moto) on 127.0.0.1, started once for the whole run."""
    from tests.services import s3_server

    with s3_server(tmp_path_factory.mktemp("s3") / "moto.log") as url:
        yield url


@pytest.fixture()
def s3_storage(app, db, s3_endpoint, monkeypatch):
    """The app's documents go to a fresh bucket of this test's own."""
    from tests.services import S3_CREDENTIALS, make_bucket

    bucket = f"uji-{uuid.uuid4().hex[:12]}"
    make_bucket(s3_endpoint, bucket)
    for key, value in {"STORAGE_BACKEND": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_endpoint,
                       **S3_CREDENTIALS}.items():
        monkeypatch.setitem(app.config, key, value)
    return bucket


@pytest.fixture(scope="session")
def redis_process(tmp_path_factory):
    """A private redis-server for the run: never a developer's Redis, nothing of theirs flushed."""
    from tests.services import redis_server

    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url
