"""Harmoni: the workflow engine of a Kanwil of Indonesia's Ministry of Law."""

import os

from flask import Flask, g, session
from flask_talisman import Talisman
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from . import i18n
from .extensions import (
    babel,
    bootstrap,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    read_only_request,
    select_locale,
)
from .logs import configure_logging

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def create_app(config_object="config.Config", **overrides) -> Flask:
    app = Flask(__name__, template_folder="../templates", instance_relative_config=True)
    app.config.from_object(config_object)
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "harmoni.db")
    if not app.config.get("DOCUMENT_STORE"):
        app.config["DOCUMENT_STORE"] = os.path.join(app.instance_path, "documents")
    if app.config.get("TRUSTED_PROXIES"):
        # the client's address (rate limits, sessions) and scheme as the trusted proxies saw them
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    configure_logging(app)
    register_extensions(app)
    register_security_headers(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    check_signing(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page says enough
    login_manager.session_protection = "strong"
    limiter.init_app(app)
    csrf.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=_office_timezone)
    i18n.install(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)

    @login_manager.user_loader
    def load_user(alternative_id):
        # the session counts only while its row lives and its generation is the account's
        # (operations/accounts.py); the office comes along: every page needs its day and time zone
        from .operations.accounts import session_user

        found = session_user(alternative_id, session.get("sid"))
        if found is None:
            return None
        g.user_session = found[1]
        return found[0]


# What a page may load: its own scripts only (no inline script, no event-handler attribute), its
# own stylesheets only (no <style> block, no style attribute: the charts' CSS is a file too,
# web/charts.py), images of its own and data: URIs (Bootstrap's form icons), no plugin, no framing.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def register_security_headers(app: Flask) -> None:
    """flask-talisman: the CSP above, X-Frame-Options DENY, nosniff, a same-origin referrer policy,
    and HSTS only when cookies are secure (HARMONI_SECURE_COOKIES=1: served over HTTPS). Talisman
    never redirects to HTTPS here: the proxy in front does that, and development has no TLS. One
    instance per app: Talisman keeps its options on itself."""
    secure = app.config["SESSION_COOKIE_SECURE"]
    app.extensions["talisman"] = Talisman(
        app,
        force_https=False,
        strict_transport_security=secure,
        strict_transport_security_include_subdomains=False,
        session_cookie_secure=secure,
        session_cookie_http_only=True,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
    )


def _office_timezone():
    from flask_login import current_user

    return current_user.office.timezone if current_user and current_user.is_authenticated else None


def _configure_sqlite(engine) -> None:
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE for every transaction.

    pysqlite would otherwise begin transactions lazily, as readers that fail to upgrade to writers
    under concurrency; taking the write lock up front serialises writers cleanly instead.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A read-only request's plain BEGIN reads a snapshot and, in WAL mode, neither waits for
        # writers nor makes them wait. Holding the write lock for a whole page render serialised
        # every request and left the others in SQLite's busy handler (sleeps of up to 100 ms).
        if read_only_request():
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def register_blueprints(app: Flask) -> None:
    from .web import (
        IdConverter,
        account,
        admin,
        auth,
        cases,
        charts,
        dashboard,
        help,
        letters,
        meetings,
        notifications,
        public,
        reports,
        services,
        verify,
    )
    from .web.api import init_api

    app.url_map.converters["id"] = IdConverter

    for module in (
        public,
        auth,
        account,
        cases,
        charts,
        dashboard,
        reports,
        meetings,
        letters,
        notifications,
        services,
        admin,
        help,
        verify,
    ):
        app.register_blueprint(module.bp)
    init_api(app)
    # the API authenticates with bearer tokens, never cookies: CSRF cannot reach it
    for name in ("api-reference", "api-requests", "api-meetings", "api-stats", "api-verify", "api-docs"):
        csrf.exempt(app.blueprints[name])


def register_errorhandlers(app: Flask) -> None:
    from .web.errors import register_errorhandlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from .web.templating import register

    register(app)


def check_signing(app: Flask) -> None:
    """A signing certificate that is configured but cannot be used (a wrong path or passphrase)
    stops the server here, rather than at the first document it issues (documents/signing.py)."""
    from .documents.signing import office_signer, revocation_lists

    office_signer(app)
    revocation_lists(app)  # and so does a configured revocation list that cannot be read


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)
