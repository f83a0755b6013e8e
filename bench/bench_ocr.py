"""OCR benchmark: pages per second of the loader's OCR against Tesseract alone on the same pages, and a rerun over
cached scans.

    .venv/bin/python bench/bench_ocr.py [--pages 20] [--files 4] [--repeat 2] [--out bench/out/ocr.json]

* the pages: a seed plan (data/plans/gia-lai-2025-ubnd-ttdn.txt, repeated as needed) rendered as scanned A4 pages
  at 200 dpi by the tests' renderer (tests/test_ocr.py: DejaVu Serif, light rotation, blur, specks, a red stamp);
* the floor: the `tesseract` command on the same page images (PNG files), one process per page, as many at a time
  as this process may use cores, each with OMP_THREAD_LIMIT=1, the same language and page segmentation mode —
  what running Tesseract by hand over the pages costs;
* ours: :func:`ttdn_analysis.ingest.ocr.ocr_pages` on the same pages as one multi-page TIFF (decoding, the red
  channel, the page enlarged to 300 dpi, Otsu binarisation and speck removal, Tesseract through pytesseract,
  reading its TSV), no cache;
* the floor and ours run ``--repeat`` times (default 2), alternated, and the best time of each is compared (the
  machine may be shared: a change in its load hits both alike); the load average is recorded before and after;
* rerun: the pages as *files* scanned plans (TIFF) in a folder, loaded by ``load_corpus`` once cold, then again
  after the parse cache is emptied (a parser change: every plan is parsed again, no page recognised again),
  and then fully warm.

Results go to RESULTS.md by hand (section "OCR"); the JSON is for the record.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_ocr import render_scan, save_tiff  # noqa: E402 — the tests' renderer, one place for the fixtures

from ttdn_analysis import load_corpus  # noqa: E402
from ttdn_analysis.ingest.ocr import OcrSettings, engine_problem, engine_version, ocr_pages  # noqa: E402

SEED = ROOT / "data" / "plans" / "gia-lai-2025-ubnd-ttdn.txt"


def _pages(n: int) -> list:
    text = SEED.read_text(encoding="utf-8").split("\n")
    pages: list = []
    seed = 0
    while len(pages) < n:
        pages += render_scan(text, seed=seed, stamp="ỦY BAN NHÂN DÂN TỈNH GIA LAI")
        seed += 1
    return pages[:n]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def tesseract_alone(files: list[Path], settings: OcrSettings) -> float:
    """Seconds for the tesseract command over *files*, one process per page, one per core at a time."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def run(f: Path) -> None:
        subprocess.run(["tesseract", str(f), "stdout", "-l", settings.lang, "--psm", str(settings.psm), "tsv"],
                       check=True, capture_output=True, env=env)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=_cores()) as pool:
        list(pool.map(run, files))
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--files", type=int, default=4, help="scanned plans the pages are split into for the rerun")
    ap.add_argument("--repeat", type=int, default=2,
                    help="runs of the floor and ours, alternated; the best of each is compared")
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "ocr.json"))
    a = ap.parse_args()
    why = engine_problem()
    if why:
        sys.exit(f"cannot benchmark OCR: {why}")
    settings = OcrSettings()
    load_before = round(os.getloadavg()[0], 2)
    work = Path(tempfile.mkdtemp(prefix="ttdn-bench-ocr-"))
    try:
        pages = _pages(a.pages)
        pngs = []
        for i, img in enumerate(pages, start=1):
            p = work / f"page-{i:03d}.png"
            img.copy().save(p, dpi=(200, 200))  # a copy: the PNG writer leaves its settings on the image
            pngs.append(p)
        # a file, as the loader reads a scan
        data = save_tiff(pages, work / "all-pages.tif").read_bytes()
        floors, ourses = [], []
        for _ in range(max(1, a.repeat)):  # alternated, so that a change in the machine's load hits both alike
            floors.append(tesseract_alone(pngs, settings))
            t0 = time.perf_counter()
            result = ocr_pages(data, "image", settings=settings)
            ourses.append(time.perf_counter() - t0)
        floor, ours = min(floors), min(ourses)
        words = sum(len(ln.words) for ln in result.lines)
        # rerun over cached scans: the pages as plans in a folder
        plans, cache = work / "plans", work / "cache"
        plans.mkdir()
        per = max(1, a.pages // a.files)
        for k in range(a.files):
            chunk = pages[k * per:(k + 1) * per] if k < a.files - 1 else pages[k * per:]
            if chunk:
                save_tiff(chunk, plans / f"scan-{k + 1}.tif")
        os.environ["TTDN_CACHE_DIR"] = str(cache)
        t0 = time.perf_counter()
        cold = load_corpus(plans)
        t_cold = time.perf_counter() - t0
        for area in ("plans", "corpus", "themes", "checks"):
            shutil.rmtree(cache / "v2" / area, ignore_errors=True)
        t0 = time.perf_counter()
        reparsed = load_corpus(plans)
        t_reparse = time.perf_counter() - t0
        t0 = time.perf_counter()
        load_corpus(plans)
        t_warm = time.perf_counter() - t0
        assert reparsed.tasks[["path", "title"]].equals(cold.tasks[["path", "title"]])
        out = {
            "engine": engine_version(), "settings": settings.key(), "pages": a.pages, "cores": _cores(),
            "tesseract_alone_s": round(floor, 2), "tesseract_alone_pages_per_s": round(a.pages / floor, 3),
            "ours_s": round(ours, 2), "ours_pages_per_s": round(a.pages / ours, 3),
            "ratio_ours_to_tesseract": round(floor / ours, 3), "words": words,
            "tesseract_alone_runs_s": [round(x, 2) for x in floors], "ours_runs_s": [round(x, 2) for x in ourses],
            "load_average_1min_before": load_before, "load_average_1min_after": round(os.getloadavg()[0], 2),
            "load_cold_s": round(t_cold, 2), "rerun_parse_cache_emptied_s": round(t_reparse, 2),
            "rerun_warm_s": round(t_warm, 2), "files": a.files, "tasks": len(cold.tasks),
        }
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps(out, indent=1), encoding="utf-8")
        print(json.dumps(out, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
