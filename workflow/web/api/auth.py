"""Bearer-token authentication for the API. No cookie ever authenticates an API call, so the
API needs no CSRF protection."""

from flask import current_app, g, request
from werkzeug.exceptions import Unauthorized

from ...extensions import limiter
from ...models import ApiToken
from ...models.time import utcnow
from ...operations.accounts import touch

_UNSET = object()


def protect(blueprint) -> None:
    """Bearer authentication and the API rate limit for every view of `blueprint` (once, at import)."""
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(blueprint)
    blueprint.before_request(authenticate)


def bearer_token() -> ApiToken | None:
    """The valid token of this request's `Authorization: Bearer` header, or None. Looked up once per
    request: the rate limiter asks first (to count the call per token), authenticate() after."""
    cached = g.get("_bearer_token", _UNSET)
    if cached is _UNSET:
        scheme, _, text = request.headers.get("Authorization", "").partition(" ")
        text = text.strip()
        cached = ApiToken.valid(text) if scheme.lower() == "bearer" and text else None
        g._bearer_token = cached
    return cached


def authenticate() -> None:
    token = bearer_token()
    if token is None:
        raise Unauthorized()
    touch(token, "last_used_at", utcnow())  # shown on the account page and by `users tokens`
    g.user = token.user
