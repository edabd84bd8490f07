"""The module loggers' records as JSON lines (HARMONI_LOG_FORMAT=json)."""

import json
import logging

from workflow.logs import JsonFormatter


def test_a_record_is_one_json_object_with_time_level_logger_and_message():
    record = logging.LogRecord(
        "workflow.operations.timers",
        logging.INFO,
        __file__,
        1,
        "timer %s fired on request %s",
        ("deem_withdrawn", 7),
        None,
    )
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "INFO" and entry["logger"] == "workflow.operations.timers"
    assert entry["message"] == "timer deem_withdrawn fired on request 7"
    assert entry["time"].endswith("+00:00")
