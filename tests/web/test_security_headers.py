"""Security headers on every response (flask-talisman, issue 10): a CSP that allows no inline
script, no inline CSS and no framing, nosniff, a same-origin referrer policy; HSTS only when cookies are secure;
never a redirect to HTTPS in development. And no template carries an inline script, an event
handler attribute or inline CSS, which the CSP would block (confirmations use data-confirm)."""

import pathlib
import re

import pytest

from workflow import create_app
from workflow.extensions import db

from .conftest import WebClient

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)


def csp(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def assert_protected(response):
    policy = csp(response)
    assert policy["script-src"] == ["'self'"], policy  # no inline script, no eval
    assert policy["style-src"] == ["'self'"], policy  # no inline CSS (no <style>, no style attribute)
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # HARMONI_SECURE_COOKIES is off


ANONYMOUS = ["/masuk", "/track", "/layanan/", "/layanan/legal_aid", "/bantuan/", "/tidak-ada", "/api/v1/processes"]
SIGNED_IN = {
    "officer": ["/permohonan/", "/akun/", "/rapat/", "/akun/kata-sandi"],
    "head": ["/dasbor/", "/laporan/"],
    "admin": ["/admin/pengguna", "/admin/keamanan"],
}


@pytest.mark.parametrize("path", ANONYMOUS)
def test_anonymous_responses_carry_the_headers(app, path):
    r = app.test_client().get(path)
    assert r.status_code < 500 and r.status_code != 301
    assert_protected(r)
    if r.mimetype == "text/html":
        page = r.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(page) and not HANDLER.search(page) and not INLINE_STYLE.search(page)


@pytest.mark.parametrize("alias", list(SIGNED_IN))
def test_signed_in_pages_carry_the_headers_and_no_inline_script(app, alias):
    web = WebClient(app)
    web.login(alias)
    for path in SIGNED_IN[alias]:
        r = web.get(path, follow_redirects=True)
        assert r.status_code == 200, path
        assert_protected(r)
        page = r.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(page), path
        assert not HANDLER.search(page), path
        # the charts too: their CSS is /grafik.css (tests/e2e/test_dashboard_journey.py looks)
        assert not INLINE_STYLE.search(page), path


def test_the_api_and_static_files_carry_them_too(app, api):
    assert_protected(api.as_("officer").get("/processes"))
    with app.test_client().get("/static/harmoni.js") as static:
        assert static.status_code == 200 and "confirm" in static.get_data(as_text=True)
        assert_protected(static)


@pytest.mark.parametrize("path", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html")))
def test_no_template_has_inline_script_handlers_or_styles(path):
    if path.startswith(("pdf/", "email/")):
        pytest.skip("rendered to PDF or e-mail, never served as a page")
    text = (TEMPLATES / path).read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>"
    assert not HANDLER.search(text), "event handler attribute: use data-confirm (static/harmoni.js)"
    assert not INLINE_STYLE.search(text), "inline CSS: use static/harmoni.css"


def test_hsts_and_secure_cookies_only_when_cookies_are_secure(app):
    secure = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        DOCUMENT_STORE=app.config["DOCUMENT_STORE"],
        SESSION_COOKIE_SECURE=True,
    )
    try:
        r = secure.test_client().get("/masuk", base_url="https://harmoni.example")
        assert r.headers["Strict-Transport-Security"].startswith("max-age=315")  # a year
        assert "Secure" in r.headers["Set-Cookie"]
        plain = secure.test_client().get("/masuk")  # no redirect to https from the app itself
        assert plain.status_code == 200
    finally:
        with secure.app_context():
            db.engine.dispose()
    r = app.test_client().get("/masuk", base_url="https://harmoni.example")
    assert "Strict-Transport-Security" not in r.headers
    assert "Secure" not in r.headers["Set-Cookie"]


def test_the_charts_stylesheet_is_a_file_of_its_own(app):
    """What the pygal charts used to carry inline: served as CSS, to anyone (it holds no data)."""
    r = app.test_client().get("/grafik.css")
    assert r.status_code == 200 and r.mimetype == "text/css"
    css = r.get_data(as_text=True)
    assert ".pygal-chart .color-0" in css and "#0d6efd" in css and "#chart-" not in css
    assert_protected(r)
