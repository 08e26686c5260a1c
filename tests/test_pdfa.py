"""Generated documents are PDF/A-2b and stay so when signed (pyHanko appends an incremental update).

No independent PDF/A validator installs from Debian or PyPI (veraPDF is a Java application
published elsewhere; see README), so these tests check the PDF/A-2b requirements the portal
controls, reading the files with pyHanko's parser and poppler."""
from __future__ import annotations

import re
import subprocess
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from portal.documents import KINDS, render_pdf
from portal.documents.contexts import sample_context
from portal.signing import devpki
from portal.signing.pades import SignRequest, load_pkcs12_signer, sign_pdf

PRINT, HIDDEN, INVISIBLE, NO_VIEW, TOGGLE_NO_VIEW = 4, 2, 1, 32, 256


@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    pki = devpki.create_dev_pki(tmp_path_factory.mktemp("pki"), "rahasia")
    return load_pkcs12_signer(pki.p12_path, "rahasia")


def _xmp(reader: PdfFileReader) -> str:
    return reader.root["/Metadata"].get_object().data.decode("utf-8")


def _assert_pdfa_2b(data: bytes, tmp_path) -> PdfFileReader:
    reader = PdfFileReader(BytesIO(data))
    assert reader.encrypted is False
    intents = reader.root["/OutputIntents"]
    assert any(i.get_object()["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in i.get_object() for i in intents)
    xmp = _xmp(reader)
    assert re.search(r'pdfaid:part="2"|<pdfaid:part>2<', xmp) and re.search(r'pdfaid:conformance="B"|>B<', xmp)
    info = reader.trailer_view.get("/Info")
    if info is not None and "/Producer" in info.get_object():
        # PDF/A: the Info dictionary and the XMP metadata say the same thing.
        assert f'pdf:Producer="{info.get_object()["/Producer"]}"' in xmp
    path = tmp_path / "pdfa.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert all(row.split()[-5] == "yes" for row in fonts.splitlines()[2:])
    assert "/JavaScript" not in data.decode("latin-1")
    return reader


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_generated_document_is_pdfa_2b_before_and_after_signing(kind, signer, tmp_path):
    pdf = render_pdf(kind, sample_context(kind))
    _assert_pdfa_2b(pdf.data, tmp_path)
    box = pdf.signature_box
    signed = sign_pdf(pdf.data, signer, SignRequest(verify_url="https://portal.bnsp.test/v/uji", page_index=box.page_index,
                                                    box=box.box, signer_name="Kunjung Masehat"))
    # An incremental update: every byte of the PDF/A document is still there, unchanged.
    assert signed.data.startswith(pdf.data)
    reader = _assert_pdfa_2b(signed.data, tmp_path)
    widgets = [a.get_object() for page in range(len(reader.root["/Pages"]["/Kids"]))
               for a in reader.root["/Pages"]["/Kids"][page].get_object().get("/Annots", [])
               if a.get_object().get("/FT") == "/Sig"]
    assert widgets, "the signature has a visible widget"
    flags = int(widgets[0]["/F"])
    assert flags & PRINT and not flags & (HIDDEN | INVISIBLE | NO_VIEW | TOGGLE_NO_VIEW)


def _titles(reader: PdfFileReader) -> tuple[str, str]:
    """The Title of the Info dictionary and the XMP dc:title, which PDF/A wants to agree."""
    info = str(reader.trailer_view["/Info"].get_object()["/Title"])
    found = re.search(r"<dc:title[^>]*>\s*<rdf:Alt>\s*<rdf:li[^>]*>([^<]*)</rdf:li>", _xmp(reader))
    return info, found.group(1) if found else ""


@pytest.mark.parametrize("kind, field, placeholder, number", [
    ("sk", "nomor", "KEP.……/BNSP/XI/2026", "KEP.7/BNSP/XI/2026"),
    ("letter", "nomor", "……/BNSP/DL.02.00/XI/2026", "15/BNSP/DL.02.00/XI/2026"),
    ("certificate", "nomor_sertifikat", "BNSP-LSP-……-ID", "BNSP-LSP-0042-ID"),
])
def test_signed_document_title_names_its_number_not_the_placeholder(kind, field, placeholder, number, signer,
                                                                     tmp_path):
    import dataclasses

    pdf = render_pdf(kind, dataclasses.replace(sample_context(kind), **{field: placeholder}))
    assert placeholder in _titles(PdfFileReader(BytesIO(pdf.data)))[0]  # the draft says what it is: a draft
    box = pdf.signature_box
    signed = sign_pdf(pdf.data, signer, SignRequest(
        verify_url="https://portal.bnsp.test/v/uji", page_index=box.page_index, box=box.box,
        signer_name="Kunjung Masehat", number=number, number_boxes=tuple(pdf.number_boxes_json)))
    assert signed.data.startswith(pdf.data)
    reader = _assert_pdfa_2b(signed.data, tmp_path)
    info, xmp = _titles(reader)
    assert info == xmp and number in info and "…" not in info, (info, xmp)
    path = tmp_path / "bertanda-tangan.pdf"
    path.write_bytes(signed.data)
    pdfinfo = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert f"Title:           {info}" in pdfinfo


def test_only_the_number_placeholder_of_the_title_is_replaced():
    import dataclasses

    from portal.signing.number_text import write_number

    hal = "Undangan …… rapat koordinasi"  # dots a drafter typed stay as typed
    pdf = render_pdf("letter", dataclasses.replace(sample_context("letter"), hal=hal, nomor="……/BNSP/DL.02.00/XI/2026"))
    info, xmp = _titles(PdfFileReader(BytesIO(write_number(pdf.data, pdf.number_boxes_json, "15/BNSP/DL.02.00/XI/2026"))))
    assert info == xmp == f"{hal} — 15/BNSP/DL.02.00/XI/2026"
