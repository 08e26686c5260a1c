"""The step form "disposisi" on the generic case page in a real browser: refused in Indonesian in
place (phone width), autosaved while typed, stored as the Lembar Disposisi PDF, then sent on."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import sample_pdf

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 800}


def _letter(db):
    from portal.accounts.models import User
    from portal.core.dates import utcnow
    from portal.correspondence import services
    from portal.forms.base import today_wib

    phu = db.session.scalar(db.select(User).where(User.username == "phu"))
    case = services.register_incoming(
        services.IncomingLetter(sender="LSP Teknologi Digital Nusantara", their_number="045/LSP-TD/2026",
                                their_date=today_wib(), received_on=today_wib(),
                                subject="Permohonan RCC Asesor Kompetensi", classification="DL.02.00",
                                sifat="segera", matter="umum"),
        services.Upload("surat.pdf", sample_pdf()), phu, now=utcnow())
    db.session.commit()
    return case


def test_kasek_fills_the_disposition_form_on_the_case_page(page, db, live_server, demo_accounts, sign_in, snap):
    case = _letter(db)
    sign_in("kasek")
    page.goto(f"/kasus/{case.number}")
    panel = page.locator(".disposition-panel")
    expect(panel.get_by_role("heading", name="Lembar Disposisi")).to_be_visible()
    send = page.get_by_role("button", name="Kirim disposisi")
    expect(send).to_be_disabled()  # waits for the record
    snap("formulir-disposisi-kasus")

    page.set_viewport_size(PHONE)
    panel.get_by_label("Koordinasikan").check()
    expect(panel.locator(".autosave-status")).to_contain_text("Draf tersimpan")
    panel.get_by_role("button", name="Simpan lembar disposisi").click()
    expect(page.get_by_role("alert")).to_contain_text("Pilih sedikitnya satu unit tujuan disposisi.")
    panel = page.locator(".disposition-panel")
    expect(panel.get_by_label("Koordinasikan")).to_be_checked()  # kept after the refusal
    expect(panel.locator(".field-error")).to_have_text("Pilih sedikitnya satu unit tujuan disposisi.")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    snap("formulir-disposisi-ditolak")

    panel.get_by_label("Bagian Sertifikasi / Asesor Kompetensi (Askom)").check()
    panel.get_by_label("Catatan disposisi").fill("Mohon diverifikasi kelengkapan peserta RCC.")
    page.set_viewport_size(DESKTOP)
    panel.get_by_role("button", name="Simpan lembar disposisi").click()
    documents = page.locator("section.card", has=page.get_by_role("heading", name="Dokumen"))
    expect(documents).to_contain_text("DISPOSISI")
    expect(page.get_by_role("button", name="Kirim disposisi")).to_be_enabled()
    expect(page.locator(".form-saved")).to_contain_text("Lembar Disposisi tersimpan sebagai DISPOSISI versi 1")
    panel = page.locator(".disposition-panel")
    expect(panel.get_by_label("Catatan disposisi")).to_have_value("Mohon diverifikasi kelengkapan peserta RCC.")
    snap("formulir-disposisi-tersimpan")

    link = documents.get_by_role("link", name="Lihat").first
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF")

    page.get_by_role("button", name="Kirim disposisi").click()
    expect(page.locator("#timeline")).to_contain_text("Disposisi: Kirim disposisi")
    expect(page.locator(".disposition-panel")).to_have_count(0)
    snap("formulir-disposisi-terkirim")
