"""A live Harmoni server on a fresh SQLite database, and Debian's Chromium driven by Playwright."""

import os
import shutil
import threading
from pathlib import Path

import flask_migrate
import pytest
from werkzeug.serving import make_server

from workflow import create_app
from workflow.demo import seed
from workflow.extensions import db

from ..conftest import SUMMARY
from ..stats import dataset

CHROMIUM = os.environ.get("HARMONI_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "rahasia-e2e-123"


@pytest.fixture(scope="module")
def figures_server(tmp_path_factory):
    """A server of the module's own: the demo office plus the known data set of the figures' tests
    (overdue, due-soon and paused files among them)."""
    tmp = tmp_path_factory.mktemp("figures")
    app = create_app(
        "config.TestConfig", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/e2e.db", DOCUMENT_STORE=str(tmp / "documents")
    )
    with app.app_context():
        flask_migrate.upgrade()
        seed(PASSWORD)
        db.session.commit()
        dataset.build()
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app the live server serves (a journey may set up its starting point in it)."""
    tmp = tmp_path_factory.mktemp("e2e")
    app = create_app(
        "config.TestConfig", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/e2e.db", DOCUMENT_STORE=str(tmp / "documents")
    )
    with app.app_context():
        flask_migrate.upgrade()
        seed(PASSWORD)
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    app = live_app
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("HARMONI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"HARMONI_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    SUMMARY.setdefault("browser screenshots", {})["directory"] = str(SCREENSHOTS)
    return SCREENSHOTS
