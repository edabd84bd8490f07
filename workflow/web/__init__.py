"""The web layer: pages (blueprints beside this file) and the JSON API (api/)."""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; larger ids cannot exist, so they are simply not found


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id. Out of range is "no such page" (404), never a database error."""

    def __init__(self, map, **kwargs):
        super().__init__(map, min=1, max=MAX_ID, **kwargs)
