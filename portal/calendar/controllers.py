from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for

from portal.calendar import services
from portal.calendar.blueprint import bp
from portal.core.access import allow
from portal.core.dates import utcnow
from portal.extensions import db


@bp.get("/")
@allow("admin")
def manage():
    year = request.args.get("tahun", utcnow().year, type=int)
    return render_template("calendar/manage.html", year=year, holidays=services.holidays_in(year),
                           error=None)


@bp.post("/tambah")
@allow("admin")
def add():
    try:
        day = date.fromisoformat(request.form.get("day", ""))
        services.add_holiday(day, request.form.get("name", ""))
    except (ValueError, services.CalendarError) as exc:
        db.session.rollback()
        error = str(exc) if isinstance(exc, services.CalendarError) else "Tanggal tidak valid."
        year = utcnow().year
        return render_template("calendar/manage.html", year=year,
                               holidays=services.holidays_in(year), error=error), 422
    db.session.commit()
    flash("Hari libur ditambahkan; jatuh tempo dihitung ulang dengan kalender baru.", "success")
    return redirect(url_for("calendar.manage", tahun=day.year))


@bp.post("/<int:holiday_id>/hapus")
@allow("admin")
def remove(holiday_id: int):
    try:
        services.remove_holiday(holiday_id)
    except services.CalendarError as exc:
        db.session.rollback()
        year = utcnow().year
        return render_template("calendar/manage.html", year=year,
                               holidays=services.holidays_in(year), error=str(exc)), 404
    db.session.commit()
    flash("Hari libur dihapus.", "success")
    return redirect(url_for("calendar.manage", tahun=request.form.get("tahun", type=int)))
