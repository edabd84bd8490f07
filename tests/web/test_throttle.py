"""Per-account sign-in throttling and per-code lockout on /track (issue 10), on top of the address
limits: stored in the database, so they hold whichever address, process or server the attempts
come from, and shown to admins, who can lift them. Before, only the address limits existed: from
many addresses (or with the Authorization trick) an account or a code could be tried endlessly."""

import itertools
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from workflow import create_app
from workflow.extensions import db
from workflow.models import AuthThrottle, Request
from workflow.models.time import utcnow
from workflow.operations import throttle

from ..conftest import PASSWORD
from ..services.test_public import public_request
from .conftest import ALIASES, WebClient

_ADDRESSES = itertools.count(1)
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOCKED_SIGN_IN = "Terlalu banyak percobaan masuk yang gagal untuk alamat ini."
LOCKED_CODE = "Kode ini dikunci sementara karena terlalu banyak PIN salah."


def browser(app):
    """A client from an address of its own: the address limits are not what is tested here."""
    client = app.test_client()
    n = next(_ADDRESSES)
    client.environ_base["REMOTE_ADDR"] = f"10.88.{n // 250}.{n % 250 + 1}"
    return client


def sign_in(app, email, password):
    client = browser(app)
    token = _TOKEN.search(client.get("/masuk").get_data(as_text=True)).group(1)
    return client.post("/masuk", data={"csrf_token": token, "email": email, "password": password})


def track(app, code, pin):
    client = browser(app)
    token = _TOKEN.search(client.get("/track").get_data(as_text=True)).group(1)
    return client.post("/track", data={"csrf_token": token, "code": code, "pin": pin})


def without_token(body: bytes) -> str:
    return _TOKEN.sub("", body.decode())


# --- the policy ----------------------------------------------------------------------------------


def test_sign_in_delays_double_from_the_sixth_attempt_up_to_an_hour(ctx):
    now = utcnow()
    locks = []
    for _ in range(12):
        until = throttle.record_failure(throttle.SIGN_IN, "Seseorang@Harmoni.test ", now=now)
        locks.append(None if until is None else int((until - now).total_seconds() // 60))
    assert locks == [None, None, None, None, 1, 2, 4, 8, 16, 32, 60, 60]
    assert throttle.locked_until(throttle.SIGN_IN, "seseorang@harmoni.test", now=now) == now + timedelta(hours=1)
    # a day without failures: the count starts again
    later = now + timedelta(days=1, hours=2)
    assert throttle.locked_until(throttle.SIGN_IN, "seseorang@harmoni.test", now=later) is None
    assert throttle.record_failure(throttle.SIGN_IN, "seseorang@harmoni.test", now=later) is None


def test_a_tracking_code_locks_for_half_an_hour_after_five_wrong_pins(ctx):
    now = utcnow()
    locks = [throttle.record_failure(throttle.TRACK, " abcd-efgh", now=now) for _ in range(6)]
    assert locks[:4] == [None] * 4
    assert locks[4] == locks[5] == now + timedelta(minutes=30)
    assert throttle.locked_until(throttle.TRACK, "ABCD-EFGH", now=now + timedelta(minutes=29)) is not None
    assert throttle.locked_until(throttle.TRACK, "ABCD-EFGH", now=now + timedelta(minutes=31)) is None


# --- sign-in -------------------------------------------------------------------------------------


def test_five_wrong_passwords_from_five_addresses_lock_the_account_even_for_the_right_one(app):
    email = ALIASES["officer2"]
    assert [sign_in(app, email, f"salah-{n}-sekali").status_code for n in range(5)] == [422] * 5
    refused = sign_in(app, email, PASSWORD)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert LOCKED_SIGN_IN in page and "Coba lagi dalam 1 menit." in page
    assert 'action="/keluar"' not in page  # not signed in
    assert sign_in(app, ALIASES["officer"], PASSWORD).status_code == 302  # other accounts are not affected


def test_an_address_without_an_account_locks_alike(app):
    """The lock says nothing about which addresses have an account: the same page either way."""
    known, unknown = ALIASES["officer2"], "tidak.pernah.ada@harmoni.test"
    for email in (known, unknown):
        for n in range(5):
            sign_in(app, email, f"salah-{n}-sekali")
    pages = {
        without_token(sign_in(app, email, "apa-saja-123").data).replace(email, "EMAIL") for email in (known, unknown)
    }
    assert len(pages) == 1
    assert LOCKED_SIGN_IN in pages.pop()


def test_the_lock_holds_in_another_process_and_a_right_password_clears_the_count(app):
    """Another app instance (its own address limits in memory) sees the same lock: it is stored."""
    email = ALIASES["officer2"]
    for n in range(5):
        sign_in(app, email, f"salah-{n}-sekali")
    other = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        DOCUMENT_STORE=app.config["DOCUMENT_STORE"],
    )
    try:
        assert sign_in(other, email, PASSWORD).status_code == 429
        with app.app_context():  # the lock ran out
            db.session.execute(update(AuthThrottle).values(locked_until=utcnow() - timedelta(seconds=1)))
            db.session.commit()
        assert sign_in(other, email, PASSWORD).status_code == 302
        with app.app_context():
            assert db.session.scalar(select(AuthThrottle).where(AuthThrottle.key == email)) is None
    finally:
        with other.app_context():
            db.engine.dispose()


# --- /track --------------------------------------------------------------------------------------


def test_five_wrong_pins_lock_the_code_for_everyone_even_with_the_right_pin(app):
    with app.app_context():
        _id, code, pin = public_request()
    wrong = f"{(int(pin) + 1) % 10**6:06d}"
    assert [track(app, code, wrong).status_code for _ in range(5)] == [200] * 5
    locked = track(app, code, pin)
    assert locked.status_code == 429
    assert LOCKED_CODE in locked.get_data(as_text=True)
    assert "Location" not in locked.headers  # not let in to the status page
    # an unknown code is refused and locked alike: the lock does not tell which codes exist
    unknown = "ZZZZ-ZZZ2" if code != "ZZZZ-ZZZ2" else "ZZZZ-ZZZ3"
    for _ in range(5):
        track(app, unknown, wrong)
    assert without_token(track(app, unknown, pin).data) == without_token(track(app, code, pin).data)


def test_a_right_pin_clears_the_count(app):
    with app.app_context():
        _id, code, pin = public_request()
    wrong = f"{(int(pin) + 1) % 10**6:06d}"
    for _ in range(4):
        track(app, code, wrong)
    assert track(app, code, pin).status_code == 302
    assert [track(app, code, wrong).status_code for _ in range(4)] == [200] * 4  # counting from 0 again
    assert track(app, code, pin).status_code == 302


# --- the admins' view ----------------------------------------------------------------------------


@pytest.fixture
def admin(app):
    web = WebClient(app)
    web.login("admin")
    return web


def test_admins_see_locked_accounts_and_codes_and_lift_the_locks(app, admin):
    with app.app_context():
        request_id, code, pin = public_request()
        number = db.session.get(Request, request_id).number
    email = ALIASES["officer2"]
    for n in range(5):
        sign_in(app, email, f"salah-{n}-sekali")
        track(app, code, "000000" if pin != "000000" else "111111")
    page = admin.text("/admin/keamanan")
    assert email in page
    assert code in page and number in page
    assert page.count("Buka kunci") == 2
    assert sign_in(app, email, PASSWORD).status_code == 429
    with app.app_context():
        rows = {r.key: r.id for r in db.session.scalars(select(AuthThrottle))}
    for key in (email, code):
        r = admin.post(f"/admin/keamanan/{rows[key]}/buka", {}, from_page="/admin/keamanan")
        assert r.status_code == 302
    assert "Kunci dibuka." in admin.text("/admin/keamanan")
    assert sign_in(app, email, PASSWORD).status_code == 302
    assert track(app, code, pin).status_code == 302


def test_only_admins_see_the_security_page(app):
    officer = WebClient(app)
    officer.login("officer")
    assert officer.get("/admin/keamanan").status_code == 403
    anonymous = WebClient(app)
    assert anonymous.get("/admin/keamanan").status_code == 302


def test_workflow_tick_forgets_counts_a_day_old_whose_lock_is_over(app):
    with app.app_context():
        long_ago = utcnow() - timedelta(days=2)
        throttle.record_failure(throttle.SIGN_IN, "lama@harmoni.test", now=long_ago)
        for _ in range(5):
            throttle.record_failure(throttle.TRACK, "LAMA-KODE", now=long_ago)
        throttle.record_failure(throttle.SIGN_IN, "baru@harmoni.test")
        db.session.execute(
            update(AuthThrottle)
            .where(AuthThrottle.key == "LAMA-KODE")
            .values(locked_until=utcnow() + timedelta(hours=1))
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["workflow", "tick"])
    assert result.exit_code == 0 and "1 old failure count(s) forgotten" in result.output
    with app.app_context():
        assert sorted(db.session.scalars(select(AuthThrottle.key))) == ["LAMA-KODE", "baru@harmoni.test"]
