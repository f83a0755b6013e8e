"""Outline, metadata and assignments on the seed plans (values checked by hand against the texts)."""
import pandas as pd
from conftest import plan_lines

from ttdn_analysis.parse.lines import prepare_lines
from ttdn_analysis.parse.outline import parse_outline, section_kind
from ttdn_analysis.parse.plan import non_task_lines, read_structure
from ttdn_analysis.parse.roles import field_of


def iso(date):
    """A plan's date as ISO text (None when missing), whatever its dtype."""
    return None if date is None or pd.isna(date) else str(date)[:10]


def roles(corpus, plan_id, path):
    a = corpus.assignments[(corpus.assignments.plan_id == plan_id) & (corpus.assignments.path == path)]
    return sorted(a[a.role == "lead"].agency), sorted(a[a.role == "support"].agency)


def task(corpus, plan_id, path):
    t = corpus.tasks[(corpus.tasks.plan_id == plan_id) & (corpus.tasks.path == path)]
    assert len(t) == 1, (plan_id, path)
    return t.iloc[0]


DN, DL25, DLSXD, GL, DL143 = ("dong-nai-2024-ubnd-ttdn", "dak-lak-2025-ubnd-ttdn", "dak-lak-2024-so-xay-dung-ttdn",
                              "gia-lai-2025-ubnd-ttdn", "dak-lak-2024-ubnd-143-kh-nq47")


def test_section_kinds():
    assert section_kind("III. PHÂN CÔNG NHIỆM VỤ") == "tasks"
    assert section_kind("I. MỤC TIÊU, YÊU CẦU") == "purpose"


def test_field_lines_in_their_variants():
    assert field_of("Đơn vị chủ trì: Sở Thông tin và Truyền thông.") == ("lead", "Sở Thông tin và Truyền thông.")
    assert field_of("- Cơ quan thực hiện: Sở Ngoại vụ") == ("lead", "Sở Ngoại vụ")
    assert field_of("+ Đơn vị thực hiện: Liên hiệp các tổ chức hữu nghị tỉnh")[0] == "lead"
    assert field_of("- Đơn vị phối hợp cung cấp thông tin: Công an tỉnh") == ("support", "Công an tỉnh")
    assert field_of("- Nội dung truyền thông: công tác lãnh đạo") is None


def test_letter_items_that_are_fields_do_not_make_tasks():
    o = parse_outline(prepare_lines(plan_lines("dak-lak-2025-ubnd-ttdn.txt")))
    paths = [t.path for t in o.tasks()]
    assert "II.4" in paths and not any(p.startswith("II.4.") for p in paths)


def test_dong_nai_metadata(corpus):
    p = corpus.plans.set_index("plan_id").loc[DN]
    assert (p.province, p.year, p.level, p.number, iso(p.date)) == ("Đồng Nai", 2024, "province", "262/KH-UBND",
                                                               "2023-11-08")


def test_blank_number_and_incomplete_date_are_none(corpus):
    p = corpus.plans.set_index("plan_id").loc[DL25]
    assert (p.province, p.year, p.number, iso(p.date)) == ("Đắk Lắk", 2025, None, None)


def test_department_plan_metadata(corpus):
    p = corpus.plans.set_index("plan_id").loc[DLSXD]
    assert (p.province, p.year, p.level, p.issuer) == ("Đắk Lắk", 2024, "department", "Sở Xây dựng")


def test_scraped_header_table(corpus):
    p = corpus.plans.set_index("plan_id").loc[DL143]
    assert (p.province, p.year, p.number, iso(p.date)) == ("Đắk Lắk", 2024, "143/KH-UBND", "2024-08-05")


def test_bullets_with_their_own_lead_are_tasks(corpus):
    assert roles(corpus, DN, "II.3.b.2") == (["Sở Ngoại vụ"], [])
    assert roles(corpus, DN, "II.3.b.3") == (["Sở Văn hóa, Thể thao và Du lịch"], [])
    assert task(corpus, DN, "II.3.b.3").line_start == 105
    assert task(corpus, DN, "II.3.b.3").timeframe == "01 số/quý"


def test_in_text_partner_and_province_names_dropped(corpus):
    assert roles(corpus, DN, "II.3.d") == (
        ["Báo tỉnh", "Sở Thông tin và Truyền thông", "Đài Phát thanh và Truyền hình tỉnh"],
        ["Bộ Thông tin và Truyền thông"])


def test_subjects_of_bullets_lead(corpus):
    assert roles(corpus, DN, "II.7") == (["Các cơ quan báo chí", "Các cơ quan hành chính nhà nước", "Công an tỉnh"], [])


def test_implementation_items(corpus):
    assert roles(corpus, DN, "IV.4") == (["Ban Tuyên giáo Tỉnh ủy"], [])
    assert task(corpus, DN, "IV.3").timeframe == "trước ngày 15/11/2024"
    # "Yêu cầu các đơn vị, địa phương được giao nhiệm vụ: 1. Căn cứ Kế hoạch này…" names no agency
    assert not (corpus.tasks.plan_id == DL25).loc[corpus.tasks.path.str.startswith("V.")].any()


def test_split_lead_field_with_activity_lines(corpus):
    assert roles(corpus, DL25, "II.7.e")[0] == ["Ban Quản lý các Khu công nghiệp tỉnh", "Sở Công Thương",
                                                "Sở Kế hoạch và Đầu tư"]


def test_agency_centric_blocks(corpus):
    assert roles(corpus, GL, "IV.11") == (["Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Bộ Chỉ huy Quân sự tỉnh"],
                                          ["Sở Thông tin và Truyền thông"])
    assert roles(corpus, GL, "IV.1") == (["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"], [])
    # a duty stated for others ("chỉ đạo các cơ quan … phối hợp với Sở …") is not the block's partner
    assert roles(corpus, GL, "IV.4") == (["Văn phòng Ủy ban nhân dân tỉnh"], [])


def test_department_plan_rule(corpus):
    assert roles(corpus, DLSXD, "II.4") == (["Sở Thông tin và Truyền thông"], ["Sở Xây dựng"])
    assert roles(corpus, DLSXD, "II.3") == (["Sở Xây dựng"], [])
    assert roles(corpus, DLSXD, "IV.2") == (["Văn phòng Sở Xây dựng"], ["Sở Xây dựng"])
    assert roles(corpus, DLSXD, "III") == (["Sở Xây dựng"], [])


def test_scraped_page_tasks_appear_once(corpus):
    t = corpus.tasks[corpus.tasks.plan_id == DL143]
    assert t.task_id.is_unique
    assert (t.line_start >= 69).all()  # nothing from the repeated block (lines 39-68)
    assert roles(corpus, DL143, "III.3")[0] == ["Sở Thông tin và Truyền thông"]


def test_zero_unknown_agencies_on_the_seeds(corpus):
    assert not (corpus.problems.kind == "unknown_agency").any()


def test_every_line_is_accounted_for(corpus, plans_dir):
    """Each non-blank line is in a task, in a known non-task part of the outline, or in problems."""
    from ttdn_analysis.ingest.read import read_plan
    for f in sorted(plans_dir.glob("*.*")):
        if f.name == "manifest.csv":
            continue
        lines, doc, o = read_structure(read_plan(f).lines)
        known = set()
        parts = non_task_lines(doc, o)
        paths = set(corpus.tasks[corpus.tasks.source_file == str(f)].path)
        for sec in o.sections:  # the heading of an item split into bullet tasks ("II.3.b" → "II.3.b.1")
            parts += [n.head for n in sec.walk() if n.head and any(p.startswith(n.path + ".") for p in paths)]
        for ln in parts:
            known.update(range(ln.start, ln.end + 1))
        for _, t in corpus.tasks[corpus.tasks.source_file == str(f)].iterrows():
            known.update(range(t.line_start, t.line_end + 1))
        reported = set(corpus.problems[corpus.problems.source_file == str(f)].line.dropna().astype(int))
        for ln in lines:  # a reported logical line covers its wrapped lines
            if ln.start in reported:
                known.update(range(ln.start, ln.end + 1))
        raw = f.read_text(encoding="utf-8").split("\n")
        missing = [i for i, ln in enumerate(raw, 1) if ln.strip().strip("|").strip() and i not in known]
        assert missing == [], (f.name, missing[:5])


def test_unplaced_lines_are_reported(corpus):
    p = corpus.problems[corpus.problems.kind == "unplaced_line"]
    assert sorted(p[p.source_file.str.contains(DL25)].line) == [316, 320]
    assert not p.source_file.str.contains(DN).any()


def test_lost_headings_are_reported(corpus):
    gaps = corpus.problems[(corpus.problems.kind == "numbering_gap") & corpus.problems.source_file.str.contains(DL143)]
    assert list(gaps.line) == [27, 70, 90, 106, 118, 135]  # 27: "II." with no "I." before it
    assert "item(s) 4–5" in gaps.message.iloc[3]
    assert not corpus.problems[corpus.problems.kind == "numbering_gap"].source_file.str.contains(DN).any()
    roman = corpus.problems[(corpus.problems.kind == "numbering_gap") & corpus.problems.source_file.str.contains(DL25)]
    assert list(roman.line) == [312] and "section(s) IV missing" in roman.message.iloc[0]
