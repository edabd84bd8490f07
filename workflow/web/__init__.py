"""The web layer: pages (blueprints beside this file) and the JSON API (api/)."""

from werkzeug.routing import IntegerConverter

from ..models import MAX_ID


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id. Out of range is "no such page" (404), never a database error."""

    def __init__(self, map, **kwargs):
        super().__init__(map, min=1, max=MAX_ID, **kwargs)
