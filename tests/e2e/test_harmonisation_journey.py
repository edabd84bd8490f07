"""End to end in a real browser: a Kota Kupang drafter's Ranperda from draft through the meeting and
its minutes to the conclusion and the result letter."""

import re
from datetime import date

import pytest

from .conftest import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class Journey:
    def __init__(self, browser, base, shots, tmp_path):
        self.browser, self.base, self.shots, self.tmp = browser, base, shots, tmp_path
        self.step, self.page, self.context = 0, None, None

    def shot(self, name):
        self.step += 1
        self.page.screenshot(path=str(self.shots / f"{self.step:02d}-{name}.png"), full_page=True)

    def shot_at(self, name, width):
        """The current page at another width (1366: an office laptop; 390: a phone), which must
        not scroll sideways."""
        self.page.set_viewport_size({"width": width, "height": 900})
        assert self.page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}: sideways scroll"
        self.shot(f"{name}-{width}")
        self.page.set_viewport_size({"width": 1280, "height": 900})

    def sign_in(self, email):
        if self.context:
            self.context.close()
        self.context = self.browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.on("dialog", lambda dialog: dialog.accept())  # confirm() before irreversible steps
        self.page.goto(self.base + "/masuk")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Kata sandi").fill(PASSWORD)
        self.shot(f"masuk-{email.split('@')[0]}")
        self.page.get_by_role("button", name="Masuk", exact=True).click()
        self.page.wait_for_url(re.compile(r"/(permohonan|dasbor)/$"))
        if self.page.url.endswith("/dasbor/"):  # the head lands on the dashboard: on to the work queue
            self.page.get_by_role("link", name="Daftar kerja").click()
            self.page.wait_for_url(re.compile(r"/permohonan/$"))
        self.shot(f"daftar-{email.split('@')[0]}")

    def open_request(self, number):
        self.page.get_by_role("link", name=number).click()
        self.page.wait_for_url(re.compile(r"/permohonan/\d+$"))

    def state(self):
        return self.page.get_by_test_id("state").inner_text()

    def upload(self, kind_label, filename):
        path = self.tmp / filename
        path.write_bytes(PDF)
        self.page.get_by_label("Jenis dokumen").select_option(label=kind_label)
        self.page.get_by_label("Berkas (PDF, DOCX, atau ODT)").set_input_files(str(path))
        self.page.get_by_role("button", name="Unggah").click()
        self.page.wait_for_load_state()
        assert "diunggah" in self.page.content()

    def schedule_meeting(self):
        """Press "Jadwalkan"; on a day off the form asks first, naming the day: confirm it."""
        self.page.get_by_role("button", name="Jadwalkan", exact=True).click()
        self.page.wait_for_load_state()
        if self.page.get_by_test_id("non-working-day").count():
            assert "Tetap jadwalkan?" in self.page.get_by_test_id("non-working-day").inner_text()
            self.page.get_by_label("Ya, tetap jadwalkan pada hari libur ini").check()
            self.page.get_by_role("button", name="Jadwalkan", exact=True).click()
        self.page.wait_for_url(re.compile(r"/rapat/\d+$"))

    def act(self, trigger, comment=None, **inputs):
        form = self.page.locator(f"form:has(button[data-trigger='{trigger}'])")
        if comment is not None:
            form.locator("textarea[name='comment']").fill(comment)
        for name, value in inputs.items():
            field = form.locator(f"[name='{name}']")
            if isinstance(value, list):
                field.select_option(label=value)
            else:
                field.fill(value)
        form.locator(f"button[data-trigger='{trigger}']").click()
        self.page.wait_for_load_state()
        self.shot(trigger)


@pytest.fixture
def journey(browser, live_server, screenshots, tmp_path):
    j = Journey(browser, live_server, screenshots, tmp_path)
    yield j
    if j.context:
        j.context.close()


def test_ranperda_from_draft_to_conclusion(journey):
    j = journey
    j.sign_in("hukum.kotakupang@harmoni.test")
    j.page.get_by_role("link", name="Buat permohonan baru").click()
    j.page.get_by_label("Jenis permohonan").select_option("ranperda")
    j.page.get_by_label("Judul rancangan").fill("Rancangan Peraturan Daerah Kota Kupang tentang Ruang Terbuka Hijau")
    j.page.get_by_label("Nomor registrasi E-Harmonisasi").fill("EH-2026-KPG-0999")
    j.page.get_by_label("Nomor surat permohonan").fill("180/412/HK/2026")
    j.page.get_by_label("Tanggal surat permohonan").fill("2026-10-01")
    (j.tmp / "surat-permohonan.pdf").write_bytes(PDF)  # the letter goes with the form
    j.page.get_by_label("Berkas surat permohonan").set_input_files(str(j.tmp / "surat-permohonan.pdf"))
    j.shot("permohonan-baru")
    j.page.get_by_role("button", name="Simpan sebagai draf").click()
    j.page.wait_for_url(re.compile(r"/permohonan/\d+$"))
    number = re.search(r"Permohonan (\S+) dibuat", j.page.content()).group(1)
    assert j.state() == "Draf"
    assert j.page.get_by_text("belum diunggah").count() == 4  # the checklist shows what is missing

    for label, name in [
        ("Naskah akademik atau penjelasan/keterangan", "naskah.pdf"),
        ("Keputusan pembentukan tim penyusun", "sk-tim.pdf"),
        ("Rancangan yang telah diparaf tim penyusun", "rancangan.pdf"),
        ("Keputusan DPRD tentang Propemperda", "propemperda.pdf"),
    ]:
        j.upload(label, name)
    assert j.page.get_by_text("belum diunggah").count() == 0
    j.shot("dokumen-lengkap")
    j.act("submit")
    assert j.state() == "Diajukan, pemeriksaan administrasi"

    j.sign_in("perancang1@harmoni.test")
    j.open_request(number)
    j.shot("meja-kerja-permohonan")
    j.act("return_for_completion", comment="SK tim penyusun belum ditandatangani.")
    assert j.state() == "Dikembalikan untuk dilengkapi"

    j.sign_in("hukum.kotakupang@harmoni.test")
    # the bell tells the drafter, before they open anything
    assert int(j.page.locator("#bell-count").inner_text()) >= 1
    j.open_request(number)
    box = j.page.get_by_test_id("return-box")
    assert "SK tim penyusun belum ditandatangani." in box.inner_text()
    # the box comes before the actions
    assert box.bounding_box()["y"] < j.page.locator("#aksi-judul").bounding_box()["y"]
    j.shot_at("dikembalikan", 1366)
    j.shot_at("dikembalikan", 390)
    # two files at once: the signed decree and its annex
    for name in ("sk-tim-ttd.pdf", "sk-tim-lampiran.pdf"):
        (j.tmp / name).write_bytes(PDF)
    j.page.get_by_label("Jenis dokumen").select_option(label="Keputusan pembentukan tim penyusun")
    j.page.get_by_label("Berkas (PDF, DOCX, atau ODT)").set_input_files(
        [str(j.tmp / "sk-tim-ttd.pdf"), str(j.tmp / "sk-tim-lampiran.pdf")]
    )
    j.page.get_by_role("button", name="Unggah").click()
    j.page.wait_for_load_state()
    assert "sk-tim-ttd.pdf" in j.page.content() and "sk-tim-lampiran.pdf" in j.page.content()
    j.act("resubmit")
    assert j.state() == "Diajukan, pemeriksaan administrasi"

    j.sign_in("perancang1@harmoni.test")
    j.shot_at("daftar-kerja", 390)
    j.page.goto(j.base + "/notifikasi")
    assert number in j.page.content()  # the resubmission, in the officer's list
    j.shot_at("pemberitahuan", 390)
    j.page.goto(j.base + "/permohonan/")
    j.open_request(number)
    j.act("declare_complete")
    assert j.state() == "Dinyatakan lengkap, menunggu penugasan"
    due = j.page.get_by_test_id("due-date").inner_text()
    assert due and due != "—"

    j.sign_in("kakanwil@harmoni.test")
    j.open_request(number)
    j.act("assign", assignees=["Maria Fernandez (Perancang Ahli Muda)", "Yohanes Bria (Perancang Ahli Pertama)"])
    assert j.state() == "Telaah konsepsi"
    assert "Maria Fernandez" in j.page.content() and "Yohanes Bria" in j.page.content()

    j.sign_in("perancang1@harmoni.test")
    j.open_request(number)
    j.act("complete_analysis")
    # the meeting: scheduled from the request, on the meeting page
    j.page.locator("a[data-trigger='schedule_meeting']").click()
    j.page.get_by_label("Judul rapat").fill("Rapat Harmonisasi Ranperda Kota Kupang")
    j.page.get_by_label("Tanggal").fill(date.today().isoformat())
    j.page.get_by_label("Jam (WITA)").fill("00:00")
    j.page.get_by_label("Tempat").fill("Aula Kanwil Kementerian Hukum NTT")
    # the invitees are prefilled (the head, the assigned drafters, the applicant's accounts): one more
    j.page.get_by_label("Nama 5", exact=True).fill("Agustinus Lake")
    j.page.get_by_label("Jabatan 5", exact=True).fill("Kepala Bagian Hukum")
    j.page.get_by_label("Instansi 5", exact=True).fill("Pemerintah Kota Kupang")
    j.page.get_by_label("Email 5", exact=True).fill("agus@kupang.test")
    j.shot("rapat-baru")
    j.schedule_meeting()
    j.shot("rapat")
    meeting_url = j.page.url
    j.page.get_by_role("button", name="Simpan dan catat rapat telah dilaksanakan").click()
    j.page.wait_for_load_state()
    assert "Rapat dicatat telah dilaksanakan" in j.page.content()

    # the minutes: drafted, saved, finalised
    j.page.get_by_role("button", name="Susun berita acara").click()
    j.page.wait_for_url(re.compile(r"/berita-acara/\d+$"))
    # the application letter is the request's: shown, not asked again
    assert "180/412/HK/2026" in j.page.get_by_test_id("application-letter").inner_text()
    j.page.get_by_label("Temuan 1", exact=True).fill("Rumusan sanksi administratif belum proporsional")
    j.page.get_by_label("Pasal/ayat 1", exact=True).fill("Pasal 12 ayat (3)")
    j.page.get_by_label("Kesimpulan", exact=True).select_option("harmonis")
    j.page.get_by_role("button", name="Simpan draf").click()
    j.page.wait_for_load_state()
    assert "Draf berita acara disimpan" in j.page.content()
    j.shot("berita-acara-draf")
    # an edit not saved yet: finalising saves what is on the screen first
    j.page.get_by_label("Catatan", exact=True).fill("Disepakati tanpa perubahan lebih lanjut.")
    j.page.get_by_role("button", name="Finalkan dan terbitkan").click()
    j.page.wait_for_load_state()
    assert "difinalkan dan diterbitkan dengan nomor" in j.page.content()
    assert "Disepakati tanpa perubahan lebih lanjut." in j.page.content()
    j.shot("berita-acara-final")
    with j.page.expect_download() as download:
        j.page.get_by_role("link", name="Unduh PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    # the head concludes: the result letter is issued
    j.sign_in("kakanwil@harmoni.test")
    j.open_request(number)
    j.act("conclude_harmonis")
    assert j.state() == "Harmonis"
    assert "Surat hasil" in j.page.content()
    assert meeting_url
