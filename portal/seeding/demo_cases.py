"""Demo cases for a newcomer: a few realistic cases walked through the real case engine.

`seed_demo_cases()` opens RCC and licensing cases for the demo organisations and walks each one,
step by step with the demo account of each role, up to the step where it should wait: the LSP's
licence request at the CS check, approval letters and SPT, an SK with its licence certificate and
a batch of certificates in the Ketua's Antrean Tanda Tangan, an invitation for the Kasek to sign,
and licensing work for the Staf Lisensi. Official drafts (letters, SPT, SK, certificates,
berita acara, invitations) are rendered by `portal.documents` with the case's own facts; what
the applicants and the other units upload is a plain working document. Documents signed on the
way are signed through the real queue (`queue.start_batch` + `runner.run_batch`) with the demo
PIN, so they verify like any other.

Idempotent and resumable: every case carries `data["demo"]` (its key); a case already waiting at
its step is left alone (the Ketua may have signed it since), an unfinished one is walked on.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import select

from portal.accounts.models import Organisation, User
from portal.cases import engine
from portal.cases.models import Case, WorkItem
from portal.core.dates import roman_month
from portal.extensions import db
from portal.flows.definition import FORWARD_KINDS
from portal.flows.machine import missing_documents
from portal.seeding.demo_documents import _today, document_for, working_document
from portal.signing.models import SignatureRequest

MAX_ACTIONS = 300
DEMO_MARK = "demo"  # case.data key holding the demo case's key
READY_MARK = "demo_siap"  # set once the case waits at its step


class DemoSeedError(RuntimeError):
    """A demo case could not be walked to its step (a flow or signing change broke the demo)."""


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    email: str
    address: str
    phone: str
    contact_username: str | None = None  # applicant user for organisations without a demo login
    contact_name: str = ""


@dataclass(frozen=True)
class DemoCase:
    key: str
    flow: str
    title: str
    organisation: str  # key in ORGANISATIONS
    stop_at: str  # the step the case waits at
    participants: tuple[str, ...] = ()
    named: dict[str, str] = field(default_factory=dict)  # named-actor slot -> demo username
    participant_users: dict[str, str] = field(default_factory=dict)  # participant -> demo username
    findings: tuple[tuple[str, str, str, str], ...] = ()  # LKS findings: acuan, finding, category, evidence
    lks_days_ago: int = 0  # the LKS was sent this many days ago (past 15 working days: flagged for pleno)
    data: dict = field(default_factory=dict)  # application facts (schemes, LSP type)
    verdicts: dict[str, str] = field(default_factory=dict)  # participant -> "BK" / "tolak" (default "K")


FINDINGS = (("PBNSP 202 Klausul 4.3.1", "Komite skema belum ditetapkan dengan SK pimpinan LSP", "mayor",
             "Struktur organisasi dan wawancara manajer mutu"),
            ("PBNSP 201 Klausul 5.1", "Materi uji kompetensi skema belum diverifikasi", "minor",
             "Daftar MUK tanpa lembar verifikasi"))


# The two demo LSPs come from portal.cli (with logins lsp1 / lsp2); the calon LSPs get an applicant
# account with a random password (nobody logs in as them; their cases show the licensing steps).
ORGANISATIONS: dict[str, DemoOrganisation] = {
    "lsp1": DemoOrganisation("LSP Teknologi Digital Nusantara", "lsp", "lsp1@contoh.bnsp.test",
                             "Jl. Jend. Gatot Subroto Kav. 23, Jakarta Selatan 12930", "(021) 5790 1122"),
    "lsp2": DemoOrganisation("LSP Pariwisata Indonesia", "lsp", "lsp2@contoh.bnsp.test",
                             "Jl. Raya Kuta No. 88, Badung, Bali 80361", "(0361) 755 210"),
    "energi": DemoOrganisation("LSP Energi Terbarukan Indonesia", "clsp", "clsp.energi@contoh.bnsp.test",
                               "Jl. H.R. Rasuna Said Blok X-5 Kav. 7, Jakarta Selatan 12950", "(021) 522 4410",
                               "clsp_energi", "Rudi Hartono"),
    "logistik": DemoOrganisation("LSP Logistik Maritim Nusantara", "clsp", "clsp.logistik@contoh.bnsp.test",
                                 "Jl. Perak Timur No. 610, Surabaya 60164", "(031) 329 1876",
                                 "clsp_logistik", "Sri Handayani"),
    "jamu": DemoOrganisation("LSP Jamu dan Herbal Indonesia", "clsp", "clsp.jamu@contoh.bnsp.test",
                             "Jl. Slamet Riyadi No. 275, Surakarta 57141", "(0271) 714 332",
                             "clsp_jamu", "Wahyu Widodo"),
}

DEMO_CASES: tuple[DemoCase, ...] = (
    DemoCase("lsp1-lisensi", "LIS", "Permohonan lisensi LSP Teknologi Digital Nusantara (skema bidang "
             "teknologi informasi)", "lsp1", stop_at="apresiasi_check"),
    DemoCase("lsp1-rcc", "RCC", "RCC Asesor Kompetensi LSP Teknologi Digital Nusantara — angkatan I",
             "lsp1", stop_at="sign_approval",
             participants=("Rina Kusumawati", "Andi Prasetyo", "Yoga Aditya Nugraha"),
             verdicts={"Yoga Aditya Nugraha": "tolak"}),
    DemoCase("lsp2-rcc-sertifikat", "RCC", "RCC Asesor Kompetensi LSP Pariwisata Indonesia — angkatan II",
             "lsp2", stop_at="sign_certificates",
             participants=("Budi Santoso", "Dian Puspitasari", "I Made Wirawan", "Nurul Hidayah",
                           "Fajar Ramadhan", "Siti Rahmawati", "Maya Anggraini"),
             verdicts={"Maya Anggraini": "BK"}),
    DemoCase("lsp2-askom-apl02", "ASKOM", "Pelatihan dan Asesmen Asesor Kompetensi LSP Pariwisata Indonesia "
             "— angkatan III", "lsp2", stop_at="apl02",
             participants=("Putra Peserta Asesor", "Agus Prasetyo", "Dewi Lestari"),
             participant_users={"Putra Peserta Asesor": "peserta1"}),
    DemoCase("energi-sk", "LIS", "Lisensi awal LSP Energi Terbarukan Indonesia", "energi",
             stop_at="sign_sk", named={"penandatangan": "ketua"}),
    DemoCase("logistik-undangan", "LIS", "Lisensi awal LSP Logistik Maritim Nusantara", "logistik",
             stop_at="sign_apresiasi_invitation", named={"penandatangan": "kasek"}),
    DemoCase("lsp1-lks", "LIS", "Lisensi awal LSP Teknologi Digital Nusantara — skema jaringan", "lsp1",
             stop_at="lks_correction", findings=FINDINGS, data={"schemes": ["Teknisi Jaringan Komputer"]}),
    DemoCase("lsp2-lks-lewat", "LIS", "Lisensi awal LSP Pariwisata Indonesia — skema pemandu wisata", "lsp2",
             stop_at="lks_correction", findings=FINDINGS[:1], lks_days_ago=30,
             data={"schemes": ["Pemandu Wisata Selam"]}),
    DemoCase("energi-pleno", "LIS", "Lisensi awal LSP Energi Terbarukan Indonesia — skema PLTS", "energi",
             stop_at="pleno", named={"penandatangan": "ketua"},
             data={"schemes": ["Teknisi Pemasangan PLTS Atap", "Operator PLTS"]}),
    DemoCase("jamu-kecukupan", "LIS", "Lisensi awal LSP Jamu dan Herbal Indonesia", "jamu",
             stop_at="desk_audit_documents", named={"penandatangan": "kasek"}),
)

# Who does what: every internal role's demo login has the role's own code as its name.
NAMED_DEFAULTS = {"spt_ma_penguji": "ma_penguji", "spt_ma_pelatih": "ma_pelatih", "ketua_tim_kecukupan": "asesor_lisensi",
                  "tim_kecukupan": "asesor_lisensi", "st_asesmen_penuh": "asesor_lisensi",
                  "st_penyaksian": "asesor_lisensi", "penandatangan": "ketua"}
STAFF_OF_FLOW = {"RCC": "staf_sertifikasi", "ASKOM": "staf_sertifikasi", "LIS": "staf_lisensi"}


# --- seeding -------------------------------------------------------------------------------------

def seed_demo_cases(pin: str) -> list[Case]:
    """Create (or finish) every demo case; commits as it goes (signing batches commit anyway)."""
    from portal.signing.setup import ensure_dev_signing

    ensure_dev_signing()  # the embedded default's signing key, for the documents signed on the way
    people = _demo_people()
    if "ketua" not in people:
        return []  # no demo accounts: nothing to demonstrate with
    cases = []
    for spec in DEMO_CASES:
        organisation, applicant = _organisation(spec.organisation, people)
        case = _find(spec)
        if case is not None and (case.data or {}).get(READY_MARK):
            cases.append(case)
            continue
        if case is None:
            case = _open(spec, organisation, applicant, people)
        _walk(case, spec, people | {"lsp": applicant}, pin)
        case.data = {**(case.data or {}), READY_MARK: True}
        db.session.commit()
        cases.append(case)
    return cases


def _demo_people() -> dict[str, User]:
    from portal.cli import DEMO_ACCOUNTS

    users = db.session.scalars(select(User).where(User.username.in_(list(DEMO_ACCOUNTS))))
    return {user.username: user for user in users}


def _organisation(key: str, people: dict[str, User]) -> tuple[Organisation, User]:
    spec = ORGANISATIONS[key]
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == spec.name))
    if organisation is None:
        organisation = Organisation(name=spec.name, kind=spec.kind, email=spec.email)
        db.session.add(organisation)
    organisation.address = organisation.address or spec.address
    organisation.phone = organisation.phone or spec.phone
    db.session.flush()
    if spec.contact_username is None:
        return organisation, people[key]
    contact = db.session.scalar(select(User).where(User.username == spec.contact_username))
    if contact is None:
        from portal.accounts.services import create_user

        contact = create_user(spec.contact_username, spec.contact_name, spec.email,
                              secrets.token_urlsafe(24), ["lsp"], organisation=organisation)
    return organisation, contact


def _find(spec: DemoCase) -> Case | None:
    candidates = db.session.scalars(select(Case).where(Case.flow_code == spec.flow, Case.title == spec.title))
    return next((c for c in candidates if (c.data or {}).get(DEMO_MARK) == spec.key), None)


def _open(spec: DemoCase, organisation: Organisation, applicant: User, people: dict[str, User]) -> Case:
    today = _today()
    data = {**spec.data, DEMO_MARK: spec.key, "their_number": f"{secrets.randbelow(900) + 100:03d}/"
            f"{_initials(organisation.name)}/{roman_month(today.month)}/{today.year}"}
    if spec.participants:
        case = _open_request(spec, organisation, applicant, people, data)
    else:
        case = engine.open_case(spec.flow, applicant, spec.title, organisation=organisation, data=data)
    # Named people are chosen up front, so a signing step queues its documents for the right signer.
    flow = engine.flow_of(case)
    staff = people[STAFF_OF_FLOW.get(spec.flow, "admin")]
    for slot in dict.fromkeys(s.named_actor for s in flow.steps if s.named_actor):
        username = spec.named.get(slot) or NAMED_DEFAULTS.get(slot)
        if username in people:
            engine.assign(case, slot, people[username], staff)
    db.session.commit()
    return case


def _open_request(spec: DemoCase, organisation: Organisation, applicant: User, people: dict[str, User],
                  data: dict) -> Case:
    """RCC / ASKOM: the scheme from the catalogue and checked participant rows, as the LSP enters them."""
    from portal.assessment.catalogue import assessor_scheme, seed_assessor_schemes
    from portal.assessment.people import person_by_nik
    from portal.assessment.request import open_request
    from portal.seeding.demo_assessment import people_rows

    scheme = assessor_scheme() or seed_assessor_schemes()[0]
    rows = people_rows(spec.flow, list(spec.participants), today=_today())
    for row in rows:
        username = spec.participant_users.get(row.full_name)
        if username in people:  # an existing account: the person is matched to it, none is made on D7 A
            person = person_by_nik(row.nik)
            row.email = people[username].email
            if person is None:
                from portal.assessment.people import upsert_person

                person = upsert_person(row)
            person.user_id = people[username].id
    case = open_request(spec.flow, applicant, scheme, rows, title=spec.title, organisation=organisation)
    case.data = {**case.data, **data}
    return case


# --- walking a case --------------------------------------------------------------------------------

def _walk(case: Case, spec: DemoCase, people: dict[str, User], pin: str) -> None:
    flow = engine.flow_of(case)
    for _ in range(MAX_ACTIONS):
        if case.state != "berjalan":
            raise DemoSeedError(f"demo case {spec.key} ended ({case.state}) before {spec.stop_at}")
        works = engine.open_work(case)
        if not works:
            raise DemoSeedError(f"demo case {spec.key} has no open step")
        work = works[0]
        if work.step_key == spec.stop_at:
            _backdate_lks(case, spec)
            return
        step = flow.step(work.step_key)
        if step.signs:
            _sign_step(case, work, people, pin)
        else:
            _write_findings(case, work, step, spec, people)
            _take_step(case, work, step, people)
        db.session.commit()
    raise DemoSeedError(f"demo case {spec.key} did not reach {spec.stop_at} in {MAX_ACTIONS} actions")


def _write_findings(case: Case, work: WorkItem, step, spec: DemoCase, people: dict[str, User]) -> None:
    from werkzeug.datastructures import MultiDict

    from portal.licensing import lks

    if not spec.findings or not (step.form or "").startswith("lks_") or lks.findings_of(case, work=work):
        return
    if spec.stop_at not in {target for t in step.transitions for target in t.targets}:
        return  # the findings belong to the LKS whose corrections the demo case stops at
    for acuan, finding, category, evidence in spec.findings:
        lks.add_finding(case, MultiDict({"acuan": acuan, "finding": finding, "category": category,
                                         "evidence": evidence}), _actor(work, step, people))


def _backdate_lks(case: Case, spec: DemoCase) -> None:
    """A demo LKS sent weeks ago: its 15-day clock has run out, and the periodic task flags it."""
    from datetime import timedelta

    from portal.cases.timers import run_timers
    from portal.core.dates import utcnow

    if not spec.lks_days_ago:
        return
    for work in engine.open_work(case):
        work.ready_at = utcnow() - timedelta(days=spec.lks_days_ago)
    db.session.flush()
    run_timers()


def _actor(work: WorkItem, step, people: dict[str, User]) -> User:
    if work.assignee_id:
        return db.session.get(User, work.assignee_id)
    role = step.roles[0]
    if role not in people:
        raise DemoSeedError(f"no demo account for role {role}")
    return people[role]


def _take_step(case: Case, work: WorkItem, step, people: dict[str, User]) -> None:
    actor = _actor(work, step, people)
    forward = [t for t in step.transitions if t.kind in FORWARD_KINDS]
    transition = next((t for t in forward if t.key == "approve"), None) or forward[0]
    recorded = engine.latest_documents(case).get((step.produces[0], engine.item_key(work.item))) if step.form else None
    if step.form and (recorded is None or recorded.uploaded_at < work.ready_at):
        from portal.seeding.demo_licensing import fill_licensing_form

        fill_licensing_form(case, work, step, actor, working_document(case, step.produces[0], work.item))
    present = engine.present_codes(case, work.item) | set(transition.produces)
    if step.form and step.form != "disposisi" and step.produces[0] in missing_documents(step, transition, present):
        from portal.forms.services import submit
        from portal.seeding.demo_assessment import form_answers

        spec = next(s for s in DEMO_CASES if s.key == (case.data or {}).get(DEMO_MARK))
        submit(case, work, form_answers(case, work, spec.verdicts), actor)
        present = engine.present_codes(case, work.item) | set(transition.produces)
    for code in missing_documents(step, transition, present):
        document = document_for(case, code, work.item, people)
        engine.upload_document(case, code, document.filename, document.data, actor, work=work,
                               signature_box=document.signature_box,
                               number_boxes=document.number_boxes)
    engine.act(case, work.id, transition.key, actor)


def _sign_step(case: Case, work: WorkItem, people: dict[str, User], pin: str) -> None:
    """Sign the step's queued documents as its signer would, through the real queue."""
    from portal.signing import queue
    from portal.signing.runner import run_batch

    signer = db.session.get(User, work.assignee_id) if work.assignee_id else people["ketua"]
    requests = _open_requests(work)
    if not requests:
        queue.enqueue_step(case, work)  # drafts uploaded after the step opened
        requests = _open_requests(work)
    if not requests:
        raise DemoSeedError(f"{case.number}: nothing queued for signing at {work.step_key}")
    batch = queue.start_batch(signer, [r.id for r in requests], pin)
    db.session.commit()
    run_batch(batch.id)
    db.session.expire_all()
    if db.session.get(WorkItem, work.id).state == "open":
        errors = [r.error for r in _open_requests(work) if r.error]
        raise DemoSeedError(f"{case.number}: signing {work.step_key} did not finish: {errors}")


def _open_requests(work: WorkItem) -> list[SignatureRequest]:
    return list(db.session.scalars(select(SignatureRequest).where(
        SignatureRequest.work_item_id == work.id, SignatureRequest.state.in_(("menunggu", "gagal")))
        .order_by(SignatureRequest.id)))


# --- small helpers -----------------------------------------------------------------------------------

def _initials(name: str) -> str:
    words = [w for w in name.split() if w[:1].isupper()]
    return "".join(w[0] for w in words)[:6] or "LSP"


__all__ = ["DEMO_CASES", "ORGANISATIONS", "DemoCase", "DemoSeedError", "seed_demo_cases"]
