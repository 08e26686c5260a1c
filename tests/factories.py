"""Records and files for tests: a real small PDF, users per role, and a driver that walks a flow."""
from __future__ import annotations

import functools
import secrets
import io

from sqlalchemy import select

from portal.accounts.models import User
from portal.cases import engine
from portal.cases.models import Case, WorkItem
from portal.extensions import db
from portal.flows.definition import FORWARD_KINDS, Kind
from tests.conftest import make_organisation, make_user


@functools.lru_cache(maxsize=1)
def sample_pdf() -> bytes:
    from pyhanko.pdf_utils.writer import PdfFileWriter
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.content import RawContent

    writer = PdfFileWriter()
    page = generic.DictionaryObject({
        generic.NameObject("/Type"): generic.NameObject("/Page"),
        generic.NameObject("/MediaBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)]),
    })
    writer.insert_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Cast:
    """One user per role (created on demand), the applicant organisation and its LSP user."""

    def __init__(self, organisation=None):
        self.organisation = organisation or make_organisation("LSP Uji Alur")
        self.users: dict[str, User] = {}

    def user(self, role: str) -> User:
        if role not in self.users:
            org = self.organisation if role == "lsp" else None
            self.users[role] = make_user(f"{role}_{secrets.token_hex(3)}", [role], organisation=org)
        return self.users[role]


def actor_for(case: Case, work: WorkItem, cast: Cast) -> User:
    flow = engine.flow_of(case)
    step = flow.step(work.step_key)
    if work.assignee_id:
        return db.session.get(User, work.assignee_id)
    if step.named_actor:
        named_role = next(r for r in step.roles)
        person = cast.user(named_role)
        engine.assign(case, step.named_actor, person, cast.user("admin"))
        db.session.flush()
        return person
    return cast.user(step.roles[0])


def drive(case: Case, cast: Cast, *, prefer=("approve", "submit"), choose=None, before=None,
          until: str | None = None, max_steps=400, answers: dict | None = None) -> list[str]:
    """Walk the case to its end taking forward actions, uploading whatever each needs.

    A step that declares a form gets a valid record submitted through the step-form services
    (tests/assessment_data.py; `answers` maps a participant's name to "K" / "BK" / "TH" / "tolak").
    `choose(step_key) -> action key` overrides the choice at a step. Returns the steps walked.
    """
    walked = []
    for _ in range(max_steps):
        if case.state != "berjalan":
            return walked
        work = engine.open_work(case)[0]
        if until is not None and work.step_key == until:
            return walked
        if before is not None and before(case, work):
            continue  # the hook changed the case (e.g. added an LKS finding): look again
        flow = engine.flow_of(case)
        step = flow.step(work.step_key)
        actor = actor_for(case, work, cast)
        db.session.refresh(work)
        transitions = [t for t in step.transitions if t.kind in FORWARD_KINDS]
        wanted = choose(step.key) if choose else None
        transition = step.transition(wanted) if wanted else (
            next((t for t in transitions if t.key in prefer), None) or transitions[0])
        needed = transition.kind in FORWARD_KINDS or (step.produces and step.produces[0] in transition.needs)
        if case.flow_code == "LIS" and step.form and needed and not _recorded_at(case, work, step.produces[0]):
            from tests.licensing_fill import fill_licensing_form

            fill_licensing_form(case, work, step, actor, transition.key)  # a record, not a stand-in upload
        present = engine.present_codes(case, work.item)
        from portal.flows.machine import missing_documents

        if case.flow_code in ("RCC", "ASKOM") and step.form and transition.kind in FORWARD_KINDS \
                and step.produces[0] in missing_documents(step, transition, present):
            from portal.forms import services as step_forms
            from tests.assessment_data import form_answers

            step_forms.submit(case, work, form_answers(case, work, answers or {}), actor)
            present = engine.present_codes(case, work.item)

        for code in missing_documents(step, transition, present | set(transition.produces)):
            engine.upload_document(case, code, f"{code}.pdf", sample_pdf(), actor, work=work)
        reason = "Catatan uji" if transition.needs_reason else None
        engine.act(case, work.id, transition.key, actor, reason=reason)
        db.session.commit()
        walked.append(step.key)
    raise AssertionError(f"case {case.number} did not finish in {max_steps} actions")


def _recorded_at(case: Case, work: WorkItem, code: str) -> bool:
    """Whether this very work item (not an earlier round of the step) has filled in its record."""
    version = engine.latest_documents(case).get((code, engine.item_key(work.item)))
    return version is not None and version.uploaded_at >= work.ready_at


def open_work_items(case: Case) -> list[WorkItem]:
    return list(db.session.scalars(select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open")))


__all__ = ["Cast", "drive", "sample_pdf", "open_work_items", "Kind"]
