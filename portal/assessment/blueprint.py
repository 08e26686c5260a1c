from flask import Blueprint

bp = Blueprint("assessment", __name__)

from portal.assessment import controllers  # noqa: E402,F401


@bp.app_template_global()
def master_assessors(role: str):
    from portal.assessment.people import master_assessors as holders

    return holders(role)


@bp.app_template_global()
def today_wib():
    from portal.forms.base import today_wib as today

    return today()
