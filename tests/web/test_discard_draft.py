"""A drafter throws away a draft they will not submit: it becomes `discarded`, as private as a
draft (staff never see it), final, and left out of the lists unless asked for by its state."""

import re

from .conftest import new_request


def test_a_draft_is_discarded_after_a_confirmation_and_leaves_the_lists(app, api, web):
    draft = new_request(api, state="draft", title="Rancangan yang batal diajukan")
    kept = new_request(api, state="draft", title="Rancangan yang tetap disimpan")
    browser = web.new()
    browser.login("drafter")
    page = browser.text(f"/permohonan/{draft['id']}")
    form = re.search(r'<form[^>]*>(?:(?!</form>).)*value="discard"', page, re.S).group(0)
    assert "data-confirm=" in form  # a final step asks first (harmoni.js)

    r = browser.act(draft["id"], "discard", draft["version"])
    assert r.status_code == 302
    page = browser.text(f"/permohonan/{draft['id']}")
    assert "Draf dibuang" in page
    assert 'name="trigger"' not in page  # nothing left to do with it

    listed = browser.text("/permohonan/")
    assert kept["title"] in listed and draft["title"] not in listed
    assert draft["title"] in browser.text("/permohonan/?state=discarded")

    drafter = api.as_("drafter")
    assert [r["id"] for r in drafter.ok(drafter.get("/requests"))["items"]] == [kept["id"]]
    assert [r["id"] for r in drafter.ok(drafter.get("/requests?state=discarded"))["items"]] == [draft["id"]]
    assert drafter.fire(draft["id"], "submit").status_code == 409

    officer = web.new()
    officer.login("head")
    assert officer.get(f"/permohonan/{draft['id']}").status_code == 404
    head = api.as_("head")
    assert head.get(f"/requests/{draft['id']}").status_code == 404
    assert head.ok(head.get("/requests?state=discarded"))["items"] == []


def test_only_a_draft_can_be_discarded(api):
    submitted = new_request(api, state="submitted")
    drafter = api.as_("drafter")
    r = drafter.fire(submitted["id"], "discard", version=submitted["version"])
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "transition_unavailable")
