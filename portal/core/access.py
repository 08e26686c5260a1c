"""Route access declarations and their enforcement: every view says who may use it, the rest is denied.

    @bp.get("/kotak-kerja")
    @allow("kasek", "phu")          # only these roles
    @allow(AUTHENTICATED)           # any logged-in user
    @public                         # anyone, no login

A view with no declaration answers 403 to everyone, and create_app() refuses to start with one.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

PUBLIC = "__public__"
AUTHENTICATED = "__authenticated__"

# Endpoints served by Flask itself; the static folder only holds public assets.
BUILTIN_PUBLIC_ENDPOINTS = {"static"}


def allow(*roles: str) -> Callable:
    if not roles:
        raise ValueError("allow() needs at least one role")

    def decorate(view: Callable) -> Callable:
        view.__access__ = frozenset(roles)
        return view

    return decorate


def public(view: Callable) -> Callable:
    view.__access__ = frozenset({PUBLIC})
    return view


def access_of(app: Flask, endpoint: str) -> frozenset[str] | None:
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return frozenset({PUBLIC})
    view = app.view_functions.get(endpoint)
    return getattr(view, "__access__", None)


def user_may_access(user, access: frozenset[str] | None) -> bool:
    if not access:
        return False
    if PUBLIC in access:
        return True
    if not user.is_authenticated:
        return False
    if AUTHENTICATED in access:
        return True
    return bool(user.role_codes & access)


def undeclared_endpoints(app: Flask) -> list[str]:
    return sorted(ep for ep in app.view_functions if access_of(app, ep) is None)


def enforce_access() -> None:
    """before_request hook: deny by default."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no route matched: Flask answers 404/405 itself
    access = access_of(current_app, endpoint)
    if access is None:
        abort(403)
    if user_may_access(current_user, access):
        return None
    if not current_user.is_authenticated:
        if request.headers.get("HX-Request"):
            abort(401)
        flash("Silakan masuk untuk membuka halaman ini.", "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    abort(403)


def init_access(app: Flask) -> None:
    app.before_request(enforce_access)
