"""The JSON API under /api/v1, documented by flask-smorest at /api/v1/openapi.json."""

from flask_smorest import Api

from .. import MAX_ID, IdConverter
from .errors import ErrorSchema


class HarmoniApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass  # the app's handlers (web/errors.py) answer JSON under /api/ and pages elsewhere


api = HarmoniApi(
    spec_kwargs={
        "info": {"description": "Harmoni: harmonisasi rancangan peraturan daerah dan layanan hukum."},
        "security": [{"bearerAuth": []}],
    }
)


def init_api(app) -> None:
    from . import meetings, reference, requests, stats, verify

    api.init_app(app)
    api.register_converter(IdConverter, lambda _c: {"type": "integer", "minimum": 1, "maximum": MAX_ID})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in (reference.blp, requests.blp, meetings.blp, stats.blp, verify.blp):
        api.register_blueprint(blueprint)
