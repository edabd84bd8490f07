"""The dashboard's trend charts name the months of the period they show, from the figures
themselves: the twelve months ending with the office's month, abbreviated in the page's language
("Des 25 ... Nov 26" in Indonesian), not a fixed month and not ISO dates run together."""

import re
from datetime import date

from workflow.stats import dashboard as dashboard_figures

from .test_dashboard_reports import data  # noqa: F401  (the fixture: the known data set)

TITLES = ("Permohonan diterima dan selesai per bulan", "Median hari kerja (lengkap sampai kesimpulan)")


def x_labels(page: str, title: str) -> list[str]:
    """The x-axis labels of the chart named `title` (pygal: <g class="axis x ..."> ... <text>)."""
    svg = page.split(f'aria-label="{title}')[1].split("</svg>")[0]
    axis = re.search(r'<g class="axis x[^"]*">(.*?)</g>\s*</g>\s*<g class="axis y', svg, re.S)
    return re.findall(r"<text[^>]*>([^<]+)</text>", axis.group(1) if axis else svg)


def test_month_labels_follow_the_period(data, signed_in, monkeypatch):  # noqa: F811
    head = signed_in("head")
    page = head.text("/dasbor/")
    expected = ["Des 25", "Jan 26", "Feb 26", "Mar 26", "Apr 26", "Mei 26", "Jun 26", "Jul 26", "Agu 26", "Sep 26"]
    expected += ["Okt 26", "Nov 26"]
    for title in TITLES:
        labels = x_labels(page, title)
        assert [x for x in labels if re.fullmatch(r"\w{3} \d{2}", x)] == expected, (title, labels)

    # another office day, another period
    monkeypatch.setattr(dashboard_figures, "office_today", lambda user: date(2026, 3, 10))
    labels = [x for x in x_labels(head.text("/dasbor/"), TITLES[0]) if re.fullmatch(r"\w{3} \d{2}", x)]
    assert labels[0] == "Apr 25" and labels[-1] == "Mar 26" and len(set(labels)) == 12


def test_axis_numbers_are_written_as_the_page_language_writes_them(data, signed_in):  # noqa: F811
    """The percent axis at the right is the primary axis's steps spread over 0-100: its labels
    are rounded to one decimal with the Indonesian decimal comma, never "83.33333333"."""
    page = signed_in("head").text("/dasbor/")
    svg = page.split(f'aria-label="{TITLES[1]}')[1].split("</svg>")[0]
    right_axis = re.search(r'<g class="axis y2[^"]*">(.*?)</g>\s*</g>\s*(?:<g class="(?!guides)|$)', svg, re.S)
    labels = re.findall(r"<text[^>]*>([^<]+)</text>", right_axis.group(1) if right_axis else "")
    assert labels and labels[0] == "0" and labels[-1] == "100", labels
    assert all(re.fullmatch(r"\d+(,\d)?", label) for label in labels), labels
