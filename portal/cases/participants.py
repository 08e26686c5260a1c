"""Participants of RCC / ASKOM cases: their accounts (on D7 A) and their certificates (D23 / D26)."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from portal.accounts.models import User
from portal.cases.models import Case, CaseItem
from portal.cases.signals import on_effect
from portal.cases.timeline import log
from portal.extensions import db


def _username_for(item: CaseItem) -> str:
    base = re.sub(r"[^a-z0-9]+", ".", item.label.lower()).strip(".")[:30] or "peserta"
    candidate = base
    while db.session.scalar(select(User.id).where(User.username == candidate)):
        candidate = f"{base}.{secrets.token_hex(2)}"
    return candidate


def create_accounts_for(case: Case, actor) -> list[User]:
    """Every approved participant without an account gets one (role peserta) and an e-mail."""
    from portal.accounts.services import create_user

    created = []
    for item in case.items:
        if item.kind != "participant" or item.user_id:
            continue
        email = (item.data or {}).get("email") or f"{_username_for(item)}@peserta.bnsp.test"
        existing = db.session.scalar(select(User).where(User.email == email.lower()))
        if existing is not None:
            item.user = existing
            continue
        # A random password nobody is told: the participant sets their own through the activation link.
        user = create_user(_username_for(item), item.label, email, secrets.token_urlsafe(24), ["peserta"],
                           enforce_policy=False)
        item.user = user
        item.data = {**(item.data or {}), "account_created_for": case.number}
        created.append(user)
    db.session.flush()
    _notify(case, created)
    return created


def _notify(case: Case, created) -> None:
    from flask import has_app_context

    if not created or not has_app_context():
        return
    from portal.accounts import mails, passwords
    from portal.accounts.services import activation_token

    for user in created:
        mails.activation(user, activation_token(user), passwords.ACTIVATION_HOURS,
                         f"Permohonan {case.number} telah disetujui dan akun Portal BNSP Anda telah "
                         f"dibuat. Di portal Anda dapat melihat APL.01 dan mengisi asesmen mandiri APL.02.")


def generate_certificates(case: Case, flow, step, actor) -> int:
    """One certificate document per participant who finished, stored in the step's slot."""
    from portal.cases.certificates import certificate_pdf
    from portal.cases.documents import upload_document

    code = step.produces[0]
    count = 0
    for item in case.items:
        if item.kind != "participant":
            continue
        rendered = certificate_pdf(case, item)
        box = rendered.signature_box
        upload_document(case, code, f"sertifikat-{item.id}.pdf", rendered.data, actor, item=item, check=False,
                        signature_box=[box.page_index, box.x1, box.y1, box.x2, box.y2])
        count += 1
    db.session.flush()
    return count


@on_effect("create_participant_accounts")
def _accounts_on_numbering(case, flow, step, actor, **_) -> None:
    created = create_accounts_for(case, actor)
    if created:
        log(case, actor, "system", f"Akun peserta dibuat: {len(created)} peserta", step_key=step.key)


@on_effect("generate_certificates")
def _certificates_for_sk(case, flow, step, actor, **_) -> None:
    count = generate_certificates(case, flow, step, actor)
    log(case, actor, "system", f"Sertifikat dibuat untuk {count} peserta", step_key=step.key)
