"""Licensing in a real browser (desktop and 390 px): the CLSP uploads per requirement, CS checks item
by item and returns with notes the CLSP then reads, the access code unlocks the licence documents,
and the CLSP answers an LKS finding."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from werkzeug.datastructures import MultiDict

from tests.factories import Cast, actor_for, drive, sample_pdf

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 800}


def _licence_case(db):
    from portal.accounts.models import User
    from portal.cases import engine

    lsp1 = db.session.scalar(db.select(User).where(User.username == "lsp1"))
    case = engine.open_case("LIS", lsp1, "Lisensi LSP Teknologi Digital Nusantara", organisation=lsp1.organisation)
    db.session.commit()
    return case, Cast(lsp1.organisation)


def _upload_every_requirement(page, tmp_path, stage_items):
    pdf = tmp_path / "persyaratan.pdf"
    pdf.write_bytes(sample_pdf())
    for requirement in stage_items:
        item = page.locator(f"#persyaratan-{requirement.id}")
        item.locator("input[type=file]").set_input_files(str(pdf))
        with page.expect_navigation():
            item.locator("button[type=submit]").click()
        expect(page.locator(f"#persyaratan-{requirement.id}")).to_contain_text("persyaratan.pdf")


def test_clsp_checklist_cs_check_access_code_and_answering_a_finding(
        page, db, live_server, demo_accounts, sign_in, snap, tmp_path):
    from portal.licensing import access_code, checklist, lks

    case, cast = _licence_case(db)
    items = checklist.requirements("apresiasi")
    db.session.commit()
    sign_in("lsp1")
    page.goto(f"/kasus/{case.number}")
    expect(page.get_by_role("button", name="Ajukan")).to_be_disabled()
    _upload_every_requirement(page, tmp_path, items)
    page.get_by_label("Saya menyatakan berkas yang diunggah benar").check()
    page.get_by_role("button", name="Simpan daftar persyaratan").click()
    expect(page.locator(".form-saved")).to_contain_text("D1 versi 1")
    snap("lisensi-persyaratan-clsp")
    page.get_by_role("button", name="Ajukan").click()
    expect(page.locator("#timeline")).to_contain_text("Pengajuan persyaratan apresiasi: Ajukan")

    # Customer Service judges each item; one is not met, with a note; "Lengkap" is refused; return.
    page.context.clear_cookies()
    sign_in("cs")
    page.goto(f"/kasus/{case.number}")
    page.set_viewport_size(PHONE)
    for requirement in items:
        verdict = "Tidak memenuhi" if requirement is items[2] else "Memenuhi"
        page.locator(f"#cek-{requirement.id}").get_by_label(verdict, exact=True).check()
    page.locator(f"#cek-{items[2].id}").get_by_label("Catatan").fill("Surat dukungan belum ditandatangani asosiasi")
    page.get_by_role("button", name="Simpan hasil pemeriksaan").click()
    expect(page.locator(".form-saved")).to_contain_text("D2 versi 1")
    snap("lisensi-cek-cs")
    page.get_by_role("button", name="Lengkap").click()
    expect(page.get_by_role("alert")).to_contain_text("Belum lengkap")
    page.get_by_label("Alasan / catatan untuk kembalikan untuk perbaikan").fill("Perbaiki sesuai catatan per item")
    page.get_by_role("button", name="Kembalikan untuk perbaikan").click()
    expect(page.locator("#timeline")).to_contain_text("Kembalikan untuk perbaikan")
    page.set_viewport_size(DESKTOP)

    page.context.clear_cookies()
    sign_in("lsp1")
    page.goto(f"/kasus/{case.number}")
    note = page.locator(f"#persyaratan-{items[2].id}")
    expect(note).to_contain_text("Tidak memenuhi")
    expect(note).to_contain_text("Surat dukungan belum ditandatangani asosiasi")
    snap("lisensi-catatan-cs-untuk-clsp")

    # The rest of the apresiasi through the engine; the code then waits on the CLSP's page and mail.
    drive(case, cast, until="licence_documents")
    code = access_code.code_of(case)
    page.reload()
    expect(page.locator(".requirement-upload")).to_contain_text("terkunci")
    expect(page.locator(".access-code")).to_have_text(code)
    page.get_by_label("Masukkan kode akses").fill("SALAH-0000-0000")
    page.get_by_role("button", name="Buka unggahan dokumen lisensi").click()
    expect(page.get_by_role("alert")).to_contain_text("Kode akses tidak cocok")
    page.get_by_label("Masukkan kode akses").fill(code)
    page.get_by_role("button", name="Buka unggahan dokumen lisensi").click()
    expect(page.locator(".licence-panel")).to_contain_text("telah dimasukkan CLSP")
    expect(page.locator(".requirement-upload input[type=file]").first).to_be_visible()
    snap("lisensi-kode-akses-diterima")

    # A finding at the full assessment; the CLSP answers it on the case page.
    def one_finding(case, work):
        if work.step_key == "full_assessment" and not lks.findings_of(case):
            lks.add_finding(case, MultiDict({"acuan": "PBNSP 202 Klausul 4.3.1", "finding": "Komite skema belum ditetapkan",
                                             "category": "mayor", "evidence": "Struktur organisasi LSP"}),
                            actor_for(case, work, cast))
            return True
        return False

    drive(case, cast, before=one_finding, until="lks_correction")
    page.goto(f"/kasus/{case.number}")
    answer = page.locator(".answer-form")
    expect(answer).to_contain_text("PBNSP 202 Klausul 4.3.1")
    expect(page.locator(".lks-deadline")).to_contain_text("hari kerja lagi")
    answer.get_by_label("Tindakan perbaikan").fill("Komite skema ditetapkan dengan SK Direktur LSP")
    answer.get_by_label("Bukti perbaikan").fill("SK-07/LSP-TDN/2026")
    page.get_by_role("button", name="Simpan perbaikan").click()
    expect(page.locator(".form-saved")).to_contain_text("D15 versi 1")
    snap("lisensi-jawab-temuan")
    page.get_by_role("button", name="Kirim perbaikan").click()
    expect(page.locator("#timeline")).to_contain_text("Perbaikan temuan LKS oleh CLSP: Kirim perbaikan")
    expect(page.locator(".licence-panel")).to_contain_text("Menunggu verifikasi")


def test_clsp_answers_a_desk_audit_finding_with_an_evidence_file(page, db, live_server, demo_accounts, sign_in, snap,
                                                                  tmp_path):
    import io

    from werkzeug.datastructures import FileStorage

    from portal.cases import engine
    from portal.forms import services as step_forms
    from portal.licensing import checklist, lks

    checklist.ensure_default_requirements()
    case, cast = _licence_case(db)
    drive(case, cast, until="desk_audit")
    work = next(w for w in engine.open_work(case) if w.step_key == "desk_audit")
    assessor = actor_for(case, work, cast)
    lks.add_finding(case, MultiDict({"acuan": "PBNSP 202 Klausul 4.2.4", "category": "mayor",
                                     "finding": "Akta notaris pendirian LSP belum dilampirkan",
                                     "evidence": "Daftar dokumen lisensi yang diunggah",
                                     "evidence_file": FileStorage(io.BytesIO(sample_pdf()), filename="daftar.pdf")}),
                    assessor)
    step_forms.submit(case, work, MultiDict({"spt_number": "ST-07/KECUKUPAN/2026", "team": assessor.full_name,
                                             "held_on": "2026-11-02"}), assessor)
    engine.act(case, work.id, "submit", assessor)
    db.session.commit()

    sign_in("lsp1")
    page.goto(f"/kasus/{case.number}")
    answer = page.locator(".answer-form")
    expect(answer).to_contain_text("PBNSP 202 Klausul 4.2.4")
    expect(answer.get_by_role("link", name="daftar.pdf")).to_be_visible()  # the assessor's evidence file
    answer.get_by_label("Tindakan perbaikan").fill("Akta pendirian dengan legalisasi notaris dilampirkan")
    photo = tmp_path / "akta.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    answer.get_by_label("Berkas bukti").set_input_files(str(photo))
    page.get_by_role("button", name="Simpan perbaikan").click()
    # A file that is not a PDF: 415, the refusal in the page and what was typed still there.
    expect(page.get_by_role("alert")).to_contain_text("Berkas bukan PDF")
    expect(answer.get_by_label("Tindakan perbaikan")).to_have_value("Akta pendirian dengan legalisasi notaris dilampirkan")
    snap("lisensi-jawab-temuan-berkas-ditolak")
    pdf = tmp_path / "akta-notaris.pdf"
    pdf.write_bytes(sample_pdf())
    answer.get_by_label("Berkas bukti").set_input_files(str(pdf))
    answer.get_by_label("Bukti perbaikan").fill("Akta No. 12 tanggal 2 Maret 2026")
    page.get_by_role("button", name="Simpan perbaikan").click()
    expect(page.locator(".form-saved")).to_contain_text("D10 P versi 1")
    snap("lisensi-jawab-temuan-kecukupan")
    page.get_by_role("button", name="Kirim perbaikan").click()
    panel = page.locator(".licence-panel")
    expect(panel).to_contain_text("Menunggu verifikasi")
    expect(panel.get_by_role("link", name="akta-notaris.pdf")).to_be_visible()
    snap("lisensi-temuan-kecukupan-dijawab")
