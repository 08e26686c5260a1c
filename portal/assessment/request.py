"""The request (D1) of an RCC / ASKOM case: the LSP chooses the scheme and lists its participants, as
form rows or an uploaded CSV / XLSX. Every row is checked; one bad row and nothing is created."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from portal.assessment.models import Participant, Person, Scheme
from portal.assessment.people import MET_RE, PHONE_RE, email_problem, nik_problem, upsert_person
from portal.cases import engine
from portal.cases.models import Case
from portal.extensions import db

# Columns of the participant list (CSV header / XLSX first row / form field names).
COLUMNS: dict[str, str] = {
    "nama_lengkap": "Nama lengkap", "nik": "NIK", "tempat_lahir": "Tempat lahir",
    "tanggal_lahir": "Tanggal lahir", "jenis_kelamin": "Jenis kelamin (L/P)", "email": "E-mail",
    "telepon": "Telepon", "institusi": "Institusi", "nomor_registrasi": "No. registrasi asesor (RCC)",
    "masa_berlaku": "Sertifikat berlaku s.d. (RCC)",
}
RCC_COLUMNS = ("nomor_registrasi", "masa_berlaku")
MAX_ROWS = 200


class RequestInvalid(Exception):
    """The list has bad rows: one Indonesian message per bad row; nothing was stored."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class ParticipantRow:
    line: int
    full_name: str
    nik: str
    birth_place: str
    birth_date: date | None
    sex: str
    email: str
    phone: str
    institution: str
    met_number: str | None
    certificate_expiry: date | None
    raw_dates: tuple[str, str]


def _day(text: str) -> date | None:
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _cell(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def row_from(values: dict, line: int) -> ParticipantRow:
    get = lambda key: _cell(values.get(key))  # noqa: E731
    sex = get("jenis_kelamin").upper()[:1]
    return ParticipantRow(
        line=line, full_name=" ".join(get("nama_lengkap").split()), nik=get("nik").replace(" ", ""),
        birth_place=get("tempat_lahir"), birth_date=_day(get("tanggal_lahir")), sex=sex,
        email=get("email").lower(), phone=get("telepon"), institution=get("institusi"),
        met_number=get("nomor_registrasi") or None, certificate_expiry=_day(get("masa_berlaku")),
        raw_dates=(get("tanggal_lahir"), get("masa_berlaku")))


def rows_from_form(form) -> list[ParticipantRow]:
    """Form rows: fields named `<column>-<n>`; rows left entirely blank are skipped."""
    numbers = sorted({int(k.rsplit("-", 1)[1]) for k in form if "-" in k and k.rsplit("-", 1)[1].isdigit()
                      and k.rsplit("-", 1)[0] in COLUMNS})
    rows = []
    for n in numbers:
        values = {c: form.get(f"{c}-{n}", "") for c in COLUMNS}
        if any(v.strip() for v in values.values()):
            rows.append(row_from(values, n))
    return rows


def rows_from_file(filename: str, data: bytes) -> list[ParticipantRow]:
    """A CSV (comma or semicolon, UTF-8) or XLSX whose first row names the columns."""
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _rows_from_xlsx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RequestInvalid(["Berkas daftar peserta harus CSV (UTF-8) atau XLSX."]) from None
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    _check_header(reader.fieldnames or [])
    return [row_from({(k or "").strip().lower(): v for k, v in raw.items()}, line)
            for line, raw in enumerate(reader, start=2) if any((v or "").strip() for v in raw.values() if v)]


def _rows_from_xlsx(data: bytes) -> list[ParticipantRow]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise RequestInvalid(["Berkas XLSX tidak dapat dibaca; simpan ulang dari Excel / LibreOffice."]) from None
    lines = list(sheet.iter_rows(values_only=True))
    if not lines:
        raise RequestInvalid(["Berkas XLSX kosong."])
    header = [_cell(h).lower() for h in lines[0]]
    _check_header(header)
    return [row_from(dict(zip(header, values)), line) for line, values in enumerate(lines[1:], start=2)
            if any(_cell(v) for v in values)]


def _check_header(header) -> None:
    missing = [c for c in COLUMNS if c not in RCC_COLUMNS and c not in [h.strip().lower() for h in header]]
    if missing:
        raise RequestInvalid([f"Kolom wajib tidak ada pada baris judul: {', '.join(missing)}. "
                              f"Kolom yang dikenal: {', '.join(COLUMNS)}."])


def _sentence_part(message: str) -> str:
    """A whole sentence continued after "Baris n:": lower-case its first word unless it is an acronym."""
    return message if message[1:2].isupper() else message[0].lower() + message[1:]


def row_problems(row: ParticipantRow, flow_code: str, today: date) -> list[str]:
    problems = []
    if len(row.full_name) < 3:
        problems.append("nama lengkap wajib diisi.")
    if row.birth_date is None:
        problems.append(f"tanggal lahir “{row.raw_dates[0]}” tidak valid (tulis 1985-03-21 atau 21-03-1985)."
                        if row.raw_dates[0] else "tanggal lahir wajib diisi.")
    elif not date(1930, 1, 1) <= row.birth_date <= today.replace(year=today.year - 17):
        problems.append(f"tanggal lahir {row.birth_date:%d-%m-%Y} tidak masuk akal (minimal berusia 17 tahun).")
    if row.sex not in ("L", "P"):
        problems.append("jenis kelamin harus L atau P.")
    nik = nik_problem(row.nik, row.birth_date, row.sex if row.sex in ("L", "P") else None)
    if nik:
        problems.append(_sentence_part(nik))
    email = email_problem(row.email)
    if email:
        problems.append(_sentence_part(email))
    if not row.birth_place:
        problems.append("tempat lahir wajib diisi.")
    if not PHONE_RE.match(row.phone):
        problems.append(f"nomor telepon “{row.phone}” tidak valid." if row.phone else "telepon wajib diisi.")
    if not row.institution:
        problems.append("institusi wajib diisi.")
    if flow_code == "RCC":
        if not row.met_number:
            problems.append("nomor registrasi asesor (MET.…) wajib diisi untuk RCC.")
        elif not MET_RE.match(row.met_number):
            problems.append(f"nomor registrasi {row.met_number} bukan nomor sertifikat asesor kompetensi "
                            "(format MET.000.000000.0000): RCC hanya untuk pemegang sertifikat asesor.")
        if row.certificate_expiry is None:
            problems.append("masa berlaku sertifikat asesor wajib diisi untuk RCC.")
    return problems


def check_rows(rows: list[ParticipantRow], flow_code: str, scheme: Scheme, today: date) -> None:
    """Every problem of every row, one message per bad row; raises RequestInvalid if any."""
    if not rows:
        raise RequestInvalid(["Daftar peserta masih kosong: isi sedikitnya satu peserta."])
    if len(rows) > MAX_ROWS:
        raise RequestInvalid([f"Daftar peserta terlalu panjang ({len(rows)} baris; maksimal {MAX_ROWS})."])
    messages, seen_nik, seen_email = [], {}, {}
    busy = _people_in_unfinished_cases({r.nik for r in rows}, scheme)
    for row in rows:
        problems = row_problems(row, flow_code, today)
        if row.nik in seen_nik:
            problems.append(f"NIK {row.nik} sama dengan baris {seen_nik[row.nik]} (peserta ganda dalam daftar).")
        elif row.email and row.email in seen_email:
            problems.append(f"e-mail {row.email} sama dengan baris {seen_email[row.email]}.")
        if row.nik in busy:
            problems.append(f"peserta dengan NIK {row.nik} masih terdaftar pada kasus {busy[row.nik]} untuk skema "
                            "yang sama yang belum selesai.")
        seen_nik.setdefault(row.nik, row.line)
        seen_email.setdefault(row.email, row.line)
        if problems:
            who = f" ({row.full_name})" if row.full_name else ""
            messages.append(f"Baris {row.line}{who}: " + " ".join(problems))
    if messages:
        raise RequestInvalid(messages)


def _people_in_unfinished_cases(niks: set[str], scheme: Scheme) -> dict[str, str]:
    rows = db.session.execute(
        select(Person.nik, Case.number).join(Participant, Participant.person_id == Person.id)
        .join(Case, Case.id == Participant.case_id)
        .where(Person.nik.in_(niks), Participant.scheme_id == scheme.id, Case.state == "berjalan",
               Participant.decision.is_distinct_from("ditolak"))
    ).all()
    return {nik: number for nik, number in rows}


def open_request(flow_code: str, actor, scheme: Scheme | None, rows: list[ParticipantRow], *,
                 title: str = "", organisation=None, today: date | None = None) -> Case:
    """Check every row, then open the case with one participant record per row (flush only)."""
    from portal.forms.base import today_wib

    if scheme is None or not scheme.active:
        raise RequestInvalid(["Pilih skema sertifikasi yang aktif dari katalog."])
    check_rows(rows, flow_code, scheme, today or today_wib())
    title = title.strip() or f"Permohonan {scheme.title} — {len(rows)} peserta"
    case = engine.open_case(flow_code, actor, title, organisation=organisation,
                            data={"scheme_id": scheme.id, "scheme_number": scheme.number},
                            participants=[row.full_name for row in rows])
    items = [item for item in case.items if item.kind == "participant"]
    for position, (row, item) in enumerate(zip(rows, items), start=1):
        person = upsert_person(row)
        item.user_id = person.user_id
        db.session.add(Participant(case_id=case.id, case_item_id=item.id, person_id=person.id, scheme_id=scheme.id,
                                   row=position))
    db.session.flush()
    return case


def participants_of(case: Case) -> list[Participant]:
    return list(db.session.scalars(select(Participant).where(Participant.case_id == case.id)
                                   .order_by(Participant.row, Participant.id)))


def participant_of_item(item) -> Participant | None:
    return db.session.scalar(select(Participant).where(Participant.case_item_id == item.id))


BLANK_ROWS = 3
MAX_LIST_BYTES = 2 * 1024 * 1024


def request_choices() -> dict:
    """What the new-case screen offers: the active schemes and the number of blank rows."""
    from portal.assessment.catalogue import active_schemes

    return {"schemes": active_schemes(), "blank_rows": BLANK_ROWS}


def open_from_screen(flow_code: str, actor, form, upload) -> Case:
    """The new-case screen's request: an uploaded list (CSV/XLSX) wins over the form rows."""
    scheme = db.session.get(Scheme, form.get("scheme_id", type=int) or 0)
    if upload is not None and upload.filename:
        data = upload.read(MAX_LIST_BYTES + 1)
        if len(data) > MAX_LIST_BYTES:
            raise RequestInvalid(["Berkas daftar peserta terlalu besar (maks. 2 MB)."])
        rows = rows_from_file(upload.filename, data)
    else:
        rows = rows_from_form(form)
    return open_request(flow_code, actor, scheme, rows, title=form.get("title", ""),
                        organisation=actor.organisation)
