"""Running a step form: check who may fill it, validate, store the record, render it into the
step's document slot, keep or drop the autosaved draft. Operations only flush; the request commits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from portal.accounts.models import User
from portal.cases import engine
from portal.cases.engine import CaseError
from portal.cases.models import Case, DocumentVersion, WorkItem
from portal.core.dates import utcnow
from portal.extensions import db
from portal.forms.base import FormInvalid, PortalForm
from portal.forms.models import StepFormDraft
from portal.forms.registry import StepForm, form_for

MAX_DRAFT_FIELDS = 200


@dataclass
class Submitted:
    record: object
    document: DocumentVersion


def component_of(case: Case, work: WorkItem) -> StepForm:
    component = form_for(engine.flow_of(case).step(work.step_key))
    if component is None:
        raise CaseError("Langkah ini tidak memiliki formulir.", 404)
    return component


def require_filler(component: StepForm, case: Case, work: WorkItem, user: User) -> None:
    if not component.may_fill(user, case, work):
        raise CaseError("Anda tidak berwenang mengisi formulir ini.", 403)


def blank_form(case: Case, work: WorkItem, user: User, **kwargs) -> PortalForm:
    """The form as this user left it (autosaved draft) or fresh with its default values."""
    component = component_of(case, work)
    draft = _draft(work, user) if component.autosave else None
    return component.form(case, work, draft=draft.fields if draft else None, **kwargs)


def submit(case: Case, work: WorkItem, formdata, actor: User, *, now: datetime | None = None,
           **form_kwargs) -> Submitted:
    """Validate and store the record, then file it as the next version of the step's document.

    Raises FormInvalid (422, nothing stored) or CaseError (e.g. 403 for someone who may not fill it).
    """
    now = now or utcnow()
    component = component_of(case, work)
    require_filler(component, case, work, actor)
    form = component.form(case, work, formdata, **form_kwargs)
    form.check()
    return store(component, case, work, form, actor, now)


def store(component: StepForm, case: Case, work: WorkItem, form: PortalForm, actor: User,
          now: datetime) -> Submitted:
    """Store an already validated form and render it into the step's slot."""
    record = component.submit(case, work, form, actor, now)
    rendered = component.render(case, record)
    box = rendered.signature_box
    version = None
    for code in component.document_codes(engine.flow_of(case).step(work.step_key)):
        filed = engine.upload_document(case, code, component.filename(case, record), rendered.data, actor,
                                       work=work, note=f"Dari formulir {component.title}", check=False,
                                       signature_box=[box.page_index, box.x1, box.y1, box.x2, box.y2])
        version = version or filed
    db.session.execute(delete(StepFormDraft).where(StepFormDraft.work_item_id == work.id))
    return Submitted(record, version)


def save_draft(case: Case, work: WorkItem, formdata, actor: User, *, now: datetime | None = None) -> datetime:
    """Autosave: keep the raw fields as typed (no validation) for this person and step."""
    component = component_of(case, work)
    if not component.autosave:
        raise CaseError("Formulir ini tidak menyimpan draf.", 404)
    require_filler(component, case, work, actor)
    names = {field.name for field in component.form(case, work)}  # a component may build fields per case
    fields = {name: [v[:5000] for v in formdata.getlist(name)][:MAX_DRAFT_FIELDS]
              for name in formdata if name in names}
    now = now or utcnow()
    # One statement, not load-then-update: a submit may delete the draft while this request runs.
    changed = db.session.execute(
        update(StepFormDraft).where(StepFormDraft.work_item_id == work.id, StepFormDraft.user_id == actor.id)
        .values(fields=fields, saved_at=now).execution_options(synchronize_session=False)).rowcount
    if not changed:
        db.session.add(StepFormDraft(work_item_id=work.id, user_id=actor.id, form_name=component.name,
                                     fields=fields, saved_at=now))
        db.session.flush()
    return now


def _draft(work: WorkItem, user: User) -> StepFormDraft | None:
    return db.session.scalar(select(StepFormDraft).where(StepFormDraft.work_item_id == work.id,
                                                         StepFormDraft.user_id == user.id))


__all__ = ["FormInvalid", "Submitted", "blank_form", "component_of", "save_draft", "store", "submit"]
