"""Licensing records (flow 6): the requirement checklist per item, the D5 access code, and the LKS as
findings each corrected and closed, driven through the real engine, step forms and PDFs."""
from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal import storage
from portal.cases import engine
from portal.cases.models import DocumentVersion
from portal.extensions import db
from portal.forms import services as step_forms
from portal.forms.base import FormInvalid
from portal.licensing import access_code, checklist, lks
from portal.mail.models import OutgoingMail
from tests.conftest import login
from tests.factories import Cast, actor_for, drive, sample_pdf


def pdf_text(version: DocumentVersion) -> str:
    data = storage.read_bytes(version.storage_key)
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())  # table cells wrap: compare words, not lines


def latest(case, code: str, item_key: str = "") -> DocumentVersion:
    return engine.latest_documents(case)[(code, item_key)]


def open_licence(db, cast=None):
    cast = cast or Cast()
    checklist.ensure_default_requirements()
    case = engine.open_case("LIS", cast.user("lsp"), "Lisensi LSP Uji Rekaman", organisation=cast.organisation)
    db.session.commit()
    return case, cast


def the_work(case, step_key: str):
    return next(w for w in engine.open_work(case) if w.step_key == step_key)


def test_clsp_uploads_per_item_cs_checks_per_item_and_a_return_shows_the_notes(app, db):
    case, cast = open_licence(db)
    lsp, cs = cast.user("lsp"), cast.user("cs")
    work = the_work(case, "apresiasi_requirements")
    items = checklist.requirements("apresiasi")
    required = [r for r in items if r.required]
    checklist.upload_file(case, required[0].id, "permohonan.pdf", sample_pdf(), lsp)
    with pytest.raises(FormInvalid) as missing:
        step_forms.submit(case, work, MultiDict({"declaration": "y"}), lsp)
    assert required[1].item in " ".join(missing.value.errors)
    db.session.rollback()
    for requirement in required:
        checklist.upload_file(case, requirement.id, f"{requirement.item}.pdf", sample_pdf(), lsp)
    step_forms.submit(case, work, MultiDict({"declaration": "y"}), lsp)
    assert required[1].item in pdf_text(latest(case, "D1"))
    engine.act(case, work.id, "submit", lsp)
    db.session.commit()

    check = the_work(case, "apresiasi_check")
    verdicts = {f"hasil_{r.id}": "memenuhi" for r in items}
    verdicts[f"hasil_{required[2].id}"] = "tidak_memenuhi"
    with pytest.raises(FormInvalid) as no_note:
        step_forms.submit(case, check, MultiDict(verdicts), cs)
    assert "Tulis catatan" in " ".join(no_note.value.errors)
    db.session.rollback()
    verdicts[f"catatan_{required[2].id}"] = "Surat dukungan belum ditandatangani asosiasi"
    step_forms.submit(case, check, MultiDict(verdicts), cs)
    db.session.commit()  # the form is its own request
    text = pdf_text(latest(case, "D2"))
    assert "Tidak memenuhi" in text and "belum ditandatangani" in text and "Belum lengkap" in text
    with pytest.raises(engine.CaseError) as refused:
        engine.act(case, check.id, "submit", cs)
    assert refused.value.status == 422 and required[2].item in refused.value.message
    db.session.rollback()
    engine.act(case, check.id, "return", cs, reason="Lihat catatan per item")
    db.session.commit()

    client = app.test_client()
    login(client, lsp.username)
    page = client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "Surat dukungan belum ditandatangani asosiasi" in page and "Tidak memenuhi" in page


def test_access_code_is_mailed_shown_and_unlocks_the_licence_documents(app, db):
    case, cast = open_licence(db)
    drive(case, cast, until="licence_documents")
    lsp = cast.user("lsp")
    code = access_code.code_of(case)
    assert code
    mails = db.session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == lsp.email)).all()
    assert any(code in mail.body for mail in mails)
    client = app.test_client()
    login(client, lsp.username)
    page = client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert code in page and "terkunci" in page

    requirement = checklist.requirements("lisensi")[0]
    with pytest.raises(engine.CaseError) as locked:
        checklist.upload_file(case, requirement.id, "panduan.pdf", sample_pdf(), lsp)
    assert locked.value.status == 403 and "kode akses" in locked.value.message
    response = client.post(f"/lisensi/kasus/{case.number}/kode-akses", data={"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 422 and "tidak cocok" in response.get_data(as_text=True)
    response = client.post(f"/lisensi/kasus/{case.number}/kode-akses", data={"code": code.lower()})
    assert response.status_code == 302
    db.session.expire_all()
    assert access_code.entered_at(case)
    receipt = latest(case, "D5")
    assert receipt.version == 2 and "Tanda terima kode akses" in pdf_text(receipt)
    checklist.upload_file(case, requirement.id, "panduan.pdf", sample_pdf(), lsp)


def test_staff_do_not_upload_the_minutes_they_fill_them_in(app, db):
    case, cast = open_licence(db)
    drive(case, cast, until="apresiasi")
    staff = cast.user("staf_lisensi")
    client = app.test_client()
    login(client, staff.username)
    work = the_work(case, "apresiasi")
    response = client.post(f"/kasus/{case.number}/kerja/{work.id}/unggah",
                           data={"code": "D5", "file": (__import__("io").BytesIO(sample_pdf()), "ba.pdf")})
    assert response.status_code == 422 and "formulir" in response.get_data(as_text=True)


def add_two_findings(case, work, cast):
    assessor = actor_for(case, work, cast)
    found = []
    for acuan, text, category in (("PBNSP 202 Klausul 4.3.1", "Komite skema belum ditetapkan", "mayor"),
                                  ("PBNSP 201 Klausul 5.1", "Materi uji kompetensi belum diverifikasi", "minor")):
        found.append(lks.add_finding(case, MultiDict({"acuan": acuan, "finding": text, "category": category,
                                                      "evidence": "Wawancara manajer mutu"}), assessor))
    return found


def test_an_lks_with_two_findings_waits_until_both_are_corrected_and_closed(app, db):
    case, cast = open_licence(db)
    drive(case, cast, until="full_assessment")
    work = the_work(case, "full_assessment")
    first, second = add_two_findings(case, work, cast)
    assessor = db.session.get(type(cast.user("lsp")), work.assignee_id)
    step_forms.submit(case, work, MultiDict({"spt_number": "ST-12/2026", "team": "Asesor Satu\nAsesor Dua",
                                             "held_on": "2026-11-02"}), assessor)
    text = pdf_text(latest(case, "D14"))
    assert "PBNSP 202 Klausul 4.3.1" in text and "Mayor" in text and "ST-12/2026" in text
    engine.act(case, work.id, "submit", assessor)
    db.session.commit()
    lsp = cast.user("lsp")
    corrections = [w for w in engine.open_work(case) if w.step_key == "lks_correction"]
    assert len(corrections) == 2
    for correction in corrections:
        step_forms.submit(case, correction, MultiDict({"corrective_action": "Komite skema ditetapkan SK Direktur",
                                                       "evidence": "SK-07/2026"}), lsp)
        engine.act(case, correction.id, "submit", lsp)
    db.session.commit()
    verifications = [w for w in engine.open_work(case) if w.step_key == "lks_verification"]
    engine.act(case, verifications[0].id, "return", assessor, reason="SK belum ditandatangani direktur")
    db.session.commit()
    again = the_work(case, "lks_correction")
    assert lks.status_of(case, first) == "Perlu perbaikan ulang"
    client = app.test_client()
    login(client, lsp.username)
    page = client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "SK belum ditandatangani direktur" in page
    engine.act(case, verifications[1].id, "close", assessor)
    db.session.commit()
    assert "pantek_material" not in case.active_steps  # one finding still open
    step_forms.submit(case, again, MultiDict({"corrective_action": "SK ditandatangani", "evidence": "SK-07/2026 ttd"}), lsp)
    engine.act(case, again.id, "submit", lsp)
    engine.act(case, the_work(case, "lks_verification").id, "close", assessor)
    db.session.commit()
    assert case.active_steps == ["pantek_material"]
    assert {lks.status_of(case, f) for f in (first, second)} == {"Closed"}
    final = pdf_text(latest(case, "D14"))
    assert "Closed" in final and "Open" not in final and "SK ditandatangani" in final


def test_an_lks_without_findings_moves_the_case_on(app, db):
    case, cast = open_licence(db)
    drive(case, cast, until="full_assessment")
    work = the_work(case, "full_assessment")
    assessor = actor_for(case, work, cast)
    step_forms.submit(case, work, MultiDict({"spt_number": "ST-13/2026", "team": "Asesor Satu",
                                             "held_on": "2026-11-02"}), assessor)
    assert "Tidak ada temuan" in pdf_text(latest(case, "D14"))
    engine.act(case, work.id, "submit", assessor)
    assert case.active_steps == ["pantek_material"]


def test_a_named_team_with_declarations_is_in_the_surat_tugas_and_each_member_sees_the_case(app, db):
    from tests.conftest import make_user

    case, cast = open_licence(db)
    drive(case, cast, until="draft_assignment")
    staff = cast.user("staf_lisensi")
    lead, member = (make_user(f"asesor_tim_{n}", ["asesor_lisensi"]) for n in ("ketua", "anggota"))
    outsider = make_user("asesor_luar", ["asesor_lisensi"])
    assert not engine.can_view(member, case)
    client = app.test_client()
    login(client, staff.username)
    form = {"asesmen": "penuh", "lead": lead.id, "members": [member.id], "no_conflict": [lead.id]}
    refused = client.post(f"/lisensi/kasus/{case.number}/tim", data=form)
    assert refused.status_code == 422 and "konflik kepentingan" in refused.get_data(as_text=True)
    form["no_conflict"] = [lead.id, member.id]
    assert client.post(f"/lisensi/kasus/{case.number}/tim", data=form).status_code == 302
    db.session.expire_all()
    assert engine.can_view(member, case) and engine.can_view(lead, case) and not engine.can_view(outsider, case)
    work = the_work(case, "draft_assignment")
    drafted = client.post(f"/kasus/{case.number}/kerja/{work.id}/draf", data={"code": "D12"})
    assert drafted.status_code == 302
    text = pdf_text(latest(case, "D12"))
    assert lead.full_name in text and member.full_name in text


def test_kirim_ke_pantek_reaches_pantek_who_validates_or_asks_the_team_for_corrections(app, db):
    case, cast = open_licence(db)
    drive(case, cast, until="pantek_material")
    material = the_work(case, "pantek_material")
    assessor = actor_for(case, material, cast)
    engine.upload_document(case, "D16", "fr09.pdf", sample_pdf(), assessor, work=material)
    engine.act(case, material.id, "submit", assessor)
    review = the_work(case, "pantek_validation")
    assert not engine.may_act_on(assessor, case, review)  # not back to the same assessor
    pantek = cast.user("pantek")
    engine.act(case, review.id, "return", pantek, reason="Rekomendasi skema belum dirinci per unit")
    correction = the_work(case, "pantek_correction")
    assert correction.assignee_id == assessor.id  # the team corrects, only now
    engine.upload_document(case, "D17", "fr09-perbaikan.pdf", sample_pdf(), assessor, work=correction)
    engine.act(case, correction.id, "submit", assessor)
    again = the_work(case, "pantek_validation")
    engine.upload_document(case, "D18", "hasil-pantek.pdf", sample_pdf(), pantek, work=again)
    engine.act(case, again.id, "approve", pantek)
    assert case.active_steps == ["draft_pleno_invitation"]


PIN = "246810"


def official_drafts_and_real_signatures(cast, extra=None):
    """A `drive(before=...)` hook: drafts from the official templates, signatures through the queue."""
    from portal.cases.drafts import can_generate, generate_draft
    from portal.signing.models import SignatureRequest
    from portal.signing.queue import enqueue_step, set_pin, start_batch
    from portal.signing.runner import run_batch
    from portal.signing.setup import ensure_dev_signing

    def hook(case, work):
        if extra is not None and extra(case, work):
            return True
        step = engine.flow_of(case).step(work.step_key)
        present = engine.present_codes(case, work.item)
        for code in step.produces:
            if code not in present and can_generate(case, code):
                generate_draft(case, work, code, actor_for(case, work, cast))
        if not step.signs:
            return False
        ensure_dev_signing()
        signer = db.session.get(type(cast.user("ketua")), work.assignee_id) if work.assignee_id else cast.user("ketua")
        set_pin(signer, PIN)
        db.session.commit()

        def waiting():
            return [r.id for r in db.session.scalars(select(SignatureRequest).where(
                SignatureRequest.work_item_id == work.id, SignatureRequest.state == "menunggu"))]
        if not waiting():
            enqueue_step(case, work)
        batch = start_batch(signer, waiting(), PIN)
        db.session.commit()
        run_batch(batch.id)
        db.session.expire_all()
        return True

    return hook


def test_a_rejection_letter_carries_the_plenarys_reasons(app, db):
    case, cast = open_licence(db)
    cast.user("ketua")
    walked = drive(case, cast, choose=lambda step: "reject" if step == "pleno" else None,
                   before=official_drafts_and_real_signatures(cast))
    assert case.state == "ditolak" and walked[-1] == "draft_rejection"
    assert "Lisensi ditolak" in pdf_text(latest(case, "D21"))
    signed = latest(case, "D23a")
    assert signed.size > latest(case, "D22a").size  # the signed letter, not an upload
    letter = pdf_text(signed)
    assert "belum diterapkan secara konsisten" in letter and "15 hari kerja" in letter


def test_the_pleno_decision_must_match_the_action_and_needs_a_quorum(app, db):
    case, cast = open_licence(db)
    drive(case, cast, until="pleno")
    work = the_work(case, "pleno")
    member = cast.user("anggota")
    alone = MultiDict({"held_on": "2026-11-02", "decision": "diberikan", "reasons": "Memenuhi", "schemes": "Skema A",
                       "valid_years": "5", "attendees": str(member.id)})
    with pytest.raises(FormInvalid) as quorum:
        step_forms.submit(case, work, alone, member)
    assert "sedikitnya 2 anggota" in " ".join(quorum.value.errors)
    db.session.rollback()
    both = MultiDict([*alone.items(multi=True), ("attendees", str(cast.user("ketua").id))])
    step_forms.submit(case, work, both, member)
    db.session.commit()
    with pytest.raises(engine.CaseError) as mismatch:
        engine.act(case, work.id, "reject", member, reason="Tidak memenuhi")
    assert mismatch.value.status == 422
    db.session.rollback()
    engine.act(case, work.id, "approve", member)
    assert case.active_steps == ["draft_sk"]


def test_a_licence_reaches_its_signed_certificate_through_an_lks_with_two_findings_closed(app, db):
    case, cast = open_licence(db)
    case.data = {**case.data, "schemes": ["Teknisi Jaringan Komputer", "Administrator Basis Data"]}
    db.session.commit()
    added = []

    def two_findings(case, work):
        if work.step_key == "full_assessment" and not added:
            added.extend(add_two_findings(case, work, cast))
            return True
        return False

    walked = drive(case, cast, before=official_drafts_and_real_signatures(cast, two_findings))
    assert case.state == "selesai"
    assert walked.count("lks_correction") == 2 and walked.count("lks_verification") == 2
    assert {lks.status_of(case, f) for f in added} == {"Closed"}
    assert "Closed" in pdf_text(latest(case, "D14"))
    certificate = pdf_text(latest(case, "D23c"))
    assert "Teknisi Jaringan Komputer" in certificate and "SERTIFIKAT LISENSI" in certificate
    sk = pdf_text(latest(case, "D23b"))
    assert "Administrator Basis Data" in sk and "berlaku sejak tanggal ditetapkan sampai dengan" in sk
    assert walked.index("witnessing") < walked.index("certificate_handover")
    # The public register lists it, searchable by scheme, linked to the certificate's verification page.
    from portal.licensing import register

    public = app.test_client()
    page = public.get("/lisensi/register?q=basis data").get_data(as_text=True)
    entry = register.entries()[0]
    assert entry.case.id == case.id and entry.status == "berlaku" and entry.number.startswith("BNSP-LSP-")
    assert entry.number in page and "Administrator Basis Data" in page and "Berlaku" in page
    assert f"/v/{entry.public_id}" in page
    assert public.get(f"/v/{entry.public_id}").status_code == 200
    assert "Tidak ada LSP" in public.get("/lisensi/register?q=pariwisata").get_data(as_text=True)
    staff = app.test_client()
    login(staff, cast.user("staf_lisensi").username)
    assert staff.post(f"/lisensi/register/{case.number}/status", data={"status": "dibekukan", "reason": ""}).status_code == 422
    assert staff.post(f"/lisensi/register/{case.number}/status",
                      data={"status": "dibekukan", "reason": "Surveilan tidak dilaksanakan"}).status_code == 302
    assert "Dibekukan" in public.get("/lisensi/register").get_data(as_text=True)
    assert "Surveilan tidak dilaksanakan" in staff.get("/lisensi/register/internal").get_data(as_text=True)


def test_the_licence_application_asks_for_type_schemes_and_address_and_the_lsp_page_says_what_next(app, db, login_as):
    lsp = login_as("lsp")
    refused = lsp.post("/lisensi/permohonan", data={"schemes": "", "address": "Jl. Merdeka 1"})
    assert refused.status_code == 422 and "Jenis LSP" in refused.get_data(as_text=True)
    created = lsp.post("/lisensi/permohonan", data={"lsp_type": "P3", "schemes": "Teknisi Listrik\nJuru Las",
                                                    "address": "Jl. Merdeka 1, Bandung"})
    assert created.status_code == 302
    case = db.session.scalar(select(engine.Case).where(engine.Case.flow_code == "LIS"))
    assert case.data["schemes"] == ["Teknisi Listrik", "Juru Las"] and case.data["lsp_type"] == "P3"
    page = lsp.get("/lisensi/saya").get_data(as_text=True)
    assert case.number in page and "Pengajuan persyaratan apresiasi" in page and "Yang harus Anda lakukan" in page
    assert "LIS" not in lsp.get("/kasus/baru").get_data(as_text=True).split("<select")[1].split("</select>")[0]


def test_witnessing_has_its_own_lks_and_findings_and_the_certificate_waits_for_it(app, db):
    case, cast = open_licence(db)
    found = {}

    def finding_at_each_lks(case, work):
        if work.step_key in ("full_assessment", "witnessing") and work.step_key not in found:
            found[work.step_key] = lks.add_finding(case, MultiDict({
                "acuan": "PBNSP 201 Klausul 7.2", "finding": f"Temuan {work.step_key}", "category": "minor",
                "evidence": "Observasi"}), actor_for(case, work, cast))
            return True
        return False

    walked = drive(case, cast, before=finding_at_each_lks)
    assert case.state == "selesai"
    # The full assessment's closed finding does not walk again with the witnessing's own.
    assert walked.count("lks_correction") == 1 and walked.count("witnessing_correction") == 1
    assert walked.index("witnessing_verification") < walked.index("certificate_handover")
    witnessing_lks = pdf_text(latest(case, "D30"))
    assert "Temuan witnessing" in witnessing_lks and "Temuan full_assessment" not in witnessing_lks
    assert "Closed" in witnessing_lks
