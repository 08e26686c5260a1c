"""Evidence files on LKS findings: the assessor's objective evidence on a finding and the CLSP's
evidence of a correction. A PDF through the upload gate (portal/uploads.py), kept with the case in
storage, optionally with a written note; at least one of the two. Who may open a file:
internal staff, the people named on the case (the team), whoever uploaded it, and the applicant
LSP - for a finding only once it has been sent in the LKS (before that it is the team's draft)."""
from __future__ import annotations

from werkzeug.datastructures import FileStorage
from wtforms import FileField

from portal import storage, uploads
from portal.cases import engine
from portal.cases.access import named_people, owns_case
from portal.cases.models import Case
from portal.core.files import clean_filename
from portal.forms.base import FormInvalid, PortalForm
from portal.licensing.models import EvidenceFile, FindingAnswer, LksFinding

Upload = tuple[str, bytes]


def file_field(label: str = "Berkas bukti (PDF, opsional)") -> FileField:
    return FileField(label)


def read_upload(value) -> Upload | None:
    """(filename, bytes) of a file chosen in the form; None when none was chosen."""
    if isinstance(value, FileStorage) and value.filename:
        return value.filename, value.read(uploads.max_bytes() + 1)
    return None


def checked_upload(form: PortalForm, file_name: str, note_name: str, what: str, *,
                   kept: bool = False) -> Upload | None:
    """The form's evidence file passed through the upload gate, or FormInvalid with the gate's
    Indonesian message and status (415 for a file that is not a PDF); the typed fields stay.
    `kept`: a file saved earlier stays when no new one is chosen (so a note is not needed)."""
    upload = read_upload(form[file_name].data)
    if upload is not None:
        try:
            uploads.check_pdf(upload[1])
        except uploads.UploadRefused as exc:
            raise FormInvalid([f"Berkas bukti: {exc.message}"], form, status=exc.status) from None
    elif not kept and not (form[note_name].data or "").strip():
        raise FormInvalid([f"{what} wajib diisi: unggah berkas PDF atau tulis keterangannya."], form)
    return upload


def attach(row: EvidenceFile, case: Case, upload: Upload | None, *, previous: EvidenceFile | None = None) -> None:
    """Store the new file on `row`, or keep the file `previous` had (the same answer saved again)."""
    if upload is None:
        if previous is not None and previous.evidence_key:
            row.evidence_filename, row.evidence_key = previous.evidence_filename, previous.evidence_key
            row.evidence_sha256, row.evidence_size = previous.evidence_sha256, previous.evidence_size
        return
    stored = storage.save_bytes(upload[1], f"cases/{case.id}/bukti-temuan")
    row.evidence_filename = clean_filename(upload[0], "bukti.pdf")
    row.evidence_key, row.evidence_sha256, row.evidence_size = stored.key, stored.sha256, stored.size


def may_open(user, case: Case, row: EvidenceFile, uploaded_by_id: int | None) -> bool:
    if row.evidence_key is None or not engine.can_view(user, case):
        return False
    if engine.is_internal(user) or user.id == uploaded_by_id or user.id in named_people(case):
        return True
    if "lsp" in user.role_codes and owns_case(user, case):
        return not isinstance(row, LksFinding) or row.lks_id is not None
    return False


def may_open_finding(user, case: Case, finding: LksFinding) -> bool:
    return finding.case_id == case.id and may_open(user, case, finding, finding.written_by_id)


def may_open_answer(user, case: Case, answer: FindingAnswer, finding: LksFinding) -> bool:
    return finding.case_id == case.id and may_open(user, case, answer, answer.answered_by_id)


def send(row: EvidenceFile):
    return storage.send_stored(row.evidence_key, "application/pdf", row.evidence_filename or "bukti.pdf",
                               row.evidence_sha256)
