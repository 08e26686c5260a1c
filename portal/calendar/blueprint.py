from flask import Blueprint

bp = Blueprint("calendar", __name__, url_prefix="/admin/kalender")

from portal.calendar import controllers  # noqa: E402,F401
