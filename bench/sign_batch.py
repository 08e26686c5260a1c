"""Signing throughput of the real queue path against a plain pyHanko loop and raw RSA.

    python bench/sign_batch.py [--n 200] [--kinds certificate,letter] [--goal 5] [--out DIR]
                               [--processes 2] [--bt-n 50] [--profile] [--database-url postgresql://...]

A temporary portal (SQLite file, or a fresh schema in --database-url, dropped afterwards; its
own storage and dev signing key) queues N documents for the Ketua, per kind:
- certificate: one RCC case whose N participants' certificates (D23) are rendered by the flow's
  own generator (their numbers come from the pleno and are already in the draft), signed as D24;
- letter: N outgoing letters of the Secretariat (flow 2), one case each, rendered from the letter
  template with its number placeholders: signing reserves each number from the letter series and
  the signing process writes it into the PDF before the signature seals it (issue 12).
Timed end to end, as the Ketua's batch runs in the worker: `queue.start_batch` (PIN check, claiming
the documents), commit, `runner.run_batch` (reading the drafts from storage, numbering, signing on
both cores with the RSA-2048 dev key at PAdES B-B with the QR stamp, storing every signed version,
audit entries, a commit every few documents, notices, the steps moving on). The signing processes
are started and the key loaded first, as `python -m portal.worker` does when it boots (printed,
not timed); the first batch after that is the queue figure, a second batch of the same kind is
printed too. The plain loop is `signers.PdfSigner` per document with `SimpleSigner.load_pkcs12`
loaded once, over the same drafts, key, box and QR stamp (it writes no number), timed in two
halves, one just before the queue batches and one just after, so that a drift of the machine's
speed during the run weighs on both sides alike. PDF generation
and checking the results (every batch: all signed, first and last validate and carry their
number, the cases moved on) are not timed.

The last line gives ``<kind>_queue_docs_per_s``, ``<kind>_bare_docs_per_s`` and ``<kind>_ratio``
per kind; the exit status is 1 when a kind's first batch is below ``--goal`` times the plain loop
(issue 12's floor is 5; issue 15 asks 10 at ``--n 500``).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PIN = "480315"
GOAL_RATIO = 5.0
FIELD = "TTE_Ketua_BNSP"


@dataclass
class Batch:
    label: str
    documents: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.documents / self.seconds


# --- the temporary portal -------------------------------------------------------------------------

@contextlib.contextmanager
def database(base_url: str | None, workdir: Path) -> Iterator[str]:
    """A SQLite file (the embedded default) or a fresh PostgreSQL schema, dropped afterwards."""
    if base_url is None:
        yield f"sqlite:///{workdir / 'bench-sign.sqlite3'}"
        return
    from portal.core.scratch import scratch_schema

    url, drop = scratch_schema(base_url, "bench_sign")
    try:
        yield url
    finally:
        drop()


def make_app(url: str, workdir: Path, processes: int):
    from portal import create_app
    from portal.extensions import db

    app = create_app({
        "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(16),
        "STORAGE_DIR": str(workdir / "storage"), "MAIL_OUTBOX_DIR": str(workdir / "outbox"),
        "SIGNING_DIR": str(workdir / "signing"), "SIGNING_PROCESSES": processes,
        "PUBLIC_BASE_URL": "https://portal.bnsp.go.id",
    })
    with app.app_context():
        db.create_all()
    return app


class Portal:
    """The people and cases of the run (inside an app context)."""

    def __init__(self) -> None:
        from portal.accounts.models import Organisation
        from portal.accounts.services import create_user
        from portal.extensions import db
        from portal.signing.queue import set_pin

        org = Organisation(name="LSP Uji Kinerja", kind="lsp", email="kinerja@lsp.test")
        db.session.add(org)
        db.session.flush()
        self.org = org
        self.lsp = create_user("bench_lsp", "Admin LSP Uji Kinerja", "lsp@bench.test", secrets.token_urlsafe(16),
                               ["lsp"], organisation=org)
        self.ketua = create_user("bench_ketua", "Dr. Ketua BNSP", "ketua@bench.test", secrets.token_urlsafe(16),
                                 ["ketua"])
        set_pin(self.ketua, PIN)
        db.session.commit()

    def case_at_certificate_signing(self, n: int, pdfs: list[tuple[bytes, list]] | None = None):
        """An RCC case with `n` participants waiting at 'Tanda tangan sertifikat': its D23
        certificates rendered by the flow's generator (or these PDFs), one D24 request each."""
        from portal.cases import engine
        from portal.cases.models import WorkItem
        from portal.core.dates import utcnow
        from portal.extensions import db
        from portal.signing.queue import enqueue_step

        case = engine.open_case("RCC", self.lsp, f"RCC uji kinerja {secrets.token_hex(2)}", organisation=self.org,
                                participants=[f"Peserta Kinerja {i + 1:04d}" for i in range(n)])
        flow = engine.flow_of(case)
        # Skip the walk to the signing step: the batch, not the flow, is what is measured.
        for work in engine.open_work(case):
            work.state = "cancelled"
        step = flow.step("sign_certificates")
        case.active_steps = [step.key]
        work = WorkItem(case_id=case.id, flow_code="RCC", step_key=step.key, role_mask=engine.role_mask(step.roles),
                        state="open", ready_at=utcnow())
        db.session.add(work)
        db.session.flush()
        if pdfs is None:
            pdfs = [_certificate_for(item.label) for item in case.items]
        for item, (data, box) in zip(case.items, pdfs):
            engine.upload_document(case, "D23", f"sertifikat-{item.id}.pdf", data, self.ketua, item=item,
                                   check=False, signature_box=box)
        requests = enqueue_step(case, work)
        db.session.commit()
        return case, requests


    def letters_at_signing(self, n: int, draft: tuple[bytes, list, list]):
        """`n` outgoing letters of the Secretariat (flow 2) waiting for the Ketua's signature, each
        its own case with the same rendered draft (number placeholders included): signing reserves
        each letter's number from the letter series and writes it into the PDF."""
        from portal.cases import engine
        from portal.cases.models import WorkItem
        from portal.core.dates import utcnow
        from portal.extensions import db
        from portal.signing.queue import enqueue_step

        data, box, number_boxes = draft
        cases, requests = [], []
        for i in range(n):
            case = engine.open_case("SKS", self.ketua, f"Undangan rapat koordinasi {i + 1:04d}",
                                    data={"classification": "UM.00.00"})
            for work in engine.open_work(case):
                work.state = "cancelled"
            step = engine.flow_of(case).step("sign")
            case.active_steps = [step.key]
            work = WorkItem(case_id=case.id, flow_code="SKS", step_key=step.key, assignee_id=self.ketua.id,
                            role_mask=engine.role_mask(step.roles), state="open", ready_at=utcnow())
            db.session.add(work)
            db.session.flush()
            engine.upload_document(case, "KONSEP", "konsep.pdf", data, self.ketua, check=False,
                                   signature_box=box, number_boxes=number_boxes)
            requests.extend(enqueue_step(case, work))
            cases.append(case)
        db.session.commit()
        return cases, requests


def _letter_draft() -> tuple[bytes, list, list]:
    """An outgoing letter rendered from the official template, with its number placeholders."""
    from portal.documents.contexts import sample_context
    from portal.documents.pdf import render_pdf

    rendered = render_pdf("letter", sample_context("letter"))
    box = rendered.signature_box
    return rendered.data, [box.page_index, box.x1, box.y1, box.x2, box.y2], rendered.number_boxes_json


def _certificate_for(holder: str) -> tuple[bytes, list]:
    """A competency certificate for `holder` rendered from the official template."""
    from dataclasses import replace

    from portal.documents.contexts import sample_context
    from portal.documents.pdf import render_pdf

    rendered = render_pdf("certificate", replace(sample_context("certificate"), nama=holder))
    box = rendered.signature_box
    return rendered.data, [box.page_index, box.x1, box.y1, box.x2, box.y2]


def run_queue_batch(portal: Portal, requests, label: str) -> Batch:
    """What the Ketua's POST and the worker do for one batch, timed end to end."""
    from portal.extensions import db
    from portal.signing.queue import start_batch
    from portal.signing.runner import run_batch

    ids = [r.id for r in requests]
    start = time.perf_counter()
    batch = start_batch(portal.ketua, ids, PIN)
    db.session.commit()
    run_batch(batch.id)
    seconds = time.perf_counter() - start
    return Batch(label, len(ids), seconds)


def progress_run(app, portal: Portal, n: int, pdfs) -> tuple[float, int, int, float]:
    """How the batch page sees a batch of `n` move: the worker signs in a thread while this thread
    reads the signed count every 50 ms, as the page's poll does. Returns the time to the first
    signed document, the largest step between two reads, how many different counts were seen,
    and the whole batch's seconds."""
    import threading

    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.signing.models import SignatureRequest
    from portal.signing.queue import start_batch
    from portal.signing.runner import run_batch

    _, requests = portal.case_at_certificate_signing(n, pdfs)
    batch = start_batch(portal.ketua, [r.id for r in requests], PIN)
    db.session.commit()
    batch_id = batch.id

    def work() -> None:
        with app.app_context():
            try:
                run_batch(batch_id)
            finally:
                db.session.remove()

    signed = select(func.count()).select_from(SignatureRequest).where(
        SignatureRequest.batch_id == batch_id, SignatureRequest.state == "ditandatangani")
    thread = threading.Thread(target=work, name="bench-progress")
    start = time.perf_counter()
    thread.start()
    samples = []
    while True:
        alive = thread.is_alive()
        samples.append((time.perf_counter() - start, db.session.scalar(signed)))
        db.session.commit()  # the next read sees the worker's later commits
        if not alive:
            break
        time.sleep(0.05)
    thread.join()
    total = samples[-1][0]
    first = next(t for t, done in samples if done > 0)
    steps = [b - a for (_, a), (_, b) in zip(samples, samples[1:])]
    return first, max(steps), len({done for _, done in samples}), total


def check_queue_results(cases, requests, roots: list, expected_level: str, next_step: str) -> None:
    """Everything signed at the level asked for; the first and last documents validate (and carry
    the number their request got, when it was written in at signing); their cases moved on."""
    from portal import storage
    from portal.cases import engine
    from portal.extensions import db
    from portal.signing.validation import validate_signed_pdf

    db.session.expire_all()
    states = {r.state for r in requests}
    levels = {r.level for r in requests}
    if states != {"ditandatangani"} or levels != {expected_level}:
        errors = sorted({r.error for r in requests if r.error})
        raise SystemExit(f"queue batch did not sign everything at {expected_level}: {states} {levels} {errors}")
    for request in (requests[0], requests[-1]):
        data = storage.read_bytes(request.signed_version.storage_key)
        report = validate_signed_pdf(data, roots)
        if not report.ok:
            raise SystemExit(f"{request.code} of {request.case.number} does not validate: {report.problems}")
        if request.source_version.number_boxes:
            text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
            if not request.number or request.number.encode() not in text:
                raise SystemExit(f"{request.case.number}: signed PDF does not carry its number {request.number}")
    for case in (cases[0], cases[-1]):
        if engine.open_work(case)[0].step_key != next_step:
            raise SystemExit(f"{case.number} did not move on after signing")


# --- the plain loop and the limits ----------------------------------------------------------------

def bare_loop(pdfs: list[bytes], urls: list[str], p12: str, passphrase: bytes, box: list) -> tuple[float, bytes]:
    """What one would write with pyHanko's documented API: key loaded once, one PdfSigner per
    document with the same field, box and QR stamp."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import QRStampStyle

    from portal.signing.pades import STAMP_TEXT

    signer = signers.SimpleSigner.load_pkcs12(p12, passphrase=passphrase)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason="Ditandatangani secara elektronik oleh Ketua BNSP", location="Jakarta", name="Ketua BNSP")
    style = QRStampStyle(stamp_text=STAMP_TEXT, border_width=1)
    spec = fields.SigFieldSpec(FIELD, on_page=int(box[0]), box=tuple(box[1:5]))
    start = time.perf_counter()
    last = b""
    for pdf, url in zip(pdfs, urls):
        pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style, new_field_spec=spec)
        out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), appearance_text_params={"url": url})
        last = out.getvalue()
    return time.perf_counter() - start, last


def bare_sign_many(pdfs, urls, box, p12, passphrase, processes: int) -> float:
    """The batch signer alone (portal.signing.batch.sign_many), no database or storage."""
    from portal.signing.batch import sign_many
    from portal.signing.pades import SignRequest

    items = [(pdf, SignRequest(verify_url=url, page_index=int(box[0]), box=tuple(box[1:5])))
             for pdf, url in zip(pdfs, urls)]
    start = time.perf_counter()
    sign_many(items, p12, passphrase, processes=processes)
    return time.perf_counter() - start


def openssl_rsa2048_signs_per_s() -> float:
    out = subprocess.run(["openssl", "speed", "-seconds", "2", "rsa2048"], capture_output=True,
                         text=True, check=True).stdout
    match = re.search(r"^rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)", out, re.MULTILINE)
    if not match:
        raise RuntimeError("cannot parse `openssl speed` output:\n" + out)
    return float(match.group(1))


# --- where the queue path spends its time ----------------------------------------------------------

class Stopwatch:
    """Wall time per named call, by wrapping module attributes for the length of a batch."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo: list = []

    def wrap(self, owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start
                self.calls[label] += 1

        setattr(owner, name, timed)
        self._undo.append((owner, name, original))

    def restore(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()


def profile_queue_batch(portal: Portal, kind: str, requests) -> None:
    """Split one warm batch's wall time into its parts, then a cProfile of the main process."""
    import cProfile
    import pstats

    from portal import storage
    from portal.extensions import db
    from portal.signing import recording, runner

    n = len(requests)
    watch = Stopwatch()
    watch.wrap(runner, "_sign_items", "signing thread: _sign_items (overlaps the rest)")
    watch.wrap(runner, "store_signed_group", "store_signed_group (whole, per group)")
    watch.wrap(storage, "read_bytes", "reading drafts from storage")
    watch.wrap(recording, "add_stored_versions", "  add_stored_versions (versions + timeline)")
    watch.wrap(storage, "start_writes", "storage.start_writes (files written meanwhile)")
    watch.wrap(recording, "record", "  audit record of the signature")
    watch.wrap(recording, "advance_if_complete", "advance_if_complete (the step moves on)")
    watch.wrap(db.session, "commit", "commit")
    queries = {"n": 0}

    from sqlalchemy import event

    def count(*_args):
        queries["n"] += 1

    engine_ = db.engine
    event.listen(engine_, "before_cursor_execute", count)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        batch = run_queue_batch(portal, requests, "profiled")
    finally:
        profiler.disable()
        watch.restore()
        event.remove(engine_, "before_cursor_execute", count)
    print(f"\nprofiled warm batch of {kind}s: {n} documents in {batch.seconds:.2f} s = {batch.rate:.1f} docs/s, "
          f"{queries['n']} SQL statements ({queries['n'] / n:.1f} per document)")
    print(f"{'part':58} {'s':>7} {'% of batch':>10} {'calls':>6}")
    for label, seconds in watch.seconds.items():
        print(f"{label:58} {seconds:7.2f} {100 * seconds / batch.seconds:9.1f}% {watch.calls[label]:6d}")
    print()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats("portal", 45)


# --- main --------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="documents per batch (default 200)")
    parser.add_argument("--out", type=Path, help="keep the queue's signed PDFs in this directory")
    parser.add_argument("--processes", type=int, default=2, help="signing processes (SIGNING_PROCESSES)")
    parser.add_argument("--bt-n", type=int, default=50, help="documents for the B-T figure (0: skip)")
    parser.add_argument("--kinds", default="certificate,letter",
                        help="what is signed: certificate, letter or both (default certificate,letter)")
    parser.add_argument("--goal", type=float, default=GOAL_RATIO,
                        help="exit 1 when a kind's first batch is below this many times the plain loop "
                             f"(default {GOAL_RATIO:g}; issue 15's goal is 10 at --n 500)")
    parser.add_argument("--profile", action="store_true", help="split a batch's time into its parts")
    parser.add_argument("--database-url", help="PostgreSQL base URL (a fresh schema is created and dropped); "
                                               "default: a temporary SQLite file")
    args = parser.parse_args()
    args.kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()]
    unknown = set(args.kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kind(s): {', '.join(sorted(unknown))}")

    with tempfile.TemporaryDirectory(prefix="bench-sign-") as tmp:
        workdir = Path(tmp)
        # Before importing the portal: the task queue's embedded storage lives in the instance dir.
        os.environ["PORTAL_INSTANCE_DIR"] = str(workdir / "instance")
        os.environ["HUEY_SQLITE_PATH"] = str(workdir / "huey.sqlite3")
        os.environ.pop("PORTAL_SIGNING_DRILL_DELAY", None)
        with database(args.database_url, workdir) as url:
            app = make_app(url, workdir, args.processes)
            with app.app_context():
                run(app, args, workdir)
            from portal.extensions import db

            with app.app_context():
                db.session.remove()
                db.engine.dispose()


KINDS = {
    # kind: (what is signed, the step its case moves on to)
    "certificate": ("competency certificates of one RCC case (number from the pleno, already in the draft)", "receipt"),
    "letter": ("outgoing letters, one case each (number reserved at signing and written into the PDF)", "dispatch"),
}


def run(app, args, workdir: Path) -> None:
    from cryptography import x509

    from portal import storage
    from portal.extensions import db
    from portal.signing.batch import prestart, shutdown_pools
    from portal.signing.runner import signing_key, verify_url
    from portal.signing.setup import ensure_dev_signing
    from portal.signing.validation import validate_signed_pdf

    pki = ensure_dev_signing()
    root = x509.load_pem_x509_certificate(pki.root_cert_path.read_bytes())
    p12, passphrase = signing_key()
    portal = Portal()
    print(f"database {db.engine.dialect.name}, {args.processes} signing processes, RSA-2048, PAdES B-B, "
          f"{args.n} documents per batch")

    # What `python -m portal.worker` does when it boots (portal.worker._warm_up_signing).
    start = time.perf_counter()
    prestart(p12, passphrase, processes=args.processes)
    print(f"worker start-up: signing processes started and key loaded in {time.perf_counter() - start:.2f} s "
          "(once per worker, not timed)")

    rows, ratios, cert_sources = [], {}, None
    letter = _letter_draft() if "letter" in args.kinds else None
    for kind in args.kinds:
        what, next_step = KINDS[kind]

        def make(pdfs=None):
            if kind == "certificate":
                case, requests = portal.case_at_certificate_signing(args.n, pdfs)
                return [case], requests
            return portal.letters_at_signing(args.n, letter)

        start = time.perf_counter()
        cases_a, requests_a = make()
        sources = [r.source_version for r in requests_a]
        pdfs = [storage.read_bytes(v.storage_key) for v in sources]
        boxes = [v.signature_box for v in sources]
        urls = [verify_url(r) for r in requests_a]
        print(f"{kind}: {args.n} {what}: generated and queued in {time.perf_counter() - start:.1f} s (not timed), "
              f"{sum(map(len, pdfs)) / len(pdfs) / 1024:.0f} KiB each")
        if kind == "certificate":
            cert_sources = list(zip(pdfs, boxes))
        # The plain loop runs in two halves around the queue batches: the machine's speed drifts
        # during a run (by 15-40 % within minutes on a shared host), and both sides then feel it.
        half = len(pdfs) // 2
        bare_before_s, _ = bare_loop(pdfs[:half], urls[:half], p12, passphrase, boxes[0])
        first = run_queue_batch(portal, requests_a, f"{kind}: queue path, first batch after worker start-up")
        check_queue_results(cases_a, requests_a, [root], "B-B", next_step)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            for i, request in enumerate(requests_a):
                (args.out / f"{kind}-{i + 1:04d}.pdf").write_bytes(
                    storage.read_bytes(request.signed_version.storage_key))
        cases_b, requests_b = make(cert_sources) if kind == "certificate" else make()
        warm = run_queue_batch(portal, requests_b, f"{kind}: queue path, next batch")
        check_queue_results(cases_b, requests_b, [root], "B-B", next_step)
        bare_after_s, last = bare_loop(pdfs[half:], urls[half:], p12, passphrase, boxes[0])
        bare_s = bare_before_s + bare_after_s
        if not validate_signed_pdf(last, [root]).ok:
            raise SystemExit("plain pyHanko output does not validate")
        bare = Batch(f"{kind}: plain pyHanko loop (1 process, signers.PdfSigner per document)", args.n, bare_s)
        many = Batch(f"{kind}: sign_many alone (no database, no storage, no number)", args.n,
                     bare_sign_many(pdfs, urls, boxes[0], p12, passphrase, args.processes))
        rows.append((first, warm, many, bare))
        ratios[kind] = (first.rate, bare.rate)

    progress_n = min(args.n, 100)
    first_s, max_step, counts_seen, progress_s = progress_run(app, portal, progress_n, cert_sources[:progress_n]) \
        if cert_sources else (0.0, 0, 0, 0.0)
    if args.profile:
        for kind in args.kinds:
            _cases, requests = (portal.case_at_certificate_signing(args.n, cert_sources) if kind == "certificate"
                                else portal.letters_at_signing(args.n, letter))
            profile_queue_batch(portal, kind, requests)
    shutdown_pools()

    bt = None
    if args.bt_n > 0 and cert_sources:
        bt = bt_batch(app, portal, min(args.bt_n, args.n), cert_sources, root, p12, passphrase,
                      args.processes, workdir)

    openssl = openssl_rsa2048_signs_per_s()
    print()
    print(f"{'path':72} {'docs':>5} {'s':>7} {'docs/s':>8} {'× plain':>8}")
    for first, warm, many, bare in rows:
        for row in (first, warm, many, bare):
            print(f"{row.label:72} {row.documents:5d} {row.seconds:7.2f} {row.rate:8.1f} {row.rate / bare.rate:8.2f}")
    if bt:
        bare = rows[0][3]
        print(f"{bt.label:72} {bt.documents:5d} {bt.seconds:7.2f} {bt.rate:8.1f} {bt.rate / bare.rate:8.2f}")
    print(f"{'openssl speed rsa2048 (raw signatures, 1 core)':72} {'':5} {'':7} {openssl:8.1f}")
    if cert_sources:
        print(f"progress of a {progress_n}-document batch read every 50 ms ({progress_s:.1f} s): first signed "
              f"document committed after {first_s:.2f} s, largest step {max_step} documents, "
              f"{counts_seen} different counts")
    summary = " ".join(f"{kind}_queue_docs_per_s={queue:.1f} {kind}_bare_docs_per_s={bare:.1f} "
                       f"{kind}_ratio={queue / bare:.2f}" for kind, (queue, bare) in ratios.items())
    print(f"{summary} openssl_signs_per_s={openssl:.1f} first_signed_s={first_s:.2f} max_progress_step={max_step}")
    short = [kind for kind, (queue, bare) in ratios.items() if queue < args.goal * bare]
    if short:
        print(f"below {args.goal:g}x the plain loop: {', '.join(short)}")
        raise SystemExit(1)


def bt_batch(app, portal: Portal, n: int, pdfs, root, p12: str, passphrase: bytes, processes: int,
             workdir: Path) -> Batch:
    """B-T through the queue path, with signature timestamps from the local test TSA."""
    from portal.signing.batch import prestart, shutdown_pools
    from tests.signing_pki import running_test_pki

    with running_test_pki(workdir / "test-pki") as test_pki:
        app.config["SIGNING_TSA_URL"] = test_pki.tsa_url
        try:
            case, requests = portal.case_at_certificate_signing(n, pdfs[:n])
            # A warm pool: this figure is about the TSA round trips, not process start-up.
            prestart(p12, passphrase, processes=processes, timestamper_url=test_pki.tsa_url)
            batch = run_queue_batch(portal, requests, f"queue path B-T via local TSA (warm pool, {n} docs)")
            check_queue_results([case], requests, [root, test_pki.root_cert], "B-T", "receipt")
        finally:
            app.config["SIGNING_TSA_URL"] = None
            shutdown_pools()
    return batch


if __name__ == "__main__":
    main()
