"""The scheme catalogue: schemes, their units of competency and elements with numbered KUK.

Maintained by the admin (every change audited), importable from CSV (one row per KUK), seeded with
the Asesor Kompetensi scheme so certificates carry a real scheme number."""
from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from portal.audit.services import record as audit
from portal.extensions import db
from portal.assessment.models import SCHEME_KINDS, STANDARD_TYPES, Scheme, SchemeElement, SchemeUnit

SCHEME_NUMBER_RE = re.compile(r"^SKM/BNSP/\d{5}/\d/\d{4}(/[0-9A-Z]+)?$")
CSV_COLUMNS = ("skema_nomor", "skema_judul", "skema_jenis", "unit_kode", "unit_judul", "unit_standar",
               "elemen_no", "elemen_judul", "kuk_no", "kuk")


class CatalogueError(Exception):
    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else messages
        super().__init__("; ".join(self.messages))


def active_schemes() -> list[Scheme]:
    return list(db.session.scalars(select(Scheme).where(Scheme.active.is_(True)).order_by(Scheme.title)))


def all_schemes() -> list[Scheme]:
    return list(db.session.scalars(select(Scheme).order_by(Scheme.active.desc(), Scheme.title)))


def scheme_by_number(number: str) -> Scheme | None:
    return db.session.scalar(select(Scheme).where(Scheme.number == number.strip()))


def _check_scheme(number: str, title: str, kind: str) -> list[str]:
    problems = []
    if not SCHEME_NUMBER_RE.match(number):
        problems.append(f"Nomor skema “{number}” tidak sesuai format SKM/BNSP/00010/2/2023.")
    if not title.strip():
        problems.append("Judul skema wajib diisi.")
    if kind not in SCHEME_KINDS:
        problems.append(f"Jenis skema “{kind}” harus KKNI, okupasi atau klaster.")
    return problems


def save_scheme(number: str, title: str, kind: str, active: bool, actor, scheme: Scheme | None = None) -> Scheme:
    number, title, kind = number.strip(), title.strip(), kind.strip().lower()
    problems = _check_scheme(number, title, kind)
    other = scheme_by_number(number)
    if other is not None and other is not scheme:
        problems.append(f"Nomor skema {number} sudah ada di katalog.")
    if problems:
        raise CatalogueError(problems)
    created = scheme is None
    scheme = scheme or Scheme()
    scheme.number, scheme.title, scheme.kind, scheme.active = number, title, kind, active
    db.session.add(scheme)
    db.session.flush()
    audit("scheme.create" if created else "scheme.update", scheme, actor=actor,
          detail={"number": number, "title": title, "kind": kind, "active": active})
    return scheme


def import_csv(data: bytes, actor) -> list[Scheme]:
    """Schemes with units, elements and KUK from CSV rows (CSV_COLUMNS); all or nothing.

    A scheme already in the catalogue has its units replaced by those in the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogueError("Berkas bukan teks CSV UTF-8.") from None
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if text.split("\n", 1)[0].count(";") else ",")
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CatalogueError(f"Kolom wajib tidak ada: {', '.join(missing)}.")
    tree: dict[str, dict] = {}
    problems = []
    for line, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        kind, standard = row["skema_jenis"].lower(), row["unit_standar"].lower()
        errors = _check_scheme(row["skema_nomor"], row["skema_judul"], kind)
        if standard not in STANDARD_TYPES:
            errors.append(f"jenis standar “{row['unit_standar']}” harus SKKNI, khusus atau internasional.")
        for column in ("unit_kode", "unit_judul", "elemen_no", "elemen_judul", "kuk_no", "kuk"):
            if not row[column]:
                errors.append(f"kolom {column} kosong.")
        if errors:
            problems.append(f"Baris {line}: " + " ".join(e[0].lower() + e[1:] for e in errors))
            continue
        scheme = tree.setdefault(row["skema_nomor"], {"title": row["skema_judul"], "kind": kind, "units": {}})
        unit = scheme["units"].setdefault(row["unit_kode"], {"title": row["unit_judul"], "standard": standard,
                                                              "elements": {}})
        element = unit["elements"].setdefault(row["elemen_no"], {"title": row["elemen_judul"], "kuk": []})
        element["kuk"].append([row["kuk_no"], row["kuk"]])
    if problems:
        raise CatalogueError(problems)
    if not tree:
        raise CatalogueError("Berkas tidak berisi baris skema.")
    return [_store_tree(number, spec, actor) for number, spec in tree.items()]


def _store_tree(number: str, spec: dict, actor) -> Scheme:
    scheme = scheme_by_number(number)
    scheme = save_scheme(number, spec["title"], spec["kind"], True if scheme is None else scheme.active, actor,
                         scheme=scheme)
    scheme.units.clear()
    db.session.flush()
    for position, (code, unit_spec) in enumerate(spec["units"].items(), start=1):
        unit = SchemeUnit(position=position, code=code, title=unit_spec["title"], standard=unit_spec["standard"])
        for e_position, (e_number, e_spec) in enumerate(unit_spec["elements"].items(), start=1):
            unit.elements.append(SchemeElement(position=e_position, number=e_number, title=e_spec["title"],
                                               kuk=e_spec["kuk"]))
        scheme.units.append(unit)
    db.session.flush()
    audit("scheme.import", scheme, actor=actor,
          detail={"number": number, "units": [u.code for u in scheme.units]})
    return scheme


# --- seed: the Asesor Kompetensi scheme (SKKNI Kepmenaker 333/2020) --------------------------------

ASSESSOR_SCHEME_CSV = """skema_nomor;skema_judul;skema_jenis;unit_kode;unit_judul;unit_standar;elemen_no;elemen_judul;kuk_no;kuk
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.088.2;Merencanakan Aktivitas dan Proses Asesmen;SKKNI;1;Menentukan pendekatan asesmen;1.1;Asesi, tujuan dan konteks asesmen diidentifikasi dan dikonfirmasi
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.088.2;Merencanakan Aktivitas dan Proses Asesmen;SKKNI;1;Menentukan pendekatan asesmen;1.2;Standar kompetensi yang relevan diidentifikasi
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.088.2;Merencanakan Aktivitas dan Proses Asesmen;SKKNI;2;Mempersiapkan rencana asesmen;2.1;Unit kompetensi dianalisis untuk menentukan bukti dan metode asesmen
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.088.2;Merencanakan Aktivitas dan Proses Asesmen;SKKNI;2;Mempersiapkan rencana asesmen;2.2;Rencana asesmen disusun dan disepakati
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.088.2;Merencanakan Aktivitas dan Proses Asesmen;SKKNI;3;Mengidentifikasi persyaratan modifikasi dan kontekstualisasi;3.1;Karakteristik asesi diidentifikasi untuk kebutuhan penyesuaian yang wajar
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.088.2;Merencanakan Aktivitas dan Proses Asesmen;SKKNI;4;Menyusun instrumen asesmen;4.1;Instrumen asesmen disusun dari modul pelatihan dan standar kompetensi
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.090.1;Melaksanakan Asesmen;SKKNI;1;Mempersiapkan pelaksanaan asesmen;1.1;Rencana asesmen dikonfirmasi bersama asesi
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.090.1;Melaksanakan Asesmen;SKKNI;2;Mengumpulkan bukti yang berkualitas;2.1;Bukti dikumpulkan sesuai aturan bukti (valid, asli, terkini, memadai)
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.090.1;Melaksanakan Asesmen;SKKNI;3;Membuat keputusan asesmen;3.1;Keputusan asesmen dibuat berdasarkan bukti dan dikomunikasikan kepada asesi
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.095.1;Memberikan Kontribusi dalam Validasi Asesmen;SKKNI;1;Menyiapkan proses validasi;1.1;Pendekatan validasi diidentifikasi dan disepakati
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.095.1;Memberikan Kontribusi dalam Validasi Asesmen;SKKNI;2;Memberikan kontribusi dalam proses validasi;2.1;Perangkat asesmen dianalisis bersama tim validasi
SKM/BNSP/00010/2/2023;Asesor Kompetensi;okupasi;M.74SPS03.095.1;Memberikan Kontribusi dalam Validasi Asesmen;SKKNI;3;Memberikan kontribusi untuk hasil validasi;3.1;Rekomendasi perbaikan perangkat asesmen dicatat
SKM/BNSP/00029/2/2023;Master Asesor;okupasi;P.85ASM00.002.02;Mengembangkan Perangkat Asesmen;SKKNI;1;Menentukan fokus perangkat asesmen;1.1;Asesi dan tujuan perangkat asesmen diidentifikasi
SKM/BNSP/00029/2/2023;Master Asesor;okupasi;P.854900.047.01;Memberikan Kontribusi dalam Validasi Asesmen;SKKNI;1;Menyiapkan proses validasi;1.1;Pendekatan validasi diidentifikasi
"""


def seed_assessor_schemes(actor=None) -> list[Scheme]:
    """Idempotent: the Asesor Kompetensi and Master Asesor schemes, unless already catalogued."""
    if scheme_by_number("SKM/BNSP/00010/2/2023") is not None:
        return []
    return import_csv(ASSESSOR_SCHEME_CSV.encode(), actor)


def assessor_scheme() -> Scheme | None:
    return scheme_by_number("SKM/BNSP/00010/2/2023")
