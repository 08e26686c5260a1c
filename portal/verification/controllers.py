"""Views of /v: thin; lookups and state changes live in services.py, upload checks in upload.py.

The public pages use their own light layout (no session, no CSRF token, no user menu) so the QR
landing page /v/<id> stays fast and cacheable; only the upload form carries a CSRF token.
"""
from __future__ import annotations

import hashlib
import io
from functools import lru_cache

from flask import (
    abort, current_app, flash, jsonify, make_response, redirect, render_template, request,
    send_file, url_for,
)
from flask_login import current_user

from portal import storage
from portal.core.access import allow, public
from portal.core.dates import to_wib, utcnow
from portal.extensions import db
from portal.verification import (
    access, checks, i18n, offline, page, ratelimit, services, upload, words,
)
from portal.verification.services import VerificationError

LANG_COOKIE_AGE = 365 * 24 * 3600
DEFAULT_LIMITS = {"VERIFY_SEARCH_LIMIT": (20, 60), "VERIFY_UPLOAD_LIMIT": (10, 60)}
MSG_TOO_MANY = ("Terlalu banyak permintaan dari alamat Anda. Tunggu {} detik lalu coba lagi. "
                "Pembatasan ini mencegah penelusuran data registri secara massal.")
MSG_TOO_MANY_EN = ("Too many requests from your address. Wait {} seconds and try again. This limit "
                   "prevents bulk harvesting of the registry.")


def prepare_upload_request(endpoint: str | None, _values) -> None:
    """Runs before the app's before_request hooks (which parse the form for the CSRF check):
    uploads to verify are read into memory only (Werkzeug would spool big ones to a temporary
    file), and anything over the size limit is refused before it is read."""
    if endpoint != "verification.check_upload":
        return
    request.max_content_length = upload.max_bytes() + 64 * 1024  # multipart envelope
    request._get_file_stream = _memory_stream  # type: ignore[attr-defined]


def _memory_stream(total_content_length, content_type, filename=None, content_length=None):
    return io.BytesIO()


@lru_cache(maxsize=8)
def _links(script_root: str) -> dict[str, str]:
    """Addresses every public page links to, built once: url_for costs more than the rest of
    the layout on the hottest page."""
    return {
        "portal_css": url_for("static", filename="css/portal.css"),
        "verification_css": url_for("static", filename="css/verification.css"),
        "offline_js": url_for("static", filename="js/verify-offline.js"),
        "index": url_for("verification.index"),
        "offline": url_for("verification.offline"),
        "public_key": url_for("verification.public_key"),
    }


def layout_links() -> dict:
    """Blueprint context processor: ``links`` for templates/verification/layout.html."""
    return {"links": _links(request.script_root)}


def _language_page(template: str, http_status: int = 200, *, lang: str | None = None,
                   **context):
    lang = lang or i18n.current_language()
    response = make_response(render_template(
        template, lang=lang, t=i18n.STRINGS[lang], status_labels=i18n.STATUS_LABELS[lang],
        switch_href=i18n.switch_href, categories=i18n.REVOCATION_CATEGORIES[lang],
        licence_labels=i18n.LICENCE_STATUS_LABELS[lang],
        type_label=lambda kind: i18n.doc_type_label(kind, lang),
        fmt_date=lambda value: i18n.format_date(value, lang),
        fmt_datetime=lambda value: i18n.format_datetime(value, lang), **context), http_status)
    _remember_language(response, lang)
    response.vary.add("Cookie")
    return response, lang


def _remember_language(response, lang: str) -> None:
    if request.args.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.LANG_COOKIE, lang, max_age=LANG_COOKIE_AGE, samesite="Lax",
                            secure=request.is_secure, httponly=True)


def _limited(setting: str, action: str) -> int | None:
    """Count this request; the seconds to wait when the client is over its limit, else None."""
    limit, window = DEFAULT_LIMITS[setting]
    configured = current_app.config.get(setting)
    if isinstance(configured, (tuple, list)):  # (requests, seconds), as tests and config.py may give
        limit, window = int(configured[0]), int(configured[1])
    elif configured not in (None, ""):
        limit = int(configured)  # the README's form: requests per client per minute
    allowed = ratelimit.hit(action, request.remote_addr, limit=limit, window=window)
    db.session.commit()  # the request's one commit: nothing else on these pages writes
    return None if allowed else window


def _too_many(template: str, wait: int, **context):
    lang = i18n.current_language()
    message = MSG_TOO_MANY_EN if lang == "en" else MSG_TOO_MANY
    response, _lang = _language_page(template, 429, error=message.format(wait), **context)
    response.headers["Retry-After"] = str(wait)
    return response


# --- public pages ------------------------------------------------------------------------------

@public
def index():
    response, _lang = _language_page("verification/index.html", max_mb=_max_mb())
    return response


def _max_mb() -> int:
    return upload.max_bytes() // (1024 * 1024)


@public
def check_upload():
    lang = i18n.current_language()
    wait = _limited("VERIFY_UPLOAD_LIMIT", "periksa")
    if wait:
        return _too_many("verification/index.html", wait, max_mb=_max_mb())
    sent = request.files.get("berkas")
    data = sent.read() if sent else b""
    filename = sent.filename if sent else None
    try:
        verdict = upload.check_upload(data, lang)
    except upload.BadUpload as exc:
        response, _lang = _language_page(
            "verification/index.html", exc.status, max_mb=_max_mb(), filename=filename,
            error=words.upload_error(exc.message, lang, _max_mb()))
        return response
    return _result_page(verdict, lang, filename)


@public
def result():
    """An upload's result again, from the sealed facts in its address (language switch)."""
    sealed = checks.unseal(request.args.get("d"))
    lang = i18n.current_language()
    if sealed is None or not isinstance(sealed.get("f"), dict) or "sha256" not in sealed["f"]:
        response, _lang = _language_page("verification/index.html", 404, max_mb=_max_mb(),
                                         error=i18n.STRINGS[lang].result_gone)
        return response
    original = services.find_public(sealed["o"]) if sealed.get("o") else None
    return _result_page(upload.verdict_from(sealed["f"], original), lang, sealed.get("n"))


def _result_page(verdict, lang: str, filename: str | None):
    other = "id" if lang == "en" else "en"
    href = url_for("verification.result", d=verdict.sealed(filename), lang=other)
    response, _lang = _language_page(
        "verification/result.html", verdict=verdict, filename=filename, lang=lang,
        messages=verdict.messages(lang), rows=verdict.rows(lang), lang_href=href)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def upload_too_large(_exc):
    lang = i18n.current_language()
    message = words.upload_error(upload.MSG_TOO_BIG.format(_max_mb()), lang, _max_mb())
    response, _lang = _language_page("verification/index.html", 413, error=message,
                                     max_mb=_max_mb())
    return response


@public
def registry():
    query = services.normalise_query(request.args.get("q", ""))
    if not query:
        response, _lang = _language_page("verification/registry.html", query="", results=None)
        return response
    wait = _limited("VERIFY_SEARCH_LIMIT", "registri")
    if wait:
        return _too_many("verification/registry.html", wait, query=query, results=None)
    results = services.search_registry(query)
    found = {r.public_id for r in results}
    licences = [hit for hit in services.search_licences(query) if hit.public_id not in found]
    name = " ".join(request.args.get("nama", "").split())[:200]
    # The holder is never listed: a visitor who knows the name may only confirm it.
    matches = {r.public_id: offline.normalise_name(name) == offline.normalise_name(r.holder_name or "")
               for r in results} if name else {}
    response, _lang = _language_page("verification/registry.html", query=query, results=results,
                                     licences=licences, name=name, matches=matches)
    return response


@public
def document(public_id: str):
    record = services.find_public(public_id)
    if record is None:
        response, _lang = _language_page("verification/not_found.html", 404)
        return response
    today = to_wib(utcnow()).date()
    status = record.status(today)
    lang = i18n.current_language()
    token = request.args.get("k")
    token = token if access.holds_qr(public_id, token) else None
    etag = hashlib.sha256(f"{record.etag_source()}|{status}|{lang}|{today}|{bool(token)}"
                          .encode()).hexdigest()[:32]
    if request.headers.get("If-None-Match") and etag in request.if_none_match:
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(page.render_document(record, status, lang, token),
                                              mimetype="text/html")
        _remember_language(response, lang)
    response.headers["ETag"] = f'"{etag}"'
    # Shared caches may keep it but must ask again every time: a revocation shows at once.
    # The full view (the QR's secret in the address) stays out of shared caches and referrers.
    response.headers["Cache-Control"] = "private, no-cache" if token else "public, no-cache"
    if token:
        response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Vary"] = "Cookie"
    return response


@public
def download(public_id: str):
    if not access.holds_qr(public_id, request.args.get("k")):
        abort(404)  # the same answer as an unknown id: no way to tell which ids exist
    found = services.signed_file_key(public_id)
    if found is None:
        abort(404)
    key, filename = found
    try:
        data = storage.read_bytes(key)
    except (OSError, ValueError):
        abort(404)
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=filename,
                     max_age=0)


@public
def offline_page():
    response, _lang = _language_page("verification/offline.html",
                                     **page.offline_context(i18n.current_language()))
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@public
def public_key():
    key = offline.signing_key()
    response = jsonify({
        "alg": "Ed25519",
        "kid": key.key_id,
        "public_key": key.public_b64,
        "public_key_encoding": "base64url, raw 32 bytes",
        "pem": key.public_pem,
        "payload": ("base64url(canonical || signature); canonical = "
                    "'1|public_id|type|number|holder_hash|valid_from|valid_until|kid' (UTF-8)"),
    })
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@public
def health():
    response = make_response("ok")
    response.mimetype = "text/plain"
    return response


# --- revocation (Ketua, admin) -----------------------------------------------------------------

@allow("ketua", "admin")
def revocations():
    query = services.normalise_query(request.args.get("q", ""))
    return render_template("verification/revocations.html", query=query,
                           found=services.find_for_staff(query) if query else None,
                           revoked=services.recently_revoked(),
                           revocable=services.REVOCABLE_TYPES,
                           categories=i18n.REVOCATION_CATEGORIES["id"])


@allow("ketua", "admin")
def revoke(public_id: str):
    try:
        req = services.get_signed(public_id)
        services.revoke(req, reason=request.form.get("reason", ""),
                        category=request.form.get("category", ""),
                        reference=request.form.get("reference", ""),
                        actor=current_user._get_current_object())
    except VerificationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("verification.revocations", q=public_id))
    db.session.commit()
    flash(f"Dokumen {req.number or req.public_id} telah dicabut. Halaman verifikasi kini "
          "menampilkan status dicabut.", "success")
    return redirect(url_for("verification.revocations", q=req.number or req.public_id))
