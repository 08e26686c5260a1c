from flask import Blueprint

bp = Blueprint("home", __name__)

from portal.home import controllers  # noqa: E402,F401
