"""PDF rendering with WeasyPrint: one font configuration and one compiled stylesheet per process,
shared by every document; the same payload always gives the same bytes."""

import base64
import hashlib
import logging
from functools import cache
from pathlib import Path

import segno
from flask import render_template
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "pdf"


class PdfRenderer:
    def __init__(self):
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(filename=str(TEMPLATES / "print.css"), font_config=self.font_config)

    def render_html(self, html: str, *, identifier: str) -> bytes:
        """Bytes of the PDF; `identifier` fixes the PDF's /ID so that output is reproducible."""
        document = HTML(string=html, base_url=str(TEMPLATES))
        return document.write_pdf(
            stylesheets=[self.stylesheet],
            font_config=self.font_config,
            pdf_identifier=hashlib.md5(identifier.encode()).hexdigest().encode(),
            uncompressed_pdf=False,
        )

    def render(self, template: str, payload: dict, *, identifier: str) -> bytes:
        # a DRAF preview has nothing to verify, so no QR code
        verify = payload.get("verify")
        qr = segno.make(verify["url"], error="m").svg_data_uri(scale=4, border=0) if verify else None
        html = render_template(f"pdf/{template}.html", p=payload, qr=qr, logo=logo_uri(payload))
        content = self.render_html(html, identifier=identifier)
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
