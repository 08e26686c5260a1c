"""Per-IP fixed-window rate limits for the public pages: Redis when REDIS_URL is set (shared by
every worker and server), otherwise a database table (shared by the workers of one database).

    if not ratelimit.hit("registri", request.remote_addr, limit=20, window=60):
        abort(429)
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from flask import current_app
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.verification.models import RateLimitCounter


@lru_cache(maxsize=4)
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def hit(action: str, client: str | None, *, limit: int, window: int) -> bool:
    """Count one request of ``client`` for ``action``; False once it is over ``limit`` in the
    current ``window`` (seconds). The caller commits (DB backend) with the rest of the request."""
    now = time.time()
    slot = int(now // window)
    key = f"{action}:{client or '-'}:{slot}"[:160]
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            return _hit_redis(_redis(url), "rl:" + key, window) <= limit
        except Exception:  # noqa: BLE001 - Redis down: fall back to the database, do not fail open
            current_app.logger.warning("rate limit: Redis unavailable, using the database")
    expires = datetime.fromtimestamp((slot + 1) * window, timezone.utc)
    return _hit_db(key, expires) <= limit


def _hit_redis(client, key: str, window: int) -> int:
    pipe = client.pipeline()
    pipe.incr(key)
    pipe.expire(key, window + 1)
    count, _ = pipe.execute()
    return int(count)


def _hit_db(key: str, expires: datetime) -> int:
    session = db.session
    for _attempt in range(3):
        result = session.execute(
            update(RateLimitCounter).where(RateLimitCounter.key == key)
            .values(hits=RateLimitCounter.hits + 1)
            .returning(RateLimitCounter.hits))
        count = result.scalar()
        if count is not None:
            return int(count)
        # A new window: drop expired counters now and then, so the table stays small.
        session.execute(delete(RateLimitCounter).where(
            RateLimitCounter.expires_at < datetime.now(timezone.utc) - timedelta(minutes=1)))
        try:
            with session.begin_nested():
                session.add(RateLimitCounter(key=key, hits=1, expires_at=expires))
            return 1
        except IntegrityError:
            continue  # another worker created it in between: count on it
    return 1
