"""Charts as SVG, drawn on the server by pygal: the same markup goes inline into the page and into
the report's PDF (WeasyPrint draws inline SVG), with no JavaScript. pygal's own scripts (tooltips
from a CDN) are switched off; every chart is accompanied by a table of its numbers.

No inline CSS either, so the pages' Content-Security-Policy needs no `style-src 'unsafe-inline'`:
pygal writes each chart's stylesheet into the SVG, scoped to the chart's random id; every chart here
has the same style, so the sheet is the same for all but the id. The charts leave it out and the
pages link `stylesheet()` once, scoped to the `pygal-chart` class every chart carries (web/charts.py
serves it). The PDF, which no CSP governs, gets it back inside each SVG (`with_stylesheet`).
"""

from __future__ import annotations

import re
import sys
from collections import OrderedDict
from functools import cache
from threading import Lock

import pygal
from flask_babel import format_decimal, get_locale
from markupsafe import Markup
from pygal.style import Style

# pygal appends a legacy import hook (for its map plugins, unused here) to sys.meta_path; Python
# warns (ImportWarning) on every later import that reaches it. Take it out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=("#0d6efd", "#198754", "#fd7e14", "#dc3545", "#6f42c1", "#20c997"),
    font_family="DejaVu Sans, Arial, sans-serif",
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    title_font_size=14,
    value_font_size=10,
)


def _number(value: float) -> str:
    """Axis labels and values as the page's language writes numbers, at most one decimal: pygal
    divides the secondary (percent) axis by the primary's steps, "83.33333333" otherwise."""
    return format_decimal(round(value, 1), format="#,##0.#")


CONFIG = dict(
    style=STYLE,
    value_formatter=_number,
    js=[],  # no script from a CDN; the page and the PDF need none
    disable_xml_declaration=True,  # inline in HTML
    explicit_size=True,
    width=640,
    height=300,
    legend_at_bottom=True,
    print_values=True,
    print_zeroes=False,
    show_y_guides=True,
    truncate_label=-1,
    no_data_text="Belum ada data",
)


STYLE_ELEMENT = re.compile(r'<style type="text/css">(.*?)</style>', re.S)
# pygal's tooltip group starts hidden by a style attribute, for its scripts to show; there are none
TOOLTIP_HIDDEN = ' style="opacity: 0"'


def _render(chart, title: str) -> Markup:
    # pygal embeds its configuration in a <script> even without its scripts: no script at all
    svg = re.sub(r"<script.*?</script>", "", chart.render(is_unicode=True), flags=re.S)
    svg = STYLE_ELEMENT.sub("", svg, count=1).replace(TOOLTIP_HIDDEN, "")  # stylesheet() instead
    # the chart is a picture of the table that follows it: name it for screen readers
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{Markup.escape(title)}" ', 1)
    return Markup(svg)


@cache
def stylesheet() -> str:
    """The charts' CSS, pygal's own for STYLE, scoped to `.pygal-chart`: drawn from a chart with a
    series in every colour (the sheet has one rule per series colour; the rest does not depend on
    the chart's kind or options)."""
    sample = pygal.Line(**CONFIG)
    for i in range(len(STYLE.colors)):
        sample.add(str(i), [i])
    svg = sample.render(is_unicode=True)
    chart_id = re.search(r'id="(chart-[^"]+)"', svg).group(1)
    css = STYLE_ELEMENT.search(svg).group(1).replace("&gt;", ">").replace(f"#{chart_id}", ".pygal-chart")
    return css + "\n.pygal-chart .tooltip{display:none}\n"


def with_stylesheet(svg: Markup) -> Markup:
    """The chart with its stylesheet inside (for the PDF: WeasyPrint styles an SVG from within)."""
    # (str: Markup.replace would escape the markup inserted)
    return Markup(str(svg).replace("<defs>", f"<defs><style>{Markup.escape(stylesheet())}</style>", 1))


class _Drawn:
    """The SVG of the charts drawn lately, keyed on everything that goes into one: the kind, the
    title, the labels, every series' name and values, the options and the language (numbers are
    formatted per locale). A chart is a pure function of those, so a hit is the very SVG pygal would
    draw again (but for its random element id, which nothing refers to from outside the chart);
    figures that change make a new key, never a stale picture. pygal spends about 10 ms per chart,
    more than the dashboard's figures at 1,000 requests; the figures themselves are computed anew
    on every page (STATS_CACHE_SECONDS decides that, not this)."""

    def __init__(self, size: int = 256):
        self.size, self.lock, self.svgs = size, Lock(), OrderedDict()

    def get(self, key, draw) -> Markup:
        with self.lock:
            svg = self.svgs.get(key)
            if svg is not None:
                self.svgs.move_to_end(key)
                return svg
        svg = draw()
        with self.lock:
            self.svgs[key] = svg
            while len(self.svgs) > self.size:
                self.svgs.popitem(last=False)
        return svg


DRAWN = _Drawn()


def _key(kind: str, title: str, labels, series: dict, options: dict):
    return (
        kind,
        str(get_locale()),
        str(title),
        tuple(str(label) for label in labels),
        tuple((str(name), tuple(values)) for name, values in series.items()),
        tuple(sorted((k, v if not isinstance(v, list) else tuple(v)) for k, v in options.items())),
    )


def bars(title: str, labels: list[str], series: dict[str, list], *, horizontal=False, **options) -> Markup:
    def draw():
        chart = (pygal.HorizontalBar if horizontal else pygal.Bar)(title=title, **{**CONFIG, **options})
        chart.x_labels = labels
        for name, values in series.items():
            chart.add(name, values)
        return _render(chart, title)

    return DRAWN.get(_key("hbar" if horizontal else "bar", title, labels, series, options), draw)


def line(title: str, labels: list[str], series: dict[str, list], secondary=(), **options) -> Markup:
    """Lines; the series named in `secondary` on a scale of their own at the right (e.g. percent)."""

    def draw():
        chart = pygal.Line(
            title=title,
            **{
                **CONFIG,
                "print_values": False,
                "dots_size": 4,
                "include_x_axis": True,
                "secondary_range": (0, 100),
                **options,
            },
        )
        chart.x_labels = labels
        for name, values in series.items():
            if any(v is not None for v in values):  # pygal cannot scale a series of nothing
                chart.add(name, values, allow_interruptions=True, secondary=name in secondary)
        return _render(chart, title)

    key = _key("line", title, labels, series, {**options, "secondary": tuple(str(s) for s in secondary)})
    return DRAWN.get(key, draw)
