from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from portal.accounts import mails, passwords, services, sessions
from portal.accounts.blueprint import bp
from portal.audit.services import record
from portal.core.access import AUTHENTICATED, allow, public
from portal.extensions import db


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
        if result.user:
            sessions.start(result.user, request.remote_addr)  # also a fresh CSRF token
            login_user(result.user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        db.session.commit()
        error = result.error
        status = 429 if result.locked else 401
    return render_template("accounts/login.html", error=error,
                           username=request.form.get("username", "")), status


@bp.post("/keluar")
@allow(AUTHENTICATED)
def logout():
    record("auth.logout", current_user)
    sessions.end_current()  # the cookie's token no longer opens anything, even if copied
    logout_user()
    db.session.commit()
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
        user = current_user._get_current_object()
        sessions.start(user, request.remote_addr)  # every other session has ended
        login_user(user)
        db.session.commit()
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
        except services.AlreadyRegistered as exc:
            # The same page as a registration that went through: the form must not tell
            # which usernames or e-mails exist. The mailbox owner learns why.
            db.session.rollback()
            mails.registration_refused(exc.email, exc.reason)
            db.session.commit()
            return render_template("accounts/registered.html", email=exc.email)
        except services.AccountError as exc:
            db.session.rollback()
            return render_template("accounts/register.html", error=str(exc), form=form), 422
        mails.registration_confirm(user, token)
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


@bp.route("/lupa-sandi", methods=["GET", "POST"])
@public
def forgot_password():
    if request.method == "POST":
        from portal.verification import ratelimit

        if not ratelimit.hit("lupa-sandi", request.remote_addr, limit=5, window=15 * 60):
            db.session.commit()
            return render_template("accounts/forgot.html", sent=False,
                                   error="Terlalu banyak permintaan. Coba lagi dalam 15 menit."), 429
        found = services.request_password_reset(request.form.get("login", ""))
        if found:
            user, token = found
            mails.password_reset(user, token, passwords.RESET_HOURS)
        db.session.commit()
        return render_template("accounts/forgot.html", sent=True, error=None)
    return render_template("accounts/forgot.html", sent=False, error=None)


@bp.route("/atur-sandi/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    if passwords.user_for_token(token) is None:
        return render_template("accounts/reset.html", invalid=True, error=None), 400
    if request.method == "POST":
        try:
            services.reset_password(token, request.form.get("new", ""), request.form.get("confirm", ""))
        except services.AccountError as exc:
            db.session.rollback()
            return render_template("accounts/reset.html", invalid=False, error=str(exc)), 422
        db.session.commit()
        flash("Kata sandi baru tersimpan. Silakan masuk.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", invalid=False, error=None)
