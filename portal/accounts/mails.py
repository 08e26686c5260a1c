"""The e-mails of the accounts area (confirmation, password reset, activation, a refused
registration). All leave through ``_send``: the one place to switch to the mail outbox."""
from __future__ import annotations

from flask import current_app

from portal.accounts.models import User


def _send(to: str, subject: str, body: str) -> None:
    # Into the outbox, in the caller's transaction: the mail leaves only if the request commits.
    from portal.mail.outbox import queue_mail

    queue_mail(to, subject, body)


def _link(endpoint: str, **values) -> str:
    # Built from the URL map, not url_for: these mails also leave from the worker (no request).
    path = current_app.url_map.bind("portal").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def registration_confirm(user: User, token: str) -> None:
    _send(user.email, "Konfirmasi pendaftaran Portal BNSP",
          f"Yth. {user.full_name},\n\nTerima kasih telah mendaftarkan "
          f"{user.organisation.name} di Portal Layanan BNSP.\n"
          f"Konfirmasi alamat e-mail Anda melalui tautan berikut (berlaku 3 hari):\n\n"
          f"{_link('accounts.confirm', token=token)}\n\n"
          f"Jika Anda tidak merasa mendaftar, abaikan e-mail ini.\n\nBNSP")


def registration_refused(email: str, reason: str) -> None:
    """Sent instead of a confirmation when the username or e-mail is taken: only the owner of
    the mailbox learns it, never the web page."""
    _send(email, "Pendaftaran Portal BNSP tidak dapat diproses",
          f"Yth. Bapak/Ibu,\n\nAda permintaan pendaftaran lembaga di Portal Layanan BNSP dengan "
          f"alamat e-mail ini. Pendaftaran tidak diproses karena {reason}.\n\n"
          f"Jika Anda sudah memiliki akun dan lupa kata sandinya, atur ulang melalui:\n"
          f"{_link('accounts.forgot_password')}\n\n"
          f"Jika Anda tidak merasa mendaftar, abaikan e-mail ini.\n\nBNSP")


def password_reset(user: User, token: str, hours: int) -> None:
    _send(user.email, "Atur ulang kata sandi Portal BNSP",
          f"Yth. {user.full_name},\n\nKami menerima permintaan mengatur ulang kata sandi akun "
          f"{user.username}. Buka tautan berikut untuk membuat kata sandi baru (berlaku {hours} jam, "
          f"hanya dapat dipakai sekali):\n\n{_link('accounts.reset_password', token=token)}\n\n"
          f"Jika Anda tidak meminta ini, abaikan e-mail ini; kata sandi Anda tidak berubah.\n\nBNSP")


def activation(user: User, token: str, hours: int, intro: str) -> None:
    _send(user.email, "Aktivasi akun Portal BNSP",
          f"Yth. {user.full_name},\n\n{intro}\nNama pengguna Anda: {user.username}.\n"
          f"Buat kata sandi Anda melalui tautan berikut (berlaku {hours} jam, hanya dapat dipakai "
          f"sekali):\n\n{_link('accounts.reset_password', token=token)}\n\nBNSP")
