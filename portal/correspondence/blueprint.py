from flask import Blueprint

bp = Blueprint("correspondence", __name__, url_prefix="/surat")

from portal.correspondence import controllers  # noqa: E402,F401
