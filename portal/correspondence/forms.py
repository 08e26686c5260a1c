"""Reading the mail forms: request fields into the services' dataclasses, with Indonesian messages
for whatever is missing or malformed (the form is shown again with them, answered 422)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.correspondence.letters import ADDRESSEES, DISPOSITION_UNITS, INSTRUCTIONS, MATTERS, SIFAT, SIGNERS
from portal.correspondence.services import Disposition, IncomingLetter, OutgoingDraft, Upload
from portal.numbering.formats import CLASSIFICATIONS
from portal.uploads import max_bytes


class FormInvalid(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class _Reader:
    form: object
    errors: list[str] = field(default_factory=list)

    def text(self, name: str, label: str, *, required: bool = True, limit: int = 300) -> str:
        value = (self.form.get(name) or "").strip()
        if required and not value:
            self.errors.append(f"{label} wajib diisi.")
        if len(value) > limit:
            self.errors.append(f"{label} terlalu panjang (maksimal {limit} karakter).")
        return value[:limit]

    def day(self, name: str, label: str, *, latest: date | None = None) -> date:
        value = (self.form.get(name) or "").strip()
        if not value:
            self.errors.append(f"{label} wajib diisi.")
            return date.min
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.errors.append(f"{label} tidak valid.")
            return date.min
        if latest is not None and parsed > latest:
            self.errors.append(f"{label} tidak boleh setelah hari ini.")
        return parsed

    def choice(self, name: str, label: str, options, default: str | None = None) -> str:
        value = self.form.get(name) or default or ""
        if value not in options:
            self.errors.append(f"Pilih {label.lower()}.")
        return value

    def lines(self, name: str, *, limit: int = 40) -> list[str]:
        return [line.strip()[:300] for line in (self.form.get(name) or "").splitlines() if line.strip()][:limit]

    def done(self) -> None:
        if self.errors:
            raise FormInvalid(self.errors)


def read_upload(file, label: str, *, required: bool = False) -> Upload | None:
    if file is None or not file.filename:
        if required:
            raise FormInvalid([f"{label}: pilih berkas PDF."])
        return None
    return Upload(file.filename, file.read(max_bytes() + 1))


def read_uploads(files) -> list[Upload]:
    return [Upload(f.filename, f.read(max_bytes() + 1)) for f in files if f and f.filename][:10]


def incoming_letter(form, today: date) -> IncomingLetter:
    r = _Reader(form)
    letter = IncomingLetter(
        sender=r.text("sender", "Asal surat (pengirim)", limit=200),
        their_number=r.text("their_number", "Nomor surat pengirim", limit=100),
        their_date=r.day("their_date", "Tanggal surat", latest=today),
        received_on=r.day("received_on", "Tanggal diterima", latest=today),
        subject=r.text("subject", "Perihal"),
        classification=r.choice("classification", "Kode klasifikasi", CLASSIFICATIONS),
        sifat=r.choice("sifat", "Sifat surat", SIFAT, "biasa"),
        matter=r.choice("matter", "Arah surat", MATTERS, "umum"),
        addressed_to=r.choice("addressed_to", "Tujuan disposisi", ADDRESSEES, "kasek"),
        summary=r.text("summary", "Ringkasan", required=False, limit=1000),
    )
    if not r.errors and letter.their_date > letter.received_on:
        r.errors.append("Tanggal surat tidak boleh setelah tanggal diterima.")
    r.done()
    return letter


def disposition(form) -> Disposition:
    r = _Reader(form)
    instructions = [i for i in form.getlist("instructions") if i in INSTRUCTIONS]
    units = [u for u in form.getlist("units") if u in DISPOSITION_UNITS]
    if not units:
        r.errors.append("Pilih sedikitnya satu unit tujuan disposisi.")
    note = r.text("note", "Catatan", required=False, limit=1000)
    if not instructions and not note:
        r.errors.append("Isi instruksi disposisi: centang sedikitnya satu atau tulis catatan.")
    due = r.day("due", "Batas waktu tindak lanjut")
    r.done()
    return Disposition(instructions=instructions, units=units, due=due, note=note)


def outgoing_draft(form, *, flow_code: str, uploaded: bool) -> OutgoingDraft:
    r = _Reader(form)
    draft = OutgoingDraft(
        subject=r.text("subject", "Hal (perihal)"),
        kepada=r.lines("kepada", limit=8),
        classification=r.choice("classification", "Kode klasifikasi", CLASSIFICATIONS),
        sifat=r.choice("sifat", "Sifat surat", SIFAT, "biasa"),
        paragraf=[p.strip() for p in (form.get("isi") or "").replace("\r\n", "\n").split("\n\n") if p.strip()][:30],
        tembusan=r.lines("tembusan", limit=15),
        lampiran=r.text("lampiran", "Lampiran", required=False, limit=100) or "-",
        signer_role=(r.choice("signer_role", "Penandatangan", SIGNERS, "ketua") if flow_code == "SKS" else "anggota"),
        reply_to=(form.get("reply_to") or "").strip()[:40],
    )
    if not draft.kepada:
        r.errors.append("Tujuan surat (Yth. …) wajib diisi.")
    if not uploaded and not draft.paragraf:
        r.errors.append("Tulis isi surat, atau unggah konsep dalam PDF.")
    r.done()
    return draft
