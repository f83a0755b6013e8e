"""Header metadata: province, year the plan is for, issuer, level, number, signing date, title."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ttdn_analysis.parse.lines import Line
from ttdn_analysis.text import line_key

__all__ = ["PlanMeta", "parse_metadata"]

@dataclass
class PlanMeta:
    province: str | None
    year: int | None
    issuer: str | None
    level: str
    number: str | None
    date: str | None
    title: str | None
    issuer_agency: str | None = None  # the issuing department's canonical name (department plans)


_NUMBER = re.compile(r"(?:^|\|\s*|\s)số(?:\s+hiệu)?\s*[:|]?\s*(\d*)\s*/\s*([A-ZĐ][A-ZĐ0-9\-]*(?:-[A-ZĐ0-9]+)*)",
                     re.IGNORECASE)


_DATE_VN = re.compile(r"ngày\s+(\d{1,2})?\s*tháng\s+(\d{1,2})?\s*năm\s+(\d{4})", re.IGNORECASE)


_DATE_NUM = re.compile(r"ngày\s+(?:ban\s+hành|ký)\s*[:|]?\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", re.IGNORECASE)


_YEAR_FOR = re.compile(r"(?:năm|giai đoạn)\s+(20\d\d)(?!\s*[-–]\s*20\d\d)", re.IGNORECASE)


_DEPT = re.compile(r"^(?:ubnd (?:tỉnh|thành phố) .*?\s{2,})?(sở [^\s].*?|ban [^\s].*?)(?:\s{2,}|\s*\||$)",
                   re.IGNORECASE)


def _province(lines: list[Line]) -> str | None:
    try:
        from ttdn_analysis.registry.provinces import find_province
    except Exception:  # pragma: no cover - province table missing
        return None
    for ln in lines:  # the place-and-date line is the most reliable
        if _DATE_VN.search(ln.text):
            p = find_province(ln.text.split(",")[0]) or find_province(ln.text)
            if p:
                return p
    for pat in (r"ủy ban nhân dân|ubnd|cơ quan ban hành|nơi ban hành|tỉnh ủy", r"tỉnh|thành phố"):
        for ln in lines:
            if re.search(pat, line_key(ln.text)):
                p = find_province(ln.text)
                if p:
                    return p
    for ln in lines:
        p = find_province(ln.text)
        if p:
            return p
    return None


_TITLE_STOP = re.compile(r"^(căn cứ|thực hiện|để|nhằm|[ivx]+\.\s|\d+\.\s|số\b|ubnd|ủy ban nhân dân|chủ tịch|[-_=*.·\s]+$)")


def _title(lines: list[Line]) -> str | None:
    """The plan's title: the line(s) after "KẾ HOẠCH" (up to three short lines), or a page title "Kế hoạch …"."""
    for i, ln in enumerate(lines):
        k = line_key(ln.text)
        if k in ("kế hoạch", "kế hoạch:"):
            parts: list[str] = []
            for nxt in lines[i + 1:i + 4]:
                nk = line_key(nxt.text)
                if _TITLE_STOP.match(nk) or len(nk) > 200 or nxt.start - lines[i].start > 10:
                    break
                parts.append(nxt.text.strip())
                if re.search(r"(năm|giai đoạn)\s+20\d\d", nk):
                    break  # the title ends with its year
            return " ".join(parts) or None
        if k.startswith("kế hoạch ") and len(k) > 20 and i < 5:
            return ln.text.strip()
    return None


def _unit_word(province: str) -> str:
    """'thành phố' for a centrally-run city, else 'tỉnh'."""
    try:
        from ttdn_analysis.registry.provinces import provinces
        df = provinces()
        kinds = set(df.loc[df["name"] == province, "kind"])
        if kinds and all("thành phố" in str(k) for k in kinds):
            return "thành phố"
    except Exception:
        pass
    return "tỉnh"


def _title_case_agency(s: str) -> str:
    words = s.strip().split()
    if not words:
        return s
    out = [words[0].capitalize()] + [w.lower() for w in words[1:]]
    return " ".join(out)


def parse_metadata(header: list[Line], preamble: list[Line], all_lines: list[Line]) -> PlanMeta:
    """Read plan metadata from the header (and preamble) lines.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> ls = prepare_lines(["Số: 262 /KH-UBND", "Đồng Nai, ngày 08 tháng 11 năm 2023", "**KẾ HOẠCH**",
    ...                     "**Hoạt động thông tin đối ngoại tỉnh Đồng Nai năm 2024**", "Căn cứ ..."])
    >>> m = parse_metadata(ls[:4], ls[4:], ls)
    >>> m.number, m.date, m.year, m.level, m.title
    ('262/KH-UBND', '2023-11-08', 2024, 'province', 'Hoạt động thông tin đối ngoại tỉnh Đồng Nai năm 2024')
    """
    head = header + preamble[:3]
    scope = head if head else all_lines[:30]
    number = None
    for ln in scope:
        m = _NUMBER.search(ln.text)
        if m:
            number = f"{m.group(1)}/{m.group(2).upper()}" if m.group(1) else None
            break
    date = None
    sign_year = None
    joined = " ".join(ln.text for ln in scope)
    m = _DATE_VN.search(joined)
    if m:
        sign_year = int(m.group(3))
        if m.group(1) and m.group(2):
            date = f"{int(m.group(3)):04d}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    if date is None:
        m2 = _DATE_NUM.search(joined)
        if m2:
            date = f"{int(m2.group(3)):04d}-{int(m2.group(2)):02d}-{int(m2.group(1)):02d}"
            sign_year = sign_year or int(m2.group(3))
    title = _title(scope) or _title(all_lines[:40])
    year = None
    if title:
        ym = re.search(r"năm\s+(20\d\d)", title, re.IGNORECASE)
        if ym:
            year = int(ym.group(1))
    year = year or sign_year
    province = _province(scope) or _province(all_lines[:60])
    level, issuer, issuer_agency = "province", None, None
    for ln in scope:
        dm = _DEPT.match(ln.text.strip())
        if dm and dm.group(1).isupper():
            issuer_agency = _title_case_agency(dm.group(1))
            level = "department"
            break
    if issuer_agency is None:
        for ln in preamble[:3]:
            dm = re.search(r";\s*(Sở [A-ZĐÂ][^;,.]*?)\s+(?:triển khai|ban hành|xây dựng)", ln.text)
            if dm:
                issuer_agency, level = dm.group(1).strip(), "department"
                break
    if issuer_agency:
        try:
            from ttdn_analysis.registry.agencies import resolve
            ag = resolve(issuer_agency)
            if ag is not None:
                issuer_agency = ag.canonical
        except Exception:
            pass
        issuer = issuer_agency
    elif province:
        issuer = f"UBND {_unit_word(province)} {province}"
    return PlanMeta(province, year, issuer, level, number, date, title, issuer_agency)
