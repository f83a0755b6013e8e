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
