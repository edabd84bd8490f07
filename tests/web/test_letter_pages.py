"""The pages of a letter awaiting approval (web/letters.py, templates/cases/_letter.html): who sees
it on the request page, who gets the buttons, the stale form, a send-back without a note, and the
DRAF preview's access. The browser journey is tests/e2e/test_letter_approval_journey.py."""

import re

from workflow.extensions import db
from workflow.models import IssuedDocument

from ..helpers import ApiClient, submitted_request


def returned(app) -> tuple[int, int]:
    api = ApiClient(app)
    req = submitted_request(api)
    officer = api.as_("officer")
    officer.ok(officer.fire(req["id"], "return_for_completion", comment="SK tim penyusun belum ditandatangani."))
    [letter] = [d for d in officer.ok(officer.get(f"/requests/{req['id']}/issued"))]
    return req["id"], letter["id"]


def test_who_sees_the_waiting_letter_and_its_buttons(app, web):
    rid, lid = returned(app)
    web.login("drafter")
    page = web.text(f"/permohonan/{rid}")
    assert f'id="surat-{lid}"' not in page and "Surat pengembalian berkas" not in page  # not issued: not theirs
    assert web.get(f"/surat/{lid}/draf.pdf").status_code == 403
    officer = web.new()
    officer.login("officer")
    page = officer.text(f"/permohonan/{rid}")
    assert f'id="surat-{lid}"' in page and "Menunggu persetujuan" in page and "Pratinjau DRAF (PDF)" in page
    assert "/setujui" not in page  # an officer does not decide
    preview = officer.get(f"/surat/{lid}/draf.pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert officer.post(f"/surat/{lid}/setujui", {"version": "1"}, from_page=f"/permohonan/{rid}").status_code == 403
    with app.app_context():
        assert db.session.get(IssuedDocument, lid).number is None  # refused: nothing numbered
    head = web.new()
    head.login("head")
    page = head.text(f"/permohonan/{rid}")
    assert re.search(rf'action="/surat/{lid}/setujui"', page) and "data-confirm=" in page
    assert f'action="/surat/{lid}/kembalikan"' in page


def test_a_stale_form_and_a_send_back_without_a_note_change_nothing(app, web):
    rid, lid = returned(app)
    web.login("head")
    r = web.post(f"/surat/{lid}/setujui", {"version": "99"}, from_page=f"/permohonan/{rid}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/permohonan/{rid}#surat-{lid}")
    assert "telah diubah oleh orang lain" in web.text(f"/permohonan/{rid}")
    r = web.post(f"/surat/{lid}/kembalikan", {"version": "1", "comment": "  "}, from_page=f"/permohonan/{rid}")
    assert r.status_code == 302
    with app.app_context():
        letter = db.session.get(IssuedDocument, lid)
        assert (letter.status, letter.number, letter.version) == ("awaiting_approval", None, 1)
    r = web.post(f"/surat/{lid}/setujui", {"version": "1"}, from_page=f"/permohonan/{rid}")
    page = web.text(f"/permohonan/{rid}")
    assert re.search(r"disetujui dan diterbitkan dengan nomor 001/PB/", page)
    assert web.get(f"/surat/{lid}/draf.pdf").status_code == 404  # issued: the issued PDF is the document
