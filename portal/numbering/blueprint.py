from flask import Blueprint

bp = Blueprint("numbering", __name__, url_prefix="/admin/penomoran")

from portal.numbering import controllers  # noqa: E402,F401
