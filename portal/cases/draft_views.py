"""Routes that edit a generated draft from the case screen ("Ubah draf …"): the form prefilled from the
stored context, and the re-rendered PDF stored as the slot's next version (portal.cases.draft_edits)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.cases import draft_edits, services
from portal.cases.blueprint import bp
from portal.cases.controllers import _render_case, _work_of
from portal.cases.errors import CaseError
from portal.core.access import AUTHENTICATED, allow
from portal.core.errors import render_error
from portal.extensions import db, htmx
from portal.flows.registry import get_flow

EDIT_URL = "/kasus/<number>/kerja/<int:work_id>/draf/<code>/ubah"


def _panel(case, work, draft, values: dict, errors: dict, status: int = 200):
    flow = get_flow(case.flow_code)
    page = dict(case=case, work=work, draft=draft, flow=flow, step=flow.step(work.step_key), values=values,
                errors=errors, fields=draft.fields,
                action=url_for("cases.edit_draft", number=case.number, work_id=work.id, code=draft.code))
    template = "cases/_draft_edit_panel.html" if htmx else "cases/draft_edit.html"
    return render_template(template, **page), status


def _refused(exc: CaseError):
    db.session.rollback()
    return render_error(exc.status, exc.message)


@bp.get(EDIT_URL)
@allow(AUTHENTICATED)
def edit_draft_form(number: str, work_id: int, code: str):
    """The edit form, prefilled (a fragment under the step's panel for HTMX, else a page)."""
    case = services.load_case_for(current_user, number)
    work = _work_of(case, work_id)
    try:
        draft = draft_edits.draft_for_editing(case, work, code, current_user)
    except CaseError as exc:
        return _refused(exc)
    return _panel(case, work, draft, draft.values, {})


@bp.post(EDIT_URL)
@allow(AUTHENTICATED)
def edit_draft(number: str, work_id: int, code: str):
    """Refused fields come back with their messages and the typed values (422, nothing stored); an
    accepted edit is rendered and stored as the draft's next version."""
    case = services.load_case_for(current_user, number)
    work = _work_of(case, work_id)
    try:
        draft = draft_edits.draft_for_editing(case, work, code, current_user)
        version = draft_edits.edit_draft(case, work, code, request.form, current_user)
    except draft_edits.DraftInvalid as exc:
        db.session.rollback()
        typed = {f.name: request.form.get(f.name, "") for f in draft.fields}
        return _panel(case, work, draft, typed, exc.errors, 422)
    except CaseError as exc:
        return _refused(exc)
    db.session.commit()
    message = f"Draf {code} diperbarui (versi {version.version})."
    if not htmx:
        flash(message, "success")
        return redirect(url_for("cases.show", number=case.number))
    body, status = _render_case(case)
    # The form sat in the step's panel; the answer is the whole case body with the new version.
    return body, status, {"HX-Retarget": "#case-body", "HX-Reswap": "outerHTML"}
