from flask import Blueprint

bp = Blueprint("cases", __name__)

from portal.cases import controllers  # noqa: E402,F401
