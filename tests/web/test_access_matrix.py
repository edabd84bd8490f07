"""Who gets what: every page and form action, for every role, on their own organisation's request
and on another's. The table below is the specification; each cell is one test.

A drafter never learns anything about another organisation's request: its page, actions, documents
and timeline answer 404 exactly as an id that does not exist. Staff never see an applicant's
unsubmitted draft. Ids the URL rules cannot hold are 404, never a server error.
"""

import io
import json
import re
import string
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from workflow.extensions import db
from workflow.models import Document, Event, HolidayOverride, Office, Organisation, Request, User
from workflow.processes import PROCESSES

from ..helpers import EXE, PDF, user
from .conftest import (
    WebClient,
    login_target,
    new_request,
    new_walk_in,
    office_state,
    restore_office,
    without_echo,
)
from .test_security_headers import INLINE_STYLE

ROLES = ("anonymous", "drafter", "other_drafter", "officer", "head", "admin")
LOGIN = "LOGIN"  # 302 to /masuk?next=<this path>
HOME = "HOME"  # 302 to the landing page, /permohonan/ (the head's: /dasbor/); signed-in users have no business on the sign-in page
DONE = "DONE"  # 302 to the page the form leads to: the action happened
MISSING = 2**31 - 1  # a valid id that no row has
HUGE = 99999999999  # beyond any id the database can hold

# Kota Kupang is "drafter"'s organisation, Kabupaten Sikka is "other_drafter"'s.
#  own       a request of Kota Kupang, submitted       (own_doc: one of its documents)
#  draft     a request of Kota Kupang, still a draft   (draft_doc)
#  other     a request of Kabupaten Sikka, submitted   (other_doc)
#  verified  a request of Kota Kupang, declared complete by the office
#  walkin    a naturalisation an officer registered for a walk-in applicant (no organisation)
# For "other_drafter" the columns read the other way round: `own` is another organisation's.

#    method  path                                         form                anon   drafter other  officer head   admin
MATRIX = [
    ("GET", "/", None, 200, 200, 200, 200, 200, 200),
    ("GET", "/masuk", None, 200, HOME, HOME, HOME, HOME, HOME),
    ("GET", "/bantuan/", None, 200, 200, 200, 200, 200, 200),
    ("GET", "/verifikasi/", None, 200, 200, 200, 200, 200, 200),
    ("GET", "/bantuan/proses/ranperda.svg", None, 200, 200, 200, 200, 200, 200),
    ("GET", "/bantuan/proses/tidak-ada.svg", None, 404, 404, 404, 404, 404, 404),
    ("GET", "/permohonan/", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/permohonan/?q={other_title}", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/permohonan/baru", None, LOGIN, 200, 200, 200, 200, 403),
    ("POST", "/permohonan/baru", "new", LOGIN, DONE, DONE, 200, 200, 403),
    ("GET", "/permohonan/baru/naturalisation", None, LOGIN, 403, 403, 200, 200, 403),
    ("POST", "/permohonan/baru/naturalisation", "walk_in", LOGIN, 403, 403, DONE, DONE, 403),
    ("GET", "/permohonan/baru/ranperda", None, LOGIN, 404, 404, 404, 404, 404),
    ("GET", "/permohonan/{own}", None, LOGIN, 200, 404, 200, 200, 200),
    ("GET", "/permohonan/{draft}", None, LOGIN, 200, 404, 404, 404, 404),
    ("GET", "/permohonan/{other}", None, LOGIN, 404, 200, 200, 200, 200),
    ("GET", "/permohonan/{walkin}", None, LOGIN, 404, 404, 200, 200, 200),
    ("GET", "/permohonan/{missing}", None, LOGIN, 404, 404, 404, 404, 404),
    ("GET", "/permohonan/99999999999", None, 404, 404, 404, 404, 404, 404),
    ("GET", "/permohonan/0", None, 404, 404, 404, 404, 404, 404),
    ("POST", "/permohonan/{own}/aksi", "declare_complete", LOGIN, 403, 404, DONE, DONE, 403),
    ("POST", "/permohonan/{draft}/aksi", "withdraw_draft", LOGIN, 409, 404, 404, 404, 404),
    ("POST", "/permohonan/{other}/aksi", "withdraw_other", LOGIN, 404, DONE, 403, 403, 403),
    ("POST", "/permohonan/{missing}/aksi", "declare_complete", LOGIN, 404, 404, 404, 404, 404),
    ("POST", "/permohonan/99999999999/aksi", "declare_complete", 404, 404, 404, 404, 404, 404),
    ("POST", "/permohonan/{draft}/dokumen", "applicant_file", LOGIN, DONE, 404, 404, 404, 404),
    ("POST", "/permohonan/{other}/dokumen", "applicant_file", LOGIN, 404, 409, 403, 403, 403),
    ("POST", "/permohonan/{verified}/dokumen", "staff_file", LOGIN, 403, 404, DONE, DONE, 403),
    ("POST", "/permohonan/{missing}/dokumen", "applicant_file", LOGIN, 404, 404, 404, 404, 404),
    ("POST", "/permohonan/99999999999/dokumen", "applicant_file", 404, 404, 404, 404, 404, 404),
    ("GET", "/permohonan/{own}/dokumen/{own_doc}", None, LOGIN, 200, 404, 200, 200, 200),
    ("GET", "/permohonan/{draft}/dokumen/{draft_doc}", None, LOGIN, 200, 404, 404, 404, 404),
    ("GET", "/permohonan/{other}/dokumen/{other_doc}", None, LOGIN, 404, 200, 200, 200, 200),
    # a naturalisation file's documents hold personal data: heads and assigned staff only
    ("GET", "/permohonan/{walkin}/dokumen/{walkin_doc}", None, LOGIN, 404, 404, 403, 200, 403),
    ("GET", "/permohonan/{own}/dokumen/{other_doc}", None, LOGIN, 404, 404, 404, 404, 404),
    ("GET", "/permohonan/{other}/dokumen/{own_doc}", None, LOGIN, 404, 404, 404, 404, 404),
    ("GET", "/permohonan/{own}/dokumen/{missing}", None, LOGIN, 404, 404, 404, 404, 404),
    ("GET", "/permohonan/{own}/dokumen/99999999999", None, 404, 404, 404, 404, 404, 404),
    ("GET", "/admin/", None, LOGIN, 403, 403, 403, 403, DONE),
    ("GET", "/admin/pengguna", None, LOGIN, 403, 403, 403, 403, 200),
    ("GET", "/admin/pengguna/baru", None, LOGIN, 403, 403, 403, 403, 200),
    ("POST", "/admin/pengguna/baru", "duplicate_user", LOGIN, 403, 403, 403, 403, 422),
    ("GET", "/admin/pengguna/{a_user}", None, LOGIN, 403, 403, 403, 403, 200),
    ("GET", "/admin/pengguna/{missing}", None, LOGIN, 403, 403, 403, 403, 404),
    ("GET", "/admin/organisasi", None, LOGIN, 403, 403, 403, 403, 200),
    ("GET", "/admin/organisasi/baru", None, LOGIN, 403, 403, 403, 403, 200),
    ("POST", "/admin/organisasi/baru", "duplicate_org", LOGIN, 403, 403, 403, 403, 422),
    ("GET", "/admin/organisasi/{an_org}", None, LOGIN, 403, 403, 403, 403, 200),
    ("GET", "/admin/hari-libur", None, LOGIN, 403, 403, 403, 403, 200),
    ("POST", "/admin/hari-libur", "override", LOGIN, 403, 403, 403, 403, DONE),
    ("POST", "/admin/hari-libur/{missing}/hapus", "nothing", LOGIN, 403, 403, 403, 403, 404),
    ("GET", "/admin/pengaturan", None, LOGIN, 403, 403, 403, 403, 200),
    ("POST", "/admin/pengaturan", "bad_settings", LOGIN, 403, 403, 403, 403, 422),
    ("GET", "/akun/kata-sandi", None, LOGIN, 200, 200, 200, 200, 200),
    # the dashboard and the reports: each role sees its own scope (tests/web/test_dashboard_reports.py)
    ("GET", "/dasbor/", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/laporan/", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/laporan/?period=2026-Q4", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/laporan/?period=2026-13", None, LOGIN, 422, 422, 422, 422, 422),
    ("GET", "/laporan/harmonisasi.xlsx?period=2026", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/laporan/harmonisasi.csv?period=2026-11", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/laporan/harmonisasi.pdf?period=2026", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/laporan/harmonisasi.doc?period=2026", None, LOGIN, 404, 404, 404, 404, 404),
    ("GET", "/permohonan/?overdue=y&due_soon=y&waiting=y", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/permohonan/ekspor.xlsx?overdue=y", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/permohonan/ekspor.csv?q={other_title}", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/permohonan/ekspor.pdf", None, LOGIN, 404, 404, 404, 404, 404),
    ("GET", "/laporan/dokumen", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/laporan/dokumen.xlsx?kind=result_letter&period=2026", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/laporan/dokumen.csv?q={other_title}", None, LOGIN, 200, 200, 200, 200, 200),
    ("GET", "/laporan/dokumen?period=x", None, LOGIN, 422, 422, 422, 422, 422),
    ("POST", "/akun/kata-sandi", "wrong_password", LOGIN, 422, 422, 422, 422, 422),
    # the account page: everyone's own (tests/web/test_account.py); the locks: admins (test_throttle.py)
    ("GET", "/akun/", None, LOGIN, 200, 200, 200, 200, 200),
    ("POST", "/akun/sesi/{missing}/akhiri", "nothing", LOGIN, 404, 404, 404, 404, 404),
    ("POST", "/akun/token/{missing}/cabut", "nothing", LOGIN, 404, 404, 404, 404, 404),
    ("GET", "/admin/keamanan", None, LOGIN, 403, 403, 403, 403, 200),
    ("POST", "/admin/keamanan/{missing}/buka", "nothing", LOGIN, 403, 403, 403, 403, 404),
]

# Where a DONE form (or page) leads.
DONE_TO = {
    "/permohonan/baru": r"/permohonan/\d+",
    "/permohonan/baru/naturalisation": r"/permohonan/\d+",
    "/permohonan/{own}/aksi": "/permohonan/{own}",
    "/permohonan/{draft}/aksi": "/permohonan/{draft}",
    "/permohonan/{other}/aksi": "/permohonan/{other}",
    "/permohonan/{draft}/dokumen": "/permohonan/{draft}#dokumen",
    "/permohonan/{verified}/dokumen": "/permohonan/{verified}#dokumen",
    "/admin/hari-libur": "/admin/hari-libur",
    "/admin/": "/admin/pengguna",
}

FORMS = {
    "new": lambda w: {
        "process_type": "ranperda",
        "title": "Ranperda Baru dari Matriks",
        "application_letter_number": "180/1/HK/2026",
        "application_letter_date": "2026-10-01",
        "application_letter": (io.BytesIO(PDF), "surat-permohonan.pdf"),
    },
    "declare_complete": lambda w: {
        "trigger": "declare_complete",
        "version": str(w["own_version"]) if "own" in w.made else "1",
    },
    "withdraw_draft": lambda w: {
        "trigger": "withdraw",
        "version": str(w["draft_version"]),
        "comment": "Ditarik untuk diperbaiki",
    },
    "withdraw_other": lambda w: {
        "trigger": "withdraw",
        "version": str(w["other_version"]),
        "comment": "Ditarik untuk diperbaiki",
    },
    "applicant_file": lambda w: {"kind": "surat_permohonan", "file": (io.BytesIO(PDF), "surat.pdf")},
    "staff_file": lambda w: {"kind": "hasil_telaah", "file": (io.BytesIO(PDF), "telaah.pdf")},
    "override": lambda w: {"day": "2031-03-04", "working": "0", "reason": "Uji matriks"},
    "nothing": lambda w: {},
    "duplicate_user": lambda w: {
        "email": "perancang1@harmoni.test",
        "name": "Kembaran",
        "role": "officer",
        "organisation_id": "0",
        "password": "kata-sandi-panjang-1",
        "active": "y",
    },
    "duplicate_org": lambda w: {"name": "Pemerintah Kota Kupang", "kind": "city", "region": "Kota Kupang"},
    "bad_settings": lambda w: {
        "name": "Kanwil Palsu",
        "registration_format": "NOMOR/{year}",
        **{f"limit_{name}": "5" for name in PROCESSES},
    },
    "walk_in": lambda w: {
        "name": "Pemohon Loket",
        "nationality": "Filipina",
        "passport": "P-LOKET-1",
        "address": "Jalan Loket 1, Kupang",
    },
    "wrong_password": lambda w: {
        "current": "bukan-sandinya-1",
        "new": "kata-sandi-baru-456",
        "confirm": "kata-sandi-baru-456",
    },
}

# The requests a test may need, created only when its path or form mentions them.
SPECS = {
    "own": dict(
        alias="drafter",
        state="submitted",
        title="Ranperda Kupang Air Bersih Diajukan",
        filename="kupang-air-bersih.pdf",
    ),
    "draft": dict(
        alias="drafter", state="draft", title="Ranperda Kupang Pasar Rahasia Draf", filename="kupang-draf-pasar.pdf"
    ),
    "other": dict(
        alias="other_drafter",
        state="submitted",
        title="Ranperda Sikka Perikanan Rahasia",
        filename="sikka-perikanan.pdf",
    ),
    "verified": dict(
        alias="drafter", state="verified", title="Ranperda Kupang Retribusi Lengkap", filename="kupang-retribusi.pdf"
    ),
    "walkin": dict(name="Warga Contoh Rahasia", passport="P-RAHASIA-7788"),  # see new_walk_in()
}
ORGANISATION = {"own": "drafter", "draft": "drafter", "verified": "drafter", "other": "other_drafter", "walkin": None}


class World:
    """The requests of one test, made on first mention: world["own"] is an id, world["own_doc"]
    the id of one of its documents, world["other_title"] its title, and so on."""

    def __init__(self, app, api):
        self.app, self.api, self.made = app, api, {}

    def request(self, name):
        if name == "walkin" and name not in self.made:
            self.made[name] = new_walk_in(self.app, **SPECS[name])
        if name not in self.made:
            req = new_request(self.api, **SPECS[name])
            docs = self.api.as_(SPECS[name]["alias"]).ok(
                self.api.as_(SPECS[name]["alias"]).get(f"/requests/{req['id']}/documents")
            )
            self.made[name] = {**req, "doc": docs[0]["id"]}
        return self.made[name]

    def __getitem__(self, key):
        if key == "missing":
            return MISSING
        if key in ("a_user", "an_org"):  # Kota Kupang's drafter, and Kota Kupang
            with self.app.app_context():
                drafter = user("drafter")
                return drafter.id if key == "a_user" else drafter.organisation_id
        name, _, field = key.partition("_")
        req = self.request(name)
        return {
            "": req["id"],
            "doc": req["doc"],
            "version": req["version"],
            "title": req["title"],
            "number": req["number"],
        }[field]

    def fill(self, template: str) -> str:
        names = [f for _, f, _, _ in string.Formatter().parse(template) if f]
        return template.format(**{n: self[n] for n in names})

    def secrets_of(self, role) -> list[str]:
        """What `role` must never read: other organisations' requests (and walk-in applicants'); for
        staff, drafts; the walk-in applicant's passport number, unless head (or assigned)."""

        def hidden(name):
            if role == "anonymous":
                return True
            if role in ("drafter", "other_drafter"):
                return ORGANISATION[name] != role
            return name == "draft"

        secrets = [
            secret
            for name, req in self.made.items()
            if hidden(name)
            for secret in (req["title"], req["number"], SPECS[name].get("filename", "walk-in-permohonan.pdf"))
        ]
        if "walkin" in self.made and role != "head":
            secrets.append(self.made["walkin"]["passport"])
        return secrets

    def fingerprint(self):
        """What any form could write: rows of every kind, versions, the office's settings, and
        the password of everyone who might have changed theirs."""
        with self.app.app_context():
            counts = [
                db.session.scalar(select(func.count()).select_from(model))
                for model in (Request, Document, Event, HolidayOverride, User, Organisation)
            ]
            office = db.session.scalar(select(Office))
            return (
                *counts,
                db.session.scalar(select(func.coalesce(func.sum(Request.version), 0))),
                office.name,
                json.dumps(office.settings, sort_keys=True),
                tuple(db.session.scalars(select(User.password_hash).order_by(User.id))),
            )


@pytest.fixture(scope="module")
def browsers(app):
    """One signed-in browser per role for the whole module (signing in costs a password hash)."""
    clients = {}
    for role in ROLES:
        clients[role] = WebClient(app)
        if role != "anonymous":
            clients[role].login(role)
    return clients


@pytest.fixture
def world(app, api):
    return World(app, api)


def row_id(row):
    return f"{row[0]} {row[1]}"


@pytest.mark.parametrize("row", MATRIX, ids=row_id)
def test_access(app, api, browsers, row):
    """One row of the table: every role in turn, each told apart in the failure message."""
    method, path_template, form, *expected = row
    assert len(expected) == len(ROLES)
    world, problems = World(app, api), []
    office = office_state(app)
    try:
        for role, want in zip(ROLES, expected):
            problems += [
                f"{role}: {p}" for p in check_cell(browsers[role], world, method, path_template, form, role, want)
            ]
            if want == DONE:
                world = World(app, api)  # the form changed things: the next role starts afresh
    finally:
        restore_office(app, office)
    assert not problems, f"{method} {path_template}\n" + "\n".join(problems)


def check_cell(browser, world, method, path_template, form, role, expected) -> list[str]:
    problems = []
    path = world.fill(path_template)
    before = world.fingerprint() if method == "POST" else None
    if method == "GET":
        r = browser.get(path)
    else:
        r = browser.post(
            path,
            FORMS[form](world),
            from_page="/",
            content_type="multipart/form-data" if "file" in form or form == "new" else None,
        )
    body = r.get_data().decode("utf-8", "replace")  # downloads (XLSX, PDF) are bytes
    got = r.status_code
    location = r.headers.get("Location", "")

    if expected == LOGIN:
        if got != 302 or unquote(login_target(r) or "") != unquote(path):
            problems.append(f"expected a redirect to /masuk?next={path}, got {got} {location}")
    elif expected == HOME:
        home = "/dasbor/" if role == "head" else "/permohonan/"
        if got != 302 or location != home:
            problems.append(f"expected a redirect to {home}, got {got} {location}")
    elif expected == DONE:
        target = world.fill(DONE_TO[path_template])
        if got != 302 or not re.fullmatch(target, location):
            problems.append(f"expected a redirect to {target}, got {got} {location}")
        else:
            page = browser.get(location)  # the page it leads to (and its flash) renders
            if page.status_code != 200:
                problems.append(f"{location} answered {page.status_code}")
            body += page.get_data(as_text=True)
    elif got != expected:
        problems.append(f"expected {expected}, got {got}")

    if method == "POST" and not problems:
        changed = world.fingerprint() != before
        if changed != (expected == DONE):
            problems.append("a refused form wrote something" if changed else "a done form wrote nothing")
    if (
        got == 200
        and path.endswith(".svg")
        and not (r.mimetype == "image/svg+xml" and body.lstrip().startswith("<svg"))
    ):
        problems.append(f"not an SVG image: {r.mimetype}")
    if r.mimetype == "text/html" and INLINE_STYLE.search(body):
        problems.append("inline CSS, which the Content-Security-Policy refuses")
    if got in (403, 404) and not (r.mimetype == "text/html" and 'role="alert"' in body):
        problems.append("a bare error instead of an error page")  # the page says what happened
    for secret in world.secrets_of(role):
        if secret in without_echo(body):
            problems.append(f"was shown {secret!r}")
    return problems


# --- beyond the table -----------------------------------------------------------------------


def test_drafter_list_and_search_show_only_their_organisation(browsers, world):
    for name in ("own", "draft", "other"):
        world.request(name)
    drafter, sikka = browsers["drafter"], browsers["other_drafter"]
    secrets = (world["other_title"], world["other_number"], SPECS["other"]["filename"])

    mine = drafter.text("/permohonan/")
    assert world["own_title"] in mine and world["draft_title"] in mine and "2 permohonan" in mine
    other_org = sikka_org_id(world)
    for query in (
        f"q={world['other_title']}",
        f"q={world['other_number']}",
        "q=Sikka",
        "q=Perikanan",
        f"organisation_id={other_org}",
        "state=submitted&process_type=ranperda",
        "page=2",
        f"q=Perikanan&organisation_id={other_org}&assignee_id=1&overdue=y&mine=y",
    ):
        page = drafter.text("/permohonan/?" + query)
        for secret in secrets:
            assert secret not in without_echo(page), (query, secret)
        if query.startswith("q="):
            assert "0 permohonan" in page, query

    theirs = sikka.text("/permohonan/")
    assert world["other_title"] in theirs and "1 permohonan" in theirs
    for secret in (world["own_title"], world["draft_title"], world["own_number"], world["draft_number"]):
        assert secret not in without_echo(theirs)
    assert "0 permohonan" in sikka.text("/permohonan/?q=Kupang")


def sikka_org_id(world):
    return world.api.as_("other_drafter").ok(world.api.as_("other_drafter").get(f"/requests/{world['other']}"))[
        "organisation"
    ]["id"]


def test_staff_list_never_shows_a_draft(browsers, world):
    for name in ("own", "draft", "other"):
        world.request(name)
    for role in ("officer", "head", "admin"):
        page = browsers[role].text("/permohonan/")
        assert world["own_title"] in page and world["other_title"] in page, role
        assert world["draft_title"] not in page and "2 permohonan" in page, role
        searched = browsers[role].text("/permohonan/?q=Pasar")
        assert "0 permohonan" in searched and world["draft_number"] not in without_echo(searched), role


# (who asks, what is hidden from them, how the page is reached)
HIDDEN = [
    ("drafter", "other", "GET", "/permohonan/{id}"),
    ("drafter", "other", "POST", "/permohonan/{id}/aksi"),
    ("drafter", "other", "POST", "/permohonan/{id}/dokumen"),
    ("drafter", "other", "GET", "/permohonan/{id}/dokumen/{doc}"),
    ("other_drafter", "own", "GET", "/permohonan/{id}"),
    ("other_drafter", "own", "GET", "/permohonan/{id}/dokumen/{doc}"),
    ("officer", "draft", "GET", "/permohonan/{id}"),
    ("officer", "draft", "POST", "/permohonan/{id}/aksi"),
    ("head", "draft", "GET", "/permohonan/{id}/dokumen/{doc}"),
    ("drafter", "walkin", "GET", "/permohonan/{id}"),
    ("other_drafter", "walkin", "GET", "/permohonan/{id}/dokumen/{doc}"),
]


def test_hidden_is_indistinguishable_from_absent(browsers, world):
    """The answer for a request one may not see is byte for byte the answer for no request."""
    different = []
    for role, hidden, method, template in HIDDEN:
        browser = browsers[role]
        answers = []
        for request_id, doc in ((world[hidden], world[hidden + "_doc"]), (MISSING, MISSING)):
            path = template.format(id=request_id, doc=doc)
            if method == "GET":
                r = browser.get(path)
            else:
                r = browser.post(
                    path,
                    {
                        "trigger": "withdraw",
                        "version": "1",
                        "comment": "x",
                        "kind": "rancangan",
                        "file": (io.BytesIO(EXE), "x.pdf"),
                    },
                    from_page="/",
                    content_type="multipart/form-data",
                )
            answers.append((r.status_code, r.headers.get("Content-Type"), without_echo(r.get_data(as_text=True))))
        if answers[0][0] != 404 or answers[0] != answers[1]:
            different.append((role, hidden, method, template, answers[0][0], answers[1][0]))
    assert not different


WEIRD_IDS = ["0", "-1", "2147483648", "99999999999", "9" * 40, "1.5", "1e3", "abc", "%00", "0x10"]


def test_ids_out_of_range_are_not_found(browsers, world):
    own = world["own"]
    wrong = []
    for role in ("drafter", "officer", "admin"):
        browser = browsers[role]
        token = browser.csrf("/")
        for bad in WEIRD_IDS:
            for method, path in [
                ("GET", f"/permohonan/{bad}"),
                ("POST", f"/permohonan/{bad}/aksi"),
                ("POST", f"/permohonan/{bad}/dokumen"),
                ("GET", f"/permohonan/{bad}/dokumen/1"),
                ("GET", f"/permohonan/{own}/dokumen/{bad}"),
                ("GET", f"/admin/pengguna/{bad}"),
                ("POST", f"/admin/pengguna/{bad}"),
                ("GET", f"/admin/organisasi/{bad}"),
                ("POST", f"/admin/hari-libur/{bad}/hapus"),
            ]:
                r = browser.client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None)
                if r.status_code != 404:
                    wrong.append((role, method, path, r.status_code))
    assert not wrong
