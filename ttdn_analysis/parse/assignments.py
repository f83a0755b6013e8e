"""Tasks and their agencies: a candidate task block, read with the assignment grammar, to lead and support lists.

The grammar (:mod:`ttdn_analysis.parse.roles`) finds agencies in role positions line by line; this module decides
for a whole task, in order of strength:

1. field lines and table columns (and the inline fields of a paragraph);
2. the heading agency of an agency-centric block ("3. Sở Thông tin và Truyền thông:", "1. Đề nghị …");
3. role verbs in running text ("X chủ trì", "(X thực hiện; …)") and partners after "phối hợp (với)";
4. when nothing above names a lead: the subjects that open the item, its bullets, or (in an implementation
   item) its clauses;
5. a department's own plan: "Phối hợp với X" makes X the lead and the department the partner, a task that names
   no agency is the department's, and the department's units stand in for it (GOLD_SPEC, Roles).

Each agency counts once per task and role; lead wins over support; an agency is never its own partner.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ttdn_analysis.parse.agency_spans import AgencyHit, scan
from ttdn_analysis.parse.lines import Line
from ttdn_analysis.parse.outline import TaskBlock
from ttdn_analysis.parse.roles import (
    LineRoles,
    RoleContext,
    cues,
    field_of,
    inline_fields,
    line_roles,
    read_list,
    strip_marker,
    subjects,
)
from ttdn_analysis.registry.agencies import Agency, match_at
from ttdn_analysis.text import line_key

__all__ = ["PlanContext", "commune_of", "TaskRecord", "timeframe_in_text", "agency_heading", "extract_tasks"]


@dataclass
class PlanContext:
    """What the extractor needs to know about the plan: level, province and, for a department plan, the issuer."""

    level: str = "province"
    issuer_agency: str | None = None  # canonical name of the issuing department (department plans)
    province: str | None = None
    issuer: str | None = None  # the issuer as the header names it ("UBND xã Thiên Cầm")

    @property
    def roles(self) -> RoleContext:
        """The context of the role grammar (the issuer only for a department's plan, the commune for a commune's).

        Examples
        --------
        >>> PlanContext("commune", None, "Hà Tĩnh", "UBND xã Thiên Cầm").roles.commune
        ('xã', 'Thiên Cầm')
        """
        return RoleContext(self.province, self.issuer_agency if self.level == "department" else None,
                           commune_of(self.issuer) if self.level == "commune" else None)


_COMMUNE = re.compile(r"(?:ủy ban nhân dân|ubnd)\s+(?P<tier>xã|phường|thị trấn|đặc khu)\s+(?P<name>\S.*?)\s*$")


def commune_of(issuer: str | None) -> tuple[str, str] | None:
    """The tier word and name of a commune that issues a plan ("UBND phường Hòa Bình" → ("phường", "Hòa Bình")).

    >>> commune_of("Ủy ban nhân dân xã Thiên Cầm"), commune_of("UBND tỉnh Hà Tĩnh")
    (('xã', 'Thiên Cầm'), None)
    """
    if not issuer:
        return None
    key = line_key(issuer)
    m = _COMMUNE.match(key)
    return (m.group("tier"), issuer[m.start("name"):m.end("name")]) if m else None


@dataclass
class TaskRecord:
    """One task as extracted: its path, lines, timeframe, agencies by role and what could not be read."""

    path: str
    title: str
    head: Line
    lines: list[Line]
    section: str
    timeframe: str | None
    lead: list[AgencyHit] = field(default_factory=list)
    support: list[AgencyHit] = field(default_factory=list)
    unknown: list[tuple[AgencyHit, int]] = field(default_factory=list)  # (hit, source line)
    unparsed: list[tuple[str, int]] = field(default_factory=list)  # (raw text of a role cue's value, line)
    hit_lines: dict[str, int] = field(default_factory=dict)  # canonical agency -> source line


_WHEN = r"(?:ngày\s+\d{1,2}/\d{1,2}(?:/\d{2,4})?|(?:quý|tháng)\s+[\dIVX]{1,4}(?:/\d{4})?|năm\s+\d{4})"
_DEADLINE = re.compile(rf"(?:hoàn thành\s+)(?P<in>trong\s+{_WHEN})|(?P<by>(?:chậm nhất\s+(?:vào\s+)?|trước\s+)"
                       rf"{_WHEN})|(?P<on>hoàn thành\s+(?:vào\s+)?ngày\s+\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)",
                       re.IGNORECASE)


def timeframe_in_text(text: str) -> str | None:
    """An explicit deadline in running text ("trước ngày 15/11/2024", "hoàn thành trong quý I/2026"), else None.

    >>> timeframe_in_text("tổng hợp báo cáo kết quả (trước ngày 15/11/2024); chủ động")
    'trước ngày 15/11/2024'
    >>> timeframe_in_text("ban hành Quy chế phối hợp, hoàn thành trong quý I/2026.")
    'trong quý I/2026'
    """
    m = _DEADLINE.search(text)
    return (m.group("in") or m.group("by") or m.group("on")) if m else None


def _clean_time(value: str) -> str | None:
    v = value.strip().rstrip(".").strip()
    return v or None


def agency_heading(title: str, issuer: str | None = None, province: str | None = None,
                   commune: tuple[str, str] | None = None) -> list[AgencyHit]:
    """Agencies of an agency-centric heading ("3. Sở Thông tin và Truyền thông", "1. Đề nghị Ủy ban MTTQ …").

    Returns [] unless the whole heading (a parenthesised note and a final ':' aside) is a list of agencies.

    Examples
    --------
    >>> [h.agency.canonical for h in agency_heading("Bộ Chỉ huy Quân sự tỉnh; Bộ Chỉ huy Bộ đội Biên phòng tỉnh")]
    ['Bộ Chỉ huy Quân sự tỉnh', 'Bộ Chỉ huy Bộ đội Biên phòng tỉnh']
    >>> [h.agency.canonical for h in agency_heading("Sở Văn hóa, Thể thao và Du lịch (cơ quan thường trực):")]
    ['Sở Văn hóa, Thể thao và Du lịch']
    >>> agency_heading("Sở Tài chính có trách nhiệm thẩm định")
    []
    """
    t = title.strip().rstrip(".:;").strip()
    m = cues().request_re.match(line_key(t))
    if m:
        t = t[m.end():]
    if not t or len(t) > 200:
        return []
    result = scan(t, "field", issuer, t, province, commune)
    hits = result.hits
    if not hits or result.unparsed or result.trailing or any(not h.agency.known for h in hits):
        return []
    if hits[-1].end < len(line_key(t).rstrip(" .")):
        return []
    return hits


def _fields(ln: Line) -> list[tuple[str, str]]:
    """All (role, value) pairs on a field line, inline ones included."""
    f = field_of(ln.text)
    if not f:
        return []
    role, value = f
    if not value:
        return [f]
    content, rest = inline_fields(value, in_value=True)  # "Chủ trì: A Chủ trì: A": lines run together
    return [(role, content)] + [(r, v) for r, v, _ in rest] if rest else [f]


def _field_values(lines: list[Line], ctx: PlanContext, task_text: str) -> Iterator[tuple[LineRoles, Line]]:
    """Yield (roles, line) for field lines, following a label whose value is on the next lines."""
    rc = ctx.roles
    pending_role = None
    for ln in lines:
        fs = _fields(ln)
        if fs and any(v for _, v in fs):
            pending_role = None
            for role, value in fs:
                if role != "time" and value:
                    yield read_list(value, role, rc, "field", task_text), ln
            continue
        if fs:  # an empty label ("- Cơ quan chủ trì:", "Trách nhiệm thực hiện:"): the value follows
            pending_role = fs[0][0] if fs[0][0] != "time" else None
            continue
        if pending_role:
            marker, rest = strip_marker(ln.text)
            if ":" in rest and (marker or len(rest.split(":", 1)[0].split()) <= 8):
                # "+ Tổ chức hội nghị xúc tiến đầu tư: Sở Kế hoạch và Đầu tư", "Các cơ quan, đơn vị: X, Y"
                yield read_list(rest.split(":", 1)[1], pending_role, rc, "field", task_text), ln
                continue
            result = scan(rest, "field", rc.issuer, task_text, rc.province, rc.commune)  # "+ Sở Nội vụ;" alone
            if result.hits and not result.unparsed:
                yield read_list(rest, pending_role, rc, "field", task_text), ln
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
    return [(f"{block.path}.{i}", s[0], s) for i, s in enumerate(with_lead, start=1)]


def _dedupe(hits: list[AgencyHit]) -> list[AgencyHit]:
    seen: set[str] = set()
    out = []
    for h in hits:
        if h.agency.canonical not in seen:
            seen.add(h.agency.canonical)
            out.append(h)
    return out


def _own_units(text: str, issuer: str) -> list[AgencyHit]:
    """The department's own units named anywhere in *text* ("… các phòng, đơn vị thuộc Sở để tổ chức …")."""
    key = line_key(text)
    for m in re.finditer(r"(?<![^\W_])(?:các|văn)\s", key):
        found = match_at(key, m.start(), issuer)
        if found and found[0].canonical.endswith(issuer):
            return [AgencyHit(text[m.start():found[1]], found[0], m.start(), found[1])]
    return []


def _one_task(path: str, head: Line, title: str, lines: list[Line], section: str, ctx: PlanContext,
              node_kind: str) -> TaskRecord | None:
    rc = ctx.roles
    issuer = rc.issuer
    rec = TaskRecord(path, title, head, lines, section, None)
    task_text = " ".join(ln.text for ln in lines)
    lead: list[tuple[AgencyHit, int]] = []
    support: list[tuple[AgencyHit, int]] = []
    times: list[str] = []
    field_lines = {id(ln) for ln in lines if field_of(ln.text)}
    for ln in lines:
        for role, value in _fields(ln):
            t = _clean_time(value) if role == "time" else None
            if t:
                times.append(t)
    for found, ln in _field_values(lines, ctx, task_text):
        lead += [(h, ln.start) for h in found.lead]
        support += [(h, ln.start) for h in found.support]
        rec.unparsed += [(raw, ln.start) for raw in found.unparsed]
    # the heading of an agency-centric block ("3. Sở …:", "2. Sở KH&CN: chủ trì …" is read as a subject below)
    heading = (agency_heading(title, issuer, rc.province, rc.commune) if node_kind in ("num", "letter", "section")
               else [])
    lead = [(h, head.start) for h in heading] + lead
    text_lines = [ln for ln in lines if id(ln) not in field_lines]
    verb_lead: list[tuple[AgencyHit, int]] = []
    partners: list[tuple[AgencyHit, int]] = []
    joins = False  # "phối hợp với X (đơn vị chủ trì)": X leads, the plan's own subject supports
    for i, ln in enumerate(text_lines):
        text = strip_marker(ln.text)[1] if i == 0 and ln is head else ln.text
        if ln is head and heading:
            continue
        found = line_roles(text, rc, task_text)
        verb_lead += [(h, ln.start) for h in found.lead]
        partners += [(h, ln.start) for h in found.support]
        times += [t for t in (_clean_time(x) for x in found.time) if t]
        joins |= found.lead_among_partners
    if not lead:  # a field or heading lead is stronger than a role verb in the text
        lead = verb_lead
    if not lead:
        first = strip_marker(head.text)[1]
        lead += [(h, head.start) for h in subjects(first, rc, task_text, all_clauses=section == "implementation")]
        for k, ln in enumerate(text_lines[1:]):
            marker, rest = strip_marker(ln.text)
            if marker or (k == 0 and text_lines[0] is head):  # a bullet, or the paragraph that opens the item
                lead += [(h, ln.start) for h in subjects(rest, rc, task_text)]
    if ctx.level == "department" and ctx.issuer_agency:
        own = Agency(ctx.issuer_agency, "state_department", "province")
        me = AgencyHit(ctx.issuer_agency, own, 0, 0)
        if not lead and section == "implementation":
            lead = [(h, head.start) for h in _own_units(task_text, ctx.issuer_agency)]
        if not lead and partners:  # "Phối hợp với Sở X …": X leads, the department supports
            lead, partners = partners, [(me, head.start)]
        elif joins and lead and not any(h.agency.canonical.endswith(ctx.issuer_agency) for h, _ in lead):
            partners.append((me, head.start))
        elif not lead and section in ("tasks", "other"):
            lead = [(me, head.start)]
    support += partners
    if section == "implementation" and not lead:
        return None
    if node_kind == "section" and not lead and not support:
        return None  # a section without numbered items is a task only when it assigns work to someone
    lead_d = _dedupe([h for h, _ in lead])
    lead_names = {h.agency.canonical for h in lead_d}
    sup_d = [h for h in _dedupe([h for h, _ in support]) if h.agency.canonical not in lead_names]
    line_of: dict[str, int] = {}
    for h, ln_no in lead + support:
        line_of.setdefault(h.agency.canonical, ln_no)
        if not h.agency.known:
            rec.unknown.append((h, ln_no))
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
    rc = ctx.roles
    split = _split_bullets(block) if not agency_heading(block.title, rc.issuer, rc.province, rc.commune) else None
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
