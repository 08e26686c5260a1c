"""Believable assessor-certification people and the answers demo cases (and tests) give the
assessment step forms, submitted through the real step-form services."""
from __future__ import annotations

import io
from datetime import date

from werkzeug.datastructures import FileStorage, MultiDict

from portal.assessment.people import make_nik
from portal.assessment.request import ParticipantRow, participants_of

# (name, place of birth, date of birth, sex, institution)
PEOPLE = [
    ("Budi Santoso", "Semarang", date(1982, 4, 17), "L", "Politeknik Negeri Semarang"),
    ("Siti Rahmawati", "Bandung", date(1988, 11, 3), "P", "LSP Teknologi Digital"),
    ("Agus Prasetyo", "Surabaya", date(1979, 1, 25), "L", "PT Telekomunikasi Nusantara"),
    ("Dewi Lestari", "Medan", date(1990, 7, 9), "P", "SMK Negeri 2 Medan"),
    ("Rina Kusumawati", "Yogyakarta", date(1985, 2, 14), "P", "Universitas Gadjah Mada"),
    ("Andi Prasetyo", "Makassar", date(1983, 9, 30), "L", "PT Inovasi Digital Makassar"),
    ("Yoga Aditya Nugraha", "Bogor", date(1991, 5, 21), "L", "Politeknik Negeri Jakarta"),
    ("Putra Peserta Asesor", "Denpasar", date(1987, 8, 12), "L", "Hotel Nusa Dua Beach"),
    ("Dian Puspitasari", "Malang", date(1989, 12, 5), "P", "Politeknik Pariwisata Bali"),
    ("I Made Wirawan", "Gianyar", date(1980, 3, 2), "L", "Ubud Resort Group"),
    ("Nurul Hidayah", "Padang", date(1992, 6, 18), "P", "SMK Negeri 3 Padang"),
    ("Fajar Ramadhan", "Palembang", date(1986, 10, 27), "L", "PT Angkasa Wisata"),
    ("Maya Anggraini", "Pontianak", date(1993, 1, 8), "P", "Akademi Pariwisata Pontianak"),
    ("Hendra Gunawan", "Balikpapan", date(1984, 4, 4), "L", "PT Energi Kalimantan"),
]


def person_facts(name: str, index: int) -> tuple[str, str, date, str, str]:
    known = next((p for p in PEOPLE if p[0] == name), None)
    if known:
        return known
    return (name, "Jakarta", date(1980 + index % 15, 1 + index % 12, 1 + index % 28), "L" if index % 2 else "P",
            f"Lembaga Pelatihan Kerja {index:02d}")


def people_rows(flow_code: str, names: list[str], *, today: date) -> list[ParticipantRow]:
    rows = []
    for n, name in enumerate(names, start=1):
        _, place, born, sex, institution = person_facts(name, n)
        serial = PEOPLE.index(next(p for p in PEOPLE if p[0] == name)) + 1 if any(p[0] == name for p in PEOPLE) \
            else 100 + n
        nik = make_nik(born, sex, serial=serial)
        rows.append(ParticipantRow(
            line=n + 1, full_name=name, nik=nik, birth_place=place, birth_date=born, sex=sex,
            email=f"{'.'.join(name.lower().split()[:2])}.{nik[-4:]}@peserta.contoh.bnsp.test",
            phone=f"0812{nik[-8:]}", institution=institution,
            met_number=f"MET.000.{serial:06d}.{today.year - 3}" if flow_code == "RCC" else None,
            certificate_expiry=date(today.year + 1, 1, 31) if flow_code == "RCC" else None,
            raw_dates=(born.isoformat(), "")))
    return rows


def form_answers(case, work, verdicts: dict) -> MultiDict:
    """Valid answers for the assessment step forms; `verdicts` maps a participant's name to "K"
    (default), "BK", "TH" (assessment and pleno) or "tolak" (not approved by the Koordinator)."""
    from portal.cases import engine

    form = engine.flow_of(case).step(work.step_key).form
    data = MultiDict()
    for p in participants_of(case):
        name, verdict = p.person.full_name, verdicts.get(p.person.full_name, "K")
        if form == "keputusan_peserta":
            data.add(f"keputusan_{p.id}", "ditolak" if verdict == "tolak" else "disetujui")
            data.add(f"alasan_{p.id}", "Bukti persyaratan dasar belum lengkap" if verdict == "tolak" else "")
        elif form == "rekomendasi" and p.decision == "disetujui":
            data.add(f"rekomendasi_{p.id}", "y")
        elif form == "pleno" and p.result is not None:
            pleno = "K" if verdict == "K" else "BK"
            data.add(f"pleno_{p.id}", pleno)
            data.add(f"alasan_{p.id}", "" if pleno == "K" else "Bukti asesmen belum memadai untuk unit "
                                                               "Melaksanakan Asesmen")
        elif form == "hasil_asesmen" and p.case_item_id == work.item_id:
            data.add("result", verdict if verdict in ("K", "BK", "TH") else "K")
            data.add("notes", "" if verdict == "K" else "Bukti observasi tidak memenuhi KUK 2.1")
    if form in ("apl02", "kaji_apl02"):
        from portal.assessment.apl01 import participant_of
        from portal.assessment.apl02 import elements_of

        for unit, element in elements_of(participant_of(work)):
            if form == "apl02":
                data.add(f"jawab_{element.id}", "K")
                data.add(f"bukti_{element.id}", f"Portofolio {unit.code} elemen {element.number}: dokumen kerja "
                                                 "asesmen 2024")
            else:
                data.add(f"kaji_{element.id}", "sesuai")
                data.add(f"catatan_{element.id}", "")
        if form == "kaji_apl02":
            data.add("recommendation", "lanjut")
    if form in ("apl01", "kaji_apl01"):
        _apl01_answers(case, work, form, data)
    if form == "pleno":
        body = "Panitia Teknis" if case.flow_code == "RCC" else "Komisi Teknis"
        data.add("place", "Ruang Rapat Pleno BNSP, Jakarta")
        data.add("attendance", f"Dr. Hendra Wijaya — Ketua {body}\nIr. Ratna Sari, M.T. — Anggota\n"
                               "Drs. Bambang Sutrisno — Anggota")
    return data


def _apl01_answers(case, work, form: str, data: MultiDict) -> None:
    """FR.APL.01: in ASKOM the participant's data and one PDF per basic requirement; in RCC (read-only
    after D7 A) the statement that they read it; the MA Pelatih finds every requirement met."""
    from portal.assessment.apl01 import BASIC_REQUIREMENTS, apl01_of, participant_of, read_only_for_participant

    participant = participant_of(work)
    if form == "kaji_apl01":
        for e in apl01_of(participant).evidence:
            data.add(f"kaji_{e.position}", "memenuhi")
            data.add(f"catatan_{e.position}", "")
        data.add("recommendation", "diterima")
        return
    if read_only_for_participant(case):
        data.add("statement", "y")
        return
    p = participant.person
    for name, value in (("full_name", p.full_name), ("birth_place", p.birth_place),
                        ("birth_date", p.birth_date.isoformat()), ("sex", p.sex), ("nationality", "Indonesia"),
                        ("address", f"Jl. Merdeka No. {participant.row + 10}, {p.birth_place}"),
                        ("postal_code", "40115"), ("phone_mobile", p.phone), ("email", p.email),
                        ("education", "s1"), ("institution", p.institution), ("position", "Instruktur"),
                        ("office_address", f"Kampus {p.institution}"), ("purpose", "sertifikasi")):
        data.add(name, value)
    for position, requirement in enumerate(BASIC_REQUIREMENTS, start=1):
        data.add(f"bukti_{position}", FileStorage(io.BytesIO(evidence_pdf()), filename=f"bukti-{position}.pdf",
                                                  content_type="application/pdf"))


_EVIDENCE: list[bytes] = []


def evidence_pdf() -> bytes:
    """A one-page blank PDF standing in for a scanned certificate or diploma."""
    if not _EVIDENCE:
        from pyhanko.pdf_utils import generic
        from pyhanko.pdf_utils.writer import PdfFileWriter

        writer = PdfFileWriter()
        writer.insert_page(generic.DictionaryObject({
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)]),
        }))
        out = io.BytesIO()
        writer.write(out)
        _EVIDENCE.append(out.getvalue())
    return _EVIDENCE[0]
