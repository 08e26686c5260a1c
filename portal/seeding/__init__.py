"""Demo data beyond accounts; each area adds its own seeding step here. Every step is idempotent:
`flask seed-demo` may run on every start (./run.sh does)."""

DEMO_SIGNING_PIN = "123456"  # demo accounts only, like their passwords


def seed_everything_else() -> None:
    from portal.assessment.catalogue import seed_assessor_schemes
    from portal.calendar.services import seed_default_holidays

    seed_default_holidays()
    seed_assessor_schemes()
    seed_demo_signing_pins()
    seed_demo_cases()


def seed_demo_signing_pins() -> None:
    from sqlalchemy import select

    from portal.accounts.models import User
    from portal.extensions import db
    from portal.signing.models import SigningCredential
    from portal.signing.queue import set_pin

    for username in ("ketua", "kasek", "anggota"):
        user = db.session.scalar(select(User).where(User.username == username))
        if user and not db.session.scalar(select(SigningCredential.id).where(SigningCredential.user_id == user.id)):
            set_pin(user, DEMO_SIGNING_PIN)


def seed_demo_cases() -> None:
    """Cases walked through the real engine so every role finds work (see portal/seeding/demo_cases.py)."""
    from portal.seeding.demo_cases import seed_demo_cases as seed

    seed(DEMO_SIGNING_PIN)
