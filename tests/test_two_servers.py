"""Harmoni on two app servers: two gunicorn instances on different ports, one PostgreSQL database,
one document directory and one Redis for the rate limits, as a load balancer would spread them.

- the API rate limit is counted across both servers (Redis), not per process;
- a document uploaded through one server is downloaded, byte for byte, through the other;
- `workflow tick`, run from cron on both servers at the same moment, fires a timer exactly once.

Real components: Debian's redis-server (skipped without it, unless HARMONI_REQUIRE_REDIS=1 as in
`.ci/run`), gunicorn, the `flask` entry point.
"""

import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from workflow.extensions import db
from workflow.models import Event

from .helpers import ALIASES, REQUIRED
from .services.test_tick_concurrency import returned_complaint

pytestmark = pytest.mark.slow  # several OS processes: kept on one xdist worker (tests/conftest.py)

ROOT = Path(__file__).resolve().parents[1]
REQUIRE_REDIS = os.environ.get("HARMONI_REQUIRE_REDIS") == "1"
LIMIT = 6  # API calls per minute and token, across both servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on {port} within {timeout} s")


def stop(proc: subprocess.Popen) -> str:
    """Stop `proc`; what it printed."""
    proc.terminate()
    try:
        output, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate(timeout=10)
    return output or ""


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        if REQUIRE_REDIS:
            pytest.fail("HARMONI_REQUIRE_REDIS=1 but there is no redis-server (apt-get install redis-server)")
        pytest.skip("no redis-server (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for_port(port, proc, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(proc)


def server_env(app, redis_url: str) -> dict:
    """What every app server of one deployment shares: the database, the document directory, the
    secret key and the rate-limit storage."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "HARMONI_"))}
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        HARMONI_DOCUMENT_STORE=app.config["DOCUMENT_STORE"],
        SECRET_KEY="two-servers-test-secret",
        HARMONI_RATELIMIT_STORAGE=redis_url,
        HARMONI_API_RATE_LIMIT=f"{LIMIT} per minute",
    )
    return env


@pytest.fixture
def two_servers(app, backend, request):
    if backend != "postgresql":
        pytest.skip("several app servers share one PostgreSQL database (SQLite is one machine's)")
    env = server_env(app, request.getfixturevalue("redis_url"))
    procs, ports = [], []
    try:
        for _ in range(2):
            port = free_port()
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "--threads",
                        "2",
                    ]
                    + ["--timeout", "120", "wsgi:app"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
            ports.append(port)
        for port, proc in zip(ports, procs):
            wait_for_port(port, proc, f"gunicorn on {port}")
        yield ports, env
    finally:
        for proc in procs:
            stop(proc)


def call(port, method, path, token, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Authorization": f"Bearer {token}", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        conn.close()


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, media_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {media_type}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_two_servers_share_limits_documents_and_timers(app, two_servers):
    (a, b), env = two_servers
    tokens = app.config["TEST_TOKENS"]
    drafter = tokens[ALIASES["drafter"]]

    # a document uploaded through server A is read back through server B, byte for byte
    status, body, _ = call(
        a,
        "POST",
        "/api/v1/requests",
        drafter,
        json.dumps({"process": "ranperda", "title": "Rancangan Peraturan Daerah tentang Dua Server"}),
        {"Content-Type": "application/json"},
    )
    assert status == 201, body
    request_id = json.loads(body)["id"]
    content = b"%PDF-1.4\n% two servers " + uuid.uuid4().hex.encode() + b"\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    payload, content_type = multipart(
        {"kind": REQUIRED["ranperda"][0]}, {"file": ("dua-server.pdf", content, "application/pdf")}
    )
    status, body, _ = call(
        a, "POST", f"/api/v1/requests/{request_id}/documents", drafter, payload, {"Content-Type": content_type}
    )
    assert status == 201, body
    uploaded = json.loads(body)
    status, downloaded, _ = call(b, "GET", f"/api/v1/requests/{request_id}/documents/{uploaded['id']}", drafter)
    assert status == 200
    assert downloaded == content
    assert hashlib.sha256(downloaded).hexdigest() == uploaded["sha256"] == hashlib.sha256(content).hexdigest()

    # the rate limit is one budget per token across both servers: LIMIT calls, then 429 on either
    officer = tokens[ALIASES["officer"]]
    statuses = [call((a, b)[i % 2], "GET", "/api/v1/processes", officer)[0] for i in range(LIMIT)]
    assert statuses == [200] * LIMIT
    assert call(a, "GET", "/api/v1/processes", officer)[0] == 429
    assert call(b, "GET", "/api/v1/processes", officer)[0] == 429
    assert call(b, "GET", "/api/v1/processes", tokens[ALIASES["head"]])[0] == 200  # another token's own budget

    # cron on both servers at the same minute: the deemed withdrawal fires once
    with app.app_context():
        complaint = returned_complaint(date(2026, 3, 3))
        db.session.remove()
    ticks = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "workflow", "tick"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=180)[0] for p in ticks]
    assert [p.returncode for p in ticks] == [0, 0], outputs
    assert sum(f"on request {complaint}" in out for out in outputs) == 1, outputs
    with app.app_context():
        triggers = db.session.scalars(
            select(Event.trigger).where(Event.request_id == complaint).order_by(Event.seq)
        ).all()
        db.session.remove()
    assert triggers[-1] != "return_for_completion" and triggers.count(triggers[-1]) == 1, triggers
