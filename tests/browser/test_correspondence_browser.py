"""Incoming mail in a real browser: PHU registers a letter through the form, the Kasek disposes it
through the HTMX disposition sheet, and the monitoring page and SLA chart render cleanly."""
from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect

from tests.factories import sample_pdf

pytestmark = pytest.mark.browser


def _finished_letters(db, year: int) -> None:
    """A few letters of earlier months, closed on time or late, for the SLA chart."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from portal.accounts.models import User
    from portal.correspondence import services

    wib = ZoneInfo("Asia/Jakarta")
    phu = db.session.scalar(db.select(User).where(User.username == "phu"))
    staf = db.session.scalar(db.select(User).where(User.username == "staf_lisensi"))
    for month, late in ((3, 0), (3, 1), (5, 0), (6, 0), (6, 0), (8, 1), (9, 0)):
        received = datetime(year, month, 10, 9, tzinfo=wib)
        case = services.register_incoming(
            services.IncomingLetter(sender="LSP Contoh", their_number=f"{month}/LSP/{year}",
                                    their_date=received.date(), received_on=received.date(),
                                    subject="Laporan kegiatan LSP", classification="LS.01.00", sifat="biasa",
                                    matter="lisensi"),
            services.Upload("surat.pdf", sample_pdf()), phu, now=received)
        services.record_follow_up(case, staf, note="Ditindaklanjuti.", now=received + timedelta(days=1 + 9 * late))
    db.session.commit()


def test_phu_registers_a_letter_and_the_kasek_disposes_it(page, db, live_server, demo_accounts, sign_in, snap, tmp_path,
                                                          screenshot_dir):
    scan = tmp_path / "surat-lsp.pdf"
    scan.write_bytes(sample_pdf())
    attachment = tmp_path / "daftar-peserta.pdf"
    attachment.write_bytes(sample_pdf())

    sign_in("phu")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Surat", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda & Pencarian Surat")
    page.get_by_role("link", name="Catat surat masuk").click()
    expect(page.get_by_text(re.compile(r"disposisi jatuh tempo"))).to_be_visible()
    snap("surat-masuk-form")

    page.get_by_label("Asal surat (pengirim)").fill("LSP Teknologi Digital Nusantara")
    page.get_by_label("Nomor surat pengirim").fill("045/LSP-TD/XI/2026")
    page.get_by_label("Tanggal surat").fill("2026-11-02")
    page.get_by_label("Perihal").fill("Permohonan RCC Asesor Kompetensi")
    page.get_by_label("Kode klasifikasi").select_option("DL.02.00")
    page.get_by_label("Segera").check()
    page.get_by_label("Pindaian surat (PDF, maks. 20 MB)").set_input_files(str(scan))
    page.get_by_label("Lampiran (PDF, boleh lebih dari satu)").set_input_files(str(attachment))
    with page.expect_navigation():
        page.get_by_role("button", name="Catat ke agenda").click()

    expect(page.locator(".flash-success")).to_contain_text("Surat masuk dicatat dengan nomor agenda")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"Agenda \d{5}/SM/\d{4}"))
    agenda = re.search(r"\d{5}/SM/\d{4}", heading.inner_text()).group(0)
    expect(page.locator(".letter-state")).to_contain_text("Menunggu disposisi Kepala Sekretariat")
    expect(page.get_by_role("link", name="Lampiran: daftar-peserta.pdf")).to_be_visible()
    snap("surat-masuk-tercatat")
    letter_url = page.url

    # The Kasek finds it in the Kotak Kerja and disposes it on the letter page.
    page.context.clear_cookies()
    sign_in("kasek")
    page.goto("/kotak-kerja")
    expect(page.get_by_role("cell", name="Permohonan RCC Asesor Kompetensi")).to_be_visible()
    page.goto(letter_url)
    sheet = page.locator(".disposition-panel")
    expect(sheet.get_by_role("heading", name="Lembar Disposisi")).to_be_visible()
    snap("disposisi-form")
    # Without a unit the sheet is refused in Indonesian, in place.
    sheet.get_by_label("Tanggapi dan proses lebih lanjut").check()
    sheet.get_by_role("button", name="Kirim disposisi").click()
    expect(page.get_by_role("alert")).to_contain_text("Pilih sedikitnya satu unit tujuan disposisi.")
    sheet = page.locator(".disposition-panel")
    expect(sheet.get_by_label("Tanggapi dan proses lebih lanjut")).to_be_checked()  # kept after the refusal
    sheet.get_by_label("Bagian Sertifikasi / Asesor Kompetensi (Askom)").check()
    sheet.get_by_label("Koordinator SDM").check()
    sheet.get_by_label("Catatan disposisi").fill("Mohon diverifikasi kelengkapan peserta.")
    sheet.get_by_role("button", name="Kirim disposisi").click()

    expect(page.get_by_role("status")).to_contain_text("Disposisi dikirim")
    expect(page).to_have_url(letter_url)  # swapped in place by HTMX, no reload
    expect(page.locator(".letter-state")).to_contain_text("Tindak lanjut oleh Bagian Sertifikasi")
    expect(page.get_by_role("link", name="Lembar Disposisi (PDF)")).to_be_visible()
    expect(page.locator(".disposition-panel")).to_have_count(0)
    snap("disposisi-terkirim")

    response = page.request.get(page.get_by_role("link", name="Lembar Disposisi (PDF)").get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    page.goto("/surat/monitoring")
    expect(page.get_by_role("link", name=agenda)).to_be_visible()
    page.get_by_label("Jenis").select_option("SKS")
    expect(page.get_by_text("Tidak ada surat yang cocok dengan filter ini.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"alur=SKS"))
    page.get_by_label("Jenis").select_option("SM")
    expect(page.get_by_role("link", name=agenda)).to_be_visible()
    snap("monitoring-surat")
    _finished_letters(db, 2026)
    page.get_by_role("link", name="Grafik SLA per bulan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grafik SLA Surat")
    page.goto("/surat/monitoring/grafik?tahun=2026")
    expect(page.locator("svg.sla-chart")).to_have_count(3)
    expect(page.locator("#grafik-sm-desc")).to_have_text("Surat Masuk 2026: 5 surat selesai tepat waktu, 2 terlambat.")
    snap("grafik-sla")
    page.emulate_media(media="print")
    expect(page.locator(".mainnav")).to_be_hidden()
    expect(page.locator(".print-only")).to_contain_text("Dicetak")
    printed = page.pdf(prefer_css_page_size=True, print_background=True)  # what the head of section prints
    (screenshot_dir / "grafik-sla-cetak.pdf").write_bytes(printed)
    from pyhanko.pdf_utils.reader import PdfFileReader

    pages = int(PdfFileReader(io.BytesIO(printed)).root["/Pages"]["/Count"])
    assert pages <= 2, f"the printed chart takes {pages} A4 pages"
    page.emulate_media(media="screen")


def test_secretariat_letter_is_drafted_returned_with_a_note_and_resubmitted(page, live_server, demo_accounts, sign_in,
                                                                            snap):
    sign_in("staf_sertifikasi")
    page.goto("/surat/keluar/baru")
    expect(page.get_by_role("heading", level=1)).to_have_text("Konsep Surat Keluar Sekretariat")
    page.get_by_label("Hal").fill("Undangan Rapat Koordinasi RCC")
    page.get_by_label("Kode klasifikasi").select_option("DL.02.00")
    page.get_by_label("Penandatangan").select_option("ketua")
    page.get_by_label("Kepada (satu baris alamat per baris)").fill("Yth. Ketua LSP Teknologi Digital\ndi\nJakarta")
    page.get_by_label("Tembusan (satu per baris)").fill("Kepala Sekretariat BNSP")
    page.get_by_label("Isi dari templat surat dinas").fill("Dengan hormat, kami mengundang Saudara.\n\nDemikian.")
    snap("surat-keluar-konsep-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan & ajukan untuk paraf").click()
    expect(page.locator(".letter-state")).to_contain_text("Menunggu paraf Kepala Bagian")
    letter_url = page.url

    page.context.clear_cookies()
    sign_in("kabag")
    page.goto(letter_url)
    page.get_by_label("Catatan (wajib bila dikembalikan)").fill("Cantumkan hari, tanggal dan tempat rapat.")
    page.get_by_role("button", name="Kembalikan ke pengonsep").click()
    expect(page.get_by_role("status")).to_contain_text("dikembalikan kepada pengonsep")
    expect(page.locator(".note-thread")).to_contain_text("Cantumkan hari, tanggal dan tempat rapat.")

    page.context.clear_cookies()
    sign_in("staf_sertifikasi")
    page.goto(letter_url)
    expect(page.locator(".letter-state")).to_contain_text("Dikembalikan untuk perbaikan konsep")
    expect(page.locator(".flash-warn")).to_contain_text("Cantumkan hari, tanggal dan tempat rapat.")
    page.get_by_text("Ubah konsep (versi baru)").click()
    page.get_by_label("Isi dari templat surat dinas").fill(
        "Dengan hormat, kami mengundang Saudara pada Senin, 30 November 2026 pukul 09.00 WIB di Ruang Rapat BNSP.")
    page.get_by_role("button", name="Simpan & ajukan").click()
    expect(page.get_by_role("status")).to_contain_text("Konsep diperbarui")
    expect(page.locator(".letter-state")).to_contain_text("Menunggu paraf Kepala Bagian")
    expect(page.get_by_role("link", name="Konsep surat beserta lampiran — versi 2")).to_be_visible()
    snap("surat-keluar-dikembalikan-diajukan")
