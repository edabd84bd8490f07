"""The work queue in a real browser, as an officer and as a drafter, at 1366 and 390 px: sorting
by a column header, and on a phone the status and the deadline in sight without scrolling sideways.
Screenshots go to test-artifacts/screenshots/ (antrian-*.png)."""

import re

import pytest

from .conftest import PASSWORD

ACCOUNTS = {"officer": "perancang1@harmoni.test", "drafter": "hukum.kotakupang@harmoni.test"}


def signed_in(browser, figures_server, who, width):
    context = browser.new_context(locale="id-ID", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(figures_server + "/masuk")
    page.get_by_label("Email").fill(ACCOUNTS[who])
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_load_state()
    page.goto(figures_server + "/permohonan/")
    return context, page


@pytest.mark.parametrize("who", ["officer", "drafter"])
def test_the_queue_on_a_desk_sorts_by_its_headers(browser, figures_server, screenshots, who):
    context, page = signed_in(browser, figures_server, who, 1366)
    rows = page.locator("tbody tr")
    assert rows.count() > 0
    header = page.locator("thead th", has_text="Tenggat")
    assert header.get_attribute("aria-sort") == "ascending"  # the most urgent first
    page.screenshot(path=str(screenshots / f"antrian-{who}-1366.png"), full_page=True)

    page.locator("thead th a", has_text="Diterima").click()
    page.wait_for_url(re.compile(r"sort=received&dir=asc"))
    assert page.locator("thead th", has_text="Diterima").get_attribute("aria-sort") == "ascending"
    assert "▲" in page.locator("thead th", has_text="Diterima").inner_text()
    page.locator("thead th a", has_text="Diterima").click()
    page.wait_for_url(re.compile(r"sort=received&dir=desc"))
    assert "▼" in page.locator("thead th", has_text="Diterima").inner_text()
    # the filter form keeps the order
    page.get_by_role("button", name="Terapkan").click()
    page.wait_for_url(re.compile(r"sort=received&dir=desc"))
    if who == "drafter":  # only what their organisation can file
        assert page.locator("#process_type option").all_inner_texts() == [
            "Semua",
            "Pengharmonisasian Rancangan Peraturan Daerah",
            "Pengharmonisasian Rancangan Peraturan Kepala Daerah",
        ]
    context.close()


@pytest.mark.parametrize("who", ["officer", "drafter"])
def test_the_queue_on_a_phone_shows_status_and_deadline_without_scrolling(browser, figures_server, screenshots, who):
    context, page = signed_in(browser, figures_server, who, 390)
    page.screenshot(path=str(screenshots / f"antrian-{who}-390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first = page.locator("tbody tr").first
    status = first.locator(".badge").first
    assert status.is_visible()
    box = status.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    deadline = first.locator("td:visible").nth(2)  # the request, the status, the deadline
    assert deadline.is_visible() and re.search(r"\d{4}|—", deadline.inner_text())
    box = deadline.bounding_box()
    assert box["x"] + box["width"] <= 390
    assert first.locator("td:visible").count() == 3  # the request, its status and its deadline
    context.close()
