"""The meeting form refuses what is not a number with a message on the form, never a 500."""

from .conftest import new_request


def test_a_duration_or_chair_that_is_not_a_number_is_refused_on_the_form(app, api, web):
    req = new_request(api, state="analysed")
    browser = web.new()
    browser.login("officer")
    base = {
        "request_ids": str(req["id"]),
        "title": "Rapat pengharmonisasian",
        "date": "2026-12-10",
        "time": "09:00",
        "place": "Aula Kanwil",
        "participants": "",
    }
    r = browser.post("/rapat/baru", data=base | {"duration": "dua jam"})
    assert r.status_code == 422
    assert "Durasi diisi dengan jumlah menit." in r.get_data(as_text=True)
    r = browser.post("/rapat/baru", data=base | {"duration": "120", "chair_id": "ketua"})
    assert r.status_code == 422
