"""A request id for every request (taken from a trusted proxy's X-Request-ID, else made here),
sent back in the response header and carried by every log line; JSON log lines when LOG_FORMAT=json
(the production default), one access line per request."""
from __future__ import annotations

import json
import logging
import re
import secrets
import time
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request, session

ACCESS_LOG = logging.getLogger("portal.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id and extra fields."""

    FIELDS = ("method", "path", "endpoint", "status", "duration_ms", "user_id", "remote_addr")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def init_logs(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") == "json":
        configure_json_logging()

    @app.before_request
    def start_request() -> None:
        sent = request.headers.get("X-Request-ID", "")
        # Only a trusted reverse proxy's id is kept (PROXY_COUNT set); a client's own is replaced.
        g.request_id = sent if app.config.get("PROXY_COUNT") and _VALID_ID.match(sent) else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def finish_request(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers["X-Request-ID"] = request_id
        started = g.get("request_started")
        if started is not None:
            ACCESS_LOG.info("%s %s %s", request.method, request.path, response.status_code, extra={
                "request_id": request_id, "method": request.method, "path": request.path, "endpoint": request.endpoint or "",
                "status": response.status_code, "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                # From the session cookie: logging never loads (or reloads) a user from the database.
                "user_id": (session.get("_user_id") or "").split(":")[0] or None,
                "remote_addr": request.remote_addr})
        return response


class RequestIdFilter(logging.Filter):
    """Stamps each record with the request id while the request runs (formatting may come later)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id()
        return True


def configure_json_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
