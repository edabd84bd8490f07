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
from jinja2 import pass_context
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
    # _() without variables, as most of a page's are (the layout alone has some 25), through
    # template_gettext: the catalogue of the render, the marked-up text looked up once.
    app.jinja_env.globals["gettext"] = app.jinja_env.globals["_"] = template_gettext
    app.context_processor(lambda: {RENDER_CATALOGUE: catalogue()})


RENDER_CATALOGUE = "_i18n_catalogue"  # the catalogue of one render_template (a context processor)
_MARKED: dict = {}  # (catalogue, msgid) -> Markup: template literals, in a few catalogues


@pass_context
def template_gettext(context, string: str, **variables):
    """Jinja's newstyle _(): the translation, marked safe when autoescaping, formatted with
    `variables` (escaped), as jinja2.ext's own; without variables, the result is looked up once
    per catalogue and string. The catalogue is the one render_template() found for this render
    (force_locale still switches it); in a macro imported without context, the current one."""
    translations = context.get(RENDER_CATALOGUE) or catalogue()
    if variables or not context.eval_ctx.autoescape:
        rv = translations.ugettext(string)
        return (Markup(rv) if context.eval_ctx.autoescape else rv) % variables
    key = (translations, string)
    marked = _MARKED.get(key)
    if marked is None:
        if len(_MARKED) > 4096:  # bounded: only literals should land here
            _MARKED.clear()
        marked = _MARKED[key] = Markup(translations.ugettext(string)) % {}
    return marked


def format_day(day: date, pattern: str) -> str:
    """A calendar day in the current locale, e.g. "4 Desember 2026"."""
    return _format_day(day, pattern, str(_current()[0] or "id"))


@lru_cache(maxsize=8192)
def _format_day(day: date, pattern: str, locale: str) -> str:
    return babel_format_date(day, pattern, locale=locale)
