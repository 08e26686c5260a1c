"""Readiness: can this process serve? Database, Redis (when configured) and document storage."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import text

from portal.extensions import db

log = logging.getLogger(__name__)


@dataclass
class Readiness:
    components: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(state in ("ok", "tidak dipakai") for state in self.components.values())


def check() -> Readiness:
    report = Readiness()
    report.components["database"] = _probe("database", lambda: db.session.execute(text("SELECT 1")).scalar_one())
    url = current_app.config.get("REDIS_URL")
    if url:
        import redis

        def ping():
            client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
            try:
                client.ping()
            finally:
                client.close()

        report.components["redis"] = _probe("redis", ping)
    else:
        report.components["redis"] = "tidak dipakai"
    from portal import storage

    report.components["storage"] = _probe("storage", lambda: storage.backend().ping())
    return report


def _probe(name: str, probe) -> str:
    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"; the reason goes to the log
        log.warning("readiness: %s failed: %s", name, exc)
        if name == "database":
            db.session.rollback()
        return "gagal"
    return "ok"
