"""The genre, bullet by bullet (issue "Read the genre, not the five seeds"): each way real provincial plans are
written, on a snippet written for this test — none of these texts is a seed or a development-set plan."""
from __future__ import annotations

import pandas as pd
import pytest

from ttdn_analysis import load_corpus

HEADER = ("ỦY BAN NHÂN DÂN\nTỈNH YÊN BÁI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
          "Số: 31/KH-UBND\nYên Bái, ngày 12 tháng 02 năm 2024\nKẾ HOẠCH\nThông tin đối ngoại năm 2024\n"
          "Căn cứ Nghị định số 72/2015/NĐ-CP của Chính phủ;\n")


def load(tmp_path, text: str, name: str = "plan.txt"):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return load_corpus(tmp_path, cache=False)


def roles(c, path: str) -> tuple[list[str], list[str]]:
    a = c.assignments[c.assignments.path == path]
    return sorted(a[a.role == "lead"].agency), sorted(a[a.role == "support"].agency)


def iso(date) -> str | None:
    return None if date is None or pd.isna(date) else str(date)[:10]


def kinds(c) -> set[str]:
    return set(c.problems.kind)


# ------------------------------------------------------------------------------------------------------- wrappers

def test_decision_issuing_the_plan(tmp_path):
    c = load(tmp_path, "ỦY BAN NHÂN DÂN\nTỈNH TUYÊN QUANG\n-------\nSố: 14/QĐ-UBND\n"
                       "Tuyên Quang, ngày 09 tháng 01 năm 2025\nQUYẾT ĐỊNH\n"
                       "Về việc ban hành Kế hoạch thông tin đối ngoại năm 2025\n"
                       "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH\nCăn cứ Luật Tổ chức chính quyền địa phương;\nQUYẾT ĐỊNH:\n"
                       "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.\n"
                       "Điều 3. Giám đốc Sở Ngoại vụ, Thủ trưởng các sở, ban, ngành chịu trách nhiệm thi hành./.\n"
                       "Nơi nhận:\n- Như Điều 3;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn Sơn\n\n"
                       "ỦY BAN NHÂN DÂN\nTỈNH TUYÊN QUANG\nKẾ HOẠCH\nThông tin đối ngoại tỉnh Tuyên Quang năm 2025\n"
                       "(Kèm theo Quyết định số 14/QĐ-UBND ngày 09/01/2025)\n"
                       "I. NHIỆM VỤ\n1. Tổ chức hội nghị báo chí.\n- Cơ quan chủ trì: Sở Ngoại vụ.\n")
    p = c.plans.iloc[0]
    assert (p.number, iso(p.date), p.year) == ("14/QĐ-UBND", "2025-01-09", 2025)
    assert list(c.tasks.path) == ["I.1"]  # Điều 3 names agencies, but a decision's articles are no tasks
    assert roles(c, "I.1") == (["Sở Ngoại vụ"], [])


def test_programme_is_read_like_a_plan(tmp_path):
    c = load(tmp_path, HEADER.replace("KẾ HOẠCH", "CHƯƠNG TRÌNH").replace("31/KH-UBND", "5/CTr-UBND")
             + "I. NHIỆM VỤ\n1. Tập huấn (Sở Ngoại vụ thực hiện; thời gian: quý I/2024).\n")
    assert c.plans.iloc[0].number == "5/CTr-UBND"
    assert roles(c, "I.1") == (["Sở Ngoại vụ"], [])


def test_department_letter_carrying_its_plan(tmp_path):
    c = load(tmp_path, "UBND TỈNH YÊN BÁI\nSỞ NGOẠI VỤ\nSố: 40/SNgV-TTĐN\nV/v ban hành Kế hoạch thông tin đối ngoại\n"
                       "Yên Bái, ngày 20 tháng 02 năm 2024\nKính gửi: Các phòng, đơn vị thuộc Sở.\n"
                       "Sở Ngoại vụ gửi kèm Kế hoạch thông tin đối ngoại năm 2024 để các đơn vị thực hiện./.\n"
                       "Nơi nhận:\n- Như trên;\nGIÁM ĐỐC\nHà Thị Mai\n"
                       "KẾ HOẠCH\nThông tin đối ngoại năm 2024 của Sở Ngoại vụ\n"
                       "I. NHIỆM VỤ\n1. Biên soạn bản tin đối ngoại.\n- Đơn vị thực hiện: Phòng Thông tin đối ngoại.\n"
                       "2. Cập nhật trang thông tin điện tử của Sở.\n")
    p = c.plans.iloc[0]
    assert (p.level, p.number, p.issuer) == ("department", "40/SNgV-TTĐN", "Sở Ngoại vụ")
    assert roles(c, "I.1") == (["Phòng Thông tin đối ngoại Sở Ngoại vụ"], [])
    assert roles(c, "I.2") == (["Sở Ngoại vụ"], [])  # a department's task that names no agency is its own


# -------------------------------------------------------------------------------------------------------- headers

@pytest.mark.parametrize("header, expected", [
    ("ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
     "---------------\nSố: 102/KH-UBND\nNghệ An, ngày 20 tháng 01 năm 2025\nKẾ HOẠCH\nThông tin đối ngoại năm 2025\n",
     ("Nghệ An", 2025, "province", "102/KH-UBND", "2025-01-20")),
    ("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH HÀ GIANG | Độc lập - Tự do - Hạnh phúc\n"
     "------- | ---------------\nSố: 17/KH-UBND | Hà Giang, ngày 15 tháng 01 năm 2024\nKẾ HOẠCH\n"
     "Thông tin đối ngoại tỉnh Hà Giang năm 2024\n", ("Hà Giang", 2024, "province", "17/KH-UBND", "2024-01-15")),
    ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Số: "
     "89/KH-UBND Quảng Ninh, ngày 12 tháng 3 năm 2024 KẾ HOẠCH Thông tin đối ngoại năm 2024\n",
     ("Quảng Ninh", 2024, "province", "89/KH-UBND", "2024-03-12")),
    ("ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc\n"
     "Số: 21/KH-UBND Kiên Giang, ngày 08 tháng 02 năm 2022 KẾ HOẠCH Công tác thông tin đối ngoại năm 2022\n",
     ("Kiên Giang", 2022, "province", "21/KH-UBND", "2022-02-08")),
    ("ỦY BAN NHÂN DÂN\nTỈNH TÂY NINH\nSố: 312/KH-UBND\nTây Ninh, ngày 29\ntháng 01 năm 2021\nKẾ HOẠCH\n"
     "Thông tin đối ngoại năm 2021\n", ("Tây Ninh", 2021, "province", "312/KH-UBND", "2021-01-29")),
    ("ỦY BAN NHÂN DÂN\nTỈNH LONG AN\nSố:      /KH-UBND\nLong An, ngày    tháng 11 năm 2024\nKẾ HOẠCH\n"
     "Thông tin đối ngoại năm 2025\n", ("Long An", 2025, "province", None, None)),
    ("Kế hoạch 77/KH-UBND năm 2022 về thông tin đối ngoại tỉnh Sơn La\nSố hiệu: 77/KH-UBND\nLoại văn bản: Kế hoạch\n"
     "Nơi ban hành: Tỉnh Sơn La\nNgày ban hành: 04/03/2022\n\nỦY BAN NHÂN DÂN\nTỈNH SƠN LA\nSố: 77/KH-UBND\n"
     "Sơn La, ngày 04 tháng 3 năm 2022\nKẾ HOẠCH\nThông tin đối ngoại năm 2022\n",
     ("Sơn La", 2022, "province", "77/KH-UBND", "2022-03-04")),
    ("Kế hoạch thông tin đối ngoại năm 2025 - Cổng thông tin điện tử tỉnh Bình Phước\n"
     "Trang chủ > Tin tức > Văn bản | Ngày đăng: 10/01/2025\nỦY BAN NHÂN DÂN\nTỈNH BÌNH PHƯỚC\nSố: 15/KH-UBND\n"
     "Bình Phước, ngày 08 tháng 01 năm 2025\nKẾ HOẠCH\nThông tin đối ngoại năm 2025\n",
     ("Bình Phước", 2025, "province", "15/KH-UBND", "2025-01-08")),
    ("ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\nSố: 64/KH-UBND\nHà Tĩnh, ngày 06/02/2024\nKẾ HOẠCH\nThông tin đối ngoại năm 2024\n",
     ("Hà Tĩnh", 2024, "province", "64/KH-UBND", "2024-02-06")),
    ("ỦY BAN NHÂN DÂN\nTỈNH BẾN TRE\nSố: 07/2024/QĐ-UBND\nBến Tre, ngày 02 tháng 02 năm 2024\nQUYẾT ĐỊNH\n"
     "Về việc ban hành Kế hoạch thông tin đối ngoại năm 2024\nCăn cứ Luật;\nQUYẾT ĐỊNH:\n"
     "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch.\nNơi nhận:\n- Như Điều 3;\nTM. ỦY BAN NHÂN DÂN\n"
     "KẾ HOẠCH\nThông tin đối ngoại năm 2024\n", ("Bến Tre", 2024, "province", "07/2024/QĐ-UBND", "2024-02-02")),
])
def test_headers_in_every_rendering(tmp_path, header, expected):
    c = load(tmp_path, header + "I. NHIỆM VỤ\n1. Tập huấn.\n- Cơ quan chủ trì: Sở Ngoại vụ.\n")
    p = c.plans.iloc[0]
    assert (p.province, p.year, p.level, p.number, iso(p.date)) == expected


# More renderings of the Decree 30 header, each field checked (with the ten above: 21 renderings, 105 fields).
MORE_HEADERS = [
    pytest.param('ỦY BAN NHÂN DÂN\nTỈNH BẮC GIANG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 45/KH-UBND\nBắc Giang, ngày 05 tháng 02 năm 2024\nKẾ HOẠCH\nThông tin đối ngoại năm 2024\n',
                 ('Bắc Giang', 2024, 'province', '45/KH-UBND', '2024-02-05'), id='clean'),
    pytest.param('| ỦY BAN NHÂN DÂN TỈNH CAO BẰNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc |\n|---|---|\n| Số: 2456/KH-UBND | Cao Bằng, ngày 30 tháng 12 năm 2023 |\n\nKẾ HOẠCH\nCông tác thông tin đối ngoại năm 2024\n',
                 ('Cao Bằng', 2024, 'province', '2456/KH-UBND', '2023-12-30'), id='pipes_outer'),
    pytest.param('| Số hiệu | 77/KH-UBND |\n| Ngày ban hành | 04/03/2022 |\n| Cơ quan ban hành | Tỉnh Sơn La |\n|\nỦY BAN NHÂN DÂN |\nCỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM |\nSố: 77/KH-UBND |\nSơn La, ngày 04 tháng 3 năm 2022 |\nKẾ HOẠCH\nThông tin đối ngoại năm 2022\n',
                 ('Sơn La', 2022, 'province', '77/KH-UBND', '2022-03-04'), id='legaldb_table'),
    pytest.param('ỦY BAN NHÂN DÂN\nTỈNH PHÚ YÊN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 56/QĐ-UBND\nPhú Yên, ngày 10 tháng 01 năm 2024\nQUYẾT ĐỊNH\nBan hành Kế hoạch thông tin đối ngoại tỉnh Phú Yên năm 2024\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH PHÚ YÊN\nCăn cứ Luật Tổ chức chính quyền địa phương;\nQUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch.\nĐiều 2. Quyết định có hiệu lực kể từ ngày ký.\nĐiều 3. Chánh Văn phòng UBND tỉnh, Giám đốc các sở chịu trách nhiệm thi hành./.\nNơi nhận:\n- Như Điều 3;\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn B\n\nỦY BAN NHÂN DÂN\nTỈNH PHÚ YÊN\nKẾ HOẠCH\nThông tin đối ngoại tỉnh Phú Yên năm 2024\n(Ban hành kèm theo Quyết định số 56/QĐ-UBND ngày 10/01/2024 của UBND tỉnh)\n',
                 ('Phú Yên', 2024, 'province', '56/QĐ-UBND', '2024-01-10'), id='decision'),
    pytest.param('ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 33/CTr-UBND\nĐà Nẵng, ngày 14 tháng 02 năm 2024\nCHƯƠNG TRÌNH\nThông tin đối ngoại thành phố Đà Nẵng năm 2024\n',
                 ('Đà Nẵng', 2024, 'province', '33/CTr-UBND', '2024-02-14'), id='programme_city'),
    pytest.param('UBND TỈNH QUẢNG NAM\nSỞ NGOẠI VỤ\nSố: 120/SNgV-TTĐN\nV/v triển khai công tác thông tin đối ngoại năm 2024\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nQuảng Nam, ngày 15 tháng 3 năm 2024\nKính gửi: Các phòng, đơn vị thuộc Sở.\n',
                 ('Quảng Nam', 2024, 'department', '120/SNgV-TTĐN', '2024-03-15'), id='dept_letter'),
    pytest.param('UBND TỈNH KON TUM | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH | Độc lập - Tự do - Hạnh phúc\nSố: 88/KH-SVHTTDL | Kon Tum, ngày 09 tháng 01 năm 2024\nKẾ HOẠCH\nThông tin đối ngoại năm 2024 của Sở Văn hóa, Thể thao và Du lịch\n',
                 ('Kon Tum', 2024, 'department', '88/KH-SVHTTDL', '2024-01-09'), id='dept_plan_pipes'),
    pytest.param('ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 4521/KH-UBND\nThành phố Hồ Chí Minh, ngày 31 tháng 12 năm 2024\nKẾ HOẠCH\nThông tin đối ngoại năm 2025\n',
                 ('Hồ Chí Minh', 2025, 'province', '4521/KH-UBND', '2024-12-31'), id='tp_hcm'),
    pytest.param('Số: 201/KH-UBND\nThừa Thiên Huế, ngày 25 tháng 8 năm 2023\nKẾ HOẠCH\nThông tin đối ngoại năm 2023-2024\n',
                 ('Thừa Thiên Huế', 2023, 'province', '201/KH-UBND', '2023-08-25'), id='no_header_lines'),
    pytest.param('UBND TỈNH ĐỒNG THÁP          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n                              Độc lập - Tự do - Hạnh phúc\n Số: 38/KH-UBND                Đồng Tháp, ngày 22 tháng 02 năm 2024\nKẾ HOẠCH\nCông tác thông tin đối ngoại năm 2024\n',
                 ('Đồng Tháp', 2024, 'province', '38/KH-UBND', '2024-02-22'), id='multispace'),
    pytest.param('ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 2890/KH-UBND\nGia Lai, ngày 28 tháng 12 năm 2025\nKẾ HOẠCH\nCông tác thông tin đối ngoại trên địa bàn\ntỉnh Gia Lai năm 2026\n',
                 ('Gia Lai', 2026, 'province', '2890/KH-UBND', '2025-12-28'), id='split_title'),
]


@pytest.mark.parametrize("header, expected", MORE_HEADERS)
def test_more_header_renderings(tmp_path, header, expected):
    c = load(tmp_path, header + "I. MỤC ĐÍCH\n1. Mục đích\n- Quảng bá.\nII. NHIỆM VỤ\n1. Tập huấn nghiệp vụ.\n"
                               "- Cơ quan chủ trì: Sở Ngoại vụ.\n")
    p = c.plans.iloc[0]
    assert (p.province, p.year, p.level, p.number, iso(p.date)) == expected



def test_missing_number_and_date_are_problems(tmp_path):
    c = load(tmp_path, HEADER.replace("Số: 31/KH-UBND", "Số:    /KH-UBND")
             .replace("ngày 12 tháng 02", "ngày    tháng 02") + "I. NHIỆM VỤ\n1. Tập huấn (Sở Ngoại vụ thực hiện).\n")
    assert {"no_number", "no_date"} <= kinds(c)
    assert "left blank" in c.problems[c.problems.kind == "no_number"].message.iloc[0]


# -------------------------------------------------------------------------------------------------------- outline

def test_numbered_lettered_decimal_and_word_items(tmp_path):
    c = load(tmp_path, HEADER + "I. MỤC ĐÍCH\n1. Quảng bá.\nII. NHIỆM VỤ\n1. Quản lý\n1.1. Rà soát quy chế.\n"
             "1.2. Kiện toàn bộ máy\n1.2.1. Cử đầu mối.\n1.2.2. Tập huấn.\n2. Quảng bá\na) Làm phim.\nđ) In sách.\n"
             "Nhiệm vụ 3: Thông tin về biên giới\nNội dung 4. Thông tin về biển, đảo\n")
    assert list(c.tasks.path) == ["II.1.1", "II.1.2.1", "II.1.2.2", "II.2.a", "II.2.đ", "II.3", "II.4"]


def test_roman_numerals_of_any_size(tmp_path):
    body = "".join(f"{r}. PHẦN {r}\n" for r in ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI",
                                                "XII", "XIII"])
    c = load(tmp_path, HEADER + body + "XIV. NHIỆM VỤ\n1. Tổ chức hội thảo (Sở Ngoại vụ thực hiện).\n")
    assert list(c.tasks.path) == ["XIV.1"]
    assert "numbering_gap" not in kinds(c) and "duplicate_path" not in kinds(c)


def test_agency_blocks_with_request_and_invitation(tmp_path):
    c = load(tmp_path, HEADER + "II. TỔ CHỨC THỰC HIỆN\n1. Sở Văn hóa, Thể thao và Du lịch (cơ quan thường trực):\n"
             "- Chủ trì, phối hợp với Sở Tư pháp xây dựng quy chế.\n- Tổng hợp, báo cáo UBND tỉnh.\n"
             "2. Đề nghị Ủy ban MTTQ Việt Nam tỉnh\nLồng ghép nội dung thông tin đối ngoại.\n"
             "3. Mời Hội Cựu chiến binh tỉnh: phối hợp với Công an tỉnh đón các đoàn cựu chiến binh nước ngoài.\n")
    assert roles(c, "II.1") == (["Sở Văn hóa, Thể thao và Du lịch"], ["Sở Tư pháp"])
    assert roles(c, "II.2") == (["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"], [])
    assert roles(c, "II.3") == (["Hội Cựu chiến binh tỉnh"], ["Công an tỉnh"])


TABLES = {
    "pipes": ("| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian |\n|---|---|---|---|---|\n"
              "| 1 | Làm phim quảng bá | Sở Văn hóa, Thể thao và Du lịch | Sở Ngoại vụ | Quý II |\n"
              "| 2 | Tập huấn | Sở Ngoại vụ | | Quý III |\n"),
    "no_outer_pipes": ("STT | Nhiệm vụ | Chủ trì | Phối hợp | Thời gian\n--- | --- | --- | --- | ---\n"
                       "1 | Làm phim quảng bá | Sở Văn hóa, Thể thao và Du lịch | Sở Ngoại vụ | Quý II\n"
                       "2 | Tập huấn | Sở Ngoại vụ |  | Quý III\n"),
    "tabs": ("TT\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian\n"
             "1\tLàm phim quảng bá\tSở Văn hóa, Thể thao và Du lịch\tSở Ngoại vụ\tQuý II\n"
             "2\tTập huấn\tSở Ngoại vụ\t\tQuý III\n"),
}


@pytest.mark.parametrize("style", sorted(TABLES))
def test_task_tables_in_every_style(tmp_path, style):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n" + TABLES[style] + "III. KINH PHÍ\nNgân sách tỉnh.\n")
    assert list(c.tasks.path) == ["II.1", "II.2"]
    assert roles(c, "II.1") == (["Sở Văn hóa, Thể thao và Du lịch"], ["Sở Ngoại vụ"])
    assert list(c.tasks.timeframe) == ["Quý II", "Quý III"]


def test_multi_line_cells_and_group_rows_in_an_appendix(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\nChi tiết tại Phụ lục.\nNơi nhận:\n- Lưu: VT.\nKT. CHỦ TỊCH\nLê Minh\n"
             "PHỤ LỤC\n(Kèm theo Kế hoạch số 31/KH-UBND)\n"
             "TT | Nội dung | Chủ trì | Phối hợp | Thời gian\n---|---|---|---|---\n"
             "I | Biên giới | | |\n"
             "1 | Tuyên truyền pháp luật về biên giới cho cán bộ các huyện, | Bộ Chỉ huy Bộ đội Biên phòng tỉnh"
             " | Sở Tư pháp; | Quý I\n"
             "  | thị xã và đồng bào các bản biên giới |  | Công an tỉnh |\n"
             "II | Biển, đảo | | |\n"
             "2 | Tuyên truyền về biển, đảo cho ngư dân | Sở Nông nghiệp và Môi trường | | Thường xuyên\n")
    assert list(c.tasks.path) == ["PL.I.1", "PL.II.2"]
    assert roles(c, "PL.I.1") == (["Bộ Chỉ huy Bộ đội Biên phòng tỉnh"], ["Công an tỉnh", "Sở Tư pháp"])
    t = c.tasks.set_index("path")
    assert "đồng bào các bản biên giới" in t.loc["PL.I.1", "text"] and t.loc["PL.I.1", "line_end"] > \
        t.loc["PL.I.1", "line_start"]
    themes = set(c.task_themes[c.task_themes.path == "PL.II.2"].theme)
    assert "sea_islands" in themes and "border" not in themes  # a group row is no part of the row above


def test_table_under_a_numbered_item_takes_its_number(tmp_path):
    c = load(tmp_path, "UBND TỈNH YÊN BÁI\nSỞ NGOẠI VỤ\nSố: 12/SNgV-VP\nYên Bái, ngày 02 tháng 3 năm 2024\n"
                       "Kính gửi: Các phòng thuộc Sở.\nNội dung 1: Quản lý phóng viên nước ngoài\n"
                       "Giao Văn phòng Sở thực hiện.\nNội dung 2: Hoạt động quảng bá\n"
                       "STT\tNhiệm vụ\tĐơn vị thực hiện\tThời gian\n1\tLàm video\tPhòng Hợp tác quốc tế\tQuý II\n")
    assert list(c.tasks.path) == ["1", "2.1"]
    assert roles(c, "2.1") == (["Phòng Hợp tác quốc tế Sở Ngoại vụ"], [])


# -------------------------------------------------------------------------------------------------- role phrasings

def test_field_lines(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Tập huấn\n- Đơn vị chủ trì thực hiện: Sở Nội vụ.\n"
             "+ Cơ quan phối hợp: Sở Tư pháp; Văn phòng UBND tỉnh.\n- Thời gian hoàn thành: tháng 9/2024.\n")
    assert roles(c, "II.1") == (["Sở Nội vụ"], ["Sở Tư pháp", "Văn phòng Ủy ban nhân dân tỉnh"])
    assert c.tasks.timeframe.iloc[0] == "tháng 9/2024"


def test_inline_fields_on_their_own_line_and_ending_a_paragraph(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Hội thảo\nChủ trì: Sở Ngoại vụ; phối hợp: Công an tỉnh, Sở Tư pháp; "
             "thời gian: quý I.\n2. Tập huấn\nTổ chức lớp tập huấn cho cán bộ. Chủ trì: Sở Nội vụ; phối hợp: Sở Ngoại vụ; "
             "thời gian: quý II.\n")
    assert roles(c, "II.1") == (["Sở Ngoại vụ"], ["Công an tỉnh", "Sở Tư pháp"])
    assert roles(c, "II.2") == (["Sở Nội vụ"], ["Sở Ngoại vụ"])
    assert list(c.tasks.timeframe) == ["quý I", "quý II"]


def test_closing_parenthesis(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Làm phim về di sản (Sở Văn hóa, Thể thao và Du lịch chủ trì, phối "
             "hợp với Sở Ngoại vụ, Đài Phát thanh và Truyền hình tỉnh thực hiện; thời gian: quý III).\n"
             "2. Cập nhật chuyên mục tiếng Anh (Báo Yên Bái thực hiện; thời gian: hằng tháng).\n")
    assert roles(c, "II.1") == (["Sở Văn hóa, Thể thao và Du lịch"],
                                ["Sở Ngoại vụ", "Đài Phát thanh và Truyền hình tỉnh"])
    assert roles(c, "II.2") == (["Báo tỉnh"], [])
    assert list(c.tasks.timeframe) == ["quý III", "hằng tháng"]


def test_sentences(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Giao Sở Công Thương chủ trì, phối hợp với Sở Tài chính và Hội "
             "Doanh nhân trẻ tỉnh tổ chức hội chợ.\n2. Công an tỉnh chủ trì, phối hợp Sở Tư pháp biên soạn tài liệu.\n"
             "3. Sở Y tế phối hợp với Sở Ngoại vụ đón đoàn chuyên gia nước ngoài.\n")
    assert roles(c, "II.1") == (["Sở Công Thương"], ["Hội Doanh nhân trẻ tỉnh", "Sở Tài chính"])
    assert roles(c, "II.2") == (["Công an tỉnh"], ["Sở Tư pháp"])
    assert roles(c, "II.3") == (["Sở Y tế"], ["Sở Ngoại vụ"])


def test_per_agency_markers(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Khảo sát thị trường.\nCơ quan thực hiện: Sở Tài chính (chủ trì); "
             "Sở Ngoại vụ, Sở Công Thương (phối hợp).\n")
    assert roles(c, "II.1") == (["Sở Tài chính"], ["Sở Công Thương", "Sở Ngoại vụ"])


def test_responsibility_without_split_is_all_lead(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Phát hành ấn phẩm song ngữ.\nTrách nhiệm thực hiện:\n"
             "Các cơ quan, đơn vị: Sở Tài chính, Trường Đại học Tây Bắc, Sở Công Thương.\n")
    assert roles(c, "II.1") == (["Sở Công Thương", "Sở Tài chính", "Trường Đại học Tây Bắc"], [])


def test_department_units_act_for_the_department(tmp_path):
    c = load(tmp_path, "UBND TỈNH YÊN BÁI\nSỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH\nSố: 9/KH-SVHTTDL\n"
                       "Yên Bái, ngày 02 tháng 3 năm 2024\nKẾ HOẠCH\nThông tin đối ngoại năm 2024\n"
                       "I. NHIỆM VỤ\n1. Giao Phòng Quản lý du lịch chủ trì, phối hợp với Văn phòng Sở làm video.\n"
                       "2. Phối hợp với Sở Ngoại vụ (đơn vị chủ trì) đón đoàn phóng viên.\n")
    issuer = "Sở Văn hóa, Thể thao và Du lịch"
    assert roles(c, "I.1") == ([f"Phòng Quản lý du lịch {issuer}"], [f"Văn phòng {issuer}"])
    assert roles(c, "I.2") == (["Sở Ngoại vụ"], [issuer])


def test_what_is_not_an_assignment(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Đề nghị Ban Tuyên giáo Tỉnh ủy chỉ đạo các cơ quan báo chí "
             "tuyên truyền; mời phóng viên Thông tấn xã Việt Nam tham dự.\n"
             "2. Phát lại các chương trình của Đài Tiếng nói Việt Nam trên sóng Đài Phát thanh và Truyền hình tỉnh "
             "(Đài Phát thanh và Truyền hình tỉnh thực hiện; thời gian: theo đề nghị của Bộ Ngoại giao).\n"
             "3. Cử cán bộ dự lớp bồi dưỡng do Bộ Văn hóa, Thể thao và Du lịch tổ chức.\n"
             "4. Các cơ quan, đơn vị gửi báo cáo kết quả về Sở Ngoại vụ trước ngày 10/11.\n"
             "Nơi nhận:\n- Sở Ngoại vụ (để phối hợp);\n- Lưu: VT.\n")
    assert roles(c, "II.1") == (["Ban Tuyên giáo Tỉnh ủy"], [])
    assert roles(c, "II.2") == (["Đài Phát thanh và Truyền hình tỉnh"], [])
    assert roles(c, "II.3") == ([], [])
    assert "Sở Ngoại vụ" not in set(c.assignments.agency)
    assert c.tasks.set_index("path").loc["II.2", "timeframe"] == "theo đề nghị của Bộ Ngoại giao"


# ------------------------------------------------------------------------------------------------- agency names

def test_lists_collectives_and_names_with_commas_inside(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Quảng bá.\n- Cơ quan chủ trì: Sở Văn hóa, Thể thao và Du lịch, "
             "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh và Báo và Phát thanh, Truyền hình tỉnh.\n"
             "- Cơ quan phối hợp: UBND các huyện, thị xã, thành phố; các sở, ban, ngành, đoàn thể tỉnh.\n")
    assert roles(c, "II.1") == (["Báo và Phát thanh, Truyền hình tỉnh", "Sở Văn hóa, Thể thao và Du lịch",
                                 "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch tỉnh"],
                                ["Các sở, ban, ngành", "UBND cấp huyện"])


def test_named_districts_and_towns_named_like_the_province(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Tuyên truyền về biên giới cho đồng bào.\n"
             "- Cơ quan chủ trì: Bộ Chỉ huy Bộ đội Biên phòng tỉnh.\n"
             "- Cơ quan phối hợp: UBND các huyện Lục Yên, Văn Yên và Mù Cang Chải; UBND thành phố Yên Bái.\n")
    _lead, support = roles(c, "II.1")
    assert support == ["UBND các huyện biên giới", "Ủy ban nhân dân thành phố Yên Bái"]
    raw = set(c.assignments.agency_raw)
    assert "UBND các huyện Lục Yên, Văn Yên và Mù Cang Chải" in raw


def test_abbreviations_post_2025_names_and_city_bodies(tmp_path):
    city = HEADER.replace("TỈNH YÊN BÁI", "THÀNH PHỐ HUẾ").replace("Yên Bái, ngày", "Huế, ngày")
    c = load(tmp_path, city + "II. NHIỆM VỤ\n1. Tuyên truyền.\n- Cơ quan chủ trì: Sở VHTTDL; BCH BĐBP thành phố.\n"
             "- Cơ quan phối hợp: Công an thành phố; Ban Tuyên giáo và Dân vận Thành ủy; Sở Dân tộc và Tôn giáo; "
             "UBND các xã, phường; UBMTTQVN thành phố.\n")
    assert roles(c, "II.1") == (["Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Sở Văn hóa, Thể thao và Du lịch"],
                                ["Ban Tuyên giáo và Dân vận Tỉnh ủy", "Công an tỉnh", "Sở Dân tộc và Tôn giáo",
                                 "UBND cấp xã", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"])


def test_unknown_institutions_are_kept_and_reported(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Hội thảo khoa học.\n- Cơ quan chủ trì: Trường Đại học Nông Lâm.\n"
             "- Cơ quan phối hợp: Bộ Tư lệnh Vùng 3 Hải quân, Hiệp hội Chè Yên Bái, Ban Quản lý Khu du lịch hồ "
             "Thác Bà.\n")
    assert roles(c, "II.1") == (["Trường Đại học Nông Lâm"],
                                ["Ban Quản lý Khu du lịch hồ Thác Bà", "Bộ Tư lệnh Vùng 3 Hải quân",
                                 "Hiệp hội Chè tỉnh"])
    unknown = c.problems[c.problems.kind == "unknown_agency"]
    assert len(unknown) == 4 and unknown.message.str.contains("Trường Đại học Nông Lâm").any()


# ----------------------------------------------------------------------------------------------- nothing silent

def test_no_lead_and_unparsed_assignment(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Cử cán bộ dự tập huấn do Bộ Ngoại giao tổ chức.\n"
             "2. Tổ chức hội nghị.\n- Cơ quan chủ trì: theo phân công của lãnh đạo tỉnh.\n")
    no_lead = c.problems[c.problems.kind == "no_lead"]
    assert sorted(no_lead.line) == [11, 12]  # every task without a lead, on its own line
    assert "unparsed_assignment" in kinds(c)


def test_unread_tables_and_task_like_text_after_the_signature(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Tập huấn (Sở Ngoại vụ thực hiện).\n"
             "STT | Việc | Người làm | Khi nào\n1 | Làm phim | Sở Văn hóa, Thể thao và Du lịch | Quý I\n"
             "2 | Hội thảo | Sở Ngoại vụ | Quý II\nNơi nhận:\n- Lưu: VT.\nKT. CHỦ TỊCH\nLê Minh\n"
             "3. Xuất bản sách ảnh.\n- Cơ quan chủ trì: Sở Văn hóa, Thể thao và Du lịch.\n")
    unread = c.problems[c.problems.kind == "unread_table"]
    assert len(unread) == 2
    assert unread.message.str.contains("after the signature").any()


def test_tasks_hit_by_a_numbering_gap_are_flagged(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n1. Tập huấn (Sở Ngoại vụ thực hiện).\n- Sở Tư pháp phối hợp biên soạn.\n"
             "4. Hội thảo (Sở Nội vụ thực hiện).\n")
    flagged = c.tasks.set_index("path").numbering_gap
    assert bool(flagged["II.1"]) and not bool(flagged["II.4"])
    assert c.assignments[c.assignments.path == "II.1"].numbering_gap.astype(bool).all()


def test_group_rows_written_as_letters_or_in_the_number_cell(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n| TT | Nội dung | Chủ trì | Phối hợp | Thời gian |\n|---|---|---|---|---|\n"
             "| A | Biên giới | | | |\n| 1 | Tuyên truyền pháp luật về biên giới | Công an tỉnh | | Quý I |\n"
             "| B. BIỂN, ĐẢO | | | | |\n| 2 | Tuyên truyền về biển, đảo | Sở Ngoại vụ | | Quý II |\n")
    assert list(c.tasks.path) == ["II.A.1", "II.B.2"]
    assert roles(c, "II.B.2") == (["Sở Ngoại vụ"], [])


def test_group_rows_with_placeholder_cells(tmp_path):
    """A group row whose agency and time cells hold only a dash is still a group row, not a task."""
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\nTT\tNội dung\tChủ trì\tPhối hợp\tThời gian\n"
             "I\tBiên giới\t-\t-\t—\n1\tTuyên truyền pháp luật về biên giới\tCông an tỉnh\t\tQuý I\n"
             "II\tBiển, đảo\t–\t\t-\n2\tTuyên truyền về biển, đảo\tSở Ngoại vụ\t\tQuý II\n")
    assert list(c.tasks.path) == ["II.I.1", "II.II.2"]


def test_a_tab_table_that_kept_its_border_bars(tmp_path):
    """Rows copied with tabs between the cells but the table's border bars at both ends ("| 1<TAB>…<TAB>… |")."""
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n| TT\tNội dung\tChủ trì\tPhối hợp\tThời gian |\n"
             "| I\t**Biên giới**\t|\t|\n| 1\tTuyên truyền pháp luật về biên giới\tCông an tỉnh\tSở Tư pháp\tQuý I |\n"
             "| II\t**Biển, đảo**\t|\t|\n| 2\tTuyên truyền về biển, đảo\tSở Ngoại vụ\t\tQuý II |\n")
    assert list(c.tasks.path) == ["II.I.1", "II.II.2"]
    assert roles(c, "II.I.1") == (["Công an tỉnh"], ["Sở Tư pháp"])


# ------------------------------------------------------------- issue 22: tables of the genre (conventions 20, 28, 29)

HTML_PLAN = ("<html><body><nav>Trang chủ | Biên giới - Biển đảo</nav><article>"
             "<p>ỦY BAN NHÂN DÂN</p><p>TỈNH YÊN BÁI</p><p>Số: 31/KH-UBND</p><p>Yên Bái, ngày 12 tháng 02 năm 2024</p>"
             "<p>KẾ HOẠCH</p><p>Thông tin đối ngoại năm 2024</p><p>II. NHIỆM VỤ</p><table>"
             "<tr><th>TT</th><th>Nội dung</th><th>Đơn vị thực hiện</th><th>Thời hạn</th><th>Sản phẩm</th></tr>"
             "<tr><td>1</td><td colspan='4'>Quảng bá du lịch</td></tr>"
             "<tr><td>1.1</td><td>Làm phim quảng bá</td><td rowspan='2'>Sở Tư pháp (chủ trì); Sở Nội vụ, Công an "
             "tỉnh (phối hợp)</td><td>Quý II</td><td>Phim gửi Sở Ngoại vụ</td></tr>"
             "<tr><td>1.2</td><td>Dịch tài liệu</td><td>Quý III</td><td>Tài liệu</td></tr>"
             "<tr><td>2</td><td colspan='4'>Hợp tác quốc tế</td></tr>"
             "<tr><td>2.1</td><td>Đón đoàn khách</td><td>Sở Ngoại vụ; Công an tỉnh</td><td>Cả năm</td><td></td></tr>"
             "</table><p>III. TỔ CHỨC THỰC HIỆN</p><p>1. Sở Ngoại vụ theo dõi, đôn đốc.</p></article></body></html>")


def test_html_table_with_rowspan_colspan_group_rows_and_a_product_column(tmp_path):
    c = load(tmp_path, HTML_PLAN, "plan.html")
    tasks = c.tasks[c.tasks.section == "tasks"]
    assert list(tasks.path) == ["II.1.1", "II.1.2", "II.2.1"]  # group rows "1", "2" are headings
    # the rowspan cell is each spanned row's; the product column names no agency
    assert roles(c, "II.1.1") == (["Sở Tư pháp"], ["Công an tỉnh", "Sở Nội vụ"])
    assert roles(c, "II.1.2") == (["Sở Tư pháp"], ["Công an tỉnh", "Sở Nội vụ"])
    assert roles(c, "II.2.1") == (["Công an tỉnh", "Sở Ngoại vụ"], [])  # no marker: all lead
    assert tasks.set_index("path").timeframe.to_dict() == {"II.1.1": "Quý II", "II.1.2": "Quý III",
                                                           "II.2.1": "Cả năm"}


def test_table_grid_carries_rowspans_past_the_rows_own_cells():
    from bs4 import BeautifulSoup

    from ttdn_analysis.ingest.html import table_grid
    t = BeautifulSoup("<table><tr><td>1</td><td>A</td><td rowspan='3'>Sở Y tế</td></tr><tr><td>2</td><td>B</td>"
                      "</tr><tr><td>3</td></tr></table>", "html.parser")
    assert table_grid(t.find_all("tr")) == [["1", "A", "Sở Y tế"], ["2", "B", "Sở Y tế"], ["3", "", "Sở Y tế"]]


@pytest.mark.parametrize("cell, lead, support", [
    ("Sở Tư pháp (chủ trì), Sở Nội vụ", ["Sở Tư pháp"], ["Sở Nội vụ"]),
    ("Sở Nội vụ; Sở Tư pháp (chủ trì)", ["Sở Tư pháp"], ["Sở Nội vụ"]),
    ("Sở Tư pháp, Sở Y tế (chủ trì); Sở Nội vụ (phối hợp)", ["Sở Tư pháp", "Sở Y tế"], ["Sở Nội vụ"]),
    ("Sở Y tế (đơn vị chủ trì); Sở Nội vụ, Sở Tư pháp", ["Sở Y tế"], ["Sở Nội vụ", "Sở Tư pháp"]),
    ("Sở Y tế; Sở Tư pháp", ["Sở Tư pháp", "Sở Y tế"], []),
])
def test_one_column_of_executors_with_markers_per_group(tmp_path, cell, lead, support):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n| STT | Hoạt động | Đơn vị thực hiện | Thời gian |\n|---|---|---|---|\n"
             f"| 1 | Tổ chức hội thảo | {cell} | Quý I |\n")
    assert roles(c, "II.1") == (lead, support)


@pytest.mark.parametrize("lead_head, support_head", [
    ("Cơ quan tham mưu", "Đơn vị tham gia"), ("Đơn vị chủ trì", "Đơn vị phối hợp"), ("Trách nhiệm", "Phối hợp"),
])
def test_table_headers_are_read_with_the_role_cues(tmp_path, lead_head, support_head):
    c = load(tmp_path, HEADER + f"II. NHIỆM VỤ\nTT\tNội dung công việc\t{lead_head}\t{support_head}\tKết quả\n"
             "1\tTập huấn\tSở Ngoại vụ\tCông an tỉnh\tBáo cáo gửi Sở Tư pháp\n")
    assert roles(c, "II.1") == (["Sở Ngoại vụ"], ["Công an tỉnh"])


def test_numbered_group_rows_in_a_markdown_table(tmp_path):
    c = load(tmp_path, HEADER + "II. NHIỆM VỤ\n| TT | Nội dung | Chủ trì | Phối hợp | Thời gian |\n|---|---|---|---|---|\n"
             "| 1 | **Biên giới** | | | |\n| 1.1 | Tuyên truyền | Sở Ngoại vụ | Công an tỉnh | Quý I |\n"
             "| 1.2 | Hội nghị | Sở Tư pháp | | Quý II |\n| 2 | Hội thảo | | | |\n"
             "| 2.1 | Hội thảo quốc tế | Sở Y tế | | Quý III |\n")
    assert list(c.tasks.path) == ["II.1.1", "II.1.2", "II.2.1"]
    assert c.tasks.set_index("path").loc["II.1.1", "text"].startswith("1.1. Tuyên truyền")  # printed number kept


# ------------------------------------------------------------------ issue 22: assignment by cross-reference (21)

XREF_BODY = ("I. MỤC ĐÍCH\n1. Nâng cao hiệu quả.\nII. NHIỆM VỤ\n1. Hoàn thiện quy chế phối hợp.\n"
             "2. Thông tin về biên giới\na) Tuyên truyền Hiệp định biên giới.\nb) Giao lưu hữu nghị.\n"
             "3. Quảng bá du lịch tỉnh.\n4. Bồi dưỡng cán bộ.\nIII. TỔ CHỨC THỰC HIỆN\n")


@pytest.mark.parametrize("implementation, expected", [
    ("1. Sở Ngoại vụ chủ trì thực hiện các nhiệm vụ tại mục 1, 2 và 3 Phần II.\n"
     "2. Công an tỉnh phối hợp thực hiện điểm b mục 2 Phần II.\n",
     {"II.1": (["Sở Ngoại vụ"], []), "II.2.a": (["Sở Ngoại vụ"], []),
      "II.2.b": (["Sở Ngoại vụ"], ["Công an tỉnh"]), "II.3": (["Sở Ngoại vụ"], []), "II.4": ([], [])}),
    ("1. Sở Tư pháp chủ trì thực hiện nhiệm vụ tại mục 3; phối hợp với Sở Ngoại vụ thực hiện điểm a mục 2.\n"
     "2. Sở Ngoại vụ chủ trì thực hiện điểm a, b mục 2 Phần II.\n",
     {"II.2.a": (["Sở Ngoại vụ"], ["Sở Tư pháp"]), "II.2.b": (["Sở Ngoại vụ"], []), "II.3": (["Sở Tư pháp"], [])}),
    ("1. Đề nghị Tỉnh đoàn chủ trì, phối hợp với Sở Nội vụ thực hiện mục 4 Phần II.\n",
     {"II.4": (["Tỉnh đoàn"], ["Sở Nội vụ"])}),
])
def test_tasks_assigned_by_cross_reference(tmp_path, implementation, expected):
    c = load(tmp_path, HEADER + XREF_BODY + implementation)
    for path, want in expected.items():
        assert roles(c, path) == want, path
    # an item that only refers is not a task
    assert not c.tasks.path.str.startswith("III").any()
    assert "unresolved_reference" not in kinds(c)
    # a task that a reference gives a lead has no no_lead row; the others keep theirs
    led = set(c.assignments[c.assignments.role == "lead"].path)
    no_lead = c.problems[c.problems.kind == "no_lead"]
    assert sorted(no_lead.line.astype(int)) == sorted(c.tasks[~c.tasks.path.isin(led)].line_start.astype(int))


def test_a_referring_item_with_duties_of_its_own_is_a_task_of_those_duties(tmp_path):
    c = load(tmp_path, HEADER + XREF_BODY + "1. Sở Ngoại vụ phối hợp với Sở Tư pháp thực hiện mục 1 Phần II; "
             "chủ trì quản lý phóng viên nước ngoài đến tác nghiệp tại tỉnh.\n")
    assert roles(c, "II.1") == ([], ["Sở Ngoại vụ"])
    assert roles(c, "III.1") == (["Sở Ngoại vụ"], [])  # its reference gives it no partner (Sở Tư pháp)
    task = c.tasks.set_index("path").loc["III.1"]
    assert "mục 1 Phần II" in task.text  # shown as printed


def test_a_reference_to_nothing_is_a_problem_on_its_line(tmp_path):
    c = load(tmp_path, HEADER + XREF_BODY + "1. Sở Ngoại vụ chủ trì thực hiện các nhiệm vụ tại mục 3, mục 7 Phần II.\n")
    assert roles(c, "II.3") == (["Sở Ngoại vụ"], [])
    bad = c.problems[c.problems.kind == "unresolved_reference"]
    assert len(bad) == 1 and "II.7" in bad.iloc[0].message
    assert int(bad.iloc[0].line) == HEADER.count("\n") + XREF_BODY.count("\n") + 1


# ------------------------------------------------------- issue 22: department and commune plans (17, 23, 31, 36)

DEPT_HEADER = ("UBND TỈNH YÊN BÁI\nSỞ Y TẾ\nSố: 12/KH-SYT\nYên Bái, ngày 02 tháng 3 năm 2024\nKẾ HOẠCH\n"
               "Thông tin đối ngoại năm 2024 của Sở Y tế\nII. NHIỆM VỤ\n")


def test_a_department_plan_of_any_department(tmp_path):
    c = load(tmp_path, DEPT_HEADER + "| TT | Nội dung | Đơn vị thực hiện | Thời gian |\n|---|---|---|---|\n"
             "| 1 | Hội thảo y học | Trung tâm Kiểm soát bệnh tật (chủ trì); Phòng Nghiệp vụ Y, Dược | Quý I |\n"
             "| 2 | Giới thiệu bệnh viện | Sở Ngoại vụ (chủ trì); Bảo tàng tỉnh | Quý II |\n"
             "| 3 | Đón chuyên gia | Văn phòng Sở; Phòng Tổ chức, Cán bộ (chủ trì) | Quý III |\n"
             "III. TỔ CHỨC THỰC HIỆN\n1. Các phòng chuyên môn, đơn vị sự nghiệp thuộc Sở triển khai thực hiện.\n")
    issuer = "Sở Y tế"
    assert c.plans.iloc[0].level == "department"
    # a public-service unit named without its province is the province's; units are named with the department;
    # a unit's name keeps its comma ("Phòng Nghiệp vụ Y, Dược")
    assert roles(c, "II.1") == (["Trung tâm Kiểm soát bệnh tật tỉnh"], [f"Phòng Nghiệp vụ Y, Dược {issuer}"])
    assert roles(c, "II.2") == (["Sở Ngoại vụ"], ["Bảo tàng tỉnh"])  # the unit stands in, the department not added
    assert roles(c, "II.3") == ([f"Phòng Tổ chức, Cán bộ {issuer}"], [f"Văn phòng {issuer}"])
    assert roles(c, "III.1") == ([issuer], [])
    a = c.assignments.set_index("agency")
    assert a.loc["Trung tâm Kiểm soát bệnh tật tỉnh", "agency_raw"] == "Trung tâm Kiểm soát bệnh tật"


COMMUNE_HEADER = ("ỦY BAN NHÂN DÂN\nPHƯỜNG TÂN AN\nSố: 5/KH-UBND\nTân An, ngày 10 tháng 02 năm 2026\nKẾ HOẠCH\n"
                  "Thông tin đối ngoại trên địa bàn phường năm 2026\n"
                  "Căn cứ Kế hoạch số 14/KH-UBND của Ủy ban nhân dân tỉnh Lào Cai;\nII. NHIỆM VỤ\n")


def test_a_commune_plan_names_its_own_units_with_the_tier_word(tmp_path):
    c = load(tmp_path, COMMUNE_HEADER
             + "1. Phòng Kinh tế, Hạ tầng và Đô thị chủ trì, phối hợp với Công an phường, Đồn Biên phòng Tân An "
               "tuyên truyền cho Nhân dân.\n"
             + "2. Thông tin trên trang điện tử\nVăn phòng HĐND và UBND phường cập nhật tin, bài bằng tiếng Anh.\n"
             + "3. Trạm Y tế phường Tân An chủ trì, phối hợp với Ủy ban Mặt trận Tổ quốc Việt Nam phường khám "
               "bệnh cho người lao động nước ngoài.\n")
    p = c.plans.iloc[0]
    assert p.level == "commune"
    assert roles(c, "II.1") == (["Phòng Kinh tế, Hạ tầng và Đô thị phường"],
                                ["Công an phường", "Đồn Biên phòng Tân An"])  # an outside body keeps its place
    assert roles(c, "II.2") == (["Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường"], [])
    assert roles(c, "II.3") == (["Trạm Y tế phường"], ["Ủy ban Mặt trận Tổ quốc Việt Nam phường"])


# --------------------------------------------------------- issue 22: Party committee plans (conventions 15, 16)

PARTY_HEADER = ("ĐẢNG BỘ TỈNH YÊN BÁI\nBAN THƯỜNG VỤ TỈNH ỦY\nSố: 77-KH/TU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
                "Yên Bái, ngày 15 tháng 01 năm 2026\nKẾ HOẠCH\nthông tin đối ngoại năm 2026\nII. NHIỆM VỤ\n")


@pytest.mark.parametrize("sentence, lead, support", [
    ("Ban Tổ chức Tỉnh ủy chủ trì, tham mưu Ban Thường vụ Tỉnh ủy kiện toàn đội ngũ.",
     ["Ban Tổ chức Tỉnh ủy"], []),
    ("Văn phòng Tỉnh ủy chịu trách nhiệm bảo đảm kinh phí cho các hoạt động.", ["Văn phòng Tỉnh ủy"], []),
    ("Đảng ủy Quân sự tỉnh chủ trì, phối hợp chặt chẽ với Đảng ủy Công an tỉnh, Sở Ngoại vụ tuyên truyền.",
     ["Đảng ủy Quân sự tỉnh"], ["Sở Ngoại vụ", "Đảng ủy Công an tỉnh"]),
    ("Đảng ủy Công an tỉnh lãnh đạo, chỉ đạo Công an tỉnh nắm tình hình người nước ngoài.",
     ["Đảng ủy Công an tỉnh"], []),
    ("Đảng ủy Ủy ban Mặt trận Tổ quốc và các đoàn thể tỉnh lãnh đạo Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh vận "
     "động Nhân dân.", ["Đảng ủy Ủy ban Mặt trận Tổ quốc và các đoàn thể tỉnh"], []),
    ("Đảng ủy các xã, phường lãnh đạo chính quyền cơ sở tổ chức thực hiện.", ["Đảng ủy cấp xã"], []),
    ("Các ban, đảng ủy trực thuộc Tỉnh ủy xây dựng kế hoạch; phối hợp chặt chẽ với Văn phòng Tỉnh ủy.",
     ["Các ban, đảng ủy trực thuộc Tỉnh ủy"], ["Văn phòng Tỉnh ủy"]),
])
def test_party_bodies_and_party_role_sentences(tmp_path, sentence, lead, support):
    c = load(tmp_path, PARTY_HEADER + "1. Nhiệm vụ chung\n" + sentence + "\n")
    assert roles(c, "II.1") == (lead, sorted(support))
    assert "unknown_agency" not in kinds(c)


# ------------------------------------------------- issue 22: tolerant matching, with a confidence (conventions 18)

@pytest.mark.parametrize("printed, canonical", [
    ("SởNgoại vụ", "Sở Ngoại vụ"),                                                  # glued by the scan
    ("Ủy ban Mặt trận Tổ quốc Việt.Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),  # a speck as a dot
    ("Ủy ban Mặt trận Tổ quốc Việt Nam: tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),  # a speck as a colon
    ("So Tu phap", "Sở Tư pháp"),                                                    # diacritics lost
    ("Công an tinh", "Công an tỉnh"),
])
def test_names_read_through_ocr_and_typing_slips_are_kept_and_flagged(tmp_path, printed, canonical):
    c = load(tmp_path, HEADER + f"II. NHIỆM VỤ\n1. Tập huấn.\n- Cơ quan chủ trì: {printed}.\n"
             "- Cơ quan phối hợp: Sở Nội vụ.\n")
    a = c.assignments.set_index("agency")
    assert a.loc[canonical, "agency_raw"] == printed and a.loc[canonical, "role"] == "lead"
    assert a.loc[canonical, "confidence"] < 1 and a.loc["Sở Nội vụ", "confidence"] == 1
    flagged = c.problems[c.problems.kind == "uncertain_agency"]
    assert len(flagged) == 1 and printed in flagged.iloc[0].message
    assert "unknown_agency" not in kinds(c)


def test_word_tables_keep_their_grid_merged_cells_and_a_two_column_header(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    head = d.add_table(rows=1, cols=2)
    head.rows[0].cells[0].text = "UBND TỈNH YÊN BÁI\nSỞ Y TẾ\nSố: 12/KH-SYT"
    head.rows[0].cells[1].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n" \
                                 "Yên Bái, ngày 02 tháng 3 năm 2024"
    for text in ("KẾ HOẠCH", "Thông tin đối ngoại năm 2024", "II. NHIỆM VỤ"):
        d.add_paragraph(text)
    t = d.add_table(rows=5, cols=5)
    for i, h in enumerate(["TT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"]):
        t.rows[0].cells[i].text = h
    t.rows[1].cells[0].text = "1"
    t.rows[1].cells[1].merge(t.rows[1].cells[4]).text = "Biên giới"  # a group row across the columns
    for r, (num, what, when) in enumerate([("1.1", "Tập huấn", "Quý I"), ("1.2", "Hội thảo", "Quý II"),
                                           ("1.3", "Triển lãm", "Quý III")], start=2):
        t.rows[r].cells[0].text, t.rows[r].cells[1].text, t.rows[r].cells[4].text = num, what, when
    t.rows[2].cells[2].merge(t.rows[4].cells[2]).text = "Sở Ngoại vụ"  # one lead cell down three rows
    t.rows[3].cells[3].text = "Công an tỉnh"  # the row above has no partner: columns must not shift
    (tmp_path / "plan.docx").write_bytes(b"")
    d.save(str(tmp_path / "plan.docx"))
    c = load_corpus(tmp_path, cache=False)
    p = c.plans.iloc[0]
    assert (p.number, p.level) == ("12/KH-SYT", "department")  # the header read paragraph by paragraph
    assert list(c.tasks[c.tasks.section == "tasks"].path) == ["II.1.1", "II.1.2", "II.1.3"]
    assert roles(c, "II.1.1") == (["Sở Ngoại vụ"], [])
    assert roles(c, "II.1.2") == (["Sở Ngoại vụ"], ["Công an tỉnh"])
    assert roles(c, "II.1.3") == (["Sở Ngoại vụ"], [])
    assert c.tasks.set_index("path").loc["II.1.1", "timeframe"] == "Quý I"
