from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts import services
from portal.accounts.models import User
from portal.admin.blueprint import bp
from portal.audit.services import recent_entries, verify_chain
from portal.core.access import allow
from portal.extensions import db
from portal.flows.roles import EXTERNAL_ROLES, INTERNAL_ROLES, ROLES


def _get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/pengguna")
@allow("admin")
def users():
    page = request.args.get("page", 1, type=int)
    return render_template("admin/users.html", pagination=services.users_page(page), roles=ROLES)


@bp.route("/pengguna/baru", methods=["GET", "POST"])
@allow("admin")
def create_user():
    form = request.form
    if request.method == "POST":
        roles = form.getlist("roles")
        try:
            if set(roles) & set(EXTERNAL_ROLES):
                raise services.AccountError("Akun eksternal dibuat lewat pendaftaran lembaga atau oleh alur layanan.")
            user = services.create_user(form.get("username", ""), form.get("full_name", ""),
                                        form.get("email", ""), form.get("password", ""), roles)
        except services.AccountError as exc:
            db.session.rollback()
            return render_template("admin/user_form.html", error=str(exc), form=form,
                                   internal_roles=INTERNAL_ROLES, roles=ROLES), 422
        db.session.commit()
        flash(f"Pengguna {user.username} dibuat.", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", error=None, form=form,
                           internal_roles=INTERNAL_ROLES, roles=ROLES)


@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def edit_user(user_id: int):
    user = _get_user(user_id)
    if request.method == "POST":
        try:
            services.set_roles(user, request.form.getlist("roles"))
        except services.AccountError as exc:
            db.session.rollback()
            return render_template("admin/user_edit.html", user=user, error=str(exc), roles=ROLES), 422
        db.session.commit()
        flash("Peran pengguna diperbarui.", "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_edit.html", user=user, error=None, roles=ROLES)


@bp.post("/pengguna/<int:user_id>/status")
@allow("admin")
def toggle_user(user_id: int):
    user = _get_user(user_id)
    if user.id == current_user.id:
        return render_template("admin/user_edit.html", user=user, roles=ROLES,
                               error="Anda tidak dapat menonaktifkan akun Anda sendiri."), 409
    services.set_enabled(user, not user.is_enabled)
    db.session.commit()
    flash("Akun diaktifkan." if user.is_enabled else "Akun dinonaktifkan.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.get("/audit")
@allow("admin")
def audit():
    return render_template("admin/audit.html", entries=recent_entries(200), chain=verify_chain())
