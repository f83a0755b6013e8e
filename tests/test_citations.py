"""Tests for ttdn_analysis.citations: real citation spellings of the seed plans, tables and the citation graph."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ttdn_analysis.analysis.instruments import (
    PLAN_INSTRUMENT_COLUMNS,
    citation_graph,
    instrument_table,
    instruments_by_plan,
    task_of_lines,
)
from ttdn_analysis.parse.citations import (
    CITATION_COLUMNS,
    KINDS,
    citations_from_lines,
    find_citations,
    issuer_of,
    load_issuers,
)
from ttdn_analysis.parse.lines import prepare_lines

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "data" / "plans"
SEEDS = sorted(p for p in PLANS.iterdir() if p.suffix in (".txt", ".md"))


def physical(path: Path) -> list[tuple[int, str]]:
    return list(enumerate(path.read_text(encoding="utf-8").split("\n"), 1))


@pytest.fixture(scope="module")
def seed_citations() -> pd.DataFrame:
    return pd.concat([citations_from_lines(p.stem, physical(p)) for p in SEEDS], ignore_index=True)


def one(text: str) -> dict:
    found = find_citations(text)
    assert len(found) == 1, found
    return found[0]


def test_five_seeds():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_every_seed_cites_conclusion_57(path):
    df = citations_from_lines(path.stem, physical(path))
    assert "57-KL/TW" in set(df["ref"])
    assert set(df.loc[df["ref"] == "57-KL/TW", "kind"]) == {"Kết luận"}


def test_corpus_finds_the_national_instruments(seed_citations):
    refs = set(seed_citations["ref"])
    for ref in ("72/2015/NĐ-CP", "22/2016/TT-BTTTT", "1079/QĐ-TTg", "1191/QĐ-TTg", "47/NQ-CP"):
        assert ref in refs, ref


def test_table_columns_and_kinds(seed_citations):
    assert list(seed_citations.columns) == list(CITATION_COLUMNS)
    assert set(seed_citations["kind"]) <= set(KINDS)
    assert seed_citations["task_id"].isna().all()  # no task map given
    assert len(seed_citations) >= 100


def test_raw_is_the_printed_span():
    text = "Thực hiện Nghị quyết số 47/NQ-CP ngày 15/4/2024 và Kết luận số 57- KL/TW ngày 15/6/2023 của Bộ Chính trị"
    for c in find_citations(text):
        assert text[c["start"]:c["end"]] == c["raw"]
    assert [c["raw"] for c in find_citations(text)] == ["Nghị quyết số 47/NQ-CP", "Kết luận số 57- KL/TW"]


# --- the tricky spellings of the seeds ------------------------------------------------------------------------

def test_space_after_hyphen():  # dak-lak-2024-ubnd-143-kh-nq47.txt:16, dak-lak-2025-ubnd-ttdn.txt:28
    c = one("nhất là Kết luận số 57- KL/TW ngày 15/6/2023 của Bộ Chính trị về tiếp tục nâng cao")
    assert (c["kind"], c["ref"], c["date"], c["issuer"], c["issuer_level"]) == (
        "Kết luận", "57-KL/TW", "2023-06-15", "Bộ Chính trị / Trung ương Đảng", "central")


def test_comma_before_date():  # dak-lak-2024-ubnd-143-kh-nq47.txt:18
    c = one("về thực hiện Kết luận số 57-KL/TW, ngày 15/6/2023 của Bộ Chính trị")
    assert (c["ref"], c["date"]) == ("57-KL/TW", "2023-06-15")


def test_date_in_words():  # gia-lai-2025-ubnd-ttdn.txt:10
    c = one("Căn cứ Kết luận số 57-KL/TW ngày 15 tháng 6 năm 2023 của Bộ Chính trị về tiếp tục nâng cao")
    assert c["date"] == "2023-06-15"


def test_missing_hyphen_in_symbol():  # dak-lak-2025-ubnd-ttdn.txt:164
    c = one("theo Quyết định số 1657/QĐTTg ngày 30/12/2022 của Thủ tướng Chính phủ ban hành Chương trình hành động")
    assert (c["kind"], c["ref"], c["issuer"], c["date"]) == (
        "Quyết định", "1657/QĐ-TTg", "Thủ tướng Chính phủ", "2022-12-30")
    assert c["raw"] == "Quyết định số 1657/QĐTTg"


def test_ministry_letter():  # dak-lak-2025-ubnd-ttdn.txt:10
    c = one("Văn bản số 3837/BTTTT-TTĐN ngày 16/9/2024 của Bộ Thông tin và Truyền thông")
    assert (c["kind"], c["ref"], c["issuer"], c["issuer_level"], c["date"]) == (
        "Công văn/Văn bản", "3837/BTTTT-TTĐN", "Bộ Thông tin và Truyền thông", "central", "2024-09-16")
    c = one("Công văn số 993/TTĐN-NVĐP ngày 30/10/2024 về việc rà soát kế hoạch")  # gia-lai:20
    assert (c["kind"], c["ref"], c["issuer_level"]) == ("Công văn/Văn bản", "993/TTĐN-NVĐP", "central")


def test_circular_with_year():  # dak-lak-2025-ubnd-ttdn.txt:100
    c = one("Tiếp tục triển khai Thông tư số 06/2022/TT-BTTTT ngày 30/06/2022 của Bộ trưởng")
    assert (c["kind"], c["ref"], c["date"]) == ("Thông tư", "06/2022/TT-BTTTT", "2022-06-30")


def test_kind_word_without_so():  # dak-lak-2024-ubnd-143-kh-nq47.txt:1
    found = find_citations("Kế hoạch 143/KH-UBND năm 2024 triển khai Nghị quyết 47/NQ-CP về Chương trình hành động "
                           "của Chính phủ đến năm 2030 thực hiện Kết luận 57-KL/TW tiếp tục nâng cao")
    assert [(c["kind"], c["ref"], c["raw"]) for c in found] == [
        ("Kế hoạch", "143/KH-UBND", "Kế hoạch 143/KH-UBND"),
        ("Nghị quyết", "47/NQ-CP", "Nghị quyết 47/NQ-CP"),
        ("Kết luận", "57-KL/TW", "Kết luận 57-KL/TW"),
    ]
    assert [c["date"] for c in found] == [None, None, None]


@pytest.mark.parametrize("text, kind, ref", [
    ("thực hiện 1191/QĐ-TTg của Thủ tướng", "Quyết định", "1191/QĐ-TTg"),
    ("1191/QĐ-TTg ngày 05/8/2020 của Thủ tướng Chính phủ phê duyệt", "Quyết định", "1191/QĐ-TTg"),
    ("theo 72/2015/NĐ-CP", "Nghị định", "72/2015/NĐ-CP"),
    ("bám sát 57-KL/TW", "Kết luận", "57-KL/TW"),
    ("thực hiện 47/NQ-CP", "Nghị quyết", "47/NQ-CP"),
    ("theo 22/2016/TT-BTTTT", "Thông tư", "22/2016/TT-BTTTT"),
    ("hoạch số 137/KH-UBND ngày 17/8/2023", "Kế hoạch", "137/KH-UBND"),  # "Kế" left on the line before
    ("theo 05-CT/TW", "Chỉ thị", "05-CT/TW"),
    ("trình số 1166/CTR-STTTT-BCHBĐBP ngày 06/7/2022", "Chương trình", "1166/CTr-STTTT-BCHBĐBP"),
    ("Chương trình số 55- CTr/TU của Ban Thường vụ Tỉnh ủy", "Chương trình", "55-CTr/TU"),
    ("theo 133-HD/BTGTU", "Hướng dẫn", "133-HD/BTGTU"),
    ("theo 3089/BTTTT-TTĐN", "Công văn/Văn bản", "3089/BTTTT-TTĐN"),
    ("Luật số 103/2016/QH13", "Luật", "103/2016/QH13"),
    ("Đề án số 12/ĐA-UBND", "Đề án", "12/ĐA-UBND"),
    ("Chỉ thị số 05-CT/TW", "Chỉ thị", "05-CT/TW"),
])
def test_kind_inferred_or_printed(text, kind, ref):
    c = one(text)
    assert (c["kind"], c["ref"]) == (kind, ref)


def test_joint_programme():  # dak-lak-2025-ubnd-ttdn.txt:158
    c = one("5. Triển khai Chương trình phối hợp số 992/CTPH-BTTTT-UBND ngày 04/6/2024 giữa Bộ Thông tin")
    assert (c["kind"], c["ref"], c["date"], c["issuer_level"]) == ("Chương trình", "992/CTPH-BTTTT-UBND", "2024-06-04",
                                                           "central")
    assert c["raw"].startswith("Chương trình phối hợp số")


def test_date_belongs_to_its_own_reference():  # dak-lak-2024-ubnd-143-kh-nq47.txt:18
    found = find_citations("- Bám sát quan điểm chỉ đạo nêu tại Kết luận số 57-KL/TW của Bộ Chính trị, Chương trình "
                           "số 55-CTr/TU ngày 29/02/2024 của Ban Thường vụ Tỉnh ủy")
    assert [(c["ref"], c["date"]) for c in found] == [("57-KL/TW", None), ("55-CTr/TU", "2024-02-29")]


def test_header_number_with_space():  # dong-nai-2024-ubnd-ttdn.md:3
    c = one("Số: 262 /KH-UBND")
    assert (c["ref"], c["issuer_level"]) == ("262/KH-UBND", "province")


@pytest.mark.parametrize("text", [
    "- Thời gian thực hiện: 01 số/quý.",
    "- Thời gian thực hiện: quý II, III/2024",
    "giai đoạn 2021 - 2025; (ký ngày 18/2/1979); 50 năm (10/3/1975 - 10/3/2025)",
    "- Bộ TT&TT (b/c); - Lưu VT, KGVX (Nh-10b) .",
    "Số: /KH-UBND",
    "Công ước Liên hợp quốc về Luật Biển năm 1982; Luật Ngân sách Nhà nước",
    "trên trang https://vietnam.vn, Voso.vn, Tiki.vn",
    "",
])
def test_no_false_citations(text):
    assert find_citations(text) == []


def test_hard_wrapped_symbol_found_on_logical_lines():
    # dak-lak-2024-so-xay-dung-ttdn.txt:80-82 prints "Kết luận số 57-" / "KL/TW ngày 15/6/2023"
    path = PLANS / "dak-lak-2024-so-xay-dung-ttdn.txt"
    raw = path.read_text(encoding="utf-8").split("\n")
    on_physical = citations_from_lines(path.stem, physical(path))
    logical = citations_from_lines(path.stem, [(ln.start, ln.text) for ln in prepare_lines(raw) if not ln.skip])
    assert 80 not in set(on_physical["line"])
    hit = logical[logical["line"] == 80]  # the logical line runs on to line 86, which names 57-KL/TW again
    assert hit[["ref", "date"]].values.tolist() == [["57-KL/TW", "2023-06-15"], ["57-KL/TW", None]]
    assert hit["raw"].iloc[0] == "Kết luận số 57-KL/TW"


def test_task_of_lines_on_corpus(corpus):
    path = PLANS / "gia-lai-2025-ubnd-ttdn.txt"
    tol = task_of_lines(corpus.tasks, path.stem)
    df = citations_from_lines(path.stem, physical(path), tol)
    at60 = df[df["line"] == 60]
    assert set(at60["task_id"]) == {"gia-lai-2025-ubnd-ttdn:II.2.1"}
    assert df.loc[df["line"] == 12, "task_id"].isna().all()  # "Căn cứ Nghị định số 72/2015/NĐ-CP" is preamble


def test_issuers_table():
    t = load_issuers()
    assert list(t.columns) == ["suffix", "issuer", "level"]
    assert t["suffix"].is_unique
    assert set(t["level"]) == {"central", "province"}
    assert issuer_of("1079/QĐ-TTg") == ("Thủ tướng Chính phủ", "central")
    assert issuer_of("55-CTr/TU") == ("Tỉnh ủy", "province")
    assert issuer_of("184-KH/TU")[1] == "province"


def test_instrument_table(corpus, seed_citations):
    table = instrument_table(seed_citations, corpus.plans)
    assert table.index.names == ["province", "year"]
    assert list(table.index) == sorted(set(zip(corpus.plans["province"], corpus.plans["year"])))
    assert (table["57-KL/TW"] >= 1).all()
    assert "143/KH-UBND" not in table.columns and "55-CTr/TU" not in table.columns
    assert table.columns[0] == "57-KL/TW"  # the most cited
    assert table.loc[("Gia Lai", 2025), "72/2015/NĐ-CP"] == 2
    assert table.loc[("Đồng Nai", 2024), "47/NQ-CP"] == 0
    provincial = instrument_table(seed_citations, corpus.plans, level="province")
    assert "143/KH-UBND" in provincial.columns and "57-KL/TW" not in provincial.columns


def test_citation_graph(seed_citations):
    g = citation_graph(seed_citations)
    plans = {n for n, d in g.nodes(data=True) if d["type"] == "plan"}
    assert plans == {p.stem for p in SEEDS}
    assert g.in_degree("57-KL/TW") == 5
    assert sum(w for _, _, w in g.edges(data="weight")) == len(seed_citations)
    assert g.nodes["72/2015/NĐ-CP"]["doc_kind"] == "Nghị định"
    assert g.nodes["72/2015/NĐ-CP"]["date"] == "2015-09-07"
    assert list(g.edges) == sorted(g.edges)
    assert list(citation_graph(seed_citations.iloc[::-1]).edges(data="weight")) == list(g.edges(data="weight"))


def test_empty_inputs():
    empty = citations_from_lines("p", [(1, "Không có trích dẫn")])
    assert list(empty.columns) == list(CITATION_COLUMNS) and empty.empty
    assert citation_graph(empty).number_of_nodes() == 0
    plans = pd.DataFrame({"plan_id": ["p"], "province": ["Gia Lai"], "year": [2025]})
    assert instrument_table(empty, plans).shape == (1, 0)


# --------------------------------------------------------------------------- issue 13 item 8

def _plan_citations(corpus, stem: str) -> pd.DataFrame:
    ids = corpus.plans.loc[corpus.plans["source_file"].map(lambda s: Path(str(s)).stem) == stem, "plan_id"]
    return corpus.citations[corpus.citations["plan_id"].isin(ids)]


def test_a_plan_does_not_cite_itself(corpus):
    # 143/KH-UBND named itself in its title, its scraped header table and "Số: 143/KH-UBND"
    own = _plan_citations(corpus, "dak-lak-2024-ubnd-143-kh-nq47")
    assert "143/KH-UBND" not in set(own["ref"]) and "47/NQ-CP" in set(own["ref"])
    assert "262/KH-UBND" not in set(_plan_citations(corpus, "dong-nai-2024-ubnd-ttdn")["ref"])
    # another plan citing 143/KH-UBND still does
    later = _plan_citations(corpus, "dak-lak-2025-ubnd-ttdn")
    assert later.loc[later["ref"] == "143/KH-UBND", "line"].tolist() == [10]


def test_same_number_of_another_year_is_a_citation():
    lines = [(3, "Số: 143/KH-UBND"), (20, "Tiếp tục thực hiện Kế hoạch số 143/KH-UBND ngày 02/3/2023 của UBND tỉnh"),
             (21, "Kế hoạch này (Kế hoạch số 143/KH-UBND) thay thế …")]
    df = citations_from_lines("p", lines, own_number="143/KH-UBND", own_date="2024-08-05")
    assert df[["line", "ref", "date"]].values.tolist() == [[20, "143/KH-UBND", "2023-03-02"]]
    # without the plan's own number nothing is dropped
    assert len(citations_from_lines("p", lines)) == 3


def test_short_name_is_not_a_second_mention(corpus):
    # dak-lak-2024-ubnd-143-kh-nq47.txt:16 "Nghị quyết số 47/NQ-CP ngày 15/4/2024 … (gọi tắt là Nghị quyết số 47/NQ-CP)"
    own = _plan_citations(corpus, "dak-lak-2024-ubnd-143-kh-nq47")
    at16 = own[own["line"] == 16]
    assert at16["ref"].tolist().count("47/NQ-CP") == 1
    assert pd.to_datetime(at16.loc[at16["ref"] == "47/NQ-CP", "date"]).tolist() == [pd.Timestamp("2024-04-15")]
    found = find_citations("Nghị quyết số 47/NQ-CP ngày 15/4/2024 (sau đây gọi tắt là Nghị quyết số 47/NQ-CP)")
    assert [c["alias"] for c in found] == [False, True]
    # a short name for a document not cited before still counts
    first = citations_from_lines("p", [(5, "Chương trình hành động (gọi tắt là Nghị quyết số 47/NQ-CP) của Chính phủ")])
    assert first["ref"].tolist() == ["47/NQ-CP"]


def test_typo_of_a_known_instrument_is_flagged(corpus):
    typos = corpus.problems[corpus.problems["kind"] == "citation_typo"]
    assert len(typos) == 1  # no false alarm on the other 90-odd citations of the seeds
    row = typos.iloc[0]
    assert Path(str(row["source_file"])).name == "dak-lak-2025-ubnd-ttdn.txt" and row["line"] == 158
    assert "992/CTPH-BTTTT-UBND" in row["message"] and "922/CTPH-BTTTT-UBDT" in row["message"]
    # the citation itself is kept as printed
    later = _plan_citations(corpus, "dak-lak-2025-ubnd-ttdn")
    assert "992/CTPH-BTTTT-UBND" in set(later["ref"])
    # the corpus table (typed dates) gives the same finding
    from ttdn_analysis.parse.citations import citation_problems
    assert [p["line"] for p in citation_problems(later)] == [158]


def test_dropped_digit_is_a_possible_typo():
    from ttdn_analysis.parse.citations import citation_problems
    found = citation_problems(citations_from_lines("p", [(4, "Nghị quyết số 7/NQ-CP ngày 15/4/2024 của Chính phủ")]))
    assert len(found) == 1 and "47/NQ-CP" in found[0]["message"]


@pytest.mark.parametrize("text", [
    "Quyết định số 1192/QĐ-TTg ngày 20/9/2020 của Thủ tướng Chính phủ",   # a near number of another date
    "Văn bản số 1191/UBND-KGVX ngày 05/8/2020 của UBND tỉnh",             # same number and date, another kind
    "Quyết định số 1191/QĐ-TTg ngày 05/8/2020 của Thủ tướng Chính phủ",   # the known instrument itself
    "Nghị quyết số 52/NQ-CP ngày 15/4/2024 của Chính phủ",                 # same date, number too far
    "Nghị quyết số 48/NQ-CP ngày 15/4/2024 của Chính phủ",                 # the next number of the same day
])
def test_no_typo_alarm_without_evidence(text):
    from ttdn_analysis.parse.citations import citation_problems
    assert citation_problems(citations_from_lines("p", [(1, text)])) == []


def test_known_instruments_are_sourced_and_read_back():
    from ttdn_analysis.parse.citations import load_instruments
    known = load_instruments()
    assert known["ref"].is_unique and (known["source"].str.len() > 0).all()
    assert set(known["kind"]) <= set(KINDS)
    for rec in known.to_dict("records"):
        found = one(f"theo {rec['kind'].split('/')[0]} số {rec['ref']} ngày "
                    f"{rec['date'][8:10]}/{rec['date'][5:7]}/{rec['date'][:4]}")
        assert (found["ref"], found["date"]) == (rec["ref"], rec["date"])


def test_instrument_table_unknown_level(corpus):
    with pytest.raises(ValueError, match=r"unknown level 'national'.*Valid: central, province"):
        instrument_table(corpus.citations, corpus.plans, level="national")


# --------------------------------------------------------------------------- issue 16 item 8: instruments per plan

def test_instruments_by_plan_on_the_seeds(corpus):
    t = instruments_by_plan(corpus.citations, corpus.plans)
    assert list(t.columns) == list(PLAN_INSTRUMENT_COLUMNS)
    assert not t.duplicated(["plan_id", "ref"]).any()
    assert t["mentions"].sum() == len(corpus.citations)  # every citation counted once, none lost
    assert t.equals(t.sort_values(["plan_id", "first_line", "ref"], kind="stable").reset_index(drop=True))
    # all five seeds cite Conclusion 57-KL/TW of the Politburo
    kl57 = t[t["ref"] == "57-KL/TW"].set_index("plan_id")
    assert set(kl57.index) == set(corpus.plans["plan_id"])
    assert set(kl57["kind"]) == {"Kết luận"} and set(kl57["issuer_level"]) == {"central"}
    assert set(kl57["issuer"]) == {"Bộ Chính trị / Trung ương Đảng"}
    assert kl57.loc["dong-nai-2024-ubnd-ttdn", "first_line"] == 28
    assert kl57.loc["gia-lai-2025-ubnd-ttdn", ["first_line", "mentions"]].tolist() == [10, 5]
    # the plan's own kind travels with it
    nq47 = t[t["plan_id"] == "dak-lak-2024-ubnd-143-kh-nq47"]
    assert set(nq47["plan_kind"]) == {"implementation"} and "47/NQ-CP" in set(nq47["ref"])
    assert set(t.loc[t["plan_id"] == "gia-lai-2025-ubnd-ttdn", "plan_kind"]) == {"annual"}
    # provenance: the first line given starts a (logical, re-joined) line of the file that names the instrument
    logical = {}
    for rec in t.to_dict("records"):
        if rec["source_file"] not in logical:
            raw = Path(rec["source_file"]).read_text(encoding="utf-8").split("\n")
            logical[rec["source_file"]] = {ln.start: ln.text for ln in prepare_lines(raw)}
        number = rec["ref"].split("/")[0].split("-")[0]
        assert rec["first_line"] == min(rec["lines"]), rec
        assert number in logical[rec["source_file"]][rec["first_line"]], rec
        assert len(rec["lines"]) <= rec["mentions"]


def test_instruments_by_plan_agrees_with_the_province_table(corpus):
    per_plan = instruments_by_plan(corpus.citations, corpus.plans, level="central")
    assert set(per_plan["issuer_level"]) == {"central"} and "143/KH-UBND" not in set(per_plan["ref"])
    pooled = per_plan.pivot_table(index=["province", "year"], columns="ref", values="mentions", aggfunc="sum",
                                  fill_value=0, observed=True)
    table = instrument_table(corpus.citations, corpus.plans)
    assert pooled.reindex(index=table.index, columns=table.columns, fill_value=0).astype("int64").equals(table)


def test_instruments_by_plan_selects_plans_and_checks_level(corpus):
    gl = corpus.plans[corpus.plans["province"] == "Gia Lai"]
    t = instruments_by_plan(corpus.citations, gl)
    assert set(t["plan_id"]) == {"gia-lai-2025-ubnd-ttdn"} and set(t["province"]) == {"Gia Lai"}
    provincial = instruments_by_plan(corpus.citations, corpus.plans, level="province")
    assert "184-KH/TU" in set(provincial["ref"]) and "57-KL/TW" not in set(provincial["ref"])
    with pytest.raises(ValueError, match=r"unknown level 'national'"):
        instruments_by_plan(corpus.citations, corpus.plans, level="national")
    empty = citations_from_lines("p", [(1, "Không có trích dẫn")])
    out = instruments_by_plan(empty, pd.DataFrame({"plan_id": ["p"], "province": ["Gia Lai"], "year": [2025]}))
    assert out.empty and list(out.columns) == list(PLAN_INSTRUMENT_COLUMNS)
    # a bare table of references: issuer and level are told from the reference, missing metadata stays empty
    bare = instruments_by_plan(pd.DataFrame({"plan_id": ["p"], "ref": ["1079/QĐ-TTg"], "line": [4]}),
                               pd.DataFrame({"plan_id": ["p"], "province": ["Gia Lai"], "year": [2025]}))
    assert bare[["issuer", "issuer_level", "first_line", "mentions"]].values.tolist() == [
        ["Thủ tướng Chính phủ", "central", 4, 1]]
    assert bare["source_file"].isna().all() and bare["plan_kind"].isna().all()
