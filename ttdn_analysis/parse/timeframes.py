"""Timeframes: the raw 'Thời gian' text of a task to a kind, start, end and frequency per year."""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from typing import Any

import pandas as pd

from ttdn_analysis.text import match_key, roman_value, unify_tones

__all__ = ["TIME_KINDS", "TIME_COLUMNS", "parse_timeframe"]

TIME_KINDS = ("ongoing", "year", "quarter", "period", "deadline", "frequency", "on_guidance")


TIME_COLUMNS = ("time_kind", "time_start", "time_end", "per_year")


def _rx(pattern: str) -> re.Pattern[str]:
    """Compile a pattern written in everyday spelling for match keys (new-style tones: "quý" is keyed "qúy")."""
    return re.compile(unify_tones(pattern))


def _quarter(token: str | None) -> int | None:
    """The quarter a token names ("iii", "III", "3" → 3), else None; roman numerals through the one reader."""
    if not token:
        return None
    n = int(token) if token.isdigit() else roman_value(token.upper())
    return n if n is not None and 1 <= n <= 4 else None


_PERIOD_PER_YEAR = {"năm": 1.0, unify_tones("quý"): 4.0, "tháng": 12.0, "tuần": 52.0, "ngày": 365.0}


_NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "mười": 10, "mười hai": 12}


_NUM = r"(?<![^\W_])(\d{1,3}|một|hai|ba|bốn|sáu|mười hai|mười)"


_YEAR = r"((?:19|20)\d{2})"


# "01 số/quý", "6 số/năm", "01 chương trình/quý", "2 lần mỗi năm", "01 bản tin/tháng"
_FREQ_COUNT = _rx(_NUM + r"\s+(?:[^\W\d_]+\s+){0,2}?[^\W\d_]+\s*(?:/|trên|mỗi|một)\s*(năm|quý|tháng|tuần|ngày)"
                         r"(?![^\W_])")


# "6 tháng/lần", "06 tháng một lần", "định kỳ 6 tháng"
_FREQ_EVERY = _rx(r"(?:định kỳ\s+)?" + _NUM + r"\s+(tháng|tuần|năm)\s*(?:/\s*lần|một lần|1 lần)"
                         r"|định kỳ\s+" + _NUM + r"\s+(tháng|tuần)(?![^\W_])")


_FREQ_WORD = _rx(r"(?<![^\W_])(?:hàng|hằng|định kỳ hàng|định kỳ hằng|mỗi)\s+(năm|quý|tháng|tuần|ngày)(?![^\W_])")


_GUIDANCE = _rx(r"^(?:khi|sau khi|ngay khi)\s+(?:có|nhận được)\b|^theo\s+(?:hướng dẫn|chỉ đạo|yêu cầu|đề nghị|"
                       r"văn bản|kế hoạch của|thông báo)|^khi\s|^đột xuất|^theo tiến độ")


_DATE = r"(\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(\d{1,2})(?:\s*(?:/|-|\.|\s+năm\s+)\s*" + _YEAR + r")?"


_DEADLINE_DATE = _rx(r"(?:trước|chậm nhất|hạn chót|hạn|hoàn thành trước|muộn nhất)(?:\s+(?:vào|là|đến))?"
                            r"\s+ngày\s+\**" + _DATE)


_DEADLINE_UNIT = _rx(r"(?:trước|chậm nhất|hoàn thành trước)\s+(?:(quý)\s+([ivx]+|\d)|(tháng)\s+(\d{1,2})|"
                            r"(năm)\s+" + _YEAR + r")(?:\s*(?:/|năm)\s*" + _YEAR + r")?")


_QNUM = r"(?:[ivx]+|[1-4])(?![^\W_])"


_QUARTER = _rx(r"(?<![^\W_])quý\s+(" + _QNUM + r"(?:\s*(?:,|-|–|và|đến|\+)\s*(?:quý\s+)?" + _QNUM + r")*)"
                      r"(?:\s*(?:/|năm|-)\s*" + _YEAR + r")?")


_HALF = _rx(r"(6|sáu)\s+tháng\s+(đầu|cuối)\s+năm(?:\s+" + _YEAR + r")?")


_MONTHS = _rx(r"(?<![^\W_])(?:từ\s+)?tháng\s+(\d{1,2})(?:\s*(?:/|năm)\s*" + _YEAR + r")?"
                     r"(?:\s*(?:-|–|đến|tới)\s*(?:tháng\s+)?(\d{1,2}))?(?:\s*(?:/|năm)\s*" + _YEAR + r")?")


_DAY_SPAN = _rx(r"(?:từ\s+)?ngày\s+" + _DATE + r"(?:\s*(?:-|–|đến|tới)\s*(?:ngày\s+)?" + _DATE + r")?")


_YEAR_SPAN = _rx(r"(?<!\d)" + _YEAR + r"\s*(?:-|–|đến|tới)\s*(?:năm\s+)?" + _YEAR + r"(?!\d)")


_UNTIL = _rx(r"(?:đến|tới)\s+(?:hết\s+)?(?:năm\s+)?" + _YEAR + r"(?!\d)")


_ONGOING = _rx(r"thường xuyên|liên tục|hằng ngày|hàng ngày|suốt năm|quanh năm")


_A_YEAR = _rx(r"(?<!\d)" + _YEAR + r"(?!\d)")


_YEAR_ONLY = _rx(r"(?:(?:trong|cả|suốt|trong cả)\s+)?(?:năm\s+)?" + _YEAR + r"(?:\s+và các năm tiếp theo)?")


_YEAR_WORDS = _rx(r"^(?:trong\s+|cả\s+|suốt\s+)?năm(?:\s+nay)?$|^trong năm$|^cả năm$")


def _num(tok: str) -> float:
    return float(_NUMBER_WORDS[tok]) if tok in _NUMBER_WORDS else float(tok)


def _iso(d: _dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _date(y: int | None, m: int, d: int) -> _dt.date | None:
    if y is None:
        return None
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> _dt.date:
    return _dt.date(y, m, calendar.monthrange(y, m)[1])


def _year_span(y: int | None) -> tuple[str | None, str | None]:
    return (f"{y}-01-01", f"{y}-12-31") if y is not None else (None, None)


def _result(kind: str | None, start: Any = None, end: Any = None, per_year: float | None = None) -> dict[str, Any]:
    def to_iso(v):
        return (v if v is None or isinstance(v, str) else _iso(v))
    return {"time_kind": kind, "time_start": to_iso(start), "time_end": to_iso(end), "per_year": per_year}


def _per_year(s: str) -> float | None:
    m = _FREQ_COUNT.search(s)
    if m:
        return _num(m.group(1)) * _PERIOD_PER_YEAR[m.group(2)]
    m = _FREQ_EVERY.search(s)
    if m:
        n, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        n = _num(n)
        if n > 0:
            return {"tháng": 12.0, "tuần": 52.0, "năm": 1.0}[unit] / n
    m = _FREQ_WORD.search(s)
    if m:
        return _PERIOD_PER_YEAR[m.group(1)]
    return None


def parse_timeframe(raw: str | None, plan_year: int | None = None) -> dict[str, Any]:
    """Read a task's raw timeframe ("Thời gian thực hiện") into a kind, a date span and a frequency.

    Parameters
    ----------
    raw : str or None
        As printed: "Quý II/2024", "01 số/quý", "thường xuyên trong năm", "trước ngày 15/11/2024", "Khi có hướng
        dẫn của Bộ Thông tin và Truyền thông", "Giai đoạn 2025-2030", "Hàng năm".
    plan_year : int, optional
        The year the plan is for; fills a missing year ("Quý II", "trước ngày 15/6", "Thường xuyên").

    Returns
    -------
    dict
        time_kind (one of :data:`TIME_KINDS`, None when ``raw`` is empty or not understood), time_start and
        time_end (ISO dates or None), per_year (events per year for a frequency, else None).

    Notes
    -----
    The first rule that applies wins: on_guidance ("Khi có hướng dẫn…", "Theo chỉ đạo…", "đột xuất"); frequency
    with a count ("01 số/quý" → 4, "6 số/năm" → 6, "định kỳ 6 tháng" → 2); deadline ("trước ngày 15/11/2024",
    "chậm nhất ngày 20/11"); quarter ("quý II, III/2024" → April–September); period (half years, months, day
    spans, "Giai đoạn 2025-2030", "đến năm 2030"); ongoing ("Thường xuyên"); frequency words ("Hàng năm" → 1,
    "hàng tháng" → 12); year ("Năm 2025", "Trong năm 2025", "trong năm"). Ongoing tasks and frequencies span the
    year named in the text, else the plan year; a deadline starts on 1 January of the plan year when that is not
    after the deadline. ``per_year`` is read from any frequency phrase, whatever the kind. Dates are inclusive.

    Examples
    --------
    >>> parse_timeframe("quý II, III/2024")
    {'time_kind': 'quarter', 'time_start': '2024-04-01', 'time_end': '2024-09-30', 'per_year': None}
    >>> parse_timeframe("01 số/quý", plan_year=2024)
    {'time_kind': 'frequency', 'time_start': '2024-01-01', 'time_end': '2024-12-31', 'per_year': 4.0}
    >>> parse_timeframe("trước ngày 15/6", plan_year=2025)["time_end"]
    '2025-06-15'
    >>> parse_timeframe("Thường xuyên", plan_year=2025)["time_kind"]
    'ongoing'
    >>> parse_timeframe(None)["time_kind"] is None
    True
    """
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
        return _result(None)
    s = match_key(str(raw).replace("*", " ")).strip(" .;:,")
    if not s:
        return _result(None)
    py = int(plan_year) if plan_year is not None and not pd.isna(plan_year) else None
    # the branches below give each bound as a date or as ISO text; _result turns both into ISO text
    a: Any
    b: Any
    start: Any
    end: Any
    years = [int(y) for y in _A_YEAR.findall(s)]
    year = years[0] if years else py
    per_year = _per_year(s)

    if _GUIDANCE.search(s):
        return _result("on_guidance", per_year=per_year)
    if _FREQ_COUNT.search(s) or _FREQ_EVERY.search(s):
        a, b = _year_span(year)
        return _result("frequency", a, b, per_year)

    m = _DEADLINE_DATE.search(s)
    if m:
        y = int(m.group(3)) if m.group(3) else py
        end = _date(y, int(m.group(2)), int(m.group(1)))
        start = _dt.date(py, 1, 1) if py is not None and end is not None and _dt.date(py, 1, 1) <= end else None
        return _result("deadline", start, end, per_year)
    m = _DEADLINE_UNIT.search(s)
    if m:
        y = next((int(g) for g in (m.group(6), m.group(7)) if g), py)
        if m.group(1):  # before quarter q: the day before it starts
            q = _quarter(m.group(2))
            first = _date(y, 3 * q - 2, 1) if q else None
        elif m.group(3):
            first = _date(y, int(m.group(4)), 1) if 1 <= int(m.group(4)) <= 12 else None
        else:
            first = _date(y, 1, 1)
        end = first - _dt.timedelta(days=1) if first else None
        start = _dt.date(py, 1, 1) if py is not None and end is not None and _dt.date(py, 1, 1) <= end else None
        return _result("deadline", start, end, per_year)

    m = _QUARTER.search(s)
    if m:
        qs = [q for q in (_quarter(tok) for tok in re.findall(r"[ivx]+|[1-4]", m.group(1))) if q is not None]
        y = int(m.group(2)) if m.group(2) else (years[-1] if years else py)
        if qs and y is not None:
            lo, hi = min(qs), max(qs)
            return _result("quarter", _dt.date(y, 3 * lo - 2, 1), _month_end(y, 3 * hi), per_year)
        return _result("quarter", per_year=per_year)

    m = _HALF.search(s)
    if m:
        y = int(m.group(3)) if m.group(3) else py
        if y is None:
            return _result("period", per_year=per_year)
        early = m.group(2) == "đầu"
        return _result("period", _dt.date(y, 1 if early else 7, 1), _month_end(y, 6 if early else 12), per_year)
    m = _DAY_SPAN.search(s)
    if m:
        y2 = int(m.group(6)) if m.group(6) else None
        y1 = int(m.group(3)) if m.group(3) else (y2 or py)
        a = _date(y1, int(m.group(2)), int(m.group(1)))
        b = _date(y2 or y1, int(m.group(5)), int(m.group(4))) if m.group(4) else a
        return _result("period", a, b, per_year)
    m = _MONTHS.search(s)
    if m and 1 <= int(m.group(1)) <= 12 and (not m.group(3) or 1 <= int(m.group(3)) <= 12):
        y1 = int(m.group(2) or m.group(4)) if (m.group(2) or m.group(4)) else py
        if y1 is None:
            return _result("period", per_year=per_year)
        y2 = int(m.group(4)) if m.group(4) else y1
        m1 = int(m.group(1))
        m2 = int(m.group(3)) if m.group(3) else m1
        a, b = _dt.date(y1, m1, 1), _month_end(y2, m2)
        return _result("period", min(a, b), max(a, b), per_year)
    m = _YEAR_SPAN.search(s)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        return _result("period", f"{min(a, b)}-01-01", f"{max(a, b)}-12-31", per_year)
    m = _UNTIL.search(s)
    if m and not _ONGOING.search(s):
        y = int(m.group(1))
        start = f"{py}-01-01" if py is not None and py <= y else None
        return _result("period", start, f"{y}-12-31", per_year)

    if _ONGOING.search(s):
        a, b = _year_span(year)
        return _result("ongoing", a, b, per_year)
    if _FREQ_WORD.search(s):
        a, b = _year_span(year)
        return _result("frequency", a, b, per_year)
    if years and _YEAR_ONLY.fullmatch(s):
        if s.endswith("các năm tiếp theo"):
            return _result("period", f"{years[0]}-01-01", None, per_year)
        a, b = _year_span(years[0])
        return _result("year", a, b, per_year)
    if _YEAR_WORDS.search(s):
        a, b = _year_span(py)
        return _result("year", a, b, per_year)
    return _result(None, per_year=per_year)
