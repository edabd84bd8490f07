"""PDF rendering with WeasyPrint: one font configuration and one compiled stylesheet per process,
shared by every document; the same payload always gives the same bytes."""

import base64
import hashlib
import logging
from functools import cache
from pathlib import Path

import segno
from flask import render_template

# WeasyPrint (about a second to import) is imported by the renderer when it is first made, not with
# this module: pages and commands that never render a PDF (most `flask` commands) do not pay for it.

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "pdf"


class PdfRenderer:
    def __init__(self):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()
        self.stylesheet = CSS(filename=str(TEMPLATES / "print.css"), font_config=self.font_config)

    def render_html(self, html: str, *, identifier: str) -> bytes:
        """Bytes of the PDF; `identifier` fixes the PDF's /ID so that output is reproducible."""
        return self.render_html_locating(html, identifier=identifier, anchor=None)[0]

    def render_html_locating(
        self, html: str, *, identifier: str, anchor: str | None
    ) -> tuple[bytes, tuple[int, float, tuple[float, float, float, float]] | None]:
        """The PDF, and where the element with id `anchor` was laid out: (page from 0, the page's
        height and the element's box, both in CSS px from the top-left), or None. Laying out and
        writing are the two halves of WeasyPrint's write_pdf(): finding the place costs nothing."""
        from weasyprint import HTML  # imported by __init__ already: a dictionary lookup

        options = {
            "pdf_identifier": hashlib.md5(identifier.encode()).hexdigest().encode(),
            "uncompressed_pdf": False,
        }
        document = HTML(string=html, base_url=str(TEMPLATES)).render(
            font_config=self.font_config, stylesheets=[self.stylesheet], **options
        )
        found = next(
            (
                (number, page.height, page.anchors[anchor])
                for number, page in enumerate(document.pages)
                if anchor in page.anchors
            ),
            None,
        )
        return document.write_pdf(**options), found

    def html(self, template: str, payload: dict, **context) -> str:
        # a DRAF preview has nothing to verify, so no QR code. make_qr: a verification address never
        # fits a Micro QR, and segno.make() would try one first (about 0.8 of its 3.5 ms)
        verify = payload.get("verify")
        qr = segno.make_qr(verify["url"], error="m").svg_data_uri(scale=4, border=0) if verify else None
        return render_template(f"pdf/{template}.html", p=payload, qr=qr, logo=logo_uri(payload), **context)

    def render(self, template: str, payload: dict, *, identifier: str, **context) -> bytes:
        """The document `pdf/<template>.html` shows for `payload`; `context` goes to the template
        as it is (e.g. `signed`: the document will carry an electronic signature)."""
        content = self.render_html(self.html(template, payload, **context), identifier=identifier)
        log.info("document %s rendered from pdf/%s.html (%d bytes)", identifier, template, len(content))
        return content


def logo_uri(payload: dict) -> str | None:
    """The office's logo (its SHA-256 frozen in the payload) as a data URI, read from the store."""
    sha256 = (payload.get("office") or {}).get("logo")
    if not sha256:
        return None
    from .store import document_store

    content = document_store().get(sha256)
    mime = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


@cache
def renderer() -> PdfRenderer:
    """The process's one renderer (font configuration and stylesheet are built once)."""
    return PdfRenderer()
