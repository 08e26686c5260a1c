"""Prometheus metrics. Request latency per endpoint is measured in each process (with several
gunicorn workers, set PROMETHEUS_MULTIPROC_DIR so they are summed); the work-state figures are
read from the database at scrape time, so every app process reports the same numbers:

- portal_request_seconds{endpoint,method}             request latency histogram
- portal_signature_requests{state}                   signature requests per state (queue depth:
                                                     menunggu + diproses); the signing rate is
                                                     rate(portal_signatures_total[5m])
- portal_signatures_total                            documents signed so far
- portal_signing_batches_running                     batches a worker is signing now
- portal_task_queue_pending                          tasks waiting in the Huey queue (Redis or SQLite)
- portal_work_items_open{flow,status}                open work items: status late / due_today / on_track
- portal_mail_outbox_backlog{state}                  mails not sent yet: menunggu, gagal
"""
from __future__ import annotations

import os
import time
from datetime import datetime, time as clock

from flask import Flask, current_app, g, request
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import case, func, select

from portal.core.dates import WIB, utcnow
from portal.extensions import db


def init_metrics(app: Flask) -> None:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
        # Written to the shared folder; summed over every gunicorn worker when scraped.
        latency = Histogram("portal_request_seconds", "Request latency per endpoint", ["endpoint", "method"],
                            registry=None)
    else:
        latency = Histogram("portal_request_seconds", "Request latency per endpoint", ["endpoint", "method"],
                            registry=registry)
    registry.register(PortalCollector())
    app.extensions["portal_metrics"] = registry

    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def observe(response):
        started = g.get("metrics_started")
        if started is not None:
            # The endpoint name, never the raw path: one series per route, not per URL.
            latency.labels(request.endpoint or "tidak_ditemukan", request.method).observe(time.perf_counter() - started)
        return response


def render() -> tuple[bytes, str]:
    return generate_latest(current_app.extensions["portal_metrics"]), CONTENT_TYPE_LATEST


class PortalCollector:
    """Work-state figures read from the database when Prometheus scrapes."""

    def describe(self):
        return []  # nothing to read at registration (no app context yet)

    def collect(self):
        from portal.signing.models import SignatureRequest, SigningBatch

        by_state = GaugeMetricFamily("portal_signature_requests", "Signature requests per state", labels=["state"])
        signed = 0
        for state, count in db.session.execute(select(SignatureRequest.state, func.count())
                                               .group_by(SignatureRequest.state)):
            by_state.add_metric([state], count)
            if state == "ditandatangani":
                signed = count
        yield by_state
        total = CounterMetricFamily("portal_signatures", "Documents signed so far")
        total.add_metric([], signed)
        yield total
        running = db.session.scalar(select(func.count()).select_from(SigningBatch).where(SigningBatch.state == "berjalan"))
        yield GaugeMetricFamily("portal_signing_batches_running", "Signing batches running", value=running)
        pending = task_queue_pending()
        if pending is not None:
            yield GaugeMetricFamily("portal_task_queue_pending", "Tasks waiting in the queue", value=pending)
        yield work_items_family()
        backlog = GaugeMetricFamily("portal_mail_outbox_backlog", "Mails not sent yet, per state", labels=["state"])
        for state, count in outbox_backlog().items():
            backlog.add_metric([state], count)
        yield backlog


def work_items_family() -> GaugeMetricFamily:
    from portal.calendar.services import work_calendar
    from portal.cases.models import WorkItem

    now = utcnow()
    horizon = datetime.combine(work_calendar().next_working_day(now.astimezone(WIB).date()), clock(0), tzinfo=WIB)
    status = case((WorkItem.due_at < now, "late"), (WorkItem.due_at < horizon, "due_today"), else_="on_track")
    family = GaugeMetricFamily("portal_work_items_open", "Open work items per flow and due status",
                               labels=["flow", "status"])
    rows = db.session.execute(select(WorkItem.flow_code, status, func.count()).where(WorkItem.state == "open")
                              .group_by(WorkItem.flow_code, status))
    for flow, state, count in rows:
        family.add_metric([flow, state], count)
    return family


def task_queue_pending() -> int | None:
    try:
        from portal.signing.tasks import huey

        return int(huey.pending_count())
    except Exception:  # noqa: BLE001 - a queue that cannot be read is reported by /siap, not here
        return None


def outbox_backlog() -> dict[str, int]:
    """Mails in the outbox (portal/mail: the worker sends them after the commit) per state:
    menunggu (waiting or retrying) and gagal (given up); terkirim is history, not backlog."""
    from portal.mail.models import OutgoingMail

    rows = db.session.execute(select(OutgoingMail.state, func.count()).where(OutgoingMail.state != "terkirim")
                              .group_by(OutgoingMail.state))
    return {"menunggu": 0, "gagal": 0, **{state: count for state, count in rows}}
