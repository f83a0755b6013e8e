"""Pathological inputs (issue 14 item 4 and 5): time and peak memory of loading each one, in a fresh process.

Usage:  .venv/bin/python bench/bench_hostile.py [--out bench/RESULTS.md]

Each case is generated into bench/corpus/hostile/<case>/ (large files sparse or generated on the fly, not kept in
git) and loaded with ``load_corpus([file])`` in a process of its own; the peak is that process's max RSS, the
baseline is the same process loading nothing. The table is written into RESULTS.md between the markers
``<!-- hostile -->`` and ``<!-- /hostile -->`` (the loader benchmark's part of the file is kept).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "corpus" / "hostile"
SEED = ROOT / "data" / "plans" / "dong-nai-2024-ubnd-ttdn.md"
FIELD = "Đơn vị chủ trì: Sở Thông tin và Truyền thông\n"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(path: Path, body_bytes: int) -> None:
    """A .docx whose body is *body_bytes* of tiny numbered paragraphs (random numbers, so it compresses ~10-fold)."""
    rng = random.Random(0)
    parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>']
    size = len(parts[0])
    while size < body_bytes:
        p = f"<w:p><w:r><w:t>{rng.randint(0, 10 ** 6)}</w:t></w:r></w:p>"
        parts.append(p)
        size += len(p)
    parts.append("</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
                    'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        zf.writestr("word/document.xml", "".join(parts))
    path.write_bytes(buf.getvalue())


def _sparse(path: Path, size: int) -> None:
    with open(path, "wb") as fh:
        fh.truncate(size)


def _seed_repeated(path: Path, size: int) -> None:
    text = SEED.read_text(encoding="utf-8")
    out, n = [], 0
    while n + len(text.encode("utf-8")) < size:
        out.append(text)
        n += len(text.encode("utf-8"))
    path.write_text("".join(out), encoding="utf-8")


def _numbered_docx(path: Path, start: int = 2_000_000_000) -> None:
    """A .docx of three numbered paragraphs whose numbering (letters) starts at *start*."""
    import docx
    d = docx.Document()
    for t in ("Mục đích", "Yêu cầu", "Nội dung"):
        d.add_paragraph(t, style="List Number")
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for lvl in d.part.numbering_part.element.iter(w + "lvl"):
        for el in lvl.iter(w + "start"):
            el.set(w + "val", str(start))
        for el in lvl.iter(w + "numFmt"):
            el.set(w + "val", "lowerLetter")
    d.save(str(path))


def _styles_docx(path: Path, mib: float = 86) -> None:
    """A small .docx whose word/styles.xml unpacks to *mib* MiB (random style ids: it compresses about 7-fold)."""
    import docx
    d = docx.Document()
    d.add_paragraph("KẾ HOẠCH")
    buf = io.BytesIO()
    d.save(buf)
    rng = random.Random(0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/styles.xml":
                head, tail = data.rsplit(b"</w:styles>", 1)
                parts, n = [head], 0
                while n < mib * 2 ** 20:
                    s = (b'<w:style w:type="paragraph" w:styleId="S%d"><w:name w:val="Style %d"/></w:style>'
                         % (rng.randrange(10 ** 9), rng.randrange(10 ** 9)))
                    parts.append(s)
                    n += len(s)
                data = b"".join(parts) + b"</w:styles>" + tail
            zf.writestr(info.filename, data)
    path.write_bytes(out.getvalue())


def _contents_bomb_pdf(path: Path, refs: int = 20, ops: int = 40_000) -> None:
    """A PDF of about 2 KB whose only page draws one compressed stream *refs* times (its /Contents array)."""
    import zlib
    content = zlib.compress(b"BT /F1 1 Tf " + b"(a) Tj 1 0 Td " * ops + b"ET")
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
            b"/Contents [" + b" ".join(b"5 0 R" for _ in range(refs)) + b"] >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))


def _encrypted_pdf(path: Path) -> None:
    """A one-page PDF encrypted with AES-256 and a user password (not given to the loader)."""
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter
    f = FPDF()
    f.add_page()
    f.set_font("Helvetica", size=12)
    f.cell(text="KE HOACH 1. Viec A")
    w = PdfWriter()
    w.append(PdfReader(io.BytesIO(bytes(f.output()))))
    w.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    with open(path, "wb") as fh:
        w.write(fh)


_CHAIN = "Giao Sở Ngoại vụ chủ trì, phối hợp với Sở Nội vụ và Công an tỉnh tổ chức tuyên truyền, "


#: The other constructions of the grammar's linearity tests (tests/test_hostile.py), each chained on one line.
_CHAINS = {"verbs": "Sở Ngoại vụ, Sở Nội vụ thực hiện, phối hợp Công an tỉnh, ",
           "markers": "- Đơn vị thực hiện: " + "Sở Ngoại vụ (chủ trì), Sở Nội vụ, Công an tỉnh (phối hợp), " * 10,
           "fields": "Chủ trì: Sở Ngoại vụ "}


def _chained_plan(path: Path, chars: int, unit: str = _CHAIN) -> None:
    """The seed plan with one line of *chars* characters chaining *unit* ("Giao X chủ trì, phối hợp với Y …")."""
    text = SEED.read_text(encoding="utf-8")
    head = unit.split(": ", 1)[0] + ": " if unit.startswith("- ") else ""  # a field line: its label once
    body = unit[len(head):]
    line = head + (body * (chars // len(body) + 1))[:chars]
    path.write_text(text.replace("- Đơn vị chủ trì: Sở Ngoại vụ", line + "\n- Đơn vị chủ trì: Sở Ngoại vụ", 1),
                    encoding="utf-8")


#: case -> (file name, generator, what it was before the fix (from issues 14 and 24), or "")
CASES: dict[str, tuple[str, Callable[[Path], None], str]] = {
    "field lines x5,000 (.txt, 295 KB)": ("fields-5000.txt", lambda p: p.write_text(FIELD * 5_000, encoding="utf-8"),
                                          "41 s"),
    "field lines x10,000 (.txt, 590 KB)": ("fields-10000.txt",
                                           lambda p: p.write_text(FIELD * 10_000, encoding="utf-8"), "241 s"),
    "10,000 unclosed nested tags (.html)": ("nested.html", lambda p: p.write_text(
        "<html><body>" + "<div>Sở Ngoại vụ " * 10_000 + "</body></html>", encoding="utf-8"),
        "76 s, then RecursionError"),
    ".docx of 21 MB holding 195 MiB of tiny paragraphs": ("tiny-195.docx", lambda p: _docx(p, 195 * 2 ** 20),
                                                          "102 s, 3.9 GB"),
    ".docx at the body limit (16 MiB of tiny paragraphs)": ("tiny-16.docx", lambda p: _docx(p, 16 * 2 ** 20 - 4096),
                                                            ""),
    ".docx of 2.5 MiB body (about 68,000 paragraphs, read)": ("tiny-2.docx", lambda p: _docx(p, 5 * 2 ** 19), ""),
    "2 GiB file (sparse .txt), cache on": ("huge.txt", lambda p: _sparse(p, 2 * 2 ** 30), "2.2 GB of memory"),
    "4.9 MiB text plan (a seed plan repeated)": ("big-plan.md", lambda p: _seed_repeated(p, int(4.9 * 2 ** 20)), ""),
    "one 4.8 MiB line (.txt)": ("one-line.txt", lambda p: p.write_text("Sở Ngoại vụ " * 280_000, encoding="utf-8"),
                                ""),
    '<ol type="a" start="2000000000"> (.html, 3 items)': ("ol-start.html", lambda p: p.write_text(
        '<html><body><ol type="a" start="2000000000"><li>Mục đích</li><li>Yêu cầu</li><li>Nội dung</li></ol>'
        '<ol type="I" start="3999"><li>x</li><li>y</li></ol></body></html>', encoding="utf-8"),
        "about 1 GB for 3 items; roman past 3999: ValueError"),
    ".docx numbering from 2·10⁹ (letters)": ("numbering.docx", _numbered_docx,
                                              "MemoryError (cached as unreadable)"),
    "PDF of 2 KB, 20 /Contents references to one stream": ("contents-bomb.pdf", _contents_bomb_pdf,
                                                            "15 s against a 5 s budget (949 B variant)"),
    "AES-256 encrypted PDF, no password": ("aes.pdf", _encrypted_pdf, "called a scan (cryptography missing)"),
    "10 MB single-line .html (320,000 spans)": ("one-line.html", lambda p: p.write_text(
        "<html><body>" + "<span>Sở Ngoại vụ</span> " * 320_000 + "</body></html>", encoding="utf-8"), "24 s"),
    "10 MB single-line .html of text": ("one-line-text.html", lambda p: p.write_text(
        "<html><body><p>" + "Sở Ngoại vụ phối hợp. " * 320_000 + "</p></body></html>", encoding="utf-8"), ""),
    ".docx with an 86 MiB styles.xml": ("styles.docx", _styles_docx, "16 s, 1.15 GB"),
    "chained 'Giao X chủ trì, phối hợp với Y' line of 100 k characters": (
        "chain-100k.md", lambda p: _chained_plan(p, 100_000), "25 k: 4.7 s, 50 k: 22.5 s, 200 k: > 110 s"),
    "chained 'Giao X chủ trì, phối hợp với Y' line of 1 M characters": (
        "chain-1m.md", lambda p: _chained_plan(p, 1_000_000), "14.4 s (bench of 2026-12-07 morning)"),
    "chained 'X, Y thực hiện, phối hợp Z' line of 1 M characters": (
        "chain-verbs-1m.md", lambda p: _chained_plan(p, 1_000_000, _CHAINS["verbs"]), ""),
    "field value 'X (chủ trì), Y, Z (phối hợp), …' of 1 M characters": (
        "chain-markers-1m.md", lambda p: _chained_plan(p, 1_000_000, _CHAINS["markers"]), ""),
    "'Chủ trì: X' fields run together on one line of 1 M characters": (
        "chain-fields-1m.md", lambda p: _chained_plan(p, 1_000_000, _CHAINS["fields"]), ""),
}


def _peak_mb() -> int:
    """This process's peak resident memory: VmHWM (Linux; reset at exec, unlike ru_maxrss), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _case(name: str) -> dict:
    """Load one case in this process (run by the parent in a fresh process)."""
    sys.path.insert(0, str(ROOT))
    os.environ["TTDN_CACHE_DIR"] = str(WORK / "cache")
    from ttdn_analysis import load_corpus

    t0 = time.perf_counter()
    if name == "baseline":
        c = load_corpus([], cache=False)
    else:
        fname = CASES[name][0]
        c = load_corpus([WORK / fname], cache=name.endswith("cache on"))
    seconds = time.perf_counter() - t0
    kinds = sorted(set(c.problems.kind.astype(str))) if len(c.problems) else []
    refused = [k for k in kinds if k in ("too_large", "too_slow", "unreadable", "wrong_format", "parse_failed")]
    if len(c.plans):
        outcome = f"read: {len(c.tasks)} tasks, {len(c.assignments)} assignments"
        if refused:
            outcome += f" ({', '.join(refused)} warning)"
    else:
        outcome = f"refused: {', '.join(refused)}" if refused else "no plan"
    return {"seconds": round(seconds, 2), "peak_mb": _peak_mb(), "outcome": outcome}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--case")
    ap.add_argument("--make")
    a = ap.parse_args()
    if a.case:
        print(json.dumps(_case(a.case)))
        return
    if a.make:
        WORK.mkdir(parents=True, exist_ok=True)
        fname, make, _ = CASES[a.make]
        make(WORK / fname)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(WORK / "cache", ignore_errors=True)
    rows = []
    load0 = os.getloadavg()[0]
    for name in ["baseline", *CASES]:
        if name != "baseline" and not (WORK / CASES[name][0]).exists():  # made in a process of its own
            subprocess.run([sys.executable, __file__, "--make", name], check=True)
        out = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True, text=True, check=True)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        size = (WORK / CASES[name][0]).stat().st_size if name != "baseline" else 0
        rows.append((name, size, res))
        print(name, res, flush=True)
    base = rows[0][2]["peak_mb"]
    lines = [
        "<!-- hostile -->",
        "## Pathological inputs",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; run on "
        f"{time.strftime('%Y-%m-%d')}. Command: `python bench/bench_hostile.py`. Each case is `load_corpus([file])` "
        f"in a fresh process; peak = that process's max RSS (a process loading nothing peaks at {base} MB). "
        f"Load average (1 min) before / after: {load0:.1f} / {os.getloadavg()[0]:.1f} (other work on the machine "
        "slows every case). "
        "Target: each ≤ 5 s and ≤ 500 MB (issues 14 and 24).",
        "",
        "| case | file size | seconds | peak MB | outcome | before the fix |",
        "|---|---|---|---|---|---|",
    ]
    for name, size, res in rows[1:]:
        lines.append(f"| {name} | {size / 2 ** 20:.1f} MiB | {res['seconds']} | {res['peak_mb']} | {res['outcome']} | "
                     f"{CASES[name][2] or '—'} |")
    lines.append("<!-- /hostile -->")
    block = "\n".join(lines) + "\n"
    out_path = Path(a.out)
    text = out_path.read_text(encoding="utf-8") if out_path.exists() else ""
    if "<!-- hostile -->" in text:
        head, rest = text.split("<!-- hostile -->", 1)
        text = head + block + rest.split("<!-- /hostile -->", 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    out_path.write_text(text, encoding="utf-8")
    print(block)


if __name__ == "__main__":
    main()
