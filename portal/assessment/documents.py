"""What the case's letters read from the assessment records: the approved participants for the
attachment of D7 A, the MA named for an SPT, and the SK annex (exactly those found Kompeten)."""
from __future__ import annotations

from portal.assessment.request import participants_of


def has_records(case) -> bool:
    return bool(participants_of(case))


def approved_lines(case) -> list[str]:
    """Numbered lines of the approved participants: name, NIK (masked) and institution."""
    approved = [p for p in participants_of(case) if p.decision == "disetujui"]
    return [f"{n}. {p.person.full_name} — NIK {p.person.nik[:6]}••••••{p.person.nik[-4:]} — {p.person.institution}"
            for n, p in enumerate(approved, start=1)]


def registration_of(user) -> str:
    from portal.assessment.people import person_of_user

    person = person_of_user(user)
    return person.met_number if person is not None and person.met_number else "-"


def sk_annex(case):
    """(scheme title, [Participant rows of the SK context]) — only the participants decided Kompeten."""
    from portal.assessment.certificates import assign_numbers, certified
    from portal.core.dates import to_wib, utcnow
    from portal.documents.contexts import Participant as AnnexRow

    people = certified(case)
    if any(p.registration_number is None for p in people):
        people = assign_numbers(case, to_wib(utcnow()).date())
    scheme = people[0].scheme.title if people else "Asesor Kompetensi"
    return scheme, [AnnexRow(nama=p.person.full_name, nomor_registrasi=p.registration_number, skema=p.scheme.title,
                             rekomendasi="Kompeten") for p in people]
