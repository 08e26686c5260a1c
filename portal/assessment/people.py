"""People: one record per human being, matched by NIK across cases, with the checks a participant
row must pass (NIK, e-mail, date of birth, RCC registration number)."""
from __future__ import annotations

import re
from datetime import date

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from portal.assessment.models import Person
from portal.extensions import db

NIK_RE = re.compile(r"^\d{16}$")
MET_RE = re.compile(r"^MET\.\d{3}\.\d{6}\.\d{4}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 -]{6,18}$")


def nik_problem(nik: str, birth_date: date | None = None, sex: str | None = None) -> str | None:
    """Why `nik` is not a plausible NIK (16 digits: region, DDMMYY of birth, +40 for women), or None."""
    if not NIK_RE.match(nik):
        return f"NIK “{nik}” harus 16 angka." if nik else "NIK wajib diisi."
    region, day, month = int(nik[:2]), int(nik[6:8]), int(nik[8:10])
    if not 11 <= region <= 94:
        return f"NIK {nik}: kode provinsi {nik[:2]} tidak ada."
    female = day > 40
    if female:
        day -= 40
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return f"NIK {nik}: bagian tanggal lahir ({nik[6:12]}) tidak valid."
    if birth_date is not None and (day, month, birth_date.year % 100) != (birth_date.day, birth_date.month,
                                                                           int(nik[10:12])):
        return f"NIK {nik} tidak cocok dengan tanggal lahir {birth_date:%d-%m-%Y}."
    if sex in ("L", "P") and female != (sex == "P"):
        return f"NIK {nik} tidak cocok dengan jenis kelamin."
    return None


def email_problem(email: str) -> str | None:
    if not email:
        return "E-mail wajib diisi."
    try:
        validate_email(email, check_deliverability=False, test_environment=_demo_domains_allowed())
    except EmailNotValidError:
        return f"E-mail “{email}” tidak valid."
    return None


def _demo_domains_allowed() -> bool:
    """Outside production the special-use `.test` domain of the demo accounts is accepted."""
    from flask import current_app, has_app_context

    return has_app_context() and current_app.config.get("PORTAL_ENV") != "production"


def make_nik(birth_date: date, sex: str, region: str = "317101", serial: int = 1) -> str:
    """A NIK consistent with a birth date and sex (demo data and tests)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def person_by_nik(nik: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.nik == nik))


def person_of_user(user) -> Person | None:
    return db.session.scalar(select(Person).where(Person.user_id == user.id))


def upsert_person(row) -> Person:
    """The person with this NIK (their details refreshed from the newest request) or a new one."""
    person = person_by_nik(row.nik) or Person(nik=row.nik)
    person.full_name, person.birth_place, person.birth_date = row.full_name, row.birth_place, row.birth_date
    person.sex, person.email, person.phone, person.institution = row.sex, row.email, row.phone, row.institution
    if row.met_number:
        person.met_number, person.certificate_expiry = row.met_number, row.certificate_expiry
    db.session.add(person)
    db.session.flush()
    return person


def master_assessors(role: str) -> list[tuple]:
    """Enabled holders of `role` (ma_pelatih / ma_penguji) with their own certificate facts:
    [(user, registration number or None, certificate expiry or None)]."""
    from portal.accounts.models import User, UserRole

    users = db.session.scalars(select(User).join(UserRole).where(UserRole.role == role, User.is_enabled.is_(True))
                               .order_by(User.full_name).distinct())
    result = []
    for user in users:
        person = person_of_user(user)
        result.append((user, person.met_number if person else None, person.certificate_expiry if person else None))
    return result


MA_SLOTS = {"spt_ma_pelatih": ("ma_pelatih", "MA Pelatih"), "spt_ma_penguji": ("ma_penguji", "MA Penguji")}


def name_master_assessor(case, slot: str, user, actor) -> None:
    """Name the MA for an SPT slot. Where the flow has steps for that slot the engine assigns them
    (their open work follows); RCC's MA Pelatih has only his SPT, so he is recorded for it alone."""
    from portal.audit.services import record as audit
    from portal.cases import engine
    from portal.cases.errors import CaseError
    from portal.cases.timeline import log

    if slot not in MA_SLOTS:
        raise CaseError("Penugasan ini tidak dikenal.", 400)
    role, label = MA_SLOTS[slot]
    if role not in user.role_codes:
        raise CaseError(f"{user.full_name} bukan {label}.", 422)
    if any(step.named_actor == slot for step in engine.flow_of(case).steps):
        engine.assign(case, slot, user, actor)
        return
    slots = dict((case.data or {}).get("assignees", {}))
    slots[slot] = [user.id]
    case.data = {**(case.data or {}), "assignees": slots}
    log(case, actor, "system", f"Ditugaskan: {user.full_name} ({label}, untuk SPT)")
    audit("case.assign", case, actor=actor, detail={"slot": slot, "user": user.id})
    case.version += 1
