"""Running the portal where it can be watched: a request id and JSON log lines, Prometheus metrics
(protected: a bearer token or an admin session), and a readiness check of database, Redis and storage."""
from __future__ import annotations

from flask import Flask


def init_observability(app: Flask) -> None:
    from portal.observability import logs, metrics

    logs.init_logs(app)
    metrics.init_metrics(app)
