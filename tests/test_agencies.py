import pytest

from ttdn_analysis.parse.agency_spans import resolve, scan_list


@pytest.mark.parametrize("raw, canonical", [
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("Sở TTTT", "Sở Thông tin và Truyền thông"),
    ("Mời Cục TTĐN – Bộ Thông tin và Truyền thông", "Cục Thông tin đối ngoại"),
    ("Công an tỉnh- Cơ quan Thường trực Ban Chỉ đạo Nhân quyền tỉnh", "Công an tỉnh"),
    ("Tạp chí Chư Yang Sin (Hội Văn học Nghệ thuật tỉnh)", "Tạp chí Chư Yang Sin"),
    ("Uỷ ban Mặt trận Tổ quốc Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
    ("Báo Đồng Nai", "Báo tỉnh"),
    ("Báo Gia Lai", "Báo tỉnh"),
    ("Đài Phát thanh - Truyền hình Gia Lai", "Đài Phát thanh và Truyền hình tỉnh"),
    ("Đài PT-TH tỉnh", "Đài Phát thanh và Truyền hình tỉnh"),
    ("Hội Nhà báo tỉnh Đắk Lắk", "Hội Nhà báo tỉnh"),
    ("Cục Hải quan Gia Lai - Kon Tum", "Cục Hải quan"),
    ("Nhà Xuất bản Đồng Nai", "Nhà xuất bản tỉnh"),
    ("Ban Dân tộc", "Ban Dân tộc tỉnh"),
    ("Liên hiệp các tổ chức hữu nghị tỉnh Đồng Nai", "Liên hiệp các tổ chức hữu nghị tỉnh"),
    ("Sở Văn hóa Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
    ("BCH BĐBP tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"),
    ("Bộ Chỉ huy Bộ đội biên phòng tỉnh Gia Lai", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"),
    ("Trung tâm Công nghệ và Công thông tin điện tử tỉnh", "Trung tâm Công nghệ và Cổng thông tin điện tử tỉnh"),
])
def test_resolve(raw, canonical):
    ag = resolve(raw)
    assert ag is not None and ag.canonical == canonical


def test_unknown_is_not_guessed():
    assert resolve("Phòng Văn hóa huyện Krông Búk") is None


def names(text, context="field", issuer=None):
    return [h.agency.canonical for h in scan_list(text, context, issuer)]


def test_commas_inside_names_and_collectives():
    assert names("Ban Tuyên giáo Tỉnh ủy; Sở Văn hóa, Thể thao và Du lịch, Sở Kế hoạch và Đầu tư; Sở Công Thương; "
                 "các sở, ban, ngành liên quan và UBND các huyện, thị xã, thành phố.") == [
        "Ban Tuyên giáo Tỉnh ủy", "Sở Văn hóa, Thể thao và Du lịch", "Sở Kế hoạch và Đầu tư", "Sở Công Thương",
        "Các sở, ban, ngành", "UBND cấp huyện"]


def test_border_districts_named_in_text_are_one_collective():
    hits = scan_list("Các cơ quan, đơn vị liên quan; các cơ quan thông tấn báo chí hoạt động trên địa bàn tỉnh; "
                     "Ủy ban nhân dân các huyện biên giới: Đức Cơ, Chư Prông và Ia Grai.")
    assert [h.agency.canonical for h in hits] == ["Các sở, ban, ngành", "Các cơ quan báo chí",
                                                  "UBND các huyện biên giới"]
    assert hits[-1].raw.endswith("Đức Cơ, Chư Prông và Ia Grai")
    assert hits[-1].agency.is_collective


def test_running_text_skips_vague_groups_and_stops_at_the_verb():
    assert names("Ban Tuyên giáo Tỉnh ủy và các cơ quan có liên quan để chỉ đạo, hướng dẫn", "text") == \
        ["Ban Tuyên giáo Tỉnh ủy"]
    assert names("các cơ quan, đơn vị liên quan xây dựng Kế hoạch", "text") == []
    assert names("các đơn vị thuộc Bộ Thông tin và Truyền thông nghiên cứu", "text") == \
        ["Bộ Thông tin và Truyền thông"]


def test_department_units():
    assert names("Văn phòng Sở", "text", issuer="Sở Xây dựng") == ["Văn phòng Sở Xây dựng"]
    assert names("các phòng đơn vị thuộc Sở", "text", issuer="Sở Xây dựng") == ["Sở Xây dựng"]
    assert names("Văn phòng Sở", "text") == []


def test_unknown_in_a_field_is_reported_not_dropped():
    hits = scan_list("Sở Ngoại vụ; Phòng Thí nghiệm Hư cấu")
    assert [h.agency.known for h in hits] == [True, False]
    assert hits[1].raw == "Phòng Thí nghiệm Hư cấu"


def test_registry_files_are_consistent():
    from ttdn_analysis.registry.agencies import aliases, registry
    reg = registry()
    assert reg.canonical.is_unique
    assert set(reg.type) <= {"state_department", "state_government", "party", "central_agency",
                             "armed_forces_police", "media", "mass_organisation", "collective"}
    missing = set(aliases().canonical) - set(reg.canonical)
    assert missing == set(), missing
    from importlib import resources

    import pandas as pd
    lineage = pd.read_csv(resources.files("ttdn_analysis.registry").joinpath("data", "lineage.csv"))
    assert set(lineage.old) - set(reg.canonical) == set()


def test_exact_names_are_certain_and_slips_are_not():
    from ttdn_analysis.parse.agency_spans import scan
    hits = scan("Sở Tư pháp; SởTư pháp; So Tu phap; Sở Tư phap").hits
    assert [h.agency.canonical for h in hits] == ["Sở Tư pháp"] * 4
    assert [h.confidence for h in hits] == [1.0, 0.9, 0.8, 0.8]
    assert [h.raw for h in hits] == ["Sở Tư pháp", "SởTư pháp", "So Tu phap", "Sở Tư phap"]


def test_a_folded_match_never_replaces_a_longer_exact_name():
    from ttdn_analysis.parse.agency_spans import scan
    # "Công an tỉnh" inside "Đảng ủy Công an tỉnh" stays the party committee; a city's body is not folded away
    assert [h.agency.canonical for h in scan("Đảng ủy Công an tỉnh, Công an thành phố Lào Cai").hits] == [
        "Đảng ủy Công an tỉnh", "Công an thành phố Lào Cai"]


def test_the_seeds_have_no_uncertain_match(corpus):
    assert (corpus.assignments.confidence == 1).all()
    assert "uncertain_agency" not in set(corpus.problems.kind)


def test_every_registry_row_carries_its_source():
    from ttdn_analysis.registry import read_rows
    rows = read_rows("agencies.csv")
    assert rows and not [r["canonical"] for r in rows if not r["source"].strip()]
    # a source that cites a plan of the project cites a file that is there
    from pathlib import Path
    plans = Path(__file__).resolve().parents[1] / "data" / "plans"
    import re
    cited = {m for r in rows for m in re.findall(r"data/plans/([\w.-]+)", r["source"])}
    assert cited and all((plans / name).is_file() for name in cited)
