"""Metrics (protected), request ids in JSON log lines, and the readiness check."""
from __future__ import annotations

import json
import logging
from datetime import timedelta

from sqlalchemy import select

from portal.cases.models import WorkItem
from portal.core.dates import utcnow
from portal.observability.logs import JsonFormatter, RequestIdFilter
from tests.services import free_port

TOKEN = "token-pemantau-uji-123"


def _metric(text: str, name: str, **labels) -> float | None:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{{wanted}}} ") or (not labels and line.startswith(f"{name} ")):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_need_the_token_or_an_admin(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer salah"}).status_code == 401
    assert login_as("kasek").get("/metrics").status_code == 401
    assert login_as("admin").get("/metrics").status_code == 200
    scraped = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert scraped.status_code == 200 and scraped.mimetype == "text/plain"


def test_metrics_show_latency_per_endpoint_and_open_work_due_and_late(app, db, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    lsp = login_as("lsp")
    for title in ("Permohonan satu", "Permohonan dua"):
        assert lsp.post("/kasus/baru", data={"flow": "LIS", "title": title}).status_code == 302
    works = db.session.scalars(select(WorkItem).where(WorkItem.state == "open")).all()
    assert len(works) == 2
    works[0].due_at = utcnow() - timedelta(hours=1)
    works[1].due_at = utcnow() + timedelta(days=30)
    db.session.commit()
    lsp.get("/kasus")
    from portal.mail.outbox import queue_mail

    queue_mail("lsp@uji.test", "Pemberitahuan", "Isi")  # flushed, not committed: the worker has not run
    db.session.flush()

    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    assert _metric(text, "portal_work_items_open", flow="LIS", status="late") == 1
    assert _metric(text, "portal_work_items_open", flow="LIS", status="on_track") == 1
    assert _metric(text, "portal_request_seconds_count", endpoint="cases.new_case", method="POST") >= 2
    assert _metric(text, "portal_signatures_total") == 0
    assert _metric(text, "portal_signing_batches_running") == 0
    assert _metric(text, "portal_mail_outbox_backlog", state="menunggu") == 1
    assert "/kasus/" not in text  # series per endpoint, never per raw URL


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []
        self.addFilter(RequestIdFilter())
        self.setFormatter(JsonFormatter())

    def emit(self, record):
        self.lines.append(self.format(record))


def test_every_response_carries_a_request_id_that_the_json_log_line_repeats(app, client, monkeypatch):
    access = logging.getLogger("portal.access")
    handler = _Lines()
    # Other libraries' logging setup (dictConfig) may have disabled or silenced existing loggers.
    monkeypatch.setattr(access, "disabled", False)
    level = access.level
    access.setLevel(logging.INFO)  # setLevel, not the attribute: it also clears the logger's cache
    access.addHandler(handler)
    try:
        first = client.get("/akun/masuk", headers={"X-Request-ID": "dari-klien-palsu-123"})
        second = client.get("/akun/masuk")
    finally:
        access.removeHandler(handler)
        access.setLevel(level)
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert ids[0] != ids[1] and "dari-klien-palsu-123" not in ids  # no proxy configured: ours, not the client's
    lines = [json.loads(line) for line in handler.lines]
    assert [line["request_id"] for line in lines] == ids
    assert lines[0]["status"] == 200 and lines[0]["path"] == "/akun/masuk" and lines[0]["duration_ms"] >= 0


def test_request_id_from_a_trusted_proxy_is_kept(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PROXY_COUNT", 1)
    response = client.get("/akun/masuk", headers={"X-Request-ID": "proxy-abcdef123456"})
    assert response.headers["X-Request-ID"] == "proxy-abcdef123456"


def test_readiness_names_each_component(app, client, monkeypatch, s3_endpoint):
    ready = client.get("/siap")
    assert ready.status_code == 200
    assert ready.json == {"status": "siap", "database": "ok", "redis": "tidak dipakai", "storage": "ok"}

    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    for key, value in {"STORAGE_BACKEND": "s3", "S3_BUCKET": "tidak-ada", "S3_ENDPOINT_URL": s3_endpoint,
                       "S3_ACCESS_KEY_ID": "uji", "S3_SECRET_ACCESS_KEY": "uji"}.items():
        monkeypatch.setitem(app.config, key, value)
    down = client.get("/siap")
    assert down.status_code == 503
    assert down.json == {"status": "tidak siap", "database": "ok", "redis": "gagal", "storage": "gagal"}


def test_readiness_with_redis_and_the_bucket_up(app, client, monkeypatch, redis_process, s3_storage):
    monkeypatch.setitem(app.config, "REDIS_URL", redis_process)
    assert client.get("/siap").json == {"status": "siap", "database": "ok", "redis": "ok", "storage": "ok"}
