"""Step forms: the registry refuses unknown names at start-up; the Lembar Disposisi (form
"disposisi") runs end to end on the case page: invalid input answers 422 in Indonesian and stores
nothing, someone who may not fill it gets 403, a submitted record becomes the next PDF version of
the step's document slot and only then may the step move on."""
from __future__ import annotations

import dataclasses
import io
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from portal import storage
from portal.calendar.services import seed_default_holidays
from portal.cases import engine
from portal.cases.models import Case, DocumentVersion
from portal.core.dates import utcnow
from portal.correspondence import services
from portal.correspondence.models import DispositionRecord
from portal.flows.registry import FLOWS
from portal.forms.base import NotAfterToday, PortalForm, today_wib
from portal.forms.fields import choices
from portal.forms.models import StepFormDraft
from portal.forms.registry import FormDeclarationError, check_forms
from tests.conftest import login, make_user
from tests.factories import sample_pdf


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


# --- the registry --------------------------------------------------------------------------------

def _with_form(flow_code: str, step_key: str, **changes):
    flow = FLOWS[flow_code]
    steps = tuple(dataclasses.replace(s, **changes) if s.key == step_key else s for s in flow.steps)
    return {**FLOWS, flow_code: dataclasses.replace(flow, steps=steps)}


def test_the_declared_flows_name_only_registered_forms(app):
    from portal.extensions import db
    from portal.forms.registry import FORMS

    check_forms(FLOWS)
    assert FLOWS["SM"].step("disposisi").form == "disposisi"
    for component in FORMS.values():  # its tables are known to the metadata (and so to the migrations test)
        assert component.models and all(m.__tablename__ in db.metadata.tables for m in component.models)


def test_a_flow_naming_an_unknown_form_stops_the_app_from_starting(monkeypatch, tmp_path):
    with pytest.raises(FormDeclarationError, match="step follow_up: unknown form 'catatan_tindak_lanjut'"):
        check_forms(_with_form("SM", "follow_up", form="catatan_tindak_lanjut"))
    with pytest.raises(FormDeclarationError, match="needs a `produces` slot"):
        check_forms(_with_form("SM", "archive", form="disposisi"))

    from portal import create_app

    monkeypatch.setattr("portal.flows.registry.FLOWS", _with_form("SM", "route", form="arah_surat"))
    with pytest.raises(FormDeclarationError, match="unknown form 'arah_surat'"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                    "STORAGE_DIR": str(tmp_path / "s"), "MAIL_OUTBOX_DIR": str(tmp_path / "o")})


# --- the form layer's messages -------------------------------------------------------------------

class _Contact(PortalForm):
    name = StringField("Nama lengkap", [DataRequired(), Length(max=10)])
    email = StringField("Surel", [Optional(), Email(check_deliverability=False)])
    born = DateField("Tanggal lahir", [InputRequired(), NotAfterToday()])
    kind = SelectField("Jenis", choices=choices({"lsp": "LSP"}))


def test_every_validator_speaks_indonesian_with_the_fields_label():
    tomorrow = (today_wib() + timedelta(days=1)).isoformat()
    form = _Contact(MultiDict({"name": "  Nama yang terlalu panjang  ", "email": "bukan-surel", "born": tomorrow,
                               "kind": "x"}))
    assert not form.validate()
    assert form.messages() == [
        "Nama lengkap terlalu panjang (maksimal 10 karakter).", "Surel bukan alamat surel yang valid.",
        "Tanggal lahir tidak boleh setelah hari ini.", "Jenis tidak termasuk pilihan yang tersedia.",
    ]
    form = _Contact(MultiDict({"name": "   ", "born": "31/02/2026", "kind": "lsp"}))
    assert not form.validate()
    assert form.messages() == ["Nama lengkap wajib diisi.", "Tanggal lahir tidak valid (gunakan tanggal kalender)."]
    assert _Contact(MultiDict({"name": " Ani ", "born": today_wib().isoformat(), "kind": "lsp"})).validate()


# --- the Lembar Disposisi on the case page -------------------------------------------------------

@pytest.fixture()
def letter(app, db):
    year = today_wib().year
    seed_default_holidays([year, year + 1])
    people = {role: make_user(f"{role}_sf", [role]) for role in ("phu", "kasek", "ketua", "staf_sertifikasi")}
    case = services.register_incoming(
        services.IncomingLetter(sender="LSP Teknologi Digital", their_number="45/LSP-TD/2026", their_date=today_wib(),
                                received_on=today_wib(), subject="Permohonan RCC Asesor", classification="DL.02.00",
                                sifat="biasa", matter="umum"),
        services.Upload("surat.pdf", sample_pdf()), people["phu"], now=utcnow())
    db.session.commit()
    return case, people


def _client(app, user):
    client = app.test_client()
    login(client, user.username)
    return client


def _work(case, step_key):
    return next(w for w in engine.open_work(case) if w.step_key == step_key)


def _stored(db, case) -> tuple[int, int]:
    records = db.session.scalar(select(func.count()).select_from(DispositionRecord))
    sheets = db.session.scalar(select(func.count()).select_from(DocumentVersion)
                               .where(DocumentVersion.case_id == case.id, DocumentVersion.code == "DISPOSISI"))
    return records, sheets


def test_the_disposition_form_on_the_case_page_fills_the_slot_before_the_step_may_advance(app, db, letter):
    case, people = letter
    kasek = _client(app, people["kasek"])
    work = _work(case, "disposisi")
    page = kasek.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "Lembar Disposisi" in page and "Simpan lembar disposisi" in page
    assert 'name="units" type="checkbox" value="staf_sertifikasi"> Bagian Sertifikasi' in page
    assert "Lengkapi dahulu: DISPOSISI" in page  # the forward action waits for the record
    assert '<option value="DISPOSISI">' not in page  # no upload of what the form renders
    refused = kasek.post(f"/kasus/{case.number}/kerja/{work.id}/tindakan", data={"action": "submit"})
    assert refused.status_code == 422
    uploaded = kasek.post(f"/kasus/{case.number}/kerja/{work.id}/unggah", content_type="multipart/form-data",
                          data={"code": "DISPOSISI", "file": (io.BytesIO(sample_pdf()), "disposisi.pdf")})
    assert uploaded.status_code == 422  # a PDF cannot stand in for the record
    assert "DISPOSISI dibuat dari formulir Lembar Disposisi; isi formulirnya." in uploaded.get_data(as_text=True)

    url = f"/kasus/{case.number}/kerja/{work.id}/formulir"
    due = services.default_follow_up_due()
    invalid = kasek.post(url, headers={"HX-Request": "true"},
                         data={"note": "x" * 1001, "due": (today_wib() - timedelta(days=1)).isoformat()})
    assert invalid.status_code == 422
    html = invalid.get_data(as_text=True)
    assert html.startswith('<div id="case-body">')
    for message in ("Pilih sedikitnya satu unit tujuan disposisi.",
                    "Catatan disposisi terlalu panjang (maksimal 1000 karakter).",
                    "Batas waktu tindak lanjut tidak boleh sebelum hari ini."):
        assert message in html
    assert "x" * 1001 in html  # what was typed is shown again, not lost
    assert _stored(db, case) == (0, 0)

    fields = {"instructions": ["Tanggapi dan proses lebih lanjut"], "units": ["staf_sertifikasi", "phu"],
              "note": "Mohon diverifikasi kelengkapan peserta.", "due": due.isoformat()}
    ketua = _client(app, people["ketua"])  # holds the step's role, but the letter waits for the Kasek
    assert ketua.post(url, data=fields).status_code == 403
    assert _client(app, people["staf_sertifikasi"]).post(url, data=fields).status_code == 403
    assert _stored(db, case) == (0, 0)

    saved = kasek.post(url, headers={"HX-Request": "true"}, data=fields)
    assert saved.status_code == 200
    assert "Lengkapi dahulu: DISPOSISI" not in saved.get_data(as_text=True)
    db.session.expire_all()
    sheet = engine.latest_documents(case)[("DISPOSISI", "")]
    assert sheet.version == 1 and sheet.step_key == "disposisi" and sheet.content_type == "application/pdf"
    text = pdf_text(storage.read_bytes(sheet.storage_key))
    assert "LEMBAR DISPOSISI" in text and "Mohon diverifikasi kelengkapan peserta." in text
    assert "Bagian Sertifikasi" in text

    page = kasek.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "Lembar Disposisi tersimpan sebagai DISPOSISI versi 1" in page
    assert "Mohon diverifikasi kelengkapan peserta.</textarea>" in page  # shown again to correct it
    # Corrected before sending: the next version of the same slot; both records kept.
    kasek.post(url, data={**fields, "note": "Perbaikan: verifikasi dan siapkan jawaban."})
    db.session.expire_all()
    assert _stored(db, case) == (2, 2)
    assert engine.latest_documents(case)[("DISPOSISI", "")].version == 2

    sent = kasek.post(f"/kasus/{case.number}/kerja/{work.id}/tindakan", data={"action": "submit"})
    assert sent.status_code == 302
    db.session.expire_all()
    follow_up = _work(case, "follow_up")
    assert follow_up.assignee_id == people["staf_sertifikasi"].id
    assert case.data["routed_to"] == "staf_sertifikasi"


def test_the_disposition_draft_is_autosaved_per_person_and_dropped_when_submitted(app, db, letter):
    case, people = letter
    kasek = _client(app, people["kasek"])
    work = _work(case, "disposisi")
    draft_url = f"/kasus/{case.number}/kerja/{work.id}/formulir/draf"
    page = kasek.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert f'hx-post="{draft_url}"' in page and 'hx-trigger="change from:closest form delay:1s"' in page

    saved = kasek.post(draft_url, headers={"HX-Request": "true"},
                       data={"units": ["koor_sdm"], "note": "Setengah jalan menulis catatan"})
    assert saved.status_code == 200 and "Draf tersimpan" in saved.get_data(as_text=True)
    assert _client(app, people["staf_sertifikasi"]).post(draft_url, data={"note": "x"}).status_code == 403
    again = kasek.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "Setengah jalan menulis catatan" in again
    assert '<input checked name="units" type="checkbox" value="koor_sdm">' in again
    assert "Setengah jalan" not in _client(app, people["phu"]).get(f"/kasus/{case.number}").get_data(as_text=True)

    kasek.post(f"/kasus/{case.number}/kerja/{work.id}/formulir", data={
        "units": ["koor_sdm"], "note": "Selesai ditulis", "due": services.default_follow_up_due().isoformat()})
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(StepFormDraft)) == 0


def test_the_letter_page_disposes_through_the_same_step_form(app, db, letter):
    case, people = letter
    kasek = _client(app, people["kasek"])
    refused = kasek.post(f"/surat/{case.number}/disposisi", data={"instructions": ["Koordinasikan"]})
    assert refused.status_code == 422
    assert "Pilih sedikitnya satu unit tujuan disposisi." in refused.get_data(as_text=True)
    done = kasek.post(f"/surat/{case.number}/disposisi", data={
        "units": ["staf_sertifikasi"], "note": "Untuk segera diproses.", "due": services.default_follow_up_due().isoformat()})
    assert done.status_code == 302
    db.session.expire_all()
    assert set(case.active_steps) == {"follow_up"}
    record = db.session.scalar(select(DispositionRecord))
    assert record.units == ["staf_sertifikasi"] and record.disposer_name == people["kasek"].full_name
    assert db.session.scalar(select(Case.id)) == case.id
