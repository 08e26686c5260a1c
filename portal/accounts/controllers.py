from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from portal.accounts import services
from portal.accounts.blueprint import bp
from portal.audit.services import record
from portal.core.access import AUTHENTICATED, allow, public
from portal.extensions import db
from portal.mail.outbox import queue_mail


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after login is a phishing aid.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


@bp.route("/masuk", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    error = None
    status = 200
    if request.method == "POST":
        result = services.authenticate(request.form.get("username", ""),
                                       request.form.get("password", ""), request.remote_addr)
        db.session.commit()
        if result.user:
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next")))
        error = result.error
        status = 429 if result.locked else 401
    return render_template("accounts/login.html", error=error,
                           username=request.form.get("username", "")), status


@bp.post("/keluar")
@allow(AUTHENTICATED)
def logout():
    record("auth.logout", current_user)
    db.session.commit()
    logout_user()
    flash("Anda telah keluar.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/kata-sandi", methods=["GET", "POST"])
@allow(AUTHENTICATED)
def change_password():
    if request.method == "POST":
        try:
            services.change_password(current_user, request.form.get("current", ""),
                                     request.form.get("new", ""), request.form.get("confirm", ""))
        except services.AccountError as exc:
            db.session.rollback()
            return render_template("accounts/password.html", error=str(exc)), 422
        db.session.commit()
        login_user(current_user)  # re-issue the session with the new session version
        flash("Kata sandi berhasil diubah.", "success")
        return redirect(url_for("home.index"))
    return render_template("accounts/password.html", error=None)


@bp.route("/daftar", methods=["GET", "POST"])
@public
def register():
    form = request.form
    if request.method == "POST":
        try:
            user, token = services.register_organisation(
                form.get("org_name", ""), form.get("kind", ""), form.get("org_email", ""),
                form.get("phone", ""), form.get("full_name", ""), form.get("username", ""),
                form.get("email", ""), form.get("password", ""), form.get("confirm", ""),
            )
        except services.AccountError as exc:
            db.session.rollback()
            return render_template("accounts/register.html", error=str(exc), form=form), 422
        link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("accounts.confirm", token=token)
        queue_mail(user.email, "Konfirmasi pendaftaran Portal BNSP",
                  f"Yth. {user.full_name},\n\nTerima kasih telah mendaftarkan "
                  f"{user.organisation.name} di Portal Layanan BNSP.\n"
                  f"Konfirmasi alamat e-mail Anda melalui tautan berikut (berlaku 3 hari):\n\n{link}\n\n"
                  f"Jika Anda tidak merasa mendaftar, abaikan e-mail ini.\n\nBNSP")
        db.session.commit()  # the account and its confirmation mail together, or neither
        return render_template("accounts/registered.html", email=user.email)
    return render_template("accounts/register.html", error=None, form=form)


@bp.get("/konfirmasi/<token>")
@public
def confirm(token: str):
    try:
        services.confirm_email(token)
    except services.AccountError as exc:
        db.session.rollback()
        return render_template("accounts/confirm_failed.html", error=str(exc)), 400
    db.session.commit()
    flash("E-mail terkonfirmasi. Silakan masuk.", "success")
    return redirect(url_for("accounts.login"))
