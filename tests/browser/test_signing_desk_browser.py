"""The signing desk at hundreds of documents, at desktop and phone width: the Ketua groups the queue
by kind, ticks "Pilih grup ini" for 300 certificates (the letters waiting beside them stay), sees
the counts per kind, steps through the first documents with the keyboard, types a wrong PIN first
(the selection stays, the attempts left are shown), then signs; every signed PDF validates in
pyHanko, and a sample of 20 (every 15th) also in poppler's pdfsig."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import storage
from portal.cases import engine
from portal.signing.models import SignatureRequest, SigningBatch, SigningBatchDocument
from portal.signing.queue import set_pin
from portal.signing.setup import ensure_dev_signing
from portal.signing.validation import pdfsig_report, validate_signed_pdf
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import TEST_PASSWORD
from tests.factories import Cast, drive

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PIN = "975310"
CERTIFICATES = 300
PDFSIG_EVERY = 15  # poppler's check is slower: a sample of 20 keeps CI time reasonable
SIGN_TIMEOUT_MS = 600_000  # 300 documents signed inside the POST (tasks run immediately in tests)


def _validate_all(datas: list[bytes], root) -> list:
    """pyHanko runs its own asyncio loop; Playwright's sync API keeps one in this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: [validate_signed_pdf(d, [root]) for d in datas]).result()


def _certificates_waiting(cast: Cast, count: int, title: str) -> None:
    """An RCC case at "Tanda tangan sertifikat" with `count` certificate drafts (D23), queued for the
    Ketua (D24) by the real enqueue. The walk through the earlier steps and the certificate
    template are skipped (tested elsewhere): each draft is a small PDF naming its holder."""
    from portal.cases.access import role_mask
    from portal.cases.models import WorkItem
    from portal.core.dates import utcnow
    from portal.extensions import db
    from portal.signing.queue import enqueue_step
    from tests.signing_pki import simple_pdf

    case = engine.open_case("RCC", cast.user("lsp"), title, organisation=cast.organisation,
                            participants=[f"{title} peserta {i + 1:03d}" for i in range(count)])
    for work in engine.open_work(case):
        work.state = "cancelled"
    step = engine.flow_of(case).step("sign_certificates")
    case.active_steps = [step.key]
    work = WorkItem(case_id=case.id, flow_code="RCC", step_key=step.key, role_mask=role_mask(step.roles),
                    state="open", ready_at=utcnow())
    db.session.add(work)
    db.session.flush()
    for item in case.items:
        item.data = {"certificate_number": f"2026/{item.id:06d}/BNSP", "registration_number": f"MET.000.{item.id:06d}.2026"}
        engine.upload_document(case, "D23", f"sertifikat-{item.id}.pdf", simple_pdf(f"Sertifikat {item.label}"),
                               cast.user("staf_sertifikasi"), item=item, check=False)
    assert len(enqueue_step(case, work)) == count


def _queue(db, cast: Cast) -> None:
    for n in range(2):
        _certificates_waiting(cast, CERTIFICATES // 2, f"Angkatan {n + 1}")
    letters = engine.open_case("RCC", cast.user("lsp"), "RCC surat persetujuan", organisation=cast.organisation,
                               participants=["Calon Asesor"])
    drive(letters, cast, until="sign_approval")
    set_pin(cast.user("ketua"), PIN)
    db.session.commit()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_ketua_signs_300_documents_chosen_by_group_after_a_wrong_pin(
        app, db, page, live_server, sign_in, snap, monkeypatch, size):
    root = ensure_dev_signing().root_cert()
    monkeypatch.setitem(app.config, "SIGNING_PROCESSES", 2)
    cast = Cast()
    _queue(db, cast)
    viewport = DESKTOP if size == "desktop" else PHONE
    page.set_viewport_size(viewport)

    def shot(name: str) -> None:
        snap(name)  # both widths, failing on sideways scrolling; then back to this test's width
        page.set_viewport_size(viewport)
    sign_in(cast.user("ketua").username, TEST_PASSWORD)

    page.goto("/tanda-tangan/?kelompok=jenis")
    expect(page.locator("main")).to_contain_text(f"{CERTIFICATES + 3} dokumen menunggu")
    certificates = page.get_by_role("region", name="Sertifikat Kompetensi")
    certificates.get_by_label(f"Pilih grup ini ({CERTIFICATES} dokumen)").check()
    sign = page.get_by_role("button", name=f"Tandatangani {CERTIFICATES} dokumen")
    expect(sign).to_be_enabled()
    # One certificate unticked and ticked again: the count follows the boxes.
    first_box = certificates.locator('input[name="requests"]').first
    first_box.uncheck()
    expect(page.get_by_role("button", name="Tandatangani 49 dokumen")).to_be_visible()  # the rest of this page
    certificates.get_by_label(f"Pilih grup ini ({CERTIFICATES} dokumen)").check()
    shot(f"meja-tanda-tangan-grup-{size}")
    with page.expect_navigation():
        sign.click()

    expect(page.get_by_role("heading", level=2)).to_have_text(f"Anda akan menandatangani {CERTIFICATES} dokumen")
    expect(page.locator(".kind-counts")).to_have_text(f"{CERTIFICATES} Sertifikat Kompetensi")
    batch_id = int(re.search(r"/batch/(\d+)/", page.url).group(1))
    shot(f"konfirmasi-tanda-tangan-{size}")

    # Review mode: the first documents, large, stepped through with the keyboard.
    page.get_by_role("link", name="Tinjau satu per satu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tinjau dokumen 1 dari {CERTIFICATES}")
    page.wait_for_function("() => { const img = document.querySelector('img.pdf-page');"
                           " return img && img.complete && img.naturalWidth > 0; }")
    shot(f"tinjau-dokumen-{size}")
    with page.expect_navigation():
        page.keyboard.press("k")  # keep, and on to the next
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tinjau dokumen 2 dari {CERTIFICATES}")
    with page.expect_navigation():
        page.keyboard.press("n")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tinjau dokumen 3 dari {CERTIFICATES}")
    page.keyboard.press("r")
    expect(page.get_by_label("Kembalikan dengan catatan")).to_be_focused()
    page.get_by_role("link", name="Selesai meninjau").click()

    # A wrong PIN first: the selection stays, and the page says how many attempts are left.
    page.get_by_label("PIN tanda tangan").fill("000000")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Tandatangani {CERTIFICATES} dokumen").click()
    expect(page.get_by_role("alert")).to_contain_text("Sisa 4 kali percobaan")
    expect(page.get_by_role("heading", level=2)).to_have_text(f"Anda akan menandatangani {CERTIFICATES} dokumen")
    expect(page.locator(".confirm-summary")).to_contain_text("Sudah dibuka: 3 dari 300")
    shot(f"pin-salah-{size}")

    page.get_by_label("PIN tanda tangan").fill(PIN)
    with page.expect_navigation(timeout=SIGN_TIMEOUT_MS):
        page.get_by_role("button", name=f"Tandatangani {CERTIFICATES} dokumen").click(timeout=SIGN_TIMEOUT_MS)
    expect(page).to_have_url(re.compile(rf"/tanda-tangan/batch/{batch_id}$"))
    expect(page.locator("#batch-progress")).to_contain_text(f"Selesai. {CERTIFICATES} dokumen ditandatangani",
                                                            timeout=30_000)
    shot(f"batch-selesai-{size}")

    db.session.expire_all()
    batch = db.session.get(SigningBatch, batch_id)
    assert batch.state == "selesai" and batch.total == CERTIFICATES and batch.key_fingerprint
    opened = db.session.scalars(select(SigningBatchDocument.position).where(
        SigningBatchDocument.batch_id == batch_id, SigningBatchDocument.opened_at.is_not(None))).all()
    assert sorted(opened) == [0, 1, 2]
    signed = db.session.scalars(select(SignatureRequest).where(SignatureRequest.batch_id == batch_id)
                                .order_by(SignatureRequest.id)).all()
    assert len(signed) == CERTIFICATES and {(r.code, r.state) for r in signed} == {("D24", "ditandatangani")}
    letters = db.session.scalars(select(SignatureRequest).where(SignatureRequest.code != "D24",
                                                                SignatureRequest.state == "menunggu")).all()
    assert len(letters) == 3  # not in the chosen group, still waiting
    paths = [storage.path_for(r.signed_version.storage_key) for r in signed]
    for request, report in zip(signed, _validate_all([p.read_bytes() for p in paths], root)):
        assert report.intact and report.trusted and not report.modified_after_signing, (request.id, report.problems)
    for path in paths[::PDFSIG_EVERY]:
        poppler = pdfsig_report(str(path))
        assert poppler["signatures"] and poppler["signatures"][0]["valid"], (path.name, poppler)
