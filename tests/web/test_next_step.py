"""The work queue's "next step" names what moves a file forward: never the applicant's way out."""

import re

from .conftest import new_request


def test_a_drafters_next_step_is_never_withdraw(api, web):
    submitted = new_request(api)
    draft = new_request(api, state="draft", title="Rancangan Peraturan Daerah tentang Draf")
    web.login("drafter")
    page = web.text("/permohonan/")
    table = page.split("<tbody", 1)[1]
    rows = {n: table.split(n, 1)[1].split("</tr>", 1)[0] for n in (submitted["number"], draft["number"])}
    assert "Tarik permohonan" not in rows[submitted["number"]]
    assert "Menunggu pihak lain" in rows[submitted["number"]]
    assert "Ajukan" in rows[draft["number"]] and "Buang draf" not in rows[draft["number"]]
    # on a phone the next step folds away with the other secondary columns; the status stays
    row = rows[submitted["number"]]
    assert re.search(r'<td class="d-none d-md-table-cell[^"]*">Menunggu pihak lain</td>', row)
    assert '<td><span class="badge text-bg-secondary text-wrap text-start">Diajukan, pemeriksaan administrasi' in row
    # the way out stays on the request page itself
    assert "Tarik permohonan" in web.text(f"/permohonan/{submitted['id']}")
