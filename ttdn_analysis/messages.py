"""The message catalogue: problem kinds, the loader's detailed messages and the library's warnings, each once.

``ttdn_analysis/messages.toml`` holds every text with a stable code in English and Vietnamese.
:data:`ttdn_analysis.schema.PROBLEM_KINDS` and the ``problem_kinds`` texts of :mod:`ttdn_analysis.labels` are
derived from it. The loader writes its ``problems.message`` in English (the table keeps that text, as a log does);
:func:`localize` gives the reader's language: the Vietnamese template of the matching catalogue entry with the
same values, or, when no template matches, the kind's meaning, so the Vietnamese interface never shows an English
message. Neither language shows the text of a Python exception (``(KeyError: 'x')``): that stays in the table.

Standard library only, like :mod:`ttdn_analysis.labels`.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Kind", "Detail", "catalogue", "kinds", "details", "warning_text", "localize", "localize_problems",
           "message_code"]

_LANGS = ("vi", "en")
_FIELD = re.compile(r"\{(\w+)\}")
#: A Python exception's text inside a message: "(BadZipFile: File is not a zip file)", "(KeyError: 'x')".
_EXCEPTION = re.compile(r"\s*\((?:[A-Z][A-Za-z]*(?:Error|Exception|File|Warning|Interrupt|Exit))(?::[^()]*)?\)")


@dataclass(frozen=True)
class Kind:
    """One kind of ``problems`` row: its stable code, usual severity and meaning in both languages."""

    kind: str
    code: str
    severity: str
    en: str
    vi: str


@dataclass(frozen=True)
class Detail:
    """One message the loader writes: its code, kind, English template and Vietnamese template."""

    code: str
    kind: str
    en: str
    vi: str
    pattern: re.Pattern[str]


@cache
def catalogue() -> dict[str, Any]:
    """The catalogue as written in ``messages.toml``: sections ``kinds``, ``details``, ``values``, ``warnings``.

    Examples
    --------
    >>> catalogue()["kinds"]["no_lead"]["code"]
    'P023'
    """
    with resources.files("ttdn_analysis").joinpath("messages.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def kinds() -> dict[str, Kind]:
    """Every problem kind, in catalogue order: kind -> :class:`Kind`.

    Examples
    --------
    >>> kinds()["unreadable"].severity, kinds()["unreadable"].code
    ('error', 'P001')
    """
    return {k: Kind(k, v["code"], v["severity"], v["en"], v["vi"]) for k, v in catalogue()["kinds"].items()}


def _pattern(template: str) -> re.Pattern[str]:
    """A template as a regular expression: literal text, each {name} a lazy group (a repeated name must repeat)."""
    out, seen, pos = [], set(), 0
    for m in _FIELD.finditer(template):
        out.append(re.escape(template[pos:m.start()]))
        name = m.group(1)
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out), re.S)


@cache
def details() -> dict[str, list[Detail]]:
    """The detailed messages by kind, in catalogue order: kind -> list of :class:`Detail`.

    Examples
    --------
    >>> [d.code for d in details()["no_number"]]
    ['P021a', 'P021b']
    """
    out: dict[str, list[Detail]] = {}
    for code, d in catalogue()["details"].items():
        out.setdefault(d["kind"], []).append(Detail(code, d["kind"], d["en"], d["vi"], _pattern(d["en"])))
    return out


def _match(kind: str, message: str) -> tuple[Detail, dict[str, str]] | None:
    for d in details().get(kind, []):
        m = d.pattern.fullmatch(message)
        if m:
            return d, m.groupdict()
    return None


def _match_parts(kind: str, message: str) -> list[tuple[Detail, dict[str, str]]] | None:
    """The message matched whole (one part) or, failing that, each of its "; "-joined parts; None if any fails."""
    whole = _match(kind, message)
    if whole:
        return [whole]
    parts = [_match(kind, part) for part in message.split("; ")] if "; " in message else [None]
    return None if any(p is None for p in parts) else [p for p in parts if p is not None]


def message_code(kind: str, message: str) -> str:
    """The catalogue code of a message: its detail's code (codes of its parts joined by "+"), or the kind's code
    when no template matches.

    Examples
    --------
    >>> message_code("no_number", "no document number ('Số: …/KH-UBND') found in the header")
    'P021b'
    >>> message_code("no_number", "something else")
    'P021'
    >>> message_code("control_characters", "2 invisible control character(s) removed (from a converter or a copy "
    ...              "from Word); the text is unchanged otherwise")
    'P007b+P007f'
    """
    found = _match_parts(kind, message)
    if found:
        return "+".join(d.code for d, _ in found)
    k = kinds().get(kind)
    return k.code if k else ""


def localize(kind: str, message: Any, lang: str = "vi") -> str:
    """A ``problems`` message in the reader's language, without any Python exception text.

    Parameters
    ----------
    kind : str
        The row's ``kind``.
    message : str
        The row's ``message`` (English, as the loader writes it).
    lang : {"vi", "en"}, default "vi"

    Returns
    -------
    str
        English: the message with exception text removed. Vietnamese: the matching template of the catalogue
        with the message's values, else the kind's meaning (else, for a kind not in the catalogue, a generic
        notice); never the English text.

    Examples
    --------
    >>> localize("no_lead", "task II.3 (lines 70-76) names no lead agency: it counts in no lead table or network")
    'nhiệm vụ II.3 (dòng 70–76) không nêu cơ quan chủ trì: không được tính vào bảng chủ trì hay mạng phối hợp'
    >>> localize("unreadable", "the PDF cannot be read (PdfReadError: EOF marker not found): save it again")
    'không đọc được tệp (tệp không có, bị hỏng hoặc không phải văn bản)'
    >>> localize("unreadable", "the PDF cannot be read (PdfReadError: EOF marker not found): save it again", "en")
    'the PDF cannot be read: save it again'
    """
    if lang not in _LANGS:
        raise ValueError(f"lang must be one of {_LANGS}, got {lang!r}")
    text = "" if message is None or message != message else str(message)
    if lang == "en":
        return _EXCEPTION.sub("", text)
    found = _match_parts(kind, text)
    if found:
        words: dict[str, str] = catalogue().get("values", {})
        return "; ".join(d.vi.format(**{k: words.get(v, v) for k, v in values.items()}) for d, values in found)
    k = kinds().get(kind)
    return k.vi if k else "có vấn đề khi đọc tệp (xem cột loại)"


def localize_problems(problems: Any, lang: str = "vi") -> Any:
    """A copy of a ``problems`` table whose ``message`` is in *lang*, with a ``code`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"source_file": ["a.txt"], "line": [3], "severity": ["warning"], "kind": ["no_date"],
    ...                   "message": ["no signing date ('…, ngày … tháng … năm …') found in the header"]})
    >>> localize_problems(p)[["code", "message"]].values.tolist()
    [['P022b', "không tìm thấy ngày ký ('…, ngày … tháng … năm …') ở phần đầu"]]
    """
    out = problems.copy()
    pairs = list(zip(out["kind"].astype(object), out["message"].astype(object)))
    out["code"] = [message_code(str(k), "" if m is None else str(m)) for k, m in pairs]
    out["message"] = [localize(str(k), m, lang) for k, m in pairs]
    return out


def warning_text(name: str, lang: str = "en", **values: Any) -> str:
    """The text of a library warning (``[warnings]`` of the catalogue) in *lang*, values filled in.

    Examples
    --------
    >>> warning_text("pooled_pair", "vi", group="a", kinds="x + y")
    'nhóm a gộp các kế hoạch khác loại hoặc khác cấp: x + y'
    """
    if lang not in _LANGS:
        raise ValueError(f"lang must be one of {_LANGS}, got {lang!r}")
    return str(catalogue()["warnings"][name][lang]).format(**values)
