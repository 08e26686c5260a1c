"""Error pages in Indonesian; HTMX requests get a small fragment instead of a full page."""
from __future__ import annotations

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException


class UserError(Exception):
    """A refusal a person reads (Indonesian); `status` is the HTTP status the screen answers with.
    Each area names its own subclass (CaseError, SigningQueueError, …) so callers can tell them apart."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

MESSAGES = {
    400: ("Permintaan tidak valid", "Permintaan Anda tidak dapat diproses."),
    401: ("Perlu masuk", "Sesi Anda berakhir. Silakan masuk kembali."),
    403: ("Akses ditolak", "Anda tidak memiliki hak untuk membuka halaman ini."),
    404: ("Tidak ditemukan", "Halaman atau data yang Anda cari tidak ada."),
    405: ("Metode tidak diizinkan", "Cara permintaan ini tidak didukung untuk alamat tersebut."),
    409: ("Konflik", "Data sudah berubah sejak Anda membukanya. Muat ulang halaman."),
    413: ("Berkas terlalu besar", "Ukuran berkas melebihi batas yang diizinkan."),
    422: ("Data belum lengkap", "Periksa kembali isian Anda."),
    429: ("Terlalu banyak permintaan", "Tunggu sebentar lalu coba lagi."),
    500: ("Terjadi kesalahan", "Terjadi kesalahan pada sistem. Tim kami sudah dicatat; coba lagi nanti."),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    # Werkzeug's English default descriptions are replaced; our own aborts carry Indonesian text.
    if detail and not detail.startswith(("The ", "You ", "A ", "This ", "Your ", "Bad ", "The requested")):
        message = detail
    template = "errors/_fragment.html" if request.headers.get("HX-Request") else "errors/error.html"
    return render_template(template, code=code, title=title, message=message), code


def handle_http_exception(exc: HTTPException):
    return render_error(exc.code or 500, exc.description)


def handle_unexpected(exc: Exception):
    from flask import current_app

    current_app.logger.exception("unhandled error")
    from portal.extensions import db

    db.session.rollback()
    return render_error(500)


def init_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
