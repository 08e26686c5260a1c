"""Management dashboard: cases per flow and month (started, finished, on time, late), open work per
role and person, the oldest late items, stalled cases, the CSV (UTF-8 BOM) and the SVG charts."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest

from portal.calendar.services import seed_default_holidays, work_calendar
from portal.cases import engine
from portal.core.dates import WIB, to_wib, utcnow
from portal.flows.definition import FORWARD_KINDS
from portal.flows.machine import missing_documents
from portal.notifications import dashboard
from tests.factories import Cast, actor_for, sample_pdf


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def walk(case, cast, moments: list[datetime]) -> None:
    """Take the forward action of each open step at the given moments (a frozen clock)."""
    for moment in moments:
        work = engine.open_work(case)[0]
        step = engine.flow_of(case).step(work.step_key)
        actor = actor_for(case, work, cast)
        transition = next(t for t in step.transitions if t.kind in FORWARD_KINDS)
        for code in missing_documents(step, transition, engine.present_codes(case, work.item)):
            engine.upload_document(case, code, f"{code}.pdf", sample_pdf(), actor, work=work)
        engine.act(case, work.id, transition.key, actor, now=moment)
    from portal.extensions import db

    db.session.commit()


@pytest.fixture()
def letters(app, db):
    seed_default_holidays()
    calendar = work_calendar()
    today = to_wib(utcnow()).date()
    # The first of last month: every moment of the walk is in the past, however early today is
    # (on the first of a month before 09:00 WIB the running letter would not be late yet).
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    day = first if calendar.is_working_day(first) else calendar.next_working_day(first)
    later = calendar.add_working_days(day, 3)
    cast = Cast()
    staf = cast.user("staf_lisensi")
    on_time = engine.open_case("SKS", staf, "Surat tepat waktu", now=at(day, 9))
    walk(on_time, cast, [at(day, 9, 5), at(day, 9, 10), at(day, 9, 20), at(day, 9, 30), at(day, 9, 40)])
    late = engine.open_case("SKS", staf, "Surat terlambat", now=at(day, 9))
    walk(late, cast, [at(day, 9, 5), at(later, 9), at(later, 9, 10), at(later, 9, 20), at(later, 9, 30)])
    running = engine.open_case("SKS", staf, "Surat masih berjalan", now=at(day, 9))
    walk(running, cast, [at(day, 9, 5)])
    return dict(day=day, later=later, on_time=on_time, late=late, running=running, cast=cast)


def test_figures_per_flow_and_month_and_open_work(db, letters):
    day = letters["day"]
    data = dashboard.overview(day.year, now=at(letters["later"], 16))
    row = data.months[("SKS", day.month)]
    assert (row.started, row.finished, row.on_time, row.late) == (3, 2, 1, 1)
    assert letters["on_time"].state == "selesai" and letters["late"].state == "selesai"
    assert data.per_role == [("kabag", 1)]  # the running letter waits for the Kepala Bagian's paraf
    assert [(person, count) for person, count in data.per_person] == [(None, 1)]
    assert [work.case.number for work in data.oldest_late] == [letters["running"].number]


def test_dashboard_page_csv_and_access(app, db, letters, login_as):
    day = letters["day"]
    kasek = login_as("kasek")
    response = kasek.get(f"/dasbor?tahun={day.year}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("<svg") == 2 and 'class="chart-ontime"' in html and 'class="chart-late"' in html
    assert "style=" not in html and "<style" not in html and "<script>" not in html
    assert "Surat Keluar dari Sekretariat" in html and letters["running"].number in html
    response = kasek.get(f"/dasbor/ekspor.csv?tahun={day.year}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Alur", "Bulan", "Dimulai", "Selesai", "Tepat waktu", "Terlambat"]
    assert rows[1] == ["Alur Surat Keluar dari Sekretariat", f"{day.year}-{day.month:02d}", "3", "2", "1", "1"]
    for role, status in (("ketua", 200), ("kabag", 200), ("admin", 200), ("cs", 403), ("lsp", 403)):
        assert login_as(role).get("/dasbor").status_code == status, role
    assert kasek.get("/dasbor?tahun=99999").status_code == 404


def test_a_case_whose_named_person_left_shows_as_stalled(app, db, login_as):
    cast = Cast()
    case = engine.open_case("RCC", cast.user("lsp"), "RCC MA nonaktif", organisation=cast.organisation,
                            participants=["Budi"])
    from tests.factories import drive

    drive(case, cast, until="readiness")
    ma = cast.user("ma_penguji")
    engine.assign(case, "spt_ma_penguji", ma, cast.user("staf_sertifikasi"))
    db.session.commit()
    assert dashboard_stalled() == []
    ma.is_enabled = False
    db.session.commit()
    assert dashboard_stalled() == [case.number]
    html = login_as("ketua").get("/dasbor").get_data(as_text=True)
    assert case.number in html and "Kasus tanpa pekerjaan yang dapat dikerjakan (1)" in html


def dashboard_stalled() -> list[str]:
    from portal.notifications.stalls import stalled_cases

    return [case.number for case in stalled_cases()]


