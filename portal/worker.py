"""Background worker: `python -m portal.worker` runs the Huey consumer with the app's context."""
from __future__ import annotations

import logging


def main() -> None:
    import importlib

    from huey.consumer import Consumer

    from portal import create_app
    from portal.tasks import TASK_MODULES, huey, set_worker_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    for module in TASK_MODULES:
        importlib.import_module(module)  # every task and periodic task known to this consumer
    set_worker_app(app)
    _warm_up_signing(app)
    consumer = Consumer(huey, workers=1, worker_type="thread", periodic=True)
    consumer.run()


def _warm_up_signing(app) -> None:
    """Start the signing processes and load the key now, so the first batch is as fast as the rest."""
    from portal.signing.batch import prestart
    from portal.signing.pades import SigningError
    from portal.signing.runner import backend_name, signing_key

    with app.app_context():
        if backend_name() != "pkcs12":
            return
        try:
            p12, passphrase = signing_key()
            prestart(p12, passphrase, processes=app.config.get("SIGNING_PROCESSES", 2),
                     timestamper_url=app.config.get("SIGNING_TSA_URL") or None)
        except (SigningError, OSError) as exc:
            logging.getLogger(__name__).warning("signing key not ready yet: %s", exc)


if __name__ == "__main__":
    main()
