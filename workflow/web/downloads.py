"""Every file Harmoni hands out goes through `attachment()`: always a download, never rendered in
the page, and with `X-Content-Type-Options: nosniff` so that no browser second-guesses the type
(an uploaded "PDF" that is really HTML stays an inert download)."""

import io

from flask import send_file


def attachment(content: bytes, *, mimetype: str, name: str):
    response = send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
