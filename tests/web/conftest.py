"""Browser-like clients for the pages: sign in through the form and carry the CSRF token of a page
rendered in the same session, as a browser does. CSRF protection stays on in these tests."""

import io
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import func, select

from workflow.documents.store import DocumentStore
from workflow.extensions import db
from workflow.models import Document, Event, Office, Request
from workflow.operations.requests import create_request, upload_document

from ..conftest import PASSWORD, SUMMARY
from ..helpers import ALIASES, PDF, REQUIRED, force_state, user

HOST = "http://localhost"
_TOKEN_INPUT = re.compile(r'<input\b[^>]*\bname="csrf_token"[^>]*>')
_VALUE = re.compile(r'\bvalue="([^"]+)"')


def csrf_from(page: str) -> str:
    """The CSRF token of the first form on `page`."""
    tag = _TOKEN_INPUT.search(page)
    assert tag, "no csrf_token input on the page"
    return _VALUE.search(tag.group(0)).group(1)


def without_echo(page: str) -> str:
    """A page without what merely echoes the request: CSRF tokens (they carry a timestamp), the
    search box, and the language switch's return path (the URL just asked for)."""
    return re.sub(r'(<input\b[^>]*\bname="(?:csrf_token|q|next)"[^>]*\bvalue=")[^"]*"', r'\1"', page)


def login_target(response) -> str | None:
    """The `next` of a redirect to the sign-in page, or None when it is not one."""
    if response.status_code != 302:
        return None
    parts = urlsplit(response.headers["Location"])
    if parts.path != "/masuk":
        return None
    return parse_qs(parts.query).get("next", [""])[0]


class WebClient:
    """`web.login("drafter")`, `web.get(path)`, `web.post(path, data, from_page=...)`."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.alias = None

    def new(self) -> "WebClient":
        """Another browser: its own cookies, its own session."""
        return WebClient(self.app)

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def text(self, path, status=200, **kw) -> str:
        r = self.client.get(path, **kw)
        assert r.status_code == status, (path, r.status_code, r.get_data(as_text=True)[:2000])
        return r.get_data(as_text=True)

    def csrf(self, path="/") -> str:
        """Fetch `path` in this session and return the CSRF token of its form."""
        return csrf_from(self.text(path))

    def login(self, alias, password=PASSWORD, next=None):
        token = self.csrf("/masuk")
        url = "/masuk" + (f"?next={quote(next, safe='')}" if next is not None else "")
        r = self.client.post(url, data={"csrf_token": token, "email": ALIASES.get(alias, alias), "password": password})
        assert r.status_code == 302, (alias, r.status_code, r.get_data(as_text=True)[:2000])
        self.alias = alias
        return r

    def post(self, path, data=None, from_page=None, **kw):
        """POST `data` with the CSRF token of `from_page` (default: `path` itself), and that page as
        the Referer, as a browser submitting the form on it would. A `csrf_token` in `data` wins."""
        page = from_page or path
        data = dict(data or {})
        if "csrf_token" not in data:
            data["csrf_token"] = self.csrf(page)
        elif data["csrf_token"] is None:
            del data["csrf_token"]
        headers = {"Referer": HOST + page, **kw.pop("headers", {})}
        return self.client.post(path, data=data, headers=headers, **kw)

    def upload(self, request_id, kind, content=PDF, filename="berkas.pdf", **kw):
        return self.post(
            f"/permohonan/{request_id}/dokumen",
            {"kind": kind, "file": (io.BytesIO(content), filename)},
            from_page=f"/permohonan/{request_id}",
            content_type="multipart/form-data",
            **kw,
        )

    def act(self, request_id, trigger, version, **data):
        return self.post(
            f"/permohonan/{request_id}/aksi",
            {"trigger": trigger, "version": str(version), **data},
            from_page=f"/permohonan/{request_id}",
        )


@pytest.fixture
def web(app):
    return WebClient(app)


def new_request(
    api,
    alias="drafter",
    *,
    state="submitted",
    title="Rancangan Peraturan Daerah tentang Uji",
    filename="berkas.pdf",
    process="ranperda",
):
    """A request of `alias`'s organisation through the API: a draft (with one document), or
    submitted with every required document, then moved to `state` if that is further on."""
    client = api.as_(alias)
    req = client.create(process, title=title)
    kinds = REQUIRED[process] if state != "draft" else REQUIRED[process][:1]
    for kind in kinds:
        client.ok(client.upload(req["id"], kind, filename=filename), 201)
    if state != "draft":
        client.ok(client.fire(req["id"], "submit"))
        if state != "submitted":
            with api.app.app_context():
                force_state(req["id"], state)
    return client.ok(client.get(f"/requests/{req['id']}"))  # as it is now, version included


def new_walk_in(app, name="Warga Contoh Rahasia", passport="P-RAHASIA-7788"):
    """A naturalisation request an officer registered at the counter for a walk-in applicant (no
    organisation; a passport number that only the head and assigned staff may read), with one
    document."""
    with app.app_context():
        officer = user("officer")
        req = create_request(
            officer,
            process="naturalisation",
            details={
                "name": name,
                "nationality": "Timor-Leste",
                "passport": passport,
                "address": "Jalan Kenari 12, Kupang",
            },
        )
        doc = upload_document(
            req,
            officer,
            kind="application",
            filename="walk-in-permohonan.pdf",
            content=PDF,
            store=DocumentStore(app.config["DOCUMENT_STORE"]),
            max_bytes=app.config["MAX_UPLOAD_BYTES"],
        )
        db.session.commit()
        return {
            "id": req.id,
            "version": req.version,
            "title": req.title,
            "number": req.number,
            "doc": doc.id,
            "passport": passport,
        }


def office_state(app):
    """The office's name and settings: offices outlive the per-test cleanup."""
    with app.app_context():
        office = db.session.scalar(select(Office))
        return office.name, office.settings


def restore_office(app, state):
    """Put back what a test (or a bug) changed in the office (`state` from office_state)."""
    with app.app_context():
        office = db.session.scalar(select(Office))
        if (office.name, office.settings) != state:
            office.name, office.settings = state
            db.session.commit()


def counts(app) -> dict:
    """Rows a refused form must not have written."""
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Request, Document, Event)
        }


# SQL statements per list page, filled by test_list_queries.py and reported after the run.
QUERY_COUNTS: dict[str, dict] = SUMMARY.setdefault("SQL statements per list page (rows 30 -> 600)", {})


@pytest.fixture(scope="module")
def _signed_in_browsers(app):
    return {}


@pytest.fixture
def signed_in(app, _signed_in_browsers):
    """`signed_in("officer")`: a browser signed in as that user, shared by the tests of a module
    (signing in costs a password hash). Tests that sign out or change the session use `web`."""
    used = set()

    def browser(alias) -> WebClient:
        if alias not in _signed_in_browsers:
            _signed_in_browsers[alias] = WebClient(app)
            _signed_in_browsers[alias].login(alias)
        used.add(alias)
        return _signed_in_browsers[alias]

    yield browser
    for alias in used:  # drop any flash message a test left behind (without rendering a page for it)
        with _signed_in_browsers[alias].client.session_transaction() as session:
            session.pop("_flashes", None)
