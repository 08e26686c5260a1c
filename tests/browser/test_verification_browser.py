"""The QR landing page on a phone: the offline check of the QR payload runs in the browser
(WebCrypto Ed25519, no server round trip), says GENUINE for the real payload and NOT GENUINE for a
forged one; the offline page checks a pasted address and a typed holder name."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.verification.i18n import format_date
from portal.verification.offline import make_payload
from tests.test_verification import (  # noqa: F401 - fixtures shared with the HTTP-level tests
    HOLDER, VALID_FROM, VALID_UNTIL, Registry, certificate_pdf, pki, signer, trusted,
)

pytestmark = pytest.mark.browser


@pytest.fixture()
def registry(db, signer, certificate_pdf, trusted):  # noqa: F811
    return Registry(signer, certificate_pdf)


def test_qr_page_on_a_phone_runs_the_offline_check(page, live_server, registry, snap):
    req, _ = registry.issue()
    payload = make_payload(req)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"/v/{req.public_id}#p={payload}")

    expect(page.locator(".verdict")).to_contain_text("Dokumen ini SAH")
    result = page.locator("#offline-check .offline-result")
    expect(result).to_have_attribute("data-state", "ok")
    expect(result).to_contain_text("Kode QR ASLI")
    expect(page.locator("main")).to_contain_text("Si** Ra******* Lu***")
    expect(page.locator("main")).not_to_contain_text(HOLDER)
    snap("verifikasi-dokumen")

    forged = payload[:40] + ("A" if payload[40] != "A" else "B") + payload[41:]
    page.goto(f"/v/{req.public_id}#p={forged}")
    expect(result).to_have_attribute("data-state", "bad")
    expect(result).to_contain_text("TIDAK ASLI")
    # The page's one verdict follows: a forged QR never sits under "SAH".
    expect(page.locator(".verdict")).to_contain_text("TIDAK ASLI")

    page.get_by_role("link", name="English").click()  # keeps the QR data (#p=)
    expect(page.locator(".verdict")).to_contain_text("NOT GENUINE")
    page.goto(f"/v/{req.public_id}?lang=en#p={payload}")
    expect(page.locator(".verdict")).to_contain_text("This document is VALID")


def test_offline_page_checks_a_pasted_address_and_the_holder_name(page, live_server, registry, snap):
    req, _ = registry.issue()
    address = f"https://portal.bnsp.go.id/v/{req.public_id}#p={make_payload(req)}"
    page.goto("/v/offline")
    requests_after_load: list[str] = []
    page.on("request", lambda r: requests_after_load.append(r.url))

    page.get_by_label("Alamat dari kode QR").fill(address)
    page.get_by_role("button", name="Periksa").click()

    result = page.locator("#offline-check .offline-result")
    expect(result).to_have_attribute("data-state", "ok")
    fields = page.locator(".offline-fields")
    expect(fields).to_contain_text("62090 2513 3 0108289 2026")
    expect(fields).to_contain_text(f"{format_date(VALID_FROM, 'id')} – {format_date(VALID_UNTIL, 'id')}")
    expect(fields).to_contain_text("Sertifikat Kompetensi")
    page.get_by_label("Nama pada dokumen").fill("siti rahmawati  LUBIS")
    expect(page.locator(".offline-name-result")).to_have_attribute("data-state", "ok")
    page.get_by_label("Nama pada dokumen").fill("Siti Rahmawati")
    expect(page.locator(".offline-name-result")).to_have_attribute("data-state", "bad")
    assert requests_after_load == []  # the check never asked the server
    snap("verifikasi-luring")


def test_upload_form_checks_a_pdf_in_the_browser(page, live_server, registry, snap, tmp_path):
    req, signed = registry.issue()
    genuine = tmp_path / "sertifikat.pdf"
    genuine.write_bytes(signed)
    altered = tmp_path / "sertifikat-diubah.pdf"
    data = bytearray(signed)
    data[200] ^= 0x01
    altered.write_bytes(bytes(data))

    page.goto("/v/")
    snap("verifikasi-beranda")
    page.get_by_label("Berkas PDF").set_input_files(str(genuine))
    page.get_by_role("button", name="Periksa dokumen").click()
    expect(page.locator(".verdict")).to_contain_text("Dokumen SAH")
    expect(page.get_by_role("link", name="Buka halaman verifikasi dokumen")).to_have_attribute(
        "href", f"/v/{req.public_id}")

    page.goto("/v/")
    page.get_by_label("Berkas PDF").set_input_files(str(altered))
    page.get_by_role("button", name="Periksa dokumen").click()
    expect(page.locator(".verdict")).to_contain_text("TIDAK SAH")
    expect(page.locator("[data-problem=altered]")).to_be_visible()
    snap("verifikasi-hasil-diubah")


def test_qr_data_of_another_document_turns_the_top_verdict(page, live_server, registry, snap):
    from portal.verification import access

    req, _ = registry.issue()
    other, _ = registry.issue()
    token = access.token_for(req.public_id)
    page.goto(f"/v/{req.public_id}?k={token}#p={make_payload(other)}")
    verdict = page.locator(".verdict")
    expect(verdict).to_have_attribute("data-status", "qr-mismatch")
    expect(verdict).to_contain_text("TIDAK COCOK dengan dokumen ini")
    expect(page.locator(".verify-doc .actions")).to_have_count(0)  # no download as if valid
    expect(page.locator(".verdict-ok, .check-ok, .status-berlaku, [data-state=ok]")).to_have_count(0)
    snap("verifikasi-qr-tidak-cocok")

    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(rf"\?k={re.escape(token)}&lang=en#p="))
    expect(verdict).to_contain_text("does NOT MATCH this document")
    snap("verifikasi-qr-tidak-cocok-en")


def test_a_revoked_document_shows_no_green_even_with_its_genuine_qr(page, live_server, registry, snap):
    from portal.extensions import db
    from portal.verification import access, services

    req, _ = registry.issue()
    services.revoke(req, reason="Data tidak benar", reference="KEP.9/BNSP/I/2027",
                    category="data_keliru", actor=registry.ketua)
    db.session.commit()
    page.goto(f"/v/{req.public_id}?k={access.token_for(req.public_id)}#p={make_payload(req)}")
    expect(page.locator(".verdict")).to_contain_text("DICABUT")
    result = page.locator("#offline-check .offline-result")
    expect(result).to_have_attribute("data-state", "inactive")
    expect(page.locator(".verdict-ok, .check-ok, .status-berlaku, [data-state=ok]")).to_have_count(0)
    expect(page.get_by_role("link", name="Unduh PDF bertanda tangan")).to_have_count(0)
    snap("verifikasi-dicabut")
    page.get_by_role("link", name="English").click()
    expect(page.locator(".verdict")).to_contain_text("REVOKED")
    expect(result).to_contain_text("NO LONGER in force")
    snap("verifikasi-dicabut-en")


def test_public_pages_in_both_languages(page, live_server, registry, snap, tmp_path):
    from portal.verification import access

    req, signed = registry.issue()
    tampered = tmp_path / "sertifikat-tambahan.pdf"
    tampered.write_bytes(signed + b"%% ditambahkan\n")
    for lang in ("id", "en"):
        page.goto(f"/v/{req.public_id}?k={access.token_for(req.public_id)}&lang={lang}#p={make_payload(req)}")
        expect(page.locator("#offline-check .offline-result")).to_have_attribute("data-state", "ok")
        snap(f"verifikasi-sah-{lang}")
        page.goto(f"/v/?lang={lang}")
        snap(f"verifikasi-unggah-{lang}")
        page.locator("input[type=file]").set_input_files(str(tampered))
        page.locator("form[enctype] button[type=submit]").click()
        expect(page.locator("[data-problem=appended_bytes]")).to_be_visible()
        snap(f"verifikasi-hasil-tambahan-{lang}")
        page.goto(f"/v/registri?lang={lang}&q={req.number}")
        expect(page.locator(".registry-hit")).to_have_count(1)
        snap(f"verifikasi-registri-{lang}")
        page.goto(f"/v/offline?lang={lang}")
        snap(f"verifikasi-luring-{lang}")
    page.goto("/v/?lang=id")
    page.locator("input[type=file]").set_input_files(str(tampered))
    page.locator("form[enctype] button[type=submit]").click()
    page.get_by_role("link", name="English").click()
    expect(page.locator(".verdict")).to_contain_text("NOT VALID")
    expect(page.locator("[data-problem=appended_bytes]")).to_contain_text("EXTRA bytes")
