from flask import Blueprint

bp = Blueprint("notifications", __name__)

from portal.notifications import controllers  # noqa: E402,F401
