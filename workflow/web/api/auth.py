"""Bearer-token authentication for the API. No cookie ever authenticates an API call, so the
API needs no CSRF protection."""

from flask import current_app, g, request
from werkzeug.exceptions import Unauthorized

from ...extensions import limiter
from ...models import ApiToken


def protect(blueprint) -> None:
    """Bearer authentication and the API rate limit for every view of `blueprint` (once, at import)."""
    limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(blueprint)
    blueprint.before_request(authenticate)


def authenticate() -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = ApiToken.user_for(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        raise Unauthorized()
    g.user = user
