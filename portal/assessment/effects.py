"""What the assessment area does when the engine announces the flows' declared effects:
accounts for approved participants when D7 A is numbered, certificates for those the pleno found
Kompeten once the SK is numbered. Subscribed at start-up (portal.SUBSCRIBERS)."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.assessment.activation import VALID_HOURS, activation_link
from portal.assessment.request import participants_of
from portal.cases.signals import on_effect
from portal.cases.timeline import log
from portal.extensions import db


def _username_for(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".")[:30] or "peserta"
    candidate = base
    while db.session.scalar(select(User.id).where(User.username == candidate)):
        candidate = f"{base}.{secrets.token_hex(2)}"
    return candidate


def account_for(person) -> tuple[User, bool]:
    """The person's one account (matched by NIK through the person record, else by e-mail), created
    with an unusable random password when missing; returns (user, created)."""
    from portal.accounts.services import create_user

    user = person.user or db.session.scalar(select(User).where(User.email == person.email.lower()))
    created = user is None
    if created:
        user = create_user(_username_for(person.full_name), person.full_name, person.email,
                           secrets.token_urlsafe(32), ["peserta"], confirmed=False)
    elif "peserta" not in user.role_codes:
        user.roles.append(UserRole(role="peserta"))
    person.user_id = user.id
    db.session.flush()
    return user, created


def create_accounts_for(case, actor) -> list[User]:
    """Every approved participant gets (or reuses) an account; new ones an activation e-mail."""
    from portal.mail.outbox import queue_mail

    created = []
    for participant in participants_of(case):
        if participant.decision != "disetujui":
            continue
        user, new = account_for(participant.person)
        participant.item.user_id = user.id
        if new:
            created.append(user)
            queue_mail(user.email, f"Aktivasi akun Portal BNSP — {case.number}",
                       f"Yth. {user.full_name},\n\nPermohonan {case.number} ({case.title}) telah disetujui dan "
                       f"Anda terdaftar sebagai peserta. Buat kata sandi Anda sendiri melalui tautan berikut "
                       f"(berlaku {VALID_HOURS // 24} hari, hanya sekali pakai):\n{activation_link(user)}\n\nNama pengguna: "
                       f"{user.username}\nDi portal Anda dapat melihat APL.01 dan mengisi asesmen mandiri "
                       f"APL.02.\n\nBNSP")
    db.session.flush()
    return created


@on_effect("create_participant_accounts")
def _accounts_on_numbering(case, flow, step, actor, **_) -> None:
    created = create_accounts_for(case, actor)
    log(case, actor, "system", f"Akun peserta yang disetujui disiapkan; {len(created)} akun baru dengan "
                               "tautan aktivasi", step_key=step.key)


@on_effect("generate_certificates")
def _certificates_for_sk(case, flow, step, actor, **_) -> None:
    from portal.assessment.certificates import generate_certificates

    count = generate_certificates(case, step, actor)
    log(case, actor, "system", f"Sertifikat dibuat untuk {count} peserta yang dinyatakan Kompeten dalam SK",
        step_key=step.key)
