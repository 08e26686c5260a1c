"""The background task queue (Huey) every area's worker tasks use: embedded SQLite storage by
default, Redis when REDIS_URL is set. `python -m portal.worker` runs the consumer."""
from __future__ import annotations

import os
from contextlib import contextmanager

from huey import RedisHuey, SqliteHuey

from portal.config import INSTANCE_DIR

# Modules that declare tasks; the worker imports them all so the consumer knows every task.
TASK_MODULES = ("portal.signing.tasks", "portal.mail.tasks", "portal.cases.tasks", "portal.notifications.tasks",
                "portal.audit.tasks", "portal.accounts.tasks")


def _make_huey():
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return RedisHuey("bnsp-portal", url=redis_url)
    path = os.environ.get("HUEY_SQLITE_PATH") or str(INSTANCE_DIR / "huey.sqlite3")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return SqliteHuey("bnsp-portal", filename=path)


huey = _make_huey()
_worker_app = None


def set_worker_app(app) -> None:
    global _worker_app
    _worker_app = app


def worker_app():
    return _worker_app


@contextmanager
def app_context():
    from flask import has_app_context

    if has_app_context():  # immediate mode (tests) runs inside the caller's request or test
        yield
        return
    with _worker_app.app_context():
        yield
