"""Benchmark: rendering the berita acara with Harmoni's renderer against bare WeasyPrint, in the
same run, on the same HTML; and the first render in a fresh process against later ones.

Harmoni's path: `renderer().render("berita_acara", payload, identifier=...)` inside an app context:
the Jinja template, the QR code, then WeasyPrint with the process's one FontConfiguration and its
one compiled print stylesheet (workflow/documents/pdf.py).
Bare WeasyPrint renders the HTML string Harmoni's template produced for the same payload (rendered
once, outside the timing):
  bare (naive):  a fresh `HTML(string=...).write_pdf()` with the stylesheet loaded on every call
                 (so also a new FontConfiguration every call): what a plain WeasyPrint call does;
  bare (shared): one FontConfiguration and one compiled stylesheet (Harmoni minus template and QR):
                 the floor the target is measured against.
Documents: the smallest berita acara the template can make (2 attendees, no findings: the form has
3 pages, so "1 page" is not reachable) and one of exactly 10 pages (27 attendees, as many findings
as make 10 pages, checked with pypdf). Paths are timed interleaved; medians of --n renders by wall
clock and by this process's CPU time (steadier on a shared machine; the target uses CPU time).

Signing (PAdES, issue 13): Harmoni's render + sign, `documents.signing.issue_pdf()` with a
certificate from a CA made for the run (the template with its signature space, WeasyPrint with
the shared configuration, the signature box found in the layout, pyHanko signing with the visible
signature) against the floor: bare WeasyPrint (shared fonts + stylesheet) on the same HTML, then
bare pyHanko signing those bytes (`SimpleSigner.load_pkcs12` once, then per document a `PdfSigner`
with the same PAdES settings, visible field and stamp, the box given as a constant). Also shown:
the floor with pyHanko's key kept parsed (Harmoni's signer does that; pyHanko's SimpleSigner parses
its key for every signature), and the signing step alone. Target: Harmoni / floor <= 1.15x (CPU).

Fresh processes (--fresh-runs of each): a new interpreter imports Harmoni, builds the app, renders
the 10-page document once (the first render: font discovery, stylesheet compilation, template
compilation, lazy imports) and then --later more times.

    python bench/pdf.py [--n 5] [--fresh-runs 5] [--json out.json]
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402

START = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402,F401  (puts the project on sys.path)
import segno  # noqa: E402
from flask import render_template  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from workflow import create_app  # noqa: E402
from workflow.demo import OFFICE  # noqa: E402
from workflow.documents import signing  # noqa: E402
from workflow.documents.certificates import make_certificates, write_signing_files  # noqa: E402
from workflow.documents.pdf import TEMPLATES, renderer  # noqa: E402
from workflow.documents.words import date_in_words, long_date  # noqa: E402
from workflow.models import Office  # noqa: E402
from workflow.operations.issued import ASPECT_LABELS, SIDE_LABELS  # noqa: E402
from workflow.vocabulary import Conclusion  # noqa: E402

STYLESHEET = str(TEMPLATES / "print.css")
IDENTIFIER = "BENCH12345"


def berita_acara(findings: int, attendees: int = 27) -> dict:
    """A payload shaped as operations/issued.py:issue_minutes freezes it (27 attendees: the Ngada meeting)."""
    day = date(2026, 11, 2)
    by_aspect = {aspect: [] for aspect, _ in ASPECT_LABELS}
    for i in range(findings):
        aspect = ASPECT_LABELS[i % len(ASPECT_LABELS)][0]
        by_aspect[aspect].append(
            {
                "article": f"Pasal {i // 3 + 1} ayat ({i % 3 + 1})",
                "finding": (
                    f"Rumusan norma pada pasal ini belum sesuai dengan Lampiran II Undang-Undang Nomor 12 "
                    f"Tahun 2011 dan belum selaras dengan peraturan yang lebih tinggi (temuan {i + 1})."
                ),
                "agreed_change": "Rumusan diubah sesuai kesepakatan rapat dan disesuaikan dengan teknik penyusunan.",
            }
        )
    title = "Rancangan Peraturan Daerah Kabupaten Ngada tentang Pajak Daerah dan Retribusi Daerah"
    return {
        "office": {"name": OFFICE["name"], "letterhead": OFFICE["settings"]["letterhead"], "city": "Kupang"},
        "number": "BA-123/HARMONISASI/NTT/2026",
        "revision": 1,
        "supersedes_number": None,
        "doc_title": "BERITA ACARA PENGHARMONISASIAN, PEMBULATAN, DAN PEMANTAPAN KONSEPSI " + title.upper(),
        "request": {
            "number": "0042/RANPERDA/NTT/2026",
            "title": title,
            "organisation": "Pemerintah Kabupaten Ngada",
            "region": "Kabupaten Ngada",
            "external_ref": "EH-2026-NGD-0042",
        },
        "meeting": {
            "date_words": date_in_words(day),
            "date_long": long_date(day),
            "place": "Aula Kanwil Kementerian Hukum NTT, Kupang",
            "time": "09.30 WITA",
            "chair": {
                "name": "Dr. Stefanus Lado Ratu, S.H., M.H.",
                "position": "Kepala Kantor Wilayah Kementerian Hukum Nusa Tenggara Timur",
                "nip": "197205141998031002",
            },
        },
        "basis": {
            "signer": "Bupati Ngada",
            "letter_number": "180/412/HK/2026",
            "letter_date": long_date(date(2026, 10, 1)),
            "legal_basis": Office.DEFAULT_SETTINGS["legal_basis"],
        },
        "attendees": [
            {
                "name": f"Peserta Rapat Nomor {i + 1}",
                "position": "Kepala Bagian Hukum",
                "institution": "Pemerintah Kabupaten Ngada",
            }
            for i in range(attendees)
        ],
        "aspects": ASPECT_LABELS,
        "findings": by_aspect,
        "conclusion": {
            "code": "harmonis_with_notes",
            "label": Conclusion.HARMONIS_WITH_NOTES.label,
            "phrase": Conclusion.HARMONIS_WITH_NOTES.label.lower(),
            "notes": "Pemrakarsa memperbaiki rancangan sesuai hasil pembahasan.",
            "correction_deadline": long_date(date(2026, 12, 2)),
        },
        "signatories": [
            {
                "name": "Dr. Stefanus Lado Ratu, S.H., M.H.",
                "position": "Kepala Kantor Wilayah Kementerian Hukum Nusa Tenggara Timur",
                "nip": "197205141998031002",
                "side": "office",
                "side_label": SIDE_LABELS["office"],
            },
            {
                "name": "Sekretaris Daerah",
                "position": "Sekretaris Daerah",
                "side": "applicant",
                "side_label": SIDE_LABELS["applicant"],
            },
        ],
        "issued_at": "2026-11-02T03:00:00",
        "verify": {"code": IDENTIFIER, "url": f"http://127.0.0.1:5000/verifikasi/{IDENTIFIER}"},
    }


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def harmoni_render(payload):
    return renderer().render("berita_acara", payload, identifier=IDENTIFIER)


def findings_for(target: int, attendees: int) -> tuple[int, int]:
    """The fewest findings that make `target` pages (page count grows with findings)."""

    def count(n):
        return pages(harmoni_render(berita_acara(n, attendees)))

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


def html_of(payload) -> str:
    qr = segno.make_qr(payload["verify"]["url"], error="m").svg_data_uri(scale=4, border=0)
    return render_template("pdf/berita_acara.html", p=payload, qr=qr)


APPROVAL = signing.Approval(
    name="Dr. Stefanus Lado Ratu, S.H., M.H.",
    when="2 November 2026 pukul 11.00 WITA",
    location="Kupang",
    reason="Bench",
)


def use_bench_certificate(app, directory: Path):
    """A CA made for this run and an office certificate from it, configured as the office's."""
    issued = make_certificates(
        office_name="Kanwil Kementerian Hukum NTT (BENCH)",
        organisation="Harmoni (bench)",
        unit=None,
        ca_name="Bench CA",
    )
    files = write_signing_files(directory, issued)
    app.config.update(SIGNING_PKCS12=str(files.pkcs12), SIGNING_PASSPHRASE=files.passphrase)
    return files


def compare_signed(payload, n, files) -> dict:
    """Harmoni's render + sign against bare WeasyPrint + bare pyHanko on the same HTML, interleaved."""
    html = renderer().html("berita_acara", payload, signed=True)
    _, found = renderer().render_html_locating(html, identifier=IDENTIFIER, anchor=signing.SIGNATURE_ANCHOR)
    place = signing.SignaturePlace.from_layout(*found)  # a constant for the bare path
    shared_fonts = FontConfiguration()
    shared_css = CSS(filename=STYLESHEET, font_config=shared_fonts)
    bare_signer = signers.SimpleSigner.load_pkcs12(str(files.pkcs12), passphrase=files.passphrase.encode())
    kept_signer = signing.office_signer().signer  # the same key, kept parsed (Harmoni's signer class)
    text = {"approver": APPROVAL.name, "approved_at": APPROVAL.when, "demo": ""}

    def bare_sign(content, signer):
        meta = signers.PdfSignatureMetadata(
            field_name=signing.FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
        )
        spec = fields.SigFieldSpec(signing.FIELD_NAME, on_page=place.page, box=place.box)
        pdf_signer = signers.PdfSigner(meta, signer, stamp_style=signing.STAMP, new_field_spec=spec)
        return pdf_signer.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(content)), appearance_text_params=text
        ).getvalue()

    def bare_render():
        return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(stylesheets=[shared_css], font_config=shared_fonts)

    unsigned = bare_render()
    paths = {
        "harmoni": lambda: signing.issue_pdf("berita_acara", payload, identifier=IDENTIFIER, approval=APPROVAL),
        "bare": lambda: bare_sign(bare_render(), bare_signer),
        "bare_kept_key": lambda: bare_sign(bare_render(), kept_signer),
        "harmoni_sign_only": lambda: signing.office_signer().sign(unsigned, place, APPROVAL),
        "bare_sign_only": lambda: bare_sign(unsigned, bare_signer),
    }
    for name, run in paths.items():  # warm up; every path signs a document of the same pages
        assert pages(run()) == pages(unsigned), name
    cpu = {name: [] for name in paths}
    wall = {name: [] for name in paths}
    names = list(paths)
    for i in range(n):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            start, cpu_start = time.perf_counter(), time.process_time()
            paths[name]()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - cpu_start)
    result = {"pages": pages(unsigned), "n": n}
    for clock, data in (("cpu", cpu), ("wall", wall)):
        med = {name: statistics.median(v) for name, v in data.items()}
        for name, t in med.items():
            result[f"{name}_{clock}_ms"] = t * 1000
        result[f"ratio_{clock}"] = med["harmoni"] / med["bare"]
        result[f"ratio_kept_key_{clock}"] = med["harmoni"] / med["bare_kept_key"]
    return result


def compare(payload, n) -> dict:
    """Harmoni against bare WeasyPrint on one payload, interleaved; medians and ratios."""
    html = html_of(payload)
    shared_fonts = FontConfiguration()
    shared_css = CSS(filename=STYLESHEET, font_config=shared_fonts)
    paths = {
        "harmoni": lambda: harmoni_render(payload),
        "bare_naive": lambda: HTML(string=html, base_url=str(TEMPLATES)).write_pdf(
            stylesheets=[CSS(filename=STYLESHEET)]
        ),
        "bare_shared": lambda: HTML(string=html, base_url=str(TEMPLATES)).write_pdf(
            stylesheets=[shared_css], font_config=shared_fonts
        ),
    }
    page_counts = {name: pages(render()) for name, render in paths.items()}  # warm up; same document
    assert len(set(page_counts.values())) == 1, page_counts
    wall = {name: [] for name in paths}
    cpu = {name: [] for name in paths}
    names = list(paths)
    for i in range(n):  # interleaved and rotated, so drift and order hit every path alike
        for name in names[i % len(names) :] + names[: i % len(names)]:
            start, cpu_start = time.perf_counter(), time.process_time()
            paths[name]()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - cpu_start)
    template = []
    for _ in range(n):
        start = time.perf_counter()
        html_of(payload)
        template.append(time.perf_counter() - start)
    result = {
        "pages": page_counts["harmoni"],
        "html_kib": len(html) // 1024,
        "n": n,
        "template_qr_ms": statistics.median(template) * 1000,
    }
    for clock, data in (("wall", wall), ("cpu", cpu)):
        med = {name: statistics.median(s) for name, s in data.items()}
        for name, t in med.items():
            result[f"{name}_{clock}_ms"] = t * 1000
        result[f"ratio_naive_{clock}"] = med["harmoni"] / med["bare_naive"]
        result[f"ratio_shared_{clock}"] = med["harmoni"] / med["bare_shared"]
    return result


def fresh(spec: str, later: int, bare: bool) -> None:
    """In a fresh interpreter: time the first render and later ones; print one JSON line."""
    attendees, findings = map(int, spec.split(","))
    imported = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            "config.Config", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.db", DOCUMENT_STORE=f"{tmp}/docs"
        )
        with app.app_context():
            payload = berita_acara(findings, attendees)
            ready = time.perf_counter()
            if bare:
                html = html_of(payload)
                ready = time.perf_counter()

                def render():
                    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf(stylesheets=[CSS(filename=STYLESHEET)])
            else:

                def render():
                    return harmoni_render(payload)

            start = time.perf_counter()
            render()
            first = time.perf_counter() - start
            times = []
            for _ in range(later):
                start = time.perf_counter()
                render()
                times.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "import_s": imported - START,
                "app_s": ready - imported,
                "first_ms": first * 1000,
                "later_ms": statistics.median(times) * 1000,
            }
        )
    )


def run_fresh(spec: str, runs: int, later: int, bare: bool) -> dict:
    samples = []
    for _ in range(runs):
        cmd = [sys.executable, __file__, "--fresh", spec, "--later", str(later)] + (["--bare"] if bare else [])
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=dict(os.environ)).stdout
        samples.append(json.loads(out.strip().splitlines()[-1]))
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]} | {"runs": runs}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5, help="timed renders per path")
    parser.add_argument("--pages", type=int, default=10, help="pages of the large document")
    parser.add_argument("--fresh-runs", type=int, default=5)
    parser.add_argument("--later", type=int, default=2, help="renders after the first, in a fresh process")
    parser.add_argument("--fresh", help=argparse.SUPPRESS)  # "attendees,findings": be a fresh process
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json")
    args = parser.parse_args()
    if args.fresh:
        return fresh(args.fresh, args.later, args.bare)
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            "config.Config", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/bench.db", DOCUMENT_STORE=f"{tmp}/docs"
        )
        with app.app_context():
            n_findings, n_pages = findings_for(args.pages, 27)
            if n_pages != args.pages:
                sys.exit(f"could not make exactly {args.pages} pages (got {n_pages} with {n_findings} findings)")
            documents = {"small": (2, 0), "large": (27, n_findings)}
            for name, (attendees, findings) in documents.items():
                result[name] = compare(berita_acara(findings, attendees), args.n)
                result[name].update(attendees=attendees, findings=findings)
            files = use_bench_certificate(app, Path(tmp) / "signing")
            for name, (attendees, findings) in documents.items():
                result[f"signed_{name}"] = compare_signed(berita_acara(findings, attendees), args.n, files)
    spec = "{},{}".format(*documents["large"])
    result["fresh_harmoni"] = run_fresh(spec, args.fresh_runs, args.later, bare=False)
    result["fresh_bare"] = run_fresh(spec, max(3, args.fresh_runs // 2), args.later, bare=True)
    result["load_average"] = common.load_average()

    for name in documents:
        r = result[name]
        print(
            f"berita acara, {r['pages']} pages ({r['attendees']} attendees, {r['findings']} findings, "
            f"{r['html_kib']} KiB of HTML); median of {r['n']} renders per path:"
        )
        for clock in ("cpu", "wall"):
            print(
                f"  {clock:4s}: harmoni {r[f'harmoni_{clock}_ms']:7.1f} ms   bare shared {r[f'bare_shared_{clock}_ms']:7.1f} ms"
                f"   bare naive {r[f'bare_naive_{clock}_ms']:7.1f} ms   ratio vs shared {r[f'ratio_shared_{clock}']:5.2f}x"
                f"   vs naive {r[f'ratio_naive_{clock}']:5.2f}x"
            )
        print(f"  Harmoni's template + QR alone: {r['template_qr_ms']:.1f} ms")
    for name in documents:
        r = result[f"signed_{name}"]
        print(f"berita acara, {r['pages']} pages, rendered and signed (PAdES B-B, visible); median of {r['n']}:")
        for clock in ("cpu", "wall"):
            print(
                f"  {clock:4s}: harmoni {r[f'harmoni_{clock}_ms']:7.1f} ms   bare WeasyPrint + pyHanko "
                f"{r[f'bare_{clock}_ms']:7.1f} ms   ratio {r[f'ratio_{clock}']:5.2f}x   (floor with the key kept "
                f"parsed {r[f'bare_kept_key_{clock}_ms']:7.1f} ms: {r[f'ratio_kept_key_{clock}']:5.2f}x)"
            )
        print(
            f"  signing alone (cpu): harmoni {r['harmoni_sign_only_cpu_ms']:.1f} ms, bare pyHanko "
            f"{r['bare_sign_only_cpu_ms']:.1f} ms"
        )
    for name in ("fresh_harmoni", "fresh_bare"):
        r = result[name]
        print(
            f"{name.replace('_', ' ')} (10 pages, median of {r['runs']} processes): imports {r['import_s']:.2f} s, "
            f"app {r['app_s']:.2f} s, first render {r['first_ms']:.0f} ms, later renders {r['later_ms']:.0f} ms "
            f"({r['first_ms'] / r['later_ms']:.2f}x)"
        )
    common.write_json(args.json, result)


if __name__ == "__main__":
    main()
