from flask import Blueprint

bp = Blueprint("licensing", __name__, url_prefix="/lisensi")

from portal.licensing import controllers  # noqa: E402,F401


@bp.record_once
def _globals(state) -> None:
    from portal.licensing.panel import init_panel

    init_panel(state)
