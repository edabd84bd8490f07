"""Links that users type (a meeting's online link): one rule for forms and API alike, checked where
a link is stored and again where one is shown, so a `javascript:` or `data:` URL never reaches a
page, an e-mail or an .ics file."""

from marshmallow import ValidationError
from marshmallow.validate import URL

SCHEMES = frozenset({"http", "https"})
MESSAGE = "Tautan harus alamat web lengkap yang diawali http:// atau https://."
_VALID = URL(relative=False, schemes=SCHEMES, require_tld=False)


def check_web_link(value: str | None) -> str | None:
    """`value` stripped, None when empty; ValueError(MESSAGE) when it is not an http(s) address."""
    value = (value or "").strip()
    if not value:
        return None
    # control characters (CR/LF would split an .ics line) and spaces are never part of a URL
    if any(ord(c) < 33 or ord(c) == 127 for c in value):
        raise ValueError(MESSAGE)
    try:
        return _VALID(value)
    except ValidationError:
        raise ValueError(MESSAGE) from None


def web_link(value: str | None) -> str | None:
    """The link when it is safe to show, else None: for links stored before the rule existed."""
    try:
        return check_web_link(value)
    except ValueError:
        return None
