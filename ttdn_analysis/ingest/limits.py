"""The loader's limits in one place, and sizes in words a reader understands.

A plan is tens of kilobytes of text. The limits are far above any real plan and keep one hostile or broken file
from taking the time and memory of the whole load: a file past a limit becomes one ``too_large`` problem row
(``ttdn_analysis.schema.PROBLEM_KINDS``) and the other plans load. README's section *Limits* lists them.
"""
from __future__ import annotations

__all__ = ["MiB", "MAX_BYTES", "MAX_FILE_BYTES", "MAX_TEXT_BYTES", "MAX_LINES", "MAX_DOCX_XML_BYTES",
           "MAX_DOCX_PART_BYTES", "MAX_PDF_PAGES", "MAX_PDF_SECONDS", "MAX_PDF_PAGE_SECONDS", "MAX_PDF_SLOW_PAGES",
           "MAX_HTML_DEPTH", "MAX_HTML_ELEMENTS", "MAX_LIST_NUMBER", "MAX_LIST_TEXT", "MAX_ZIP_ENTRIES",
           "MAX_UNZIPPED_BYTES", "MAX_ZIP_RATIO", "CONTROL_SHARE", "TooLong", "too_long_message", "human_size"]

MiB = 1024 * 1024

#: Any file: above this it is refused before a byte is read (a PDF with scanned pages is a few MiB).
MAX_BYTES = 50 * MiB
#: Per kind of content (as sniffed): a text or web page above its limit is refused before it is decoded.
MAX_FILE_BYTES: dict[str, int] = {"text": 5 * MiB, "html": 10 * MiB, "docx": MAX_BYTES, "pdf": MAX_BYTES}
#: The text of a plan, read from a .txt or extracted from a .docx, .pdf or .html (UTF-8 bytes).
MAX_TEXT_BYTES = 5 * MiB
#: Lines of a plan (paragraphs and table rows of a .docx, blocks of a web page, lines of a text or PDF); a long
#: plan has a few thousand. Extraction stops as soon as a file goes past it.
MAX_LINES = 100_000
#: The body of a .docx (word/document.xml, uncompressed, as the archive declares it): checked before unzipping.
MAX_DOCX_XML_BYTES = 16 * MiB
#: Any other XML part of a .docx (styles, numbering, headers, footers …, as the archive declares it): a plan's
#: styles.xml is tens of KiB; a larger part is refused before the archive is opened (parsing it would take the
#: time and memory of the whole load).
MAX_DOCX_PART_BYTES = 4 * MiB
#: Pages of a PDF read; the rest of a longer PDF is left out, with a problem row.
MAX_PDF_PAGES = 500
#: Time to extract the text of one PDF, and of one of its pages (a page of a plan takes a few hundredths of a
#: second). Both are enforced inside a page: a page past its limit is cut off and left out with a warning; past
#: the whole budget, or after :data:`MAX_PDF_SLOW_PAGES` such pages, the PDF is refused.
MAX_PDF_SECONDS = 120.0
MAX_PDF_PAGE_SECONDS = 3.0
MAX_PDF_SLOW_PAGES = 3
#: Nesting of elements in a web page; a deeper page is refused (a real article nests a few dozen deep).
MAX_HTML_DEPTH = 256
#: Elements (opening tags) of a web page, counted before it is parsed: a plan's page has a few thousand.
MAX_HTML_ELEMENTS = 30_000
#: Automatic list numbers (Word numbering, ``<ol start=…>``): a list of a plan counts to a few dozen. A number
#: above this is not shown (its letters or roman numeral would be absurdly long); a problem row says so.
MAX_LIST_NUMBER = 1_000
#: Characters of a list level's number template (Word's ``lvlText``, e.g. "%1.%2."): longer ones are cut.
MAX_LIST_TEXT = 64
#: A .docx is a ZIP archive: entries, total uncompressed size and expansion of one entry (a zip bomb).
MAX_ZIP_ENTRIES = 2_000
MAX_UNZIPPED_BYTES = 200 * MiB
MAX_ZIP_RATIO = 200
#: Share of control characters above which "text" is binary data, not a plan.
CONTROL_SHARE = 0.05


class TooLong(Exception):
    """Raised inside a reader when the text it extracts goes past :data:`MAX_LINES` or :data:`MAX_TEXT_BYTES`."""


def too_long_message(what: str) -> str:
    """The message of a file whose text goes past a limit (*what* names the limit that was passed).

    Examples
    --------
    >>> too_long_message("100000 lines")[:48]
    'the text read from the file is over 100000 lines'
    """
    return (f"the text read from the file is over {what} (a long plan has a few thousand lines and a few hundred "
            "KiB): it was not read; check that it is the plan, or split off its annexes")


def human_size(n: int | float) -> str:
    """A size in bytes as people read it, in binary units (the unit the limits are set in).

    Examples
    --------
    >>> human_size(200 * MiB), human_size(5 * MiB + 1), human_size(930_000), human_size(2 * 1024 ** 3), human_size(12)
    ('200 MiB', '5.0 MiB', '908 KiB', '2 GiB', '12 bytes')
    """
    for unit, size in (("GiB", 1024 ** 3), ("MiB", MiB), ("KiB", 1024)):
        if n >= size:
            v = n / size
            return f"{v:.0f} {unit}" if v == int(v) or v >= 100 else f"{v:.1f} {unit}"
    return f"{int(n)} bytes"
