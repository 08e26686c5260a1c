"""The D5 access code: issued when the apresiasi minutes are done, shown to the CLSP on its case page
and sent by e-mail; the licence-document upload stays locked until the CLSP enters it. Entering it
is the receipt the decree asks for ("bukti tanda terima Kode Akses"), added to the D5 minutes."""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.services import record as audit
from portal.cases.errors import CaseError
from portal.cases.models import Case
from portal.cases.timeline import log
from portal.core.dates import format_datetime_id, utcnow
from portal.extensions import db


def _facts(case: Case) -> dict:
    return dict((case.data or {}).get("access_code") or {}) if isinstance((case.data or {}).get("access_code"), dict) else {}


def issue(case: Case, actor: User | None, now: datetime | None = None) -> str:
    from portal.mail.outbox import queue_mail

    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    now = now or utcnow()
    case.data = {**(case.data or {}), "access_code": {"code": code, "issued_at": now.isoformat()}}
    log(case, actor, "system", "Kode akses unggah dokumen lisensi diterbitkan dan dikirim ke CLSP")
    audit("licensing.access_code", case, actor=actor, detail={"issued": True})
    body = (f"Apresiasi untuk {case.title} ({case.number}) telah selesai.\n\n"
            f"Kode akses unggah dokumen lisensi: {code}\n\n"
            "Masuk ke Portal Layanan BNSP, buka kasus ini dan masukkan kode tersebut untuk membuka "
            "unggahan dokumen lisensi.\n\nPortal Layanan BNSP")
    for user in applicant_users(case):
        queue_mail(user.email, f"{case.number}: kode akses unggah dokumen lisensi", body)
    return code


def applicant_users(case: Case) -> list[User]:
    if not case.organisation_id:
        return []
    return [u for u in db.session.scalars(select(User).where(User.organisation_id == case.organisation_id,
                                                              User.is_enabled.is_(True))) if u.email]


def code_of(case: Case) -> str | None:
    return _facts(case).get("code")


def entered_at(case: Case) -> str | None:
    return _facts(case).get("entered_at")


def require_entered(case: Case) -> None:
    if not entered_at(case):
        raise CaseError("Masukkan kode akses dari berita acara apresiasi terlebih dahulu untuk membuka "
                        "unggahan dokumen lisensi.", 403)


def enter(case: Case, typed: str, actor: User, now: datetime | None = None) -> None:
    """The CLSP types the code it received; a wrong code changes nothing."""
    facts = _facts(case)
    if "lsp" not in actor.role_codes or actor.organisation_id != case.organisation_id:
        raise CaseError("Hanya CLSP pemohon yang memasukkan kode akses.", 403)
    if not facts.get("code"):
        raise CaseError("Kode akses belum diterbitkan: apresiasi belum selesai.", 409)
    normalised = (typed or "").strip().upper().replace(" ", "")
    if not hmac.compare_digest(normalised.encode(), facts["code"].encode()):
        raise CaseError("Kode akses tidak cocok. Periksa kembali kode pada e-mail atau halaman kasus.", 422)
    if facts.get("entered_at"):
        return
    now = now or utcnow()
    facts.update(entered_at=now.isoformat(), entered_by=actor.full_name)
    case.data = {**(case.data or {}), "access_code": facts}
    log(case, actor, "system", f"Kode akses diterima CLSP ({format_datetime_id(now)}); unggah dokumen lisensi dibuka")
    audit("licensing.access_code_entered", case, actor=actor)
    from portal.licensing.apresiasi import rerender_minutes

    rerender_minutes(case, actor)
