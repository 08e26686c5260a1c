"""Certificates of competency for assessor participants (RCC D23, ASKOM D26), rendered as PDF."""
from __future__ import annotations

from dateutil.relativedelta import relativedelta

from portal.cases.models import Case, CaseItem
from portal.core.dates import to_wib, utcnow
from portal.numbering.services import next_value

SCHEMES = {
    "RCC": ("Asesor Kompetensi (Sertifikasi Ulang / RCC)", "SKM/BNSP/00010/2/2023/1"),
    "ASKOM": ("Asesor Kompetensi", "SKM/BNSP/00010/2/2023/1"),
}
VALID_YEARS = 3  # certificates of competency are valid for three years


def certificate_pdf(case: Case, item: CaseItem):
    """The rendered certificate (data, page count, reserved signature box)."""
    from portal.documents.contexts import CertificateContext, Signatory
    from portal.documents.pdf import render_pdf

    today = to_wib(utcnow()).date()
    sequence = next_value("sertifikat-asesor", today.year)
    registration = f"MET.000.{sequence:06d}.{today.year}"
    title, scheme_number = SCHEMES.get(case.flow_code, SCHEMES["ASKOM"])
    data = dict(item.data or {})
    data.update({"certificate_number": f"{today.year}/{sequence:06d}/BNSP", "registration_number": registration,
                 "valid_until": (today + relativedelta(years=VALID_YEARS)).isoformat()})
    item.data = data
    context = CertificateContext(
        nama=item.label, nomor_sertifikat=data["certificate_number"], nomor_registrasi=registration,
        skema_judul=title, skema_nomor=scheme_number, kualifikasi="Asesor Kompetensi",
        tanggal_terbit=today, berlaku_sampai=today + relativedelta(years=VALID_YEARS),
        penandatangan=Signatory(jabatan="Ketua,", nama="Ketua BNSP"),
    )
    return render_pdf("certificate", context)
