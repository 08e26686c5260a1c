"""Certificates of competency for the participants the pleno found Kompeten (RCC D23, ASKOM D26):
registration number (RCC keeps the assessor's MET number; a new assessor takes the next number of
the configurable series), scheme from the catalogue, valid three years from the SK date."""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from portal.assessment.request import participants_of
from portal.core.dates import to_wib, utcnow
from portal.extensions import db
from portal.numbering.services import next_value

VALID_YEARS = 3
# Overridable in the configuration (ASSESSOR_REGISTRATION_FORMAT); {seq} runs per year.
DEFAULT_REGISTRATION_FORMAT = "MET.000.{seq:06d}.{year}"


def new_registration_number(year: int) -> str:
    from flask import current_app

    pattern = current_app.config.get("ASSESSOR_REGISTRATION_FORMAT") or DEFAULT_REGISTRATION_FORMAT
    return pattern.format(seq=next_value("registrasi-asesor", year), year=year)


def certified(case) -> list:
    """The participants the pleno decided Kompeten, in the request's order."""
    return [p for p in participants_of(case) if p.decision == "disetujui" and p.pleno == "K"]


def assign_numbers(case, sk_date: date) -> list:
    """Registration and certificate numbers for every certified participant (idempotent)."""
    people = certified(case)
    for participant in people:
        if participant.registration_number is None:
            met = participant.person.met_number
            participant.registration_number = met if case.flow_code == "RCC" and met else \
                new_registration_number(sk_date.year)
        if participant.certificate_number is None:
            participant.certificate_number = f"{sk_date.year}/{next_value('sertifikat-asesor', sk_date.year):06d}/BNSP"
        participant.certified_on = sk_date
        participant.valid_until = sk_date + relativedelta(years=VALID_YEARS)
        # The signing queue and the public registry read the holder's numbers from the case item.
        participant.item.data = {**(participant.item.data or {}), "certificate_number": participant.certificate_number,
                                 "registration_number": participant.registration_number,
                                 "valid_until": participant.valid_until.isoformat()}
    db.session.flush()
    return people


def certificate_pdf(participant):
    from portal.documents.contexts import CertificateContext
    from portal.documents.signatories import signatory_for
    from portal.documents.pdf import render_pdf

    return render_pdf("certificate", CertificateContext(
        nama=participant.person.full_name, nomor_sertifikat=participant.certificate_number,
        nomor_registrasi=participant.registration_number, skema_judul=participant.scheme.title,
        skema_nomor=participant.scheme.number, kualifikasi=participant.scheme.title,
        tanggal_terbit=participant.certified_on, berlaku_sampai=participant.valid_until,
        penandatangan=signatory_for("ketua")))


def generate_certificates(case, step, actor) -> int:
    """One certificate per participant found Kompeten, in that participant's slot of the step's document."""
    from portal.cases.documents import upload_document

    sk_date = to_wib(utcnow()).date()  # the SK was numbered just now (the step before this one)
    people = assign_numbers(case, sk_date)
    for participant in people:
        rendered = certificate_pdf(participant)
        box = rendered.signature_box
        upload_document(case, step.produces[0], f"sertifikat-{participant.registration_number}.pdf", rendered.data,
                        actor, item=participant.item, check=False,
                        signature_box=[box.page_index, box.x1, box.y1, box.x2, box.y2])
    return len(people)
