"""Task tables whose rows continue the task above: multi-line cells (an empty number cell), a number cell spanning
rows (HTML rowspan, Word vMerge), in pipe text, HTML and Word alike; heading rows and rows with their own number
are not joined. Small synthetic tables, read by the project's readers end to end."""
from __future__ import annotations

import html
import importlib.util
from pathlib import Path

import pytest

from ttdn_analysis.ingest.html import html_lines
from ttdn_analysis.ingest.read import read_plan
from ttdn_analysis.parse.plan import parse_plan
from ttdn_analysis.parse.tables import split_tables

HEADER = ["ỦY BAN NHÂN DÂN", "TỈNH THANH HÓA", "Số: 15/KH-UBND", "Thanh Hóa, ngày 20 tháng 01 năm 2025", "KẾ HOẠCH",
          "Hoạt động thông tin đối ngoại tỉnh Thanh Hóa năm 2025", "I. MỤC ĐÍCH, YÊU CẦU",
          "- Quảng bá hình ảnh của tỉnh.", "II. NHIỆM VỤ CỤ THỂ"]
FOOTER = ["III. KINH PHÍ", "Kinh phí bố trí trong dự toán năm 2025."]
COLUMNS = ["TT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"]

needs_docx = pytest.mark.skipif(importlib.util.find_spec("docx") is None, reason="python-docx not installed")


def _load(path: Path) -> dict[str, list[dict]]:
    return parse_plan(read_plan(path))


def _tasks(rows: dict[str, list[dict]]) -> dict[str, dict]:
    return {t["path"]: t for t in rows["tasks"] if t["path"].startswith("II.")}


def _agencies(rows: dict[str, list[dict]], path: str, role: str) -> list[str]:
    return sorted(a["agency"] for a in rows["assignments"] if a["path"] == path and a["role"] == role)


def _html_page(table_rows: list[str]) -> str:
    paras = "".join(f"<p>{html.escape(x)}</p>" for x in HEADER)
    head = "<tr>" + "".join(f"<td>{c}</td>" for c in COLUMNS) + "</tr>"
    tail = "".join(f"<p>{html.escape(x)}</p>" for x in FOOTER)
    return (f"<html><body><div class='content'>{paras}<table border='1'>{head}{''.join(table_rows)}</table>{tail}"
            "</div></body></html>")


def _row(*cells: str) -> str:
    return "<tr>" + "".join(c if c.startswith("<td") else f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"


# -- pipe text ----------------------------------------------------------------------------------------------------

def test_pipe_continuation_rows_join_the_task_above(tmp_path):
    table = ["TT | Nội dung | Chủ trì | Phối hợp | Thời gian", "---|---|---|---|---",
             "1 | Tổ chức tập huấn nghiệp vụ cho cán bộ các huyện, | Sở Ngoại vụ | Ban Tuyên giáo Tỉnh ủy; | Quý III",
             "  | thị xã, thành phố về biên giới |  | Công an tỉnh |",
             "2 | Biên soạn Bản tin thông tin đối ngoại | Sở Ngoại vụ | Sở Tư pháp | Quý IV"]
    p = tmp_path / "plan.txt"
    p.write_text("\n".join(HEADER + table + FOOTER) + "\n", encoding="utf-8")
    rows = _load(p)
    tasks = _tasks(rows)
    assert sorted(tasks) == ["II.1", "II.2"]
    first = len(HEADER) + 3
    assert (tasks["II.1"]["line_start"], tasks["II.1"]["line_end"]) == (first, first + 1)
    assert "thị xã, thành phố về biên giới" in tasks["II.1"]["text"]
    assert _agencies(rows, "II.1", "support") == ["Ban Tuyên giáo Tỉnh ủy", "Công an tỉnh"]
    assert _agencies(rows, "II.2", "support") == ["Sở Tư pháp"]


def test_a_continued_agency_cell_that_opens_a_name_is_a_new_item():
    _, tables = split_tables(["TT | Nội dung | Chủ trì | Phối hợp", "1 | Tập huấn | Sở Ngoại vụ | Sở Nội vụ",
                              " | |  | Sở Tư pháp", " | |  | Sở Văn hóa, Thể thao và",
                              " | |  | Du lịch"])
    assert tables[0].rows[0]["cells"][3] == "Sở Nội vụ; Sở Tư pháp; Sở Văn hóa, Thể thao và Du lịch"


def test_rows_with_their_own_number_or_a_heading_are_not_joined():
    raw = ["TT | Nội dung | Chủ trì | Phối hợp | Thời gian",
           "1 | Tập huấn cán bộ. | Sở Ngoại vụ | Công an tỉnh | Quý I",
           " | II. Nhiệm vụ về biên giới | | | ",
           "2 | Hội thảo về biên giới | Sở Ngoại vụ | BCH BĐBP tỉnh | Quý II",
           " | NHÓM NHIỆM VỤ VỀ BIỂN ĐẢO | | | ",
           "3 | Tuyên truyền biển, đảo | Sở NN&PTNT | | Quý III",
           " | 4. Xuất bản ấn phẩm | Sở Ngoại vụ | | Quý IV",
           " | cho ngư dân tại các cảng cá | | | "]
    _, tables = split_tables(raw)
    rows = tables[0].rows
    assert [(r["label"], r["group"], bool(r.get("heading"))) for r in rows] == [
        ("1", False, False), ("II", True, False), ("2", False, False), ("", False, True), ("3", False, False),
        ("4", False, False)]
    assert rows[1]["cells"][1] == "Nhiệm vụ về biên giới"
    assert rows[0]["cells"][1] == "Tập huấn cán bộ." and rows[0]["end"] == 2
    assert rows[5]["cells"][1] == "Xuất bản ấn phẩm cho ngư dân tại các cảng cá"
    assert (rows[5]["start"], rows[5]["end"]) == (7, 8)


def test_a_repeated_number_without_a_shared_cell_is_two_rows():
    """Two rows printed with one number (a numbering slip) are two tasks: only a spanning cell joins them."""
    _, tables = split_tables(["TT | Nội dung | Chủ trì | Phối hợp", "1 | Tập huấn | Sở Ngoại vụ | Sở Nội vụ",
                              "1 | Hội thảo | Sở Tư pháp | Công an tỉnh"])
    assert [r["cells"][1] for r in tables[0].rows] == ["Tập huấn", "Hội thảo"]


# -- HTML ---------------------------------------------------------------------------------------------------------

def test_html_rows_with_an_empty_number_cell_join_the_task_above(tmp_path):
    """A row with one filled cell inside a data table keeps its column (it is no layout table)."""
    page = _html_page([
        _row("1", "Xuất bản ấn phẩm quảng bá đầu tư;", "Sở Ngoại vụ", "Sở Kế hoạch và Đầu tư", "Quý III"),
        _row("", "cập nhật dữ liệu dự án trên Cổng thông tin điện tử tỉnh", "", "", ""),
        _row("2", "Tổ chức tập huấn nghiệp vụ cho cán bộ các huyện,", "Sở Ngoại vụ", "Ban Tuyên giáo Tỉnh ủy;",
             "Quý II"),
        _row("", "thị xã, thành phố", "", "Công an tỉnh", ""),
    ])
    lines, _ = html_lines(page.encode())
    assert " | cập nhật dữ liệu dự án trên Cổng thông tin điện tử tỉnh |  |  | " in lines
    p = tmp_path / "plan.html"
    p.write_text(page, encoding="utf-8")
    rows = _load(p)
    tasks = _tasks(rows)
    assert sorted(tasks) == ["II.1", "II.2"]
    assert "cập nhật dữ liệu dự án" in tasks["II.1"]["text"]
    assert tasks["II.1"]["line_end"] == tasks["II.1"]["line_start"] + 1
    assert _agencies(rows, "II.2", "support") == ["Ban Tuyên giáo Tỉnh ủy", "Công an tỉnh"]


def test_html_rowspan_number_cell_is_one_task(tmp_path):
    page = _html_page([
        _row("<td rowspan='2'>1</td>", "<td rowspan='2'>Tổ chức hội nghị thông tin đối ngoại</td>", "Sở Ngoại vụ",
             "Sở Nội vụ", "<td rowspan='2'>Quý II</td>"),
        _row("", "Sở Tư pháp"),
        _row("2", "Biên soạn Bản tin thông tin đối ngoại", "Sở Ngoại vụ", "Công an tỉnh", "Quý IV"),
    ])
    p = tmp_path / "plan.html"
    p.write_text(page, encoding="utf-8")
    rows = _load(p)
    tasks = _tasks(rows)
    assert sorted(tasks) == ["II.1", "II.2"]
    assert tasks["II.1"]["text"].count("Tổ chức hội nghị thông tin đối ngoại") == 1
    assert _agencies(rows, "II.1", "lead") == ["Sở Ngoại vụ"]
    assert _agencies(rows, "II.1", "support") == ["Sở Nội vụ", "Sở Tư pháp"]
    assert tasks["II.1"]["timeframe"] == "Quý II"


def test_html_colspan_heading_row_is_not_joined(tmp_path):
    page = _html_page([
        _row("1", "Tập huấn cán bộ.", "Sở Ngoại vụ", "Công an tỉnh", "Quý I"),
        _row("", "<td colspan='4'>NHÓM NHIỆM VỤ VỀ BIÊN GIỚI</td>"),
        _row("2", "Hội thảo về biên giới", "Sở Ngoại vụ", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Quý II"),
    ])
    p = tmp_path / "plan.html"
    p.write_text(page, encoding="utf-8")
    tasks = _tasks(_load(p))
    assert sorted(tasks) == ["II.1", "II.2"]
    assert "NHÓM NHIỆM VỤ" not in tasks["II.1"]["text"] + tasks["II.2"]["text"]


# -- Word ---------------------------------------------------------------------------------------------------------

def _docx(path: Path, build) -> None:
    import docx

    d = docx.Document()
    for x in HEADER:
        d.add_paragraph(x)
    table = d.add_table(rows=1, cols=len(COLUMNS))
    for c, name in enumerate(COLUMNS):
        table.cell(0, c).text = name
    build(table)
    for x in FOOTER:
        d.add_paragraph(x)
    d.save(str(path))


def _add(table, *cells: str) -> None:
    row = table.add_row()
    for c, text in enumerate(cells):
        row.cells[c].text = text


@needs_docx
def test_docx_rows_with_an_empty_number_cell_join_the_task_above(tmp_path):
    def build(t):
        _add(t, "1", "Xuất bản ấn phẩm quảng bá đầu tư;", "Sở Ngoại vụ", "Sở Kế hoạch và Đầu tư", "Quý III")
        _add(t, "", "cập nhật dữ liệu dự án trên Cổng thông tin điện tử tỉnh", "", "", "")
        _add(t, "2", "Biên soạn Bản tin thông tin đối ngoại", "Sở Ngoại vụ", "Công an tỉnh;", "Quý IV")
        _add(t, "", "", "", "Sở Tư pháp", "")

    p = tmp_path / "plan.docx"
    _docx(p, build)
    rows = _load(p)
    tasks = _tasks(rows)
    assert sorted(tasks) == ["II.1", "II.2"]
    assert "cập nhật dữ liệu dự án" in tasks["II.1"]["text"]
    assert _agencies(rows, "II.2", "support") == ["Công an tỉnh", "Sở Tư pháp"]


@needs_docx
def test_docx_vmerge_number_cell_is_one_task(tmp_path):
    def build(t):
        _add(t, "1", "Tổ chức hội nghị thông tin đối ngoại", "Sở Ngoại vụ", "Sở Nội vụ", "Quý II")
        _add(t, "", "", "", "Sở Tư pháp", "")
        top, below = t.rows[1], t.rows[2]
        for c in (0, 1, 2, 4):
            top.cells[c].merge(below.cells[c])  # python-docx writes vMerge restart / continue
        _add(t, "2", "Biên soạn Bản tin thông tin đối ngoại", "Sở Ngoại vụ", "Công an tỉnh", "Quý IV")

    p = tmp_path / "plan.docx"
    _docx(p, build)
    rows = _load(p)
    tasks = _tasks(rows)
    assert sorted(tasks) == ["II.1", "II.2"]
    assert tasks["II.1"]["text"].count("Tổ chức hội nghị thông tin đối ngoại") == 1
    assert _agencies(rows, "II.1", "support") == ["Sở Nội vụ", "Sở Tư pháp"]
    assert _agencies(rows, "II.1", "lead") == ["Sở Ngoại vụ"]


# -- a longer, more specific name wins over a registry name that is its prefix ------------------------------------

@pytest.mark.parametrize("text", ["Ban Quản lý Khu kinh tế cửa khẩu quốc tế Bờ Y; Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
                                  "Ban Quản lý Khu kinh tế cửa khẩu quốc tế Bờ Y, Bộ Chỉ huy Bộ đội Biên phòng tỉnh"])
def test_a_longer_name_wins_over_its_registry_prefix(text):
    """"Ban Quản lý Khu kinh tế" is a registry name, "Ban Quản lý Khu kinh tế cửa khẩu tỉnh" a longer one: the board
    of the Bờ Y border-gate zone (Kon Tum, now Quảng Ngãi) is that more specific body, kept as printed, not the
    province's economic-zone board with the rest of its name dropped."""
    from ttdn_analysis.parse.agency_spans import scan

    hits = scan(text, province="Quảng Ngãi").hits
    assert [(h.raw, h.agency.canonical) for h in hits] == [
        ("Ban Quản lý Khu kinh tế cửa khẩu quốc tế Bờ Y", "Ban Quản lý Khu kinh tế cửa khẩu quốc tế Bờ Y"),
        ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh")]


@pytest.mark.parametrize("text, canonical", [
    ("Ban Quản lý Khu kinh tế tỉnh", "Ban Quản lý khu kinh tế tỉnh"),
    ("Ban Quản lý Khu kinh tế cửa khẩu Lào Cai", "Ban Quản lý Khu kinh tế cửa khẩu tỉnh"),
    ("Ban Quản lý Khu kinh tế chủ trì tổ chức hội nghị", "Ban Quản lý khu kinh tế tỉnh"),
])
def test_registry_names_that_match_whole_are_kept(text, canonical):
    from ttdn_analysis.parse.agency_spans import scan

    assert scan(text, context="text", province="Lào Cai").hits[0].agency.canonical == canonical


# -- tasks.text is the plan as printed, the grammar reads the normalised lines -------------------------------------

def _plan(tmp_path: Path, name: str, body: list[str]) -> dict[str, dict]:
    p = tmp_path / name
    p.write_text("\n".join(HEADER[:6] + body + FOOTER) + "\n", encoding="utf-8")
    rows = _load(p)
    return {t["path"]: t for t in rows["tasks"]} | {"_assignments": {"rows": rows["assignments"]}}


def test_task_text_shows_party_numbering_as_printed(tmp_path):
    got = _plan(tmp_path, "party.txt", ["I- MỤC ĐÍCH, YÊU CẦU", "1- Nâng cao nhận thức.", "II- NHIỆM VỤ",
                                        "1- Tổ chức tập huấn cho cán bộ", "các huyện biên giới",
                                        "- Cơ quan chủ trì: Sở Ngoại vụ", "2- Biên soạn Bản tin đối ngoại",
                                        "- Cơ quan chủ trì: Sở Tư pháp"])
    assert got["II.1"]["text"] == "1- Tổ chức tập huấn cho cán bộ các huyện biên giới\n- Cơ quan chủ trì: Sở Ngoại vụ"
    assert got["II.2"]["text"].startswith("2- Biên soạn")
    assert {a["agency"] for a in got["_assignments"]["rows"]} == {"Sở Ngoại vụ", "Sở Tư pháp"}  # read as 1., 2.


def test_task_text_shows_a_repaired_label_as_printed(tmp_path):
    """"l." where "1." is due is read as 1 (the path II.1), and shown as printed."""
    got = _plan(tmp_path, "ocr.txt", ["I. MỤC ĐÍCH, YÊU CẦU", "- Quảng bá hình ảnh.", "II. NHIỆM VỤ",
                                      "l. Tổ chức tập huấn cho cán bộ", "- Cơ quan chủ trì: Sở Ngoại vụ",
                                      "2. Biên soạn Bản tin đối ngoại", "- Cơ quan chủ trì: Sở Tư pháp"])
    assert got["II.1"]["text"].startswith("l. Tổ chức tập huấn")
    assert got["II.1"]["numbering_repaired"]


def test_task_text_drops_only_markup_of_converter_markdown(tmp_path):
    got = _plan(tmp_path, "plan.md", ["## I\\. MỤC ĐÍCH, YÊU CẦU", "\\- Quảng bá hình ảnh.", "## II\\. NHIỆM VỤ",
                                      "**1\\.** Tổ chức tập huấn cho cán bộ <!-- page-break -->",
                                      "**Cơ quan chủ trì:** Sở Ngoại vụ", "2\\. Biên soạn Bản tin thông\u200b tin",
                                      "**Cơ quan chủ trì:** Sở Tư pháp"])
    assert got["II.1"]["text"] == "1. Tổ chức tập huấn cho cán bộ\nCơ quan chủ trì: Sở Ngoại vụ"
    assert got["II.2"]["text"].startswith("2. Biên soạn Bản tin thông tin")  # the zero-width space was never text
    breaks = got["II.1"]["text_breaks"]
    assert [line for _, line in breaks] == [len(HEADER[:6]) + 4, len(HEADER[:6]) + 5]


def test_section_text_shows_party_numbering_as_printed(tmp_path):
    p = tmp_path / "party.txt"
    p.write_text("\n".join(HEADER[:6] + ["I- MỤC ĐÍCH, YÊU CẦU", "1- Nâng cao nhận thức.", "II- NHIỆM VỤ",
                                         "1- Tổ chức tập huấn", "- Cơ quan chủ trì: Sở Ngoại vụ"] + FOOTER) + "\n",
                 encoding="utf-8")
    sections = {r["path"]: r for r in _load(p)["sections"]}
    assert sections["I.1"]["text"] == "1- Nâng cao nhận thức."
