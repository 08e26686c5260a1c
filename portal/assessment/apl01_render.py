"""FR.APL.01 in its layout: Bagian 1 (data pribadi, data pekerjaan), Bagian 2 (skema, tujuan asesmen,
daftar unit kompetensi), Bagian 3 (bukti persyaratan dasar with the reviewer's check), signatures."""
from __future__ import annotations

from portal.assessment.apl01 import EDUCATION
from portal.assessment.decisions import _facts
from portal.assessment.models import APL01_PURPOSES, APL01_STATUS, SEXES, Apl01
from portal.assessment.render import FormRecordContext, FormTable, render_record
from portal.core.dates import to_wib, utcnow
from portal.documents.contexts import Signatory
from portal.core.dates import format_date_id as format_tanggal


def _or_dash(value) -> str:
    return value if value else "-"


def render_apl01(case, record: Apl01):
    p = record.participant
    personal = [
        ["Nama lengkap", record.full_name], ["No. KTP / NIK / Paspor", record.nik],
        ["Tempat / tanggal lahir", f"{record.birth_place}, {format_tanggal(record.birth_date)}"],
        ["Jenis kelamin", SEXES.get(record.sex, record.sex)], ["Kebangsaan", record.nationality],
        ["Alamat rumah", _or_dash(record.address)], ["Kode pos", _or_dash(record.postal_code)],
        ["Telepon rumah / kantor / HP", " / ".join(_or_dash(v) for v in (record.phone_home, record.phone_office,
                                                                         record.phone_mobile))],
        ["E-mail", record.email], ["Kualifikasi pendidikan", EDUCATION.get(record.education, "-")],
    ]
    work = [
        ["Nama institusi / perusahaan", record.institution], ["Jabatan", _or_dash(record.position)],
        ["Alamat kantor", _or_dash(record.office_address)], ["Kode pos", _or_dash(record.office_postal_code)],
        ["Telepon / faks", f"{_or_dash(record.office_phone)} / {_or_dash(record.office_fax)}"],
        ["E-mail kantor", _or_dash(record.office_email)],
    ]
    purposes = "   ".join(f"{'[X]' if key == record.purpose else '[ ]'} {label}" for key, label in APL01_PURPOSES.items())
    if record.purpose == "lainnya":
        purposes += f" — {record.purpose_other}"
    certification = [["Judul skema", p.scheme.title], ["Nomor skema", p.scheme.number], ["Tujuan asesmen", purposes]]
    units = [[str(n), u.code, u.title, u.standard_label] for n, u in enumerate(p.scheme.units, start=1)]
    evidence = [[str(e.position), e.requirement,
                 f"Ada — {e.file_name}" if e.file_name else (e.detail or "Tidak ada"),
                 e.review_label if e.review else "-", e.review_note or "-"] for e in record.evidence]
    notes = [f"Status: {APL01_STATUS.get(record.status, record.status)}."]
    if record.recommendation:
        verdict = "Diterima" if record.recommendation == "diterima" else "Tidak diterima"
        notes.append(f"Rekomendasi peninjau: {verdict}. Ditinjau oleh {record.reviewer_name or '-'}"
                     + (f" pada {format_tanggal(to_wib(record.reviewed_at).date())}." if record.reviewed_at else "."))
    return render_record(FormRecordContext(
        kode="FR.APL.01", judul="PERMOHONAN SERTIFIKASI KOMPETENSI",
        fakta=[*_facts(case)[:3], ("Nama pemohon", record.full_name)],
        tabel=[
            FormTable(title="Bagian 1: Rincian Data Pemohon Sertifikasi — a. Data pribadi",
                      header=["Data", "Isian"], rows=personal),
            FormTable(title="b. Data pekerjaan sekarang", header=["Data", "Isian"], rows=work),
            FormTable(title="Bagian 2: Data Sertifikasi", header=["Data", "Isian"], rows=certification),
            FormTable(title="Daftar unit kompetensi sesuai kemasan", header=["No", "Kode unit", "Judul unit",
                                                                            "Jenis standar"], rows=units),
            FormTable(title="Bagian 3: Bukti Kelengkapan Pemohon — bukti persyaratan dasar",
                      header=["No", "Bukti persyaratan dasar", "Ada / tidak ada", "Memenuhi / tidak memenuhi",
                              "Catatan peninjau"], rows=evidence),
        ],
        catatan=notes, tanggal=to_wib(record.submitted_at or utcnow()).date(),
        penandatangan=Signatory(jabatan="Pemohon,", nama=record.full_name)))
