"""What a licence application asks for (type of LSP, schemes applied for, address) and the LSP's own
page: where each application stands, what it must do next and by when, the findings waiting for it,
and the documents it sent and received."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.accounts.models import User
from portal.cases import engine
from portal.cases.models import Case, DocumentVersion, WorkItem
from portal.extensions import db
from portal.forms.base import PortalForm
from portal.forms.fields import choices

LSP_TYPES = {"P1": "LSP P1 (pihak pertama: lembaga pendidikan / pelatihan)",
             "P2": "LSP P2 (pihak kedua: industri / instansi untuk SDM-nya dan pemasoknya)",
             "P3": "LSP P3 (pihak ketiga: asosiasi industri / profesi)"}


class ApplicationForm(PortalForm):
    lsp_type = RadioField("Jenis LSP", choices=choices(LSP_TYPES), validators=[InputRequired("pilih jenis LSP.")])
    schemes = TextAreaField("Skema sertifikasi yang diajukan (satu per baris)", [InputRequired(), Length(max=4000)])
    address = StringField("Alamat kantor LSP", [InputRequired(), Length(max=300)])


def apply(form: ApplicationForm, actor: User) -> Case:
    form.check()
    organisation = actor.organisation
    schemes = [line.strip()[:200] for line in form.schemes.data.splitlines() if line.strip()]
    case = engine.open_case("LIS", actor, f"Permohonan lisensi {organisation.name} ({form.lsp_type.data})",
                            organisation=organisation,
                            data={"lsp_type": form.lsp_type.data, "schemes": schemes, "address": form.address.data})
    if not organisation.address:
        organisation.address = form.address.data
    return case


@dataclass
class Standing:
    case: Case
    step_titles: list[str]
    my_work: list[tuple[WorkItem, str]] = field(default_factory=list)  # (work, step title) the LSP must do
    findings_waiting: list[str] = field(default_factory=list)
    sent: list[DocumentVersion] = field(default_factory=list)
    received: list[DocumentVersion] = field(default_factory=list)


def standings(user: User) -> list[Standing]:
    cases = db.session.scalars(select(Case).where(Case.flow_code == "LIS", Case.organisation_id == user.organisation_id)
                               .order_by(Case.id.desc())).all() if user.organisation_id else []
    result = []
    for case in cases:
        flow = engine.flow_of(case)
        work = engine.open_work(case)
        standing = Standing(case, [flow.step(w.step_key).title for w in work])
        for w in work:
            if engine.may_act_on(user, case, w):
                standing.my_work.append((w, flow.step(w.step_key).title))
                if w.item is not None and w.item.kind == "finding":
                    standing.findings_waiting.append(w.item.label)
        org_users = set(db.session.scalars(select(User.id).where(User.organisation_id == case.organisation_id)))
        for version in db.session.scalars(select(DocumentVersion).where(DocumentVersion.case_id == case.id)
                                          .order_by(DocumentVersion.id)):
            if version.uploaded_by_id in org_users:
                standing.sent.append(version)
            elif engine.can_view_document(user, case, version):
                standing.received.append(version)
        result.append(standing)
    return result
