"""Notification pages (the bell, the list, e-mail preference) and the management dashboard."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.core.access import AUTHENTICATED, allow
from portal.core.dates import to_wib, utcnow
from portal.extensions import db, htmx
from portal.flows.registry import FLOWS
from portal.notifications import chart, dashboard, services, stalls
from portal.notifications.blueprint import bp
from portal.notifications.models import EMAIL_MODES

MANAGEMENT = ("ketua", "kasek", "kabag", "admin")


@bp.app_context_processor
def _bell_context():
    def bell_count() -> int:
        return services.unread_count(current_user) if current_user.is_authenticated else 0

    return {"bell_count": bell_count, "bell_poll_seconds": current_app.config.get("NOTIFICATION_POLL_SECONDS", 30)}


@bp.get("/notifikasi/lonceng")
@allow(AUTHENTICATED)
def bell():
    return render_template("notifications/_bell_count.html", count=services.unread_count(current_user))


@bp.get("/notifikasi")
@allow(AUTHENTICATED)
def index():
    unread_only = request.args.get("belum") == "1"
    pagination = services.notices_page(current_user, request.args.get("page", 1, type=int), unread_only)
    return render_template("notifications/index.html", pagination=pagination, unread_only=unread_only,
                           unread=services.unread_count(current_user))


@bp.post("/notifikasi/<int:notice_id>/buka")
@allow(AUTHENTICATED)
def open_notice(notice_id: int):
    notice = services.mark_read(current_user, notice_id)
    if notice is None:
        abort(404)
    db.session.commit()
    return redirect(notice.link or url_for("notifications.index"))


@bp.post("/notifikasi/<int:notice_id>/baca")
@allow(AUTHENTICATED)
def mark_read(notice_id: int):
    if services.mark_read(current_user, notice_id) is None:
        abort(404)
    db.session.commit()
    if htmx:
        return render_template("notifications/_bell_count.html", count=services.unread_count(current_user))
    return redirect(url_for("notifications.index"))


@bp.post("/notifikasi/baca-semua")
@allow(AUTHENTICATED)
def read_all():
    count = services.mark_all_read(current_user)
    db.session.commit()
    flash(f"{count} pemberitahuan ditandai sudah dibaca." if count else "Tidak ada pemberitahuan baru.", "success")
    return redirect(url_for("notifications.index"))


@bp.route("/notifikasi/pengaturan", methods=["GET", "POST"])
@allow(AUTHENTICATED)
def settings():
    if request.method == "POST":
        mode = request.form.get("email_mode", "")
        if mode not in EMAIL_MODES:
            return render_template("notifications/settings.html", modes=EMAIL_MODES, current=services.email_mode(current_user),
                                   error="Pilih salah satu cara penerimaan surel."), 422
        services.set_email_mode(current_user, mode)
        db.session.commit()
        flash("Pengaturan surel pemberitahuan disimpan.", "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", modes=EMAIL_MODES, current=services.email_mode(current_user),
                           error=None)


def _year() -> int:
    year = request.args.get("tahun", to_wib(utcnow()).year, type=int)
    if not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.get("/dasbor")
@allow(*MANAGEMENT)
def dashboard_page():
    year = _year()
    data = dashboard.overview(year)
    totals = data.totals_by_month()
    return render_template("notifications/dashboard.html", data=data, year=year, flows=FLOWS, totals=totals,
                           months_svg=chart.months_svg(year, totals), roles_svg=chart.roles_svg(data.per_role),
                           stalled=stalls.stalled_cases(), printed_at=utcnow())


@bp.get("/dasbor/ekspor.csv")
@allow(*MANAGEMENT)
def dashboard_csv():
    year = _year()
    out = io.StringIO()
    csv.writer(out).writerows(dashboard.csv_rows(dashboard.overview(year)))
    # The BOM makes spreadsheet programs read the file as UTF-8.
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="dasbor-layanan-{year}.csv"'})
