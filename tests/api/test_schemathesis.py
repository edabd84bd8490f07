"""Property-based run over the whole OpenAPI document with schemathesis (pinned in pyproject.toml):
every operation, as a drafter and as an officer, through its examples, coverage (boundary and
invalid values) and fuzzing phases with bounded examples. No answer may be a server error, and
every answer must be one the document declares, matching its schema.

Schemathesis runs as its command-line tool (its supported interface) against the test app served
on a local port, so it sees exactly what a client sees. Every role on every backend (four runs, about
15 s of CPU each); HARMONI_SCHEMATHESIS_EXAMPLES sets more examples per operation."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ..helpers import ALIASES, submitted_request

EXAMPLES = os.environ.get("HARMONI_SCHEMATHESIS_EXAMPLES", "6")
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.mark.parametrize("alias", ["drafter", "officer"])
def test_no_server_error_and_every_answer_as_documented(app, api, served, alias, tmp_path):
    submitted_request(api)  # a request, documents and events to find
    token = app.config["TEST_TOKENS"][ALIASES[alias]]
    command = [
        str(Path(sys.executable).parent / "st"),
        "run",
        f"{served}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        EXAMPLES,
        "--generation-deterministic",
        "--no-shrink",
        "--workers",
        "1",
        "--continue-on-failure",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "30",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-2000:]
