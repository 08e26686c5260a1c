from flask import Blueprint

bp = Blueprint("assessment", __name__)

from portal.assessment import controllers  # noqa: E402,F401
