"""The register of licensed LSPs, read from the signed licence certificates (D23c) and the plenary's
scope and validity; status berlaku / dibekukan / dicabut / kedaluwarsa. Freezing and revoking are
append-only status changes kept as the licence's history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.services import record as audit
from portal.cases.errors import CaseError
from portal.cases.models import Case
from portal.cases.timeline import log
from portal.core.dates import to_wib, utcnow
from portal.extensions import db
from portal.licensing import pleno
from portal.licensing.models import LicenceStatusChange
from portal.signing.models import SignatureRequest

STATUSES = {"berlaku": "Berlaku", "dibekukan": "Dibekukan", "dicabut": "Dicabut", "kedaluwarsa": "Kedaluwarsa"}
CERTIFICATE_CODE = "D23c"


@dataclass
class LicenceEntry:
    case: Case
    name: str
    number: str
    schemes: list[str]
    valid_from: date | None
    valid_until: date | None
    status: str
    public_id: str
    history: list[LicenceStatusChange]

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


def entries(q: str = "", today: date | None = None) -> list[LicenceEntry]:
    today = today or to_wib(utcnow()).date()
    rows = db.session.execute(select(SignatureRequest, Case).join(Case, Case.id == SignatureRequest.case_id).where(
        Case.flow_code == "LIS", SignatureRequest.code == CERTIFICATE_CODE, SignatureRequest.state == "ditandatangani")
        .order_by(SignatureRequest.signed_at.desc())).all()
    found = [_entry(request, case, today) for request, case in rows]
    needle = " ".join(q.lower().split())
    if needle:
        found = [e for e in found if needle in e.name.lower() or needle in (e.number or "").lower()
                 or any(needle in s.lower() for s in e.schemes)]
    return found


def _entry(request: SignatureRequest, case: Case, today: date) -> LicenceEntry:
    record = pleno.latest(case)
    schemes = list(record.schemes) if record else []
    valid_from = request.valid_from or (to_wib(request.signed_at).date() if request.signed_at else None)
    valid_until = request.valid_until  # set at queueing from the plenary's period, as the QR carries it
    if valid_until is None and valid_from:
        valid_until = valid_from + relativedelta(years=record.valid_years if record else 5)
    history = list(db.session.scalars(select(LicenceStatusChange).where(LicenceStatusChange.case_id == case.id)
                                      .order_by(LicenceStatusChange.id)))
    status = history[-1].status if history else "berlaku"
    if request.revoked_at is not None:
        status = "dicabut"
    elif status == "berlaku" and valid_until and valid_until < today:
        status = "kedaluwarsa"
    return LicenceEntry(case=case, name=request.holder_name or case.title, number=request.number or "-",
                        schemes=schemes, valid_from=valid_from, valid_until=valid_until, status=status,
                        public_id=request.public_id, history=history)


def change_status(case: Case, status: str, reason: str, actor: User, now: datetime | None = None) -> LicenceStatusChange:
    if status not in ("berlaku", "dibekukan", "dicabut"):
        raise CaseError("Status lisensi tidak dikenal.", 422)
    if not (reason or "").strip():
        raise CaseError("Alasan perubahan status lisensi wajib diisi.", 422)
    if not any(e.case.id == case.id for e in entries()):
        raise CaseError("Kasus ini belum memiliki sertifikat lisensi yang ditandatangani.", 404)
    change = LicenceStatusChange(case_id=case.id, status=status, reason=reason.strip()[:2000],
                                 changed_by_id=actor.id, changed_at=now or utcnow())
    db.session.add(change)
    db.session.flush()
    log(case, actor, "system", f"Status lisensi: {STATUSES[status]}", reason=change.reason)
    audit("licensing.status", case, actor=actor, detail={"status": status})
    return change
