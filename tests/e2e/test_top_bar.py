"""The top bar at an office laptop's width (1366 px) stays on one line for every role, the admin
and the head with the most menu items included; on a phone (390 px) the menu folds behind the
toggler, opens on a tap, and nothing scrolls sideways. Screenshots under test-artifacts/screenshots/."""

import re

import pytest

from .conftest import PASSWORD

ROLES = {
    "admin": "admin@harmoni.test",
    "head": "kakanwil@harmoni.test",
    "officer": "perancang1@harmoni.test",
    "drafter": "hukum.kotakupang@harmoni.test",
}


def rows_of(page) -> int:
    """How many lines the bar's items sit on: distinct tops of the brand, the links and the buttons."""
    return page.evaluate(
        """() => {
          const bar = document.querySelector('nav.navbar');
          const items = bar.querySelectorAll('.navbar-brand, .nav-link, #nav .btn');
          const tops = new Set();
          for (const el of items) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.height > 0) tops.add(Math.round(r.top + r.height / 2) >> 3);
          }
          return tops.size;
        }"""
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_the_top_bar_fits_one_line_at_1366_and_folds_at_390(browser, live_server, screenshots, role):
    context = browser.new_context(locale="id-ID", viewport={"width": 1366, "height": 800})
    try:
        page = context.new_page()
        page.goto(live_server + "/masuk")
        page.get_by_label("Email").fill(ROLES[role])
        page.get_by_label("Kata sandi").fill(PASSWORD)
        page.get_by_role("button", name="Masuk", exact=True).click()
        page.wait_for_url(re.compile(r"/(permohonan|dasbor)/$"))
        page.screenshot(path=str(screenshots / f"topbar-{role}-1366.png"))
        assert rows_of(page) == 1, f"{role}: the top bar wraps at 1366 px"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        # every item is still there and usable: the account, the bell, signing out, the languages
        assert page.locator("#account-link").is_visible() and page.locator("#bell").is_visible()
        assert page.get_by_role("button", name="Keluar").is_visible()
        assert page.locator("button[lang=en]").is_visible()

        page.set_viewport_size({"width": 390, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{role}: sideways scroll at 390"
        assert not page.get_by_role("button", name="Keluar").is_visible()  # folded
        page.screenshot(path=str(screenshots / f"topbar-{role}-390.png"))
        page.get_by_role("button", name="Buka menu").click()
        page.locator("#nav.collapse.show").wait_for()  # unfolded, the animation over
        assert page.get_by_role("button", name="Keluar").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(screenshots / f"topbar-{role}-390-open.png"))
    finally:
        context.close()
