"""Certificates of competency for assessor participants (RCC D23, ASKOM D26), rendered as PDF."""
from __future__ import annotations

from dateutil.relativedelta import relativedelta

from portal.cases.models import Case, CaseItem
from portal.core.dates import to_wib, utcnow
from portal.numbering.services import reserve_number

SCHEMES = {
    "RCC": ("Asesor Kompetensi (Sertifikasi Ulang / RCC)", "SKM/BNSP/00010/2/2023/1"),
    "ASKOM": ("Asesor Kompetensi", "SKM/BNSP/00010/2/2023/1"),
}
VALID_YEARS = 3  # certificates of competency are valid for three years


def certificate_pdf(case: Case, item: CaseItem):
    """The rendered certificate (data, page count, reserved signature box)."""
    from portal.documents.contexts import CertificateContext
    from portal.documents.pdf import render_pdf
    from portal.documents.signatories import signatory_for

    now = utcnow()
    today = to_wib(now).date()
    # The registration number follows the admin's "sertifikat-asesor" series (MET.000.001668.2012).
    sequence, registration = reserve_number("sertifikat-asesor", now)
    title, scheme_number = SCHEMES.get(case.flow_code, SCHEMES["ASKOM"])
    data = dict(item.data or {})
    data.update({"certificate_number": f"{today.year}/{sequence:06d}/BNSP", "registration_number": registration,
                 "valid_until": (today + relativedelta(years=VALID_YEARS)).isoformat()})
    item.data = data
    context = CertificateContext(
        nama=item.label, nomor_sertifikat=data["certificate_number"], nomor_registrasi=registration,
        skema_judul=title, skema_nomor=scheme_number, kualifikasi="Asesor Kompetensi",
        tanggal_terbit=today, berlaku_sampai=today + relativedelta(years=VALID_YEARS),
        penandatangan=signatory_for("ketua"),
    )
    return render_pdf("certificate", context)
