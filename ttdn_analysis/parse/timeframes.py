"""Timeframes: the raw 'Thời gian' text of a task to a kind, start, end and frequency per year.

The rules are small functions tried in the order ``parse/data/timeframes.toml`` gives (``[rules] order``); their
words (periods, recurrence words, deadline and report cues …) are in the same file, with its sources. Continuous
and recurring work ("Thường xuyên", "Hằng năm", "01 số/quý") is kept as ongoing or recurring without invented
dates: a span only when the text names the year ("thường xuyên trong năm 2025") or the plan's year ("trong
năm"). A report's deadline ("báo cáo … trước ngày 15/6", "định kỳ 6 tháng báo cáo") is told apart from the
task's: time_kind ``report``.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import pandas as pd

from ttdn_analysis.text import match_key, roman_value, unify_tones

__all__ = ["TIME_KINDS", "TIME_COLUMNS", "timeframe_rules", "parse_timeframe"]

#: Kinds of timeframes. ``report``: the deadline or frequency of a report the task asks for, not of the task's work.
TIME_KINDS = ("ongoing", "year", "quarter", "period", "deadline", "frequency", "on_guidance", "report")

TIME_COLUMNS = ("time_kind", "time_start", "time_end", "per_year")

_B = r"(?<![^\W_])"   # a syllable starts here
_E = r"(?![^\W_])"    # a syllable ends here
_YEAR = r"((?:19|20)\d{2})"


@lru_cache(maxsize=1)
def timeframe_rules() -> dict[str, Any]:
    """The rule order and vocabulary of :func:`parse_timeframe`, from ``ttdn_analysis/parse/data/timeframes.toml``.

    The file is hashed into the parse cache's key (:mod:`ttdn_analysis.cache`): editing it re-parses.

    Returns
    -------
    dict
        ``rules`` (``order``: rule names), ``words`` (periods, numbers, recurrence, ongoing, guidance, deadline
        cues …) and ``report`` (cue words, window, clause ends).

    Examples
    --------
    >>> r = timeframe_rules()
    >>> r["rules"]["order"][:2], r["words"]["periods"]["quý"], r["report"]["cues"]
    (['on_guidance', 'report'], 4.0, ['báo cáo'])
    """
    with resources.files("ttdn_analysis.parse.data").joinpath("timeframes.toml").open("rb") as fh:
        return tomllib.load(fh)


def _fold(s: str) -> str:
    """Without diacritics ("quý" → "quy", "đến" → "den")."""
    out = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return out.replace("đ", "d").replace("Đ", "D")


def _plain(s: str) -> bool:
    """True when the text has no Vietnamese letter with a diacritic (typed without them)."""
    return _fold(s) == s


@dataclass(frozen=True)
class _Patterns:
    """The rules' regular expressions, built from the vocabulary in one key space (with or without diacritics)."""

    key: Callable[[str], str]
    period_per_year: Mapping[str, float]
    numbers: Mapping[str, float]
    halves: Mapping[str, int]
    freq_count: re.Pattern[str]
    freq_every: re.Pattern[str]
    freq_word: re.Pattern[str]
    guidance: re.Pattern[str]
    deadline_date: re.Pattern[str]
    deadline_unit: re.Pattern[str]
    quarter: re.Pattern[str]
    half: re.Pattern[str]
    months: re.Pattern[str]
    day_span: re.Pattern[str]
    year_span: re.Pattern[str]
    until: re.Pattern[str]
    ongoing: re.Pattern[str]
    a_year: re.Pattern[str]
    year_only: re.Pattern[str]
    plan_year: re.Pattern[str]
    report_cue: re.Pattern[str]
    report_period: re.Pattern[str]
    any_date: re.Pattern[str]


def _inner(words: Iterable[str], key: Callable[[str], str]) -> str:
    """The words as alternatives (longest first), a space matching any run of spaces ("/ lần": none needed)."""
    keyed = sorted({key(w) for w in words}, key=lambda w: (-len(w), w))
    return "|".join((r"\s*" if w.startswith("/") else r"\s+").join(re.escape(p) for p in w.split(" "))
                    for w in keyed)


def _alt(words: Iterable[str], key: Callable[[str], str]) -> str:
    """A non-capturing group of the words (:func:`_inner`)."""
    return "(?:" + _inner(words, key) + ")"


@lru_cache(maxsize=2)
def _patterns(plain: bool) -> _Patterns:
    """The patterns for texts with diacritics (``plain=False``) or typed without them (``plain=True``)."""
    rules = timeframe_rules()
    w, rep = rules["words"], rules["report"]

    def key(s: str) -> str:
        k = match_key(s)
        return _fold(k) if plain else unify_tones(k)

    def a(name: str) -> str:
        return _alt(w[name], key)

    def rx(pattern: str) -> re.Pattern[str]:
        return re.compile(pattern)

    periods = {key(k): float(v) for k, v in w["periods"].items()}
    numbers = {key(k): float(v) for k, v in w["numbers"].items()}
    unit = _inner(periods, key)
    num = _B + r"(\d{1,3}|" + _inner(numbers, key) + ")" + _E
    year_w, month_w, day_w, quarter_w = key("năm"), key("tháng"), key("ngày"), key("quý")
    join = a("span_joiners")
    date = (r"(\d{1,2})\s*(?:/|-|\.|\s+" + month_w + r"\s+)\s*(\d{1,2})(?:\s*(?:/|-|\.|\s+" + year_w + r"\s+)\s*"
            + _YEAR + r")?")
    qnum = r"(?:[ivx]+|[1-4])" + _E
    year_tail = r"(?:\s*(?:/|" + year_w + r")\s*" + _YEAR + r")?"
    return _Patterns(
        key=key, period_per_year=periods, numbers=numbers, halves={key(k): int(v) for k, v in w["half_years"].items()},
        freq_count=rx(num + r"\s+(?:[^\W\d_]+\s+){0,2}?[^\W\d_]+\s*" + a("per") + r"\s*(" + unit + ")" + _E),
        freq_every=rx(r"(?:" + a("periodic") + r"\s+)?" + num + r"\s+(" + unit + r")\s*" + a("every")
                      + r"|" + a("periodic") + r"\s+" + num + r"\s+(" + unit + ")" + _E),
        freq_word=rx(_B + a("recurrence") + r"\s+(" + unit + ")" + _E),
        guidance=rx(r"^" + a("guidance") + _E),
        deadline_date=rx(a("deadline") + r"(?:\s+" + a("deadline_joiners") + r")?\s+" + day_w + r"\s+" + date),
        deadline_unit=rx(a("deadline_unit") + r"\s+(?:(" + quarter_w + r")\s+([ivx]+|\d)|(" + month_w
                         + r")\s+(\d{1,2})|(" + year_w + r")\s+" + _YEAR + r")" + year_tail),
        quarter=rx(_B + quarter_w + r"\s+(" + qnum + r"(?:\s*" + a("quarter_joiners") + r"\s*(?:" + quarter_w
                   + r"\s+)?" + qnum + r")*)(?:\s*(?:/|" + year_w + r"|-)\s*" + _YEAR + r")?"),
        half=rx(r"(6|" + key("sáu") + r")\s+" + month_w + r"\s+(" + _inner(w["half_years"], key) + r")\s+"
                + year_w + r"(?:\s+" + _YEAR + r")?"),
        months=rx(_B + r"(?:" + a("span_from") + r"\s+)?" + month_w + r"\s+(\d{1,2})" + year_tail + r"(?:\s*" + join
                  + r"\s*(?:" + month_w + r"\s+)?(\d{1,2}))?" + year_tail),
        day_span=rx(r"(?:" + a("span_from") + r"\s+)?" + day_w + r"\s+" + date + r"(?:\s*" + join + r"\s*(?:"
                    + day_w + r"\s+)?" + date + r")?"),
        year_span=rx(r"(?<!\d)" + _YEAR + r"\s*" + join + r"\s*(?:" + year_w + r"\s+)?" + _YEAR + r"(?!\d)"),
        until=rx(a("until") + r"\s+(?:" + a("until_fillers") + r"\s+)?(?:" + year_w + r"\s+)?" + _YEAR + r"(?!\d)"),
        ongoing=rx(_B + a("ongoing") + _E),
        a_year=rx(r"(?<!\d)" + _YEAR + r"(?!\d)"),
        year_only=rx(r"(?:" + a("year_lead") + r"\s+)?(?:" + year_w + r"\s+)?" + _YEAR + r"(?:\s+(" + a("open_end")
                     + r"))?"),
        plan_year=rx(_B + a("plan_year") + _E + r"(?!\s*\d)"),
        report_cue=rx(_B + _alt(rep["cues"], key) + _E),
        report_period=rx(_B + _alt(rep["cues"], key) + r"(?:\s+" + _alt(rep["period_fillers"], key) + ")*\\s+"
                         + r"(?:(\d{1,2}|" + key("sáu") + r")\s+)?(" + unit + ")" + _E + r"(?!\s*\d)"),
        any_date=rx(_B + r"(?:" + day_w + r"\s+)?" + date),
    )


@dataclass(frozen=True)
class _Text:
    """One timeframe as the rules see it: its key, the plan's year, the years it prints, its patterns."""

    s: str
    plan_year: int | None
    years: tuple[int, ...]
    p: _Patterns


Reading = dict[str, Any]


def _reading(kind: str | None, start: Any = None, end: Any = None, per_year: float | None = None) -> Reading:
    def iso(v: Any) -> str | None:
        return v if v is None or isinstance(v, str) else v.isoformat()
    return {"time_kind": kind, "time_start": iso(start), "time_end": iso(end), "per_year": per_year}


def _date(y: int | None, m: int, d: int) -> _dt.date | None:
    if y is None:
        return None
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> _dt.date:
    return _dt.date(y, m, calendar.monthrange(y, m)[1])


def _num(t: _Text, tok: str) -> float:
    return t.p.numbers[tok] if tok in t.p.numbers else float(tok)


def _quarter(token: str | None) -> int | None:
    """The quarter a token names ("iii", "III", "3" → 3), else None; roman numerals through the one reader."""
    if not token:
        return None
    n = int(token) if token.isdigit() else roman_value(token.upper())
    return n if n is not None and 1 <= n <= 4 else None


def _per_year(t: _Text, s: str | None = None) -> float | None:
    """Events per year of a frequency phrase anywhere in the text ("01 số/quý" → 4, "định kỳ 6 tháng" → 2)."""
    s = t.s if s is None else s
    p = t.p
    m = p.freq_count.search(s)
    if m:
        return _num(t, m.group(1)) * p.period_per_year[m.group(2)]
    m = p.freq_every.search(s)
    if m:
        n_tok, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        n = _num(t, n_tok)
        if n > 0:
            return p.period_per_year[unit] / n
    m = p.freq_word.search(s)
    if m:
        return p.period_per_year[m.group(1)]
    return None


def _stated_span(t: _Text) -> tuple[str | None, str | None]:
    """The year the text itself names ("… trong năm 2025"; "trong năm": the plan's), else no dates."""
    if t.years:
        return f"{t.years[0]}-01-01", f"{t.years[0]}-12-31"
    if t.plan_year is not None and t.p.plan_year.search(t.s):
        return f"{t.plan_year}-01-01", f"{t.plan_year}-12-31"
    return None, None


def _from_plan_year(t: _Text, end: _dt.date | None) -> _dt.date | None:
    """A deadline's start: 1 January of the plan year, when that is not after the deadline."""
    if t.plan_year is None or end is None:
        return None
    first = _dt.date(t.plan_year, 1, 1)
    return first if first <= end else None


# the rules, in the order of timeframes.toml ------------------------------------------------------------------------

def _on_guidance(t: _Text) -> Reading | None:
    return _reading("on_guidance", per_year=_per_year(t)) if t.p.guidance.search(t.s) else None


def _report(t: _Text) -> Reading | None:
    if not t.p.report_cue.search(t.s):
        return None
    return _reading("report", end=_due_date(t, t.s), per_year=_per_year(t) or _report_per_year(t, t.s))


def _frequency_count(t: _Text) -> Reading | None:
    if not (t.p.freq_count.search(t.s) or t.p.freq_every.search(t.s)):
        return None
    start, end = _stated_span(t)
    return _reading("frequency", start, end, _per_year(t))


def _deadline_date(t: _Text) -> Reading | None:
    m = t.p.deadline_date.search(t.s)
    if not m:
        return None
    end = _date(int(m.group(3)) if m.group(3) else t.plan_year, int(m.group(2)), int(m.group(1)))
    return _reading("deadline", _from_plan_year(t, end), end, _per_year(t))


def _deadline_unit(t: _Text) -> Reading | None:
    m = t.p.deadline_unit.search(t.s)
    if not m:
        return None
    y = next((int(g) for g in (m.group(6), m.group(7)) if g), t.plan_year)
    if m.group(1):  # before quarter q: the day before it starts
        q = _quarter(m.group(2))
        first = _date(y, 3 * q - 2, 1) if q else None
    elif m.group(3):
        first = _date(y, int(m.group(4)), 1) if 1 <= int(m.group(4)) <= 12 else None
    else:
        first = _date(y, 1, 1)
    end = first - _dt.timedelta(days=1) if first else None
    return _reading("deadline", _from_plan_year(t, end), end, _per_year(t))


def _quarter_rule(t: _Text) -> Reading | None:
    m = t.p.quarter.search(t.s)
    if not m:
        return None
    qs = [q for q in (_quarter(tok) for tok in re.findall(r"[ivx]+|[1-4]", m.group(1))) if q is not None]
    y = int(m.group(2)) if m.group(2) else (t.years[-1] if t.years else t.plan_year)
    if not qs or y is None:
        return _reading("quarter", per_year=_per_year(t))
    return _reading("quarter", _dt.date(y, 3 * min(qs) - 2, 1), _month_end(y, 3 * max(qs)), _per_year(t))


def _half_year(t: _Text) -> Reading | None:
    m = t.p.half.search(t.s)
    if not m:
        return None
    y = int(m.group(3)) if m.group(3) else t.plan_year
    if y is None:
        return _reading("period", per_year=_per_year(t))
    first = t.p.halves[m.group(2)] == 1
    return _reading("period", _dt.date(y, 1 if first else 7, 1), _month_end(y, 6 if first else 12), _per_year(t))


def _day_span(t: _Text) -> Reading | None:
    m = t.p.day_span.search(t.s)
    if not m:
        return None
    y2 = int(m.group(6)) if m.group(6) else None
    y1 = int(m.group(3)) if m.group(3) else (y2 or t.plan_year)
    start = _date(y1, int(m.group(2)), int(m.group(1)))
    end = _date(y2 or y1, int(m.group(5)), int(m.group(4))) if m.group(4) else start
    return _reading("period", start, end, _per_year(t))


def _months(t: _Text) -> Reading | None:
    m = t.p.months.search(t.s)
    if not m or not 1 <= int(m.group(1)) <= 12 or (m.group(3) and not 1 <= int(m.group(3)) <= 12):
        return None
    y1 = int(m.group(2) or m.group(4)) if (m.group(2) or m.group(4)) else t.plan_year
    if y1 is None:
        return _reading("period", per_year=_per_year(t))
    y2 = int(m.group(4)) if m.group(4) else y1
    m1 = int(m.group(1))
    m2 = int(m.group(3)) if m.group(3) else m1
    a, b = _dt.date(y1, m1, 1), _month_end(y2, m2)
    return _reading("period", min(a, b), max(a, b), _per_year(t))


def _year_span(t: _Text) -> Reading | None:
    m = t.p.year_span.search(t.s)
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    return _reading("period", f"{min(a, b)}-01-01", f"{max(a, b)}-12-31", _per_year(t))


def _until(t: _Text) -> Reading | None:
    m = t.p.until.search(t.s)
    if not m or t.p.ongoing.search(t.s):
        return None
    y = int(m.group(1))
    start = f"{t.plan_year}-01-01" if t.plan_year is not None and t.plan_year <= y else None
    return _reading("period", start, f"{y}-12-31", _per_year(t))


def _ongoing(t: _Text) -> Reading | None:
    if not t.p.ongoing.search(t.s):
        return None
    start, end = _stated_span(t)
    return _reading("ongoing", start, end, _per_year(t))


def _frequency_word(t: _Text) -> Reading | None:
    if not t.p.freq_word.search(t.s):
        return None
    start, end = _stated_span(t)
    return _reading("frequency", start, end, _per_year(t))


def _year(t: _Text) -> Reading | None:
    m = t.p.year_only.fullmatch(t.s)
    if not m:
        return None
    y = int(m.group(1))
    if m.group(2):  # "2025 và các năm tiếp theo": open end
        return _reading("period", f"{y}-01-01", None, _per_year(t))
    return _reading("year", f"{y}-01-01", f"{y}-12-31", _per_year(t))


def _plan_year_words(t: _Text) -> Reading | None:
    if t.s != t.p.key("năm") and not t.p.plan_year.fullmatch(t.s):
        return None
    start, end = (f"{t.plan_year}-01-01", f"{t.plan_year}-12-31") if t.plan_year is not None else (None, None)
    return _reading("year", start, end, _per_year(t))


_RULES: dict[str, Callable[[_Text], Reading | None]] = {
    "on_guidance": _on_guidance, "report": _report, "frequency_count": _frequency_count,
    "deadline_date": _deadline_date, "deadline_unit": _deadline_unit, "quarter": _quarter_rule,
    "half_year": _half_year, "day_span": _day_span, "months": _months, "year_span": _year_span, "until": _until,
    "ongoing": _ongoing, "frequency_word": _frequency_word, "year": _year, "plan_year_words": _plan_year_words,
}


# reports: the cue in the timeframe or just before it in the task's text ------------------------------------------

def _due_date(t: _Text, s: str) -> str | None:
    """The due date a report text prints ("trước ngày 15/6", "chậm nhất vào ngày 20/11/2025"), as ISO text."""
    m = t.p.deadline_date.search(s) or t.p.any_date.search(s)
    if not m:
        return None
    d = _date(int(m.group(3)) if m.group(3) else t.plan_year, int(m.group(2)), int(m.group(1)))
    return d.isoformat() if d else None


def _report_per_year(t: _Text, s: str) -> float | None:
    """How often a report is due, from its period after the cue ("báo cáo định kỳ 6 tháng" → 2, "báo cáo năm" → 1)."""
    m = t.p.report_period.search(s)
    if not m:
        return None
    n = _num(t, m.group(1)) if m.group(1) else 1.0
    per = t.p.period_per_year[m.group(2)]
    return per / n if n > 0 and per <= 12 else None


def _report_clause(raw_key: str, context: str | None, p: _Patterns) -> tuple[str, str] | None:
    """The words of the task's text just before and just after the timeframe, in its clause (None when the
    timeframe is not found there)."""
    if not context:
        return None
    ctx = p.key(str(context).replace("*", " "))
    at = ctx.find(raw_key)
    if at < 0:
        return None
    rules = timeframe_rules()["report"]
    window = int(rules["window_words"])
    before, after = ctx[:at], ctx[at + len(raw_key):]
    cut = max(before.rfind(c) for c in rules["clause_ends"])
    ends = [i for i in (after.find(c) for c in rules["clause_ends"]) if i >= 0]
    tail = after[:min(ends)] if ends else after
    return " ".join(before[cut + 1:].split()[-window:]), " ".join(tail.split()[:window])


def _as_report(t: _Text, reading: Reading, clause: tuple[str, str] | None) -> Reading:
    """A deadline or frequency whose clause asks for a report is the report's: kind ``report``, no start; how
    often it is due from the timeframe, else the words around it ("báo cáo định kỳ 6 tháng (trước ngày 15/6)",
    "trước ngày 15/11 hằng năm")."""
    if reading["time_kind"] not in ("deadline", "frequency") or not clause or not t.p.report_cue.search(clause[0]):
        return reading
    before, after = clause
    per_year = (reading["per_year"] or _report_per_year(t, before + " " + t.s) or _per_year(t, before)
                or _per_year(t, after))
    return _reading("report", None, reading["time_end"] if reading["time_kind"] == "deadline" else None, per_year)


def parse_timeframe(raw: str | None, plan_year: int | None = None, context: str | None = None) -> dict[str, Any]:
    """Read a task's raw timeframe ("Thời gian thực hiện") into a kind, a date span and a frequency.

    Parameters
    ----------
    raw : str or None
        As printed: "Quý II/2024", "01 số/quý", "thường xuyên trong năm", "trước ngày 15/11/2024", "Khi có hướng
        dẫn của Bộ Thông tin và Truyền thông", "Giai đoạn 2025-2030", "Hàng năm"; with or without diacritics.
    plan_year : int, optional
        The year the plan is for; fills a missing year ("Quý II", "trước ngày 15/6", "Trong năm").
    context : str, optional
        The task's text. A deadline or frequency found there after a report word of the same clause ("tổng hợp
        báo cáo định kỳ 6 tháng (trước ngày 15/6)") is the report's, not the task's.

    Returns
    -------
    dict
        time_kind (one of :data:`TIME_KINDS`, None when ``raw`` is empty or not understood), time_start and
        time_end (ISO dates or None), per_year (events per year for a frequency or a report, else None).

    Notes
    -----
    The rules of ``timeframes.toml`` are tried in its order; the first that reads the text wins (on_guidance,
    report, frequency with a count, deadline, quarter, period, ongoing, frequency words, year). Ongoing work and
    frequencies have dates only when the text names a year ("thường xuyên trong năm 2025") or the plan's year
    ("trong năm"); "Thường xuyên" and "Hằng năm" alone have none. A deadline starts on 1 January of the plan year
    when that is not after it. A report has its due date as ``time_end`` and no start. ``per_year`` is read from
    any frequency phrase, whatever the kind. Dates are inclusive. A text typed without diacritics is matched
    against the same words without theirs.

    Examples
    --------
    >>> parse_timeframe("quý II, III/2024")
    {'time_kind': 'quarter', 'time_start': '2024-04-01', 'time_end': '2024-09-30', 'per_year': None}
    >>> parse_timeframe("01 số/quý", plan_year=2024)
    {'time_kind': 'frequency', 'time_start': None, 'time_end': None, 'per_year': 4.0}
    >>> parse_timeframe("trước ngày 15/6", plan_year=2025)["time_end"]
    '2025-06-15'
    >>> parse_timeframe("Thường xuyên", plan_year=2025)
    {'time_kind': 'ongoing', 'time_start': None, 'time_end': None, 'per_year': None}
    >>> parse_timeframe("trước ngày 15/6", 2025, context="tổng hợp báo cáo định kỳ 6 tháng (trước ngày 15/6)")
    {'time_kind': 'report', 'time_start': None, 'time_end': '2025-06-15', 'per_year': 2.0}
    >>> parse_timeframe(None)["time_kind"] is None
    True
    """
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)):
        return _reading(None)
    text = str(raw).replace("*", " ")
    p = _patterns(_plain(text))
    s = p.key(text).strip(" .;:,")
    if not s:
        return _reading(None)
    py = int(plan_year) if plan_year is not None and not pd.isna(plan_year) else None
    t = _Text(s=s, plan_year=py, years=tuple(int(y) for y in p.a_year.findall(s)), p=p)
    for name in timeframe_rules()["rules"]["order"]:
        reading = _RULES[name](t)
        if reading is not None:
            return _as_report(t, reading, _report_clause(s, context, p))
    return _reading(None, per_year=_per_year(t))
