"""The recognised text of a scan written out for the researcher to read and correct (``ttdn ocr FILE --out DIR``).

For a scanned PDF or a page image, one file per page (``<stem>.page-001.txt`` …) holds the page's text as OCR
read it (a PDF page with a text layer: that text), and ``<stem>.txt`` the whole plan, pages separated by a blank
line: the file to correct and put beside the scan, where it then takes precedence (the loader reads it instead
of recognising the scan again; a problem row of kind ``ocr_correction`` says so). ``<stem>.ocr.tsv`` lists, line
by line, the page, the mean confidence and the words read with low confidence, to find what to check first.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ttdn_analysis.ingest.formats import FORMAT_OF_SUFFIX, describe, sniff
from ttdn_analysis.ingest.ocr import OcrSettings, OcrStore, engine_problem, image_text
from ttdn_analysis.ingest.pdf import pdf_text

__all__ = ["OcrExport", "OcrInputError", "export_ocr"]


class OcrInputError(ValueError):
    """The file cannot be read by OCR here; *kind* is ``"not_a_scan"`` or a ``problems`` kind of the catalogue
    (``no_text_layer``), so that the message can be shown in the reader's language."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class OcrExport:
    """What :func:`export_ocr` wrote: the files, pages, recognised pages, and lines with a low-confidence word."""

    files: list[Path]
    pages: int
    recognised: int
    weak_lines: int


def export_ocr(path: str | Path, out: str | Path, store: OcrStore | None = None,
               settings: OcrSettings | None = None) -> OcrExport:
    """Write the text of the scan at *path*, page by page, into the folder *out* (created when missing).

    Raises
    ------
    OcrInputError
        *path* is not a PDF or a page image (kind ``not_a_scan``), or the OCR engine is missing (kind
        ``no_text_layer``; the message names the command).

    Examples
    --------
    >>> import tempfile, os
    >>> from fpdf import FPDF
    >>> d = tempfile.mkdtemp()
    >>> pdf = FPDF(); pdf.add_page(); pdf.set_font("helvetica", size=12); _ = pdf.cell(text="KE HOACH")
    >>> pdf.output(os.path.join(d, "plan.pdf"))
    >>> done = export_ocr(os.path.join(d, "plan.pdf"), os.path.join(d, "out"))
    >>> sorted(p.name for p in done.files), done.pages, done.recognised
    (['plan.ocr.tsv', 'plan.page-001.txt', 'plan.txt'], 1, 0)
    """
    path, out = Path(path), Path(out)
    data = path.read_bytes()
    kind = sniff(data)
    if kind not in ("pdf", "image") or FORMAT_OF_SUFFIX.get(path.suffix.lower()) not in ("pdf", "image"):
        raise OcrInputError(f"{path.name} is {describe(kind, data)}: only a PDF or a page image (.png, .jpg, .tif) "
                            "is read by OCR", "not_a_scan")
    settings = settings or OcrSettings()
    if kind == "pdf":
        t = pdf_text(data, store, settings)
        lines, problems, pages, read = t.lines, t.problems, t.pages, t.ocr
    else:
        why = engine_problem(settings)
        if why is not None:
            raise OcrInputError(f"a page image is read by OCR, which cannot run here: {why}", "no_text_layer")
        lines, problems, pages, read = image_text(data, store, settings)
    missing = [p["message"] for p in problems if p["kind"] == "no_text_layer" and p["severity"] == "error"]
    if missing and not lines:
        raise OcrInputError(missing[0], "no_text_layer")
    out.mkdir(parents=True, exist_ok=True)
    by_page: dict[int, list[str]] = {}
    for line, page in zip(lines, pages):
        if page is not None:
            by_page.setdefault(page, []).append(line)
    files = []
    for page in sorted(by_page):
        f = out / f"{path.stem}.page-{page:03d}.txt"
        f.write_text("\n".join(by_page[page]) + "\n", encoding="utf-8")
        files.append(f)
    whole = out / f"{path.stem}.txt"
    whole.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = ["line\tpage\tconfidence\tlow_confidence_words\ttext"]
    weak = 0
    for i, line in enumerate(lines):
        got = read.get(i)
        if got is None:
            continue
        low = [f"{w.text} ({w.conf:.0f})" for w in got.words if w.conf < settings.low_confidence]
        weak += bool(low)
        rows.append(f"{i + 1}\t{got.page}\t{'' if got.conf is None else f'{got.conf:.0f}'}\t{'; '.join(low)}\t"
                    f"{line}")
    tsv = out / f"{path.stem}.ocr.tsv"
    tsv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    files += [tsv, whole]
    recognised = len({ln.page for ln in read.values()})
    return OcrExport(sorted(files), len(by_page), recognised, weak)
