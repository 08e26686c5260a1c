"""Notices and their e-mail: `notify` writes one notice and, by the person's preference, queues the
e-mail at once or leaves it for the 07:00 WIB digest. Reading, marking read and the 90-day cleanup.
Operations flush; the request, task or test commits."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from portal.accounts.models import User
from portal.calendar.services import work_calendar
from portal.cases.models import Case, WorkItem
from portal.core.bulk import execute_in
from portal.core.dates import format_date_id, format_datetime_id, to_wib, utcnow
from portal.extensions import db
from portal.mail.outbox import queue_mail
from portal.notifications.models import EMAIL_MODES, Notification, NotificationPreference

KEEP_DAYS = 90
PER_PAGE = 30
SIGNATURE_KIND = "tanda_tangan"


def path_for(endpoint: str, **values) -> str:
    """The address of a page, built from the URL map (works in the worker, without a request)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def case_path(case: Case) -> str:
    return path_for("cases.show", number=case.number)


def due_text(due_at: datetime | None) -> str:
    """'28 Juli 2021 pukul 15.00 WIB', or a plain statement that the step has no deadline."""
    if due_at is None:
        return "tidak ada batas waktu SLA; mohon ditindaklanjuti segera"
    return f"{format_date_id(due_at)} pukul {to_wib(due_at):%H.%M} WIB"


def email_mode(user: User) -> str:
    pref = db.session.get(NotificationPreference, user.id)
    return pref.email_mode if pref is not None else "segera"


def set_email_mode(user: User, mode: str) -> None:
    if mode not in EMAIL_MODES:
        raise ValueError(mode)
    pref = db.session.get(NotificationPreference, user.id)
    if pref is None:
        pref = NotificationPreference(user_id=user.id)
        db.session.add(pref)
    pref.email_mode = mode
    db.session.flush()


def notify(user: User, kind: str, title: str, body: str, *, case: Case | None = None,
           work: WorkItem | None = None, link: str | None = None, due_at: datetime | None = None,
           email: bool = True, now: datetime | None = None) -> Notification:
    """Tell `user` in the portal and (unless `email` is false) by e-mail, at once or in the digest."""
    now = now or utcnow()
    link = link or (case_path(case) if case is not None else None)
    notice = Notification(user=user, kind=kind, title=title[:300], body=body, link=link,
                          case_id=case.id if case is not None else None,
                          work_item_id=work.id if work is not None else None,
                          due_at=due_at, created_at=now, mail_state="none")
    db.session.add(notice)
    if email and user.email and user.is_enabled:
        if email_mode(user) == "ringkasan":
            notice.mail_state = "digest"
        else:
            queue_mail(user.email, title, _mail_body(user, [notice]))
            notice.mail_state = "sent"
    db.session.flush()
    return notice


def add_to_signature_notice(user: User, count: int, *, now: datetime | None = None) -> Notification:
    """One notice per signer per batch: documents joining an unread signing notice raise its count."""
    open_notice = db.session.scalar(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == SIGNATURE_KIND, Notification.read_at.is_(None)))
    if open_notice is not None:
        open_notice.count += count
        open_notice.title = f"{open_notice.count} dokumen menunggu tanda tangan Anda"
        db.session.flush()
        return open_notice
    notice = notify(user, SIGNATURE_KIND, f"{count} dokumen menunggu tanda tangan Anda",
                    "Buka Antrean Tanda Tangan, periksa dokumen, lalu tandatangani sekaligus dengan PIN Anda.",
                    link=path_for("signing.queue"), now=now)
    notice.count = count
    return notice


def _mail_body(user: User, notices: list[Notification]) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    lines = [f"Yth. {user.full_name},", ""]
    for notice in notices:
        lines.append(notice.title)
        if notice.body:
            lines.append(notice.body)
        if notice.link:
            lines.append(f"Buka: {base}{notice.link}")
        lines.append("")
    lines += ["Pemberitahuan ini dikirim oleh Portal Layanan BNSP. Atur cara penerimaan surel di "
              f"{base}{path_for('notifications.settings')}.", "", "BNSP"]
    return "\n".join(lines)


# --- reading and marking ------------------------------------------------------------------------

def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def notices_page(user: User, page: int = 1, unread_only: bool = False):
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def mark_read(user: User, notice_id: int, now: datetime | None = None) -> Notification | None:
    notice = db.session.get(Notification, notice_id)
    if notice is None or notice.user_id != user.id:
        return None
    if notice.read_at is None:
        notice.read_at = now or utcnow()
    db.session.flush()
    return notice


def mark_all_read(user: User, now: datetime | None = None) -> int:
    result = db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=now or utcnow())
        .execution_options(synchronize_session=False))
    return result.rowcount


def resolve(kind: str, work_ids: list[int], now: datetime | None = None) -> None:
    """Notices of `kind` about these work items no longer call for action: marked read for everyone."""
    if work_ids:
        execute_in((Notification,), ("notifications.resolve", kind, now), work_ids, lambda ids: update(
            Notification).where(Notification.work_item_id.in_(ids), Notification.kind == kind,
                                Notification.read_at.is_(None))
            .values(read_at=now or utcnow()).execution_options(synchronize_session=False))


def cleanup(now: datetime | None = None) -> int:
    """Notices are kept 90 days."""
    limit = (now or utcnow()) - timedelta(days=KEEP_DAYS)
    return db.session.execute(delete(Notification).where(Notification.created_at < limit)
                              .execution_options(synchronize_session=False)).rowcount


# --- the daily digest ----------------------------------------------------------------------------

def send_digests(now: datetime | None = None) -> int:
    """On a working day, one e-mail per person holding notices waiting for the digest."""
    now = now or utcnow()
    if not work_calendar().is_working_day(to_wib(now).date()):
        return 0
    waiting = db.session.scalars(select(Notification).where(Notification.mail_state == "digest")
                                 .order_by(Notification.user_id, Notification.created_at, Notification.id)).all()
    by_user: dict[int, list[Notification]] = {}
    for notice in waiting:
        by_user.setdefault(notice.user_id, []).append(notice)
    for notices in by_user.values():
        user = notices[0].user
        if user.email and user.is_enabled:
            subject = f"Ringkasan pemberitahuan Portal BNSP, {format_date_id(now)} ({len(notices)})"
            queue_mail(user.email, subject, _mail_body(user, notices))
        for notice in notices:
            notice.mail_state = "digested"
    db.session.flush()
    return len(by_user)


__all__ = ["notify", "add_to_signature_notice", "unread_count", "notices_page", "mark_read", "mark_all_read",
           "cleanup", "send_digests", "set_email_mode", "email_mode", "due_text", "format_datetime_id"]
