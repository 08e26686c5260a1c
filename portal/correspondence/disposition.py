"""Lembar Disposisi as a step form (`form="disposisi"` on Surat Masuk's step "disposisi"): the
Kasek (or Ketua) names instructions, target units and a working-day due date; the record is
rendered into the disposition sheet (slot DISPOSISI) and the first unit named follows up."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from wtforms import DateField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.audit.services import record as audit
from portal.calendar.services import work_calendar
from portal.cases import engine
from portal.cases.models import Case, WorkItem
from portal.core.dates import utcnow
from portal.correspondence import letters
from portal.correspondence.common import at_15_wib, update_facts, wib_date
from portal.correspondence.letters import DISPOSITION_UNITS, INSTRUCTIONS, SIFAT
from portal.correspondence.models import DispositionRecord
from portal.documents.contexts import DisposisiContext, Signatory
from portal.documents.pdf import RenderedPdf, render_pdf
from portal.extensions import db
from portal.forms.base import AtLeastOne, NotBeforeToday, PortalForm, WorkingDay
from portal.forms.fields import CheckboxListField, choices
from portal.forms.registry import StepForm, register_form


class DispositionForm(PortalForm):
    instructions = CheckboxListField("Instruksi / disposisi", choices=choices(INSTRUCTIONS))
    units = CheckboxListField("Diteruskan kepada", choices=choices(DISPOSITION_UNITS),
                              validators=[AtLeastOne("Pilih sedikitnya satu unit tujuan disposisi.")])
    note = TextAreaField("Catatan disposisi", [Length(max=1000)])
    due = DateField("Batas waktu tindak lanjut", [InputRequired(), NotBeforeToday(), WorkingDay()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.instructions.data and not self.note.data:
            self.form_errors.append("Isi instruksi disposisi: centang sedikitnya satu atau tulis catatan.")
            valid = False
        return valid


def default_follow_up_due(now: datetime | None = None) -> date:
    """The follow-up's due date the sheet proposes (the flow's assumed 2 Hr)."""
    return wib_date(work_calendar().due_hr(now or utcnow(), 2))


@register_form("disposisi")
class LembarDisposisi(StepForm):
    title = "Lembar Disposisi"
    form_class = DispositionForm
    template = "correspondence/_disposition_form.html"
    models = (DispositionRecord,)
    autosave = True  # the Kasek is often interrupted while writing the note

    def initial(self, case: Case, work: WorkItem) -> dict:
        """The sheet as last submitted at this step (to correct it), else a blank one."""
        given = db.session.scalar(select(DispositionRecord).where(DispositionRecord.work_item_id == work.id)
                                  .order_by(DispositionRecord.id.desc()).limit(1))
        if given is None:
            return {"due": default_follow_up_due()}
        return {"instructions": given.instructions, "units": given.units, "note": given.note, "due": given.due}

    def submit(self, case: Case, work: WorkItem, form: DispositionForm, actor, now: datetime) -> DispositionRecord:
        units = list(dict.fromkeys(form.units.data))
        role = "ketua" if "ketua" in actor.role_codes and "kasek" not in actor.role_codes else "kasek"
        disposition = DispositionRecord(
            case_id=case.id, work_item_id=work.id, instructions=list(form.instructions.data), units=units,
            note=form.note.data or "", due=form.due.data, disposer_id=actor.id, disposer_name=actor.full_name,
            disposer_role=role, submitted_at=now)
        db.session.add(disposition)
        overrides = dict(letters.facts(case).get("due_overrides", {}))
        overrides["follow_up"] = at_15_wib(disposition.due).isoformat()
        update_facts(case, due_overrides=overrides, routed_to=units[0])
        if letters.is_secret(case):
            current = list(letters.facts(case).get("addressee_roles", []))
            update_facts(case, addressee_roles=current + [r for r in units if r not in current])
        person = letters.first_holder(units[0])
        if person is not None:
            engine.assign(case, "unit_tujuan", person, actor)
        db.session.flush()
        audit("correspondence.dispose", case, actor=actor, detail={"units": units, "due": disposition.due.isoformat()})
        return disposition

    def render(self, case: Case, record: DispositionRecord | None) -> RenderedPdf:
        return render_pdf("lembar_disposisi", disposition_sheet(case, record))

    def filename(self, case: Case, record) -> str:
        agenda = letters.facts(case).get("agenda_number", case.number).replace("/", "-")
        return f"lembar-disposisi-{agenda}.pdf"


def latest_disposition(case: Case) -> DispositionRecord | None:
    return db.session.scalar(select(DispositionRecord).where(DispositionRecord.case_id == case.id)
                             .order_by(DispositionRecord.id.desc()).limit(1))


def disposition_sheet(case: Case, given: DispositionRecord | None = None) -> DisposisiContext:
    """The lembar disposisi of a letter: filled in once disposed, blank boxes before that."""
    data = letters.facts(case)
    given = given or latest_disposition(case)
    role = given.disposer_role if given else data.get("addressed_to", "kasek")
    signer = Signatory(jabatan="Ketua," if role == "ketua" else "Kepala Sekretariat,",
                       nama=given.disposer_name if given else "")
    return DisposisiContext(
        nomor_agenda=data.get("agenda_number", case.number), tanggal_diterima=letters.parse_day(data["received_on"]),
        asal_surat=data.get("sender", ""), nomor_surat=data.get("their_number", ""),
        tanggal_surat=letters.parse_day(data["their_date"]), perihal=case.title,
        sifat=SIFAT.get(data.get("sifat", "biasa"), "Biasa"),
        diteruskan_kepada=[DISPOSITION_UNITS[u] for u in (given.units if given else []) if u in DISPOSITION_UNITS],
        instruksi=list(given.instructions) if given else [], catatan=given.note if given else "",
        batas_waktu=given.due if given else None,
        tanggal_disposisi=wib_date(given.submitted_at) if given else None,
        penandatangan=signer, unit_pilihan=tuple(DISPOSITION_UNITS.values()), instruksi_pilihan=INSTRUCTIONS,
    )
