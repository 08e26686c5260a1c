from flask import Blueprint, abort, render_template

from portal.core.access import public
from portal.flows.diagram import legend, render_flow_svg
from portal.flows.registry import FLOWS

bp = Blueprint("flows", __name__, url_prefix="/alur")


@bp.get("/")
@public
def alur():
    """The six flows with their diagrams and legends, as the decree's appendices showed them."""
    flows = [(flow, render_flow_svg(flow), legend(flow)) for flow in FLOWS.values()]
    return render_template("flows/alur.html", flows=flows)


@bp.get("/<code>")
@public
def flow_detail(code: str):
    flow = FLOWS.get(code.upper())
    if flow is None:
        abort(404)
    return render_template("flows/detail.html", flow=flow, diagram=render_flow_svg(flow), legend=legend(flow))
