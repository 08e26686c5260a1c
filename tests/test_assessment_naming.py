"""The Master Asesor is named before the SPT: the SPT names them, only they act, and a step that
needs a named MA while none is named sits in the staff's Kotak Kerja instead of nowhere."""
from __future__ import annotations

import subprocess
from datetime import date

from portal import storage
from portal.assessment.people import make_nik
from portal.assessment.models import Person
from portal.cases import engine
from tests.assessment_data import open_assessor_case
from tests.factories import Cast, drive


def test_spt_waits_for_the_named_ma_and_names_them_with_their_registration(app, db, login_as):
    cast = Cast()
    case = open_assessor_case("RCC", cast, 1)
    drive(case, cast, until="draft_approval")
    penguji = cast.user("ma_penguji")
    db.session.add(Person(nik=make_nik(date(1975, 3, 3), "L"), full_name=penguji.full_name, birth_place="Bogor",
                          birth_date=date(1975, 3, 3), sex="L", email=penguji.email, phone="0811000111",
                          institution="BNSP", met_number="MET.000.000321.2015",
                          certificate_expiry=date(date.today().year + 2, 1, 1), user_id=penguji.id))
    db.session.commit()
    staff = login_as("staf_sertifikasi")
    work = engine.open_work(case)[0]
    page = staff.get(f"/kasus/{case.number}").get_data(as_text=True)
    assert "Tunjuk MA Penguji" in page and "MET.000.000321.2015, sertifikat berlaku s.d." in page
    refused = staff.post(f"/kasus/{case.number}/kerja/{work.id}/draf", data={"code": "D6 B"})
    assert refused.status_code == 422 and "Pilih Master Asesor Penguji terlebih dahulu" in refused.get_data(as_text=True)
    assert staff.post(f"/kasus/{case.number}/master-asesor", data={"slot": "spt_ma_penguji", "user_id": penguji.id}
                      ).status_code == 302
    assert staff.post(f"/kasus/{case.number}/kerja/{work.id}/draf", data={"code": "D6 B"}).status_code == 302
    db.session.expire_all()
    spt = engine.latest_documents(case)[("D6 B", "")]
    text = subprocess.run(["pdftotext", "-layout", str(storage.path_for(spt.storage_key)), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert penguji.full_name in text and "MET.000.000321.2015" in text and "(nama akan diisi)" not in text


def test_a_step_for_an_unnamed_ma_reaches_the_staff_inbox_not_nowhere(app, db, login_as):
    cast = Cast()
    case = open_assessor_case("ASKOM", cast, 1)
    drive(case, cast, until="readiness")  # the driver names nobody before this step
    db.session.commit()
    work = engine.open_work(case)[0]
    assert work.step_key == "readiness" and work.assignee_id is None
    staff = login_as("staf_sertifikasi")
    assert case.number in staff.get("/kotak-kerja").get_data(as_text=True)
    ma = login_as("ma_pelatih")
    assert case.number not in ma.get("/kotak-kerja").get_data(as_text=True)
    refused = staff.post(f"/kasus/{case.number}/kerja/{work.id}/tindakan", data={"action": "submit"})
    assert refused.status_code == 403  # staff name the MA; they do not act for them
    staff.post(f"/kasus/{case.number}/tugaskan", data={"slot": "spt_ma_pelatih", "user_id": ma.user.id})
    assert case.number in ma.get("/kotak-kerja").get_data(as_text=True)
    assert case.number not in staff.get("/kotak-kerja").get_data(as_text=True)


def test_a_missing_or_wrong_ma_choice_answers_422_with_the_message_and_the_picker_kept(app, db, login_as):
    cast = Cast()
    case = open_assessor_case("RCC", cast, 1)
    drive(case, cast, until="draft_approval")
    db.session.commit()
    staff = login_as("staf_sertifikasi")
    url = f"/kasus/{case.number}/master-asesor"
    for data, message in (({"slot": "spt_ma_penguji", "user_id": ""}, "Pilih Master Asesor yang ditugaskan."),
                          ({"slot": "spt_ma_penguji", "user_id": cast.user("ma_pelatih").id},
                           f"{cast.user('ma_pelatih').full_name} bukan MA Penguji."),
                          ({"slot": "spt_lain", "user_id": cast.user("ma_penguji").id}, "Penugasan ini tidak dikenal.")):
        for headers in ({}, {"HX-Request": "true", "HX-Target": "case-body"}):
            refused = staff.post(url, data=data, headers=headers)
            text = refused.get_data(as_text=True)
            assert refused.status_code == 422 and "Location" not in refused.headers, data
            assert message in text and "Tunjuk MA Penguji" in text and "Tunjuk MA Pelatih" in text
            assert ("<html" in text) is not bool(headers)  # HTMX gets the case body to swap in
    db.session.expire_all()
    assert "spt_ma_penguji" not in (case.data or {}).get("assignees", {})
