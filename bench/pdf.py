"""Benchmark: rendering a 10-page berita acara with Harmoni's renderer against bare WeasyPrint,
in the same run, on the same HTML.

Harmoni's path: `renderer().render("berita_acara", payload, identifier=...)` inside an app context:
the Jinja template, the QR code, then WeasyPrint with the process's one FontConfiguration and its
one compiled print stylesheet (workflow/documents/pdf.py).
Bare WeasyPrint renders the HTML string Harmoni's template produced for the same payload (rendered
once, outside the timing):
  naive:        a fresh `HTML(string=...).write_pdf()` with the stylesheet loaded on every call
                (so also a new FontConfiguration every call): what a naive implementation does;
  shared fonts: one FontConfiguration for all calls, the stylesheet still loaded on every call;
  shared both:  one FontConfiguration and one compiled stylesheet (Harmoni minus template and QR).
The payload gets as many findings as make exactly 10 pages (checked with pypdf). Each path is timed
interleaved with the others; the medians are printed by wall clock and by this process's CPU time
(steadier on a shared machine), with the ratios, and the two costs that tell them apart: Harmoni's
template + QR code, and the FontConfiguration + stylesheet that sharing saves per document.

    python bench/pdf.py [--n 15] [--pages 10]
"""
import argparse
import io
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import segno  # noqa: E402
from flask import render_template  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from workflow import create_app  # noqa: E402
from workflow.demo import OFFICE  # noqa: E402
from workflow.documents.pdf import TEMPLATES, renderer  # noqa: E402
from workflow.documents.words import date_in_words, long_date  # noqa: E402
from workflow.models import Office  # noqa: E402
from workflow.operations.issued import ASPECT_LABELS, CONCLUSION_LABELS, SIDE_LABELS  # noqa: E402

STYLESHEET = str(TEMPLATES / "print.css")
IDENTIFIER = "BENCH12345"


def berita_acara(findings: int, attendees: int = 27) -> dict:
    """A payload shaped as operations/issued.py:issue_minutes freezes it (27 attendees: the Ngada meeting)."""
    day = date(2026, 11, 2)
    by_aspect = {aspect: [] for aspect, _ in ASPECT_LABELS}
    for i in range(findings):
        aspect = ASPECT_LABELS[i % len(ASPECT_LABELS)][0]
        by_aspect[aspect].append({
            "article": f"Pasal {i // 3 + 1} ayat ({i % 3 + 1})",
            "finding": (f"Rumusan norma pada pasal ini belum sesuai dengan Lampiran II Undang-Undang Nomor 12 "
                        f"Tahun 2011 dan belum selaras dengan peraturan yang lebih tinggi (temuan {i + 1})."),
            "agreed_change": "Rumusan diubah sesuai kesepakatan rapat dan disesuaikan dengan teknik penyusunan.",
        })
    title = "Rancangan Peraturan Daerah Kabupaten Ngada tentang Pajak Daerah dan Retribusi Daerah"
    return {
        "office": {"name": OFFICE["name"], "letterhead": OFFICE["settings"]["letterhead"], "city": "Kupang"},
        "number": "BA-123/HARMONISASI/NTT/2026", "revision": 1, "supersedes_number": None,
        "doc_title": "BERITA ACARA PENGHARMONISASIAN, PEMBULATAN, DAN PEMANTAPAN KONSEPSI " + title.upper(),
        "request": {"number": "0042/RANPERDA/NTT/2026", "title": title, "organisation": "Pemerintah Kabupaten Ngada",
                    "region": "Kabupaten Ngada", "external_ref": "EH-2026-NGD-0042"},
        "meeting": {"date_words": date_in_words(day), "date_long": long_date(day),
                    "place": "Aula Kanwil Kementerian Hukum NTT, Kupang",
                    "chair": "Kepala Kantor Wilayah (Kepala Kantor Wilayah)"},
        "basis": {"letter_number": "180/412/HK/2026", "letter_date": long_date(date(2026, 10, 1)),
                  "legal_basis": Office.DEFAULT_SETTINGS["legal_basis"]},
        "attendees": [{"name": f"Peserta Rapat Nomor {i + 1}", "position": "Kepala Bagian Hukum",
                       "institution": "Pemerintah Kabupaten Ngada"} for i in range(attendees)],
        "aspects": ASPECT_LABELS,
        "findings": by_aspect,
        "conclusion": {"code": "harmonis_with_notes", "label": CONCLUSION_LABELS["harmonis_with_notes"],
                       "notes": "Pemrakarsa memperbaiki rancangan sesuai hasil pembahasan.",
                       "correction_deadline": long_date(date(2026, 12, 2))},
        "signatories": [{"name": "Kepala Kantor Wilayah", "position": "Kepala Kantor Wilayah", "side": "office",
                         "side_label": SIDE_LABELS["office"]},
                        {"name": "Sekretaris Daerah", "position": "Sekretaris Daerah", "side": "applicant",
                         "side_label": SIDE_LABELS["applicant"]}],
        "issued_at": "2026-11-02T03:00:00",
        "verify": {"code": IDENTIFIER, "url": f"http://127.0.0.1:5000/verifikasi/{IDENTIFIER}"},
    }


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def findings_for(target: int) -> tuple[int, int]:
    """The fewest findings that make `target` pages (page count grows with findings)."""
    def count(n):
        return pages(renderer().render("berita_acara", berita_acara(n), identifier=IDENTIFIER))

    lo, hi = 0, 8
    while count(hi) < target:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if count(mid) < target:
            lo = mid
        else:
            hi = mid
    return hi, count(hi)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=15, help="timed renders per path")
    parser.add_argument("--pages", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("config.Config", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.db",
                         DOCUMENT_STORE=f"{tmp}/docs")
        with app.app_context():
            n_findings, n_pages = findings_for(args.pages)
            if n_pages != args.pages:
                sys.exit(f"could not make exactly {args.pages} pages (got {n_pages} with {n_findings} findings)")
            payload = berita_acara(n_findings)
            qr = segno.make(payload["verify"]["url"], error="m").svg_data_uri(scale=4, border=0)
            html = render_template("pdf/berita_acara.html", p=payload, qr=qr)  # the same HTML string
            shared_fonts = FontConfiguration()
            shared_css = CSS(filename=STYLESHEET, font_config=shared_fonts)

            paths = {
                "harmoni renderer().render()": lambda: renderer().render(
                    "berita_acara", payload, identifier=IDENTIFIER),
                "bare WeasyPrint, naive": lambda: HTML(string=html, base_url=str(TEMPLATES)).write_pdf(
                    stylesheets=[CSS(filename=STYLESHEET)]),
                "bare WeasyPrint, shared fonts": lambda: HTML(string=html, base_url=str(TEMPLATES)).write_pdf(
                    stylesheets=[CSS(filename=STYLESHEET, font_config=shared_fonts)], font_config=shared_fonts),
                "bare WeasyPrint, shared fonts+css": lambda: HTML(string=html, base_url=str(TEMPLATES)).write_pdf(
                    stylesheets=[shared_css], font_config=shared_fonts),
            }
            for name, render in paths.items():  # warm up; every path makes the same document
                got = pages(render())
                assert got == args.pages, (name, got)
            samples = {name: [] for name in paths}  # wall clock
            cpu_samples = {name: [] for name in paths}  # this process's CPU time: steadier on a busy machine
            names = list(paths)
            for i in range(args.n):  # interleaved and rotated, so drift and order hit every path alike
                for name in names[i % len(names):] + names[:i % len(names)]:
                    render = paths[name]
                    start, cpu = time.perf_counter(), time.process_time()
                    render()
                    samples[name].append(time.perf_counter() - start)
                    cpu_samples[name].append(time.process_time() - cpu)
            template_samples = []
            for _ in range(args.n):
                start = time.perf_counter()
                render_template("pdf/berita_acara.html", p=payload,
                                qr=segno.make(payload["verify"]["url"], error="m").svg_data_uri(scale=4, border=0))
                template_samples.append(time.perf_counter() - start)
            template_time = statistics.median(template_samples)
            # what sharing saves per document: building a font configuration and compiling the stylesheet
            setup_samples = []
            for _ in range(args.n * 3):
                start = time.perf_counter()
                CSS(filename=STYLESHEET, font_config=FontConfiguration())
                setup_samples.append(time.perf_counter() - start)
            setup_time = statistics.median(setup_samples)
        print(f"berita acara: {n_pages} pages ({n_findings} findings, 27 attendees), "
              f"{len(html) // 1024} KiB of HTML; median of {args.n} renders per path")
        harmoni = "harmoni renderer().render()"
        for clock, data in (("wall clock", samples), ("CPU time", cpu_samples)):
            medians = {name: statistics.median(s) for name, s in data.items()}
            print(f"{clock}:")
            for name, t in medians.items():
                print(f"  {name:36s} {t * 1000:8.1f} ms   (min {min(data[name]) * 1000:6.1f}, "
                      f"stdev {statistics.stdev(data[name]) * 1000:5.1f})")
            for name in paths:
                if name != harmoni:
                    print(f"  ratio harmoni / {name.removeprefix('bare WeasyPrint, ') + ':':18s} "
                          f"{medians[harmoni] / medians[name]:6.2f}x")
        print(f"Harmoni's template + QR alone:      {template_time * 1000:8.1f} ms")
        print(f"FontConfiguration() + CSS() alone:  {setup_time * 1000:8.1f} ms  (what sharing saves per document)")


if __name__ == "__main__":
    main()
