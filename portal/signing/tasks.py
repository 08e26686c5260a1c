"""Background tasks (Huey): embedded SQLite storage by default, Redis when REDIS_URL is set."""
from __future__ import annotations

from portal.tasks import app_context as _app_context, huey, set_worker_app, worker_app  # noqa: F401


@huey.task(retries=2, retry_delay=5)
def sign_batch_task(batch_id: int) -> None:
    from portal.signing.runner import run_batch

    with _app_context():
        run_batch(batch_id)


def dispatch_batch(batch_id: int, secret: str) -> None:
    """Hand a batch to the worker. With the TTE backend the passphrase must not be written into
    the queue's storage, so the batch runs here in a background thread holding it in memory."""
    from flask import current_app

    if current_app.config.get("SIGNING_BACKEND") != "tte":
        sign_batch_task(batch_id)
        return
    from portal.signing.runner import run_batch

    if huey.immediate:
        run_batch(batch_id, secret)
        return
    app = current_app._get_current_object()

    def run() -> None:
        with app.app_context():
            run_batch(batch_id, secret)

    import threading

    threading.Thread(target=run, name=f"tte-batch-{batch_id}", daemon=True).start()


@huey.on_startup()
def resume_unfinished_batches() -> None:
    """A worker killed mid-batch left it 'berjalan': pick it up again when a worker starts."""
    if worker_app() is None:
        return
    from portal.signing.runner import unfinished_batches

    with worker_app().app_context():
        for batch_id in unfinished_batches():
            sign_batch_task(batch_id)
