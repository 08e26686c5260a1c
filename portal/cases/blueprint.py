from flask import Blueprint

bp = Blueprint("cases", __name__)

from portal.cases import controllers, draft_views  # noqa: E402,F401
