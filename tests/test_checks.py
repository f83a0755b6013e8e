"""Arrival checks (province_defunct, province_mismatch, near_duplicate, agency_defunct), plan kinds and the
merged_province column."""
from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from conftest import PLANS

from ttdn_analysis import load_corpus
from ttdn_analysis.checks import corpus_checks, plan_date
from ttdn_analysis.parse.kinds import PLAN_KINDS, classify_plan
from ttdn_analysis.schema import COLUMNS, META, PROBLEM_KINDS

GL = "gia-lai-2025-ubnd-ttdn.txt"
CHECKS = ("province_defunct", "province_mismatch", "near_duplicate", "agency_defunct")


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TTDN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="module")
def relabelled(tmp_path_factory):
    """The Gia Lai 2025 plan, and a copy whose header says Kon Tum, January 2026 (its body still names Gia Lai)."""
    folder = tmp_path_factory.mktemp("kontum")
    shutil.copy(PLANS / GL, folder / GL)
    text = (PLANS / GL).read_text(encoding="utf-8")
    assert "\nGia Lai, ngày tháng 02 năm 2025\n" in text
    text = text.replace("\nGia Lai, ngày tháng 02 năm 2025\n", "\nKon Tum, ngày 05 tháng 01 năm 2026\n")
    text = text.replace("trên địa bàn tỉnh Gia Lai năm 2025\n", "trên địa bàn tỉnh Kon Tum năm 2026\n", 1)
    (folder / "kon-tum-2026.txt").write_text(text, encoding="utf-8")
    return load_corpus(folder, cache=False)


def _found(corpus, kind, file_part):
    p = corpus.problems
    return p[(p["kind"] == kind) & p["source_file"].str.contains(file_part, regex=False)]


def test_catalogue_has_the_checks():
    for kind in CHECKS:
        assert PROBLEM_KINDS[kind].severity == "warning"


def test_seeds_raise_no_arrival_warning(corpus):
    assert not corpus.problems["kind"].isin(CHECKS).any(), corpus.problems[corpus.problems["kind"].isin(CHECKS)]


def test_relabelled_copy_is_flagged_four_ways(relabelled):
    kt = relabelled.plans.set_index("plan_id").loc["kon-tum-2026"]
    assert kt["province"] == "Kon Tum" and kt["merged_province"] == "Quảng Ngãi"
    (defunct,) = _found(relabelled, "province_defunct", "kon-tum").itertuples()
    assert "Quảng Ngãi" in defunct.message and "2025-06-30" in defunct.message and "kon-tum-2026.txt" in defunct.message
    (mismatch,) = _found(relabelled, "province_mismatch", "kon-tum").itertuples()
    assert re.search(r"name Gia Lai \d+ times", mismatch.message) and not pd.isna(mismatch.line)
    line = (PLANS / GL).read_text(encoding="utf-8").split("\n")[int(mismatch.line) - 1]
    assert "Gia Lai" in line  # the line named is one that names the other province
    (dup,) = _found(relabelled, "near_duplicate", "kon-tum").itertuples()
    assert GL in dup.message and "100%" in dup.message
    agencies = _found(relabelled, "agency_defunct", "kon-tum")
    sttt = agencies[agencies["message"].str.contains("'Sở Thông tin và Truyền thông'")]
    assert len(sttt) == 1 and "Sở Văn hóa, Thể thao và Du lịch" in sttt["message"].iloc[0]
    assert "not confirmed" in sttt["message"].iloc[0]
    assert agencies["line"].notna().all()
    # the original, dated 2025 in Gia Lai (which continues), only shares the copy warning
    gl = relabelled.problems[relabelled.problems["source_file"].str.endswith(GL)]
    assert set(gl["kind"]) & set(CHECKS) == {"near_duplicate"}


def _tables(province, year, texts, date=None, agencies=()):
    plans = pd.DataFrame({"plan_id": ["p"], "source_file": ["x/p.txt"], "province": [province], "year": [year],
                          "date": [date]})
    tasks = pd.DataFrame({"plan_id": "p", "text": texts, "text_lines": [[10 + i] for i in range(len(texts))],
                          "line_start": [10 + i for i in range(len(texts))]})
    assignments = pd.DataFrame({"plan_id": "p", "agency": list(agencies), "line": 12}, columns=["plan_id", "agency",
                                                                                                "line"])
    return {"plans": plans, "tasks": tasks, "assignments": assignments,
            "problems": pd.DataFrame(columns=COLUMNS["problems"])}


def test_mismatch_respects_the_merged_map():
    body = ["Quảng bá du lịch Bình Định."] * 5
    # a 2026 plan of the new Gia Lai names its Bình Định part: one unit since 2025-07-01
    assert corpus_checks(_tables("Gia Lai", 2026, body)).empty
    # in 2024 they were two provinces
    out = corpus_checks(_tables("Gia Lai", 2024, body))
    assert out["kind"].tolist() == ["province_mismatch"] and out["line"].tolist() == [10]
    # a few mentions of a neighbour are not a mismatch
    assert corpus_checks(_tables("Gia Lai", 2024, body[:2] + ["Tỉnh Gia Lai."])).empty


def test_agency_defunct_only_after_the_change():
    early = _tables("Đồng Nai", 2025, ["x"], date="2025-01-15", agencies=["Sở Thông tin và Truyền thông"])
    assert corpus_checks(early).empty
    late = _tables("Đồng Nai", 2025, ["x"], date="2025-03-15", agencies=["Sở Thông tin và Truyền thông", "Sở Y tế"])
    out = corpus_checks(late)
    assert out["kind"].tolist() == ["agency_defunct"] and "Sở Khoa học và Công nghệ" in out["message"].iloc[0]
    # Đồng Nai's foreign affairs department was re-established: not defunct in 2026
    assert corpus_checks(_tables("Đồng Nai", 2026, ["x"], agencies=["Sở Ngoại vụ"])).empty


def test_near_duplicate_needs_most_of_the_text():
    words = [f"từ{i} ngữ{i}" for i in range(200)]
    a = " ".join(words)
    half = " ".join(words[:100]) + " " + " ".join(f"khác{i} hẳn{i}" for i in range(100))
    plans = pd.DataFrame({"plan_id": ["a", "b"], "source_file": ["f/a.txt", "f/b.txt"], "province": "Gia Lai",
                          "year": 2025, "date": None})
    tasks = pd.DataFrame({"plan_id": ["a", "b"], "text": [a, half], "text_lines": [[1], [1]], "line_start": [1, 1]})
    assert corpus_checks({"plans": plans, "tasks": tasks}).empty
    tasks.loc[1, "text"] = a + " thêm một câu"
    out = corpus_checks({"plans": plans, "tasks": tasks})
    assert sorted(out["source_file"]) == ["f/a.txt", "f/b.txt"] and set(out["kind"]) == {"near_duplicate"}


def test_plan_date():
    assert plan_date("2023-11-08", 2024) == "2023-11-08"
    assert plan_date(None, 2026) == "2026-01-01"


def test_plan_kinds_on_the_seeds(corpus):
    kinds = corpus.plans.set_index("plan_id")["kind"].to_dict()
    assert kinds == {"dak-lak-2024-so-xay-dung-ttdn": "annual", "dak-lak-2024-ubnd-143-kh-nq47": "implementation",
                     "dak-lak-2025-ubnd-ttdn": "annual", "dong-nai-2024-ubnd-ttdn": "annual",
                     "gia-lai-2025-ubnd-ttdn": "annual"}
    assert set(kinds.values()) <= set(PLAN_KINDS)


@pytest.mark.parametrize(("title", "kind"), [
    ("Công tác thông tin đối ngoại tỉnh Lào Cai năm 2024", "annual"),
    ("Thông tin đối ngoại thành phố Hải Phòng năm 2024", "annual"),
    ("Thực hiện Quyết định số 1191/QĐ-TTg về thông tin đối ngoại khu vực biên giới", "implementation"),
    ("Triển khai Kết luận 57-KL/TW của Bộ Chính trị", "implementation"),
    ("Tuyên truyền về quyền con người giai đoạn 2023 - 2028", "programme"),
    ("Thông tin đối ngoại từ năm 2024 đến năm 2026", "programme"),
    # a department implementing the province's yearly plan is itself a yearly plan
    ("Thực hiện Kế hoạch số 2193/KH-UBND về công tác thông tin đối ngoại năm 2024", "annual"),
    ("Kế hoạch thông tin đối ngoại", None),
])
def test_classify_plan(title, kind):
    assert classify_plan(title).kind == kind


def test_manifest_sets_the_kind(tmp_path):
    shutil.copy(PLANS / GL, tmp_path / GL)
    (tmp_path / "manifest.csv").write_text(f"file,kind\n{GL},programme\n", encoding="utf-8")
    c = load_corpus(tmp_path, cache=False)
    assert c.plans["kind"].tolist() == ["programme"]


def test_merged_province_on_every_table(corpus):
    assert "merged_province" in META
    for name in ("plans", "tasks", "assignments", "task_themes", "citations"):
        table = getattr(corpus, name)
        assert "merged_province" in table.columns, name
        pairs = set(zip(table["province"], table["merged_province"]))
        assert pairs <= {("Đắk Lắk", "Đắk Lắk"), ("Đồng Nai", "Đồng Nai"), ("Gia Lai", "Gia Lai")}, name


def test_manifest_kind_not_known_is_a_problem(tmp_path):
    shutil.copy(PLANS / GL, tmp_path / GL)
    (tmp_path / "manifest.csv").write_text(f"file,kind\n{GL},yearly\n", encoding="utf-8")
    c = load_corpus(tmp_path, cache=False)
    assert c.plans["kind"].tolist() == ["annual"]  # read from the title instead
    bad = c.problems[c.problems["kind"] == "manifest"]
    assert len(bad) == 1 and "'yearly'" in bad["message"].iloc[0] and "annual" in bad["message"].iloc[0]


def test_signing_date_as_loaded_is_used(relabelled):
    """The loader types dates (datetime64): the check reads the signing day, not only the year."""
    (defunct,) = _found(relabelled, "province_defunct", "kon-tum").itertuples()
    assert "dated 2026-01-05" in defunct.message
    late = _tables("Đồng Nai", 2025, ["x"], date=pd.Timestamp("2025-03-15"), agencies=["Sở Thông tin và Truyền thông"])
    assert corpus_checks(late)["kind"].tolist() == ["agency_defunct"]
