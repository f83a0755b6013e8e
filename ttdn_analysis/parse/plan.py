"""One plan's lines to table rows: outline, metadata, tasks, assignments, citations, problems."""
from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from ttdn_analysis.ingest.read import RawDoc
from ttdn_analysis.parse.assignments import PlanContext, TaskRecord, agency_heading, extract_tasks
from ttdn_analysis.parse.citations import citation_problems, citations_from_lines
from ttdn_analysis.parse.crossrefs import Reference, resolve_references, split_references
from ttdn_analysis.parse.document import Document, segment
from ttdn_analysis.parse.header import PlanMeta, find_date, find_number, read_header
from ttdn_analysis.parse.kinds import plan_kind
from ttdn_analysis.parse.lines import Line, clean_line, prepare_lines
from ttdn_analysis.parse.normalise import FORMS, Normalised, detect_styles, md_emphasis, normalise_lines
from ttdn_analysis.parse.ocr_review import review_pages
from ttdn_analysis.parse.outline import SECTION_KINDS, TASK_SECTIONS, Outline, item_of, parse_outline
from ttdn_analysis.parse.provenance import line_breaks
from ttdn_analysis.parse.roles import field_of
from ttdn_analysis.parse.tables import PLACEHOLDER, TableRow, expand_tables, split_tables, tables_unread
from ttdn_analysis.parse.timeframes import parse_timeframe
from ttdn_analysis.registry.provinces import after_merger
from ttdn_analysis.schema import TABLES, problem_row, task_kind
from ttdn_analysis.text import roman_value, to_roman

__all__ = ["parse_plan", "read_structure", "PrintedText", "non_task_lines", "section_rows", "PART_KINDS"]

#: Kinds of a ``sections`` row: the outline's section kinds, and the preamble and closing remarks around them.
PART_KINDS = ("preamble", *SECTION_KINDS, "closing")


def _plan_id(path: Path) -> str:
    return path.stem


def read_structure(raw_lines: list[str]) -> tuple[list[Line], Document, Outline]:
    """A plan's physical lines to its logical lines, document model and outline (the structure, before tasks).

    Examples
    --------
    >>> lines, doc, outline = read_structure(["KẾ HOẠCH", "Thông tin đối ngoại năm 2025", "I. NHIỆM VỤ",
    ...                                       "1. Tập huấn", "- Cơ quan chủ trì: Sở Ngoại vụ"])
    >>> doc.kind, [t.path for t in outline.tasks()]
    ('plan', ['I.1'])
    """
    lines, document, outline, _ = _read_structure(raw_lines)
    return lines, document, outline


def _read_structure(raw_lines: list[str]) -> tuple[list[Line], Document, Outline, Normalised]:
    """:func:`read_structure`, and the normalised physical lines it read."""
    norm = normalise_lines(raw_lines)  # the genre's surface forms (markdown, OCR, Party numbering), line for line
    text_lines, tables = split_tables(norm.lines)
    lines = expand_tables(prepare_lines(text_lines), tables)
    document = segment(lines)
    outline = parse_outline(document.body, is_agency_heading=lambda t: bool(agency_heading(t)),
                            appendices=document.appendices, repaired=norm.repaired_lines)
    outline.repairs = norm.repairs
    return lines, document, outline, norm


#: The forms of the normalisation stage that remove markup or a scanner's marks and change no word or number: the
#: printed text is the file's with these undone (cue-word repairs, Party numbering and label readings are not).
_MARKUP_FORMS = frozenset({"nfc", "html_comments", "md_escapes", "md_footnotes", "grid_rules", "md_emphasis",
                           "md_headings", "md_autolinks", "ocr_glued_marks", "ocr_specks"})


def _unmarked(raw: str, styles: frozenset[str]) -> str:
    """*raw* with the markup forms of its file's styles removed (:data:`_MARKUP_FORMS`).

    Examples
    --------
    >>> _unmarked(r"**1\\.** Tập huấn", frozenset({"markdown"})), _unmarked("1- Tập huấn", frozenset({"party"}))
    ('1. Tập huấn', '1- Tập huấn')
    """
    for name, style, form in FORMS:
        if name in _MARKUP_FORMS and (not style or style in styles):
            raw = md_emphasis(raw, "markdown" in styles) if name == "md_emphasis" else form(raw)
    return raw


class PrintedText:
    """The text of logical lines as the file prints it, for the ``text`` column of tasks.

    The grammar reads the normalised lines (:mod:`ttdn_analysis.parse.normalise`: OCR confusions and cue words
    repaired, Party numbering and outline labels read as the sequence calls for); a researcher reads the plan. The
    printed text of a logical line is made of the physical lines it spans, as read from the file, with only the
    markup that holds no word removed (:data:`_MARKUP_FORMS`): Unicode NFC, markdown emphasis, ``#`` heading
    marks, HTML comments, autolink brackets, table pipes and, in a converter's markdown, the backslash escapes
    (``1\\.`` is shown "1.") and footnote marks; in an OCR'd scan, the specks standing alone at a line's edges and
    the marks glued to a label ("-e)" is shown "e)", not the "c)" the sequence reads). Repaired labels ("Il."
    read as II., "1-" as 1.), repaired cue words and look-alike readings are never shown: the line is shown as
    printed. Physical lines that the normalisation left empty (a page number or a scanner's speck line inside a
    task) are left out, as the grammar leaves them out. Invisible characters (zero-width spaces, soft hyphens) were
    removed when the file was read and stay removed. A task table's row is shown as the grammar reads it,
    "1. <content>" and one field line per role column ("- Đơn vị chủ trì: …"), with the cells as printed (markup
    removed); when the printed table cannot be read as the same rows (its header names a column only after a
    repair), the row is shown as read.

    Examples
    --------
    >>> raw = ["I- MỤC ĐÍCH", "1- Nâng cao nhận thức", "II- NHIỆM VỤ", "1- Tập huấn cho cán bộ", "các huyện",
    ...        "- Cơ quan chủ trì: Sở Ngoại vụ"]
    >>> lines, _, outline, norm = _read_structure(raw)
    >>> [ln.text for ln in lines][3:]
    ['1. Tập huấn cho cán bộ các huyện', '- Cơ quan chủ trì: Sở Ngoại vụ']
    >>> [ln.text for ln in PrintedText(raw, norm.lines, lines).of(lines)][3:]
    ['1- Tập huấn cho cán bộ các huyện', '- Cơ quan chủ trì: Sở Ngoại vụ']
    """

    def __init__(self, raw_lines: list[str], normalised: list[str], lines: list[Line]) -> None:
        styles = detect_styles(raw_lines)
        printed = [_unmarked(r, styles) for r in raw_lines]
        self.raw = printed  # the physical lines, markup removed (one for one with the file's)
        self.phys = [clean_line(r) for r in printed]
        self.kept = [bool(clean_line(r)) for r in normalised]
        self.starts = {ln.start for ln in lines}
        _, tables = split_tables(printed)
        self.rows: dict[int, list[Line]] = {}
        for ln in expand_tables([Line(PLACEHOLDER, t.start, t.end) for t in tables], tables):
            self.rows.setdefault(ln.start, []).append(ln)

    def _table_line(self, ln: Line) -> Line | None:
        """The printed counterpart of a table row's item line or field line (same row, same field), else None."""
        head = ln.text.split(":", 1)[0] if not isinstance(ln, TableRow) else None
        for cand in self.rows.get(ln.start, []):
            if isinstance(ln, TableRow) and isinstance(cand, TableRow) and cand.label == ln.label:
                return cand
            if head is not None and not isinstance(cand, TableRow) and cand.text.split(":", 1)[0] == head:
                return cand
        return None

    def line(self, ln: Line) -> Line:
        """The printed text of logical line *ln* (a new :class:`Line` with its lines; *ln* unchanged)."""
        if isinstance(ln, TableRow) or ln.start in self.rows:
            found = self._table_line(ln)
            return Line(found.text, ln.start, ln.end, ln.skip) if found is not None else ln
        text = ""
        for k in range(ln.start, min(ln.end, len(self.phys)) + 1):
            piece = self.phys[k - 1]
            if not piece or not self.kept[k - 1] or (k != ln.start and k in self.starts):
                continue  # blank, left empty by the normalisation, or a line of its own (a footnote)
            if not text:
                text = piece
            elif re.search(r"\w-$", text[-2:]) and not (piece[:1].isalpha() and piece[:1].islower()):
                text += piece  # the joiner's rule: no space after a word-final hyphen
            else:
                text += " " + piece
        return Line(text, ln.start, ln.end, ln.skip) if text else ln

    def of(self, lines: list[Line]) -> list[Line]:
        """:meth:`line` of each of *lines*."""
        return [self.line(ln) for ln in lines]


def non_task_lines(document: Document, outline: Outline) -> list[Line]:
    """Lines in a known part that holds no task: header, wrapper, closing, preamble, non-task sections, headings.

    Examples
    --------
    >>> lines, doc, outline = read_structure(["KẾ HOẠCH", "Năm 2025", "I. MỤC ĐÍCH", "1. Mục đích", "II. NHIỆM VỤ",
    ...                                       "1. Tập huấn"])
    >>> [ln.text for ln in non_task_lines(doc, outline)]
    ['KẾ HOẠCH', 'Năm 2025', 'I. MỤC ĐÍCH', '1. Mục đích', 'II. NHIỆM VỤ']
    """
    parts = (document.header + document.wrapper + document.plan_header + document.closing + document.skipped
             + outline.preamble + outline.closing + outline.skipped)
    for sec in outline.sections:
        if sec.section not in TASK_SECTIONS:
            parts += [ln for n in sec.walk() for ln in n.lines]
        else:
            parts += [ln for n in sec.walk() if n.children or n is sec or n.kind == "group"
                      or n.section not in TASK_SECTIONS for ln in n.lines]
    return sorted(parts, key=lambda ln: ln.start)


def section_rows(outline: Outline, tasked: Collection[int] = (), printed: PrintedText | None = None) -> list[dict]:
    """The body's text outside tasks, one row per part: the preamble, each outline node not read as a task (the
    purpose section's items, a section's introduction, budget, …) with its own lines, and the closing remarks.

    Parameters
    ----------
    outline : Outline
        From :func:`read_structure`.
    tasked : set of int
        ``id()`` of the outline nodes read as tasks (left out).
    printed : PrintedText, optional
        The file's text as printed: ``text`` shows it (else the lines as the grammar read them).

    Returns
    -------
    list of dict
        path ("" for preamble and closing), kind (the section's kind, "preamble" or "closing"), title, text (the
        logical lines joined by "\\n", original spelling), line_start, line_end, text_lines (physical line where
        each logical line starts); in document order.

    Examples
    --------
    >>> _, _, outline = read_structure(["KẾ HOẠCH", "Năm 2025", "Căn cứ Kết luận số 57-KL/TW;", "I. MỤC ĐÍCH",
    ...                                 "1. Mục đích", "- Hạn chế tác động tiêu cực", "II. NHIỆM VỤ", "1. Tập huấn"])
    >>> [(r["path"], r["kind"], r["text_lines"]) for r in section_rows(outline)][:3]
    [('', 'preamble', [3]), ('I', 'purpose', [4]), ('I.1', 'purpose', [5, 6])]
    """
    parts: list[tuple[str, str, str, list[Line]]] = [("", "preamble", "", outline.preamble)]
    parts += [(n.path, n.section, n.title, n.lines) for sec in outline.sections for n in sec.walk()
              if id(n) not in tasked]
    parts.append(("", "closing", "", outline.closing))
    def shown(own: list[Line]) -> list[Line]:
        return printed.of(own) if printed is not None else own

    return [{"path": path, "kind": kind, "title": title, "text": "\n".join(ln.text for ln in shown(own)),
             "line_start": own[0].start, "line_end": max(ln.end for ln in own), "text_lines": [ln.start for ln in own]}
            for path, kind, title, own in parts if own]


def parse_plan(doc: RawDoc, manifest: dict[str, str] | None = None,
               plan_id: str | None = None) -> dict[str, list[dict]]:
    """Parse one read file into table rows (no themes). Never raises for a bad plan: problems are rows.

    Examples
    --------
    >>> import tempfile, os
    >>> from ttdn_analysis.ingest.read import read_plan
    >>> p = os.path.join(tempfile.mkdtemp(), "x.txt")
    >>> _ = open(p, "w", encoding="utf-8").write("Không phải kế hoạch.")
    >>> rows = parse_plan(read_plan(p))
    >>> sorted(r["kind"] for r in rows["problems"])
    ['no_date', 'no_number', 'no_province', 'no_tasks', 'no_year']
    """
    src = str(doc.path)
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    for p in doc.problems:
        rows["problems"].append({"source_file": src, **p})
    if not doc.lines:
        return rows
    pid = plan_id or _plan_id(doc.path)
    lines, document, outline, norm = _read_structure(doc.lines)
    as_printed = PrintedText(doc.lines, norm.lines, lines)
    meta = read_header(document, outline.preamble, lines)
    manifest = manifest or {}
    for k in ("province", "issuer", "level", "number", "date", "title"):
        if manifest.get(k):
            setattr(meta, k, manifest[k])
    if manifest.get("year"):
        meta.year = int(manifest["year"])
    rows["plans"].append({
        "plan_id": pid, "source_file": src, "province": meta.province, "year": meta.year, "issuer": meta.issuer,
        "level": meta.level, "number": meta.number, "date": meta.date, "title": meta.title,
        "content_hash": doc.sha256, "encoding": doc.encoding, "n_lines": len(doc.lines),
        "kind": plan_kind(meta.title, manifest.get("kind")), "merged_province": after_merger(meta.province),
    })
    for k in ("province", "year"):
        if getattr(meta, k) is None:
            rows["problems"].append({"source_file": src, "line": None, "severity": "warning", "kind": f"no_{k}",
                                     "message": f"could not read the plan's {k} from its header"})
    carry = {"province": meta.province, "merged_province": after_merger(meta.province), "year": meta.year,
             "level": meta.level, "source_file": src}
    ctx = PlanContext(meta.level, meta.issuer_agency, meta.province, meta.issuer)
    placed: set[int] = set()
    seen_unknown: set[str] = set()
    seen_paths: dict[str, int] = {}
    tasked: set[int] = set()  # outline nodes read as tasks (the others go to the sections table)
    references: list[Reference] = []  # "X chủ trì thực hiện các nhiệm vụ tại mục 1, 2 Phần II" (TỔ CHỨC THỰC HIỆN)
    task_part = next((s.path for s in outline.sections if s.section == "tasks" and s.path), "II")
    for block in outline.tasks():
        own_block, refs = (split_references(block, ctx.roles, task_part) if block.section == "implementation"
                           else (block, []))
        references += refs
        if refs:  # a referring item is accounted for, a task of its own duties or not
            placed.update(i for ln in block.lines for i in range(ln.start, ln.end + 1))
        recs = extract_tasks(own_block, ctx) if own_block is not None else []
        if own_block is not None and own_block is not block:  # read without its references, shown as printed
            printed = {id(m): o for m, o in zip(own_block.lines, block.lines)}
            for rec in recs:
                rec.lines = [printed.get(id(ln), ln) for ln in rec.lines]
                rec.head = printed.get(id(rec.head), rec.head)
        if recs:  # the heading of an item split into bullet tasks is accounted for by them
            placed.update(i for ln in block.lines for i in range(ln.start, ln.end + 1))
            tasked.add(id(block.node))
        for rec in recs:
            path = rec.path
            if path in seen_paths:  # a lost heading can repeat a number: keep ids unique, say so
                seen_paths[path] += 1
                rows["problems"].append({"source_file": src, **problem_row(
                    rec.head.start, "warning", "duplicate_path",
                    f"outline number {path} occurs again; kept as {path}~{seen_paths[path]}")})
                path = f"{path}~{seen_paths[path]}"
            else:
                seen_paths[path] = 1
            tid = f"{pid}:{path}"
            own = list(rec.lines)
            placed.update(i for ln in own for i in range(ln.start, ln.end + 1))
            shown = as_printed.of(own)  # the text as printed, not as normalised for the grammar
            rows["tasks"].append({
                "plan_id": pid, "task_id": tid, "path": path, "title": rec.title,
                "text": "\n".join(ln.text for ln in shown), "line_start": rec.head.start,
                "line_end": max(ln.end for ln in own), "timeframe": rec.timeframe, "section": rec.section,
                "task_kind": task_kind(rec.section, path),
                "text_lines": [ln.start for ln in own], "text_breaks": line_breaks(shown, as_printed.raw),
                "numbering_gap": False, "numbering_repaired": block.node.repaired, **carry,
            })
            for role, hits in (("lead", rec.lead), ("support", rec.support)):
                for h in hits:
                    rows["assignments"].append({
                        "plan_id": pid, "task_id": tid, "path": path, "agency": h.agency.canonical,
                        "agency_raw": h.raw, "role": role, "is_collective": bool(h.agency.is_collective),
                        "agency_type": h.agency.type, "line": rec.hit_lines.get(h.agency.canonical, rec.head.start),
                        "confidence": h.confidence,
                        "task_kind": task_kind(rec.section, path), "numbering_gap": False,
                        **carry,
                    })
            rows["problems"] += [{"source_file": src, **p} for p in _task_problems(rec, path, seen_unknown)]
    rows["problems"] += [{"source_file": src, **p} for p in _referred(references, rows)]
    for row in rows["tasks"]:
        row.update(parse_timeframe(row["timeframe"], meta.year, row["text"]))
    rows["sections"] = [{"plan_id": pid, **r, **carry} for r in section_rows(outline, tasked, as_printed)]
    task_of = {i: t["task_id"] for t in rows["tasks"] for i in t["text_lines"]}
    cit = citations_from_lines(pid, [(ln.start, ln.text) for ln in lines if not ln.skip], task_of,
                               own_number=meta.number, own_date=meta.date)
    rows["citations"] = [{**r, **carry} for r in cit.to_dict("records")]
    rows["problems"] += [{"source_file": src, **p} for p in citation_problems(cit)]
    gaps = _numbering_gaps(outline)
    rows["problems"] += [{"source_file": src, **p} for p, _ in gaps]
    rows["problems"] += [{"source_file": src, **problem_row(r.line, "info", "numbering_repaired", r.message)}
                         for r in outline.repairs]  # labels read from the sequence (parse.normalise)
    _flag_gaps(rows, [absorbed for _, absorbed in gaps if absorbed is not None])
    rows["problems"] += [{"source_file": src, **p} for p in _header_problems(document, meta)]
    rows["problems"] += [{"source_file": src, **p} for p in _unread(document, tables_unread(doc.lines))]
    if not rows["tasks"]:
        rows["problems"].append({"source_file": src, "line": None, "severity": "error", "kind": "no_tasks",
                                 "message": "no task section or numbered tasks found: is this a plan?"})
    # every line is accounted for: in a task, a known non-task part, or reported
    for ln in non_task_lines(document, outline):
        placed.update(range(ln.start, ln.end + 1))
    for ln in lines:
        if ln.start not in placed:
            rows["problems"].append({"source_file": src, "line": ln.start, "severity": "info",
                                     "kind": "unplaced_line",
                                     "message": f"lines {ln.start}-{ln.end} not in any task (an implementation "
                                                f"item that names no agency?): {ln.text[:80]!r}"})
    review_pages(rows, doc)  # the page of each row; tasks resting on words OCR read with low confidence
    return rows


#: Columns an assignment row takes from its task's row.
_FROM_TASK = ("plan_id", "task_id", "path", "task_kind", "numbering_gap", "province", "merged_province", "year",
              "level", "source_file")


def _referred(references: list[Reference], rows: dict[str, list[dict]]) -> list[dict]:
    """Add the assignments that cross-references give to the tasks they name (lead wins over support; an agency
    already in a task keeps its row) and drop the ``no_lead`` rows of tasks that got a lead; return a problem row
    for each reference that names no task."""
    got, missing = resolve_references(references, [t for t in rows["tasks"] if t["section"] != "implementation"])
    by_task: dict[str, dict[str, dict]] = {}
    for a in rows["assignments"]:
        by_task.setdefault(a["task_id"], {})[a["agency"]] = a
    led: set[str] = set()
    for task, hit, role, line in got:
        have = by_task.setdefault(task["task_id"], {})
        old = have.get(hit.agency.canonical)
        if old is not None:
            if role == "lead" and old["role"] == "support":
                old["role"] = "lead"
                led.add(task["task_id"])
            continue
        row = {k: task[k] for k in _FROM_TASK if k in task}
        row.update({"agency": hit.agency.canonical, "agency_raw": hit.raw, "role": role,
                    "is_collective": bool(hit.agency.is_collective), "agency_type": hit.agency.type, "line": line,
                    "confidence": hit.confidence})
        rows["assignments"].append(row)
        have[hit.agency.canonical] = row
        if role == "lead":
            led.add(task["task_id"])
    lines = {t["task_id"]: (t["line_start"], t["path"]) for t in rows["tasks"] if t["task_id"] in led}
    stale = {(line, f"task {path} ") for line, path in lines.values()}
    rows["problems"][:] = [p for p in rows["problems"]
                        if not (p["kind"] == "no_lead" and any(p["line"] == ln and p["message"].startswith(pre)
                                                               for ln, pre in stale))]
    return [problem_row(ref.line, "warning", "unresolved_reference",
                        f"the cross-reference {ref.text!r} names {path}, which is no task of this plan (a numbering "
                        "slip, or an item lost in conversion?); its agencies are assigned nothing there")
            for ref, path in missing]


def _task_problems(rec: TaskRecord, path: str, seen_unknown: set[str]) -> list[dict]:
    """Problems of one task: unknown agencies (once per plan), role cues whose agency was not read, no lead."""
    out = []
    for h, line in rec.unknown:
        if h.agency.canonical not in seen_unknown:
            seen_unknown.add(h.agency.canonical)
            out.append(problem_row(line, "warning", "unknown_agency",
                                   f"agency not in the registry: {h.raw!r}, kept as {h.agency.canonical!r} (add it "
                                   "to ttdn_analysis/registry/data/agencies.csv, or an alias to agency_aliases.csv)"))
    for h in rec.lead + rec.support:
        if h.confidence < 1 and ("~" + h.raw) not in seen_unknown:
            seen_unknown.add("~" + h.raw)
            out.append(problem_row(rec.hit_lines.get(h.agency.canonical, rec.head.start), "info", "uncertain_agency",
                                   f"{h.raw!r} is read as {h.agency.canonical!r} through a slip of the scan or the "
                                   f"typing (confidence {h.confidence:.1f}): check the printed name"))
    for raw, line in rec.unparsed:
        out.append(problem_row(line, "warning", "unparsed_assignment",
                               f"task {path}: a role field names something that is not read as an agency: {raw!r} "
                               "(a new kind of body? add its head noun to registry/data/agency_heads.csv)"))
    if not rec.lead:
        supports = ", ".join(h.agency.canonical for h in rec.support)
        out.append(problem_row(rec.head.start, "warning", "no_lead",
                               f"task {path} (lines {rec.head.start}-{max(ln.end for ln in rec.lines)}) names no "
                               "lead agency" + (f"; only partners: {supports}" if supports else "")
                               + ": it counts in no lead table or network"))
    return out


def _header_problems(document: Document, meta: PlanMeta) -> list[dict]:
    """no_number / no_date when the header gives no number or no complete signing date."""
    out = []
    header = document.header
    line = header[0].start if header else None
    if meta.number is None:
        _, present = find_number(header)
        out.append(problem_row(line, "warning", "no_number",
                               "the document number is left blank in the header ('Số:    /…')" if present else
                               "no document number ('Số: …/KH-UBND') found in the header"))
    if meta.date is None:
        _, _, present = find_date(header)
        out.append(problem_row(line, "warning", "no_date",
                               "the signing date is incomplete in the header ('ngày … tháng … năm …' left blank)"
                               if present else "no signing date ('…, ngày … tháng … năm …') found in the header"))
    return out


_TASK_LIKE = re.compile(r"(?:chủ trì|phối hợp|thực hiện|thời gian)\s*:")


def _unread(document: Document, tables: list[tuple[int, int, int]]) -> list[dict]:
    """Tables and task-like text that were not read as tasks (after the signature, or a table without a task
    header)."""
    out = []
    for start, end, rows in tables:
        out.append(problem_row(start, "warning", "unread_table",
                               f"a table of {rows} rows (lines {start}-{end}) was not read as tasks: its first row "
                               "names no content and lead columns (e.g. 'Nội dung', 'Cơ quan chủ trì')"))
    after = [ln for ln in document.closing if (item_of(ln.text) and _TASK_LIKE.search(ln.key))
             or (field_of(ln.text) or ("time",))[0] != "time"]
    if after:
        out.append(problem_row(after[0].start, "warning", "unread_table",
                               f"{len(after)} task-like line(s) after the signature (from line {after[0].start}) "
                               "were not read as tasks: an appendix without a 'PHỤ LỤC' heading?"))
    return out


def _numbering_gaps(outline: Outline) -> list[tuple[dict, tuple[int, str] | None]]:
    """Where the numbering of a section skips (headings lost in conversion or scraping).

    Returns (problem row, (line of the first item after the gap, path of the item that absorbed the lost text) —
    None when no task absorbed it).
    """
    out: list[tuple[dict, tuple[int, str] | None]] = []
    prev, prev_sec = 0, None
    for sec in outline.sections:
        n = roman_value(sec.label)
        if sec.implicit or sec.head is None or n is None:
            continue  # an implicit section stands for a heading the text lost: it does not close a gap
        if n > prev + 1:
            missing = ", ".join(to_roman(i) for i in range(prev + 1, n))
            absorbed = (sec.head.start, prev_sec.path) if prev_sec is not None and \
                prev_sec.section in TASK_SECTIONS else None
            out.append((problem_row(sec.head.start, "warning", "numbering_gap",
                                    f"section {sec.label} follows {to_roman(prev) if prev else 'the header'}: "
                                    f"section(s) {missing} missing (a heading lost, or a numbering slip in the plan)"),
                        absorbed))
        prev, prev_sec = n, sec
    for i, sec in enumerate(outline.sections):
        expected = 1
        for child in sec.children:
            if child.kind != "num" or not child.label.isdigit():
                continue  # a decimal label (1.2), or a table row labelled otherwise, is not a step of this count
            n = int(child.label)
            if n > expected and child.head is not None:
                missing = f"{expected}" if n == expected + 1 else f"{expected}–{n - 1}"
                where = (f"starts at item {n}" if expected == 1 else f"goes from item {expected - 1} to {n}")
                previous = outline.sections[i - 1] if sec.implicit and i else None
                absorbed_path = (f"{sec.path}.{expected - 1}" if sec.path else str(expected - 1)) if expected > 1 \
                    else previous.path if previous is not None else None
                kept = (f"item {expected - 1}" if expected > 1 else
                        "the last item before it" if sec.implicit else "the section's introduction")
                out.append((problem_row(child.head.start, "warning", "numbering_gap",
                                        f"section {sec.path or '(none)'} {where}: item(s) {missing} missing (a "
                                        f"heading lost in conversion or scraping?); their text, if any, is read as "
                                        f"part of {kept}"),
                            (child.head.start, absorbed_path) if absorbed_path is not None else None))
            expected = n + 1
    return out


def _flag_gaps(rows: dict[str, list[dict]], gaps: list[tuple[int, str]]) -> None:
    """Flag the task that absorbed the text of lost items (the last task of the item or section before the gap)
    and its assignments, so that a researcher can filter them."""
    flagged: set[str] = set()
    for line, path in gaps:
        before = [t for t in rows["tasks"] if t["line_start"] < line
                  and (t["path"] == path or t["path"].startswith(path + "."))]
        if before:
            flagged.add(max(before, key=lambda t: (t["line_end"], t["line_start"]))["task_id"])
    for table in ("tasks", "assignments"):
        for r in rows[table]:
            r["numbering_gap"] = r["task_id"] in flagged
