"""Documents read as the agency issues them: the SK's signature keeps company, the disposition
sheet stays on one page and prints the rule the portal computes by, the Lampiran line matches
what is attached, names stand on name lines, and every signed kind embeds all its fonts."""
from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from portal.calendar import WorkCalendar
from portal.calendar.workdays import DISPOSITION_RULE
from portal.core.dates import WIB
from portal.documents import KINDS, render_pdf
from portal.documents.contexts import Annex, Diktum, sample_context
from portal.documents.signatories import signatory_for
from portal.signing import devpki
from portal.signing.pades import SignRequest, load_pkcs12_signer, sign_pdf
from tests.conftest import make_user


def _poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


def _text(data: bytes, tmp_path: Path, page: int | None = None, *extra: str) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    pages = ("-f", str(page), "-l", str(page)) if page else ()
    return " ".join(_poppler("pdftotext", *pages, *extra, str(path), "-").split())


@pytest.mark.parametrize("extra", range(0, 14))
def test_sk_signature_never_stands_alone_on_a_page(extra, tmp_path):
    # Longer and longer considerations move the signature to every position a page break can take.
    base = sample_context("sk")
    context = replace(base, peserta=[], tembusan=[],
                      mengingat=[*base.mengingat, *[f"Peraturan uji nomor {n} tentang hal yang perlu diingat "
                                                   "dalam penetapan keputusan ini;" for n in range(extra * 2)]],
                      diktum=[*base.diktum[:-1], Diktum(isi="Keputusan ini mulai berlaku pada tanggal ditetapkan.")])
    pdf = render_pdf("sk", context)
    page = _text(pdf.data, tmp_path, pdf.signature_box.page_index + 1)
    last_label = "KE" + ("EMPAT" if len(context.diktum) == 4 else "TIGA")
    before_signature = page.split("Ditetapkan di")[0]
    assert "Keputusan ini mulai berlaku" in before_signature, page[:300]
    assert last_label in before_signature or len(context.diktum) not in (3, 4)


def test_disposition_sheet_fits_one_page_at_the_form_limits(tmp_path):
    base = sample_context("lembar_disposisi")
    words = "Mohon diperiksa kelengkapan persyaratan dan disiapkan jawaban tertulis kepada pengirim. "
    context = replace(
        base, catatan=(words * 20)[:1000], perihal=("Permohonan RCC Asesor Kompetensi periode berjalan " * 8)[:300],
        asal_surat=("Lembaga Sertifikasi Profesi Teknologi Informasi dan Komunikasi " * 4)[:200],
        nomor_surat=("045/LSP-TD/VII/2021/" * 6)[:100],
        diteruskan_kepada=[*base.diteruskan_kepada, "Tim Penanganan Pengaduan Masyarakat", "Inspektorat"],
        instruksi=[*base.instruksi, "Koordinasikan dengan Bagian Hukum sebelum menjawab"])
    pdf = render_pdf("lembar_disposisi", context)
    assert pdf.page_count == 1
    text = _text(pdf.data, tmp_path)
    assert context.catatan[-40:].strip() in text and "Inspektorat" in text


def test_disposition_sheet_prints_the_rule_the_portal_computes_by(tmp_path):
    text = _text(render_pdf("lembar_disposisi", sample_context("lembar_disposisi")).data, tmp_path)
    assert "".join(DISPOSITION_RULE.split()) in "".join(text.split())  # lines may break after "/"
    assert "sebelum pukul 08.00" in text and "hari kerja berikutnya" in text
    calendar = WorkCalendar([])
    thursday = datetime(2026, 1, 8, 7, 30, tzinfo=WIB)  # before office hours: the next working day
    assert calendar.due_disposition(thursday) == datetime(2026, 1, 9, 15, 0, tzinfo=WIB)
    assert calendar.due_disposition(thursday.replace(hour=9)) == datetime(2026, 1, 8, 15, 0, tzinfo=WIB)


def test_lampiran_line_says_one_file_only_when_a_list_is_attached(tmp_path):
    attached = sample_context("letter")
    assert attached.lampiran_daftar is not None
    pdf = render_pdf("letter", attached)
    assert "Lampiran : 1 (satu) berkas" in _text(pdf.data, tmp_path, 1, "-layout")
    annex = _text(pdf.data, tmp_path, pdf.page_count)
    assert "LAMPIRAN" in annex and attached.nomor in annex and attached.lampiran_daftar.baris[0][0] in annex
    # The attachment is signed with the letter: it carries the signature space too.
    assert [box.page_index for box in pdf.signature_boxes] == [0, pdf.page_count - 1]

    plain = replace(attached, lampiran_daftar=None)
    pdf = render_pdf("letter", plain)
    assert pdf.page_count == 1 and "Lampiran : - " in _text(pdf.data, tmp_path, 1, "-layout")
    # A list given with no rows is still an attachment; an Annex is never printed half.
    empty = replace(attached, lampiran_daftar=Annex(judul="DAFTAR", kolom=("Nama",), baris=[]))
    assert render_pdf("letter", empty).page_count == 2


def test_the_signers_name_not_the_title_stands_on_the_name_line(db, tmp_path):
    assert signatory_for("ketua").nama == "Ketua BNSP"  # nobody holds the office yet
    make_user("ketua_nama", ["ketua"])
    signatory = signatory_for("ketua")
    assert (signatory.jabatan, signatory.nama) == ("Ketua,", "Ketua Nama")
    certificate = replace(sample_context("certificate"), penandatangan=signatory)
    text = _text(render_pdf("certificate", certificate).data, tmp_path)
    assert "Ketua Nama" in text


@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    pki = devpki.create_dev_pki(tmp_path_factory.mktemp("pki"), "rahasia")
    return load_pkcs12_signer(pki.p12_path, "rahasia")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_signed_kind_embeds_all_its_fonts(kind, signer, tmp_path):
    pdf = render_pdf(kind, sample_context(kind))
    box = pdf.signature_box
    signed = sign_pdf(pdf.data, signer, SignRequest(verify_url="https://portal.bnsp.test/v/uji",
                                                    signer_name="Zulkarnain Wirapratama", page_index=box.page_index,
                                                    box=box.box))
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed.data)
    rows = [line.split() for line in _poppler("pdffonts", str(path)).splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows), rows
    # The stamp's words sit inside the stamp at their natural width (8 pt type).
    page = box.page_index + 1
    xml = _poppler("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-")
    # pdftotext may keep a stamp line as one "word": index every token by its entry's box.
    words = {token: tuple(map(float, w[:4])) for w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', xml)
        for token in w[4].split()}
    page_height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', xml).group(1))
    for word in ("Ditandatangani", "Zulkarnain", "Wirapratama", "WIB"):
        x_min, y_min, x_max, y_max = words[word]
        assert box.x1 <= x_min and x_max <= box.x2 and page_height - box.y2 <= y_min, (word, words[word], box)
    assert words["Ditandatangani"][2] - words["Ditandatangani"][0] < 90  # "Ditandatangani secara"


def test_stamps_signed_in_parallel_threads_share_the_font_safely(signer, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    pdf = render_pdf("letter", sample_context("letter"))
    box = pdf.signature_box
    names = [f"Penanda Tangan {chr(65 + i)}" for i in range(8)]

    def sign(name):
        return sign_pdf(pdf.data, signer, SignRequest(verify_url="https://portal.bnsp.test/v/uji", signer_name=name,
                                                      page_index=box.page_index, box=box.box)).data

    with ThreadPoolExecutor(4) as pool:
        signed = list(pool.map(sign, names))
    for name, data in zip(names, signed):
        assert name in _text(data, tmp_path, 1)


@pytest.mark.parametrize("kind", ["letter", "undangan", "spt", "sk", "berita_acara", "certificate"])
def test_a_number_given_at_signing_stands_wherever_the_document_shows_it(kind, tmp_path):
    from portal.documents.contexts import with_number

    number = "BNSP-LSP-2630-ID" if kind == "certificate" else "KEP.2630/BNSP/XI/2026"
    context = with_number(sample_context(kind), number)
    if kind == "sk":
        from portal.documents.contexts import sample_participants

        context = replace(context, peserta=sample_participants(60))
    pdf = render_pdf(kind, context)
    for page in range(1, pdf.page_count + 1):
        assert number in _text(pdf.data, tmp_path, page), f"page {page} of {pdf.page_count}"
    if kind == "sk":
        annex = _text(pdf.data, tmp_path, pdf.signature_boxes[1].page_index + 1)
        assert pdf.page_count >= 3 and annex.count(number) >= 1
