"""End to end in a real browser: the head of office signs in and lands on the dashboard, follows
the "overdue" figure into the filtered work queue, and downloads that queue as XLSX."""

import re

from openpyxl import load_workbook

from .conftest import PASSWORD


def test_dashboard_overdue_link_and_xlsx(browser, figures_server, screenshots, tmp_path):
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(figures_server + "/masuk")
    page.get_by_label("Email").fill("kakanwil@harmoni.test")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(re.compile(r"/dasbor/$"))  # the head's landing page
    assert page.locator("main svg").count() == 3
    page.screenshot(path=str(screenshots / "dasbor-kakanwil.png"), full_page=True)

    card = page.locator('a[data-figure="2"]')  # "Lewat tenggat"
    overdue = int(card.locator(".display-6").inner_text())
    assert overdue >= 1  # A, due 20 November 2026, is overdue from then on
    card.click()
    page.wait_for_url(re.compile(r"/permohonan/\?overdue=y$"))
    assert page.get_by_label("Lewat tenggat").is_checked()
    assert f"{overdue} permohonan" in page.locator("main").inner_text()
    assert page.locator("tbody tr").count() == overdue
    assert page.get_by_role("link", name="A/RANPERDA/NTT/2026").count() == 1
    page.screenshot(path=str(screenshots / "dasbor-lewat-tenggat.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xlsx"
    ws = load_workbook(path).active
    numbers = [row[0] for row in ws.iter_rows(values_only=True) if row[0] and "/NTT/" in str(row[0])]
    assert len(numbers) == overdue and "A/RANPERDA/NTT/2026" in numbers

    page.goto(figures_server + "/laporan/?period=2026")
    assert page.locator("main svg").count() == 2
    page.screenshot(path=str(screenshots / "laporan-2026.png"), full_page=True)
    context.close()


# Every Content-Security-Policy violation the page raises, recorded from the start of each document
# (an init script runs outside the page's CSP, as Playwright evaluates it through the debugger).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""


def test_charts_raise_no_csp_violation_and_are_styled(browser, figures_server):
    """The CSP allows no inline CSS (style-src 'self'); the charts take theirs from /grafik.css. No
    page with charts raises a violation (nor logs one to the console), and the charts' stylesheet
    applies: the series colours and the fonts are pygal's, not the SVG defaults (black, 16px)."""
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    page.goto(figures_server + "/masuk")
    page.get_by_label("Email").fill("kakanwil@harmoni.test")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(re.compile(r"/dasbor/$"))
    for path, charts in (("/dasbor/", 3), ("/laporan/?period=2026", 2)):
        page.goto(figures_server + path)
        page.wait_for_load_state("load")
        assert page.locator("main svg.pygal-chart").count() == charts
        assert page.evaluate("window.__cspViolations") == [], path
        bar = page.locator("main svg.pygal-chart .color-0 rect, main svg.pygal-chart .color-0 path").first
        assert bar.evaluate("e => getComputedStyle(e).fill") == "rgb(13, 110, 253)", path  # STYLE's first colour
        title = page.locator("main svg.pygal-chart .title").first
        assert title.evaluate("e => getComputedStyle(e).fontSize") == "14px", path
    assert not [m for m in console if "Content Security Policy" in m], console
    context.close()
