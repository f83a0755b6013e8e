"""Pages and OCR confidence on a plan's rows: where each task stands in the scan, and which tasks to check.

A plan read from a PDF or a page image knows the page of every line (:attr:`RawDoc.pages`), and for each line
recognised by OCR, Tesseract's confidence in every word (:attr:`RawDoc.ocr`). :func:`review_pages` puts the page
on tasks, assignments and problems, and flags a task as ``ocr_low_confidence`` when what it rests on was read with
low confidence: a word of its heading line, a word of a role cue ("chủ trì", "phối hợp" …, the phrases of
``registry/data/role_cues.csv``) on its lines, or a word of an agency's printed name on the line the assignment
was read from. Each flagged task gets one ``ocr_low_confidence`` problem row naming the words, their confidence,
line and page (in English, as the loader writes its messages; ``ttdn_analysis.messages.localize`` gives the
Vietnamese of each part).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from ttdn_analysis.ingest.ocr import OcrLine, OcrSettings, OcrWord
from ttdn_analysis.ingest.read import RawDoc
from ttdn_analysis.parse.roles import cues
from ttdn_analysis.text import match_key

__all__ = ["review_pages", "weak_words"]

_INK = re.compile(r"[^\W_]")
_EDGE = re.compile(r"^[^\w]+|[^\w]+$")


def _key(word: str) -> str:
    return match_key(_EDGE.sub("", word))


def weak_words(line: OcrLine | None, below: float, only: Iterable[str] | None = None) -> list[OcrWord]:
    """The words of *line* with a letter or digit read with a confidence below *below* (only those whose match key
    is in *only*, when given).

    Examples
    --------
    >>> ln = OcrLine(1, "Sở Ngoại vụ:", 70.0, (OcrWord("Sở", 95), OcrWord("Ngoại", 41), OcrWord("vụ:", 52)))
    >>> [w.text for w in weak_words(ln, 60)], [w.text for w in weak_words(ln, 60, only={"vụ"})]
    (['Ngoại', 'vụ:'], ['vụ:'])
    """
    if line is None:
        return []
    keys = None if only is None else set(only)
    return [w for w in line.words if w.conf < below and _INK.search(w.text)
            and (keys is None or _key(w.text) in keys)]


def _cue_words(line: OcrLine, phrases: list[list[str]]) -> set[int]:
    """Indexes of the words of *line* that belong to a role cue phrase."""
    keys = [_key(w.text) for w in line.words]
    out: set[int] = set()
    for words in phrases:
        n = len(words)
        for i in range(len(keys) - n + 1):
            if keys[i:i + n] == words:
                out.update(range(i, i + n))
    return out


def _phrases() -> list[list[str]]:
    return [p.split() for p in sorted({match_key(p) for p, role in cues().roles.items()
                                       if role in ("lead", "support")}, key=len, reverse=True)]


def _page_of(doc: RawDoc, line: object) -> int | None:
    if doc.pages is None or not isinstance(line, int) or isinstance(line, bool) or not 1 <= line <= len(doc.pages):
        return None
    for i in range(line - 1, len(doc.pages)):  # a blank line between pages belongs to the next page
        if doc.pages[i] is not None:
            return doc.pages[i]
    return None


def _said(hits: list[tuple[str, OcrWord, int, int | None]]) -> str:
    """The weak words of a flagged task as the parts of its message (English; the catalogue, entries P032a-P032i
    of ``ttdn_analysis/messages.toml``, gives the Vietnamese part by part)."""
    parts = []
    for what, w, line, page in hits[:6]:
        where = f"line {line}" + (f", page {page}" if page else "")
        parts.append(f"{what} word {w.text!r} ({w.conf:.0f}%, {where})")
    more = len(hits) - 6
    if more > 0:
        parts.append(f"{more} more words")
    return "; ".join(parts)


def review_pages(rows: dict[str, list[dict]], doc: RawDoc, settings: OcrSettings | None = None) -> None:
    """Add ``page`` to the tasks, assignments and problems of one plan's *rows* (in place), and
    ``ocr_low_confidence`` to its tasks, with one problem row per flagged task.

    Parameters
    ----------
    rows : dict
        The rows of :func:`ttdn_analysis.parse.plan.parse_plan` for *doc*.
    doc : RawDoc
        The file as read (its ``pages`` and ``ocr``).
    settings : OcrSettings, optional
        ``low_confidence`` is the confidence below which a word is weak (default 60).

    Examples
    --------
    >>> from pathlib import Path
    >>> doc = RawDoc(Path("scan.png"), ["1. Họp báo", "- Cơ quan chủ trì: Sở Ngoại vụ."], "", "image", [], [1, 1],
    ...              {1: OcrLine(1, "1. Họp báo", 95.0, (OcrWord("1.", 96), OcrWord("Họp", 95), OcrWord("báo", 94))),
    ...               2: OcrLine(1, "- Cơ quan chủ trì: Sở Ngoại vụ.", 80.0, tuple(OcrWord(t, c) for t, c in
    ...                  [("-", 92), ("Cơ", 95), ("quan", 95), ("chủ", 93), ("trì:", 90), ("Sở", 96),
    ...                   ("Ngoại", 38), ("vụ.", 90)]))})
    >>> rows = {"tasks": [{"task_id": "t:1", "path": "1", "line_start": 1, "line_end": 2, "text_lines": [1, 2]}],
    ...         "assignments": [{"task_id": "t:1", "agency_raw": "Sở Ngoại vụ", "line": 2}], "problems": []}
    >>> review_pages(rows, doc)
    >>> rows["tasks"][0]["page"], rows["tasks"][0]["ocr_low_confidence"], rows["problems"][0]["kind"]
    (1, True, 'ocr_low_confidence')
    >>> rows["problems"][0]["message"].split("; ")  # doctest: +NORMALIZE_WHITESPACE
    ['task 1: read from words OCR recognised with low confidence', "agency word 'Ngoại' (38%, line 2, page 1)",
     'check the task against the scan']
    """
    below = (settings or OcrSettings()).low_confidence
    for t in rows.get("tasks", []):
        t["page"] = _page_of(doc, t.get("line_start"))
        t["ocr_low_confidence"] = False
    for a in rows.get("assignments", []):
        a["page"] = _page_of(doc, a.get("line"))
    for p in rows.get("problems", []):
        p["page"] = _page_of(doc, p.get("line"))
    if not doc.ocr:
        return
    phrases = _phrases()
    by_task: dict[str, list[dict]] = {}
    for a in rows.get("assignments", []):
        by_task.setdefault(a["task_id"], []).append(a)
    src = str(doc.path)
    flagged: list[dict] = []
    for t in rows.get("tasks", []):
        hits: list[tuple[str, OcrWord, int, int | None]] = []
        head = t.get("line_start")
        if isinstance(head, int):
            hits += [("heading", w, head, _page_of(doc, head)) for w in weak_words(doc.ocr.get(head), below)]
        start, end = t.get("line_start"), t.get("line_end")
        lines = sorted(set(t.get("text_lines") or []) | (set(range(start, end + 1)) if isinstance(start, int)
                                                          and isinstance(end, int) else set()))
        for n in lines:
            ln = doc.ocr.get(n)
            if ln is None:
                continue
            idx = _cue_words(ln, phrases)
            hits += [("role cue", ln.words[i], n, _page_of(doc, n)) for i in sorted(idx)
                     if ln.words[i].conf < below and _INK.search(ln.words[i].text)]
        for a in by_task.get(t["task_id"], []):
            line = a.get("line")
            if not isinstance(line, int):
                continue
            raw = {match_key(x) for x in re.findall(r"\w+", str(a.get("agency_raw") or ""))}
            for n in (line, line + 1):  # a name may wrap onto the next line
                hits += [("agency", w, n, _page_of(doc, n)) for w in weak_words(doc.ocr.get(n), below, raw)]
        if not hits:
            continue
        seen: set[tuple[int, str]] = set()
        unique = []
        for h in hits:
            if (h[2], h[1].text) not in seen:
                seen.add((h[2], h[1].text))
                unique.append(h)
        t["ocr_low_confidence"] = True
        path = t.get("path")
        flagged.append({"source_file": src, "line": unique[0][2], "severity": "warning", "kind": "ocr_low_confidence",
                        "message": f"task {path}: read from words OCR recognised with low confidence; "
                                   f"{_said(unique)}; check the task against the scan", "page": unique[0][3]})
    rows.setdefault("problems", []).extend(flagged)
