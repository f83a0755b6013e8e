"""One plan's lines to table rows: outline, metadata, tasks, assignments, citations, problems."""
from __future__ import annotations

from pathlib import Path

from ttdn_analysis.ingest.read import RawDoc
from ttdn_analysis.parse.assignments import PlanContext, agency_heading, extract_tasks
from ttdn_analysis.parse.citations import citation_problems, citations_from_lines
from ttdn_analysis.parse.document import Document, segment
from ttdn_analysis.parse.kinds import plan_kind
from ttdn_analysis.parse.lines import Line, prepare_lines
from ttdn_analysis.parse.header import read_header
from ttdn_analysis.parse.outline import TASK_SECTIONS, Outline, parse_outline
from ttdn_analysis.parse.provenance import line_breaks
from ttdn_analysis.parse.tables import expand_tables, split_tables
from ttdn_analysis.parse.timeframes import parse_timeframe
from ttdn_analysis.registry.provinces import after_merger
from ttdn_analysis.schema import TABLES

__all__ = ["parse_plan", "read_structure", "non_task_lines"]

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
    text_lines, tables = split_tables(raw_lines)
    lines = expand_tables(prepare_lines(text_lines), tables)
    document = segment(lines)
    outline = parse_outline(document.body, is_agency_heading=lambda t: bool(agency_heading(t)),
                            appendices=document.appendices)
    return lines, document, outline


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


def parse_plan(doc: RawDoc, manifest: dict[str, str] | None = None, plan_id: str | None = None) -> dict[str, list[dict]]:
    """Parse one read file into table rows (no themes). Never raises for a bad plan: problems are rows.

    Examples
    --------
    >>> import tempfile, os
    >>> from ttdn_analysis.ingest.read import read_plan
    >>> p = os.path.join(tempfile.mkdtemp(), "x.txt")
    >>> _ = open(p, "w", encoding="utf-8").write("Không phải kế hoạch.")
    >>> rows = parse_plan(read_plan(p))
    >>> sorted(r["kind"] for r in rows["problems"])
    ['no_province', 'no_tasks', 'no_year']
    """
    src = str(doc.path)
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    for p in doc.problems:
        rows["problems"].append({"source_file": src, **p})
    if not doc.lines:
        return rows
    pid = plan_id or _plan_id(doc.path)
    lines, document, outline = read_structure(doc.lines)
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
    ctx = PlanContext(meta.level, meta.issuer_agency, meta.province)
    placed: set[int] = set()
    seen_unknown: set[str] = set()
    seen_paths: dict[str, int] = {}
    for block in outline.tasks():
        recs = extract_tasks(block, ctx)
        if recs:  # the heading of an item split into bullet tasks is accounted for by them
            placed.update(i for ln in block.lines for i in range(ln.start, ln.end + 1))
        for rec in recs:
            path = rec.path
            if path in seen_paths:  # a lost heading can repeat a number: keep ids unique, say so
                seen_paths[path] += 1
                rows["problems"].append({"source_file": src, "line": rec.head.start, "severity": "warning",
                                         "kind": "duplicate_path",
                                         "message": f"outline number {path} occurs again; kept as {path}~{seen_paths[path]}"})
                path = f"{path}~{seen_paths[path]}"
            else:
                seen_paths[path] = 1
            tid = f"{pid}:{path}"
            own = [ln for ln in rec.lines]
            placed.update(i for ln in own for i in range(ln.start, ln.end + 1))
            rows["tasks"].append({
                "plan_id": pid, "task_id": tid, "path": path, "title": rec.title,
                "text": "\n".join(ln.text for ln in own), "line_start": rec.head.start,
                "line_end": max(ln.end for ln in own), "timeframe": rec.timeframe, "section": rec.section,
                "text_lines": [ln.start for ln in own], "text_breaks": line_breaks(own, doc.lines),
                "numbering_gap": False, **carry,
            })
            for role, hits in (("lead", rec.lead), ("support", rec.support)):
                for h in hits:
                    rows["assignments"].append({
                        "plan_id": pid, "task_id": tid, "path": path, "agency": h.agency.canonical,
                        "agency_raw": h.raw, "role": role, "is_collective": bool(h.agency.is_collective),
                        "agency_type": h.agency.type, "line": rec.hit_lines.get(h.agency.canonical, rec.head.start),
                        "numbering_gap": False,
                        **carry,
                    })
            for h, line in rec.unknown:
                if h.agency.canonical not in seen_unknown:
                    seen_unknown.add(h.agency.canonical)
                    rows["problems"].append({"source_file": src, "line": line, "severity": "warning",
                                             "kind": "unknown_agency",
                                             "message": f"agency not in the registry: {h.raw!r} (add an alias "
                                                        "in ttdn_analysis/registry/data/agency_aliases.csv)"})
    for row in rows["tasks"]:
        row.update(parse_timeframe(row["timeframe"], meta.year))
    task_of = {i: t["task_id"] for t in rows["tasks"] for i in t["text_lines"]}
    cit = citations_from_lines(pid, [(ln.start, ln.text) for ln in lines if not ln.skip], task_of,
                               own_number=meta.number, own_date=meta.date)
    rows["citations"] = [{**r, **carry} for r in cit.to_dict("records")]
    rows["problems"] += [{"source_file": src, **p} for p in citation_problems(cit)]
    rows["problems"] += _numbering_gaps(outline, src)
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
    return rows


def _numbering_gaps(outline, src: str) -> list[dict]:
    """Warn where the top-level numbering of a section skips (headings lost in conversion or scraping)."""
    out = []
    romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    prev = 0
    for sec in outline.sections:
        if sec.implicit or sec.head is None or sec.label not in romans:
            continue
        n = romans.index(sec.label) + 1
        if n > prev + 1:
            missing = ", ".join(romans[prev:n - 1])
            out.append({"source_file": src, "line": sec.head.start, "severity": "warning", "kind": "numbering_gap",
                        "message": f"section {sec.label} follows {romans[prev - 1] if prev else 'the header'}: "
                                   f"section(s) {missing} missing (a heading lost, or a numbering slip in the plan)"})
        prev = n
    for sec in outline.sections:
        expected = 1
        for child in sec.children:
            if child.kind != "num" or "." in child.label:
                continue
            n = int(child.label)
            if n > expected and child.head is not None:
                missing = f"{expected}" if n == expected + 1 else f"{expected}–{n - 1}"
                where = (f"starts at item {n}" if expected == 1 else f"goes from item {expected - 1} to {n}")
                kept = (f"item {expected - 1}" if expected > 1 else
                        "the last item before it" if sec.implicit else "the section's introduction")
                out.append({"source_file": src, "line": child.head.start, "severity": "warning",
                            "kind": "numbering_gap",
                            "message": f"section {sec.path} {where}: item(s) {missing} missing (a heading lost in "
                                       f"conversion or scraping?); their text, if any, is read as part of {kept}"})
            expected = n + 1
    return out
