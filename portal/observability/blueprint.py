from flask import Blueprint

bp = Blueprint("observability", __name__)

from portal.observability import controllers  # noqa: E402,F401
