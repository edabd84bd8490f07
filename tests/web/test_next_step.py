"""The work queue's "next step" names what moves a file forward: never the applicant's way out."""

from .conftest import new_request


def test_a_drafters_next_step_is_never_withdraw(api, web):
    submitted = new_request(api)
    draft = new_request(api, state="draft", title="Rancangan Peraturan Daerah tentang Draf")
    web.login("drafter")
    page = web.text("/permohonan/")
    table = page.split("<table", 1)[1]  # (the phone's cards come first and show no next step)
    rows = {n: table.split(n, 1)[1].split("</tr>", 1)[0] for n in (submitted["number"], draft["number"])}
    assert "Tarik permohonan" not in rows[submitted["number"]]
    assert "Menunggu pihak lain" in rows[submitted["number"]]
    assert "Ajukan" in rows[draft["number"]] and "Buang draf" not in rows[draft["number"]]
    # on a phone: a card per request with its status, no sideways table
    cards = page.split('data-testid="queue-cards"', 1)[1].split("</ul>", 1)[0]
    assert submitted["number"] in cards and "Diajukan, pemeriksaan administrasi" in cards
    # the way out stays on the request page itself
    assert "Tarik permohonan" in web.text(f"/permohonan/{submitted['id']}")
