"""The theme codebook: versioned themes with terms, instruments and exclusions (registry/data/themes.toml)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ttdn_analysis.registry import data_file
from ttdn_analysis.text import (
    match_key,
    syllable_pattern,
)

__all__ = ["CORE_THEMES", "CodebookError", "FocusRule", "Theme", "Codebook", "load_codebook"]

CORE_THEMES = ("border", "sea_islands", "human_rights")


_VERSION_RE = re.compile(r"^\d{4}\.(0[1-9]|1[0-2])\.\d+$")


_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class CodebookError(ValueError):
    """A codebook file that cannot be used: ``path``, ``line`` (1-based, or None when no line can be named) and
    ``detail`` (what is wrong). Loading stops with it: a broken codebook never tags with fewer themes."""

    def __init__(self, path: str, line: int | None, detail: str) -> None:
        self.path, self.line, self.detail = path, line, detail
        super().__init__(f"{path}, line {line}: {detail}" if line else f"{path}: {detail}")


_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def _line_of(text: str, message: str) -> int | None:
    """The line a codebook error is about: the ``version`` key, or the ``[[theme]]`` table it names."""
    lines = text.splitlines()
    if "'version'" in message or "top-level" in message:
        return next((i for i, ln in enumerate(lines, 1) if re.match(r"\s*version\s*=", ln)), 1)
    m = re.search(r"theme #(\d+)|theme '([a-z0-9_]+)'", message)
    starts = [i for i, ln in enumerate(lines, 1) if re.match(r"\s*\[\[\s*theme\s*\]\]", ln)]
    if m and m.group(1):
        n = int(m.group(1))
        return starts[n - 1] if n <= len(starts) else None
    if m and m.group(2):
        key = re.compile(r"\s*key\s*=\s*[\"']" + re.escape(m.group(2)) + r"[\"']")
        hit = next((i for i, ln in enumerate(lines, 1) if key.match(ln)), None)
        return max((s for s in starts if hit is not None and s <= hit), default=hit)
    if "[focus]" in message:
        return next((i for i, ln in enumerate(lines, 1) if re.match(r"\s*\[\s*focus\s*\]", ln)), None)
    return None


def _parsed(text: str, origin: str) -> Codebook:
    """The codebook of the TOML *text*, or :class:`CodebookError` naming *origin* and the line at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        raise CodebookError(origin, int(m.group(1)) if m else None, _TOML_LINE.sub("", str(exc)).strip()) from exc
    try:
        return _parse_codebook(data, origin)
    except ValueError as exc:
        detail = str(exc).removeprefix(f"{origin}: ")
        raise CodebookError(origin, _line_of(text, detail), detail) from exc


_THEME_FIELDS = {
    "key", "label_vi", "label_en", "core", "terms", "instruments", "exclude", "sources",
    "context_terms", "context_requires",
}


def _instrument_pattern(ref: str) -> re.Pattern[str]:
    """Regex for a document reference, tolerant of spacing, dash style and "Đ"/"D" ("1191/QĐTTg", "36 - NQ/TW")."""
    parts = re.split(r"([\W_]+)", match_key(ref))
    out: list[str] = []
    for i, tok in enumerate(parts):
        if i % 2 == 0:
            out.append("".join("[đdð]" if c in "đð" else re.escape(c) for c in tok))
        else:
            out.append(r"\s*/\s*" if "/" in tok else r"[\s\-._]*")
    return re.compile(r"(?<![^\W_])" + "".join(out) + r"(?![^\W_])")


def _tuple_of_str(value: Any, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError(f"{what} must be a list of strings")
    if not all(isinstance(v, str) and match_key(v) for v in value):
        raise ValueError(f"{what} must hold non-empty strings")
    return tuple(value)


@dataclass(frozen=True)
class Theme:
    """One theme of the codebook.

    Attributes
    ----------
    key, label_vi, label_en : str
        Identifier and labels.
    core : bool
        True for the themes of the hand-coded reference (border, sea_islands, human_rights).
    terms : tuple of str
        Phrases in natural spelling, matched as match keys on syllable boundaries.
    instruments : tuple of str
        Document references that define the theme ("1191/QĐ-TTg"), matched tolerantly.
    exclude : tuple of str
        Phrases in which a term match does not count ("biển báo", "chủ quyền").
    sources : str
        Where the definition comes from.
    context_terms, context_requires : tuple of str
        Terms that count only in a sentence that also contains one of ``context_requires``.
    """

    key: str
    label_vi: str
    label_en: str
    core: bool
    terms: tuple[str, ...]
    instruments: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    sources: str = ""
    context_terms: tuple[str, ...] = ()
    context_requires: tuple[str, ...] = ()
    _term_res: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False, compare=False)
    _instrument_res: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False, compare=False)
    _exclude_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _context_res: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False, compare=False)
    _require_res: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "_term_res", tuple((match_key(t), syllable_pattern(t)) for t in self.terms))
        setattr_(self, "_instrument_res", tuple((match_key(t), _instrument_pattern(t)) for t in self.instruments))
        setattr_(self, "_exclude_res", tuple(syllable_pattern(t) for t in self.exclude))
        setattr_(self, "_context_res", tuple((match_key(t), syllable_pattern(t)) for t in self.context_terms))
        setattr_(self, "_require_res", tuple(syllable_pattern(t) for t in self.context_requires))


@dataclass(frozen=True)
class FocusRule:
    """When a theme is ``central`` to a task rather than ``mentioned`` (the ``[focus]`` table of the codebook).

    A theme is central when (a) it is in a heading of the task — the item's own heading line, or a sub-heading
    inside it ("- Tuyên truyền biển, đảo:") — or (b) at least ``sentence_share`` of the task's content sentences,
    and at least ``min_sentences`` of them, mention it, or (c) it has at least ``min_hits`` hits and at least
    ``density`` hits per 100 words of content. Otherwise it is mentioned: one passing phrase is never central.

    Attributes
    ----------
    sentence_share : float
        Default 0.5.
    min_sentences : int
        Default 2.
    density : float
        Hits per 100 words of content. Default 2.5.
    min_hits : int
        Default 3.
    heading_words : int
        A line inside the task that ends with ":", or has at most this many words after its list marker and does
        not end a clause, is a sub-heading. Default 12.
    """

    sentence_share: float = 0.5
    min_sentences: int = 2
    density: float = 2.5
    min_hits: int = 3
    heading_words: int = 12


_FOCUS_FIELDS = {"sentence_share": float, "min_sentences": int, "density": float, "min_hits": int,
                 "heading_words": int}


def _parse_focus(raw: Any, origin: str) -> FocusRule:
    if raw is None:
        return FocusRule()
    if not isinstance(raw, dict):
        raise ValueError(f"{origin}: [focus] must be a table")
    unknown = set(raw) - set(_FOCUS_FIELDS)
    if unknown:
        raise ValueError(f"{origin}: [focus] has unknown fields {sorted(unknown)}")
    values = {}
    for name, kind in _FOCUS_FIELDS.items():
        if name not in raw:
            continue
        v = raw[name]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (kind is int and not isinstance(v, int)) or v < 0:
            raise ValueError(f"{origin}: [focus] {name} must be a non-negative {kind.__name__}, got {v!r}")
        values[name] = kind(v)
    return FocusRule(**values)


@dataclass
class Codebook:
    """A versioned list of themes (see ``ttdn_analysis/registry/data/themes.toml``).

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.core_keys
    ['border', 'sea_islands', 'human_rights']
    >>> cb["border"].label_en
    'Land border'
    """

    version: str
    themes: list[Theme]
    path: str | None = None
    focus: FocusRule = field(default_factory=FocusRule)

    @property
    def keys(self) -> list[str]:
        """Theme keys in codebook order."""
        return [t.key for t in self.themes]

    @property
    def core_keys(self) -> list[str]:
        """Keys of the core themes in codebook order."""
        return [t.key for t in self.themes if t.core]

    def __getitem__(self, key: str) -> Theme:
        for t in self.themes:
            if t.key == key:
                return t
        raise KeyError(f"no theme {key!r} in codebook {self.version}; themes: {', '.join(self.keys)}")

    def __contains__(self, key: object) -> bool:
        return key in self.keys


def _parse_codebook(data: dict[str, Any], origin: str) -> Codebook:
    version = data.get("version")
    if not isinstance(version, str) or not _VERSION_RE.match(version):
        raise ValueError(f"{origin}: 'version' must look like YYYY.MM.N, got {version!r}")
    extra = set(data) - {"version", "theme", "focus"}
    if extra:
        raise ValueError(f"{origin}: unknown top-level keys {sorted(extra)}")
    raw = data.get("theme")
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{origin}: no [[theme]] tables")
    themes: list[Theme] = []
    for i, tab in enumerate(raw, start=1):
        where = f"{origin}: theme #{i}"
        unknown = set(tab) - _THEME_FIELDS
        if unknown:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
        key = tab.get("key")
        if not isinstance(key, str) or not _KEY_RE.match(key):
            raise ValueError(f"{where}: 'key' must be a lower-case identifier, got {key!r}")
        where = f"{origin}: theme {key!r}"
        for name in ("label_vi", "label_en"):
            if not isinstance(tab.get(name), str) or not tab[name].strip():
                raise ValueError(f"{where}: '{name}' must be a non-empty string")
        if not isinstance(tab.get("core"), bool):
            raise ValueError(f"{where}: 'core' must be true or false")
        sources = tab.get("sources", "")
        if not isinstance(sources, str):
            raise ValueError(f"{where}: 'sources' must be a string")
        theme = Theme(
            key=key, label_vi=tab["label_vi"].strip(), label_en=tab["label_en"].strip(), core=tab["core"],
            terms=_tuple_of_str(tab.get("terms"), f"{where}: 'terms'"),
            instruments=_tuple_of_str(tab.get("instruments"), f"{where}: 'instruments'"),
            exclude=_tuple_of_str(tab.get("exclude"), f"{where}: 'exclude'"),
            sources=sources.strip(),
            context_terms=_tuple_of_str(tab.get("context_terms"), f"{where}: 'context_terms'"),
            context_requires=_tuple_of_str(tab.get("context_requires"), f"{where}: 'context_requires'"),
        )
        if not theme.terms and not theme.instruments:
            raise ValueError(f"{where}: needs at least one term or instrument")
        if bool(theme.context_terms) != bool(theme.context_requires):
            raise ValueError(f"{where}: 'context_terms' and 'context_requires' go together")
        themes.append(theme)
    keys = [t.key for t in themes]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ValueError(f"{origin}: duplicate theme keys {dup}")
    return Codebook(version=version, themes=themes, path=origin, focus=_parse_focus(data.get("focus"), origin))


@lru_cache(maxsize=1)
def _default_codebook() -> Codebook:
    ref = data_file("themes.toml")
    return _parsed(ref.read_text(encoding="utf-8"), "ttdn_analysis/registry/data/themes.toml")


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load a theme codebook from TOML (by default the one shipped in ``ttdn_analysis/registry/data/themes.toml``).

    Parameters
    ----------
    path : str or Path, optional
        A codebook file with ``version = "YYYY.MM.N"`` and one ``[[theme]]`` table per theme.

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        A ValueError naming the file and line, if the file is malformed (not TOML, bad version, unknown fields,
        duplicate keys, a theme without terms).

    Examples
    --------
    >>> cb = load_codebook()
    >>> cb.keys[:3]
    ['border', 'sea_islands', 'human_rights']
    >>> "1079/QĐ-TTg" in cb["human_rights"].instruments
    True
    >>> import tempfile
    >>> bad = Path(tempfile.mkdtemp()) / "themes.toml"
    >>> _ = bad.write_text('# my codebook\\nversion = "2026-11"\\n[[theme]]\\nkey = "border"\\n', encoding="utf-8")
    >>> try:
    ...     load_codebook(bad)
    ... except CodebookError as exc:
    ...     print(exc.line, exc.detail)
    2 'version' must look like YYYY.MM.N, got '2026-11'
    """
    if path is None:
        return _default_codebook()
    p = Path(path)
    return _parsed(p.read_text(encoding="utf-8"), str(p))


def _as_codebook(codebook: Codebook | str | Path | None) -> Codebook:
    if codebook is None or isinstance(codebook, (str, Path)):
        return load_codebook(codebook)
    if isinstance(codebook, Codebook):
        return codebook
    raise TypeError(f"codebook must be a Codebook, a path or None, not {type(codebook).__name__}")
