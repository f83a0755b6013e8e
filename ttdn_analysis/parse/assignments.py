"""Assignments: candidate task blocks to tasks × agencies × role."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ttdn_analysis.parse.lines import Line
from ttdn_analysis.parse.outline import TaskBlock, field_of, strip_marker
from ttdn_analysis.registry.agencies import Agency, AgencyHit, match_at, scan_list
from ttdn_analysis.text import line_key

__all__ = ["PlanContext", "TaskRecord", "timeframe_in_text", "agency_heading", "extract_tasks"]

@dataclass
class PlanContext:
    """What the extractor needs to know about the plan: its level and, for a department plan, the issuer."""

    level: str = "province"
    issuer_agency: str | None = None  # canonical name of the issuing department (department plans)


@dataclass
class TaskRecord:
    path: str
    title: str
    head: Line
    lines: list[Line]
    section: str
    timeframe: str | None
    lead: list[AgencyHit] = field(default_factory=list)
    support: list[AgencyHit] = field(default_factory=list)
    unknown: list[tuple[AgencyHit, int]] = field(default_factory=list)  # (hit, source line)
    hit_lines: dict[str, int] = field(default_factory=dict)  # canonical agency -> source line


_PHOI_HOP = re.compile(r"(?<![^\W_])phối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?\s+")


_DIRECTIVE = re.compile(r"(?<![^\W_])(chỉ đạo|hướng dẫn|yêu cầu|đề nghị|đôn đốc)(?![^\W_])")


_REQUEST = re.compile(r"^(?:đề\s+nghị|mời|giao|yêu\s+cầu)\s+", re.IGNORECASE)


_DEADLINE = re.compile(r"(?:hoàn thành |chậm nhất (?:vào )?|trước )ngày\s+\d{1,2}/\d{1,2}(?:/\d{2,4})?", re.IGNORECASE)


def timeframe_in_text(text: str) -> str | None:
    """An explicit deadline in running text ("trước ngày 15/11/2024"), else None.

    >>> timeframe_in_text("tổng hợp báo cáo kết quả (trước ngày 15/11/2024); chủ động")
    'trước ngày 15/11/2024'
    """
    m = _DEADLINE.search(text)
    return m.group(0) if m else None


def _clean_time(value: str) -> str | None:
    v = value.strip().rstrip(".").strip()
    return v or None


def agency_heading(title: str, issuer: str | None = None) -> list[AgencyHit]:
    """Agencies of an agency-centric heading ("3. Sở Thông tin và Truyền thông", "1. Đề nghị Ủy ban MTTQ …").

    Returns [] unless the whole heading is a list of known agencies.

    Examples
    --------
    >>> [h.agency.canonical for h in agency_heading("Bộ Chỉ huy Quân sự tỉnh; Bộ Chỉ huy Bộ đội Biên phòng tỉnh")]
    ['Bộ Chỉ huy Quân sự tỉnh', 'Bộ Chỉ huy Bộ đội Biên phòng tỉnh']
    >>> agency_heading("Sở Tài chính có trách nhiệm thẩm định")
    []
    """
    t = title.strip().rstrip(".:;")
    m = _REQUEST.match(t)
    if m:
        t = t[m.end():]
    if not t or len(t) > 200:
        return []
    hits = scan_list(t, "field", issuer)
    if not hits or any(not h.agency.known for h in hits):
        return []
    if hits[-1].end < len(line_key(t).rstrip(" .")):
        return []
    return hits


def _subject(text: str, issuer: str | None) -> list[AgencyHit]:
    """Agencies that open a sentence as its subject ("Công an tỉnh: chủ động …", "Giao Sở X chủ trì …")."""
    t = text
    m = _REQUEST.match(t)
    if m:
        t = t[m.end():]
    hits = scan_list(t, "text", issuer)
    if not hits or hits[0].start > 2:
        return []
    return hits


def _partners(text: str, issuer: str | None) -> list[AgencyHit]:
    """Agencies named after "phối hợp (với)" in running text, except in duties stated for someone else."""
    key = line_key(text)
    out: list[AgencyHit] = []
    for m in _PHOI_HOP.finditer(key):
        clause_start = max(key.rfind(c, 0, m.start()) for c in ";.:")
        clause = key[clause_start + 1:m.start()]
        if _DIRECTIVE.search(clause):
            continue
        for h in scan_list(text[m.end():], "text", issuer):
            out.append(AgencyHit(h.raw, h.agency, h.start + m.end(), h.end + m.end()))
    return out


def _own_units(text: str, issuer: str) -> list[AgencyHit]:
    """The department's own units named anywhere in *text* ("… các phòng, đơn vị thuộc Sở để tổ chức …")."""
    key = line_key(text)
    for m in re.finditer(r"(?<![^\W_])(?:các|văn)\s", key):
        found = match_at(key, m.start(), issuer)
        if found and found[0].canonical.endswith(issuer):
            return [AgencyHit(text[m.start():found[1]], found[0], m.start(), found[1])]
    return []


_INLINE_FIELD = re.compile(r"(?:^|[;.,]\s*|\s+-\s+|\s*\(\s*)(?P<label>(?:(?:đơn\s+vị|cơ\s+quan)\s+)?"
                           r"(?:phối\s+hợp(?:\s+thực\s+hiện)?|chủ\s+trì(?:\s+thực\s+hiện)?|"
                           r"thời\s+gian(?:\s+thực\s+hiện|\s+hoàn\s+thành)?))\s*:\s*")


def _inline_fields(role: str, value: str) -> list[tuple[str, str]]:
    """Split one line holding several fields ("Chủ trì: Sở A; phối hợp: Sở B; thời gian: Quý I").

    >>> _inline_fields("lead", "Sở Ngoại vụ; phối hợp: Công an tỉnh; thời gian: Quý I/2025")
    [('lead', 'Sở Ngoại vụ'), ('support', 'Công an tỉnh'), ('time', 'Quý I/2025')]
    """
    key = line_key(value)
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _INLINE_FIELD.finditer(key):
        if m.start() == 0 and not m.group(0).strip(" ;.,(-"):
            continue
        out.append((role, value[pos:m.start()].strip(" ;.,")))
        label = m.group("label")
        role = "support" if "phối" in label else ("time" if "thời" in label else "lead")
        pos = m.end()
    out.append((role, value[pos:].strip(" ;.,)")))
    return [(r, v) for r, v in out if v]


def _fields(ln: Line) -> list[tuple[str, str]]:
    """All (role, value) pairs on a field line, inline ones included."""
    f = field_of(ln.text)
    if not f:
        return []
    return _inline_fields(*f) if f[1] else [f]


def _field_values(lines: list[Line], issuer: str | None):
    """Yield (role, hits, line) for field lines, following '- Cơ quan chủ trì:' + '+ activity: agencies' lines."""
    pending_role = None
    for ln in lines:
        fs = _fields(ln)
        if len(fs) > 1:
            pending_role = None
            for role, value in fs:
                if role != "time":
                    yield role, scan_list(value, "field", issuer), ln
            continue
        f = fs[0] if fs else None
        if f:
            role, value = f
            if role == "time":
                pending_role = None
                continue
            if value.strip():
                pending_role = None
                yield role, scan_list(value, "field", issuer), ln
            else:
                pending_role = role
            continue
        if pending_role:  # the value of "- Cơ quan chủ trì:" continues on the following lines
            marker, rest = strip_marker(ln.text)
            if marker and ":" in rest:  # "+ Tổ chức hội nghị xúc tiến đầu tư: Sở Kế hoạch và Đầu tư"
                yield pending_role, scan_list(rest.rsplit(":", 1)[1], "field", issuer), ln
                continue
            hits = scan_list(rest, "field", issuer)  # "+ Sở Nội vụ;" or the plain list on the next line
            if hits and all(h.agency.known for h in hits):
                yield pending_role, hits, ln
                continue
            pending_role = None


def _bullet(ln: Line) -> str:
    marker, _ = strip_marker(ln.text)
    return marker[-1] if marker and marker[-1] in "-–•*+" else ""


def _split_bullets(block: TaskBlock) -> list[tuple[str, Line, list[Line]]] | None:
    """Sub-tasks when ≥2 bullets under an item each carry their own lead field line (GOLD_SPEC)."""
    body = block.lines[1:]
    segs: list[list[Line]] = []
    for ln in body:
        f = field_of(ln.text)
        b = _bullet(ln)
        if not f and b and b in "-–•*":
            segs.append([ln])
        elif segs:
            segs[-1].append(ln)
    with_lead = [s for s in segs if any((field_of(x.text) or ("",))[0] == "lead" for x in s[1:])]
    if len(with_lead) < 2 or len(with_lead) != len([s for s in segs if any(field_of(x.text) for x in s)]):
        return None
    out = []
    for i, s in enumerate(with_lead, start=1):
        _, rest = strip_marker(s[0].text)
        out.append((f"{block.path}.{i}", s[0], s))
    return out


def _dedupe(hits: list[AgencyHit]) -> list[AgencyHit]:
    seen: set[str] = set()
    out = []
    for h in hits:
        if h.agency.canonical not in seen:
            seen.add(h.agency.canonical)
            out.append(h)
    return out


def _one_task(path: str, head: Line, title: str, lines: list[Line], section: str, ctx: PlanContext,
              node_kind: str) -> TaskRecord | None:
    issuer = ctx.issuer_agency if ctx.level == "department" else None
    rec = TaskRecord(path, title, head, lines, section, None)
    lead: list[tuple[AgencyHit, int]] = []
    support: list[tuple[AgencyHit, int]] = []
    times: list[str] = []
    heading_agencies = agency_heading(title, issuer) if node_kind in ("num", "letter", "section") else []
    for ln in lines:
        for role, value in _fields(ln):
            t = _clean_time(value) if role == "time" else None
            if t:
                times.append(t)
    for role, hits, ln in _field_values(lines, issuer):
        for h in hits:
            if not h.agency.known:
                rec.unknown.append((h, ln.start))
            (lead if role == "lead" else support).append((h, ln.start))
    field_lines = {id(ln) for ln in lines if field_of(ln.text)}
    text_lines = [ln for ln in lines if id(ln) not in field_lines]
    if heading_agencies:
        lead = [(h, head.start) for h in heading_agencies] + lead
    partners = [(h, ln.start) for ln in text_lines for h in _partners(ln.text, issuer)]
    if not any(True for _ in lead):
        first = strip_marker(head.text)[1]
        lead += [(h, head.start) for h in _subject(first, issuer)]
        for ln in text_lines[1:]:
            marker, rest = strip_marker(ln.text)
            if marker:
                lead += [(h, ln.start) for h in _subject(rest, issuer)]
    if ctx.level == "department" and ctx.issuer_agency:
        own = Agency(ctx.issuer_agency, "state_department", "province")
        if not lead and section == "implementation":
            lead = [(h, head.start) for h in _own_units(" ".join(ln.text for ln in text_lines), ctx.issuer_agency)]
        if not lead and partners:
            lead = partners
            partners = [(AgencyHit(ctx.issuer_agency, own, 0, 0), head.start)]
        elif not lead and section in ("tasks", "other"):
            lead = [(AgencyHit(ctx.issuer_agency, own, 0, 0), head.start)]
    support += partners
    if section == "implementation" and not lead:
        return None
    if node_kind == "section" and not lead and not support:
        return None  # a section without numbered items is a task only when it assigns work to someone
    lead_d = _dedupe([h for h, _ in lead])
    lead_names = {h.agency.canonical for h in lead_d}
    sup_d = [h for h in _dedupe([h for h, _ in support]) if h.agency.canonical not in lead_names]
    line_of = {}
    for h, ln in lead + support:
        line_of.setdefault(h.agency.canonical, ln)
    rec.lead, rec.support = lead_d, sup_d
    rec.hit_lines = {h.agency.canonical: line_of.get(h.agency.canonical, head.start) for h in lead_d + sup_d}
    rec.timeframe = times[0] if times else timeframe_in_text(" ".join(ln.text for ln in text_lines))
    return rec


def extract_tasks(block: TaskBlock, ctx: PlanContext) -> list[TaskRecord]:
    """Tasks (one, or one per bullet that carries its own lead) and their agencies for one candidate block.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> from ttdn_analysis.parse.outline import parse_outline
    >>> lines = prepare_lines(["II. NHIỆM VỤ", "1. Truyền thông về quyền con người",
    ...     "Cung cấp thông tin cho báo chí về công tác nhân quyền.",
    ...     "- Đơn vị chủ trì: Ban Tuyên giáo Tỉnh ủy, Sở Thông tin và Truyền thông",
    ...     "- Đơn vị phối hợp cung cấp thông tin: Công an tỉnh", "- Thời gian thực hiện: 01 lần/quý."])
    >>> t = extract_tasks(parse_outline(lines).tasks()[0], PlanContext())[0]
    >>> [h.agency.canonical for h in t.lead], [h.agency.canonical for h in t.support], t.timeframe
    (['Ban Tuyên giáo Tỉnh ủy', 'Sở Thông tin và Truyền thông'], ['Công an tỉnh'], '01 lần/quý')
    """
    split = _split_bullets(block) if not agency_heading(block.title) else None
    if split:
        out = []
        for path, head, seg in split:
            _, rest = strip_marker(head.text)
            rec = _one_task(path, head, rest[:120].rsplit(" ", 1)[0] if len(rest) > 120 else rest, seg,
                            block.section, ctx, "bullet")
            if rec:
                out.append(rec)
        return out
    rec = _one_task(block.path, block.head, block.title, block.lines, block.section, ctx, block.node.kind)
    return [rec] if rec else []
