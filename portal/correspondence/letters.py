"""What a letter is, read from its case: the facts the mail screens captured (kept in `case.data`),
the agency's vocabulary for them, and the letter's state in words ("Menunggu tanda tangan Ketua",
worded by each step's `status` in the flow declaration).

Letters are cases of the three mail flows: SM (Surat Masuk), SKS (Surat Keluar dari Sekretariat)
and SKA (Surat Keluar dari Anggota BNSP). Nothing here writes.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.cases.models import Case, WorkItem
from portal.core.dates import format_date_id, to_wib
from portal.extensions import db
from portal.flows.registry import FLOWS, get_flow
from portal.numbering.formats import CLASSIFICATIONS

# The mail flows as their declarations say (Flow.letters), in the decree's order.
MAIL_FLOWS: dict[str, str] = {code: flow.letters.label for code, flow in FLOWS.items() if flow.letters}
OUTGOING_FLOWS = tuple(code for code, flow in FLOWS.items() if flow.letters and flow.letters.outgoing)
# The drafter's step: the Secretariat's draft, or the member's draft that he also signs.
DRAFT_STEPS = ("konsep", "konsep_sign")

SIFAT: dict[str, str] = {"biasa": "Biasa", "segera": "Segera", "rahasia": "Rahasia"}

# Incoming mail on these matters skips the disposition and goes to the section's own inbox.
MATTERS: dict[str, str] = {
    "umum": "Umum — diajukan untuk disposisi",
    "lisensi": "Lisensi LSP — langsung ke Bagian Lisensi",
    "askom": "Asesor Kompetensi (Askom) — langsung ke Bagian Sertifikasi",
}
SECTION_ROLE: dict[str, str] = {"lisensi": "staf_lisensi", "askom": "staf_sertifikasi"}

# Who disposes a letter: the Kasek, or the Ketua for letters addressed to the chair.
ADDRESSEES: dict[str, str] = {"kasek": "Kepala Sekretariat", "ketua": "Ketua BNSP"}
SIGNERS: dict[str, str] = {"kasek": "Kepala Sekretariat", "ketua": "Ketua BNSP"}

# Units a disposition may name, as role codes of the follow-up step with the sheet's wording.
DISPOSITION_UNITS: dict[str, str] = {
    "phu": "Bagian Perencanaan, Hukum dan Umum (PHU)",
    "staf_lisensi": "Bagian Lisensi",
    "staf_sertifikasi": "Bagian Sertifikasi / Asesor Kompetensi (Askom)",
    "koor_sertifikasi": "Koordinator Sertifikasi",
    "koor_sdm": "Koordinator SDM",
    "kabag": "Kepala Bagian",
    "cs": "Customer Service (CS)",
}
INSTRUCTIONS: tuple[str, ...] = (
    "Tanggapi dan proses lebih lanjut",
    "Siapkan draf jawaban",
    "Koordinasikan",
    "Hadiri / wakili",
    "Untuk diketahui",
    "Arsipkan",
)

CLOSED_STATES: dict[str, str] = {code: flow.letters.closed for code, flow in FLOWS.items() if flow.letters}


def is_letter(case: Case) -> bool:
    return case.flow_code in MAIL_FLOWS


def facts(case: Case) -> dict:
    return case.data or {}


def is_secret(case: Case) -> bool:
    return facts(case).get("sifat") == "rahasia"


def sifat_label(case: Case) -> str:
    return SIFAT.get(facts(case).get("sifat", "biasa"), "Biasa")


def classification_label(code: str) -> str:
    return f"{code} — {CLASSIFICATIONS[code]}" if code in CLASSIFICATIONS else code


def parse_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def parse_moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def counterpart(case: Case) -> str:
    """The other side of the letter: the sender of incoming mail, the addressee of outgoing."""
    data = facts(case)
    if case.flow_code == "SM":
        return data.get("sender", "")
    addressees = data.get("draft", {}).get("kepada", [])
    return addressees[0] if addressees else ""


def letter_number(case: Case) -> str:
    """Our number: the agenda number of incoming mail, the letter number of outgoing mail."""
    data = facts(case)
    return data.get("agenda_number", "") if case.flow_code == "SM" else data.get("letter_number", "")


def user_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.full_name if user else ""


def named(case: Case, slot: str) -> User | None:
    ids = facts(case).get("assignees", {}).get(slot, [])
    return db.session.get(User, ids[0]) if ids else None


def first_holder(role: str) -> User | None:
    """The person who receives work addressed to a role (the lowest-numbered enabled account)."""
    return db.session.scalar(
        select(User).join(UserRole).where(UserRole.role == role, User.is_enabled.is_(True)).order_by(User.id)
    )


def signer_label(case: Case) -> str:
    person = named(case, "penandatangan")
    if case.flow_code == "SKA":
        return person.full_name if person else "Anggota BNSP"
    role = facts(case).get("signer_role", "ketua")
    title = "Ketua" if role == "ketua" else "Kepala Sekretariat"
    return f"{title} ({person.full_name})" if person else title


def state_text(case: Case, open_steps: list[str]) -> str:
    """E.g. "Menunggu tanda tangan Ketua (Dr. Ketua BNSP)", from the open steps' declared `status`
    ({signer}, {disposer}, {unit} filled in); "Dikembalikan untuk perbaikan konsep" after a return."""
    if case.state != "berjalan":
        return CLOSED_STATES.get(case.flow_code, case.state_label) if case.state == "selesai" else case.state_label
    if not open_steps:
        return case.state_label
    data = facts(case)
    flow = get_flow(case.flow_code)
    texts = []
    for step_key in open_steps:
        step = flow.step(step_key)
        template = step.status or step.title
        text = template.format(
            signer=signer_label(case) if "{signer}" in template else "",
            disposer=ADDRESSEES.get(data.get("addressed_to", "kasek"), "Kepala Sekretariat"),
            unit=DISPOSITION_UNITS.get(data.get("routed_to", ""), "unit tujuan"),
        )
        if step_key in DRAFT_STEPS and "dikembalikan" in (case.flags or []):
            text = "Dikembalikan untuk perbaikan konsep"
        texts.append(text)
    return "; ".join(texts)


def format_due(moment: datetime | None) -> str:
    """Rabu, 11 Maret 2026 pukul 15.00 WIB."""
    if moment is None:
        return ""
    local = to_wib(moment)
    return f"{format_date_id(local.date(), with_day=True)} pukul {local:%H.%M} WIB"


def open_steps_of(works: list[WorkItem]) -> list[str]:
    return [w.step_key for w in works if w.state == "open"]
