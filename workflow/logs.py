"""Logging: the module loggers of operations/ and documents/ (a failed e-mail, a timer fired, a
document rendered, a rejected upload) go to stderr, as text or, with HARMONI_LOG_FORMAT=json, one
JSON object a line for a log collector in production."""

import json
import logging
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app) -> None:
    """One handler on the `workflow` logger (the app's own modules), at HARMONI_LOG_LEVEL."""
    logger = logging.getLogger("workflow")
    if any(getattr(h, "harmoni", False) for h in logger.handlers):
        return  # a second app in the same process (tests) keeps the one handler
    handler = logging.StreamHandler()
    handler.harmoni = True  # type: ignore[attr-defined]
    if app.config.get("LOG_FORMAT") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
