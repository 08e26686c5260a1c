from flask import Blueprint

bp = Blueprint("accounts", __name__, url_prefix="/akun")

from portal.accounts import controllers  # noqa: E402,F401  (registers the routes)
