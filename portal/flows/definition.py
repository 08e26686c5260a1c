"""The declarative format of a service flow (Alur Proses Pelayanan): flow, step, transition, SLA.

Each of the six flows of KEP.1516/BNSP/UM.00.00/VII/2021 is declared with these frozen types in one
file of its own; the state machine, the validator and the swimlane diagram all read that declaration.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

END_OK = "END_OK"
END_REJECTED = "END_REJECTED"
END_WITHDRAWN = "END_WITHDRAWN"
ENDS: tuple[str, ...] = (END_OK, END_REJECTED, END_WITHDRAWN)
END_LABELS: dict[str, str] = {END_OK: "Selesai", END_REJECTED: "Ditolak", END_WITHDRAWN: "Ditarik"}


class Kind(StrEnum):
    """What a transition means; the engine records it in the case history."""

    ADVANCE = "advance"
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"  # back to an earlier step for correction
    WITHDRAW = "withdraw"  # the applicant withdraws the request


# Transitions of these kinds move the work on, so they wait for the step's documents.
FORWARD_KINDS = frozenset({Kind.ADVANCE, Kind.APPROVE})
# Transitions of these kinds must carry a reason the other party will read.
REASON_KINDS = frozenset({Kind.REJECT, Kind.RETURN, Kind.WITHDRAW})

Per = Literal["participant", "finding"]
PER_LABELS: dict[str, str] = {"participant": "per peserta", "finding": "per temuan LKS"}

# Side effects the engine performs when a step completes (the machine itself stays pure).
EFFECTS: dict[str, str] = {
    "assign_agenda_number": "Nomor agenda surat masuk diberikan",
    "create_participant_accounts": "Peserta yang disetujui mendapat akun (lihat APL.01, isi APL.02)",
    "issue_access_code": "Kode akses unggah dokumen lisensi diterbitkan untuk CLSP",
    "generate_certificates": "Sertifikat dibuat untuk setiap peserta yang tercantum dalam SK",
}

# People a case may name for a step, narrowing its role to them.
NAMED_ACTORS: dict[str, str] = {
    "pengonsep": "Pembuat konsep surat (kembali kepadanya bila dikembalikan)",
    "penerima_disposisi": "Kepala Sekretariat, atau Ketua untuk surat yang ditujukan kepada Ketua",
    "unit_tujuan": "Unit tujuan disposisi atau bagian yang dituju surat",
    "penandatangan": "Penandatangan yang dipilih pada konsep surat (Kasek atau Ketua)",
    "spt_ma_pelatih": "MA Pelatih yang ditunjuk dalam SPT (D8 A)",
    "spt_ma_penguji": "MA Penguji yang ditunjuk dalam SPT (D8 B)",
    "ketua_tim_kecukupan": "Ketua Tim Asesmen Kecukupan",
    "tim_kecukupan": "Tim Asesmen Kecukupan",
    "st_asesmen_penuh": "Asesor Lisensi yang ditunjuk dalam Surat Tugas Asesmen Penuh (D13)",
    "st_penyaksian": "Asesor Lisensi yang ditunjuk dalam Surat Tugas penyaksian uji (D29)",
}

# Who names the person of each slot, so an unassigned step lands in that role's notifications
# (no case waits unseen for a named actor nobody has named).
ASSIGNED_BY: dict[str, str] = {
    "pengonsep": "kabag", "penerima_disposisi": "phu", "unit_tujuan": "kasek", "penandatangan": "kabag",
    "spt_ma_pelatih": "staf_sertifikasi", "spt_ma_penguji": "staf_sertifikasi",
    "ketua_tim_kecukupan": "staf_lisensi", "tim_kecukupan": "staf_lisensi", "st_asesmen_penuh": "staf_lisensi",
    "st_penyaksian": "staf_lisensi",
}


class DocKind(StrEnum):
    """What a document is; signed kinds go through the signing queue and carry a QR stamp."""

    LETTER = "letter"
    UNDANGAN = "undangan"
    SPT = "spt"  # Surat Perintah Tugas / Surat Tugas
    SK = "sk"
    BERITA_ACARA = "berita_acara"
    CERTIFICATE = "certificate"
    LICENCE_CERTIFICATE = "licence_certificate"
    FORM_RECORD = "form_record"  # rendered from a step form's record (APL.02, LKS, disposition)
    UPLOAD = "upload"  # a file a person uploads as it is


SIGNED_KINDS = frozenset({DocKind.LETTER, DocKind.UNDANGAN, DocKind.SPT, DocKind.SK, DocKind.CERTIFICATE,
                          DocKind.LICENCE_CERTIFICATE})
KIND_LABELS: dict[str, str] = {
    "letter": "Surat", "undangan": "Surat Undangan", "spt": "Surat Tugas", "sk": "Surat Keputusan",
    "berita_acara": "Berita Acara", "certificate": "Sertifikat Kompetensi",
    "licence_certificate": "Sertifikat Lisensi", "form_record": "Formulir", "upload": "Dokumen",
}

# Who may see a document besides the agency's internal staff (who see every document).
AUDIENCES: dict[str, str] = {
    "applicant": "organisasi pemohon (LSP / CLSP) kasus ini",
    "participant": "peserta pemilik dokumen",
    "assigned": "orang yang ditugaskan pada kasus (MA, asesor lisensi)",
    "public": "publik melalui kode QR (halaman verifikasi)",
}


@dataclass(frozen=True)
class Document:
    """One document of a flow's legend, with everything the portal needs to know about it.

    `template` names the official template that drafts it; `series` the number series a signed
    document takes; `signer` the role that signs it (a named actor of the signing step narrows it);
    `draft` the code of the draft a signed document seals; `seen_by` who besides internal staff may
    open it (AUDIENCES); `label` a short name for lists (the signing queue)."""

    code: str
    title: str
    kind: DocKind = DocKind.UPLOAD
    label: str | None = None
    template: str | None = None
    series: str | None = None
    classification: str | None = None
    signer: str | None = None
    draft: str | None = None
    seen_by: tuple[str, ...] = ()

    @property
    def signed(self) -> bool:
        return self.kind in SIGNED_KINDS and self.signer is not None

    @property
    def short_name(self) -> str:
        return self.label or KIND_LABELS[self.kind]


def doc(code: str, title: str, kind: DocKind = DocKind.UPLOAD, **extra) -> Document:
    """Short constructor so a legend line reads like the decree's: doc("D7 A", "Surat …", LETTER, …)."""
    return Document(code, title, kind, **extra)


@dataclass(frozen=True)
class SLA:
    """When a step is due, counted by the working-day calendar in Asia/Jakarta.

    kind: "ts" (Tanggal yang Sama: the same working day), "hr" (`days` hari kerja),
    "disposition" (same working day if ready 08:00-15:00 WIB, else the next working day),
    "none" (no deadline). `assumed` marks SLAs the decree does not state; `overridable` means an
    earlier step (the disposition) may set the due date of this one.
    """

    kind: Literal["ts", "hr", "disposition", "none"]
    days: int = 0
    assumed: bool = False
    overridable: bool = False

    @classmethod
    def ts(cls, assumed: bool = False) -> SLA:
        return cls("ts", 0, assumed)

    @classmethod
    def hr(cls, days: int, assumed: bool = False) -> SLA:
        if days < 1:
            raise ValueError("SLA.hr needs at least one working day; use SLA.ts() for the same day")
        return cls("hr", days, assumed)

    @classmethod
    def disposition(cls) -> SLA:
        return cls("disposition")

    @classmethod
    def per_disposition(cls, default_days: int) -> SLA:
        """Due date set in the disposition; `default_days` working days when it names none."""
        return cls("hr", default_days, assumed=True, overridable=True)

    @classmethod
    def none(cls) -> SLA:
        return cls("none")

    @property
    def label(self) -> str:
        """Short label as in the decree's charts: "TS", "2 Hr"; "*" marks an assumption."""
        text = {"ts": "TS", "disposition": "TS 08.00–15.00", "none": "—"}.get(self.kind, f"{self.days} Hr")
        return f"{text}*" if self.assumed else text


@dataclass(frozen=True)
class Transition:
    """One action a step offers. `needs` adds documents this action requires; `produces` are
    documents the action itself records (e.g. the decision D3 / D4); `roles` narrows who may take
    it (empty: the step's roles); `fork` lists further steps that start in parallel."""

    key: str
    label: str
    target: str
    kind: Kind = Kind.ADVANCE
    needs_reason: bool = False
    needs: tuple[str, ...] = ()
    produces: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    fork: tuple[str, ...] = ()

    @property
    def targets(self) -> tuple[str, ...]:
        return (self.target, *self.fork)


# Short constructors so a declaration reads like the decree's table.
def advance(target: str, label: str, key: str = "submit", **extra) -> Transition:
    return Transition(key, label, target, Kind.ADVANCE, **extra)


def approve(target: str, label: str = "Setujui", key: str = "approve", **extra) -> Transition:
    return Transition(key, label, target, Kind.APPROVE, **extra)


def reject(target: str, label: str = "Tolak", key: str = "reject", **extra) -> Transition:
    return Transition(key, label, target, Kind.REJECT, needs_reason=True, **extra)


def send_back(target: str, label: str = "Kembalikan untuk perbaikan", key: str = "return",
              **extra) -> Transition:
    return Transition(key, label, target, Kind.RETURN, needs_reason=True, **extra)


def withdraw(label: str = "Tarik permohonan", key: str = "withdraw",
             roles: tuple[str, ...] = ("lsp",)) -> Transition:
    return Transition(key, label, END_WITHDRAWN, Kind.WITHDRAW, needs_reason=True, roles=roles)


@dataclass(frozen=True)
class Step:
    """One box of the flowchart: who does it, which documents it needs, makes, signs and numbers.

    `signs` go through the Ketua's e-signature queue (or that of the step's signer, e.g. an Anggota
    for his own letter); `numbers` get a letter number from PHU's register. `per` makes the step run
    once per participant or per LKS finding: consecutive steps with the same `per` form a group each
    item walks through on its own, and the case moves on when every item is done. `join` makes the
    step wait until every parallel branch that can still reach it has arrived.
    """

    key: str
    title: str
    roles: tuple[str, ...]
    lane: str
    requires: tuple[str, ...] = ()
    produces: tuple[str, ...] = ()
    signs: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    sla: SLA = SLA.none()
    per: Per | None = None
    named_actor: str | None = None
    supervisor: str | None = None  # the role told when the step is late (SLA escalation)
    stage: str | None = None
    join: bool = False
    effects: tuple[str, ...] = ()
    form: str | None = None
    status: str | None = None
    transitions: tuple[Transition, ...] = ()
    form: str | None = None
    status: str | None = None

    def transition(self, key: str) -> Transition | None:
        return next((t for t in self.transitions if t.key == key), None)

    @property
    def automatic(self) -> bool:
        """Done by the portal itself; the engine runs it without waiting for a person."""
        return self.roles == ("system",)

    @property
    def document_codes(self) -> tuple[str, ...]:
        """Every document this step makes, signs, numbers or records, without repeats."""
        codes = [*self.produces, *self.signs, *self.numbers]
        codes += [code for t in self.transitions for code in t.produces]
        return tuple(dict.fromkeys(codes))


@dataclass(frozen=True)
class Timer:
    """A clock over some steps; past `after` the engine sets `flag` on the case, which may then be
    sent to `target` (e.g. Lisensi: LKS still open after 15 Hr goes to the members' pleno).

    `label` may say "{hari}" where the unit of days goes: `text(reading)` fills in "hari kerja" or
    "hari kalender" after the configured reading (TIMER_DAYS, portal/cases/timers.py)."""

    key: str
    label: str
    steps: tuple[str, ...]
    after: SLA
    flag: str
    target: str

    def text(self, reading: str = "kerja") -> str:
        return self.label.replace("{hari}", DAY_WORDS.get(reading, DAY_WORDS["kerja"]))


DAY_WORDS = {"kerja": "hari kerja", "kalender": "hari kalender"}


@dataclass(frozen=True)
class Letters:
    """A mail flow: each of its cases is one letter (the mail screens, agenda, monitoring and SLA
    reports list it). `label` names the flow there ("Surat Masuk"); `outgoing`: the agency drafts,
    signs, numbers and sends it; `closed`: a finished letter's state in words ("Terkirim")."""

    label: str
    outgoing: bool
    closed: str


@dataclass(frozen=True)
class Flow:
    """A whole service flow: its legend of documents and its ordered steps (the first one starts)."""

    code: str
    name: str
    lampiran: str
    number_prefix: str
    documents: tuple[Document, ...]
    steps: tuple[Step, ...]
    timers: tuple[Timer, ...] = ()
    # Whole-flow limit, e.g. Surat Keluar dari Sekretariat: 2 Hr from the step `total_sla_from`.
    total_sla: SLA | None = None
    total_sla_from: str | None = None
    # Whether `documents` is the decree's own legend or codes the portal introduced.
    legend_from_decree: bool = True
    # The service as letters name it ("Recognition of Current Competency (RCC) Asesor Kompetensi").
    service: str = ""
    # Set for the three mail flows (SM, SKS, SKA): their cases are letters.
    letters: Letters | None = None

    def step(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(f"flow {self.code} has no step {key!r}")

    def has_step(self, key: str) -> bool:
        return any(step.key == key for step in self.steps)

    def number_of(self, key: str) -> int:
        """1-based step number as shown on screen and in the diagram."""
        return [step.key for step in self.steps].index(key) + 1

    def document(self, code: str) -> Document:
        for document in self.documents:
            if document.code == code:
                return document
        raise KeyError(f"flow {self.code} declares no document {code!r}")

    def document_name(self, code: str) -> str:
        return self.document(code).title

    @property
    def document_codes(self) -> tuple[str, ...]:
        return tuple(document.code for document in self.documents)

    def signing_step(self, code: str) -> Step | None:
        """The step whose signer seals document `code`, if any."""
        return next((step for step in self.steps if code in step.signs), None)

    def numbering_step(self, code: str) -> Step | None:
        """The registration step after signing that records the number of `code`, if any."""
        return next((step for step in self.steps if code in step.numbers), None)

    @property
    def has_participants(self) -> bool:
        """A flow with steps per participant needs its participant list when the case is opened."""
        return any(step.per == "participant" for step in self.steps)

    @property
    def lanes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(step.lane for step in self.steps))

    @property
    def stages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(step.stage for step in self.steps if step.stage))

    def case_number(self, sequence: int, year: int) -> str:
        """E.g. LIS-2026-00017: prefix, year, and the per-flow, per-year sequence."""
        return f"{self.number_prefix}-{year}-{sequence:05d}"
