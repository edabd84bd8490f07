"""What the rate limits count (issue 10): the client's address everywhere, a bearer token only on
/api/ and only once it is valid. Before, any `Authorization` header bought its own bucket: a random
header per request made every limit endless (44 wrong passwords then a login, 61 PIN guesses on
/track, 15 public submissions past the hourly limit).

Each test uses addresses of its own: the counts live as long as the limiter's storage."""

import io
import itertools
import re
import secrets

import pytest
from sqlalchemy import func, select

from workflow import create_app
from workflow.extensions import db
from workflow.models import Request

from ..conftest import PASSWORD
from ..services.test_public import DOCUMENTS, valid_fields

_ADDRESSES = itertools.count(1)
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def address() -> str:
    n = next(_ADDRESSES)
    return f"10.99.{n // 250}.{n % 250 + 1}"


def random_header() -> dict:
    """What the attacker sent: a fresh, invented Authorization header on every request."""
    return {"Authorization": "Bearer " + secrets.token_urlsafe(16)}


@pytest.fixture
def limited(app):
    """An app on the same database whose sign-in and API limits are small enough to reach."""

    def make(**config):
        limited = create_app(
            "config.TestConfig",
            SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
            DOCUMENT_STORE=app.config["DOCUMENT_STORE"],
            **config,
        )
        made.append(limited)
        return limited

    made = []
    yield make
    for each in made:
        with each.app_context():
            db.engine.dispose()


def client_at(app, addr=None):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = addr or address()
    return client


def csrf(client, path) -> str:
    return _TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def test_wrong_passwords_with_invented_headers_are_counted_per_address(limited):
    # four: the account itself locks after five failures (test_throttle.py), whatever the address
    app = limited(LOGIN_RATE_LIMIT="4 per minute")
    client = client_at(app)
    token = csrf(client, "/masuk")
    form = {"csrf_token": token, "email": "perancang1@harmoni.test", "password": "salah-sekali"}
    wrong = [client.post("/masuk", data=form, headers=random_header()).status_code for _ in range(4)]
    assert wrong == [422] * 4
    right = client.post("/masuk", data={**form, "password": PASSWORD}, headers=random_header())
    assert right.status_code == 429  # the right password too: the address is out of attempts
    assert "/keluar" not in right.get_data(as_text=True)
    # another address signs in (the limit is the address's, not the account's)
    other = client_at(app)
    signed_in = other.post("/masuk", data={**form, "csrf_token": csrf(other, "/masuk"), "password": PASSWORD})
    assert signed_in.status_code == 302


def test_pin_guesses_with_invented_headers_are_counted_per_address(app):
    # a code of its own per guess: one code locks after five wrong PINs (test_throttle.py)
    client = client_at(app)
    token = csrf(client, "/track")
    guesses = [
        client.post(
            "/track", data={"csrf_token": token, "code": f"ABCD-EF{n:02d}", "pin": "123456"}, headers=random_header()
        ).status_code
        for n in range(11)
    ]
    assert guesses == [200] * 10 + [429]


def test_public_submissions_with_invented_headers_are_counted_per_address(app):
    """10 posts an hour per address, whatever the headers; the 11th, complete and valid, is
    refused and stores nothing."""
    client = client_at(app)
    token = csrf(client, "/layanan/legal_aid")
    incomplete = {"csrf_token": token, **valid_fields(name="")}
    answers = [
        client.post("/layanan/legal_aid", data=incomplete, headers=random_header()).status_code for _ in range(10)
    ]
    assert answers == [422] * 10
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Request))
    data = {"csrf_token": token, **valid_fields()}
    for kind, (content, name) in DOCUMENTS.items():
        data[kind] = (io.BytesIO(content), name)
    refused = client.post("/layanan/legal_aid", data=data, headers=random_header(), content_type="multipart/form-data")
    assert refused.status_code == 429
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Request)) == before


def test_invalid_api_tokens_are_counted_per_address_valid_ones_per_token(limited, app):
    api = limited(API_RATE_LIMIT="3 per minute")
    client = client_at(api)
    guesses = [client.get("/api/v1/processes", headers=random_header()).status_code for _ in range(4)]
    assert guesses == [401, 401, 401, 429]  # guessing tokens is limited like any other guessing
    # a valid token from the same address has a bucket of its own (offices share NAT addresses)
    valid = {"Authorization": "Bearer " + app.config["TEST_TOKENS"]["perancang1@harmoni.test"]}
    assert [client.get("/api/v1/processes", headers=valid).status_code for _ in range(4)] == [200] * 3 + [429]
    # a valid token does not lend its bucket to pages: outside /api/ the address counts
    login = limited(LOGIN_RATE_LIMIT="2 per minute")
    browser = client_at(login)
    form = {"csrf_token": csrf(browser, "/masuk"), "email": "perancang1@harmoni.test", "password": "salah"}
    answers = [browser.post("/masuk", data=form, headers=valid).status_code for _ in range(3)]
    assert answers == [422, 422, 429]


def test_without_trusted_proxies_x_forwarded_for_is_ignored(limited):
    app = limited(LOGIN_RATE_LIMIT="2 per minute")
    client = client_at(app)
    form = {"csrf_token": csrf(client, "/masuk"), "email": "perancang1@harmoni.test", "password": "salah"}
    answers = [client.post("/masuk", data=form, headers={"X-Forwarded-For": address()}).status_code for _ in range(3)]
    assert answers == [422, 422, 429]


def test_behind_a_trusted_proxy_the_address_it_saw_counts(limited):
    """One trusted proxy: its X-Forwarded-For entry is the client. Clients behind it have buckets of
    their own, and an entry a client wrote itself (further left) changes nothing."""
    app = limited(LOGIN_RATE_LIMIT="2 per minute", TRUSTED_PROXIES=1)
    proxy = address()
    client, other = address(), address()
    browser = client_at(app, proxy)
    form = {"csrf_token": csrf(browser, "/masuk"), "email": "perancang1@harmoni.test", "password": "salah"}

    def attempt(forwarded):
        return browser.post("/masuk", data=form, headers={"X-Forwarded-For": forwarded}).status_code

    assert [attempt(f"{address()}, {client}") for _ in range(3)] == [422, 422, 429]
    assert attempt(other) == 422  # another client behind the same proxy
