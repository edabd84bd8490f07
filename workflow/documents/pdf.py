"""PDF rendering with WeasyPrint: one font configuration and one compiled stylesheet per process,
shared by every document; the same payload always gives the same bytes."""

import hashlib
from functools import cache
from pathlib import Path

import segno
from flask import render_template
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

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
        qr = segno.make(payload["verify"]["url"], error="m").svg_data_uri(scale=4, border=0)
        html = render_template(f"pdf/{template}.html", p=payload, qr=qr)
        return self.render_html(html, identifier=identifier)


@cache
def renderer() -> PdfRenderer:
    """The process's one renderer (font configuration and stylesheet are built once)."""
    return PdfRenderer()
