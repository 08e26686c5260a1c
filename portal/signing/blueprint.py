from flask import Blueprint

bp = Blueprint("signing", __name__, url_prefix="/tanda-tangan")

from portal.signing import controllers  # noqa: E402,F401
