"""The forms as a browser submits them: sign-in and sign-out, CSRF, password change, new request,
uploads, actions, administration, the language switch, and escaping of what users type."""

import io
import os
import re
import uuid
from datetime import date
from urllib.parse import quote, urljoin, urlsplit

import pytest
from sqlalchemy import delete, func, select

from workflow.extensions import db
from workflow.models import HolidayOverride, Office, Organisation, User

from ..conftest import PASSWORD
from ..helpers import ALIASES, EXE, PDF, REQUIRED, docx, force_state, user
from .conftest import HOST, counts, login_target, new_request, office_state, restore_office


def store_files(app) -> int:
    return sum(len(files) for _, _, files in os.walk(app.config["DOCUMENT_STORE"]))


def field_value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input\b[^>]*\bname="{name}"[^>]*>', page)
    value = tag and re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


@pytest.fixture
def temp_user(app):
    """Users made by a test, removed at its end (users outlive the per-test cleanup)."""
    emails = []

    def make(role="officer", active=True, organisation=None, password=PASSWORD):
        email = f"uji-{uuid.uuid4().hex[:10]}@harmoni.test"
        with app.app_context():
            office = db.session.scalar(select(Office))
            u = User(
                email=email,
                name="Pengguna Uji",
                role=role,
                office_id=office.id,
                active=active,
                organisation_id=organisation,
            )
            u.set_password(password)
            db.session.add(u)
            db.session.commit()
        emails.append(email)
        return email

    make.emails = emails
    yield make
    with app.app_context():
        db.session.execute(delete(User).where(User.email.in_(emails)))
        db.session.commit()


# --- sign-in and sign-out ----------------------------------------------------------------------


def test_wrong_password_is_refused_in_indonesian_and_keeps_the_email(web):
    token = web.csrf("/masuk")
    r = web.client.post(
        "/masuk", data={"csrf_token": token, "email": ALIASES["drafter"], "password": "salah-sekali-123"}
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Email atau kata sandi salah." in page
    assert field_value(page, "email") == ALIASES["drafter"]
    assert "salah-sekali-123" not in page  # a password is never echoed
    assert login_target(web.get("/permohonan/")) == "/permohonan/"

    # an unknown address gets the very same answer: no list of accounts to probe
    r2 = web.client.post(
        "/masuk", data={"csrf_token": token, "email": "tidak.ada@harmoni.test", "password": "salah-sekali-123"}
    )
    assert r2.status_code == 422 and "Email atau kata sandi salah." in r2.get_data(as_text=True)


def test_empty_sign_in_form_says_what_is_missing(web):
    r = web.post("/masuk", {"email": "", "password": ""})
    assert r.status_code == 422
    assert r.get_data(as_text=True).count("Wajib diisi.") == 2


def test_inactive_user_is_refused(web, temp_user):
    email = temp_user(active=False)
    token = web.csrf("/masuk")
    r = web.client.post("/masuk", data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert r.status_code == 422
    assert "Akun ini tidak aktif" in r.get_data(as_text=True)
    assert login_target(web.get("/permohonan/")) == "/permohonan/"


def test_a_deactivated_user_loses_the_open_session(app, web, temp_user):
    email = temp_user()
    web.login(email)
    assert web.get("/permohonan/").status_code == 200
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).active = False
        db.session.commit()
    assert login_target(web.get("/permohonan/")) == "/permohonan/"


def session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def test_session_cookie_is_httponly_samesite_lax_and_renewed(web):
    token_before = web.csrf("/masuk")
    r = web.login("drafter")
    cookie = session_cookie(r)
    attributes = {a.strip().split("=")[0].lower(): a.strip() for a in cookie.split(";")[1:]}
    assert "httponly" in attributes
    assert attributes.get("samesite") == "SameSite=Lax"
    # a fresh session (no fixation): nothing from before the sign-in survives, not even its CSRF token
    stale = web.post("/bahasa/id", {"csrf_token": token_before, "next": "/"}, from_page="/")
    assert stale.status_code == 400


def browser_destination(location: str) -> str:
    """Where a browser goes for this Location: it drops tabs and newlines and reads "\\" as "/"."""
    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    return urljoin(HOST + "/masuk", cleaned)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\t/evil.example/",
        "https://localhost.evil.example/",
    ],
)
def test_next_off_site_is_not_followed(web, target):
    r = web.login("drafter", next=target)
    destination = browser_destination(r.headers["Location"])
    assert urlsplit(destination).netloc == "localhost", (r.headers["Location"], destination)


def test_next_on_site_is_followed(web):
    r = web.login("drafter", next="/bantuan/?x=1")
    assert r.headers["Location"] == "/bantuan/?x=1"


def test_logout_is_post_only_and_needs_the_csrf_token(web):
    web.login("officer")
    assert web.get("/keluar").status_code == 405
    assert web.post("/keluar", {"csrf_token": None}, from_page="/").status_code == 400
    assert web.post("/keluar", {"csrf_token": "palsu"}, from_page="/").status_code == 400
    assert web.get("/permohonan/").status_code == 200  # still signed in
    r = web.post("/keluar", from_page="/permohonan/")
    assert r.status_code == 302 and r.headers["Location"] == "/masuk"
    assert "Anda telah keluar." in web.text("/masuk")
    assert login_target(web.get("/permohonan/")) == "/permohonan/"


# --- CSRF --------------------------------------------------------------------------------------


def forms_to_forge(app, api):
    draft = new_request(api, state="draft")
    submitted = new_request(api, title="Ranperda yang Sudah Diajukan")
    return [
        ("drafter", "/permohonan/baru", {"process_type": "ranperda", "title": "Permohonan Palsu"}),
        (
            "drafter",
            f"/permohonan/{draft['id']}/dokumen",
            {"kind": "surat_permohonan", "file": (io.BytesIO(PDF), "surat.pdf")},
        ),
        (
            "drafter",
            f"/permohonan/{draft['id']}/aksi",
            {"trigger": "withdraw", "version": str(draft["version"]), "comment": "palsu"},
        ),
        (
            "officer",
            f"/permohonan/{submitted['id']}/aksi",
            {"trigger": "declare_complete", "version": str(submitted["version"])},
        ),
        ("admin", "/admin/pengaturan", {**SETTINGS, "name": "Kantor Palsu"}),
        ("admin", "/admin/organisasi/baru", {"name": "Organisasi Palsu", "kind": "city", "region": "X"}),
    ]


def test_post_without_or_with_a_forged_csrf_token_is_refused_and_writes_nothing(app, api, web, signed_in):
    elsewhere = web.new()
    elsewhere.login("drafter")
    foreign = elsewhere.csrf("/")  # valid, but for another browser's session
    office = office_state(app)
    try:
        for alias, path, data in forms_to_forge(app, api):
            for token in (None, "", "palsu", foreign, foreign[:-3] + "abc"):
                before = (counts(app), office_state(app), store_files(app), organisation_names(app))
                fresh = {k: (io.BytesIO(PDF), v[1]) if isinstance(v, tuple) else v for k, v in data.items()}
                r = signed_in(alias).post(
                    path, {**fresh, "csrf_token": token}, from_page="/", content_type="multipart/form-data"
                )
                assert r.status_code == 400, (path, token, r.status_code)
                assert "Formulir kedaluwarsa atau tidak sah" in r.get_data(as_text=True)
                assert (counts(app), office_state(app), store_files(app), organisation_names(app)) == before
    finally:  # should a forged form get through, leave nothing behind for other tests
        restore_office(app, office)
        with app.app_context():
            db.session.execute(delete(Organisation).where(Organisation.name == "Organisasi Palsu"))
            db.session.commit()


def organisation_names(app):
    with app.app_context():
        return sorted(db.session.scalars(select(Organisation.name)))


# --- password change ---------------------------------------------------------------------------


def password_hash(app, alias):
    with app.app_context():
        return user(alias).password_hash


def test_password_change(app, web, temp_user):
    # a user of its own: a password change revokes the account's API tokens (issue 10)
    alias, new = temp_user(), "kata-sandi-baru-456"
    web.login(alias)
    original = password_hash(app, alias)
    for data, message in [
        ({"current": "bukan-sandinya", "new": new, "confirm": new}, "Kata sandi saat ini salah."),
        ({"current": PASSWORD, "new": new, "confirm": new + "x"}, "Kedua kata sandi tidak sama."),
        ({"current": PASSWORD, "new": "pendek", "confirm": "pendek"}, "Paling sedikit 10 karakter."),
        ({"current": "", "new": "", "confirm": ""}, "Wajib diisi."),
    ]:
        r = web.post("/akun/kata-sandi", data)
        assert r.status_code == 422, data
        assert message in r.get_data(as_text=True)
        assert password_hash(app, alias) == original

    r = web.post("/akun/kata-sandi", {"current": PASSWORD, "new": new, "confirm": new})
    assert r.status_code == 302 and r.headers["Location"] == "/permohonan/"
    assert "Kata sandi telah diubah." in web.text("/permohonan/")

    other = web.new()
    refused = other.client.post(
        "/masuk", data={"csrf_token": other.csrf("/masuk"), "email": alias, "password": PASSWORD}
    )
    assert refused.status_code == 422
    other.login(alias, password=new)
    assert other.get("/permohonan/").status_code == 200


# --- new request -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, message",
    [
        ("", "Wajib diisi."),
        ("   \n ", "Wajib diisi."),
        ("J" * 1001, "Paling banyak 1000 karakter."),
    ],
)
def test_new_request_refuses_a_bad_title_and_keeps_what_was_typed(app, signed_in, title, message):
    web = signed_in("drafter")
    before = counts(app)
    r = web.post(
        "/permohonan/baru",
        {
            "process_type": "ranperkada",
            "title": title,
            "external_ref": "EH-2026/0042",
            "application_letter_number": "180/412/HK/2026",
            "application_letter_date": "2026-10-01",
            "application_letter": (io.BytesIO(PDF), "surat-permohonan.pdf"),
        },
        content_type="multipart/form-data",
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert message in page
    assert field_value(page, "external_ref") == "EH-2026/0042"
    assert re.search(r'<option selected value="ranperkada">|<option value="ranperkada" selected', page)
    if title.strip():
        assert title in page  # the long title is still in the text area, to be shortened
    assert counts(app) == before


def test_new_request_is_created_as_a_draft(app, signed_in):
    web = signed_in("drafter")
    r = web.post(
        "/permohonan/baru",
        {
            "process_type": "ranperda",
            "title": "Ranperda tentang Pariwisata",
            "external_ref": "EH-1",
            "application_letter_number": "180/412/HK/2026",
            "application_letter_date": "2026-10-01",
            "application_letter": (io.BytesIO(PDF), "surat-permohonan.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302 and re.fullmatch(r"/permohonan/\d+", r.headers["Location"])
    page = web.text(r.headers["Location"])
    assert "Ranperda tentang Pariwisata" in page and "dibuat sebagai draf" in page
    assert re.search(r'data-testid="state">Draf<', page)


def test_new_request_stores_the_application_letter_with_it(app, signed_in, api):
    web = signed_in("drafter")
    letter = PDF + b"% surat permohonan\n"
    r = web.post(
        "/permohonan/baru",
        {
            "process_type": "ranperkada",
            "title": "Rancangan Peraturan Wali Kota Kupang tentang Uji Surat",
            "application_letter_number": "100.3.3/77/HK/2026",
            "application_letter_date": "2026-10-01",
            "application_letter": (io.BytesIO(letter), "surat-permohonan.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    request_id = int(r.headers["Location"].rsplit("/", 1)[1])
    drafter = api.as_("drafter")
    documents = drafter.ok(drafter.get(f"/requests/{request_id}/documents"))
    assert [(d["kind"], d["filename"], d["version"]) for d in documents] == [
        ("surat_permohonan", "surat-permohonan.pdf", 1)
    ]
    page = web.text(f"/permohonan/{request_id}")
    assert "100.3.3/77/HK/2026" in page
    # the checklist's first line is ticked: the letter is there; the next missing one is offered
    assert re.search(r'<option selected value="naskah_akademik">|<option value="naskah_akademik" selected', page)


@pytest.mark.parametrize(
    "upload, message",
    [
        (None, "Unggah berkas surat permohonan."),
        ((EXE, "surat.pdf"), "Jenis berkas tidak didukung"),
        ((b"", "kosong.pdf"), "Berkas kosong."),
    ],
)
def test_new_request_without_a_usable_application_letter_writes_nothing(app, signed_in, upload, message):
    web = signed_in("drafter")
    before, files = counts(app), store_files(app)
    data = {
        "process_type": "ranperda",
        "title": "Rancangan Peraturan Daerah tentang Tanpa Surat",
        "application_letter_number": "180/9/HK/2026",
        "application_letter_date": "2026-10-01",
    }
    if upload is not None:
        data["application_letter"] = (io.BytesIO(upload[0]), upload[1])
    r = web.post("/permohonan/baru", data, content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code in (413, 415, 422), r.status_code
    assert message in page
    assert field_value(page, "application_letter_number") == "180/9/HK/2026"  # what was typed stays
    assert counts(app) == before and store_files(app) == files


def test_walk_in_registration_refuses_missing_fields_and_keeps_what_was_typed(app, signed_in):
    web = signed_in("officer")
    before = counts(app)
    r = web.post(
        "/permohonan/baru/naturalisation",
        {"name": "  ", "nationality": "Filipina", "passport": "P-123", "address": PAYLOAD},
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'class="form-control is-invalid" id="f-name"' in page and "Wajib diisi." in page
    assert field_value(page, "nationality") == "Filipina"
    assert "&lt;script&gt;alert(" in page and "<script>alert" not in page
    assert counts(app) == before


# --- uploads -----------------------------------------------------------------------------------


def assert_detail_intact(page, req):
    """The request page with everything on it besides the refused upload."""
    assert req["title"] in page and req["number"] in page
    assert 'data-testid="state">Draf<' in page
    assert "Permohonan dibuat" in page  # the timeline
    assert 'data-trigger="submit"' in page  # the action (a draft is withdrawn by not submitting it)
    assert 'name="kind"' in page and 'type="file"' in page  # the upload form
    assert "Naskah akademik" in page  # the checklist
    assert re.search(r"naskah_akademik|berkas\.pdf", page)  # the document already there


@pytest.mark.parametrize(
    "content, filename, status, message",
    [
        (EXE, "surat.pdf", 415, "Jenis berkas tidak didukung"),
        (b"%PDF-1.4\n" + b"0" * (256 * 1024), "besar.pdf", 413, "Berkas terlalu besar (maksimum 256 KB)"),
        (b"", "kosong.pdf", 422, "Berkas kosong."),
        (PDF, "..", 422, "Nama berkas tidak sah."),
    ],
)
def test_refused_upload_writes_nothing_and_shows_the_page(app, api, signed_in, content, filename, status, message):
    req = new_request(api, state="draft")
    web = signed_in("drafter")
    before = (counts(app), store_files(app))
    r = web.upload(req["id"], "surat_permohonan", content=content, filename=filename)
    page = r.get_data(as_text=True)
    assert r.status_code == status
    assert message in page
    assert (counts(app), store_files(app)) == before
    assert_detail_intact(page, req)


def test_upload_of_a_wrong_type_is_refused_whatever_its_name(app, api, signed_in):
    req = new_request(api, state="draft")
    web = signed_in("drafter")
    for name in ("surat.pdf", "surat.docx", "surat.exe", "surat"):
        r = web.upload(req["id"], "surat_permohonan", content=EXE, filename=name)
        assert r.status_code == 415, name
    ok = web.upload(req["id"], "surat_permohonan", content=docx(), filename="surat.docx")
    assert ok.status_code == 302 and ok.headers["Location"].endswith("#dokumen")


def test_body_over_the_request_limit_goes_back_to_the_page_with_a_message(app, api, signed_in):
    req = new_request(api, state="draft")
    web = signed_in("drafter")
    assert app.config["MAX_CONTENT_LENGTH"] < 400 * 1024
    before = (counts(app), store_files(app))
    r = web.upload(req["id"], "surat_permohonan", content=b"%PDF-1.4\n" + b"0" * (400 * 1024))
    assert r.status_code == 302 and r.headers["Location"] == f"{HOST}/permohonan/{req['id']}"
    page = web.text(r.headers["Location"])
    assert "Berkas terlalu besar. Tidak ada yang disimpan" in page
    assert_detail_intact(page, req)
    assert (counts(app), store_files(app)) == before


def test_body_over_the_limit_from_another_site_is_not_redirected_there(app, api, signed_in):
    req = new_request(api, state="draft")
    web = signed_in("drafter")
    r = web.upload(
        req["id"],
        "surat_permohonan",
        content=b"%PDF-1.4\n" + b"0" * (400 * 1024),
        headers={"Referer": "https://evil.example/"},
    )
    assert r.status_code == 413
    assert "Location" not in r.headers


# --- actions -----------------------------------------------------------------------------------


def test_stale_version_shows_the_fresh_state_with_a_friendly_message(app, api, signed_in):
    req = new_request(api)
    web = signed_in("officer")
    seen = web.text(f"/permohonan/{req['id']}")
    assert field_value(seen, "version") == str(req["version"])
    api.as_("head").ok(api.as_("head").fire(req["id"], "declare_complete"))  # meanwhile, someone else
    before = counts(app)

    r = web.act(req["id"], "return_for_completion", req["version"], comment="Kurang lengkap")
    assert r.status_code == 302 and r.headers["Location"] == f"/permohonan/{req['id']}"
    page = web.text(r.headers["Location"])
    assert "baru saja diubah oleh orang lain" in page
    assert 'data-testid="state">Dinyatakan lengkap, menunggu penugasan<' in page
    assert field_value(page, "version") == str(req["version"] + 1)
    assert counts(app) == before


@pytest.mark.parametrize("alias, trigger", [("officer", "return_for_completion"), ("drafter", "withdraw")])
def test_action_needing_a_comment_without_one_is_refused(app, api, signed_in, alias, trigger):
    req = new_request(api)
    web = signed_in(alias)
    before = counts(app)
    r = web.act(req["id"], trigger, req["version"], comment="   ")
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Komentar atau alasan wajib diisi." in page
    assert 'data-testid="state">Diajukan, pemeriksaan administrasi<' in page
    assert counts(app) == before


def test_action_input_out_of_range_is_refused_in_indonesian(app, api, signed_in):
    req = new_request(api, state="verified")
    with app.app_context():
        force_state(req["id"], "verified", clock_started_on=date(2026, 1, 5), due_date=date(2026, 1, 12))
    web = signed_in("head")
    before = counts(app)
    r = web.act(req["id"], "extend_deadline", req["version"], comment="Butuh waktu", days="31")
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    alert = page.split('alert-danger" role="alert">', 1)[1].split("<form", 1)[0]
    assert "30" in alert  # the limit is named ...
    assert "Number must be between" not in alert  # ... in Indonesian, like the rest of the page
    assert "Butuh waktu</textarea>" in page
    assert counts(app) == before


def test_refused_action_keeps_the_typed_comment(app, api, signed_in):
    req = new_request(api, state="meeting_held")
    web = signed_in("head")
    r = web.act(req["id"], "conclude_with_notes", req["version"], comment="Perbaiki pasal 7 <b>segera</b>")
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Batas waktu perbaikan wajib diisi." in page
    assert "Perbaiki pasal 7 &lt;b&gt;segera&lt;/b&gt;</textarea>" in page


# --- administration ----------------------------------------------------------------------------


def user_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_admin_refuses_a_drafter_without_an_organisation(app, signed_in, temp_user):
    web = signed_in("admin")
    email = f"uji-{uuid.uuid4().hex[:10]}@harmoni.test"
    temp_user.emails.append(email)  # removed at the end should it be created after all
    before = user_count(app)
    r = web.post(
        "/admin/pengguna/baru",
        {
            "email": email,
            "name": "Perancang Tanpa Organisasi",
            "role": "drafter",
            "organisation_id": "0",
            "password": "kata-sandi-panjang-1",
            "active": "y",
        },
    )
    assert r.status_code == 422
    assert "Perancang pemrakarsa harus memiliki organisasi." in r.get_data(as_text=True)
    assert user_count(app) == before


@pytest.mark.parametrize("email", ["perancang1@harmoni.test", "PERANCANG1@Harmoni.test"])
def test_admin_refuses_a_duplicate_email(app, signed_in, email):
    web = signed_in("admin")
    before = user_count(app)
    r = web.post(
        "/admin/pengguna/baru",
        {
            "email": email,
            "name": "Kembaran",
            "role": "officer",
            "organisation_id": "0",
            "password": "kata-sandi-panjang-1",
            "active": "y",
        },
    )
    assert r.status_code == 422
    assert "Email ini sudah dipakai." in r.get_data(as_text=True)
    assert user_count(app) == before


def test_admin_creates_a_user_who_can_sign_in(app, signed_in, temp_user):
    web = signed_in("admin")
    email = f"uji-{uuid.uuid4().hex[:10]}@harmoni.test"
    temp_user.emails.append(email)
    r = web.post(
        "/admin/pengguna/baru",
        {
            "email": email.upper(),
            "name": "Perancang Baru",
            "role": "officer",
            "organisation_id": "0",
            "password": "kata-sandi-panjang-1",
            "active": "y",
        },
    )
    assert r.status_code == 302 and r.headers["Location"] == "/admin/pengguna"
    assert email in web.text("/admin/pengguna")
    web.new().login(email, password="kata-sandi-panjang-1")


SETTINGS = {
    "name": "Kanwil Uji",
    "letterhead": "KEMENTERIAN HUKUM",
    "registration_format": "{seq:04d}/{year}",
}  # the time limits moved to the service catalogue (tests/web/test_catalogue.py)


BAD_SETTINGS = [  # (field, value, message on the page or None)
    ("registration_format", "{seq:04d}/{tahun}", "Format tidak valid"),  # unknown name
    ("registration_format", "{seq:04d}/{0}", "Format tidak valid"),  # positional
    ("registration_format", "{seq:xyz}", "Format tidak valid"),  # bad spec
    ("registration_format", "{seq:04d}/{", "Format tidak valid"),  # unbalanced
    ("registration_format", "NOMOR/{year}", "Format harus memuat {seq}."),
    ("registration_format", "{seq.real.bukan}/{year}", "Format tidak valid"),  # attribute
    ("registration_format", "{seq[0]}/{year}", "Format tidak valid"),  # index
    ("registration_format", "{seq:04d}/{process.__class__}", "Format tidak valid"),
    ("registration_format", "{seq:090d}/{year}", None),  # numbers longer than requests.number (80)
]


def test_settings_refuse_a_bad_number_format(app, signed_in):
    web = signed_in("admin")
    before = office_state(app)
    problems = []
    for field, value, message in BAD_SETTINGS:
        try:
            r = web.post("/admin/pengaturan", {**SETTINGS, field: value})
            page = r.get_data(as_text=True)
            if r.status_code != 422 or "is-invalid" not in page:
                problems.append(f"{field}={value!r}: {r.status_code}, expected 422")
            elif message and message not in page:
                problems.append(f"{field}={value!r}: no {message!r}")
            # the page is Indonesian: no untranslated WTForms default message
            for english in ("Number must be between", "Not a valid integer", "This field is required"):
                if english in page:
                    problems.append(f"{field}={value!r}: says {english!r}")
            if office_state(app) != before:
                problems.append(f"{field}={value!r}: the settings were changed")
        finally:
            restore_office(app, before)
    assert not problems, "\n".join(problems)


def test_settings_are_saved(app, signed_in):
    web = signed_in("admin")
    before = office_state(app)
    try:
        r = web.post(
            "/admin/pengaturan",
            {
                **SETTINGS,
                "registration_format": "{seq:05d}/{process}/{year}",
                "letterhead": "KEMENTERIAN HUKUM\n\n  KANWIL NTT  ",
            },
        )
        assert r.status_code == 302 and r.headers["Location"] == "/admin/pengaturan"
        name, settings = office_state(app)
        assert name == "Kanwil Uji"
        assert settings["number_formats"]["registration"] == "{seq:05d}/{process}/{year}"
        assert settings["letterhead"] == ["KEMENTERIAN HUKUM", "KANWIL NTT"]
        assert "Pengaturan kantor disimpan." in web.text("/admin/pengaturan")
    finally:
        restore_office(app, before)
    assert office_state(app) == before


def test_holiday_override_is_added_listed_and_deleted(app, api, signed_in):
    web = signed_in("admin")

    def holidays():
        return {
            h["date"]: h["name"] for h in api.as_("officer").ok(api.as_("officer").get("/calendar/holidays?year=2031"))
        }

    assert "2031-03-04" not in holidays() and "2031-01-01" in holidays()

    r = web.post("/admin/hari-libur", {"day": "2031-03-04", "working": "0", "reason": "Pemilihan kepala daerah"})
    assert r.status_code == 302, r.status_code
    r = web.post("/admin/hari-libur", {"day": "2031-01-01", "working": "1", "reason": "Pelayanan khusus"})
    assert r.status_code == 302
    assert holidays().get("2031-03-04") == "Pemilihan kepala daerah"
    assert "2031-01-01" not in holidays()

    again = web.post("/admin/hari-libur", {"day": "2031-03-04", "working": "0", "reason": "Lagi"})
    assert again.status_code == 422 and "sudah memiliki pengecualian" in again.get_data(as_text=True)

    page = web.text("/admin/hari-libur")
    for action in re.findall(r'action="(/admin/hari-libur/\d+/hapus)"', page):
        assert web.post(action, from_page="/admin/hari-libur").status_code == 302
    assert "2031-03-04" not in holidays() and "2031-01-01" in holidays()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HolidayOverride)) == 0


# --- language ----------------------------------------------------------------------------------


def test_language_switch(web):
    r = web.post("/bahasa/en", {"next": "/bantuan/"}, from_page="/bantuan/")
    assert r.status_code == 302 and r.headers["Location"] == "/bantuan/"
    assert '<html lang="en">' in web.text("/bantuan/")
    r = web.post("/bahasa/id", {"next": "https://evil.example/"}, from_page="/bantuan/")
    assert urlsplit(r.headers["Location"]).netloc in ("", "localhost")
    assert '<html lang="id">' in web.text("/bantuan/")


# --- escaping ----------------------------------------------------------------------------------

PAYLOAD = '<script>alert("harmoni")</script><img src=x onerror=alert(1)>'


def test_html_in_what_users_type_is_escaped(app, api, signed_in):
    web = signed_in("drafter")
    r = web.post(
        "/permohonan/baru",
        {
            "process_type": "ranperda",
            "title": "Ranperda " + PAYLOAD,
            "external_ref": PAYLOAD[:100],
            "application_letter_number": "180/412/HK/2026",
            "application_letter_date": "2026-10-01",
            "application_letter": (io.BytesIO(PDF), "surat-permohonan.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    request_id = int(r.headers["Location"].rsplit("/", 1)[1])
    drafter = api.as_("drafter")
    for kind in REQUIRED["ranperda"][1:]:  # the application letter came with the form
        drafter.ok(drafter.upload(request_id, kind), 201)
    drafter.ok(drafter.fire(request_id, "submit"))
    api.as_("officer").ok(api.as_("officer").fire(request_id, "return_for_completion", comment=PAYLOAD))

    officer = signed_in("officer")
    pages = [
        web.text(f"/permohonan/{request_id}"),
        web.text("/permohonan/"),
        web.text("/permohonan/?q=" + quote(PAYLOAD)),
        officer.text(f"/permohonan/{request_id}"),
        officer.text("/permohonan/"),
        officer.text("/permohonan/?q=" + quote(PAYLOAD)),
    ]
    anonymous = web.new()
    login = anonymous.client.post(
        "/masuk", data={"csrf_token": anonymous.csrf("/masuk"), "email": PAYLOAD, "password": "x"}
    )
    pages.append(login.get_data(as_text=True))
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(" in page
