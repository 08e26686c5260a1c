"""The desk-audit LKS (D10) as findings like the others, evidence files on findings and corrections
(through the upload gate, seen only by the right people), and the plenary's validity period on the
licence certificate's register entry and verification page."""
from __future__ import annotations

import io

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict

from portal.cases import engine
from portal.core.dates import format_date_id, to_wib, utcnow
from portal.extensions import db
from portal.forms import services as step_forms
from portal.licensing import lks
from portal.licensing.models import FindingAnswer, LksFinding
from tests.conftest import login, make_user
from tests.factories import Cast, actor_for, drive, sample_pdf
from tests.test_licensing import latest, official_drafts_and_real_signatures, open_licence, pdf_text, the_work

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf_upload(name: str = "bukti.pdf", data: bytes | None = None) -> FileStorage:
    return FileStorage(io.BytesIO(data if data is not None else sample_pdf()), filename=name)


def at_desk_audit(db):
    case, cast = open_licence(db)
    drive(case, cast, until="desk_audit")
    work = the_work(case, "desk_audit")
    return case, cast, work, actor_for(case, work, cast)


def desk_audit_finding(case, assessor, **extra) -> LksFinding:
    return lks.add_finding(case, MultiDict({"acuan": "PBNSP 202 Klausul 4.2.4", "category": "mayor",
                                            "finding": "Akta notaris pendirian LSP belum dilampirkan", **extra}),
                           assessor)


def send_desk_audit_lks(case, work, assessor) -> None:
    step_forms.submit(case, work, MultiDict({"spt_number": "ST-07/KECUKUPAN/2026", "team": assessor.full_name,
                                             "held_on": to_wib(utcnow()).date().isoformat()}), assessor)
    engine.act(case, work.id, "submit", assessor)
    db.session.commit()


def test_desk_audit_lks_is_a_record_with_findings_that_wait_until_closed(app, db):
    case, cast, work, assessor = at_desk_audit(db)
    finding = desk_audit_finding(case, assessor, evidence_file=pdf_upload("daftar.pdf"))
    db.session.commit()
    send_desk_audit_lks(case, work, assessor)
    text = pdf_text(latest(case, "D10"))
    assert "Asesmen Kecukupan" in text and "PBNSP 202 Klausul 4.2.4" in text and "ST-07/KECUKUPAN/2026" in text
    assert "Lampiran: daftar.pdf" in text and "Open" in text
    assert case.active_steps == ["desk_audit_correction"]  # waits for the CLSP, not on to the Surat Tugas
    lsp = cast.user("lsp")
    correction = the_work(case, "desk_audit_correction")
    step_forms.submit(case, correction, MultiDict({"corrective_action": "Akta pendirian dilampirkan",
                                                   "evidence_file": pdf_upload("aktanotaris.pdf")}), lsp)
    engine.act(case, correction.id, "submit", lsp)
    db.session.commit()
    verification = the_work(case, "desk_audit_verification")
    assert lks.status_of(case, finding) == "Menunggu verifikasi"
    engine.act(case, verification.id, "return", assessor, reason="Akta belum dilegalisasi")
    db.session.commit()
    again = the_work(case, "desk_audit_correction")
    assert lks.status_of(case, finding) == "Perlu perbaikan ulang" and "draft_assignment" not in case.active_steps
    step_forms.submit(case, again, MultiDict({"corrective_action": "Akta legalisasi notaris dilampirkan",
                                              "evidence": "Akta No. 12 tanggal 2 Maret 2026"}), lsp)
    engine.act(case, again.id, "submit", lsp)
    engine.act(case, the_work(case, "desk_audit_verification").id, "close", assessor)
    db.session.commit()
    assert case.active_steps == ["draft_assignment"] and lks.status_of(case, finding) == "Closed"
    final = pdf_text(latest(case, "D10"))
    assert "Closed" in final and "Open" not in final and "Akta legalisasi notaris dilampirkan" in final


def test_desk_audit_without_findings_moves_on_to_the_surat_tugas(app, db):
    case, cast, work, assessor = at_desk_audit(db)
    send_desk_audit_lks(case, work, assessor)
    assert "Tidak ada temuan" in pdf_text(latest(case, "D10"))
    assert case.active_steps == ["draft_assignment"]


def test_a_finding_needs_a_file_or_a_note_and_a_file_that_is_not_a_pdf_is_refused_with_415(app, db):
    case, cast, work, assessor = at_desk_audit(db)
    client = app.test_client()
    login(client, assessor.username)
    typed = {"acuan": "PBNSP 201 Klausul 7.1", "finding": "Rekaman asesmen tidak lengkap", "category": "minor"}
    bare = client.post(f"/lisensi/kasus/{case.number}/temuan", data=typed)
    assert bare.status_code == 422 and "unggah berkas PDF atau tulis keterangannya" in bare.get_data(as_text=True)
    refused = client.post(f"/lisensi/kasus/{case.number}/temuan", content_type="multipart/form-data",
                          data={**typed, "evidence_file": (io.BytesIO(PNG), "foto.png")})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 415 and "Berkas bukan PDF" in page
    assert "Rekaman asesmen tidak lengkap" in page and "PBNSP 201 Klausul 7.1" in page  # what was typed stays
    assert db.session.scalar(select(func.count(LksFinding.id))) == 0
    stored = client.post(f"/lisensi/kasus/{case.number}/temuan", content_type="multipart/form-data",
                         data={**typed, "evidence_file": (io.BytesIO(sample_pdf()), "rekaman.pdf")})
    assert stored.status_code == 302
    (finding,) = lks.findings_of(case)
    assert finding.evidence_filename == "rekaman.pdf" and finding.evidence == ""


def test_the_clsps_answer_with_a_wrong_file_is_refused_with_415_and_keeps_what_was_typed(app, db):
    case, cast, work, assessor = at_desk_audit(db)
    desk_audit_finding(case, assessor, evidence="Daftar dokumen")
    send_desk_audit_lks(case, work, assessor)
    lsp = cast.user("lsp")
    correction = the_work(case, "desk_audit_correction")
    client = app.test_client()
    login(client, lsp.username)
    url = f"/kasus/{case.number}/kerja/{correction.id}/formulir"
    refused = client.post(url, content_type="multipart/form-data",
                          data={"corrective_action": "Akta pendirian dilampirkan",
                                "evidence_file": (io.BytesIO(PNG), "akta.png")})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 415 and "Berkas bukan PDF" in page and "Akta pendirian dilampirkan" in page
    assert db.session.scalar(select(func.count(FindingAnswer.id))) == 0
    done = client.post(url, content_type="multipart/form-data",
                       data={"corrective_action": "Akta pendirian dilampirkan",
                             "evidence_file": (io.BytesIO(sample_pdf()), "akta.pdf")})
    assert done.status_code == 302
    answer = db.session.scalar(select(FindingAnswer))
    assert answer.evidence_filename == "akta.pdf"
    assert "Lampiran bukti: akta.pdf" in pdf_text(latest(case, "D10 P", engine.item_key(correction.item)))
    # Saved again with other words and no file chosen: the saved file stays with the answer.
    again = client.post(url, content_type="multipart/form-data", data={"corrective_action": "Akta dan SK pengesahan"})
    assert again.status_code == 302
    assert lks.latest_answer(lks.findings_of(case)[0]).evidence_filename == "akta.pdf"
    assert "tetap dipakai bila tidak memilih berkas baru" in client.get(f"/kasus/{case.number}").get_data(as_text=True)


def test_evidence_files_open_for_the_team_staff_and_the_clsp_only(app, db):
    case, cast, work, assessor = at_desk_audit(db)
    finding = desk_audit_finding(case, assessor, evidence_file=pdf_upload("temuan.pdf"))
    db.session.commit()
    url = f"/lisensi/kasus/{case.number}/temuan/{finding.id}/bukti"
    lsp_client = app.test_client()
    login(lsp_client, cast.user("lsp").username)
    assert lsp_client.get(url).status_code == 403  # the team's draft until the LKS is sent
    send_desk_audit_lks(case, work, assessor)
    correction = the_work(case, "desk_audit_correction")
    step_forms.submit(case, correction, MultiDict({"corrective_action": "Diperbaiki",
                                                   "evidence_file": pdf_upload("perbaikan.pdf")}), cast.user("lsp"))
    db.session.commit()
    answer = db.session.scalar(select(FindingAnswer))
    answer_url = f"/lisensi/kasus/{case.number}/jawaban/{answer.id}/bukti"
    other = Cast()  # another organisation with its own LSP and assessor
    outsiders = [other.user("lsp"), make_user("asesor_lain", ["asesor_lisensi"])]
    insiders = [assessor, cast.user("lsp"), cast.user("staf_lisensi")]
    for person in insiders:
        client = app.test_client()
        login(client, person.username)
        for link in (url, answer_url):
            response = client.get(link)
            assert response.status_code == 200 and response.data.startswith(b"%PDF"), (person.username, link)
    for person in outsiders:
        client = app.test_client()
        login(client, person.username)
        for link in (url, answer_url):
            assert client.get(link).status_code in (403, 404), (person.username, link)
    page = lsp_client.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "temuan.pdf" in page and "perbaikan.pdf" in page


def test_the_certificate_register_and_verification_carry_the_plenarys_validity(app, db):
    case, cast = open_licence(db)
    decided = []

    def three_year_plenary(case, work):
        if work.step_key != "pleno" or decided:
            return False
        from portal.licensing.pleno import members

        member = actor_for(case, work, cast)
        step_forms.submit(case, work, MultiDict(
            [("held_on", to_wib(utcnow()).date().isoformat()), ("valid_years", "3"), ("decision", "diberikan"),
             ("reasons", "Seluruh temuan LKS closed"), ("schemes", "Teknisi Jaringan Komputer")]
            + [("attendees", str(u.id)) for u in members()[:3]]), member)
        db.session.commit()
        decided.append(True)
        return True

    drive(case, cast, before=official_drafts_and_real_signatures(cast, three_year_plenary))
    assert case.state == "selesai"
    from portal.licensing import register

    entry = register.entries()[0]
    until = entry.valid_from + relativedelta(years=3)
    assert entry.valid_until == until
    assert format_date_id(until) in pdf_text(latest(case, "D23c"))
    public = app.test_client()
    assert format_date_id(until) in public.get("/lisensi/register").get_data(as_text=True)
    verification = public.get(f"/v/{entry.public_id}").get_data(as_text=True)
    assert format_date_id(until) in verification
    assert format_date_id(entry.valid_from + relativedelta(years=5)) not in verification
