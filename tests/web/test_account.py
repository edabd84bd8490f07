"""Sessions that end, and the account page (issue 10). Before, a session was only a signed cookie:
a copy of it kept working after sign-out and after a password change, and nobody could see or end
their other sessions. Now every session has a row and the account's generation in its id."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from workflow.extensions import db
from workflow.models import ApiToken, Office, User, UserSession
from workflow.models.time import utcnow

from ..conftest import PASSWORD
from .conftest import WebClient

NEW_PASSWORD = "kopi-pagi-kupang-7"


@pytest.fixture
def account(app):
    """A user of the test's own (a password change revokes tokens: never a shared demo account)."""
    emails = []

    def make(role="officer"):
        email = f"sesi.{uuid.uuid4().hex[:10]}@harmoni.test"
        with app.app_context():
            u = User(email=email, name="Pengguna Sesi", role=role, office_id=db.session.scalar(select(Office.id)))
            u.set_password(PASSWORD)
            db.session.add(u)
            db.session.commit()
        emails.append(email)
        return email

    yield make
    with app.app_context():
        ids = select(User.id).where(User.email.in_(emails))
        db.session.execute(delete(ApiToken).where(ApiToken.user_id.in_(ids)))
        db.session.execute(delete(User).where(User.email.in_(emails)))  # sessions go with them
        db.session.commit()


def browser(app, email, agent="Mozilla/5.0 (X11; Linux) Uji"):
    web = WebClient(app)
    web.client.environ_base["HTTP_USER_AGENT"] = agent
    web.login(email)
    return web


def copy_of(app, web) -> WebClient:
    """Another browser holding a copy of `web`'s session cookie (a stolen cookie)."""
    thief = WebClient(app)
    thief.client.environ_base.update(web.client.environ_base)
    thief.client.set_cookie("session", web.client.get_cookie("session").value)
    return thief


def signed_in(web) -> bool:
    r = web.get("/permohonan/")
    return r.status_code == 200


def api_token(app, email) -> str:
    result = app.test_cli_runner().invoke(args=["users", "token", email])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def api_status(app, token) -> int:
    return app.test_client().get("/api/v1/processes", headers={"Authorization": f"Bearer {token}"}).status_code


# --- sessions end --------------------------------------------------------------------------------


def test_a_copied_cookie_stops_working_at_sign_out(app, account):
    web = browser(app, account())
    thief = copy_of(app, web)
    assert signed_in(thief)
    assert web.post("/keluar", {}, from_page="/permohonan/").status_code == 302
    assert not signed_in(thief)
    assert not signed_in(web)


def test_a_password_change_ends_every_other_session_and_revokes_api_tokens(app, account):
    email = account()
    web, elsewhere = browser(app, email), browser(app, email, agent="Telepon Uji")
    thief = copy_of(app, web)
    token = api_token(app, email)
    assert api_status(app, token) == 200
    r = web.post("/akun/kata-sandi", {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert r.status_code == 302
    assert signed_in(web)  # the browser that changed it goes on, in a new session
    assert not signed_in(elsewhere)
    assert not signed_in(thief)  # the copy of the old cookie of this very browser too
    assert api_status(app, token) == 401
    with app.app_context():
        assert db.session.scalar(select(ApiToken).where(ApiToken.user.has(email=email))) is None


def test_an_admin_setting_a_password_or_deactivating_ends_the_sessions(app, account):
    email = account()
    admin = WebClient(app)
    admin.login("admin")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
    form = {"email": email, "name": "Pengguna Sesi", "role": "officer", "organisation_id": "0"}
    web = browser(app, email)
    token = api_token(app, email)
    r = admin.post(f"/admin/pengguna/{user_id}", {**form, "active": "y", "password": NEW_PASSWORD})
    assert r.status_code == 302
    assert not signed_in(web) and api_status(app, token) == 401

    web = WebClient(app)
    web.login(email, password=NEW_PASSWORD)
    thief = copy_of(app, web)
    assert admin.post(f"/admin/pengguna/{user_id}", form).status_code == 302  # "active" unticked
    assert not signed_in(web) and not signed_in(thief)
    # reactivated, the old sessions stay ended: the generation moved on
    assert admin.post(f"/admin/pengguna/{user_id}", {**form, "active": "y"}).status_code == 302
    assert not signed_in(thief)


def test_sign_out_everywhere_ends_this_session_too(app, account):
    email = account()
    web, elsewhere = browser(app, email), browser(app, email)
    thief = copy_of(app, web)
    r = web.post("/akun/keluar-semua", {}, from_page="/akun/")
    assert r.status_code == 302 and r.headers["Location"] == "/masuk"
    assert not any(signed_in(b) for b in (web, elsewhere, thief))


def test_an_idle_session_ends(app, account):
    email = account()
    web = browser(app, email)
    with app.app_context():
        db.session.execute(
            update(UserSession)
            .where(UserSession.user.has(email=email))
            .values(last_seen_at=utcnow() - timedelta(hours=8, minutes=1))
        )
        db.session.commit()
    assert not signed_in(web)


# --- the account page ----------------------------------------------------------------------------


def test_the_top_bar_links_to_the_account_page_which_shows_the_user(app, account):
    email = account()
    web = browser(app, email)
    page = web.text("/permohonan/")
    assert re.search(r'href="/akun/"[^>]*id="account-link"', page)
    page = web.text("/akun/")
    assert f'data-testid="account-email">{email}<' in page
    assert 'data-testid="account-name">Pengguna Sesi<' in page
    assert 'href="/akun/kata-sandi"' in page


def test_the_account_page_lists_sessions_and_ends_others(app, account):
    email = account()
    web = browser(app, email, agent="Firefox Kantor")
    phone = browser(app, email, agent="Telepon Genggam Uji")
    tablet = browser(app, email, agent="Tablet Uji")
    page = web.text("/akun/")
    for agent in ("Firefox Kantor", "Telepon Genggam Uji", "Tablet Uji"):
        assert agent in page
    assert page.count(">sesi ini</span>") == 1
    with app.app_context():
        rows = {
            s.user_agent: s.id for s in db.session.scalars(select(UserSession).where(UserSession.user.has(email=email)))
        }
    r = web.post(f"/akun/sesi/{rows['Telepon Genggam Uji']}/akhiri", {}, from_page="/akun/")
    assert r.status_code == 302
    assert not signed_in(phone) and signed_in(tablet) and signed_in(web)
    assert "Telepon Genggam Uji" not in web.text("/akun/")
    web.post("/akun/sesi/akhiri-lainnya", {}, from_page="/akun/")
    assert not signed_in(tablet) and signed_in(web)


def test_a_user_cannot_end_another_users_session(app, account):
    mine, theirs = account(), account()
    web, victim = browser(app, mine), browser(app, theirs)
    with app.app_context():
        victim_session = db.session.scalar(select(UserSession.id).where(UserSession.user.has(email=theirs)))
    assert web.post(f"/akun/sesi/{victim_session}/akhiri", {}, from_page="/akun/").status_code == 404
    assert signed_in(victim)


def test_api_tokens_are_shown_once_listed_with_their_use_and_revoked(app, account):
    email = account()
    web = browser(app, email)
    assert 'data-testid="no-tokens"' in web.text("/akun/")
    r = web.post("/akun/token", {"label": "Aplikasi Uji"}, from_page="/akun/")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    token = re.search(r'data-testid="new-token">([^<]+)<', r.get_data(as_text=True)).group(1)
    assert api_status(app, token) == 200
    page = web.text("/akun/")
    assert token not in page  # shown once
    assert "Aplikasi Uji" in page and "belum pernah" not in page  # its last use is shown
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.user.has(email=email)))
        assert (row.expires_at - row.created_at) == timedelta(days=90)
        token_id = row.id
    web.post(f"/akun/token/{token_id}/cabut", {}, from_page="/akun/")
    assert api_status(app, token) == 401
    assert 'data-testid="no-tokens"' in web.text("/akun/")


def test_an_expired_token_is_refused(app, account):
    email = account()
    token = api_token(app, email)
    with app.app_context():
        db.session.execute(
            update(ApiToken).where(ApiToken.user.has(email=email)).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assert api_status(app, token) == 401


def test_the_cli_lists_and_revokes_tokens(app, account):
    email = account()
    first, second = api_token(app, email), api_token(app, email)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["users", "tokens", email])
    assert listed.exit_code == 0 and listed.output.count("\tCLI\t") == 2
    assert first not in listed.output and "never" in listed.output
    with app.app_context():
        ids = sorted(db.session.scalars(select(ApiToken.id).where(ApiToken.user.has(email=email))))
    assert runner.invoke(args=["users", "revoke-token", email, str(ids[0])]).exit_code == 0
    assert (api_status(app, first), api_status(app, second)) == (401, 200)
    refused = runner.invoke(args=["users", "revoke-token", email, "999999"])
    assert refused.exit_code != 0 and "no token 999999" in refused.output
    assert runner.invoke(args=["users", "revoke-token", email, "--all"]).exit_code == 0
    assert api_status(app, second) == 401
    assert runner.invoke(args=["users", "tokens", email]).output.strip() == "no tokens"
    short = runner.invoke(args=["users", "token", email, "--days", "1"])
    with app.app_context():
        row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.digest(short.output.strip())))
        assert row.expires_at - row.created_at == timedelta(days=1)
