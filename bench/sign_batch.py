"""Signing throughput of the real queue path against a plain pyHanko loop and raw RSA.

    python bench/sign_batch.py [--n 200] [--out DIR] [--processes 2] [--bt-n 50] [--profile]
                               [--database-url postgresql://...]

A temporary portal (SQLite file, or a fresh schema in --database-url, dropped afterwards; its
own storage and dev signing key) gets an RCC case whose N participants' certificates (D23) are
rendered by the flow's own generator and queued for the Ketua (D24). Timed end to end, as the
Ketua's batch runs in the worker: `queue.start_batch` (PIN check, claiming the documents), commit,
`runner.run_batch` (reading the drafts from storage, signing on both cores with the RSA-2048 dev
key at PAdES B-B with the QR stamp, storing every signed version, audit entries, a commit per
document, the step moving on). The first batch of the process starts the signing processes and
loads the key (cold); a second case of N certificates is then signed the same way (warm pool,
as a long-running worker signs). The plain loop is `signers.sign_pdf` per document with
`SimpleSigner.load_pkcs12` loaded once, over the same PDFs, key, box and QR stamp. PDF
generation and checking the results are not timed.

The last line is ``queue_docs_per_s=<x> bare_docs_per_s=<y> ratio=<x/y> openssl_signs_per_s=<z>``
with the cold (first) batch as the queue figure; the exit status is 1 when that is below 5x the
plain loop (the issue's goal).
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


def check_queue_results(case, requests, roots: list, expected_level: str) -> None:
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
        report = validate_signed_pdf(storage.read_bytes(request.signed_version.storage_key), roots)
        if not report.ok:
            raise SystemExit(f"{request.code} of {case.number} does not validate: {report.problems}")
    if engine.open_work(case)[0].step_key != "receipt":
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


def profile_queue_batch(portal: Portal, n: int, pdfs) -> None:
    """Split one warm batch's wall time into its parts, then a cProfile of the main process."""
    import cProfile
    import pstats

    from portal import storage
    from portal.cases import engine
    from portal.extensions import db
    from portal.signing import queue, runner

    _case, requests = portal.case_at_certificate_signing(n, pdfs)
    watch = Stopwatch()
    watch.wrap(runner, "_sign_items", "signing (waiting for the signing processes)")
    watch.wrap(runner, "store_signed", "store_signed (whole, per document)")
    watch.wrap(storage, "read_bytes", "  reading drafts from storage")
    watch.wrap(engine, "upload_document", "  engine.upload_document (file + version + timeline)")
    watch.wrap(storage, "save_bytes", "    storage.save_bytes (file write)")
    watch.wrap(queue, "record", "  audit record of the signature")
    watch.wrap(engine, "record", "  audit record of the upload (inside upload_document)")
    watch.wrap(queue, "advance_if_complete", "  advance_if_complete (count + final act)")
    watch.wrap(engine, "latest_documents", "  engine.latest_documents")
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
    print(f"\nprofiled warm batch: {n} documents in {batch.seconds:.2f} s = {batch.rate:.1f} docs/s, "
          f"{queries['n']} SQL statements ({queries['n'] / n:.1f} per document)")
    print(f"{'part':58} {'s':>7} {'% of batch':>10} {'calls':>6}")
    for label, seconds in watch.seconds.items():
        print(f"{label:58} {seconds:7.2f} {100 * seconds / batch.seconds:9.1f}% {watch.calls[label]:6d}")
    print()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(18)


# --- main --------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="documents per batch (default 200)")
    parser.add_argument("--out", type=Path, help="keep the queue's signed PDFs in this directory")
    parser.add_argument("--processes", type=int, default=2, help="signing processes (SIGNING_PROCESSES)")
    parser.add_argument("--bt-n", type=int, default=50, help="documents for the B-T figure (0: skip)")
    parser.add_argument("--profile", action="store_true", help="split a batch's time into its parts")
    parser.add_argument("--database-url", help="PostgreSQL base URL (a fresh schema is created and dropped); "
                                               "default: a temporary SQLite file")
    args = parser.parse_args()

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


def run(app, args, workdir: Path) -> None:
    from cryptography import x509

    from portal import storage
    from portal.extensions import db
    from portal.signing.batch import shutdown_pools
    from portal.signing.runner import signing_key, verify_url
    from portal.signing.setup import ensure_dev_signing
    from portal.signing.validation import validate_signed_pdf

    pki = ensure_dev_signing()
    root = x509.load_pem_x509_certificate(pki.root_cert_path.read_bytes())
    p12, passphrase = signing_key()
    portal = Portal()
    database_name = db.engine.dialect.name

    start = time.perf_counter()
    case_a, requests_a = portal.case_at_certificate_signing(args.n)
    generation = time.perf_counter() - start
    sources = [r.source_version for r in requests_a]
    pdfs = [storage.read_bytes(v.storage_key) for v in sources]
    boxes = [v.signature_box for v in sources]
    urls = [verify_url(r) for r in requests_a]
    print(f"{args.n} certificates generated and queued in {generation:.1f} s (not timed): "
          f"{sum(map(len, pdfs)) / len(pdfs) / 1024:.0f} KiB each, stamp box {boxes[0]}; "
          f"database {database_name}, {args.processes} signing processes, RSA-2048, PAdES B-B")

    cold = run_queue_batch(portal, requests_a, "queue path, first batch (cold: starts the signing processes)")
    check_queue_results(case_a, requests_a, [root], "B-B")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        for i, request in enumerate(requests_a):
            (args.out / f"signed-{i + 1:04d}.pdf").write_bytes(storage.read_bytes(request.signed_version.storage_key))
        print(f"signed PDFs written to {args.out}")

    case_b, requests_b = portal.case_at_certificate_signing(args.n, list(zip(pdfs, boxes)))
    warm = run_queue_batch(portal, requests_b, "queue path, next batch (warm pool)")
    check_queue_results(case_b, requests_b, [root], "B-B")
    bare_many = Batch("sign_many alone (warm pool; no database, no storage)", args.n,
                      bare_sign_many(pdfs, urls, boxes[0], p12, passphrase, args.processes))

    progress_n = min(args.n, 100)
    first_s, max_step, counts_seen, progress_s = progress_run(app, portal, progress_n, list(zip(pdfs, boxes))[:progress_n])
    if args.profile:
        profile_queue_batch(portal, args.n, list(zip(pdfs, boxes)))
    shutdown_pools()

    bare_s, last = bare_loop(pdfs, urls, p12, passphrase, boxes[0])
    if not validate_signed_pdf(last, [root]).ok:
        raise SystemExit("plain pyHanko output does not validate")
    bare = Batch("plain pyHanko loop (1 process, signers.PdfSigner per document)", args.n, bare_s)

    bt = None
    if args.bt_n > 0:
        bt = bt_batch(app, portal, min(args.bt_n, args.n), list(zip(pdfs, boxes)), root, p12, passphrase,
                      args.processes, workdir)

    openssl = openssl_rsa2048_signs_per_s()
    print()
    print(f"{'path':64} {'docs':>5} {'s':>7} {'docs/s':>8} {'× plain':>8}")
    for row in (cold, warm, bare_many, bare) + ((bt,) if bt else ()):
        print(f"{row.label:64} {row.documents:5d} {row.seconds:7.2f} {row.rate:8.1f} {row.rate / bare.rate:8.2f}")
    print(f"{'openssl speed rsa2048 (raw signatures, 1 core)':64} {'':5} {'':7} {openssl:8.1f}")
    print(f"progress of a {progress_n}-document batch read every 50 ms (warm pool, {progress_s:.1f} s): first signed "
          f"document committed after {first_s:.2f} s, largest step {max_step} documents, {counts_seen} different counts")
    print(f"queue_docs_per_s={cold.rate:.1f} bare_docs_per_s={bare.rate:.1f} "
          f"ratio={cold.rate / bare.rate:.2f} openssl_signs_per_s={openssl:.1f} "
          f"first_signed_s={first_s:.2f} max_progress_step={max_step}")
    if cold.rate < GOAL_RATIO * bare.rate:
        raise SystemExit(1)  # the goal: the queue path at least 5x the plain loop


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
            check_queue_results(case, requests, [root, test_pki.root_cert], "B-T")
        finally:
            app.config["SIGNING_TSA_URL"] = None
            shutdown_pools()
    return batch


if __name__ == "__main__":
    main()
