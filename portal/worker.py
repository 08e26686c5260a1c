"""Background worker: `python -m portal.worker` runs the Huey consumer with the app's context."""
from __future__ import annotations

import logging


def main() -> None:
    from huey.consumer import Consumer

    from portal import create_app
    from portal.signing.tasks import huey, set_worker_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app()
    set_worker_app(app)
    consumer = Consumer(huey, workers=1, worker_type="thread", periodic=False)
    consumer.run()


if __name__ == "__main__":
    main()
