"""The request's participant list: people checked row by row, nothing created when any row is bad;
the scheme catalogue and its CSV import."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.assessment import catalogue
from portal.assessment.models import Participant, Person, Scheme
from portal.assessment.people import make_nik
from portal.audit.models import AuditEntry
from portal.cases.models import Case
from tests.assessment_data import open_assessor_case

HEADER = "nama_lengkap,nik,tempat_lahir,tanggal_lahir,jenis_kelamin,email,telepon,institusi,nomor_registrasi,masa_berlaku"
NEXT_YEAR = date.today().year + 1


def _good(n: int, name: str = "Rudi Hartono", sex: str = "L") -> str:
    born = date(1984, 5, n)
    return (f"{name},{make_nik(born, sex, serial=n)},Bekasi,{born.isoformat()},{sex},rudi{n}@contoh.id,"
            f"0813555000{n:02d},PT Maju Jaya,MET.000.{n:06d}.2021,{NEXT_YEAR}-06-30")


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _post_list(client, csv_text: str, scheme: Scheme, flow: str = "RCC", filename: str = "peserta.csv"):
    return client.post("/kasus/baru", data={"flow": flow, "title": "", "scheme_id": str(scheme.id),
                                            "participant_file": (io.BytesIO(csv_text.encode()), filename)},
                       content_type="multipart/form-data")


def test_ten_bad_rows_get_ten_precise_messages_and_nothing_is_created(app, db, login_as):
    from tests.factories import Cast

    scheme = catalogue.seed_assessor_schemes()[0]
    busy = open_assessor_case("RCC", Cast(), 1)  # Budi Santoso is in an unfinished RCC of this scheme
    budi = busy.items[0]
    budi_person = db.session.scalar(select(Person))
    db.session.commit()
    before = {m: _count(db, m) for m in (Case, Person, Participant)}
    bad = [
        _good(12).replace(make_nik(date(1984, 5, 12), "L", serial=12), "12345"),                      # 2 short NIK
        _good(2).replace("rudi2@contoh.id", "rudi2@contoh"),                                           # 3 e-mail
        _good(1),                                                                                      # 4 fine
        _good(1).replace("rudi1@", "rudi1b@"),                                                         # 5 duplicate NIK
        _good(5).replace("MET.000.000005.2021", "TIK 1565 20938 2025"),                                # 6 not an assessor
        (f"Budi Santoso,{budi_person.nik},Semarang,1982-04-17,L,budi.lain@contoh.id,081234567890,"
         f"Politeknik Negeri Semarang,MET.000.000001.2020,{NEXT_YEAR}-01-31"),                        # 7 busy
        _good(7).replace("1984-05-07", "07/13/1984"),                                                  # 8 date
        _good(8).replace(",L,", ",X,"),                                                                # 9 sex
        _good(9, sex="L").replace(make_nik(date(1984, 5, 9), "L", serial=9),
                                  make_nik(date(1984, 5, 9), "P", serial=9)),                          # 10 NIK vs sex
        _good(10).replace(f",{NEXT_YEAR}-06-30", ","),                                                 # 11 no expiry
        _good(11).replace(",0813555000", ",telp "),                                                    # 12 phone
    ]
    staff = login_as("lsp")
    response = _post_list(staff, "\n".join([HEADER, *bad]) + "\n", scheme)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    import re

    messages = re.findall(r'<li class="field-error">(.*?)</li>', page)
    assert len(messages) == 10, "\n".join(messages)
    expected = {2: "harus 16 angka", 3: "tidak valid", 5: "sama dengan baris 4", 6: "bukan nomor sertifikat asesor",
                7: f"masih terdaftar pada kasus {busy.number}", 8: "tanggal lahir", 9: "jenis kelamin harus L atau P",
                10: "tidak cocok dengan jenis kelamin", 11: "masa berlaku sertifikat", 12: "nomor telepon"}
    for line, fragment in expected.items():
        hit = [m for m in messages if m.startswith(f"Baris {line} ")]
        assert hit and fragment in hit[0].replace("&#34;", '"'), (line, hit)
    assert {m: _count(db, m) for m in (Case, Person, Participant)} == before
    assert budi.case_id == busy.id


def test_a_good_xlsx_opens_the_case_with_its_people_and_one_person_stays_one_across_cases(app, db, login_as):
    from openpyxl import Workbook

    scheme = catalogue.seed_assessor_schemes()[0]
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for n in (1, 2):
        values = _good(n, name=f"Rudi Hartono {n}").split(",")
        values[3] = date.fromisoformat(values[3])  # a real date cell, as Excel stores it
        sheet.append(values)
    data = io.BytesIO()
    book.save(data)
    lsp = login_as("lsp")
    response = lsp.post("/kasus/baru", data={"flow": "RCC", "scheme_id": str(scheme.id),
                                             "participant_file": (io.BytesIO(data.getvalue()), "peserta.xlsx")},
                        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = db.session.scalar(select(Case))
    people = db.session.scalars(select(Participant).where(Participant.case_id == case.id)).all()
    assert [p.person.full_name for p in people] == ["Rudi Hartono 1", "Rudi Hartono 2"]
    assert people[0].person.met_number == "MET.000.000001.2021"
    assert case.data["scheme_number"] == "SKM/BNSP/00010/2/2023"


def test_form_rows_on_the_new_case_screen(app, db, login_as):
    scheme = catalogue.seed_assessor_schemes()[0]
    lsp = login_as("lsp")
    page = lsp.get("/kasus/baru").get_data(as_text=True)
    assert "nik-1" in page and scheme.number in page and 'name="participants"' not in page
    values = _good(3, name="Sri Wahyuni", sex="P").split(",")
    born = date(1984, 5, 3)
    values[1] = make_nik(born, "P", serial=3)
    form = dict(zip([f"{c}-1" for c in HEADER.split(",")], values))
    response = lsp.post("/kasus/baru", data={"flow": "ASKOM", "scheme_id": str(scheme.id), **form})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    assert db.session.scalar(select(Person.full_name)) == "Sri Wahyuni"


def test_catalogue_csv_import_is_all_or_nothing_and_audited(app, db, login_as):
    admin = login_as("admin")
    good = catalogue.ASSESSOR_SCHEME_CSV
    broken = good + "SKM/BNSP/123;Skema Rusak;okupasi;X.1;Unit;SKKNI;1;El;1.1;KUK\n"
    response = admin.post("/admin/skema/impor", data={"file": (io.BytesIO(broken.encode()), "skema.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 422 and "tidak sesuai format" in response.get_data(as_text=True)
    assert _count(db, Scheme) == 0
    response = admin.post("/admin/skema/impor", data={"file": (io.BytesIO(good.encode()), "skema.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    scheme = catalogue.assessor_scheme()
    assert [u.code for u in scheme.units] == ["M.74SPS03.088.2", "M.74SPS03.090.1", "M.74SPS03.095.1"]
    assert scheme.units[0].elements[1].kuk == [["2.1", "Unit kompetensi dianalisis untuk menentukan bukti dan "
                                                      "metode asesmen"], ["2.2", "Rencana asesmen disusun dan disepakati"]]
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "scheme.import")) == 2
    listing = admin.get("/admin/skema").get_data(as_text=True)
    assert "SKM/BNSP/00029/2/2023" in listing


@pytest.mark.parametrize("nik, problem", [
    ("3171011705820001", None), ("317101170582000", "16 angka"), ("9971011705820001", "provinsi"),
    ("3171013505820001", "tanggal lahir"), ("3171015705820001", None),
])
def test_nik_check(nik, problem):
    from portal.assessment.people import nik_problem

    found = nik_problem(nik)
    assert (found is None) if problem is None else (problem in found)
