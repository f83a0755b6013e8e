"""Word, PDF and HTML plans read like their text versions; bad files are one clear problem each."""
from __future__ import annotations

import html
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from ttdn_analysis import load_corpus
from ttdn_analysis.ingest.docx import docx_lines
from ttdn_analysis.ingest.pdf import pdf_lines
from ttdn_analysis.ingest.read import read_lines

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "data" / "plans"
SEEDS = ["dong-nai-2024-ubnd-ttdn.md", "gia-lai-2025-ubnd-ttdn.txt"]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = FONT.with_name("DejaVuSans-Bold.ttf")
needs_font = pytest.mark.skipif(not FONT.is_file(), reason=f"no Unicode TTF font at {FONT}: fpdf2 cannot write "
                                                           "Vietnamese text, so no test PDF can be made")
META = ["province", "year", "level", "number", "date"]

_TOP = re.compile(r"^(\d{1,2})\.\s+")
_SUB = re.compile(r"^(\d{1,2})\.(\d{1,2})\.\s+")
_LETTER = re.compile(r"^([a-zđ])\)\s+")
_ROMAN = re.compile(r"^([IVX]{1,4})\.\s+")
_BULLET = re.compile(r"^-\s+")


# ---------------------------------------------------------------------------------------------------------------
# The seed plans as paragraphs, and the same plans written as .docx / .pdf / .html


def paragraphs(name: str) -> tuple[list[str], list[str], set[int]]:
    """(header cells, paragraphs, indexes of bold paragraphs) of a seed; markdown removed, soft breaks as \\n."""
    raw = (PLANS / name).read_text(encoding="utf-8").split("\n")
    paras: list[str] = []
    bold: set[int] = set()
    soft = False
    for ln in raw:
        t = re.sub(r"^\s{0,3}#{1,6}\s+", "", ln.rstrip("\n"))
        was_bold = "**" in t
        t = re.sub(r"<(https?://[^>\s]+)>", r"\1", t.replace("**", "")).strip()
        if not t:
            soft = False
            continue
        if soft and paras:
            paras[-1] += "\n" + t
        else:
            paras.append(t)
            if was_bold:
                bold.add(len(paras) - 1)
        soft = ln.endswith("  ")  # a markdown hard break: the next line is in the same paragraph
    assert paras[0].startswith("Số") and "ngày" in paras[1]
    return paras[:2], paras[2:], {i - 2 for i in bold if i >= 2}


def word_lettered(paras: list[str]) -> list[str]:
    """The paragraphs with item letters as Word's automatic lettering prints them (a b c d e f: no "đ")."""
    out, n = [], 0
    for p in paras:
        if _TOP.match(p) or _ROMAN.match(p):
            n = 0
        m = _LETTER.match(p)
        if m:
            n += 1
            p = f"{chr(ord('a') + n - 1)}) " + p[m.end():]
        out.append(p)
    return out


def _numbering_xml(lvl1_fmt: str, lvl1_text: str) -> tuple[str, str]:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    items = (f'<w:abstractNum {w} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
             '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
             f'<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="{lvl1_fmt}"/>'
             f'<w:lvlText w:val="{lvl1_text}"/></w:lvl></w:abstractNum>')
    roman = (f'<w:abstractNum {w} w:abstractNumId="91"><w:multiLevelType w:val="singleLevel"/>'
             '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/>'
             '</w:lvl></w:abstractNum>')
    return items, roman


def make_docx(name: str, path: Path, auto_numbers: bool = False) -> Path:
    """Write a seed as a .docx: header table, one paragraph per line; optionally markers as Word numbering.

    With *auto_numbers*, roman headings, "1."/"1.1." items, "a)" items and "-" bullets lose their typed markers:
    Word numbering makes them (item lists restart per section with a new numbering instance whose start is
    overridden; the first section's items use only the built-in "List Number" style; bullets "List Bullet").
    """
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    head, paras, bold = paragraphs(name)
    d = docx.Document()
    row = d.add_table(rows=1, cols=2).rows[0]
    row.cells[0].text, row.cells[1].text = head
    numbering = d.part.numbering_part.element
    if auto_numbers:
        letters = any(_LETTER.match(p) for p in paras)
        subs = any(_SUB.match(p) for p in paras)
        assert not (letters and subs)
        items, roman = _numbering_xml("lowerLetter", "%2)") if letters else _numbering_xml("decimal", "%1.%2.")
        first_num = numbering.find(qn("w:num"))
        first_num.addprevious(parse_xml(items))
        first_num.addprevious(parse_xml(roman))
    next_num = [100]

    def new_num(abstract: int) -> str:
        nid = str(next_num[0])
        next_num[0] += 1
        numbering.append(parse_xml(
            f'<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="{nid}">'
            f'<w:abstractNumId w:val="{abstract}"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
            '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'))
        return nid

    def set_num(p, num_id: str, ilvl: int) -> None:
        ppr = p._p.get_or_add_pPr()
        ppr.append(parse_xml(
            '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))

    roman_num = new_num(91) if auto_numbers else ""
    item_num: str | None = None  # None: items of the first section use the List Number style alone
    seen_items = False
    for i, text in enumerate(paras):
        style, num, ilvl = None, None, 0
        if auto_numbers:
            if m := _ROMAN.match(text):
                text, num = text[m.end():], roman_num
                if seen_items:
                    item_num = new_num(90)
            elif m := _SUB.match(text):
                item_num = item_num or new_num(90)
                text, num, ilvl = text[m.end():], item_num, 1
            elif m := _TOP.match(text):
                seen_items = True
                text, style, num = text[m.end():], "List Number", item_num
            elif m := _LETTER.match(text):
                item_num = item_num or new_num(90)
                text, num, ilvl = text[m.end():], item_num, 1
            elif m := _BULLET.match(text):
                text, style = text[m.end():], "List Bullet"
        p = d.add_paragraph(style=style)
        for k, seg in enumerate(text.split("\n")):
            run = p.add_run(seg)
            run.bold = i in bold
            if k < text.count("\n"):
                run.add_break()
        if num is not None:
            set_num(p, num, ilvl)
    d.save(path)
    return path


def make_pdf(name: str, path: Path) -> Path:
    """Write a seed as an A4 PDF: justified, hard-wrapped text, a running header and "- n -" page numbers."""
    from fpdf import FPDF

    head, paras, bold = paragraphs(name)
    province = "Đồng Nai" if "dong-nai" in name else "Gia Lai"

    class Plan(FPDF):
        def header(self) -> None:
            if self.page_no() > 1:
                self.set_font("DejaVu", size=9)
                self.cell(0, 5, f"UBND tỉnh {province} - Kế hoạch hoạt động thông tin đối ngoại", align="C",
                          new_x="LMARGIN", new_y="NEXT")
                self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("DejaVu", size=9)
            self.cell(0, 10, f"- {self.page_no()} -", align="C")

    pdf = Plan(format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD if FONT_BOLD.is_file() else FONT))
    pdf.set_margins(30, 20, 20)
    pdf.set_auto_page_break(True, 22)
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    pdf.cell(70, 7, head[0])
    pdf.cell(0, 7, head[1], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for i, text in enumerate(paras):
        pdf.set_font("DejaVu", "B" if i in bold else "", 12)
        for seg in text.split("\n"):
            align = "C" if seg.isupper() and len(seg) < 40 else "J"
            pdf.multi_cell(0, 6.5, seg, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.output(str(path))
    return path


def make_html(name: str, path: Path) -> Path:
    """Write a seed as a portal page: site header, nav menu, script, sidebar, the plan in <article>, footer."""
    head, paras, bold = paragraphs(name)
    province = "Đồng Nai" if "dong-nai" in name else "Gia Lai"
    body = []
    for i, text in enumerate(paras):
        inner = "<br>\n".join(html.escape(s).replace("Đ", "&#272;", 1) for s in text.split("\n"))
        if i in bold:
            inner = f"<strong>{inner}</strong>"
        if _ROMAN.match(text):
            body.append(f"<h2>{inner}</h2>")
        else:
            body.append(f'<p style="text-align: justify">{inner.replace(": ", ":&nbsp;", 1)}</p>')
    page = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Kế hoạch TTĐN - Cổng thông tin điện tử tỉnh {province}</title>
<style>p {{ margin: 0 0 6px }}</style></head>
<body>
<header class="site-header"><div class="logo">CỔNG THÔNG TIN ĐIỆN TỬ TỈNH {province.upper()}</div>
<div class="login"><a href="/login">Đăng nhập</a></div></header>
<nav class="menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/gt">1. Giới thiệu</a></li>
<li><a href="/tt">2. Tin tức - Sự kiện</a></li><li><a href="/vb">II. VĂN BẢN</a></li></ul></nav>
<script>var menu = "I. MỤC ĐÍCH"; document.write("<p>- Đơn vị chủ trì: Sở Ngoại vụ</p>");</script>
<div class="container">
<aside class="sidebar"><h3>Văn bản mới</h3><ul><li><a href="/a">Kế hoạch số 99/KH-UBND năm 2024</a></li>
<li><a href="/b">1. Quyết định số 12/QĐ-UBND</a></li></ul></aside>
<div class="breadcrumb">Trang chủ &raquo; Văn bản &raquo; Kế hoạch</div>
<article class="post">
<table class="doc-header" border="0"><tr><td><p>{html.escape(head[0])}</p></td>
<td><p><em>{html.escape(head[1])}</em></p></td></tr></table>
{chr(10).join(body)}
</article>
<div class="share">Chia sẻ: Facebook | Zalo | In trang</div>
</div>
<footer><p>Bản quyền &copy; 2024 Cổng thông tin điện tử tỉnh {province}</p>
<p>Địa chỉ: số 2 đường Nguyễn Văn Trị. Điện thoại: 0251 3822 000</p></footer>
<script src="/js/app.js"></script>
</body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------------------
# Comparison with the text version


def _f1(got: set, want: set) -> float:
    if not got and not want:
        return 1.0
    tp = len(got & want)
    return 2 * tp / (len(got) + len(want)) if (got or want) else 1.0


def _load(path: Path):
    return load_corpus([path], cache=False)  # speed is measured in bench/, not asserted here


def compare(got_file: Path, want_file: Path) -> dict:
    got, want = _load(got_file), load_corpus([want_file], cache=False)
    assert len(got.plans) == 1, got.problems.to_string()
    f1_tasks = _f1(set(got.tasks.path), set(want.tasks.path))
    key = ["path", "agency", "role"]
    f1_assign = _f1(set(map(tuple, got.assignments[key].values)), set(map(tuple, want.assignments[key].values)))
    g_meta = got.plans[META].iloc[0].to_dict()
    w_meta = want.plans[META].iloc[0].to_dict()
    return {"f1_tasks": f1_tasks, "f1_assignments": f1_assign, "meta": (g_meta, w_meta), "got": got,
            "want": want}


def _check(res: dict, label: str) -> None:
    g, w = res["meta"]
    assert {k: (None if v != v else v) for k, v in g.items()} == {k: (None if v != v else v) for k, v in w.items()}
    assert res["f1_tasks"] >= 0.95, (label, res["f1_tasks"], sorted(set(res["got"].tasks.path)
                                                                    ^ set(res["want"].tasks.path)))
    assert res["f1_assignments"] >= 0.95, (label, res["f1_assignments"])
    errors = res["got"].problems[res["got"].problems.severity == "error"]
    assert errors.empty, errors.to_string()


@pytest.mark.parametrize("seed", SEEDS)
def test_docx_reads_like_the_text_version(tmp_path, seed):
    res = compare(make_docx(seed, tmp_path / (Path(seed).stem + ".docx")), PLANS / seed)
    _check(res, "docx")
    assert res["f1_tasks"] == 1.0 and res["f1_assignments"] == 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_docx_word_numbering_is_reconstructed(tmp_path, seed):
    f = make_docx(seed, tmp_path / (Path(seed).stem + "-auto.docx"), auto_numbers=True)
    xml = zipfile.ZipFile(f).read("word/document.xml").decode("utf-8")
    assert "II. NỘI DUNG" not in xml and ">1. " not in xml and "a) " not in xml  # the markers are not text
    head, paras, _ = paragraphs(seed)
    relettered = tmp_path / (Path(seed).stem + "-lettered.txt")
    relettered.write_text("\n\n".join(head + word_lettered(paras)), encoding="utf-8")
    res = compare(f, relettered)  # Word letters a b c d e f (no "đ"): the document shows "e)" for the 5th
    _check(res, "docx-auto")
    assert res["f1_tasks"] == 1.0 and res["f1_assignments"] == 1.0
    res = compare(f, PLANS / seed)  # and against the original text with its typed "đ)"
    _check(res, "docx-auto vs text")


def test_word_numbering_markers_in_lines(tmp_path):
    f = make_docx(SEEDS[0], tmp_path / "dn.docx", auto_numbers=True)
    lines, problems = docx_lines(f.read_bytes())
    assert problems == []
    assert lines[0] == "Số: 262 /KH-UBND | Đồng Nai, ngày 08 tháng 11 năm 2023"
    assert "KẾ HOẠCH" in lines and "Hoạt động thông tin đối ngoại tỉnh Đồng Nai năm 2024" in lines  # soft break
    starts = [ln.split(" ")[0] for ln in lines if ln]
    assert starts[starts.index("I."):][:3] == ["I.", "1.", "-"]
    assert [s for s in starts if s in ("II.", "III.", "IV.")] == ["II.", "III.", "IV."]
    after_ii = starts[starts.index("II."):]
    assert [s for s in after_ii[:after_ii.index("III.")] if re.fullmatch(r"\d\.", s)] == [f"{n}." for n in
                                                                                          range(1, 8)]
    assert [s for s in after_ii if s.endswith(")")][:9] == ["a)", "b)", "c)", "d)", "e)", "f)", "a)", "b)", "c)"]
    iv = starts[starts.index("IV."):]
    assert [s for s in iv if re.fullmatch(r"\d\.", s)] == ["1.", "2.", "3.", "4.", "5."]  # restarted
    gl = make_docx(SEEDS[1], tmp_path / "gl.docx", auto_numbers=True)
    gl_lines = docx_lines(gl.read_bytes())[0]
    assert [ln[:5] for ln in gl_lines if re.match(r"\d\.\d\.", ln)] == ["2.1. ", "2.2. ", "2.3. ", "2.4. ",
                                                                          "5.1. ", "5.2. "]


@needs_font
@pytest.mark.parametrize("seed", SEEDS)
def test_pdf_reads_like_the_text_version(tmp_path, seed):
    f = make_pdf(seed, tmp_path / (Path(seed).stem + ".pdf"))
    lines, problems = read_lines(f, f.read_bytes())
    assert problems == []
    assert not [ln for ln in lines if re.fullmatch(r"- \d+ -", ln) or ("Kế hoạch hoạt động thông tin đối ngoại"
                in ln and ln.startswith("UBND"))]  # page numbers and the running header are gone
    widths = sorted(len(ln) for ln in lines if ln)
    assert widths[int(len(widths) * 0.9)] < 100  # the text is hard-wrapped like a real PDF
    res = compare(f, PLANS / seed)
    _check(res, "pdf")


@pytest.mark.parametrize("seed", SEEDS)
def test_html_reads_like_the_text_version(tmp_path, seed):
    f = make_html(seed, tmp_path / (Path(seed).stem + ".html"))
    lines, problems = read_lines(f, f.read_bytes())
    assert problems == []
    assert not [ln for ln in lines if "Trang chủ" in ln or "Bản quyền" in ln or "menu" in ln or "Chia sẻ" in ln]
    assert lines[0].startswith("Số:") and " | " in lines[0]
    res = compare(f, PLANS / seed)
    _check(res, "html")
    assert res["f1_tasks"] == 1.0 and res["f1_assignments"] == 1.0


# ---------------------------------------------------------------------------------------------------------------
# Bad files: one clear problem row each, and the other plans in the folder still load


def _scan_pdf() -> bytes:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 170, 250)
    return bytes(pdf.output())


def _bomb_docx(n: int = 2_500) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
        for i in range(n):
            zf.writestr(f"word/media/x{i}.bin", b"")
    return buf.getvalue()


def test_bad_files_are_one_problem_each_and_the_good_plan_loads(tmp_path):
    import docx
    shutil.copy(PLANS / SEEDS[0], tmp_path / SEEDS[0])
    good = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("x")
    d.save(good)
    (tmp_path / "truncated.docx").write_bytes(good.getvalue()[:len(good.getvalue()) // 2])
    (tmp_path / "random.pdf").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "scan.pdf").write_bytes(_scan_pdf())
    (tmp_path / "page.pdf").write_bytes(b"<!DOCTYPE html><html><body><p>1. Vi\xe1\xbb\x87c</p></body></html>")
    (tmp_path / "bomb.docx").write_bytes(_bomb_docx())
    c = load_corpus(tmp_path, cache=False)
    assert list(c.plans.source_file.map(lambda s: Path(s).name)) == [SEEDS[0]]
    assert len(c.tasks) == 27
    probs = c.problems.assign(file=c.problems.source_file.map(lambda s: Path(s).name))
    expect = {"truncated.docx": "unreadable", "random.pdf": "wrong_format", "scan.pdf": "no_text_layer",
              "page.pdf": "wrong_format", "bomb.docx": "too_large"}
    for name, kind in expect.items():
        rows = probs[probs.file == name]
        assert list(rows.kind) == [kind], (name, rows.to_string())
        assert (rows.severity == "error").all()
    msg = dict(zip(probs.file, probs.message))
    assert "HTML" in msg["page.pdf"] and ".html" in msg["page.pdf"]
    assert "binary" in msg["random.pdf"]
    assert "no text layer" in msg["scan.pdf"]  # a page-less-image PDF: nothing to recognise (scans are OCRed)
    assert "2502 entries" in msg["bomb.docx"]


def test_zip_bomb_by_ratio_and_size_is_refused_before_parsing():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<w:document/>")
        zf.writestr("word/media/zeros.bin", b"\x00" * (20 * 1024 * 1024))
    lines, problems = read_lines("bomb.docx", buf.getvalue())
    assert lines == [] and [p["kind"] for p in problems] == ["too_large"]
    assert "expands" in problems[0]["message"]


def test_wrong_contents_say_what_they_look_like():
    cases = {
        "a.docx": (b"%PDF-1.4\n", "a PDF document"),
        "a.pdf": (b"PK\x03\x04" + b"\x00" * 60, "ZIP"),
        "a.html": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "Office 97-2003"),
        "b.pdf": ("Số: 1/KH-UBND\nKẾ HOẠCH\n".encode(), "plain text"),
        "c.pdf": (b"\x89PNG\r\n\x1a\n" + bytes(50), "image"),
    }
    for name, (data, words) in cases.items():
        lines, problems = read_lines(name, data)
        assert lines == [] and len(problems) == 1 and problems[0]["kind"] == "wrong_format", name
        assert words in problems[0]["message"], (name, problems[0]["message"])


def test_encrypted_pdf_opens_with_empty_password_else_is_unreadable(tmp_path):
    if not FONT.is_file():
        pytest.skip(f"no Unicode TTF font at {FONT}")
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_page()
    pdf.set_font("DejaVu", size=12)
    pdf.multi_cell(0, 6, "Số: 5/KH-UBND\nKẾ HOẠCH")
    plain = bytes(pdf.output())
    for user_pw, readable in (("", True), ("secret", False)):
        w = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
        w.encrypt(user_password=user_pw, owner_password="owner", algorithm="RC4-128")
        out = io.BytesIO()
        w.write(out)
        lines, problems = pdf_lines(out.getvalue())
        if readable:
            assert lines[:2] == ["Số: 5/KH-UBND", "KẾ HOẠCH"] and problems == []
        else:
            assert lines == [] and [p["kind"] for p in problems] == ["unreadable"]
            assert "password" in problems[0]["message"]


def test_html_without_article_uses_the_paragraph_richest_block():
    page = ("<html><body><div id='menu'><p>Trang chủ</p></div><div id='x'>"
            + "".join(f"<p>{i}. Nhiệm vụ số {i} của kế hoạch năm 2024</p>" for i in range(1, 6))
            + "<ol type='a'><li>Việc một</li><li>Việc hai</li></ol><ul><li>Đơn vị chủ trì: Sở Ngoại vụ</li></ul>"
            + "</div><div class='footer-links'><p>Liên kết</p></div></body></html>").encode()
    lines, problems = read_lines("p.htm", page)
    assert problems == []
    assert lines == [f"{i}. Nhiệm vụ số {i} của kế hoạch năm 2024" for i in range(1, 6)] + [
        "a) Việc một", "b) Việc hai", "- Đơn vị chủ trì: Sở Ngoại vụ"]


def test_corrupt_docx_member_is_unreadable_not_an_exception():
    import docx
    buf = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("Số: 1/KH-UBND " * 200)
    d.save(buf)
    data = bytearray(buf.getvalue())
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    data[start:start + 20] = b"\xff" * 20  # damage the compressed document body
    lines, problems = read_lines("bad.docx", bytes(data))
    assert lines == [] and [p["kind"] for p in problems] == ["unreadable"]


def test_pdf_wraps_inside_agency_fields_are_put_back():
    from ttdn_analysis.parse.lines import prepare_lines
    filler = ["Nội dung công tác thông tin đối ngoại được triển khai thường xuyên trên địa bàn tỉnh"] * 12
    lines = filler + [
        "- Đơn vị phối hợp: Bộ Chỉ huy Bộ đội Biên phòng tỉnh; Cục Hải quan tỉnh Gia Lai",
        "- Kon Tum; Báo Gia Lai; Ủy ban nhân dân các huyện, thị xã, thành phố.",
        "5. Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị cùng với",
        "- xã hội tổ chức truyền thông sâu rộng đến Nhân dân.",
        "- Đơn vị chủ trì: Sở Kế hoạch và Đầu tư; Sở Công Thương; Sở Tài chính; Sở Ngoại vụ;",
        "Sở Văn hóa, Thể thao và Du lịch; Công an tỉnh.",
        "12. Ban Quản lý khu kinh tế tỉnh; Cục Hải quan Gia Lai - Kon Tum tỉnh nhà",
        "- Chủ động triển khai thực hiện nhiệm vụ tại Quy chế phối hợp quản lý.",
        "- Đơn vị chủ trì: Sở Thông tin và Truyền thông; Đài Phát thanh - Truyền hình",
        "- Thời gian thực hiện: năm 2024",
    ]
    body = [ln.text for ln in prepare_lines(lines) if ln.start > 12]
    assert body == [
        "- Đơn vị phối hợp: Bộ Chỉ huy Bộ đội Biên phòng tỉnh; Cục Hải quan tỉnh Gia Lai - Kon Tum; Báo Gia Lai; "
        "Ủy ban nhân dân các huyện, thị xã, thành phố.",
        "5. Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị cùng với - xã hội tổ chức truyền thông "
        "sâu rộng đến Nhân dân.",
        "- Đơn vị chủ trì: Sở Kế hoạch và Đầu tư; Sở Công Thương; Sở Tài chính; Sở Ngoại vụ; "
        "Sở Văn hóa, Thể thao và Du lịch; Công an tỉnh.",
        "12. Ban Quản lý khu kinh tế tỉnh; Cục Hải quan Gia Lai - Kon Tum tỉnh nhà",  # a real bullet follows
        "- Chủ động triển khai thực hiện nhiệm vụ tại Quy chế phối hợp quản lý.",
        "- Đơn vị chủ trì: Sở Thông tin và Truyền thông; Đài Phát thanh - Truyền hình",
        "- Thời gian thực hiện: năm 2024",  # a labelled line is never a continuation
    ]
