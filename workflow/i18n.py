"""Translations and dates looked up once per request, not once per string.

flask_babel finds the catalogue anew for every string it translates (four context lookups, about
8 µs) and builds a date pattern for every date it formats (about 8 µs); a 50-row work queue asks
for some 250 strings and 50 dates. Here the catalogue is kept on flask_babel's own per-context
namespace, beside the locale it belongs to, so `force_locale` (mail in the applicant's language)
still switches it; formatted days are memoised per locale (a day's name never changes).
"""

from datetime import date
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from flask import g, has_app_context
from flask_babel import get_translations


def _current() -> tuple:
    """(locale, catalogue) of the current context; (None, the null catalogue) outside one."""
    if not has_app_context():
        return None, get_translations()
    namespace = g.get("_flask_babel")
    if namespace is not None:
        cached = getattr(namespace, "harmoni_catalogue", None)
        if cached is not None and cached[0] is getattr(namespace, "babel_locale", None):
            return cached
    translations = get_translations()  # also settles the locale on the namespace
    namespace = g._flask_babel
    namespace.harmoni_catalogue = (getattr(namespace, "babel_locale", None), translations)
    return namespace.harmoni_catalogue


def catalogue():
    """The gettext catalogue of the current locale."""
    return _current()[1]


def gettext(string: str, **variables) -> str:
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def install(app) -> None:
    """Templates' _() and ngettext() through the per-request catalogue (after Babel.init_app)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
    )


def format_day(day: date, pattern: str) -> str:
    """A calendar day in the current locale, e.g. "4 Desember 2026"."""
    return _format_day(day, pattern, str(_current()[0] or "id"))


@lru_cache(maxsize=8192)
def _format_day(day: date, pattern: str, locale: str) -> str:
    return babel_format_date(day, pattern, locale=locale)
