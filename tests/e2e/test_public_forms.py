"""The public forms in a real browser: reloading the confirmation never files again (Post/Redirect/
Get), a double click files once (with JavaScript, and without it: the one-time form token), the
personal-data consent is required, the receipt PDF carries the tracking code and never the PIN, and
the tracking code is accepted in lower case without its hyphen.

Registration numbers are gapless per process (a counter row): the number of the next complaint
filed tells how many were filed in between."""

import io
import re

from playwright.sync_api import Error as PlaywrightError
from pypdf import PdfReader

NUMBER = re.compile(r"(\d{4})/ADUAN/")


def fill_complaint(page, base, name):
    page.goto(base + "/layanan/public_complaint")
    page.locator("#f-name").fill(name)
    page.locator("#f-reported_person").fill("Petugas loket")
    page.locator("#f-place").fill("Loket pelayanan")
    page.locator("#f-time").fill("Senin pagi")
    page.locator("#f-chronology").fill("Permohonan saya ditunda tanpa alasan.")


def confirmation(page):
    try:
        page.wait_for_url(re.compile(r"/layanan/terkirim$"))
    except PlaywrightError:
        # a double click without JavaScript: the second post aborts the first navigation (ERR_ABORTED);
        # the page then follows the second one
        page.wait_for_url(re.compile(r"/layanan/terkirim$"))
    number = page.get_by_test_id("number").inner_text()
    return int(NUMBER.search(number).group(1)), page.get_by_test_id("code").inner_text()


def file_one(context, base, name) -> int:
    page = context.new_page()
    fill_complaint(page, base, name)
    page.locator("#consent").check()
    page.get_by_test_id("submit").click()
    seq, _code = confirmation(page)
    page.close()
    return seq


def test_reload_double_click_consent_receipt_and_tracking(browser, live_server, screenshots, tmp_path):
    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()

    # no consent: refused, nothing filed, the notice says what, why, who and how long
    fill_complaint(page, live_server, "Pelapor Tanpa Persetujuan")
    notice = page.get_by_test_id("privacy-notice").inner_text()
    for part in ("Yang dikumpulkan", "Tujuannya", "Yang melihatnya", "Berapa lama disimpan"):
        assert part in notice
    page.screenshot(path=str(screenshots / "public-form-notice.png"), full_page=True)
    page.locator("#consent").evaluate("box => box.removeAttribute('required')")  # past the browser's own check
    page.get_by_test_id("submit").click()
    page.wait_for_load_state()
    assert "Centang persetujuan pemrosesan data pribadi" in page.content()

    # filed once; the reload shows the same confirmation (without the PIN) and files nothing
    page.locator("#consent").check()
    page.get_by_test_id("submit").click()
    first, code = confirmation(page)
    pin = page.get_by_test_id("pin").inner_text()
    assert re.fullmatch(r"\d{6}", pin)
    assert "paling lama 14 hari sejak pengaduan diterima" in page.get_by_test_id("promise").inner_text()
    page.screenshot(path=str(screenshots / "public-form-confirmation.png"), full_page=True)
    page.reload()
    again, same = confirmation(page)
    assert (again, same) == (first, code)
    assert page.get_by_test_id("pin").count() == 0 and page.get_by_test_id("pin-shown").count() == 1

    # the receipt: the code, what happens next, never the PIN
    receipt = context.request.get(live_server + "/layanan/terkirim/tanda-terima.pdf")
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"
    (tmp_path / "receipt.pdf").write_bytes(receipt.body())
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.body())).pages)
    assert code in text and "TANDA TERIMA" in text and "Langkah selanjutnya" in text
    assert pin not in text

    assert file_one(context, live_server, "Pelapor Berikutnya") == first + 1  # the reload filed nothing

    # a double click files once, with JavaScript (the button is disabled) ...
    fill_complaint(page, live_server, "Pelapor Klik Dua Kali")
    page.locator("#consent").check()
    page.get_by_test_id("submit").dblclick()
    doubled, _ = confirmation(page)
    assert doubled == first + 2
    assert file_one(context, live_server, "Pelapor Setelah Klik Dua Kali") == first + 3

    # ... and without it: both posts reach the server, the form's one-time token files once
    plain = browser.new_context(locale="id-ID", java_script_enabled=False)
    bare = plain.new_page()
    fill_complaint(bare, live_server, "Pelapor Tanpa JavaScript")
    bare.locator("#consent").check()
    bare.get_by_test_id("submit").dblclick()
    no_js, _ = confirmation(bare)
    assert re.fullmatch(r"\d{6}", bare.get_by_test_id("pin").inner_text())  # the PIN that counts
    assert no_js == first + 4
    assert file_one(context, live_server, "Pelapor Terakhir") == first + 5
    plain.close()

    # the tracking code in lower case, without its hyphen
    page.goto(live_server + "/track")
    page.get_by_label("Kode pelacakan").fill(code.replace("-", "").lower())
    page.get_by_label("PIN").fill(pin)
    page.get_by_role("button", name="Lihat status").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("step").inner_text() == "Diterima, verifikasi"
    page.screenshot(path=str(screenshots / "public-form-tracked.png"), full_page=True)
    context.close()
