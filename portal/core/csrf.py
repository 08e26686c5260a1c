"""CSRF protection for every state-changing request, HTMX included.

Forms carry a hidden ``csrf_token`` field; HTMX requests send the same token in the
``X-CSRFToken`` header, set once for the whole page through ``hx-headers`` on <body>.
"""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
SESSION_KEY = "_csrf"


def csrf_token() -> str:
    token = session.get(SESSION_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def check_csrf() -> None:
    if request.method in SAFE_METHODS:
        return None
    expected = session.get(SESSION_KEY)
    sent = request.headers.get("X-CSRFToken") or request.form.get("csrf_token")
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        abort(400, description="Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")
    return None


def init_csrf(app: Flask) -> None:
    app.before_request(check_csrf)
    app.jinja_env.globals["csrf_token"] = csrf_token
