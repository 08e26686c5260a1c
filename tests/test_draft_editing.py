"""A drafter edits a generated draft (date, place, addressees, Tembusan, paragraphs) and the PDF is
rendered again from the official template; bad input is refused field by field, nothing lost."""
from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta

from flask import render_template

from portal.core.dates import to_wib, utcnow
from portal.documents import render_pdf
from portal.documents.contexts import sample_context
from portal.documents.editing import apply_edits, editable_fields, form_values, from_data, to_data


def _text(data: bytes, tmp_path) -> str:
    path = tmp_path / "draft.pdf"
    path.write_bytes(data)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def test_edited_letter_is_rendered_with_the_new_wording(tmp_path):
    draft = sample_context("letter")
    tomorrow = to_wib(utcnow()).date() + timedelta(days=1)
    form = form_values(draft) | {
        "tanggal": tomorrow.isoformat(), "tempat": "Bandung",
        "kepada": "Yth. Direktur LSP Energi Nusantara\nJl. Asia Afrika 8\ndi\nBandung",
        "tembusan": "Ketua BNSP;\n\nKoordinator Lisensi.",
        "paragraf": "Paragraf pertama yang  diubah.\r\n\r\nParagraf kedua,\nsatu paragraf.",
    }
    edited, errors = apply_edits(draft, form)
    assert errors == {}
    assert edited.tanggal == tomorrow and edited.tempat == "Bandung"
    assert edited.tembusan == ["Ketua BNSP;", "Koordinator Lisensi."]
    assert edited.paragraf == ["Paragraf pertama yang diubah.", "Paragraf kedua, satu paragraf."]
    text = _text(render_pdf("letter", edited).data, tmp_path)
    from portal.core.dates import format_date_id

    for snippet in (f"Bandung, {format_date_id(tomorrow)}", "Yth. Direktur LSP Energi Nusantara",
                    "Paragraf kedua, satu paragraf.", "Koordinator Lisensi."):
        assert snippet in text
    assert "Menindaklanjuti surat Saudara" not in text


def test_bad_input_is_refused_per_field_and_the_draft_stays_as_it_was():
    draft = sample_context("spt")
    form = form_values(draft) | {"tanggal": "31-02-2026", "tugas": "  ", "tanggal_mulai": "2026-05-10",
                                 "tanggal_selesai": "2026-05-09"}
    same, errors = apply_edits(draft, form)
    assert same is draft
    assert errors["tanggal"] == "Tanggal surat: tanggal tidak valid."
    assert errors["tugas"] == "Untuk (tugas) wajib diisi."
    fixed, errors = apply_edits(draft, form | {"tanggal": "2026-05-01", "tugas": "Menyaksikan uji kompetensi"})
    assert errors == {"tanggal_selesai": "Tanggal selesai tidak boleh sebelum tanggal mulai."}
    assert fixed is draft


def test_a_draft_survives_storage_as_json_between_edits():
    for kind in ("letter", "undangan", "spt", "sk"):
        draft = sample_context(kind)
        assert editable_fields(draft)
        stored = json.loads(json.dumps(to_data(draft)))
        assert from_data(stored) == draft
    assert editable_fields(sample_context("certificate")) == ()


def test_edit_form_shows_current_values_and_messages(app, db):
    draft = sample_context("sk")
    _, errors = apply_edits(draft, form_values(draft) | {"tentang": ""})
    with app.test_request_context():
        html = render_template("documents/_edit_form.html", fields=editable_fields(draft),
                               values=form_values(draft) | {"tentang": ""}, errors=errors, action="/draf")
    assert 'name="csrf_token"' in html and 'type="date" name="tanggal" value="2021-07-28"' in html
    assert "Tentang wajib diisi." in html and 'aria-invalid="true"' in html
    assert draft.menimbang[0] in html
    assert date(2021, 7, 28) == draft.tanggal
