from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.core.access import AUTHENTICATED, allow, public
from portal.home.blueprint import bp
from portal.home.menu import menu_for


@bp.get("/")
@public
def landing():
    if current_user.is_authenticated:
        return index()
    return render_template("home/landing.html")


@bp.get("/beranda")
@allow(AUTHENTICATED)
def index():
    return render_template("home/index.html", tiles=menu_for(current_user))
