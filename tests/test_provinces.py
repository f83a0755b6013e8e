"""Tests for ttdn_analysis.provinces: the province table, name lookup, text matching and merged units."""
from __future__ import annotations

import pytest

from ttdn_analysis.registry.provinces import canonical_province, find_province, merged_province, provinces


def test_counts_before_and_after_merger():
    assert len(provinces()) == 87
    assert len(provinces("2024-06-01")) == 63
    assert len(provinces("2025-06-30")) == 63
    assert len(provinces("2025-07-01")) == 34
    assert len(provinces("2026-01-01")) == 34


def test_after_merger_six_cities_and_28_provinces():
    after = provinces("2025-07-01")
    assert after["name"].is_unique
    cities = set(after.loc[after["kind"] == "thành phố trực thuộc trung ương", "name"])
    assert cities == {"Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"}
    assert (after["kind"] == "tỉnh").sum() == 28


def test_before_merger_five_cities():
    before = provinces("2024-06-01")
    assert before["name"].is_unique
    assert (before["kind"] == "thành phố trực thuộc trung ương").sum() == 5
    assert "Thừa Thiên Huế" in set(before["name"]) and "Huế" not in set(before["name"])


def test_table_is_consistent():
    df = provinces()
    assert set(df["kind"]) == {"tỉnh", "thành phố trực thuộc trung ương"}
    pre = df[df["valid_from"] == "2008-08-01"]
    assert len(pre) == 63
    # 52 units merged on 2025-07-01, 10 continue unchanged, Thừa Thiên Huế became the city of Huế.
    assert (pre["valid_to"] == "2025-06-30").sum() == 52
    assert (pre["valid_to"] == "").sum() == 10
    new = df[df["valid_from"] == "2025-07-01"]
    assert len(new) == 23
    assert set(pre.loc[pre["merged_into"] != "", "merged_into"]) == set(new["name"]) | {"Huế"}
    assert df["source"].str.len().gt(0).all()


def test_returned_frame_is_a_copy():
    df = provinces("2024-06-01")
    df.loc[0, "name"] = "X"
    assert "X" not in set(provinces()["name"])


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Phú Yên", "Đắk Lắk"),
        ("Bình Phước", "Đồng Nai"),
        ("Bình Định", "Gia Lai"),
        ("Hà Giang", "Tuyên Quang"),
        ("Bình Dương", "Hồ Chí Minh"),
        ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh"),
        ("Hà Nam", "Ninh Bình"),
        ("Nam Định", "Ninh Bình"),
        ("Quảng Nam", "Đà Nẵng"),
        ("Hòa Bình", "Phú Thọ"),
        ("Kon Tum", "Quảng Ngãi"),
        ("Đắk Nông", "Lâm Đồng"),
        ("Hải Dương", "Hải Phòng"),
        ("Hậu Giang", "Cần Thơ"),
        ("Kiên Giang", "An Giang"),
        ("Đắk Lắk", "Đắk Lắk"),
        ("Nghệ An", "Nghệ An"),
        ("Thừa Thiên Huế", "Huế"),
    ],
)
def test_merged_province_after(old, new):
    assert merged_province(old, on="2026-01-01") == new
    assert merged_province(old) == new


def test_merged_province_before():
    assert merged_province("Phú Yên", on="2024-01-01") == "Phú Yên"
    assert merged_province("Phú Yên", on="2025-06-30") == "Phú Yên"
    assert merged_province("Tỉnh Phú Yên", on="2026-01-01") == "Đắk Lắk"
    assert merged_province("Huế", on="2024-01-01") == "Thừa Thiên Huế"
    assert merged_province("Thừa Thiên Huế", on="2025-03-01") == "Huế"


def test_merged_province_unknown():
    with pytest.raises(ValueError):
        merged_province("Atlantis")
    with pytest.raises(ValueError):
        merged_province("Phú Yên", on="not a date")


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Đắk Lắk", "Đắk Lắk"),
        ("Tỉnh Đắk Lắk", "Đắk Lắk"),
        ("TỈNH ĐẮK LẮK", "Đắk Lắk"),
        ("Dak Lak", "Đắk Lắk"),
        ("Đăk Lăk", "Đắk Lắk"),
        ("Đắc Lắc", "Đắk Lắk"),
        ("tinh dak lak", "Đắk Lắk"),
        ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP.HCM", "Hồ Chí Minh"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("Sài Gòn", "Hồ Chí Minh"),
        ("Ha Noi", "Hà Nội"),
        ("Thủ đô Hà Nội", "Hà Nội"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("KHÁNH HOÀ", "Khánh Hòa"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("Hoà Bình", "Hòa Bình"),
        ("Thừa Thiên Huế", "Thừa Thiên Huế"),
        ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
        ("Thua Thien Hue", "Thừa Thiên Huế"),
        ("Huế", "Huế"),
        ("Thành phố Huế", "Huế"),
        ("Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa-Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Ba Ria Vung Tau", "Bà Rịa - Vũng Tàu"),
        ("Bắc Cạn", "Bắc Kạn"),
        ("Tỉnh Phú Yên (cũ)", "Phú Yên"),
        ("U\u0309y", None),
        ("Nam", None),
        ("Atlantis", None),
        ("", None),
    ],
)
def test_canonical_province(raw, name):
    assert canonical_province(raw) == name


def test_canonical_province_decomposed_unicode():
    import unicodedata

    assert canonical_province(unicodedata.normalize("NFD", "Tỉnh Đắk Lắk")) == "Đắk Lắk"


def test_every_name_and_alias_round_trips():
    for name, aliases in zip(provinces()["name"], provinces()["aliases"]):
        assert canonical_province(name) == name
        for alias in filter(None, aliases.split("|")):
            assert canonical_province(alias) == name, alias


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Đắk Lắk, ngày 05 tháng 8 năm 2024", "Đắk Lắk"),
        ("UBND TỈNH ĐẮK LẮK", "Đắk Lắk"),
        ("Cơ quan ban hành | Tỉnh Đắk Lắk", "Đắk Lắk"),
        ("UỶ BAN NHÂN DÂN TỈNH KHÁNH HOÀ", "Khánh Hòa"),
        ("ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", "Khánh Hòa"),
        ("Uỷ ban nhân dân tỉnh Thanh Hoá", "Thanh Hóa"),
        ("UBND TỈNH HÀ NAM", "Hà Nam"),
        ("UBND TỈNH NAM ĐỊNH", "Nam Định"),
        ("UBND TỈNH QUẢNG NAM", "Quảng Nam"),
        ("Hợp tác với Việt Nam và Hàn Quốc", None),
        ("UBND tỉnh Thừa Thiên Huế", "Thừa Thiên Huế"),
        ("UBND thành phố Huế", "Huế"),
        ("Huế, ngày 10 tháng 3 năm 2025", "Huế"),
        ("UBND TỈNH BÀ RỊA - VŨNG TÀU", "Bà Rịa - Vũng Tàu"),
        ("TP. Hồ Chí Minh, ngày 3 tháng 1 năm 2024", "Hồ Chí Minh"),
        ("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", None),
        ("Chủ tịch Hồ Chí Minh; UBND tỉnh Gia Lai", "Gia Lai"),
        ("Phòng chống diễn biến hòa bình trên không gian mạng", None),
        ("UBND tỉnh Hòa Bình", "Hòa Bình"),
        ("Quảng bá biển đảo, Thái Bình Dương", None),
        ("Kỷ niệm chiến thắng Điện Biên Phủ; tỉnh Bình Phước", "Bình Phước"),
        ("Dak Lak province", "Đắk Lắk"),
        ("", None),
    ],
)
def test_find_province(text, name):
    assert find_province(text) == name


def test_find_province_first_in_text():
    assert find_province("Sở Ngoại vụ tỉnh Gia Lai phối hợp với tỉnh Bình Định") == "Gia Lai"
    assert find_province("tỉnh Bình Định và tỉnh Gia Lai") == "Bình Định"


def test_province_mentions_every_name_with_its_span():
    from ttdn_analysis.registry.provinces import province_mentions
    text = "Cục Hải quan Gia Lai - Kon Tum; tỉnh Khánh Hoà, vì hoà bình ở biển Thái Bình Dương; tỉnh Hòa Bình"
    found = province_mentions(text)
    assert [n for n, _, _ in found] == ["Gia Lai", "Kon Tum", "Khánh Hòa", "Hòa Bình"]
    assert all(text[s:e].lower().replace("oà", "òa") in (n.lower(), "hòa bình") for n, s, e in found)


def test_after_merger_and_province_end():
    from ttdn_analysis.registry.provinces import after_merger, province_end
    assert after_merger("Kon Tum") == "Quảng Ngãi" and after_merger("Bình Định") == "Gia Lai"
    assert after_merger("Đắk Lắk") == "Đắk Lắk" and after_merger(None) is None and after_merger("Atlantis") is None
    assert province_end("Kon Tum") == ("2025-06-30", "Quảng Ngãi")
    assert province_end("Phú Yên") == ("2025-06-30", "Đắk Lắk")
    assert province_end("Đắk Lắk") is None and province_end("Gia Lai") is None and province_end("Atlantis") is None
