"""Official documents rendered to PDF: A4 pages, Indonesian text, page numbers, embedded fonts,
escaped user text and a signature space where the e-signature stamp can go."""
from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from portal.documents import KINDS, RenderedPdf, render_html, render_pdf
from portal.documents.contexts import sample_context, sample_participants
from portal.documents.pdf import (
    STATIC_DIR, _StaticOnlyFetcher, diktum_label, format_date_range_id, terbilang,
)

A4_PT = (595.28, 841.89)
SIGNATURE_BOX_PT = (6 / 2.54 * 72, 3.2 / 2.54 * 72)  # 6 cm x 3.2 cm: room for a QR readable at 150 dpi

EXPECTED_TEXT = {
    "letter": ["875/BNSP/UM.00.00/VII/2021", "Jakarta, 28 Juli 2021", "Sifat", "Lampiran", "Hal",
               "Yth. Ketua LSP Teknologi Digital", "Tembusan:", "Kunjung Masehat",
               "BADAN NASIONAL SERTIFIKASI PROFESI"],
    "undangan": ["903/BNSP/UM.00.00/VII/2021", "Hari/Tanggal", "Rabu, 4 Agustus 2021", "Waktu",
                 "Tempat", "Acara", "Rapat Pleno Komisi Teknis"],
    "spt": ["SURAT TUGAS", "412/BNSP/SDM.02.00/VII/2021", "Dasar", "MEMERINTAHKAN:", "Kepada",
            "Master Asesor Penguji", "MET.000.001668.2012", "Untuk", "9 s.d. 11 Agustus 2021",
            "Jakarta, 28 Juli 2021"],
    "sk": ["KEPUTUSAN KETUA", "KEP.1517/BNSP/SR.03.00/VII/2021", "TENTANG", "Menimbang",
           "Mengingat", "MEMUTUSKAN:", "Menetapkan", "KESATU", "KEDUA", "KETIGA",
           "Ditetapkan di Jakarta", "pada tanggal 28 Juli 2021", "DENGAN RAHMAT TUHAN YANG MAHA ESA",
           "LAMPIRAN", "No. Registrasi", "Rekomendasi"],
    "certificate": ["SERTIFIKAT KOMPETENSI", "62090 2513 3 0108289 2026", "Siti Rahmawati Lubis",
                    "No. Reg. MET.000.012345.2026", "SKM/BNSP/00015/1/2017/73E",
                    "berlaku sampai 28 Juli 2029", "Ketua"],
    "berita_acara": ["BERITA ACARA RAPAT PLENO KOMISI TEKNIS", "BA.027/BNSP/SR.03.00/VII/2021",
                     "Senin, tanggal dua puluh enam bulan Juli tahun dua ribu dua puluh satu",
                     "Pokok Pembahasan", "Keputusan", "Ketua Komisi Teknis", "Sekretaris"],
    "lembar_disposisi": ["LEMBAR DISPOSISI", "SM-2021-0734", "Tanggal Diterima", "28 Juli 2021",
                         "045/LSP-TD/VII/2021", "19 Juli 2021", "Perihal", "Diteruskan kepada:",
                         "Batas Waktu Penyelesaian: 30 Juli 2021", "Kepala Sekretariat"],
}


def _poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


def _write(tmp_path: Path, pdf: RenderedPdf, name: str = "doc.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf.data)
    return path


def _text(path: Path, page: int | None = None, *extra: str) -> str:
    pages = ("-f", str(page), "-l", str(page)) if page else ()
    return _poppler("pdftotext", *pages, *extra, str(path), "-")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def samples() -> dict[str, RenderedPdf]:
    return {kind: render_pdf(kind, sample_context(kind)) for kind in KINDS}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_is_an_a4_pdf_with_its_indonesian_text(kind, samples, tmp_path):
    pdf = samples[kind]
    assert pdf.data.startswith(b"%PDF-")
    path = _write(tmp_path, pdf)
    info = _poppler("pdfinfo", str(path))
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == pdf.page_count
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    expected = A4_PT[::-1] if kind == "certificate" else A4_PT
    assert (width, height) == pytest.approx(expected, abs=0.5)

    text = _flat(_text(path))
    for snippet in EXPECTED_TEXT[kind]:
        assert snippet in text, f"{kind}: {snippet!r} missing"
    assert f"Halaman 1 dari {pdf.page_count}" in text


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_repo_fonts_are_embedded(kind, samples, tmp_path):
    rows = _poppler("pdffonts", str(_write(tmp_path, samples[kind]))).splitlines()[2:]
    assert rows
    for row in rows:
        cells = row.split()
        name, embedded = cells[0], cells[-5]
        assert embedded == "yes", row
        # Our @font-face families, i.e. the TTFs from static/fonts, not whatever the server has.
        assert "BNSP-" in name, row


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_signature_box_is_the_reserved_empty_space_inside_the_page(kind, samples, tmp_path):
    pdf = samples[kind]
    box = pdf.signature_box
    assert pdf.signature_boxes[0] == box
    page_w, page_h = A4_PT[::-1] if kind == "certificate" else A4_PT
    assert 0 <= box.page_index < pdf.page_count
    assert 0 < box.x1 < box.x2 < page_w and 0 < box.y1 < box.y2 < page_h
    assert (box.x2 - box.x1, box.y2 - box.y1) == pytest.approx(SIGNATURE_BOX_PT, abs=0.5)

    # At 72 dpi one pixel is one point; the image has its origin top-left.
    path = _write(tmp_path, pdf)
    page = box.page_index + 1
    _poppler("pdftoppm", "-r", "72", "-gray", "-png", "-f", str(page), "-l", str(page),
             "-singlefile", str(path), str(tmp_path / "page"))
    image = Image.open(tmp_path / "page.png").convert("L")
    assert image.height == pytest.approx(page_h, abs=1)
    area = image.crop((round(box.x1) + 1, round(page_h - box.y2) + 1,
                       round(box.x2) - 1, round(page_h - box.y1) - 1))
    assert area.getextrema()[0] > 245, "something is printed where the stamp goes"


def test_stamp_lands_between_jabatan_and_name(samples, tmp_path):
    pdf = samples["letter"]
    box = pdf.signature_box
    page_h = A4_PT[1]
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                       _text(_write(tmp_path, pdf), 1, "-bbox"))
    by_text = {w[4]: tuple(map(float, w[:4])) for w in words}
    jabatan, nama = by_text["Ketua,"], by_text["Kunjung"]
    box_top, box_bottom = page_h - box.y2, page_h - box.y1  # top-origin like pdftotext
    assert jabatan[3] <= box_top + 1 and nama[1] >= box_bottom - 1
    assert nama[1] - box_bottom < 20, "name should sit right under the stamp"
    assert nama[0] == pytest.approx(box.x1, abs=2)


def test_sk_annex_of_120_participants_repeats_header_on_every_page(tmp_path):
    context = replace(sample_context("sk"), peserta=sample_participants(120))
    pdf = render_pdf("sk", context)
    path = _write(tmp_path, pdf)
    assert pdf.page_count >= 5
    pages = [_text(path, n, "-layout") for n in range(1, pdf.page_count + 1)]
    first_annex = next(i for i, t in enumerate(pages) if t.lstrip().startswith("LAMPIRAN"))
    annex = pages[first_annex:]
    assert len(annex) >= 3
    header = re.compile(r"No\s+Nama\s+No\. Registrasi\s+Skema\s+Rekomendasi")
    assert header.search(annex[0])
    for text in annex[1:]:  # continuation pages start with the repeated table header
        assert header.match(text.lstrip()), text[:200]
    assert f"Halaman 2 dari {pdf.page_count}" in pages[1]
    # Continuation pages carry the decree number in the footer.
    assert all("KEP.1517/BNSP/SR.03.00/VII/2021" in t for t in pages[1:])
    last = context.peserta[-1]
    assert re.search(rf"120\s+{last.nama}\s+{re.escape(last.nomor_registrasi)}", annex[-1])
    # The annex ends with the Ketua's signature space too.
    assert len(pdf.signature_boxes) == 2
    assert pdf.signature_boxes[1].page_index == pdf.page_count - 1


def test_user_text_is_escaped_not_interpreted(tmp_path):
    hostile = '<b>Permohonan</b> & <img src="http://example.invalid/x.png"> <script>x()</script>'
    context = replace(sample_context("letter"), hal=hostile, paragraf=[hostile])
    html = render_html("letter", context)
    assert "<b>Permohonan</b>" not in html and "&lt;b&gt;Permohonan&lt;/b&gt;" in html
    text = _flat(_text(_write(tmp_path, render_pdf("letter", context))))
    assert '<b>Permohonan</b> & <img src="http://example.invalid/x.png">' in text


def test_documents_cannot_load_files_outside_static():
    fetcher = _StaticOnlyFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch("http://example.invalid/logo.png")
    response = fetcher.fetch((STATIC_DIR / "pdf" / "fonts.css").as_uri())
    assert response is not None


def test_disposisi_ticks_the_chosen_units_and_instructions(samples, tmp_path):
    lines = _text(_write(tmp_path, samples["lembar_disposisi"]), 1, "-layout").splitlines()

    def ticked(label: str) -> bool:
        line = next(line for line in lines if label in line)
        return "✔" in line[: line.index(label)][-6:]

    assert ticked("Koordinator SDM") and ticked("Bagian Asesor Kompetensi (Askom)")
    assert not ticked("Koordinator Lisensi") and not ticked("Bagian Keuangan")
    assert ticked("Siapkan draf jawaban") and not ticked("Arsipkan")
    assert ticked("Segera") and not ticked("Biasa")


def test_certificate_stays_one_landscape_page_with_long_names(tmp_path):
    context = replace(
        sample_context("certificate"),
        nama="Prof. Dr. Ir. Raden Ajeng Kusumawardhani Hadiningrat Setyaningsih, M.Sc., Ph.D.",
        skema_judul="Skema Sertifikasi Okupasi Nasional Teknisi Perawatan dan Perbaikan Sistem "
                    "Kelistrikan Pembangkit Listrik Tenaga Surya Atap Terhubung Jaringan")
    pdf = render_pdf("certificate", context)
    assert pdf.page_count == 1
    assert "Hadiningrat" in _text(_write(tmp_path, pdf))


def test_wrong_context_or_kind_is_refused():
    with pytest.raises(TypeError):
        render_pdf("sk", sample_context("letter"))
    with pytest.raises(ValueError):
        render_pdf("memo", sample_context("letter"))


def test_indonesian_wording_helpers():
    assert terbilang(2021) == "dua ribu dua puluh satu"
    assert terbilang(11) == "sebelas" and terbilang(115) == "seratus lima belas"
    assert terbilang(1000) == "seribu"
    assert [diktum_label(n) for n in (1, 2, 4, 10, 12)] == [
        "KESATU", "KEDUA", "KEEMPAT", "KESEPULUH", "KEDUA BELAS"]
    assert format_date_range_id(date(2021, 8, 9), date(2021, 8, 11)) == "9 s.d. 11 Agustus 2021"
    assert format_date_range_id(date(2021, 7, 30), date(2021, 8, 2)) == "30 Juli s.d. 2 Agustus 2021"
    assert format_date_range_id(date(2021, 8, 9), date(2021, 8, 9)) == "9 Agustus 2021"
