"""Rules aimed at the genre, not at one seed: tables, inline fields, other provinces' headers, re-typed copies."""
import pandas as pd
import pytest

from ttdn_analysis import load_corpus


def iso(date):
    """A plan's date as ISO text (None when missing), whatever its dtype."""
    return None if date is None or pd.isna(date) else str(date)[:10]

TABLE_PLAN = """ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM
Số: 45/KH-UBND
Quảng Nam, ngày 12 tháng 01 năm 2024
KẾ HOẠCH
Thông tin đối ngoại tỉnh Quảng Nam năm 2024
Căn cứ Nghị định số 72/2015/NĐ-CP ngày 07/9/2015 của Chính phủ;
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Quảng bá hình ảnh tỉnh.
II. NHIỆM VỤ CỤ THỂ
| TT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian thực hiện |
| 1 | Tuyên truyền về chủ quyền biển, đảo và phân giới cắm mốc | Sở Thông tin và Truyền thông | Bộ Chỉ huy Bộ đội Biên phòng tỉnh; Báo Quảng Nam | Quý II/2024 |
| 2 | Xuất bản ấn phẩm về quyền con người | Nhà Xuất bản Quảng Nam | Công an tỉnh | Năm 2024 |
III. TỔ CHỨC THỰC HIỆN
1. Sở Ngoại vụ chủ trì, phối hợp với Sở Văn hóa, Thể thao và Du lịch tổ chức đón phóng viên nước ngoài.
Nơi nhận:
- Như trên;
"""


def _roles(c, path):
    a = c.assignments[c.assignments.path == path]
    return sorted(a[a.role == "lead"].agency), sorted(a[a.role == "support"].agency)


@pytest.fixture
def table_corpus(tmp_path):
    (tmp_path / "quang-nam-2024.txt").write_text(TABLE_PLAN, encoding="utf-8")
    return load_corpus(tmp_path, cache=False)


def test_task_table_rows_are_tasks(table_corpus):
    c = table_corpus
    assert list(c.tasks.path) == ["II.1", "II.2", "III.1"]
    assert _roles(c, "II.1") == (["Sở Thông tin và Truyền thông"], ["Báo tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"])
    assert _roles(c, "II.2") == (["Nhà xuất bản tỉnh"], ["Công an tỉnh"])
    assert list(c.tasks.line_start) == [12, 13, 15]
    assert list(c.tasks.timeframe[:2]) == ["Quý II/2024", "Năm 2024"]


def test_other_province_header(table_corpus):
    p = table_corpus.plans.iloc[0]
    assert (p.province, p.year, p.number, iso(p.date), p.issuer) == ("Quảng Nam", 2024, "45/KH-UBND", "2024-01-12",
                                                                "UBND tỉnh Quảng Nam")


def test_subject_and_partner_in_an_implementation_item(table_corpus):
    assert _roles(table_corpus, "III.1") == (["Sở Ngoại vụ"], ["Sở Văn hóa, Thể thao và Du lịch"])


def test_themes_reach_table_tasks(table_corpus):
    th = table_corpus.task_themes
    assert set(th[th.path == "II.1"].theme) >= {"sea_islands", "border"}
    assert "human_rights" in set(th[th.path == "II.2"].theme)


def test_inline_fields_and_city_issuer(tmp_path):
    text = """Số: 10/KH-UBND
Hà Nội, ngày 3 tháng 2 năm 2025
KẾ HOẠCH
Công tác thông tin đối ngoại năm 2025
II. NHIỆM VỤ
1. Tổ chức họp báo quốc tế
- Chủ trì: Sở Văn hóa và Thể thao; phối hợp: Công an thành phố; thời gian: Quý I/2025
"""
    (tmp_path / "ha-noi.txt").write_text(text, encoding="utf-8")
    c = load_corpus(tmp_path, cache=False)
    assert c.plans.iloc[0].issuer == "UBND thành phố Hà Nội"
    assert _roles(c, "II.1") == (["Sở Văn hóa và Thể thao"], ["Công an tỉnh"])
    assert c.tasks.iloc[0].timeframe == "Quý I/2025"


def test_retyped_copy_with_other_tone_marks_and_spacing(tmp_path, plans_dir):
    """Re-typed: old-style tone marks, no blank lines, '*' bullets, 'Cơ quan' for 'Đơn vị'."""
    text = (plans_dir / "dong-nai-2024-ubnd-ttdn.md").read_text(encoding="utf-8")
    retyped = "\n".join(ln for ln in text.split("\n") if ln.strip())
    retyped = (retyped.replace("hòa", "hoà").replace("Ủy", "Uỷ").replace("hóa", "hoá")
               .replace("- Đơn vị chủ trì", "* Cơ quan chủ trì").replace("**", ""))
    (tmp_path / "retyped.txt").write_text(retyped, encoding="utf-8")
    a = load_corpus([plans_dir / "dong-nai-2024-ubnd-ttdn.md"], cache=False)
    b = load_corpus(tmp_path, cache=False)
    def key(c):
        return sorted(zip(c.assignments.path, c.assignments.agency, c.assignments.role))
    assert key(a) == key(b)
    assert list(a.tasks.path) == list(b.tasks.path)


def test_bullets_with_own_lead_lines_in_the_same_bullet_style(tmp_path):
    text = """KẾ HOẠCH
Thông tin đối ngoại năm 2024
II. NHIỆM VỤ
1. Xuất bản ấn phẩm
- Thực hiện bản tin đối ngoại hằng quý.
- Đơn vị chủ trì: Sở Ngoại vụ
- Thực hiện bản tin du lịch.
- Đơn vị chủ trì: Sở VH-TT&DL
- Thời hạn: Quý IV/2024
III. TRÁCH NHIỆM CỦA CÁC CƠ QUAN, ĐƠN VỊ
1. Các sở, ngành căn cứ Kế hoạch này triển khai thực hiện.
2. Căn cứ Kế hoạch này, chủ động xây dựng kế hoạch.
"""
    (tmp_path / "p.txt").write_text(text, encoding="utf-8")
    c = load_corpus(tmp_path, cache=False)
    assert list(c.tasks.path) == ["II.1.1", "II.1.2", "III.1"]
    assert _roles(c, "II.1.1") == (["Sở Ngoại vụ"], [])
    assert _roles(c, "II.1.2") == (["Sở Văn hóa, Thể thao và Du lịch"], [])
    assert c.tasks.timeframe.iloc[1] == "Quý IV/2024"
    assert "unplaced_line" in set(c.problems.kind)  # III.2 names no agency


@pytest.mark.parametrize("header, expected", [
    # two-column header flattened by a converter, title on two lines, year only on the second
    ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\nSố: 1234/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "Độc lập - Tự do - Hạnh phúc\nQuảng Trị, ngày 15 tháng 12 năm 2023\nKẾ HOẠCH\n"
     "Hoạt động thông tin đối ngoại\nTỉnh Quảng Trị năm 2024\nCăn cứ Nghị định số 72/2015/NĐ-CP;",
     ("Quảng Trị", 2024, "province", "1234/KH-UBND", "2023-12-15")),
    # a legal-database metadata block with colons; the date split over two lines
    ("Số hiệu: 56/KH-UBND\nNơi ban hành: Tỉnh Bình Định\nNgày ban hành: 03/02/2025\n"
     "Bình Định, ngày 03 tháng 02\nnăm 2025\nKẾ HOẠCH\nCông tác thông tin đối ngoại năm 2025\nCăn cứ …",
     ("Bình Định", 2025, "province", "56/KH-UBND", "2025-02-03")),
    # a department of a centrally-run city, table-pipe header
    ("| UBND THÀNH PHỐ HÀ NỘI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| SỞ NGOẠI VỤ | Độc lập - Tự do - Hạnh phúc |\n"
     "| Số: 77/KH-SNgV | Hà Nội, ngày 9 tháng 1 năm 2025 |\nKẾ HOẠCH\nThông tin đối ngoại năm 2025\nCăn cứ …",
     ("Hà Nội", 2025, "department", "77/KH-SNgV", "2025-01-09")),
])
def test_headers_of_other_provinces(tmp_path, header, expected):
    body = "\nII. NHIỆM VỤ\n1. Tổ chức họp báo\n- Đơn vị chủ trì: Sở Ngoại vụ\n"
    (tmp_path / "p.txt").write_text(header + body, encoding="utf-8")
    p = load_corpus(tmp_path, cache=False).plans.iloc[0]
    assert (p.province, p.year, p.level, p.number, iso(p.date)) == expected


def test_field_values_on_the_following_lines(tmp_path):
    text = """KẾ HOẠCH
Thông tin đối ngoại năm 2024
II. NHIỆM VỤ
1. Tổ chức hội nghị báo chí
- Đơn vị chủ trì:
Sở Thông tin và Truyền thông
- Đơn vị phối hợp:
+ Sở Nội vụ;
+ Công an tỉnh.
- Thời gian thực hiện: Quý III/2024
2. Tuyên truyền đối ngoại
- Cơ quan chủ trì:
+ Nội dung về biên giới: Bộ Chỉ huy Bộ đội Biên phòng tỉnh
Nội dung tuyên truyền khác do các đơn vị tự chọn.
"""
    (tmp_path / "p.txt").write_text(text, encoding="utf-8")
    c = load_corpus(tmp_path, cache=False)
    assert _roles(c, "II.1") == (["Sở Thông tin và Truyền thông"], ["Công an tỉnh", "Sở Nội vụ"])
    assert _roles(c, "II.2") == (["Bộ Chỉ huy Bộ đội Biên phòng tỉnh"], [])
    assert not (c.problems.kind == "unknown_agency").any()


def test_task_table_in_an_appendix_after_the_signature(tmp_path):
    text = """Số: 12/KH-UBND
Quảng Ngãi, ngày 5 tháng 1 năm 2024
KẾ HOẠCH
Thông tin đối ngoại năm 2024
I. MỤC ĐÍCH, YÊU CẦU
- Nâng cao hiệu quả.
II. NHIỆM VỤ
Các nhiệm vụ cụ thể tại Phụ lục kèm theo.
III. TỔ CHỨC THỰC HIỆN
1. Sở Ngoại vụ chủ trì theo dõi, đôn đốc.
Nơi nhận:
- Như trên;
KT. CHỦ TỊCH
PHỤ LỤC
NHIỆM VỤ THÔNG TIN ĐỐI NGOẠI NĂM 2024
(Kèm theo Kế hoạch số 12/KH-UBND ngày 05/01/2024)
| STT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian |
| 1 | Tuyên truyền chủ quyền biển, đảo | Báo Quảng Ngãi | Bộ Chỉ huy Bộ đội Biên phòng tỉnh | Năm 2024 |
| 2 | Quảng bá hình ảnh tỉnh | Sở Văn hóa, Thể thao và Du lịch | Các sở, ban, ngành | Quý II/2024 |
"""
    (tmp_path / "p.txt").write_text(text, encoding="utf-8")
    c = load_corpus(tmp_path, cache=False)
    assert list(c.tasks.path) == ["III.1", "PL.1", "PL.2"]  # "II" only points to the appendix
    assert _roles(c, "PL.1") == (["Báo tỉnh"], ["Bộ Chỉ huy Bộ đội Biên phòng tỉnh"])
    assert c.plans.iloc[0].province == "Quảng Ngãi"


# ---------------------------------------------------------------------------------------------------------------
# The normalisation stage (parse/normalise.py) and outline labels read as a sequence, on snippets written here.

BODY = "\nII. NHIỆM VỤ\n1. Tổ chức họp báo\n- Đơn vị chủ trì: Sở Ngoại vụ\n"


def _load(tmp_path, text, name="p.txt"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return load_corpus(tmp_path, cache=False)


OCR_PLAN = """ỦY BAN NHÂN DÂN _- CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM _-
TỈNH BÌNH PHƯỚC -_ Độc lập - Tự do - Hạnh phúc "
Số: 12/KH-UBND - Bình Phước, ngày 20 tháng 01 năm 2026
" KẾHOẠCH -'- _ "
: Thông tin đối ngoại tỉnh Bình Phước năm 2026 l
I. MỤC ĐÍCH, YÊU CẦU :
¬ l. Quảng bá hình ảnh tỉnh với bạn bè quốc tế. _
Il. NHIỆM VỤ : ¬
ị : l. Thông tin về biên giới Việt Nam - Campuchia ,
a) Bộ Chỉ huy Bộ đội Biên phòng tỉnh chủ trì, phối hợp với Sở Ngoại vụ.
: và UBND các xã biên giới tuyên truyền về phân giới cắm mốc; thời gian: quý I/2026. '
s b) Sở Văn hóa, Thể thao và Du lịch chủ trì, phối hợp với Báo Bình Phước
` tổ chức giao lưu văn hóa; thời gian: năm 2026. - :
" -e) Sở Ngoại vụ chủ trì tổ chức đón phóng viên nước ngoài; thời gian: quý II/2026.
-_ 2, Quảng bá du lịch, thu hút đầu tư .
'a) Sở Tài chính chủ trì, phối hợp với Sở Công Thương biên soạn ấn phẩm; thời gian: quý III/2026. ¬
HI. KINH PHÍ -
Ngân sách tỉnh bảo đảm. :
IV. TỔ CHỨC THỰC HIỆN _
I. Sở Văn hóa, Thể thao và Du lịch chủ trì theo dõi, đôn đốc thực hiện Kế hoạch. ¬
"""


def test_ocr_labels_read_as_a_sequence_with_flags_and_problem_rows(tmp_path):
    c = _load(tmp_path, OCR_PLAN)
    t = c.tasks.set_index("path")
    assert list(t.index) == ["II.1.a", "II.1.b", "II.1.c", "II.2.a", "IV.1"]
    # every task under the repaired "Il." rests on a repair; IV.1 on its own repaired "I." (item 1, not section I)
    assert t.numbering_repaired.tolist() == [True, True, True, True, True]
    assert _roles(c, "II.1.a") == (["Bộ Chỉ huy Bộ đội Biên phòng tỉnh"], ["Sở Ngoại vụ", "UBND các xã biên giới"])
    assert _roles(c, "II.2.a") == (["Sở Tài chính"], ["Sở Công Thương"])
    rep = c.problems[c.problems.kind == "numbering_repaired"]
    assert list(rep.line) == [7, 8, 9, 14, 15, 17, 20]
    assert set(rep.severity) == {"info"}
    assert "'HI.' is read as 'III.'" in rep.message.iloc[5]
    p = c.plans.iloc[0]
    assert (p.number, p.year, p.title) == ("12/KH-UBND", 2026, "Thông tin đối ngoại tỉnh Bình Phước năm 2026")


def test_a_clean_plan_is_not_rewritten_and_nothing_is_repaired():
    from ttdn_analysis.parse.normalise import normalise_lines
    lines = TABLE_PLAN.split("\n") + ["IV. KHEN THƯỞNG", "1. Sở Nội vụ tổng hợp.", "2, 3 và 5 Phần II"]
    n = normalise_lines(lines)
    assert n.styles == frozenset() and n.repairs == []
    assert n.lines == lines


def test_a_real_gap_stays_a_gap(tmp_path):
    text = "KẾ HOẠCH\nNăm 2026\nII. NHIỆM VỤ\n1. Việc A\n- Đơn vị chủ trì: Sở Ngoại vụ\n3. Việc C\n" \
           "- Đơn vị chủ trì: Công an tỉnh\n"
    c = _load(tmp_path, text)
    assert list(c.tasks.path) == ["II.1", "II.3"]
    assert not c.tasks.numbering_repaired.any()
    assert "numbering_gap" in set(c.problems.kind) and "numbering_repaired" not in set(c.problems.kind)


PARTY_PLAN = """TỈNH ỦY NINH BÌNH
*
Số 45-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Ninh Bình, ngày 05 tháng 12 năm 2025
KẾ HOẠCH
thực hiện công tác thông tin đối ngoại năm 2026
I- MỤC ĐÍCH, YÊU CẦU
1- Nâng cao nhận thức của cán bộ, đảng viên về công tác thông tin đối ngoại.
II- NHIỆM VỤ VÀ GIẢI PHÁP
1- Thông tin đối ngoại về kinh tế
a- Sở Ngoại vụ chủ trì, phối hợp với Sở Tài chính tổ chức hội nghị xúc tiến đầu tư.
b- Sở Văn hóa, Thể thao và Du lịch chủ trì quảng bá du lịch.
2- Công an tỉnh chủ trì, phối hợp với Sở Ngoại vụ quản lý người nước ngoài.
III- TỔ CHỨC THỰC HIỆN
1- Văn phòng Tỉnh ủy chủ trì theo dõi, đôn đốc.
"""


def test_party_numbering_and_party_header(tmp_path):
    c = _load(tmp_path, PARTY_PLAN)
    assert list(c.tasks.path) == ["II.1.a", "II.1.b", "II.2", "III.1"]
    assert not c.tasks.numbering_repaired.any()
    assert _roles(c, "II.1.a") == (["Sở Ngoại vụ"], ["Sở Tài chính"])
    p = c.plans.iloc[0]
    # signed in December 2025, the plan is for 2026 (its title); the Party number as printed, without "Số"
    assert (p.province, p.year, p.level, p.number, iso(p.date), p.issuer) == (
        "Ninh Bình", 2026, "province", "45-KH/TU", "2025-12-05", "Tỉnh ủy Ninh Bình")


MARKDOWN_PLAN = r"""<!-- image -->

| ỦY BAN NHÂN DÂN TỈNH NGHỆ AN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc |
|------------------------------|----------------------------------------------------------------|
| Số: 31/KH-UBND               | Nghệ An, ngày 14 tháng 01 năm 2026                             |

# KẾ HOẠCH

Thông tin đối ngoại tỉnh Nghệ An năm 2026

## I\. MỤC ĐÍCH, YÊU CẦU

**1\.** Mục đích

\- Quảng bá hình ảnh tỉnh.

## II. NHIỆM VỤ

**1.** Thông tin về biên giới Việt Nam - Lào

**a)** Tuyên truyền về phân giới cắm mốc[^1].

**Cơ quan chủ trì:** Bộ Chỉ huy Bộ đội Biên phòng tỉnh.

<!-- page-break -->

[^1]: Hiệp định về Quy chế quản lý biên giới trên đất liền.

**Cơ quan phối hợp:** Sở Ngoại vụ; Công an tỉnh.

**b)** Tổ chức đón phóng viên nước ngoài.

**Cơ quan chủ trì:** Sở Ngoại vụ.
"""


def test_converter_markdown(tmp_path):
    c = _load(tmp_path, MARKDOWN_PLAN, "p.md")
    assert list(c.tasks.path) == ["II.1.a", "II.1.b"]
    # the footnote and the page break between the field lines do not end the task
    assert _roles(c, "II.1.a") == (["Bộ Chỉ huy Bộ đội Biên phòng tỉnh"], ["Công an tỉnh", "Sở Ngoại vụ"])
    assert "Hiệp định" not in c.tasks.text.iloc[0]
    p = c.plans.iloc[0]
    assert (p.province, p.year, p.level, p.number, iso(p.date)) == ("Nghệ An", 2026, "province", "31/KH-UBND",
                                                                   "2026-01-14")


@pytest.mark.parametrize("header, expected", [
    # "ỦY" / "BAN NHÂN DÂN TỈNH …" split over lines: the UBND, not a department ("BAN …")
    ("ỦY\nBAN NHÂN DÂN TỈNH PHÚ THỌ\nSố: 88/KH-UBND\nPhú Thọ, ngày 10 tháng 01 năm 2026\nKẾ HOẠCH\n"
     "Thông tin đối ngoại năm 2026\nCăn cứ …",
     ("Phú Thọ", 2026, "province", "88/KH-UBND", "2026-01-10", "UBND tỉnh Phú Thọ")),
    # a plan for 2026 signed in December 2025
    ("ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 301/KH-UBND\nGia Lai, ngày 26 tháng 12 năm 2025\nKẾ HOẠCH\n"
     "Công tác thông tin đối ngoại năm 2026\nCăn cứ …",
     ("Gia Lai", 2026, "province", "301/KH-UBND", "2025-12-26", "UBND tỉnh Gia Lai")),
    # a target year is never the plan's year: the signing year stands
    ("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: 15/KH-UBND\nLâm Đồng, ngày 03 tháng 3 năm 2025\nKẾ HOẠCH\n"
     "Thực hiện Chiến lược thông tin đối ngoại đến năm 2030\nCăn cứ …",
     ("Lâm Đồng", 2025, "province", "15/KH-UBND", "2025-03-03", "UBND tỉnh Lâm Đồng")),
    # a multi-year programme: the first year of its period (any dash), signed the year before
    ("ỦY BAN NHÂN DÂN\nTỈNH CÀ MAU\nSố: 7/CTr-UBND\nCà Mau, ngày 30 tháng 12 năm 2025\nCHƯƠNG TRÌNH\n"
     "Thông tin đối ngoại giai đoạn 2026 - 2030, định hướng đến năm 2035\nCăn cứ …",
     ("Cà Mau", 2026, "province", "7/CTr-UBND", "2025-12-30", "UBND tỉnh Cà Mau")),
    # a commune plan: level commune, the province from the text
    ("ỦY BAN NHÂN DÂN\nPHƯỜNG AN KHÁNH\nSố: 05/KH-UBND\nAn Khánh, ngày 09 tháng 02 năm 2026\nKẾ HOẠCH\n"
     "Công tác thông tin đối ngoại năm 2026\nCăn cứ Kế hoạch số 20/KH-UBND của Ủy ban nhân dân tỉnh Cần Thơ;",
     (None, 2026, "commune", "05/KH-UBND", "2026-02-09", "UBND phường An Khánh")),
    # a city's Party committee (Thành ủy), colon after "Số"
    ("THÀNH ỦY ĐÀ NẴNG\nSố: 210-KH/ThU\nĐẢNG CỘNG SẢN VIỆT NAM\nĐà Nẵng, ngày 16 tháng 01 năm 2026\nKẾ HOẠCH\n"
     "thông tin đối ngoại năm 2026\nThực hiện Kết luận số 57-KL/TW;",
     ("Đà Nẵng", 2026, "province", "210-KH/ThU", "2026-01-16", "Thành ủy Đà Nẵng")),
])
def test_header_renderings_of_the_genre(tmp_path, header, expected):
    p = _load(tmp_path, header + BODY).plans.iloc[0]
    got = (p.province, p.year, p.level, p.number, iso(p.date), p.issuer)
    if expected[0] is None:  # the commune's province comes from the preamble: asserted apart
        assert p.province == "Cần Thơ"
        got = (None, *got[1:])
    assert got == expected
