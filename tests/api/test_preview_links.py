"""`preview_url` of a letter not issued yet and of minutes not final: given only to a viewer who may
open the DRAF preview (the office's staff: officers and heads), null for everyone else who sees the
document (the office's admin), the field always present (the API's shapes are fixed). The same in
the one document's GET and in the request's list. A role table: for each document in each status,
what each role is told, and the link, when given, opens; when withheld, the preview answers 404."""

import pytest

from ..services.test_letter_approval import HELD, ISSUED, SENT_BACK, letter_in
from ..services.test_minutes_approval import minutes_in

# (document, status) -> role -> True: a link that opens / False: null / 404: the document is not shown
EXPECTED = {
    ("letter", HELD): {"officer": True, "head": True, "admin": False, "drafter": 404},
    ("letter", SENT_BACK): {"officer": True, "head": True, "admin": False, "drafter": 404},
    ("letter", ISSUED): {"officer": False, "head": False, "admin": False, "drafter": False},
    ("minutes", "draft"): {"officer": True, "head": True, "admin": False, "drafter": 404},
    ("minutes", "awaiting_approval"): {"officer": True, "head": True, "admin": False, "drafter": 404},
    ("minutes", "final"): {"officer": False, "head": False, "admin": False, "drafter": False},
}
PREVIEW = {"letter": "/issued-documents/{id}/preview.pdf", "minutes": "/minutes/{id}/preview.pdf"}


def document_in(api, document: str, status: str) -> tuple[int, int]:
    """(request id, document id)."""
    if document == "minutes":
        return minutes_in(api, status)
    letter_id = letter_in(api, status)
    head = api.as_("head")
    return head.ok(head.get(f"/issued-documents/{letter_id}"))["request_id"], letter_id


@pytest.mark.parametrize("document, status", list(EXPECTED))
def test_the_preview_link_is_given_to_those_who_may_open_it(api, document, status):
    rid, doc_id = document_in(api, document, status)
    one = f"/issued-documents/{doc_id}" if document == "letter" else f"/minutes/{doc_id}"
    listing = f"/requests/{rid}/issued" if document == "letter" else f"/requests/{rid}/minutes"
    for role, expected in EXPECTED[(document, status)].items():
        client = api.as_(role)
        response = client.get(one)
        if expected == 404:
            assert response.status_code == 404, (document, status, role)
            assert doc_id not in [d["id"] for d in client.ok(client.get(listing))], (document, status, role)
            continue
        shown = client.ok(response)
        [listed] = [d for d in client.ok(client.get(listing)) if d["id"] == doc_id]
        assert "preview_url" in shown and listed["preview_url"] == shown["preview_url"], (document, status, role)
        preview = client.get(PREVIEW[document].format(id=doc_id))
        if expected:
            assert shown["preview_url"] == "/api/v1" + PREVIEW[document].format(id=doc_id), (document, status, role)
            assert preview.status_code == 200 and preview.data.startswith(b"%PDF"), (document, status, role)
        else:
            assert shown["preview_url"] is None, (document, status, role)
            assert preview.status_code == 404, (document, status, role)
