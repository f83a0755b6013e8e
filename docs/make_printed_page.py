"""Regenerate ``docs/printed-brief-page1.png``: page 1 of the leadership brief of the seed plans, printed to A4.

The brief is built by the library (:func:`ttdn_analysis.report.build.build_reports` on ``data/plans``), printed to
PDF by headless Chromium (its own print path: the reports' print style sheet and their ``beforeprint`` script),
and page 1 is rendered to PNG by ``pdftoppm`` (poppler-utils) at a modest resolution, so that the image stays
small (under 300 KB). Run from the repository root::

    .venv/bin/python docs/make_printed_page.py            # Vietnamese (the default)
    .venv/bin/python docs/make_printed_page.py --lang en  # English labels and sentences

Needs ``chromium`` and ``pdftoppm`` (Debian: ``apt-get install -y chromium poppler-utils``). Set
``SOURCE_DATE_EPOCH`` to fix the date printed in the report's header. The build uses a cache folder of its own.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "printed-brief-page1.png"
#: Dots per inch of the image: an A4 page becomes 661 x 936 px, legible and small.
DPI = 80
REPORT = "04_leadership_brief"


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    sys.exit(f"{names[0]} not found: apt-get install -y chromium poppler-utils")


def print_to_pdf(page: Path, pdf: Path, chromium: str, profile: Path) -> None:
    """Print *page* to the A4 PDF *pdf* with headless Chromium (no browser header or footer)."""
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={profile}", "--run-all-compositor-stages-before-draw",
                    "--virtual-time-budget=20000", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    page.as_uri()], check=True, capture_output=True, timeout=300)


def main(argv: list[str] | None = None) -> Path:
    """Build the seeds' reports, print the brief, write page 1 as PNG to *--out*; return its path."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--dpi", type=int, default=DPI)
    args = parser.parse_args(argv)
    chromium = _tool("chromium", "chromium-browser")
    pdftoppm = _tool("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="ttdn-print-") as tmp:
        work = Path(tmp)
        os.environ["TTDN_CACHE_DIR"] = str(work / "cache")  # never the user's cache (the kernels inherit it)
        from ttdn_analysis.report.build import build_reports

        pages = build_reports(ROOT / "data" / "plans", work / "reports", lang=args.lang)
        brief = next(p for p in pages if p.stem == REPORT)
        pdf = work / f"{REPORT}.pdf"
        print_to_pdf(brief, pdf, chromium, work / "profile")
        subprocess.run([pdftoppm, "-png", "-r", str(args.dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(work / "page1")], check=True, timeout=120)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "page1.png", args.out)
    print(f"{args.out} ({args.out.stat().st_size // 1024} KB)")
    return args.out


if __name__ == "__main__":
    main()
