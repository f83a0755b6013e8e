"""One normalisation stage in front of the grammar: the genre's surface forms mapped onto plain plan text.

A plan reaches the parser in many renderings of one genre: typed text, converter markdown (docling, markitdown,
pandoc: ``1\\.``, ``\\-``, ``**1.**``, ``**Cơ quan chủ trì:**``, ``#`` headings, grid tables, footnotes,
``<!-- image -->``), OCR output (Tesseract's "Il." for II., "l." for 1., "HI." for III., "2," for 2., "-e)" for c),
specks standing alone at the edges of a line, a cue word glued or without a diacritic) and Party numbering
("I-", "1-", "a-"). :func:`normalise_lines` maps every physical line onto the form the grammar reads, one line
for one line (line numbers, and so provenance, stay those of the file), with small named transformations:

=====================  ==========  ==============================================================================
form                   applied     what it does
=====================  ==========  ==============================================================================
``nfc``                always      Unicode NFC (a PDF's decomposed text composed), so that every rule reads one form
``html_comments``      always      ``<!-- image -->``, ``<!-- page-break -->`` and other HTML comments removed
``md_escapes``         markdown    ``1\\.`` → ``1.``, ``\\-`` → ``-``, ``a\\)`` → ``a)``
``md_emphasis``        always      ``**1.**``, ``__x__``, ``*x*`` (markdown style only) → the text
``md_headings``        always      ``## II. NỘI DUNG`` → ``II. NỘI DUNG``
``md_autolinks``       always      ``<http://…>`` → ``http://…``
``md_footnotes``       markdown    ``[^1]`` → ``¹``; a definition ``[^1]: …`` → ``¹ …`` (read as a footnote line)
``grid_rules``         markdown    a grid table's ``+----+----+`` border → ``|----|----|``
``ocr_specks``         OCR         tokens with no letter or digit (and lone letters before a label) at the edges;
                                  a bullet glued to a speck (".-") kept
``ocr_glued_marks``    OCR         ``-e)``, ``'a)`` → ``e)``, ``a)``; ``§`` and like symbols inside words removed
``ocr_stray_period``   OCR         a period at a line's end before a line that goes on in lower case
``ocr_cue_words``      OCR         a cue word glued or missing a diacritic ("KẾHOẠCH", "chủ tri") → the cue word
``ocr_inner_specks``   OCR         a scan symbol alone between two words ("Đồng ! Nai") removed
``ocr_field_lines``    OCR         a role field's lost bullet or colon given back ("Đơn vị chủ trì Sở A")
``party_numbering``    Party       ``I-``, ``1-``, ``a-`` → ``I.``, ``1.``, ``a)``
``label_sequence``     always      an outline label read as the sequence goes on (:func:`read_label_sequence`)
=====================  ==========  ==============================================================================

The style of a file (markdown, OCR, Party numbering) is recognised from the file as a whole
(:func:`detect_styles`), so that a rule of one style never rewrites a plan of another. Only the label readings of
:func:`read_label_sequence` change what a number *means*; each is a :class:`Repair` that the loader reports (a
``numbering_repaired`` problem row on its line and a flag on the tasks whose outline path rests on it). Invisible
characters, look-alike digits and Unicode roman numerals are the ingest stage's text hygiene
(``ttdn_analysis.ingest.read``), not repeated here.

Cue words of the OCR rule are data: the role phrases of ``registry/data/role_cues.csv`` and the structural words of
``registry/data/ocr_cue_words.csv``.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from ttdn_analysis.text import line_key, nfc, roman_value, to_roman

__all__ = ["Repair", "Normalised", "FORMS", "detect_styles", "normalise_lines", "read_label_sequence",
           "html_comments", "md_escapes", "md_emphasis", "md_headings", "md_autolinks", "md_markup", "md_footnotes",
           "grid_rules", "ocr_specks", "ocr_glued_marks", "ocr_cue_words", "ocr_inner_specks", "ocr_field_lines",
           "ocr_stray_periods", "party_numbering"]


@dataclass(frozen=True)
class Repair:
    """An outline label whose reading was repaired from the numbering around it.

    Attributes
    ----------
    line : int
        1-based physical line of the label.
    printed : str
        The label as printed ("Il.", "HI.", "2,", "e)").
    read : str
        The label as read ("II.", "III.", "2.", "c)").
    """

    line: int
    printed: str
    read: str

    @property
    def message(self) -> str:
        """The ``numbering_repaired`` problem text (English, as the loader writes it; the Vietnamese is catalogue
        entry P036a of ``ttdn_analysis/messages.toml``).

        Examples
        --------
        >>> Repair(27, "2,", "2.").message
        "the outline label printed '2,' is read as '2.', the number the sequence calls for (an OCR misreading?)"
        """
        return (f"the outline label printed {self.printed!r} is read as {self.read!r}, the number the sequence calls "
                f"for (an OCR misreading?)")


@dataclass
class Normalised:
    """The normalised physical lines of a file (one for one with the input), its styles and the label repairs."""

    lines: list[str]
    styles: frozenset[str] = frozenset()
    repairs: list[Repair] = field(default_factory=list)

    @property
    def repaired_lines(self) -> frozenset[int]:
        """Physical lines (1-based) whose outline label was repaired."""
        return frozenset(r.line for r in self.repairs)


# ---------------------------------------------------------------------------------------------------------------
# Converter markdown

_COMMENT = re.compile(r"<!--.*?-->")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_BOLD = re.compile(r"(\*\*|__)")
_EMPH = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![*\w])")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_FOOTNOTE_REF = re.compile(r"\[\^(\d{1,3})\]")
_FOOTNOTE_DEF = re.compile(r"^\s*\[\^(\d{1,3})\]:\s*")
_GRID_RULE = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def html_comments(line: str) -> str:
    """Remove HTML comments (a converter's ``<!-- image -->`` and ``<!-- page-break -->`` are no text).

    Examples
    --------
    >>> html_comments("<!-- image -->"), html_comments("Chủ trì <!-- x --> Sở Ngoại vụ")
    ('', 'Chủ trì  Sở Ngoại vụ')
    """
    return _COMMENT.sub("", line) if "<!--" in line else line


def md_escapes(line: str) -> str:
    """Read markdown escapes as the characters they escape.

    Examples
    --------
    >>> md_escapes(r"1\\. Tuyên truyền"), md_escapes(r"\\- Chủ trì"), md_escapes(r"a\\) Tập huấn")
    ('1. Tuyên truyền', '- Chủ trì', 'a) Tập huấn')
    """
    return _ESCAPE.sub(r"\1", line) if "\\" in line else line


def md_emphasis(line: str, single: bool = False) -> str:
    """Remove bold markers (``**``, ``__``), and with *single* the ``*x*`` emphasis of a markdown file.

    Examples
    --------
    >>> md_emphasis("**1.** Mục đích"), md_emphasis("**Cơ quan chủ trì:** Sở Ngoại vụ")
    ('1. Mục đích', 'Cơ quan chủ trì: Sở Ngoại vụ')
    >>> md_emphasis("*Thời gian:* quý I", single=True), md_emphasis("*")
    ('Thời gian: quý I', '*')
    """
    if "*" not in line and "__" not in line:
        return line
    line = _BOLD.sub("", line)
    return _EMPH.sub(r"\1", line) if single else line


_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")


def md_autolinks(line: str) -> str:
    """A markdown autolink's brackets removed.

    Examples
    --------
    >>> md_autolinks("Cổng thông tin <http://www.vietnam.vn>")
    'Cổng thông tin http://www.vietnam.vn'
    """
    return _AUTOLINK.sub(r"\1", line) if "<http" in line else line


def md_markup(line: str) -> str:
    """The markdown marks removed in every file (a typed plan may carry them too): comments, bold, headings,
    autolinks. The line reader cleans each physical line with it.

    Examples
    --------
    >>> md_markup("## **II. NỘI DUNG** <http://www.vietnam.vn> <!-- page-break -->")
    'II. NỘI DUNG http://www.vietnam.vn '
    """
    return md_autolinks(md_headings(md_emphasis(html_comments(line))))


def md_headings(line: str) -> str:
    """Remove a markdown heading's ``#`` marks.

    Examples
    --------
    >>> md_headings("## II. NHIỆM VỤ"), md_headings("#1 hashtag")
    ('II. NHIỆM VỤ', '#1 hashtag')
    """
    return _HEADING.sub("", line)


def md_footnotes(line: str) -> str:
    """Markdown footnotes as printed footnotes: a reference ``[^2]`` → ``²``, a definition ``[^2]: …`` → ``² …``.

    Examples
    --------
    >>> md_footnotes("vùng đầm phá[^1]."), md_footnotes("[^1]: Quyết định số 1079/QĐ-TTg.")
    ('vùng đầm phá¹.', '¹ Quyết định số 1079/QĐ-TTg.')
    """
    if "[^" not in line:
        return line
    line = _FOOTNOTE_DEF.sub(lambda m: m.group(1).translate(_SUPERSCRIPT) + " ", line)
    return _FOOTNOTE_REF.sub(lambda m: m.group(1).translate(_SUPERSCRIPT), line)


def grid_rules(line: str) -> str:
    """A grid table's border line as a pipe table's rule, so that one table reader reads both.

    Examples
    --------
    >>> grid_rules("+----+------+"), grid_rules("+ Chủ trì: Sở Ngoại vụ")
    ('|----|------|', '+ Chủ trì: Sở Ngoại vụ')
    """
    return line.replace("+", "|") if _GRID_RULE.match(line) else line


# ---------------------------------------------------------------------------------------------------------------
# OCR output

_ALNUM = re.compile(r"[^\W_]")
#: Symbols a scan leaves inside words; never part of a plan's words.
_SPECK_CHARS = re.compile(r"[§¬°©®™¦¤¶]")
#: A label at a line's start (what a speck may stand before).
_LABEL_AHEAD = re.compile(r"^(?:[IVXLHl1|]{1,6}[.,]|\d{1,2}[.,]|[a-zđ]\))\s")
#: Consonant letters: a lone one is no Vietnamese word.
_LONE_CONSONANT = set("bcdđfghjklmnpqrstvwxz")
_BULLETS = {"-", "+", "•", "*", "–"}


def _is_speck(token: str) -> bool:
    """A token with no letter or digit; a modifier letter ("ˆ", "ˉ") is a scan's mark, no letter of a word."""
    return not any(_ALNUM.match(c) and unicodedata.category(c) != "Lm" for c in token)


def _table_row(line: str) -> bool:
    """A table row: tab-separated cells, two cells with text between pipes ("| … | … |", "1 | … |  |"), three
    pipes or more (a continuation row "  | … |  |  |"), or a pipe table's rule ("---|---|---")."""
    t = line.strip()
    return "\t" in t or t.count("|") >= 3 or sum(1 for cell in t.split("|") if _ALNUM.search(cell)) >= 2 or (
        t.count("|") >= 1 and t.count("-") >= 3 and not t.strip("-|: "))


def ocr_specks(line: str) -> str:
    """Remove specks standing alone at a line's edges: tokens with no letter or digit, a lone letter before a
    label or before other specks, a lone consonant at the end.

    A bullet ("-", "+") before a capital is kept; before a lower-case word it is a speck (a bullet opens an
    item with a capital). Specks inside a line are kept (they are part of the text as printed).

    Examples
    --------
    >>> ocr_specks("ị Ẫ a) Giao Sở Văn hóa chủ trì"), ocr_specks(": II. NHIỆM VỤ TRỌNG TÂM : ¬")
    ('a) Giao Sở Văn hóa chủ trì', 'II. NHIỆM VỤ TRỌNG TÂM')
    >>> ocr_specks("l __ Ủy ban nhân dân tỉnh ban hành"), ocr_specks("- Cơ quan chủ trì: Sở Ngoại vụ")
    ('Ủy ban nhân dân tỉnh ban hành', '- Cơ quan chủ trì: Sở Ngoại vụ')
    >>> ocr_specks("sở, ngành; thời gian: quý I/2026. l"), ocr_specks(". - dựng đường biên giới")
    ('sở, ngành; thời gian: quý I/2026.', 'dựng đường biên giới')
    >>> ocr_specks("quý II -"), ocr_specks("KẾ HOẠCH -")
    ('quý II -', 'KẾ HOẠCH')
    >>> ocr_specks(".- Công an tỉnh: chủ động phát hiện"), ocr_specks("¬- Đơn vị chủ trì: Báo tỉnh ˆ")
    ('- Công an tỉnh: chủ động phát hiện', '- Đơn vị chủ trì: Báo tỉnh')
    """
    if _table_row(line):
        return line  # a table row keeps its cells, empty ones included
    spans = [m.span() for m in re.finditer(r"\S+", line)]
    tokens = [line[a:b] for a, b in spans]
    if not tokens:
        return ""
    # leading: the longest run of specks and lone letters, dropped when it holds a speck or stands before a label
    i = 0
    while i < len(tokens) and (_is_speck(tokens[i]) or (len(tokens[i]) == 1 and tokens[i].isalpha())):
        i += 1
    if i:
        run, rest = tokens[:i], " ".join(tokens[i:])
        if i < len(tokens) and run[-1] in _BULLETS and tokens[i][:1].isupper():
            run = run[:-1]  # a bullet before a capital opens an item
            i -= 1
        elif i < len(tokens) and tokens[i][:1].isupper() and _is_speck(run[-1]) and len(run[-1]) > 1 \
                and run[-1][-1] in _BULLETS and run[-1][-1] != "*":
            # a bullet with a speck glued before it (".-", "¬-") before a capital: the bullet stays
            return run[-1][-1] + " " + ocr_specks(line[spans[i][0]:])
        if not (run and (any(_is_speck(t) for t in run) or _LABEL_AHEAD.match(rest + " ")
                         or all(t.lower() in _LONE_CONSONANT for t in run))):
            i = 0
    # trailing: specks, and a lone consonant; a hyphen right after a word is a broken "quý II -" and kept (not
    # after a heading in capitals)
    j = len(tokens)
    while j > i:
        last = tokens[j - 1]
        kept_hyphen = last == "-" and j - 1 > i and tokens[j - 2][-1:].isalnum() and \
            spans[j - 1][0] - spans[j - 2][1] == 1 and not _caps(line)  # "KẾ HOẠCH -": a heading's speck
        lone = len(last) == 1 and last.lower() in _LONE_CONSONANT and j - 1 > i
        if not ((_is_speck(last) and not kept_hyphen) or lone):
            break
        j -= 1
    if i >= j:
        return ""
    return line[spans[i][0]:spans[j - 1][1]]


_GLUED_MARK = re.compile(r"^[\"'`‘’“”.,:;\-–—_~=]+(?=(?:[a-zđ]\)|\d{1,2}(?:\.\d{1,2})*[.,]|[IVXLHl]{1,5}\.)\s)")


def ocr_glued_marks(line: str) -> str:
    """Remove marks glued to a label at a line's start (``-e)``, ``'a)``) and scan symbols inside words.

    Examples
    --------
    >>> ocr_glued_marks("-e) Tổ chức giao lưu"), ocr_glued_marks("'a) Tổ chức"), ocr_glued_marks("-S§ố:58/KH-UBND")
    ('e) Tổ chức giao lưu', 'a) Tổ chức', '-Số:58/KH-UBND')
    """
    line = _SPECK_CHARS.sub("", line)
    return _GLUED_MARK.sub("", line)


def _strip_marks(ch: str) -> set[str]:
    """A character and every form of it with some of its diacritics dropped ("ố" → ố, ô, ó, o)."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], list(decomposed[1:])
    out = set()
    for keep in product((False, True), repeat=len(marks)):
        out.add(unicodedata.normalize("NFC", base + "".join(m for m, k in zip(marks, keep) if k)))
    return out


@lru_cache(maxsize=1)
def _cue_patterns() -> list[tuple[re.Pattern[str], str]]:
    """One pattern per cue phrase of two or more syllables: its letters with or without diacritics, spaces
    optional."""
    from ttdn_analysis.registry import read_rows

    phrases = {r["phrase"].strip().lower() for r in read_rows("role_cues.csv")}
    phrases |= {r["phrase"].strip().lower() for r in read_rows("ocr_cue_words.csv")}
    out = []
    for phrase in sorted(phrases, key=len, reverse=True):
        words = phrase.split()
        if len(words) < 2 or not all(w.isalpha() for w in words):
            continue
        parts = ["".join("[" + "".join(sorted(_strip_marks(c) | {c.upper() for c in _strip_marks(c)})) + "]"
                         for c in unicodedata.normalize("NFC", w)) for w in words]
        out.append((re.compile(r"(?<![^\W\d_])" + r"\s*".join(parts) + r"(?![^\W\d_])"), phrase))
    return out


def ocr_cue_words(line: str) -> str:
    """A cue word glued to the next ("KẾHOẠCH", "thựchiện") or missing a diacritic ("chủ tri") → the cue word.

    Only a form that drops marks or spaces of the cue word is rewritten: "có quan hệ" (another word, not "cơ
    quan" without its horn) stays. The case of the printed form is kept (capitals stay capitals).

    Examples
    --------
    >>> ocr_cue_words("KẾHOẠCH"), ocr_cue_words("Sở Tư pháp chủ tri, phoi hợp với Sở Nội vụ")
    ('KẾ HOẠCH', 'Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ')
    >>> ocr_cue_words("có quan hệ hợp tác; theo dõi việc thựchiện")
    'có quan hệ hợp tác; theo dõi việc thực hiện'
    """
    for rx, phrase in _cue_patterns():
        if not rx.search(line):
            continue

        def fix(m: re.Match[str], phrase: str = phrase) -> str:
            printed = m.group(0)
            if printed.lower() == phrase:
                return printed
            if printed.isupper():
                return phrase.upper()
            return phrase[0].upper() + phrase[1:] if printed[:1].isupper() else phrase
        line = rx.sub(fix, line)
    return line


#: Scan symbols that stand alone between two words ("Đồng ! Nai", "giáo › Tỉnh"): no word, no punctuation.
_INNER_SPECK = re.compile(r"(?<=[^\W_]) +[›‹ˆ¨´`^~!¡¿¦|]+ +(?=[^\W_])")


#: A lone consonant before a word that starts with it ("thị x xã", "Chương t trình"): the scan read the word's
#: first stroke twice (a lone consonant is no Vietnamese word).
_DOUBLED_START = re.compile(r"(?<!\S)([bcdđghklmnpqrstvx]) (?=(?i:\1)[^\W\d_])", re.IGNORECASE)
#: A period glued to a word inside a sentence that goes on in lower case ("thành. phố", "việc. triển khai"): a
#: speck read as a period (an abbreviation such as "v.v." has a period before its last letter and stays).
_GLUED_PERIOD = re.compile(r"(?<=[^\W\d_]{2})\.(?= +[a-zđà-ỹ])")


def ocr_inner_specks(line: str) -> str:
    """Remove what a scan leaves inside a line: a symbol standing alone between two words ("Đồng ! Nai" → "Đồng
    Nai"), a word's first letter read twice ("x xã"), a period glued before a word in lower case ("thành. phố")
    or after a comma ("huyện,."); a table row keeps its cells.

    Examples
    --------
    >>> ocr_inner_specks("Đài Phát thanh - Truyền hình Đồng ! Nai; Báo Đồng Nai"), ocr_inner_specks("a | b | c")
    ('Đài Phát thanh - Truyền hình Đồng Nai; Báo Đồng Nai', 'a | b | c')
    >>> ocr_inner_specks("các huyện,. thị x xã, thành. phố; Chương t trình v.v. và")
    'các huyện, thị xã, thành phố; Chương trình v.v. và'
    """
    if _table_row(line):
        return line
    if _INNER_SPECK.search(line):
        line = _INNER_SPECK.sub(" ", line)
    if _DOUBLED_START.search(line):
        line = _DOUBLED_START.sub("", line)
    if "." in line:
        line = _GLUED_PERIOD.sub("", line.replace(",.", ",").replace(";.", ";"))
    return line


@lru_cache(maxsize=1)
def _field_labels() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Two patterns on a line's match key (``line_key``): a field label with its colon at a line's start, and a
    subject word with a lead or support phrase and no colon before a value ("đơn vị chủ trì Sở …"); from the
    role cues of ``registry/data/role_cues.csv``."""
    from ttdn_analysis.registry import read_rows

    def alt(phrases: set[str]) -> str:
        return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=lambda p: (-len(p), p)))

    rows = read_rows("role_cues.csv")
    subjects = {line_key(nfc(r["phrase"].strip())) for r in rows if r["form"] == "field_subject"}
    roles = {line_key(nfc(r["phrase"].strip())): r["role"] for r in rows if r["form"] in ("verb", "field")}
    agents = {p for p, role in roles.items() if role in ("lead", "support")}
    with_colon = re.compile(rf"^(?:(?:{alt(subjects)})\s+)?(?:{alt(set(roles))})\s*:")
    without = re.compile(rf"^(?:{alt(subjects)})\s+(?:{alt(agents)})(?=\s+[^\W\d_])")
    return with_colon, without


@lru_cache(maxsize=1)
def _loose_labels() -> tuple[re.Pattern[str], dict[str, str]]:
    """A field label of a subject word and a role phrase as a scan may print it, read on :func:`_bare` text: any
    tone or other mark changed ("Đớn vị chủ trì"), a period inside ("Đơn. vị"), a mark glued before it
    ("_Đơn vị"); and the printed phrase of each bare form."""
    from ttdn_analysis.registry import read_rows

    rows = read_rows("role_cues.csv")
    phrases = {nfc(r["phrase"].strip().lower()): r["form"] for r in rows if r["form"] in ("verb", "field",
                                                                                        "field_subject")}
    spelled = {_bare(p): p for p in sorted(phrases, reverse=True)}

    def alt(forms: set[str]) -> str:
        return "|".join(re.escape(p).replace(r"\ ", r"[.,]?\s+")
                        for p in sorted({_bare(f) for f in forms}, key=lambda p: (-len(p), p)))

    subjects = {p for p, form in phrases.items() if form == "field_subject"}
    roles = {p for p, form in phrases.items() if form != "field_subject"}
    label = rf"(?P<subj>{alt(subjects)})[.,]?\s+(?P<role>{alt(roles)})\s*(?=:)"
    return re.compile(rf"^(?P<glued>[_'\"`‘’“”.,~=]*){label}"), spelled


def _bare(text: str) -> str:
    """*text* in lower case without any diacritic, one character for one ("Đớn" → "don").

    Examples
    --------
    >>> _bare("Đớn Vị chủ trì")
    'don vi chu tri'
    """
    return "".join("d" if c in "đĐ" else unicodedata.normalize("NFD", c)[0].lower()[:1] for c in text)


_BULLET_AHEAD = re.compile(r"^\s*(?:[-–•*+]\s*)+")


def ocr_field_lines(line: str) -> str:
    """A role field line as the scan lost its marks: the bullet back before a field label that opens a line
    ("Đơn vị chủ trì: Sở A" → "- Đơn vị chủ trì: Sở A", so that it is never read as the end of the paragraph
    above it), the label's words as the cues spell them when the scan changed a mark, put a period inside or
    glued a mark before it ("Đớn vị chủ trì:", "'Đơn. vị chủ trì:"), and the colon back after a subject and role
    phrase before a capital ("- Đơn vị chủ trì Đài …" → "- Đơn vị chủ trì: Đài …"). A verb phrase opening a
    sentence ("Phối hợp Bộ …") has no subject word and stays.

    Examples
    --------
    >>> ocr_field_lines("Đơn vị chủ trì: Sở Thông tin và Truyền thông"), ocr_field_lines("- Đơn vị chủ trì Báo tỉnh")
    ('- Đơn vị chủ trì: Sở Thông tin và Truyền thông', '- Đơn vị chủ trì: Báo tỉnh')
    >>> ocr_field_lines("Phối hợp Bộ Ngoại giao tổ chức"), ocr_field_lines("- Đơn vị chủ trì các hoạt động")
    ('Phối hợp Bộ Ngoại giao tổ chức', '- Đơn vị chủ trì các hoạt động')
    >>> ocr_field_lines("Đớn vị chủ trì: Sở A"), ocr_field_lines("'Đơn. vị chủ trì: Sở A")
    ('- Đơn vị chủ trì: Sở A', '- Đơn vị chủ trì: Sở A')
    >>> ocr_field_lines("_Cơ quan phôi hợp: Sở B")
    '- Cơ quan phối hợp: Sở B'
    """
    with_colon, without = _field_labels()
    bullet = _BULLET_AHEAD.match(line)
    head = line[:bullet.end()] if bullet else ""
    rest = line[len(head):]
    key = line_key(rest)
    if not with_colon.match(key):
        loose, spelled = _loose_labels()
        found = loose.match(_bare(rest))
        if found:
            words = [spelled.get(re.sub(r"[.,]?\s+", " ", found.group(g)), found.group(g)) for g in ("subj", "role")]
            label = " ".join(words)
            if rest[found.end("glued"):][:1].isupper():
                label = label[0].upper() + label[1:]
            rest = label + rest[found.end():]
        else:
            m = without.match(key)
            if not m or not rest[m.end():].lstrip()[:1].isupper():
                return line
            rest = rest[:m.end()] + ":" + rest[m.end():]
    return head + rest if head else "- " + rest


def ocr_stray_periods(lines: list[str]) -> list[str]:
    """Drop a period glued to a line's last word when the next line with text goes on in lower case ("Sở Ngoại
    vụ." + "và UBND các xã …", "phối." + "hợp với …"): a sentence never resumes in lower case.

    Examples
    --------
    >>> ocr_stray_periods(["phối hợp với Sở Ngoại vụ.", "", "và UBND các xã", "thường xuyên.", "b) Tập huấn"])
    ['phối hợp với Sở Ngoại vụ', '', 'và UBND các xã', 'thường xuyên.', 'b) Tập huấn']
    """
    out = list(lines)
    nxt = ""
    for i in range(len(out) - 1, -1, -1):
        text = out[i].rstrip()
        if text.endswith(".") and not text.endswith("..") and re.search(r"[^\W\d_]\.$", text) \
                and nxt[:1].isalpha() and nxt[:1].islower() and not re.match(r"^[a-zđ]\)\s", nxt):
            out[i] = text[:-1]
        if text.strip():
            nxt = text.strip()
    return out


# ---------------------------------------------------------------------------------------------------------------
# Party numbering

_PARTY = re.compile(r"^(\s*)(?:(?P<roman>[IVX]{1,5})|(?P<num>\d{1,2}(?:\.\d{1,2})*)|(?P<letter>[a-zđ]))-\s+(?=\S)")


def party_numbering(line: str) -> str:
    """Party numbering ("I-", "1-", "a-") as the state layout's ("I.", "1.", "a)").

    Examples
    --------
    >>> party_numbering("II- NHIỆM VỤ VÀ GIẢI PHÁP"), party_numbering("1- Tăng cường"), party_numbering("a- Ban")
    ('II. NHIỆM VỤ VÀ GIẢI PHÁP', '1. Tăng cường', 'a) Ban')
    >>> party_numbering("- Cơ quan chủ trì")
    '- Cơ quan chủ trì'
    """
    m = _PARTY.match(line)
    if not m:
        return line
    label = m.group("roman") or m.group("num")
    mark = f"{label}. " if label else f"{m.group('letter')}) "
    return m.group(1) + mark + line[m.end():]


# ---------------------------------------------------------------------------------------------------------------
# Styles

_MD_SIGNS = re.compile(r"\\[.\-)(*#]|^\s{0,3}#{1,6}\s|\*\*[^*]+\*\*|<!--|^\s*\[\^\d+\]:|^\s*\+[-=]{3,}\+")
_PARTY_SIGN = re.compile(r"^\s*(?:[IVX]{1,5}|\d{1,2}|[a-zđ])-\s+[A-ZĐÀ-Ỹa-zđà-ỹ]")
_OPENERS = {"-", "–", "+", "•", "*", "“", '"', "(", "[", ">", "…"}


def _edge_speck(line: str) -> str:
    """The speck at a line's edge ("" when none): a token without letter or digit that is no bullet, quote or
    rule (a table row "| … |" and a rule line "-----" have none). Pipes left at the edge are returned as "|"."""
    t = line.strip()
    if not _ALNUM.search(t) or _table_row(t):
        return ""  # a rule line, or a table row
    tokens = t.split()
    first, last = tokens[0], tokens[-1]
    for tok in (first, last) if len(tokens) > 1 else (first,):
        if _is_speck(tok) and tok not in _OPENERS and tok not in {"-", "–", "”", '"', ")", "…"} and tok.strip("|"):
            return tok
    return "|" if (first.startswith("|") or last.endswith("|")) and (_is_speck(first) or _is_speck(last)) else ""


def detect_styles(lines: Sequence[str]) -> frozenset[str]:
    """The renderings a file shows: "markdown" (converter marks on 3+ lines), "party" (Party numbering on 3+
    lines), "ocr" (specks at the edges of 5% of the lines with text, at least 5 lines, 3 of them other than a
    pipe, which a flattened table leaves; read once the markdown marks are gone, so that an escaped "\\-" bullet
    is no speck).

    Examples
    --------
    >>> sorted(detect_styles(["I- MỤC ĐÍCH", "1- Nâng cao", "II- NHIỆM VỤ", "a- Ban Tuyên giáo"]))
    ['party']
    >>> sorted(detect_styles([r"1\\. Mục đích", "**a)** Tập huấn", "## II. NHIỆM VỤ"]))
    ['markdown']
    """
    text = [ln for ln in lines if ln.strip()]
    styles = set()
    if sum(1 for ln in text if _MD_SIGNS.search(ln)) >= 3:
        styles.add("markdown")
        text = [md_headings(md_emphasis(md_escapes(html_comments(ln)), True)) for ln in text]
    if sum(1 for ln in text if _PARTY_SIGN.match(ln)) >= 3:
        styles.add("party")
    edges = [_edge_speck(ln) for ln in text]
    specks, marks = sum(1 for e in edges if e), sum(1 for e in edges if e and e != "|")
    # a flattened header table leaves only pipes at the line ends: a scan leaves other marks too
    if specks >= 5 and specks >= 0.05 * len(text) and marks >= 3:
        styles.add("ocr")
    return frozenset(styles)


# ---------------------------------------------------------------------------------------------------------------
# Outline labels read as a sequence

_ALPHABET = "abcdđeghiklmnopqrstuvxy"
#: Characters OCR prints for the strokes of a roman numeral.
_ROMAN_LOOKS = {"l": "I", "1": "I", "|": "I", "!": "I", "H": "II", "I": "I", "V": "V", "X": "X"}
_DIGIT_LOOKS = {"l": "1", "I": "1", "|": "1", "i": "1", "O": "0", "o": "0"}
#: Letters a scan confuses with each other.
_LETTER_LOOKS = {"c": "e", "e": "c", "h": "b", "b": "h", "d": "đ", "đ": "d", "l": "i", "i": "l"}
_LABEL = re.compile(r"^(?P<pad>\s*)(?P<tok>[^\s.,)]{1,6})(?P<mark>[.,)])(?P<space>\s+)(?P<rest>\S.*)$")
#: A decimal label ("2.1.", and as a scan misreads its last period: "2.2:", "2.2,").
_DECIMAL = re.compile(r"^(?P<pad>\s*)(?P<tok>\d{1,2}(?:\.\d{1,2})+)(?P<mark>[.:,;]?)(?P<space>\s+)(?P<rest>\S.*)$")


def _caps_start(text: str) -> bool:
    return text[:1].isupper() or (text[:1] in "\"“'" and text[1:2].isupper())


#: A roman label whose period the scan lost, before a capital ("II NỘI DUNG THỰC HIỆN").
_BARE_ROMAN = re.compile(r"^(?P<pad>\s*)(?P<tok>[IVXlH|!1]{1,6})(?P<space>\s+)(?P<rest>[A-ZĐÀ-Ỹ]\S*(?:\s.*)?)$")
_HEADING_WORDS = re.compile(r"mục|nhiệm|nội dung|tổ chức|kinh phí|giải pháp|trách nhiệm|phân công|kết quả|yêu cầu")


def _caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.6


def _readings(tok: str, mark: str, rest: str) -> tuple[tuple[str, int] | None, list[tuple[str, int]]]:
    """The printed reading of a label (kind, value) if it is a well-formed label, and the confusable readings."""
    printed: tuple[str, int] | None = None
    alt: list[tuple[str, int]] = []
    heading = _caps(rest) or bool(_HEADING_WORDS.match(rest.lower()))
    if mark == "." and re.fullmatch(r"[IVXLC]{1,7}", tok) and roman_value(tok) and heading:
        printed = ("roman", roman_value(tok) or 0)
    elif mark == "." and re.fullmatch(r"\d{1,2}", tok):
        printed = ("num", int(tok))
    elif mark == ")" and len(tok) == 1 and tok in _ALPHABET:
        printed = ("letter", _ALPHABET.index(tok) + 1)
    if mark in ".," and heading and all(c in _ROMAN_LOOKS for c in tok):
        value = roman_value("".join(_ROMAN_LOOKS[c] for c in tok))
        if value:
            alt.append(("roman", value))
    if mark in ".," and all(c.isdigit() or c in _DIGIT_LOOKS for c in tok) and len(tok) <= 2 and (
            tok.isdigit() or not _caps(rest)):  # a capitals heading "I. MỤC ĐÍCH" is never item 1
        alt.append(("num", int("".join(_DIGIT_LOOKS.get(c, c) for c in tok))))
    if mark == ")" and len(tok) == 1 and tok in _LETTER_LOOKS:
        alt.append(("letter", _ALPHABET.index(_LETTER_LOOKS[tok]) + 1))
    return printed, alt


def _label_text(kind: str, value: int) -> str:
    return f"{to_roman(value)}." if kind == "roman" else f"{value}." if kind == "num" else f"{_ALPHABET[value - 1]})"


def read_label_sequence(lines: list[str]) -> tuple[list[str], list[Repair]]:
    """Read outline labels as a sequence: a label that does not continue the numbering, while a look-alike of it
    does, is read as the look-alike.

    "Il." after "I." is II, "l." where "1." is due is 1, "I." after "IV." (not a heading) is 1., "HI." after "II."
    is III, "2," is 2., "e)" after "b)" is c). A roman label without its period ("II NỘI DUNG") is a section
    heading when it continues the sections (after "I.", never the first) and a heading in capitals follows it;
    a decimal label whose last period was read as another mark ("2.2:") is read as "2.2." when it continues the
    items before it. A well-formed label that continues the numbering is never changed, nor one whose look-alikes
    do not continue it either (a real gap stays a gap, for ``numbering_gap``). An appendix
    ("PHỤ LỤC") starts the numbering again.

    Parameters
    ----------
    lines : list of str
        Physical lines (specks already removed).

    Returns
    -------
    (list of str, list of Repair)
        The lines with repaired labels written in the state layout, and the repairs (1-based lines).

    Examples
    --------
    >>> out, rep = read_label_sequence(["I. MỤC ĐÍCH", "l. Mục đích", "Il. NHIỆM VỤ", "1. Việc A", "a) A1",
    ...     "b) A2", "e) A3", "2, Việc B", "HI. KINH PHÍ", "IV. TỔ CHỨC", "I. Sở Ngoại vụ", "3. Việc C"])
    >>> out  # doctest: +NORMALIZE_WHITESPACE
    ['I. MỤC ĐÍCH', '1. Mục đích', 'II. NHIỆM VỤ', '1. Việc A', 'a) A1', 'b) A2', 'c) A3', '2. Việc B',
     'III. KINH PHÍ', 'IV. TỔ CHỨC', '1. Sở Ngoại vụ', '3. Việc C']
    >>> [(r.line, r.printed, r.read) for r in rep]  # doctest: +NORMALIZE_WHITESPACE
    [(2, 'l.', '1.'), (3, 'Il.', 'II.'), (7, 'e)', 'c)'), (8, '2,', '2.'), (9, 'HI.', 'III.'), (11, 'I.', '1.')]
    >>> read_label_sequence(["2. Việc B", "2.1. Việc B1", "2.2: Việc B2", "2.3, Việc B3", "2.5: chú thích"])[0]
    ['2. Việc B', '2.1. Việc B1', '2.2. Việc B2', '2.3. Việc B3', '2.5: chú thích']
    >>> out, rep = read_label_sequence(["I. MỤC ĐÍCH", "II NỘI DUNG THỰC HIỆN", "1. Việc A", "III Kinh phí",
    ...                                 "V TRÁCH NHIỆM"])
    >>> out, [(r.line, r.printed, r.read) for r in rep]
    (['I. MỤC ĐÍCH', 'II. NỘI DUNG THỰC HIỆN', '1. Việc A', 'III Kinh phí', 'V TRÁCH NHIỆM'], [(2, 'II', 'II.')])
    """
    out = list(lines)
    repairs: list[Repair] = []
    state = {"roman": 0, "num": 0, "letter": 0}

    last_decimal: tuple[int, ...] = ()

    def continues(kind: str, value: int) -> bool:
        return value == state[kind] + 1

    def advance(kind: str, value: int) -> None:
        state[kind] = value
        if kind == "roman":
            state["num"] = state["letter"] = 0
        elif kind == "num":
            state["letter"] = 0

    for i, line in enumerate(lines):
        if re.match(r"^\s*phụ\s+lục\b", line, re.IGNORECASE):
            state = {"roman": 0, "num": 0, "letter": 0}
            continue
        dec = _DECIMAL.match(line)
        if dec:
            parts = tuple(int(x) for x in dec.group("tok").split("."))
            if dec.group("mark") in (".", ""):
                last_decimal = parts  # a well-formed "2.1." or "2.1": the sequence goes on
            elif _caps_start(dec.group("rest")) and (
                    (last_decimal and parts[:-1] == last_decimal[:-1] and parts[-1] == last_decimal[-1] + 1)
                    or (len(parts) == 2 and parts == (state["num"], 1))):
                new = dec.group("tok") + "."
                out[i] = dec.group("pad") + new + dec.group("space") + dec.group("rest")
                repairs.append(Repair(i + 1, dec.group("tok") + dec.group("mark"), new))
                last_decimal = parts
            continue
        m = _LABEL.match(line)
        if not m:
            bare = _BARE_ROMAN.match(line)
            if bare and state["roman"] and _caps(bare.group("rest")):
                value = roman_value("".join(_ROMAN_LOOKS[c] for c in bare.group("tok")))
                if value and continues("roman", value):
                    new = _label_text("roman", value)
                    out[i] = bare.group("pad") + new + bare.group("space") + bare.group("rest")
                    repairs.append(Repair(i + 1, bare.group("tok"), new))
                    advance("roman", value)
            continue
        tok, mark, rest = m.group("tok"), m.group("mark"), m.group("rest")
        if re.match(r"\d", rest) and mark in ".,":
            continue  # "1.2." decimals and "15.11" dates are not read here
        printed, alt = _readings(tok, mark, rest)
        if printed is not None and continues(*printed):
            advance(*printed)
            continue
        found = next((a for a in alt if continues(*a) and a != printed), None)
        if found is not None:
            new = _label_text(*found)
            out[i] = m.group("pad") + new + m.group("space") + rest
            repairs.append(Repair(i + 1, tok + mark, new))
            advance(*found)
        elif printed is not None:
            advance(*printed)
    return out, repairs


# ---------------------------------------------------------------------------------------------------------------
# The stage

#: The transformations of one physical line, with the style that turns each on ("" = always), in order.
FORMS: list[tuple[str, str, Callable[[str], str]]] = [
    ("nfc", "", nfc),
    ("html_comments", "", html_comments),
    ("md_escapes", "markdown", md_escapes),
    ("md_footnotes", "markdown", md_footnotes),
    ("grid_rules", "markdown", grid_rules),
    ("md_emphasis", "", md_emphasis),
    ("md_headings", "", md_headings),
    ("md_autolinks", "", md_autolinks),
    ("ocr_glued_marks", "ocr", ocr_glued_marks),
    ("ocr_specks", "ocr", ocr_specks),
    ("ocr_glued_marks", "ocr", ocr_glued_marks),
    ("ocr_cue_words", "ocr", ocr_cue_words),
    ("ocr_inner_specks", "ocr", ocr_inner_specks),
    ("ocr_field_lines", "ocr", ocr_field_lines),
    ("party_numbering", "party", party_numbering),
]


def normalise_lines(raw_lines: Sequence[str], styles: frozenset[str] | None = None) -> Normalised:
    """Map a file's physical lines onto the form the grammar reads, one line for one line.

    Parameters
    ----------
    raw_lines : sequence of str
        The file's physical lines as read (``raw_lines[i]`` is line ``i + 1``).
    styles : frozenset of str, optional
        The renderings to undo ("markdown", "ocr", "party"); default: those :func:`detect_styles` finds.

    Returns
    -------
    Normalised
        ``lines`` (as many as *raw_lines*; a line that holds nothing but a converter's comment or specks becomes
        empty), ``styles`` and the label ``repairs``.

    Examples
    --------
    >>> n = normalise_lines(["<!-- image -->", "## I. MỤC ĐÍCH", r"**1\\.** Mục đích", "## II. NHIỆM VỤ",
    ...                      "**l.** Tập huấn", "**Cơ quan chủ trì:** Sở Ngoại vụ"])
    >>> n.lines
    ['', 'I. MỤC ĐÍCH', '1. Mục đích', 'II. NHIỆM VỤ', '1. Tập huấn', 'Cơ quan chủ trì: Sở Ngoại vụ']
    >>> sorted(n.styles), [(r.line, r.printed, r.read) for r in n.repairs]
    (['markdown'], [(5, 'l.', '1.')])
    """
    styles = detect_styles(raw_lines) if styles is None else styles
    single = "markdown" in styles
    out = []
    for raw in raw_lines:
        line = raw
        for name, style, form in FORMS:
            if style and style not in styles:
                continue
            line = md_emphasis(line, single) if name == "md_emphasis" else form(line)
        out.append(line)
    if "ocr" in styles:
        out = ocr_stray_periods(out)
    out, repairs = read_label_sequence(out)
    return Normalised(out, styles, repairs)
