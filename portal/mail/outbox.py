"""Outgoing e-mail: `queue_mail` writes to the outbox inside the caller's transaction; after the
commit the worker delivers (SMTP when MAIL_SERVER is set, else `.eml` files in MAIL_OUTBOX_DIR),
retrying with a growing pause, so no mail leaves from inside a transaction."""
from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal.core.dates import utcnow
from portal.extensions import db
from portal.mail.models import OutgoingMail

MAX_ATTEMPTS = 6
QUEUED_FLAG = "mail_queued"
log = logging.getLogger(__name__)


def queue_mail(to: str, subject: str, body: str) -> OutgoingMail:
    """Write one e-mail to the outbox; it leaves only if the current transaction commits."""
    mail = OutgoingMail(recipient=to, subject=subject[:300], body=body, state="menunggu",
                        attempts=0, created_at=utcnow(), next_attempt_at=utcnow())
    db.session.add(mail)
    db.session.flush()
    db.session.info[QUEUED_FLAG] = True
    return mail


def _message(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    return message


def _transmit(message: EmailMessage) -> None:
    config = current_app.config
    if config.get("MAIL_SERVER"):
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    outbox = Path(config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    safe_to = "".join(c if c.isalnum() else "_" for c in message["To"])
    (outbox / f"{stamp}-{safe_to}.eml").write_bytes(bytes(message))


def deliver_pending(limit: int = 100) -> int:
    """Send what is due in the outbox, each message committed on its own; returns how many left.

    Runs in a session of its own, so it can follow the commit of a request's session."""
    sent = 0
    with Session(db.engine) as session:
        query = (select(OutgoingMail).where(OutgoingMail.state == "menunggu",
                                            OutgoingMail.next_attempt_at <= utcnow())
                 .order_by(OutgoingMail.id).limit(limit))
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)  # two workers never send one mail twice
        for mail in session.scalars(query).all():
            mail.attempts += 1
            try:
                _transmit(_message(mail))
            except (OSError, smtplib.SMTPException) as exc:
                mail.last_error = str(exc)[:500]
                if mail.attempts >= MAX_ATTEMPTS:
                    mail.state = "gagal"
                else:
                    mail.next_attempt_at = utcnow() + timedelta(minutes=2 ** mail.attempts)
                log.warning("mail %s to %s not sent (attempt %s): %s", mail.id, mail.recipient, mail.attempts, exc)
            else:
                mail.state, mail.sent_at, mail.last_error = "terkirim", utcnow(), None
                sent += 1
            session.commit()
    return sent


def outbox_messages(outbox_dir: str) -> list[Path]:
    folder = Path(outbox_dir)
    return sorted(folder.glob("*.eml")) if folder.exists() else []


@event.listens_for(Session, "after_commit")
def _wake_the_worker(session) -> None:
    """A commit that queued mail asks the worker to deliver it now (not at the next periodic sweep)."""
    if session.info.pop(QUEUED_FLAG, False):
        from portal.mail.tasks import deliver_mail_task

        deliver_mail_task()


@event.listens_for(Session, "after_rollback")
def _forget_queued(session) -> None:
    session.info.pop(QUEUED_FLAG, None)
