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
from flask.globals import _cv_app
from flask_babel import get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup


def app_globals():
    """The app context's `g` (its object, not the proxy), None outside one. Read from Flask's
    context variable, what `has_app_context()` and the `g` proxy read too: a page formats some
    hundred strings and moments, and going through the proxies took a tenth of its template."""
    context = _cv_app.get(None)
    return context.g if context is not None else None


def _current() -> tuple:
    """(locale, catalogue) of the current context; (None, the null catalogue) outside one."""
    app_g = app_globals()
    if app_g is None:
        return None, get_translations()
    namespace = getattr(app_g, "_flask_babel", None)
    if namespace is not None:
        cached = getattr(namespace, "harmoni_catalogue", None)
        if cached is not None and cached[0] is getattr(namespace, "babel_locale", None):
            return cached
    translations = get_translations()  # also settles the locale on the namespace
    namespace = app_g._flask_babel
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
    app.jinja_env.globals["_"] = template_gettext


@pass_eval_context
def template_gettext(eval_ctx, string: str, **variables) -> str:
    """A template's _(): what jinja's newstyle gettext returns (the text, as Markup when escaping,
    always %-formatted, the variables escaped), in one call. Jinja's own `_` goes through two more
    calls that take the whole template context, and inside a loop or block derives a new context
    for each string: a third of a page's translating time (a request page asks for some 40)."""
    text = catalogue().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)
    # "%" formatting with no variables and no "%" in the text gives the text back: skip it
    return text % variables if variables or "%" in text else text


def format_day(day: date, pattern: str) -> str:
    """A calendar day in the current locale, e.g. "4 Desember 2026"."""
    return _format_day(day, pattern, str(_current()[0] or "id"))


@lru_cache(maxsize=8192)
def _format_day(day: date, pattern: str, locale: str) -> str:
    return babel_format_date(day, pattern, locale=locale)
