"""Redis read model of the public registry: what /v/<public_id> shows, one key per document.

Only when REDIS_URL is configured; without it every function is a no-op and the QR landing page
reads PostgreSQL as before. ``v:rec2:<public_id>`` holds the public fields of one signed document
as compact JSON (a list in PublicRecord's field order). The status is derived at read time, so a
cached record never goes stale by date (kedaluwarsa).

Cache-aside: ``services.find_public`` tries ``get`` first and ``put``s what PostgreSQL returns.
Invalidation: a session hook collects the public ids of SignatureRequest rows written in a
transaction and deletes their keys before the commit and again after it (delete, commit, delete:
a reader that refilled the key from the old row in between is undone). Keys also expire after a
day as a safety net. Redis being down never breaks verification: ``get`` answers None (the
database answers instead) and the failure is logged once per process.
"""
from __future__ import annotations

import json
import logging
import threading
from dataclasses import astuple, fields
from datetime import date, datetime
from typing import TYPE_CHECKING, Iterable

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

if TYPE_CHECKING:  # services imports this module
    from portal.verification.services import PublicRecord

KEY_PREFIX = "v:rec2:"  # 2: with the flow and document code (published or not)
TTL_SECONDS = 86_400
_PENDING = "verification_readmodel_ids"
_log = logging.getLogger(__name__)
_clients: dict[str, object] = {}
_clients_lock = threading.Lock()
_warned = False


def _client():
    """This process's client for REDIS_URL, or None when no Redis is configured."""
    if not has_app_context():
        return None
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        import redis

        with _clients_lock:
            client = _clients.get(url)
            if client is None:
                # Short timeouts: a stalled Redis must cost a page little more than the fallback.
                client = redis.Redis.from_url(url, socket_timeout=0.2, socket_connect_timeout=0.2)
                _clients[url] = client
    return client


def _failed(action: str, exc: Exception) -> None:
    global _warned
    if not _warned:  # once per process: a Redis outage must not flood the log
        _warned = True
        _log.warning("verification read model: Redis unavailable on %s (%s); using the database",
                     action, exc)


def _key(public_id: str) -> str:
    return KEY_PREFIX + public_id


def _encode(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def dumps(record: PublicRecord) -> bytes:
    return json.dumps([_encode(v) for v in astuple(record)], separators=(",", ":")).encode()


def _field_parsers() -> list:
    from portal.verification.services import PublicRecord

    parsers = []
    for f in fields(PublicRecord):
        kind = str(f.type)
        if kind.startswith("datetime"):
            parsers.append(datetime.fromisoformat)
        elif kind.startswith("date"):
            parsers.append(date.fromisoformat)
        else:
            parsers.append(None)
    return parsers


_parsers: list | None = None


def loads(data: bytes) -> PublicRecord:
    from portal.verification.services import PublicRecord

    global _parsers
    if _parsers is None:
        _parsers = _field_parsers()
    values = json.loads(data)
    return PublicRecord(*[v if p is None or v is None else p(v) for p, v in zip(_parsers, values)])


def get(public_id: str) -> PublicRecord | None:
    """The cached record, or None (not cached, no Redis configured, or Redis unreachable)."""
    client = _client()
    if client is None:
        return None
    local = _local_registry()
    if local is not None:
        data = local.records.get(public_id)
        if data is not None:
            return loads(data)
    try:
        data = client.get(_key(public_id))
    except Exception as exc:  # noqa: BLE001 - any Redis failure: the database answers
        _failed("get", exc)
        return None
    if data is None:
        return None
    try:
        record = loads(data)
    except (ValueError, TypeError):  # written by another version: read the database
        return None
    if local is not None:
        local.remember(public_id, data)
    return record


def put(record: PublicRecord) -> None:
    client = _client()
    if client is None:
        return
    data = dumps(record)
    local = _local_registry()
    if local is not None:
        local.remember(record.public_id, data)
    try:
        client.set(_key(record.public_id), data, ex=TTL_SECONDS)
    except Exception as exc:  # noqa: BLE001
        _failed("put", exc)


def forget(*public_ids: str) -> None:
    ids = [p for p in public_ids if p]
    client = _client()
    if client is None or not ids:
        return
    for local in list(_locals.values()):
        local.drop(ids)  # this process at once; the others through the channel below
    try:
        pipe = client.pipeline(transaction=False)
        pipe.delete(*(_key(p) for p in ids))
        pipe.publish(CHANNEL, ",".join(ids))
        pipe.execute()
    except Exception as exc:  # noqa: BLE001 - keys still expire after TTL_SECONDS
        _failed("forget", exc)


def warm(batch: int = 5000) -> int:
    """Load every signed registry row into Redis (pipelined); returns how many were written."""
    from portal.extensions import db
    from portal.verification.services import BATCH_AFTER_ID, PublicRecord

    client = _client()
    if client is None:
        return 0
    written, last_id = 0, 0
    while True:
        rows = db.session.execute(BATCH_AFTER_ID, {"after": last_id, "limit": batch}).all()
        if not rows:
            return written
        pipe = client.pipeline(transaction=False)
        for row in rows:
            record = PublicRecord(*row)
            pipe.set(_key(record.public_id), dumps(record), ex=TTL_SECONDS)
        pipe.execute()
        written += len(rows)
        last_id = rows[-1][0]


# --- in-process copy ------------------------------------------------------------------------------
#
# Each worker keeps the registry's records (compact JSON) in memory, so /v/<id> needs no network
# round trip at all. It is used only while this process is subscribed to the invalidation channel:
# every commit that changes a registry row publishes its public ids there (see forget), and the
# listener drops them. If the subscription breaks, the copy is set aside (lookups go to Redis and
# the database) and rebuilt once the listener is subscribed again, since messages may have been
# missed meanwhile. About 0.4 KB per document (40 MB per 100,000); VERIFY_MEMORY_REGISTRY=False
# turns it off.

CHANNEL = "v:changed"
_locals: dict[str, "_LocalRegistry"] = {}


class _LocalRegistry:
    def __init__(self, app, url: str) -> None:
        self.app, self.url = app, url
        self.records: dict[str, bytes] = {}
        self.ready = False
        self._dropped_while_loading: set[str] = set()
        self._loading = False
        self._lock = threading.Lock()
        threading.Thread(target=self._listen, name="registry-listener", daemon=True).start()

    def remember(self, public_id: str, data: bytes) -> None:
        if self.ready:
            self.records[public_id] = data

    def drop(self, ids) -> None:
        with self._lock:
            for public_id in ids:
                self.records.pop(public_id, None)
            if self._loading:
                self._dropped_while_loading.update(ids)

    def _listen(self) -> None:
        import time

        import redis

        while True:
            connection = redis.Redis.from_url(self.url, socket_connect_timeout=2, health_check_interval=10)
            pubsub = connection.pubsub()
            try:
                pubsub.subscribe(CHANNEL)
                # Load only once Redis confirms the subscription: nothing published after it is missed.
                while True:
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "subscribe":
                        break
                self._load()
                for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.drop(message["data"].decode().split(","))
            except Exception as exc:  # noqa: BLE001 - any failure: set the copy aside, retry
                self.ready = False
                with self._lock:
                    self.records = {}
                _failed("subscribe", exc)
                time.sleep(1.0)
            finally:
                pubsub.close()
                connection.close()

    def _load(self) -> None:
        """Everything signed, read after subscribing (so no change between can be missed)."""
        from portal.extensions import db
        from portal.verification.services import BATCH_AFTER_ID, PublicRecord

        with self._lock:
            self.ready, self.records, self._loading = False, {}, True
            self._dropped_while_loading = set()
        fresh: dict[str, bytes] = {}
        with self.app.app_context():
            last_id = 0
            while True:
                rows = db.session.execute(BATCH_AFTER_ID, {"after": last_id, "limit": 5000}).all()
                if not rows:
                    break
                for row in rows:
                    record = PublicRecord(*row)
                    fresh[record.public_id] = dumps(record)
                last_id = rows[-1][0]
            db.session.remove()
        with self._lock:
            for public_id in self._dropped_while_loading:
                fresh.pop(public_id, None)
            self.records, self._loading, self.ready = fresh, False, True


def _local_registry() -> "_LocalRegistry | None":
    """This process's in-memory copy, when enabled and in step with the channel; else None."""
    config = current_app.config
    if not config.get("VERIFY_MEMORY_REGISTRY", True):
        return None
    url = config["REDIS_URL"]
    local = _locals.get(url)
    if local is None:
        with _clients_lock:
            local = _locals.get(url)
            if local is None:
                local = _LocalRegistry(current_app._get_current_object(), url)
                _locals[url] = local
    return local if local.ready else None


# --- invalidation --------------------------------------------------------------------------------

def _written_public_ids(session: Session) -> Iterable[str]:
    from portal.signing.models import SignatureRequest

    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, SignatureRequest) and obj.public_id:
            yield obj.public_id


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _flush_context, _instances) -> None:
    ids = set(_written_public_ids(session))
    if ids:
        session.info.setdefault(_PENDING, set()).update(ids)


@event.listens_for(Session, "after_flush")
def _forget_before_commit(session: Session, _flush_context) -> None:
    # The first delete of "delete, commit, delete": the rows are written, not yet committed.
    ids = session.info.get(_PENDING)
    if ids:
        forget(*ids)


@event.listens_for(Session, "after_commit")
def _forget_after_commit(session: Session) -> None:
    # The second: a reader that cached the old row between the flush and the commit is undone.
    ids = session.info.pop(_PENDING, None)
    if ids:
        forget(*ids)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_PENDING, None)
