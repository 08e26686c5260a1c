"""Issue 12: a number written at signing onto a centred line (the SK's "NOMOR …" under its title, the
SPT's "Nomor: …", the certificate's "No. …") stays centred like the lines around it, whatever its
width against the placeholder's; numbers on left-aligned lines stay where the placeholder began."""
from __future__ import annotations

import dataclasses
import re
import subprocess

import pytest

from portal.documents import render_pdf
from portal.documents.contexts import sample_context
from portal.signing.number_text import write_number

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def lines_with_centres(pdf: bytes, tmp_path, page: int = 1) -> dict[str, float]:
    """Each text line of the page (as pdftotext -bbox reads it) and the centre of its ink, in points."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    rows: dict[int, list] = {}
    for x1, y1, x2, text in WORD.findall(html):
        rows.setdefault(round(float(y1)), []).append((float(x1), float(x2), text))
    return {" ".join(w[2] for w in words): (words[0][0] + words[-1][1]) / 2 for words in rows.values()}


def centre_of(lines: dict[str, float], needle: str) -> float:
    return next(centre for text, centre in lines.items() if needle in text)


@pytest.mark.parametrize("kind, field, placeholder, number, reference", [
    ("sk", "nomor", "KEP.……/BNSP/XI/2026", "KEP.7/BNSP/XI/2026", "KEPUTUSAN KETUA"),
    ("sk", "nomor", "KEP.……/BNSP/XI/2026", "KEP.12345/BNSP/XI/2026", "KEPUTUSAN KETUA"),
    ("spt", "nomor", "SPT.……/BNSP/KP.04.00/XI/2026", "SPT.31/BNSP/KP.04.00/XI/2026", "SURAT TUGAS"),
    ("certificate", "nomor_sertifikat", "BNSP-LSP-……-ID", "BNSP-LSP-2045-ID", "SERTIFIKAT KOMPETENSI"),
])
def test_number_on_a_centred_line_is_centred(tmp_path, kind, field, placeholder, number, reference):
    draft = render_pdf(kind, dataclasses.replace(sample_context(kind), **{field: placeholder}))
    heading = centre_of(lines_with_centres(draft.data, tmp_path), reference)
    assert abs(centre_of(lines_with_centres(draft.data, tmp_path), placeholder) - heading) < 1  # as drawn
    numbered = lines_with_centres(write_number(draft.data, draft.number_boxes_json, number), tmp_path)
    line = next(text for text in numbered if number in text)
    assert abs(numbered[line] - heading) < 1, (line, numbered[line], heading)
    assert "……" not in " ".join(numbered) and line.count(number) == 1
    assert line.split(number)[0].strip() in ("NOMOR", "Nomor:", "No.")  # the words before it kept, once


def test_number_on_a_left_aligned_line_starts_where_the_placeholder_did(tmp_path):
    draft = render_pdf("letter", dataclasses.replace(sample_context("letter"), nomor="……/BNSP/DL.02.00/XI/2026"))
    box = draft.number_boxes_json[0]
    assert box.get("align", "left") == "left"
    path = tmp_path / "surat.pdf"
    path.write_bytes(write_number(draft.data, draft.number_boxes_json, "5/BNSP/DL.02.00/XI/2026"))
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    x1 = next(float(x) for x, _y, _x2, text in WORD.findall(html) if text == "5/BNSP/DL.02.00/XI/2026")
    assert abs(x1 - box["box"][0]) < 0.5
