"""Believable assessor-certification people and the answers demo cases (and tests) give the
assessment step forms, submitted through the real step-form services."""
from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

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
        from portal.assessment.apl02 import elements_of, participant_of

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
    if form == "pleno":
        body = "Panitia Teknis" if case.flow_code == "RCC" else "Komisi Teknis"
        data.add("place", "Ruang Rapat Pleno BNSP, Jakarta")
        data.add("attendance", f"Dr. Hendra Wijaya — Ketua {body}\nIr. Ratna Sari, M.T. — Anggota\n"
                               "Drs. Bambang Sutrisno — Anggota")
    return data
