"""Bearer-token authentication for the API. No cookie ever authenticates an API call, so the
API needs no CSRF protection."""
from flask import g, request
from werkzeug.exceptions import Unauthorized

from ...models import ApiToken


def authenticate() -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = ApiToken.user_for(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    if user is None:
        raise Unauthorized()
    g.user = user
