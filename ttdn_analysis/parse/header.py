"""The header of the Decree 30/2020/NĐ-CP layout: issuing body, number, place and date, document type and summary.

One small grammar reads every rendering of the same header: clean lines; a two-column table flattened with "|"
cells and "-------" rules; columns spaced apart; everything on one or two long lines (PDF text); the date split over
lines ("ngày 29" / "tháng 01 năm 2021"); a number left blank ("Số:    /KH-UBND"); a legal-database block ("Số hiệu:
… Ngày ban hành: …") or a web page's title and breadcrumb above the document. Fields are searched in the issuing
document's header (for a decision that issues a plan, number and date are the decision's; the title and the year
the plan is for come from the attached plan's own header when there is one).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ttdn_analysis.parse.agency_spans import resolve
from ttdn_analysis.parse.document import DOC_TYPES, Document
from ttdn_analysis.parse.lines import Line
from ttdn_analysis.registry.provinces import find_province, provinces
from ttdn_analysis.text import line_key

__all__ = ["PlanMeta", "read_header", "find_number", "find_date", "plan_year"]


@dataclass
class PlanMeta:
    """What the header says: province, year the plan is for, issuer, level, number, signing date, title."""

    province: str | None
    year: int | None
    issuer: str | None
    level: str
    number: str | None
    date: str | None
    title: str | None
    issuer_agency: str | None = None  # the issuing department's canonical name (department plans)
    doc_kind: str = "unknown"  # plan, programme, decision, letter … (see parse.document.DOC_TYPES)


# "Số: 262 /KH-UBND", "Số hiệu | 143/KH-UBND", "Số: 07/2024/QĐ-UBND", "Số:     /KH-UBND" (left blank); a scan's
# "-Số:58/KH-UBND" (a speck glued before it)
_NUMBER = re.compile(r"(?:^|[^\w])số(?:\s+hiệu)?\s*[:|]?\s*(?P<n>\d{0,6})\s*(?:/\s*(?P<y>(?:19|20)\d\d)\s*)?/\s*"
                     r"(?P<sym>[^\W\d_][\w&Đđ]*(?:-[\w&Đđ]+|\s*-\s*(?-i:[A-ZĐ&]+)(?![^\W\d_]))*)", re.IGNORECASE)
# A Party document's number: "Số 128-KH/TU", "Số: 06-KH/TU", "Số 15-CTr/ThU" (number, hyphen, kind/issuer)
_PARTY_NUMBER = re.compile(r"(?:^|[^\w])số\s*:?\s*(?P<n>\d{1,6})\s*-\s*(?P<sym>[^\W\d_]{1,6}/[^\W\d_]{1,6}"
                           r"(?:-[^\W\d_]{1,6})?)(?![\w/])", re.IGNORECASE)
_DATE_VN = re.compile(r"ngày\s+(?P<d>\d{1,2})?\s*(?:\|\s*)?tháng\s+(?P<m>\d{1,2})?\s*năm\s+(?P<y>\d{4})",
                      re.IGNORECASE)
_DATE_PLACE = re.compile(r"[^\W\d_][^,|]{1,40},\s*ngày\s+(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*"
                         r"(?P<y>\d{4})", re.IGNORECASE)
_DATE_DB = re.compile(r"ngày\s+(?:ban\s+hành|ký)\s*[:|]?\s*(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})",
                      re.IGNORECASE)
#: How much of a header line the field search reads: a header is short, a pathological one-line file is not.
_HEADER_CHARS = 2000
_YEAR_IN_TITLE = re.compile(r"(?<![\d/.\-])((?:19|20)\d\d)(?![\d/])")
# what a title cites rather than the period it is for: a number ("số 12/2025/QĐ-UBND", "1079/QĐ-TTg"), a date
_TITLE_CITED = re.compile(r"\d{1,6}(?:/\d{4})?/[^\W\d_][\w\-&Đđ]*|\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|"
                          r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}", re.IGNORECASE)
# a period "giai đoạn 2026–2030", "2026 - 2030" (any dash): the plan is for its first year
_TITLE_PERIOD = re.compile(r"((?:19|20)\d\d)\s*[-–—]\s*(?:19|20)\d\d")
# a target year ("đến năm 2030", "tầm nhìn 2045", "định hướng đến năm 2035") is never the plan's year
_TITLE_TARGET = re.compile(r"(?:đến|tới|tầm\s+nhìn|định\s+hướng)(?:\s+(?:đến|tới))?\s+(?:năm\s+)?$", re.IGNORECASE)
# the issuing body of a commune plan: "ỦY BAN NHÂN DÂN" then "XÃ THIÊN CẦM", or "UBND PHƯỜNG AN KHÁNH" on one line
_COMMUNE = re.compile(r"^(?:(?:ủy ban nhân dân|ubnd)\s+)?(?P<unit>xã|phường|đặc khu|thị trấn)\s+"
                      r"(?P<name>[^\W\d_][^|,;:]{1,40}?)\s*(?:\||$)")
_PARTY_ISSUER = re.compile(r"^(?P<body>tỉnh ủy|thành ủy|đảng bộ tỉnh|ban thường vụ tỉnh ủy|ban thường vụ thành ủy)\b")
_TITLE_STOP = re.compile(r"^(?:căn cứ|thực hiện|để|nhằm|[ivx]+\.\s|\d+\.\s|số\b|ubnd|ủy ban nhân dân|chủ tịch|"
                         r"\(|[-_=*.·\s]+$)")
_DEPT = re.compile(r"(?:^|\|\s*|\s{2,}|ủy ban nhân dân (?:tỉnh|thành phố) [^|]*?\s|ubnd (?:tỉnh|thành phố) [^|]*?\s)"
                   r"(?P<dept>(?!BAN NHÂN DÂN|BAN THƯỜNG VỤ|BAN CHẤP HÀNH)"  # "ỦY" / "BAN NHÂN DÂN" split: the UBND
                   r"(?:SỞ|BAN QUẢN LÝ|BAN)\s[A-ZĐÀ-Ỹ,\- ]+?)(?=\s*(?:\||\s{2,}|CỘNG HÒA|Số\s*:|$))")


def _iso(d: str | None, m: str | None, y: str | None) -> str | None:
    if not (d and m and y):
        return None
    try:
        day, month, year = int(d), int(m), int(y)
    except ValueError:
        return None
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def find_number(lines: list[Line]) -> tuple[str | None, bool]:
    """The document number ("262/KH-UBND") in header lines, and whether a "Số:" field was there at all.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> find_number(prepare_lines(["Số: 07/2024/QĐ-UBND | Bến Tre, ngày 02 tháng 02 năm 2024"]))
    ('07/2024/QĐ-UBND', True)
    >>> find_number(prepare_lines(["Số:       /KH-UBND"])), find_number(prepare_lines(["KẾ HOẠCH"]))
    ((None, True), (None, False))
    >>> find_number(prepare_lines(["Số 128-KH/TU"])), find_number(prepare_lines(["-Số:58/KH-UBND - Tây Ninh"]))
    (('128-KH/TU', True), ('58/KH-UBND', True))
    """
    for ln in lines:
        party = _PARTY_NUMBER.search(ln.text[:_HEADER_CHARS])
        if party:
            return f"{party.group('n')}-{party.group('sym')}", True
        m = _NUMBER.search(ln.text[:_HEADER_CHARS])
        if m:
            sym = re.sub(r"\s+", "", m.group("sym"))
            if not m.group("n"):
                return None, True
            year = f"/{m.group('y')}" if m.group("y") else ""
            return f"{m.group('n')}{year}/{sym}", True
    return None, False


def find_date(lines: list[Line]) -> tuple[str | None, int | None, bool]:
    """The signing date (ISO) in header lines, the signing year, and whether a date field was there at all.

    Accepts "Đồng Nai, ngày 08 tháng 11 năm 2023" (also split over lines), "Hà Tĩnh, ngày 06/02/2024" and a
    legal database's "Ngày ban hành: 04/03/2022"; a day or month left blank gives no date but the year.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> find_date(prepare_lines(["Tây Ninh, ngày 29", "tháng 01 năm 2021"]))
    ('2021-01-29', 2021, True)
    >>> find_date(prepare_lines(["Long An, ngày    tháng 11 năm 2024"]))
    (None, 2024, True)
    """
    joined = " | ".join(ln.text[:_HEADER_CHARS] for ln in lines)[:4 * _HEADER_CHARS]
    m = _DATE_VN.search(joined)
    if m:
        return _iso(m.group("d"), m.group("m"), m.group("y")), int(m.group("y")), True
    for rx in (_DATE_PLACE, _DATE_DB):
        m = rx.search(joined)
        if m:
            return _iso(m.group("d"), m.group("m"), m.group("y")), int(m.group("y")), True
    return None, None, False


def _province(lines: list[Line]) -> str | None:
    for ln in lines:  # the place-and-date line is the most reliable
        if re.search(r",\s*ngày\b", ln.text, re.IGNORECASE):
            for part in re.split(r"\s*\|\s*|\s{2,}", ln.text):
                if re.search(r",\s*ngày\b", part, re.IGNORECASE):
                    p = find_province(part.split(",")[0]) or find_province(part)
                    if p:
                        return p
    for pat in (r"ủy ban nhân dân|ubnd|cơ quan ban hành|nơi ban hành|tỉnh ủy", r"tỉnh|thành phố"):
        for ln in lines:
            if re.search(pat, ln.key):
                p = find_province(ln.text)
                if p:
                    return p
    for ln in lines:
        p = find_province(ln.text)
        if p:
            return p
    return None


def _title(lines: list[Line]) -> tuple[str | None, str]:
    """The summary after the document type ("KẾ HOẠCH" + "Công tác … năm 2024"), and the document kind."""
    alt = "|".join(sorted((re.escape(k) for k in DOC_TYPES), key=len, reverse=True))
    for i, ln in enumerate(lines):
        k = ln.key.replace("*", "").strip(" :")
        if k in DOC_TYPES:
            parts: list[str] = []
            for j, nxt in enumerate(lines[i + 1:i + 5]):
                nk = nxt.key
                # the summary right under the type may itself start "thực hiện …" (an implementation plan's
                # title); a basis paragraph ends with ";" or ":"
                title_first = j == 0 and nk.startswith("thực hiện") and not nk.rstrip().endswith((";", ":"))
                if (_TITLE_STOP.match(nk) and not title_first) or len(nk) > 250 or (
                        k == "quyết định" and nk.startswith("chủ tịch")):
                    break
                parts.append(nxt.text.strip().strip("*").strip())
                if re.search(r"(?:năm|giai đoạn)\s+(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\s*$", nk):
                    break  # the summary ends with its year
            return " ".join(parts) or None, DOC_TYPES[k]
        one = re.search(rf"(?:^|\s)({alt.upper()})\s+(?P<rest>[^|]+)$", ln.text)
        if one and len(ln.text) > 60:  # the whole header on one long line: the summary runs to the line's end
            return one.group("rest").strip(), DOC_TYPES[one.group(1).lower()]
        if k.startswith("v/v"):
            return ln.text.split(" ", 1)[1].strip() if " " in ln.text else None, "letter"
    for ln in lines[:3]:  # a web page's title "Kế hoạch … năm 2025 - Cổng thông tin …"
        if ln.key.startswith("kế hoạch ") and len(ln.key) > 20:
            return ln.text.split(" - ")[0].strip(), "plan"
    return None, "unknown"


def _unit_word(province: str) -> str:
    """'thành phố' for a centrally-run city, else 'tỉnh'."""
    df = provinces()
    kinds = set(df.loc[df["name"] == province, "kind"])
    return "thành phố" if kinds and all("thành phố" in str(k) for k in kinds) else "tỉnh"


def _department(lines: list[Line], preamble: list[Line]) -> str | None:
    """The issuing department of a department's plan ("SỞ NGOẠI VỤ" under "UBND TỈNH LẠNG SƠN"), else None."""
    for ln in lines:
        m = _DEPT.search(ln.text.strip())
        if m:
            name = m.group("dept").strip(" ,-")
            words = name.split()
            return " ".join([words[0].capitalize()] + [w.lower() for w in words[1:]])
    for ln in preamble[:3]:
        m = re.search(r";\s*(Sở [A-ZĐÂ][^;,.]*?)\s+(?:triển khai|ban hành|xây dựng)", ln.text)
        if m:
            return m.group(1).strip()
    return None


def plan_year(title: str | None) -> int | None:
    """The year a plan is FOR, from its title: a period's first year, else the first year that is neither a target
    ("đến năm 2030") nor part of a cited number or date; None when the title names none.

    Examples
    --------
    >>> plan_year("Công tác thông tin đối ngoại năm 2026"), plan_year("Thông tin đối ngoại giai đoạn 2026–2030")
    (2026, 2026)
    >>> plan_year("Thực hiện Chiến lược thông tin đối ngoại đến năm 2030"), plan_year(None)
    (None, None)
    >>> plan_year("Triển khai Quyết định số 12/2025/QĐ-UBND về thông tin đối ngoại năm 2026")
    2026
    """
    if not title:
        return None
    text = _TITLE_CITED.sub(" ", title)
    period = _TITLE_PERIOD.search(text)
    if period:
        return int(period.group(1))
    for m in _YEAR_IN_TITLE.finditer(text):
        if not _TITLE_TARGET.search(text[:m.start()]):
            return int(m.group(1))
    return None


def _commune(header: list[Line]) -> str | None:
    """The issuing commune ("UBND xã Thiên Cầm") when the issuing body is a commune's, else None."""
    # the header's cells in order: lines, and the parts of a line flattened from columns ("|", wide spaces)
    cells = [part.strip() for ln in header[:8] for part in re.split(r"\s*\|\s*|\s{2,}", ln.text[:_HEADER_CHARS])
             if part.strip()]
    for i, cell in enumerate(cells):
        key = line_key(cell)
        m = _COMMUNE.match(key)
        if not m:
            continue
        prev = line_key(cells[i - 1]) if i else ""
        if key.startswith(("ủy ban nhân dân", "ubnd")) or prev in ("ủy ban nhân dân", "ubnd"):
            name = cell[m.start("name"):m.end("name")].strip()
            name = " ".join(w[:1].upper() + w[1:].lower() for w in name.split())
            return f"UBND {m.group('unit')} {name}"
    return None


def _party_issuer(header: list[Line], number: str | None) -> str | None:
    """'Tỉnh ủy' or 'Thành ủy' when a Party committee issued the plan (its header or a "-KH/TU" number), else
    None."""
    for ln in header[:8]:
        m = _PARTY_ISSUER.match(ln.key.strip())
        if m:
            return "Thành ủy" if "thành ủy" in m.group("body") else "Tỉnh ủy"
    if number and re.search(r"/(?:TU|ThU)$", number):
        return "Thành ủy" if number.endswith("ThU") else "Tỉnh ủy"
    return None


def read_header(document: Document, preamble: list[Line], lines: list[Line]) -> PlanMeta:
    """Read the plan's metadata from its document model.

    Examples
    --------
    >>> from ttdn_analysis.parse.lines import prepare_lines
    >>> from ttdn_analysis.parse.document import segment
    >>> ls = prepare_lines(["Số: 262 /KH-UBND", "Đồng Nai, ngày 08 tháng 11 năm 2023", "**KẾ HOẠCH**",
    ...                     "**Hoạt động thông tin đối ngoại tỉnh Đồng Nai năm 2024**", "Căn cứ ..."])
    >>> m = read_header(segment(ls), [], ls)
    >>> m.number, m.date, m.year, m.level, m.title, m.province
    ('262/KH-UBND', '2023-11-08', 2024, 'province', 'Hoạt động thông tin đối ngoại tỉnh Đồng Nai năm 2024', 'Đồng Nai')
    >>> ls = prepare_lines(["ỦY BAN NHÂN DÂN  XÃ THIÊN CẦM  Số: 09/KH-UBND  Thiên Cầm, ngày 21 tháng 01 năm 2026  "
    ...                     "KẾ HOẠCH Công tác thông tin đối ngoại trên địa bàn xã năm 2026", "Căn cứ …"])
    >>> m = read_header(segment(ls), [], ls)
    >>> m.level, m.issuer, m.number, m.year
    ('commune', 'UBND xã Thiên Cầm', '09/KH-UBND', 2026)
    """
    header = document.header or lines[:30]
    number, _ = find_number(header)
    date, sign_year, _ = find_date(header)
    title, kind = _title(document.plan_header) if document.plan_header else (None, "unknown")
    if title is None:
        title, kind = _title(header)
        if title is None and not document.header:
            title, kind = _title(lines[:40])
    year = plan_year(title) or sign_year
    province = _province(header) or _province(document.plan_header) or _province(lines[:60])
    level, issuer, dept = "province", None, _department(header, preamble)
    commune = None if dept else _commune(header)
    party = None if dept or commune else _party_issuer(header, number)
    if dept:
        agency = resolve(dept)
        issuer = agency.canonical if agency is not None else dept
        level = "department"
    elif commune:
        issuer, level = commune, "commune"  # a commune plan (after 2025: the tier below the province)
    elif party and province:
        issuer = f"{party} {province}"  # a Party committee's plan: the provincial tier (gold/dev convention 14)
    elif province:
        issuer = f"UBND {_unit_word(province)} {province}"
    return PlanMeta(province, year, issuer, level, number, date, title, issuer if dept else None,
                    document.kind if document.kind != "unknown" else kind)
