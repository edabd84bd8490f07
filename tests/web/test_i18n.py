"""The interface in two languages: Indonesian (the source strings) by default, English on request.

The English catalogue lives in workflow/translations; scripts/update_translations.sh re-extracts,
merges and compiles it. These tests fail when a string is untranslated, when a translation breaks a
placeholder, or when the committed .mo or the catalogue itself lags behind.
"""

import io
import re
from collections import Counter
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ..conftest import PASSWORD
from ..helpers import ALIASES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "workflow" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")

# printf-style placeholders (and any other "%": Jinja's newstyle gettext %-formats every template
# string, so a stray "%" in a translation would break the page) and str.format fields
PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]|%")
BRACES = re.compile(r"\{[^{}]*\}")


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values.setdefault(attrs["name"], attrs.get("value"))


def csrf_token(html: str) -> str:
    parser = _Inputs()
    parser.feed(html)
    token = parser.values.get("csrf_token")
    assert token, "no csrf_token on the page"
    return token


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]*)"', html)
    assert match, "no <html lang> on the page"
    return match.group(1)


@pytest.fixture
def client(app):
    return app.test_client()


def switch(client, lang, next_path="/masuk"):
    """Press a language button on the login page, as a browser would."""
    token = csrf_token(client.get("/masuk").get_data(as_text=True))
    return client.post(f"/bahasa/{lang}", data={"csrf_token": token, "next": next_path})


def login_page(client):
    r = client.get("/masuk")
    assert r.status_code == 200
    return r.get_data(as_text=True)


# --- the language switch ---------------------------------------------------------------------


def test_indonesian_by_default(client):
    html = login_page(client)
    assert html_lang(html) == "id"
    assert "Masuk ke Harmoni" in html and ">Masuk</button>" in html
    assert "Kata sandi" in html
    assert "Sign in" not in html


def test_switch_to_english_and_back(client):
    r = switch(client, "en")
    assert r.status_code == 302 and r.headers["Location"].endswith("/masuk")
    html = login_page(client)
    assert html_lang(html) == "en"
    assert "Sign in to Harmoni" in html and ">Sign in</button>" in html
    assert ">Password<" in html  # a lazy form label, translated when rendered
    assert "Masuk ke Harmoni" not in html and "Kata sandi" not in html
    # the language buttons keep their own names, whatever the page's language
    assert "Bahasa Indonesia" in html and "English" in html

    r = switch(client, "id")
    assert r.status_code == 302 and r.headers["Location"].endswith("/masuk")
    html = login_page(client)
    assert html_lang(html) == "id"
    assert "Masuk ke Harmoni" in html and "Sign in" not in html


def test_the_per_request_catalogue_follows_force_locale(app):
    """workflow.i18n keeps the catalogue for the rest of the request; a mail in the applicant's
    language (force_locale) must still get that language, in templates too, and the page after it
    its own again."""
    from datetime import date

    from flask import render_template_string
    from flask_babel import force_locale

    from workflow.i18n import format_day, gettext

    with app.test_request_context("/"):
        assert gettext("Semua") == "Semua"
        assert format_day(date(2026, 12, 4), "d MMMM y") == "4 Desember 2026"
        with force_locale("en"):
            assert gettext("Semua") == "All"
            assert render_template_string('{{ _("Semua") }}') == "All"
            assert format_day(date(2026, 12, 4), "d MMMM y") == "4 December 2026"
        assert gettext("Semua") == "Semua"
        assert render_template_string('{{ _("Semua") }}') == "Semua"
        assert gettext("%(count)s permohonan", count=3) == "3 permohonan"


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 27, 1, 30),  # 09.30 WITA
        datetime(2026, 5, 31, 16, 5),  # 00.05 WITA on 1 June: the local day, not the UTC one
        datetime(2026, 12, 31, 23, 59, 59),  # the next year, locally
        datetime(2026, 8, 17, 0, 0),
    ],
)
def test_the_waktu_filter_says_what_babel_says(app, moment):
    """Timeline dates are formatted without a babel pattern per entry (web/templating.py, moment):
    the same text as flask_babel's format_datetime, in both languages and the office's zone."""
    from flask import render_template_string
    from flask_babel import force_locale, format_datetime

    with app.test_request_context("/"):
        for language in ("id", "en"):
            with force_locale(language):
                expected = format_datetime(moment, "d MMM y HH.mm") + " WITA"
                assert render_template_string("{{ m|waktu }}", m=moment) == expected


def test_unknown_language_is_ignored(client):
    r = switch(client, "xx")
    assert r.status_code == 302
    assert html_lang(login_page(client)) == "id"
    switch(client, "en")
    switch(client, "fr")  # neither resets nor changes the choice already made
    assert html_lang(login_page(client)) == "en"


def test_switch_needs_csrf_token(client):
    r = client.post("/bahasa/en", data={"next": "/masuk"})
    assert r.status_code == 400
    assert html_lang(login_page(client)) == "id"


def test_switch_does_not_redirect_off_site(client):
    token = csrf_token(login_page(client))
    r = client.post("/bahasa/en", data={"csrf_token": token, "next": "https://evil.example/"})
    assert r.status_code == 302
    assert "evil.example" not in r.headers["Location"]


def test_form_errors_are_translated(client):
    switch(client, "en")
    token = csrf_token(login_page(client))
    r = client.post("/masuk", data={"csrf_token": token, "email": "", "password": ""})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "This field is required." in html and "Wajib diisi." not in html


def test_language_survives_sign_in(client):
    """Signing in starts a fresh session, but keeps the language the user chose."""
    switch(client, "en")
    token = csrf_token(login_page(client))
    r = client.post("/masuk", data={"csrf_token": token, "email": ALIASES["officer"], "password": PASSWORD})
    assert r.status_code == 302
    html = client.get("/permohonan/").get_data(as_text=True)
    assert html_lang(html) == "en"
    assert "Work queue" in html and "Daftar kerja" not in html


# --- the catalogue ---------------------------------------------------------------------------


def load_catalog():
    with PO.open("rb") as f:
        return read_po(f)


def messages():
    return [m for m in load_catalog() if m.id]


def test_catalog_is_english():
    catalog = load_catalog()
    assert str(catalog.locale) == "en"
    assert len(messages()) > 100


def test_every_message_is_translated():
    forms = lambda m: m.string if m.pluralizable else [m.string or ""]  # noqa: E731 (a plural has one per form)
    untranslated = [m.id for m in messages() if not all(s.strip() for s in forms(m))]
    fuzzy = [m.id for m in messages() if m.fuzzy]  # compile leaves fuzzy entries out
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy (check, then remove the flag): {fuzzy}"


def test_no_plural_forms_are_left_empty():
    for m in messages():
        if m.pluralizable:
            assert all(s.strip() for s in m.string), m.id


def placeholders(text: str) -> tuple[Counter, Counter]:
    return Counter(PERCENT.findall(text)), Counter(BRACES.findall(text))


def test_placeholders_survive_translation():
    wrong = []
    for m in messages():
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        expected = placeholders(ids[-1])
        for string in strings:
            if placeholders(string) != expected:
                wrong.append((ids[0], string))
    assert not wrong, f"placeholders differ: {wrong}"


def test_strings_inside_javascript_stay_quotable():
    """confirm('{{ _('...') }}') in an onsubmit attribute: the browser decodes &#39; back to a quote
    before running the script, so an apostrophe in the translation would break the dialog."""
    in_js = set()
    for template in (ROOT / "templates").rglob("*.html"):
        in_js.update(re.findall(r"confirm\('\{\{\s*_\('([^']*)'\)\s*\}\}'\)", template.read_text()))
    strings = {m.id: m.string for m in messages()}
    broken = {msgid: strings[msgid] for msgid in in_js if msgid in strings and re.search(r"['\\\n]", strings[msgid])}
    assert not broken, f"quotes or backslashes would break the script: {broken}"


def test_compiled_catalog_matches_po():
    buffer = io.BytesIO()
    write_mo(buffer, load_catalog())
    assert MO.exists(), f"{MO} missing: run scripts/update_translations.sh"
    assert MO.read_bytes() == buffer.getvalue(), "messages.mo is stale: run scripts/update_translations.sh"


def test_catalog_holds_every_marked_string():
    """Every string marked in the code and templates is in the catalogue (nothing added since the
    last scripts/update_translations.sh); and nothing in it is gone from the sources."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None}
    in_sources = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords
        )
    }
    in_catalog = {m.id if isinstance(m.id, str) else m.id[0] for m in messages()}
    assert not in_sources - in_catalog, f"not in the catalogue: {sorted(in_sources - in_catalog)}"
    assert not in_catalog - in_sources, f"no longer in the sources: {sorted(in_catalog - in_sources)}"
