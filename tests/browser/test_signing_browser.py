"""The Ketua's Antrean Tanda Tangan in a real browser: preview a document, select all 50, confirm
with the signing PIN, watch the progress bar finish; every signed PDF then validates in pyHanko
and poppler's pdfsig, and the QR code printed on a certificate opens its verification page.
A second test runs the batch in a background thread and watches the progress bar move."""
from __future__ import annotations

import re
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import storage
from portal.cases import engine
from portal.signing import runner
from portal.signing.models import SignatureRequest, SigningBatch
from portal.signing.queue import set_pin
from portal.signing.setup import ensure_dev_signing
from portal.signing.validation import pdfsig_report, validate_signed_pdf
from tests.conftest import TEST_PASSWORD
from tests.drill import slow_down_storing_signatures
from tests.factories import Cast, drive

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PIN = "135790"
SIGN_TIMEOUT_MS = 180_000  # 50 documents signed inside the POST (tasks run immediately in tests)
# An office scan (200 dpi) of the printed page; the QR code must be readable from it. At 150 dpi a
# module of the ~260-character QR is 1.6 px and decoding depends on how the grid aliases (measured:
# 4 of 12 random URLs decode at 150 dpi, 12 of 12 at 200 and 300 dpi).
QR_SCAN_DPI = 200


@pytest.fixture()
def dev_root(app, db):
    from cryptography import x509

    return x509.load_pem_x509_certificate(ensure_dev_signing().root_cert_path.read_bytes())


PEOPLE_USED: list[int] = []


def _rcc_case(cast: Cast, participants: int, until: str, title: str):
    from tests.assessment_data import open_assessor_case

    case = open_assessor_case("RCC", cast, participants, offset=len(PEOPLE_USED), title=title)
    PEOPLE_USED.extend(range(participants))  # a person is in one unfinished case of a scheme at a time
    drive(case, cast, until=until)
    return case


def _queue(db, cast: Cast, *, certificates: int, with_letters: bool) -> list[SignatureRequest]:
    """Documents in the Ketua's queue: certificates D24 of an RCC case at its signing step, and
    optionally the approval letter and SPTs (D7 A, D8 A, D8 B) of a second RCC case."""
    _rcc_case(cast, certificates, "sign_certificates", "RCC uji sertifikat")
    if with_letters:
        _rcc_case(cast, 2, "sign_approval", "RCC uji surat persetujuan")
    ketua = cast.user("ketua")
    set_pin(ketua, PIN)
    db.session.commit()
    return list(db.session.scalars(select(SignatureRequest).where(SignatureRequest.state == "menunggu")))


def _select_all_and_sign(page, expected: int) -> None:
    """Tick "Pilih semua", go to the confirmation (counts per kind) and type the PIN there."""
    checkboxes = page.locator('input[name="requests"]')
    expect(checkboxes).to_have_count(expected)
    page.get_by_label("Pilih semua").check()
    assert all(box.is_checked() for box in checkboxes.all()), "“Semua” did not select every document"
    with page.expect_navigation():
        page.get_by_role("button", name=f"Tandatangani {expected} dokumen").click()
    expect(page.get_by_role("heading", level=2)).to_have_text(f"Anda akan menandatangani {expected} dokumen")
    page.get_by_label("PIN tanda tangan").fill(PIN)


def _validate(data: bytes, root):
    """pyHanko's validator runs its own asyncio loop; Playwright's sync API keeps one running in
    this thread, so validate in another thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(validate_signed_pdf, data, [root]).result()


def _qr_url(pdf_path, tmp_path) -> str:
    """Render the page holding the stamp and decode the QR code a phone would scan."""
    prefix = tmp_path / "halaman"
    subprocess.run(["pdftoppm", "-r", str(QR_SCAN_DPI), "-png", "-f", "1", "-l", "1", str(pdf_path),
                    str(prefix)], check=True)
    image = next(tmp_path.glob("halaman*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(image)], capture_output=True, text=True, check=False)
    assert decoded.returncode == 0, f"the QR code of {pdf_path.name} cannot be read at {QR_SCAN_DPI} dpi"
    return decoded.stdout.strip().splitlines()[0]


def test_ketua_signs_fifty_documents_and_each_validates_with_its_qr_leading_to_verification(
        app, db, page, live_server, sign_in, snap, dev_root, monkeypatch, tmp_path):
    # The QR code points at this test server, as it points at the portal's public address in production.
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server.url)
    cast = Cast()
    queued = _queue(db, cast, certificates=47, with_letters=True)
    assert len(queued) == 50
    ketua = cast.user("ketua")

    sign_in(ketua.username, TEST_PASSWORD)
    page.goto("/tanda-tangan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrean Tanda Tangan")
    expect(page.locator("main")).to_contain_text("50 dokumen menunggu")
    # Preview: the first document (the newest case's approval letter) opens next to the list, as page images.
    page.get_by_role("link", name="Pratinjau").first.click()
    panel = page.locator("#preview")
    expect(panel.locator("img.pdf-page").first).to_be_visible()
    page.wait_for_function("() => { const img = document.querySelector('#preview img.pdf-page');"
                           " return img && img.complete && img.naturalWidth > 0; }")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("D7 A")
    expect(page).to_have_url(live_server("/tanda-tangan/"))
    snap("antrean-tanda-tangan-pratinjau")

    _select_all_and_sign(page, 50)
    with page.expect_navigation(timeout=SIGN_TIMEOUT_MS):
        page.get_by_role("button", name="Tandatangani 50 dokumen").click(timeout=SIGN_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(r"/tanda-tangan/batch/\d+$"))
    progress = page.locator("#batch-progress progress")
    expect(progress).to_have_attribute("value", "50", timeout=30_000)
    expect(progress).to_have_attribute("max", "50")
    expect(page.locator("#batch-progress")).to_contain_text("Selesai. 50 dokumen ditandatangani")
    snap("proses-tanda-tangan-selesai")

    db.session.expire_all()
    batch = db.session.scalars(select(SigningBatch)).one()
    assert batch.state == "selesai" and batch.total == 50
    signed = db.session.scalars(select(SignatureRequest).where(SignatureRequest.batch_id == batch.id)
                                .order_by(SignatureRequest.id)).all()
    assert {r.id for r in signed} == {r.id for r in queued}
    assert len(signed) == 50 and {r.state for r in signed} == {"ditandatangani"}
    for request in signed:
        path = storage.path_for(request.signed_version.storage_key)
        report = _validate(path.read_bytes(), dev_root)
        assert report.intact and report.trusted and not report.modified_after_signing, (request.code, report.problems)
        poppler = pdfsig_report(str(path))
        assert poppler["signatures"] and poppler["signatures"][0]["valid"], (request.code, poppler)

    certificate = next(r for r in signed if r.code == "D24")
    # Each signed document's number on the batch page links to its public verification page.
    link = page.locator("#batch-progress a", has_text=certificate.number)
    expect(link).to_have_attribute("href", f"/v/{certificate.public_id}")
    url = _qr_url(storage.path_for(certificate.signed_version.storage_key), tmp_path)
    address, _, secret = url.split("#")[0].partition("?k=")
    assert address == live_server(f"/v/{certificate.public_id}") and secret  # the QR's access secret
    page.goto(url)
    verdict = page.locator(".verdict")
    expect(verdict).to_have_attribute("data-status", "berlaku")
    expect(verdict).to_contain_text("SAH")
    expect(page.locator("main")).to_contain_text(certificate.registration_number)


def test_progress_bar_moves_while_a_background_worker_signs(
        app, db, page, live_server, sign_in, snap, dev_root, monkeypatch):
    cast = Cast()
    queued = _queue(db, cast, certificates=16, with_letters=False)
    total = len(queued)
    workers: list[threading.Thread] = []

    def dispatch_to_worker(batch_id: int, secret: str) -> None:
        # What the Huey worker does, in a thread of this process: the request returns at once
        # and the page has to poll for progress.
        from portal.extensions import db as worker_db
        from portal.signing.runner import run_batch

        def work() -> None:
            with app.app_context():
                try:
                    run_batch(batch_id)
                finally:
                    worker_db.session.remove()

        thread = threading.Thread(target=work, name=f"signing-worker-{batch_id}", daemon=True)
        workers.append(thread)
        thread.start()

    monkeypatch.setattr("portal.signing.tasks.dispatch_batch", dispatch_to_worker)
    slow_down_storing_signatures(monkeypatch, 0.35)  # per document stored, so polls see it move
    # The runner's own sizes: signed 16 at a time, committed PROGRESS_STEP at a time.

    sign_in(cast.user("ketua").username, TEST_PASSWORD)
    page.goto("/tanda-tangan/")
    _select_all_and_sign(page, total)
    with page.expect_navigation():
        page.get_by_role("button", name=f"Tandatangani {total} dokumen").click()
    expect(page.locator("#batch-progress")).to_contain_text("halaman ini diperbarui otomatis")

    progress = page.locator("#batch-progress progress")
    seen: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        seen.append(int(progress.get_attribute("data-done")))  # "value" glides between polls
        if seen[-1] == total and "Selesai" in page.locator("#batch-progress").inner_text():
            break
        page.wait_for_timeout(250)
    for thread in workers:
        thread.join(timeout=30)

    assert seen[-1] == total, f"the progress bar stopped at {seen[-1]} of {total}"
    assert seen == sorted(seen), f"the progress bar went backwards: {seen}"
    steps = sorted(set(seen))
    assert len([v for v in steps if 0 < v < total]) >= 2, f"no progress shown while signing: {steps}"
    jumps = [b - a for a, b in zip(seen, seen[1:])]
    assert max(jumps) <= runner.PROGRESS_STEP < 16, f"the bar jumped by {max(jumps)}: {seen}"
    expect(page.locator("#batch-progress")).to_contain_text(f"Selesai. {total} dokumen ditandatangani")
    db.session.expire_all()
    batch = db.session.scalars(select(SigningBatch)).one()
    assert batch.state == "selesai"
    for request in db.session.scalars(select(SignatureRequest).where(SignatureRequest.batch_id == batch.id)):
        report = _validate(storage.read_bytes(request.signed_version.storage_key), dev_root)
        assert report.intact and report.trusted, report.problems
