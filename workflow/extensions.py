"""Extensions, created unbound; create_app() binds them."""

from flask import has_request_context, request, session
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints, so that migrations can alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
LANGUAGES = ("id", "en")


def read_only_request() -> bool:
    """Inside a GET or HEAD request, which changes nothing (personal-data reads are logged apart:
    operations/personal_data.log_read)."""
    return has_request_context() and request.method in ("GET", "HEAD")


def select_locale() -> str:
    # Indonesian first: English only when the user chose it with the language switch
    # (and never outside a request: official documents are Indonesian).
    if not has_request_context():
        return "id"
    return session.get("lang") if session.get("lang") in LANGUAGES else "id"


babel = Babel()


def rate_limit_key() -> str:
    """Who a rate limit counts. An API call with a valid bearer token is counted per token (many
    offices share one NAT address); everything else per client address. The token counts only on
    /api/ and only once it is valid: keying by any Authorization header let a caller buy a fresh
    bucket per request with an invented header, on every route (issue 10).

    The address is the peer's, or, behind HARMONI_TRUSTED_PROXIES proxies, the one the nearest
    trusted proxy saw (werkzeug's ProxyFix, installed by create_app)."""
    if request.path.startswith("/api/"):
        from .web.api.auth import bearer_token  # the API's own lookup, cached for the request

        token = bearer_token()
        if token is not None:
            return f"token:{token.id}"
    return "addr:" + (request.remote_addr or "")


limiter = Limiter(key_func=rate_limit_key)
