"""The pages of approval before issuing (issue 13 §3); the rules themselves are tabled in
tests/services/test_minutes_approval.py."""

from workflow.extensions import db
from workflow.models import Minutes

from ..services.test_minutes_approval import minutes_in


def test_the_pages_of_approval(api, web):
    """The head's minutes page: the DRAF preview, Setujui (asked to confirm) and Kembalikan (a
    comment required); the officer sees the head's note in the editor; the dashboard counts."""
    _, mid = minutes_in(api, "awaiting_approval")
    path = f"/berita-acara/{mid}"
    head = web.new()
    head.login("head")
    page = head.text(path)
    assert "Menunggu persetujuan" in page and f"{path}/draf.pdf" in page
    assert f'action="{path}/setujui"' in page and "data-confirm=" in page and f'action="{path}/kembalikan"' in page
    assert "Menunggu persetujuan Anda" in head.text("/dasbor/") and path in head.text("/dasbor/")

    officer = web.new()
    officer.login("officer")
    theirs = officer.text(path)
    assert f"{path}/draf.pdf" in theirs and "/setujui" not in theirs  # the officer waits
    preview = officer.client.get(f"{path}/draf.pdf")
    assert preview.status_code == 200 and preview.data.startswith(b"%PDF")
    drafter = web.new()
    drafter.login("drafter")
    assert drafter.client.get(f"{path}/draf.pdf").status_code == 403  # staff only, before any loading

    with api.app.app_context():
        version = db.session.get(Minutes, mid).version
    r = head.post(f"{path}/kembalikan", data={"version": str(version), "comment": "  "}, from_page=path)
    assert r.status_code == 422 and "Wajib diisi: apa yang perlu diperbaiki." in r.get_data(as_text=True)
    with api.app.app_context():
        assert db.session.get(Minutes, mid).status == "awaiting_approval"
    r = head.post(
        f"{path}/kembalikan", data={"version": str(version), "comment": "Pasal 5 belum sesuai."}, from_page=path
    )
    assert (r.status_code, r.headers["Location"]) == (302, path)
    editor = officer.text(path)
    assert "Dikembalikan oleh" in editor and "Pasal 5 belum sesuai." in editor and "Simpan draf" in editor
    assert path not in head.text("/dasbor/")  # no longer awaiting


def test_the_admin_sees_minutes_awaiting_approval_without_the_staffs_preview(api, web):
    """As the API's preview_url (tests/api/test_preview_links.py): the office's admin may read the
    minutes but not open their DRAF preview (staff only: 403), so the page offers no link to it."""
    rid, mid = minutes_in(api, "awaiting_approval")
    path = f"/berita-acara/{mid}"
    admin = web.new()
    admin.login("admin")
    page = admin.text(path)
    assert "Menunggu persetujuan" in page and f"{path}/draf.pdf" not in page
    assert admin.client.get(f"{path}/draf.pdf").status_code == 403
    assert f"{path}/draf.pdf" not in admin.text(f"/permohonan/{rid}")
