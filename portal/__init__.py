"""Portal Layanan BNSP: the six service flows of KEP.1516/BNSP/UM.00.00/VII/2021."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from portal.config import INSTANCE_DIR, PROJECT_ROOT, load_settings, refuse_unsafe

AREAS = ("home", "accounts", "admin", "flows", "calendar", "cases", "signing", "verification",
         "correspondence", "numbering", "observability", "licensing", "assessment", "notifications")
# Modules whose receivers follow the case engine's signals (cases.signals); imported at start-up.
SUBSCRIBERS = ("portal.signing.subscribers", "portal.assessment.effects", "portal.assessment.subscribers",
               "portal.licensing.effects", "portal.licensing.checklist_forms", "portal.licensing.lks",
               "portal.licensing.pleno", "portal.correspondence.effects", "portal.notifications.subscribers")


def normalise_database_url(url: str) -> str:
    # psycopg 3 is the driver we ship; accept the usual postgres:// spellings too.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_app(config=None) -> Flask:
    settings = load_settings(config)
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    refuse_unsafe(settings)
    app.config.update(settings)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["DATABASE_URL"])
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    for folder in ("STORAGE_DIR", "MAIL_OUTBOX_DIR"):
        Path(app.config[folder]).mkdir(parents=True, exist_ok=True)

    from portal import extensions
    from portal.core import access, csrf, db_setup, errors, security, templating
    from portal.observability import init_observability

    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(PROJECT_ROOT / "migrations"),
                                render_as_batch=True, compare_type=True)
    extensions.htmx.init_app(app)
    init_observability(app)  # first: the request id and timer start before the other hooks
    db_setup.init_db_setup(app)
    _init_login(app)
    access.init_access(app)
    csrf.init_csrf(app)
    security.init_security(app)
    errors.init_errors(app)
    templating.init_templating(app)
    _register_areas(app)
    from portal.forms.registry import init_forms

    init_forms(app)  # a flow step naming an unknown form stops the start here

    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # Behind a reverse proxy: take the client address and scheme from its X-Forwarded-* headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    undeclared = access.undeclared_endpoints(app)
    if undeclared:
        raise RuntimeError(f"routes without an access declaration: {', '.join(undeclared)}")
    return app


def _init_login(app: Flask) -> None:
    from portal.accounts.services import find_user_for_session
    from portal.extensions import login_manager

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Silakan masuk untuk membuka halaman ini."
    login_manager.session_protection = "basic"
    login_manager.user_loader(find_user_for_session)


def _register_areas(app: Flask) -> None:
    import importlib

    for area in AREAS:
        try:
            module = importlib.import_module(f"portal.{area}.blueprint")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"portal.{area}", f"portal.{area}.blueprint"):
                raise
            continue  # the area has no web routes (yet)
        app.register_blueprint(module.bp)
    for module in SUBSCRIBERS:
        importlib.import_module(module)
    _check_declarations()
    from portal.cli import register_cli

    register_cli(app)
    from portal.ops.cli import register_ops_cli

    register_ops_cli(app)
    # Every model must be imported for create_all() and Alembic autogenerate.
    import portal.models  # noqa: F401


def _check_declarations() -> None:
    """Names the flow files borrow from other areas exist there (templates, series, effect handlers)."""
    from portal.cases.drafts import TEMPLATES
    from portal.cases.signals import handled_effects
    from portal.flows.definition import EFFECTS
    from portal.flows.registry import FLOWS
    from portal.flows.validation import check_references
    from portal.numbering.formats import SERIES

    check_references(FLOWS.values(), templates=TEMPLATES, series=SERIES, effects=handled_effects(EFFECTS))
