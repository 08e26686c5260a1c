"""GET /metrics (Prometheus text format, token or admin only) and GET /siap (readiness)."""
from __future__ import annotations

import hmac

from flask import Response, current_app, jsonify, request
from flask_login import current_user

from portal.core.access import public
from portal.observability import metrics, readiness
from portal.observability.blueprint import bp


def _may_read_metrics() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    sent = request.headers.get("Authorization", "")
    if token and sent.startswith("Bearer ") and hmac.compare_digest(sent[7:].encode(), token.encode()):
        return True
    return current_user.is_authenticated and "admin" in current_user.role_codes


@bp.get("/metrics")
@public  # checked here: a Prometheus scraper has a bearer token, not a session
def scrape():
    if not _may_read_metrics():
        return Response("Metrik hanya untuk pemantau internal (token atau admin).\n", status=401,
                        mimetype="text/plain", headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    body, content_type = metrics.render()
    return Response(body, mimetype=None, content_type=content_type)


@bp.get("/siap")
@public  # load balancers ask without a session; the answer names components, never their errors
def ready():
    report = readiness.check()
    return jsonify(status="siap" if report.ok else "tidak siap", **report.components), 200 if report.ok else 503
